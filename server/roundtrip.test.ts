/**
 * The full round trip on (a crop of) the sample tiles over real HTTP: upload → job → scores equal to
 * what processing computes directly; CSV, pagination, detections, heat map, tiles that line up with
 * the image's bounds, change masks; re-scoring after an insert, a delete and a zone edit.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Image, type Job, SCORE_CSV_COLUMNS, type ScoreRow } from '../contract/index.ts';
import { analyzeImage, type ImageAnalysis, type PriorImage } from '../processing/pipeline.ts';
import { seriesSteps } from '../processing/series.ts';
import { createSite, settledJob, startTestServer, type TestServer } from './testing/harness.ts';
import { cropSample, type SampleCrop } from './testing/sample.ts';
import { latOf, lonOf } from './tiles/mercator.ts';

let s: TestServer;
let crop: SampleCrop;
let tmp: string;
const uploaded: { image: Image; job: Job }[] = [];

const waitJob = (id: string): Promise<Job> => settledJob(s, id);

async function upload(i: number) {
  const img = crop.images[i]!;
  const fd = new FormData();
  fd.set('file', new Blob([new Uint8Array(img.png)]), img.name);
  fd.set('acquiredAt', img.acquiredAt);
  fd.set('bounds', JSON.stringify(crop.bounds));
  return s.req(`/api/sites/${crop.siteId}/images`, { method: 'POST', auth: true, body: fd });
}

beforeAll(async () => {
  crop = await cropSample(4);
  tmp = await mkdtemp(join(tmpdir(), 'bw-direct-'));
  s = await startTestServer({ config: { workers: 2 } });
  const r = await createSite(s, crop.siteId, 'Pier 1', crop);
  expect(r.status, await r.clone().text()).toBe(201);
  for (const i of [0, 1, 2]) {
    const res = await upload(i);
    expect(res.status).toBe(202);
    uploaded.push((await res.json()) as { image: Image; job: Job });
  }
  for (const u of uploaded) expect((await waitJob(u.job.id)).status).toBe('succeeded');
  // The first and second dates are re-scored once the third is analysed.
  await s.runner.idle();
}, 240_000);
afterAll(async () => {
  await s?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('round trip on the sample tiles', () => {
  it('serves scores equal to what processing computes directly', async () => {
    // The dates in the order the series runs them (the first two again once the third is analysed),
    // each with the analysed dates nearest in time, nearest first, as the server lists them.
    const images = crop.images.slice(0, 3);
    const times = images.map((img) => Date.parse(img.acquiredAt));
    const direct: ImageAnalysis[] = [];
    const prior = (i: number): PriorImage => ({
      id: `d${i}`,
      dir: join(tmp, `a${i}`),
      acquiredAt: images[i]!.acquiredAt,
    });
    let grid = null;
    for (const step of seriesSteps(times)) {
      const i = step.index;
      const img = images[i]!;
      const path = join(tmp, img.name);
      await writeFile(path, img.png);
      const result = await analyzeImage({
        site: { id: crop.siteId, bounds: crop.bounds, settings: crop.settings, zones: crop.zones, grid },
        image: { id: `d${i}`, path, bounds: crop.bounds, acquiredAt: img.acquiredAt },
        dir: prior(i).dir,
        reference: i > 0 ? prior(0) : null,
        previous: i > 0 ? prior(i - 1) : null,
        others: step.others.map(prior),
      });
      grid ??= result.grid;
      direct[i] = result;
    }
    const body = (await (await s.req(`/api/sites/${crop.siteId}/scores`)).json()) as {
      items: ScoreRow[];
      nextCursor: string | null;
    };
    expect(body.nextCursor).toBeNull();
    expect(body.items).toHaveLength(3 * crop.zones.features.length);
    for (const [i, u] of uploaded.entries()) {
      const rows = body.items.filter((r) => r.imageId === u.image.id);
      const expected = direct[i]!.scores.map((sc) => ({ ...sc, imageId: u.image.id, acquiredAt: u.image.acquiredAt }));
      expect(rows.sort((a, b) => a.zoneId.localeCompare(b.zoneId))).toEqual(
        expected.sort((a, b) => a.zoneId.localeCompare(b.zoneId)),
      );
      const det = (await (await s.req(`/api/images/${u.image.id}/detections`)).json()) as {
        type: string;
        features: unknown[];
      };
      expect(det.type).toBe('FeatureCollection');
      expect(det.features).toEqual(direct[i]!.detections);
      const image = (await (await s.req(`/api/images/${u.image.id}`)).json()) as Image;
      expect(image.status).toBe('ready');
      expect(image.coverage).toBe(direct[i]!.image.coverage);
      expect(image.cloudFraction).toBe(direct[i]!.image.cloudFraction);
    }
    const vessels = body.items.filter((r) => r.zoneKind === 'berth' && r.vesselCount !== null);
    expect(vessels.length).toBeGreaterThan(0);
  }, 180_000);

  it('filters scores by zone and time, pages them with a cursor, and exports CSV', async () => {
    const all = (await (await s.req(`/api/sites/${crop.siteId}/scores?limit=1000`)).json()) as { items: ScoreRow[] };
    const paged: ScoreRow[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = (await (
        await s.req(`/api/sites/${crop.siteId}/scores?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()) as {
        items: ScoreRow[];
        nextCursor: string | null;
      };
      paged.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(paged).toEqual(all.items);
    const times = all.items.map((r) => r.acquiredAt);
    expect(times).toEqual([...times].sort());
    const zone = crop.zones.features[0]!.properties.id;
    const one = (await (await s.req(`/api/sites/${crop.siteId}/scores?zone=${zone}`)).json()) as { items: ScoreRow[] };
    expect(one.items.map((r) => r.zoneId)).toEqual([zone, zone, zone]);
    const d1 = uploaded[1]!.image.acquiredAt.slice(0, 10);
    const ranged = (await (await s.req(`/api/sites/${crop.siteId}/scores?from=${d1}&to=${d1}`)).json()) as {
      items: ScoreRow[];
    };
    expect(new Set(ranged.items.map((r) => r.imageId))).toEqual(new Set([uploaded[1]!.image.id]));
    const csv = await s.req(`/api/sites/${crop.siteId}/scores?format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe(SCORE_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(all.items.length + 1);
    const first = lines[1]!.split(',');
    const row = all.items[0]!;
    SCORE_CSV_COLUMNS.forEach((c, i) => {
      expect(first[i], c).toBe(row[c] === null ? '' : String(row[c]));
    });
    expect((await s.req(`/api/sites/${crop.siteId}/scores?format=xml`)).status).toBe(400);
    expect((await s.req(`/api/sites/${crop.siteId}/scores?from=2025-13-01`)).status).toBe(400);
    expect((await s.req(`/api/sites/${crop.siteId}/scores?from=2025-06-01&to=2025-01-01`)).status).toBe(400);
  });

  it('serves TileJSON and tiles that line up with the image bounds', async () => {
    const id = uploaded[0]!.image.id;
    const tj = (await (await s.req(`/api/images/${id}/tiles.json`)).json()) as {
      tilejson: string;
      tiles: string[];
      bounds: number[];
      maxzoom: number;
    };
    expect(tj.tilejson).toBe('3.0.0');
    expect(tj.bounds).toEqual(crop.bounds);
    const [w, , , n] = crop.bounds;
    // At z=17 a tile pixel is ~0.9 m here: the image's north-west corner falls inside one tile.
    const z = 17;
    const px = ((w + 180) / 360) * 256 * 2 ** z;
    const r = (n * Math.PI) / 180;
    const py = ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 256 * 2 ** z;
    const tx = Math.floor(px / 256);
    const ty = Math.floor(py / 256);
    const url = tj.tiles[0]!.replace('{z}', String(z)).replace('{x}', String(tx)).replace('{y}', String(ty));
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toContain('immutable');
    const etag = res.headers.get('etag')!;
    const { data, info } = await sharp(Buffer.from(await res.arrayBuffer()))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([256, 256]);
    const cx = Math.floor(px - tx * 256);
    const cy = Math.floor(py - ty * 256);
    const alpha = (x: number, y: number) => data[(y * 256 + x) * 4 + 3]!;
    // Inside (south-east of the corner) opaque, outside (north or west of it) transparent, within 2 px.
    for (const d of [3, 10, 40]) {
      if (cx + d < 256 && cy + d < 256) expect(alpha(cx + d, cy + d), `inside at +${d}`).toBe(255);
      if (cx - d >= 0 && cy + d < 256) expect(alpha(cx - d, cy + d), `west at -${d}`).toBe(0);
      if (cy - d >= 0 && cx + d < 256) expect(alpha(cx + d, cy - d), `north at -${d}`).toBe(0);
    }
    expect(lonOf(tx * 256 + cx + 3, z)).toBeGreaterThan(w);
    expect(latOf(ty * 256 + cy + 3, z)).toBeLessThan(n);
    const again = await s.req(`/api/images/${id}/tiles/${z}/${tx}/${ty}.png`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const far = await s.req(`/api/images/${id}/tiles/${z}/${tx - 5}/${ty - 5}.png`);
    expect(far.status).toBe(200);
    const farPx = await sharp(Buffer.from(await far.arrayBuffer()))
      .ensureAlpha()
      .raw()
      .toBuffer();
    expect(farPx.every((v, i) => i % 4 !== 3 || v === 0)).toBe(true);
    expect((await s.req(`/api/images/${id}/tiles/3/9/1.png`)).status).toBe(400);
    expect((await s.req(`/api/images/${id}/tiles/30/1/1.png`)).status).toBe(400);
    expect((await s.req(`/api/images/${id}/tiles/3/1/1.jpg`)).status).toBe(400);
  });

  it('serves change overlays and full-resolution change masks as PNG and GeoTIFF', async () => {
    const first = uploaded[0]!.image.id;
    const second = uploaded[1]!.image.id;
    expect((await s.req(`/api/images/${first}/change.png`)).status).toBe(404);
    const png = await s.req(`/api/images/${second}/change.png`);
    expect(png.status).toBe(200);
    const meta = await sharp(Buffer.from(await png.arrayBuffer())).metadata();
    const tif = await s.req(`/api/images/${second}/change.tif`);
    expect(tif.status).toBe(200);
    const gt = await fromArrayBuffer(await tif.arrayBuffer());
    const im = await gt.getImage();
    expect([im.getWidth(), im.getHeight()]).toEqual([meta.width, meta.height]);
    const [bw, bs, be, bn] = im.getBoundingBox();
    expect(bw).toBeCloseTo(crop.bounds[0], 6);
    expect(bs).toBeCloseTo(crop.bounds[1], 6);
    expect(be).toBeCloseTo(crop.bounds[2], 6);
    expect(bn).toBeCloseTo(crop.bounds[3], 6);
    const values = (await im.readRasters({ samples: [0] }))[0] as Uint8Array;
    expect(values.every((v) => v === 0 || v === 255)).toBe(true);
    const tile = await s.req(
      `/api/images/${second}/change/15/${Math.floor(((crop.bounds[0] + 180) / 360) * 2 ** 15)}/0.png`,
    );
    expect([200, 400]).toContain(tile.status);
  });

  it('serves detections by kind and a heat map of both metrics', async () => {
    const id = uploaded[1]!.image.id;
    const v = (await (await s.req(`/api/images/${id}/detections?kind=vessel`)).json()) as {
      features: { properties: { kind: string } }[];
    };
    expect(v.features.every((f) => f.properties.kind === 'vessel')).toBe(true);
    expect((await s.req(`/api/images/${id}/detections?kind=truck`)).status).toBe(400);
    for (const metric of ['change', 'vessels']) {
      const hm = (await (await s.req(`/api/sites/${crop.siteId}/heatmap?metric=${metric}&cellM=25`)).json()) as {
        features: { geometry: { coordinates: number[] }; properties: { weight: number } }[];
      };
      for (const f of hm.features) {
        const [lon, lat] = f.geometry.coordinates as [number, number];
        expect(lon).toBeGreaterThan(crop.bounds[0]);
        expect(lon).toBeLessThan(crop.bounds[2]);
        expect(lat).toBeGreaterThan(crop.bounds[1]);
        expect(lat).toBeLessThan(crop.bounds[3]);
        expect(f.properties.weight).toBeGreaterThan(0);
        expect(f.properties.weight).toBeLessThanOrEqual(1);
      }
      if (metric === 'vessels') expect(hm.features.length).toBeGreaterThan(0);
    }
    expect((await s.req(`/api/sites/${crop.siteId}/heatmap?metric=ships`)).status).toBe(400);
  });

  it('re-scores the successor when an image is inserted between two others or deleted', async () => {
    // The 4th sample date, re-dated between the 1st and 2nd.
    const img = crop.images[3]!;
    const mid = new Date(
      (Date.parse(uploaded[0]!.image.acquiredAt) + Date.parse(uploaded[1]!.image.acquiredAt)) / 2,
    ).toISOString();
    const fd = new FormData();
    fd.set('file', new Blob([new Uint8Array(img.png)]), img.name);
    fd.set('acquiredAt', mid);
    fd.set('bounds', JSON.stringify(crop.bounds));
    const res = await s.req(`/api/sites/${crop.siteId}/images`, { method: 'POST', auth: true, body: fd });
    expect(res.status).toBe(202);
    const inserted = (await res.json()) as { image: Image; job: Job };
    const successorJob = await s.catalog.latestJob(uploaded[1]!.image.id);
    expect(successorJob!.id).not.toBe(uploaded[1]!.job.id);
    expect((await waitJob(inserted.job.id)).status).toBe('succeeded');
    expect((await waitJob(successorJob!.id)).status).toBe('succeeded');
    const del = await s.req(`/api/images/${inserted.image.id}`, { method: 'DELETE', auth: true });
    expect(del.status).toBe(204);
    const again = await s.catalog.latestJob(uploaded[1]!.image.id);
    expect(again!.id).not.toBe(successorJob!.id);
    expect((await waitJob(again!.id)).status).toBe('succeeded');
    // The inserted date was among those the first reads: the first and the one after it were re-scored.
    await s.runner.idle();
  }, 180_000);

  it('re-scores the whole site when its zones are replaced', async () => {
    const zones = { ...crop.zones, features: crop.zones.features.slice(0, 1) };
    const r = await s.req(`/api/sites/${crop.siteId}/zones`, {
      method: 'PUT',
      auth: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(zones),
    });
    expect(r.status).toBe(202);
    const { jobs } = (await r.json()) as { jobs: Job[] };
    expect(jobs).toHaveLength(3);
    for (const j of jobs) expect((await waitJob(j.id)).status).toBe('succeeded');
    const rows = (await (await s.req(`/api/sites/${crop.siteId}/scores`)).json()) as { items: ScoreRow[] };
    expect(rows.items).toHaveLength(3);
    expect(new Set(rows.items.map((x) => x.zoneId))).toEqual(new Set([zones.features[0]!.properties.id]));
  });
});
