/**
 * The Catalog contract, written against the interface so a PostgreSQL implementation can run the
 * same suite: job claims (one per site, oldest acquisition first), re-scoring, requeue after a crash,
 * analysis write-back, pagination. Runs here on the embedded SQLite catalogue.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ZoneCollection } from '../../contract/index.ts';
import { FIXTURE_BOUNDS, fixtureImage } from '../testing/catalog-fixtures.ts';
import type { AnalysisOutcome, Catalog } from './catalog.ts';
import { openSqliteCatalog } from './sqlite-catalog.ts';

const BOUNDS = FIXTURE_BOUNDS;
const ZONES: ZoneCollection = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature' as const,
      properties: { id: 'b', name: 'B', kind: 'berth' as const },
      geometry: {
        type: 'Polygon' as const,
        coordinates: [
          [
            [130.01, 42.01],
            [130.02, 42.01],
            [130.02, 42.02],
            [130.01, 42.01],
          ],
        ],
      },
    },
  ],
};

const image = fixtureImage;

const outcome = (zoneScore: number): AnalysisOutcome => ({
  grid: { bounds: BOUNDS, width: 10, height: 10, pixelWidthM: 1, pixelHeightM: 1 },
  bands: ['red', 'green', 'blue'],
  image: { cloudFraction: 0.1, coverage: 0.9, registration: { dxM: 1, dyM: -1, confidence: 0.8 } },
  scores: [
    {
      zoneId: 'b',
      zoneKind: 'berth',
      vesselCount: zoneScore,
      vesselAreaM2: 100,
      arrivals: null,
      departures: null,
      railCarCount: null,
      railOccupancy: null,
      changeFraction: null,
      coverage: 0.9,
      activity: 10,
    },
  ],
  detections: [],
});

export function catalogContract(name: string, make: () => Promise<{ catalog: Catalog; dispose(): Promise<void> }>) {
  describe(name, () => {
    let c: Catalog;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ catalog: c, dispose } = await make());
      for (const id of ['north', 'south'])
        await c.createSite({
          id,
          name: id,
          bounds: BOUNDS,
          settings: { minVesselLengthM: 20, railCarLengthM: 15 },
          zones: ZONES,
        });
    });
    afterEach(() => dispose());

    it('runs one job per site at a time, oldest acquisition first', async () => {
      const late = await c.addImage(image('north', '2025-03-01T00:00:00.000Z'));
      const early = await c.addImage(image('north', '2025-01-01T00:00:00.000Z'));
      const other = await c.addImage(image('south', '2025-06-01T00:00:00.000Z'));
      const first = await c.claimJob();
      expect(first?.imageId).toBe(early.image.id);
      const second = await c.claimJob();
      expect(second?.imageId).toBe(other.image.id);
      expect(await c.claimJob()).toBeNull();
      expect(await c.completeJob(first!.id, outcome(3))).toBe(true);
      // The early image's arrival re-queued the late one; it is now the only runnable job.
      const third = await c.claimJob();
      expect(third?.imageId).toBe(late.image.id);
      expect((await c.getImage(late.image.id))?.status).toBe('processing');
    });

    it('queues a re-score of the successor on insert and delete, never twice', async () => {
      const a = await c.addImage(image('north', '2025-01-01T00:00:00.000Z'));
      const b = await c.addImage(image('north', '2025-03-01T00:00:00.000Z'));
      expect(b.rescored).toBeNull();
      const mid = await c.addImage(image('north', '2025-02-01T00:00:00.000Z'));
      expect(mid.rescored?.imageId).toBe(b.image.id);
      expect(mid.rescored?.id).toBe(b.job.id); // already queued: the same job, not a second one
      const gone = await c.deleteImage(a.image.id);
      expect(gone?.rescored?.imageId).toBe(mid.image.id);
      expect(await c.getImage(a.image.id)).toBeNull();
      expect(await c.getJob(a.job.id)).toBeNull();
    });

    it('re-scores the first image, then the second, once the dates it reads are analysed', async () => {
      const runAll = async () => {
        const ran: string[] = [];
        for (let job = await c.claimJob(); job; job = await c.claimJob()) {
          ran.push(job.imageId);
          await c.completeJob(job.id, outcome(1));
        }
        return ran;
      };
      const at = (m: number) => `2025-0${m}-01T00:00:00.000Z`;
      const a = (await c.addImage(image('north', at(1)))).image.id;
      expect(await runAll()).toEqual([a]);
      // One upload at a time: each of the next three dates re-scores the first and second.
      const b = (await c.addImage(image('north', at(2)))).image.id;
      expect(await runAll()).toEqual([b, a, b]);
      const cc = (await c.addImage(image('north', at(3)))).image.id;
      expect(await runAll()).toEqual([cc, a, b]);
      // A batch: the fourth date's analysis waits for none; the fifth is not among those the first reads.
      const d = (await c.addImage(image('north', at(4)))).image.id;
      const e = (await c.addImage(image('north', at(5)))).image.id;
      expect(await runAll()).toEqual([d, a, b, e]);
      // A re-score (zones edited) triggers nothing more.
      await c.replaceZones('north', ZONES);
      expect(await runAll()).toEqual([a, b, cc, d, e]);
    });

    it('re-scores the first image once after a batch, when the last date it reads is analysed', async () => {
      const ids = [];
      for (let m = 1; m <= 5; m++) ids.push((await c.addImage(image('south', `2025-0${m}-01T00:00:00.000Z`))).image.id);
      const ran: string[] = [];
      for (let job = await c.claimJob(); job; job = await c.claimJob()) {
        ran.push(job.imageId);
        // A failed date is not waited for.
        if (job.imageId === ids[2]) await c.failJob(job.id, 'corrupt', 'damaged_data');
        else await c.completeJob(job.id, outcome(1));
      }
      expect(ran).toEqual([ids[0], ids[1], ids[2], ids[3], ids[4], ids[0], ids[1]]);
    });

    it('writes an analysis back and keeps a failed job’s error', async () => {
      const a = await c.addImage(image('north', '2025-01-01T00:00:00.000Z'));
      const job = (await c.claimJob())!;
      await c.setJobProgress(job.id, 0.5);
      expect((await c.getJob(job.id))?.progress).toBe(0.5);
      await c.completeJob(job.id, outcome(2));
      const img = (await c.getImage(a.image.id))!;
      expect(img.status).toBe('ready');
      expect(img.registration).toEqual({ dxM: 1, dyM: -1, confidence: 0.8 });
      expect(img.analysisRev).toBe(1);
      const site = (await c.getSite('north'))!;
      expect(site.grid?.width).toBe(10);
      expect(site.referenceImageId).toBe(a.image.id);
      const scores = await c.listScores('north', {}, { limit: 10 });
      expect(scores.items).toEqual([{ imageId: a.image.id, acquiredAt: a.image.acquiredAt, ...outcome(2).scores[0]! }]);
      const b = await c.addImage(image('north', '2025-02-01T00:00:00.000Z'));
      const j2 = (await c.claimJob())!;
      await c.failJob(j2.id, 'image has 2 bands; expected 1, 3 or 4', 'image_rejected');
      expect((await c.getJob(j2.id))?.error).toBe('image has 2 bands; expected 1, 3 or 4');
      expect((await c.getJob(j2.id))?.errorCode).toBe('image_rejected');
      expect((await c.getJob(job.id))?.errorCode).toBeNull();
      expect((await c.getImage(b.image.id))?.status).toBe('failed');
      // The image carries its failure, so a listing can say why without a job id (the app's failed-images list).
      expect((await c.getImage(b.image.id))?.error).toBe('image has 2 bands; expected 1, 3 or 4');
      const listed = (await c.listImages('north', {}, { limit: 10 })).items;
      expect(listed.map((i) => [i.id, i.error, i.errorCode])).toEqual([
        [a.image.id, null, null],
        [b.image.id, 'image has 2 bands; expected 1, 3 or 4', 'image_rejected'],
      ]);
      // A re-upload of the same bytes is answered from this lookup: it must say why, as a listing does.
      expect((await c.findImageBySha('north', b.image.sha256))?.error).toBe('image has 2 bands; expected 1, 3 or 4');
      expect((await c.findImageBySha('north', b.image.sha256))?.errorCode).toBe('image_rejected');
      expect((await c.findImageBySha('north', a.image.sha256))?.error).toBeNull();
    });

    it('names the image an upload is matched to: the earliest not failed, then the analysed reference', async () => {
      expect(await c.referenceForUpload('north')).toBeNull();
      await c.addImage(image('north', '2025-01-01T00:00:00.000Z'));
      await c.failJob((await c.claimJob())!.id, 'corrupt', 'damaged_data');
      expect(await c.referenceForUpload('north')).toBeNull();
      await c.addImage(image('north', '2025-03-01T00:00:00.000Z'));
      const early = await c.addImage(image('north', '2025-02-01T00:00:00.000Z'));
      expect((await c.referenceForUpload('north'))?.id).toBe(early.image.id);
      // Analysed first (jobs run oldest first), the early image becomes the site's reference.
      await c.completeJob((await c.claimJob())!.id, outcome(1));
      // A later upload dated before it does not displace the analysed reference.
      await c.addImage(image('north', '2025-01-15T00:00:00.000Z'));
      expect((await c.referenceForUpload('north'))?.id).toBe(early.image.id);
      expect(await c.referenceForUpload('south')).toBeNull();
    });

    it('requeues jobs a crash left running', async () => {
      await c.addImage(image('north', '2025-01-01T00:00:00.000Z'));
      await c.addImage(image('south', '2025-01-01T00:00:00.000Z'));
      await c.claimJob();
      await c.claimJob();
      expect((await c.jobCounts()).running).toBe(2);
      expect(await c.requeueInterrupted()).toBe(2);
      expect(await c.jobCounts()).toMatchObject({ queued: 2, running: 0 });
    });

    it('pages score rows with a cursor in acquisition order', async () => {
      const month = new Map<string, number>();
      for (let m = 1; m <= 5; m++) {
        month.set((await c.addImage(image('north', `2025-0${m}-01T00:00:00.000Z`))).image.id, m);
        // Re-scores of the first two images come between.
        for (let job = await c.claimJob(); job; job = await c.claimJob())
          await c.completeJob(job.id, outcome(month.get(job.imageId)!));
      }
      const all: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await c.listScores('north', {}, { limit: 2, cursor });
        all.push(...page.items.map((r) => r.vesselCount!));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(all).toEqual([1, 2, 3, 4, 5]);
      const ranged = await c.listScores(
        'north',
        { from: '2025-02-01T00:00:00.000Z', to: '2025-03-31T23:59:59.999Z' },
        { limit: 10 },
      );
      expect(ranged.items.map((r) => r.vesselCount)).toEqual([2, 3]);
    });

    it('refuses a second site with the same id and forgets a deleted site entirely', async () => {
      await expect(
        c.createSite({
          id: 'north',
          name: 'x',
          bounds: BOUNDS,
          settings: { minVesselLengthM: 20, railCarLengthM: 15 },
          zones: ZONES,
        }),
      ).rejects.toThrow(/already exists/);
      const a = await c.addImage(image('north', '2025-01-01T00:00:00.000Z', 'f'.repeat(64)));
      await c.addImage(image('south', '2025-01-01T00:00:00.000Z', 'f'.repeat(64)));
      const gone = await c.deleteSite('north');
      expect(gone?.imageIds).toEqual([a.image.id]);
      expect(gone?.orphanBlobKeys).toEqual([]); // south still uses the same bytes
      expect(await c.getSite('north')).toBeNull();
      expect([...(await c.referencedBlobKeys())]).toEqual(['f'.repeat(64)]);
    });

    it('keeps the bands the site’s first analysis read, whatever a later one read', async () => {
      expect((await c.getSite('north'))?.bands).toBeNull();
      const a = await c.addImage(image('north', '2025-01-01T00:00:00.000Z'));
      await c.completeJob((await c.claimJob())!.id, outcome(1));
      await c.addImage(image('north', '2025-02-01T00:00:00.000Z'));
      // Its reference deleted, an RGB + NIR date analysed with none would read its NIR: the site stays RGB.
      await c.deleteImage(a.image.id);
      await c.completeJob((await c.claimJob())!.id, { ...outcome(1), bands: ['red', 'green', 'blue', 'nir'] });
      expect((await c.getSite('north'))?.bands).toEqual(['red', 'green', 'blue']);
    });

    it('reads the nearest dates, the earlier on a tie, in date order (as processing/series.ts picks them)', async () => {
      const at = (d: number) => `2025-01-${String(d).padStart(2, '0')}T00:00:00.000Z`;
      const ids = new Map<number, string>();
      for (const d of [2, 6, 9, 10, 11, 14, 20]) ids.set(d, (await c.addImage(image('north', at(d)))).image.id);
      for (let job = await c.claimJob(); job; job = await c.claimJob()) await c.completeJob(job.id, outcome(1));
      // From the 10th: the 9th and 11th a day away, then the 6th and 14th four days away, a tie.
      const ctx = (await c.analysisContext(ids.get(10)!))!;
      expect(ctx.others.map((o) => o.id)).toEqual([6, 9, 11].map((d) => ids.get(d)));
    });

    it('does not compare a date against one whose last analysis failed', async () => {
      const at = (m: number) => `2025-0${m}-01T00:00:00.000Z`;
      const ids: string[] = [];
      for (let m = 1; m <= 3; m++) ids.push((await c.addImage(image('north', at(m)))).image.id);
      for (let job = await c.claimJob(); job; job = await c.claimJob()) await c.completeJob(job.id, outcome(1));
      // The second date analysed again (zones edited) fails: it keeps its analysis_rev and old scores.
      await c.replaceZones('north', ZONES);
      for (let job = await c.claimJob(); job; job = await c.claimJob()) {
        if (job.imageId === ids[1]) await c.failJob(job.id, 'worker exited', 'worker_crashed');
        else await c.completeJob(job.id, outcome(1));
      }
      expect((await c.getImage(ids[1]!))?.status).toBe('failed');
      const ctx = (await c.analysisContext(ids[2]!))!;
      expect(ctx.previous?.id).toBe(ids[0]);
      expect(ctx.others.map((o) => o.id)).toEqual([ids[0]]);
      expect(ctx.reference?.id).toBe(ids[0]);
    });
  });
}

catalogContract('SQLite catalogue', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bw-cat-'));
  const catalog = openSqliteCatalog(join(dir, 'db.sqlite'));
  return {
    catalog,
    dispose: async () => {
      await catalog.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
