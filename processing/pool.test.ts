/** The worker pool gives exactly what the in-thread survey and detection give, on the sample site. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cropSample, type SampleCrop } from '../server/testing/sample.ts';
import { detectInZones, detectZoneTask, zoneScratch } from './detect.ts';
import { kernelAddress, kernelUsage } from './kernel-memory.ts';
import { analyzeImage, type PriorImage } from './pipeline.ts';
import { createPool, type Pool, type PreparedSpec } from './pool.ts';
import { openPrepared } from './prepared.ts';
import { CHANGE_FILE, CLOUD_FILE, specOf, surveyImage } from './survey.ts';
import type { Grid } from './types.ts';
import { contrastPlanesHeld } from './vessel-contrast.ts';

let tmp: string;
let crop: SampleCrop;
let grid: Grid;
let pool: Pool;
const prior = (id: string): PriorImage => ({ id, dir: join(tmp, id), acquiredAt: '' });

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'bw-pool-'));
  // Two strips of 256 rows and several zones: enough to interleave strips and zones across workers.
  crop = await cropSample(3, { x: 352, y: 500, width: 448, height: 420 });
  pool = createPool(2);
  const site = { id: 's', bounds: crop.bounds, settings: crop.settings, zones: crop.zones, grid: null as Grid | null };
  for (const [i, id] of ['a', 'b', 'c'].entries()) {
    const img = crop.images[i]!;
    const path = join(tmp, `${id}.png`);
    await writeFile(path, img.png);
    const r = await analyzeImage(
      {
        site,
        image: { id, path, bounds: crop.bounds, acquiredAt: img.acquiredAt },
        dir: join(tmp, id),
        reference: i === 0 ? null : prior('a'),
        previous: i === 0 ? null : prior(i === 1 ? 'a' : 'b'),
      },
      { threads: 1 },
    );
    site.grid = r.grid;
  }
  grid = site.grid!;
}, 60_000);

afterAll(async () => {
  await pool?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('analysis worker pool', () => {
  it('surveys strips on worker threads exactly as in this thread', async () => {
    const current = await openPrepared(join(tmp, 'c'));
    const previous = await openPrepared(join(tmp, 'b'));
    const out = join(tmp, 'c-pooled');
    await mkdir(out);
    try {
      const zones = crop.zones.features;
      const prev = { image: previous, dir: join(tmp, 'b') };
      const here = await surveyImage(current, join(tmp, 'c'), prev, zones, grid);
      const pooled = await surveyImage(current, out, prev, zones, grid, { pool });
      expect(pooled).toEqual(here);
      expect([...here.zones.values()].some((z) => z.changed > 0)).toBe(true);
      for (const file of [CLOUD_FILE, CHANGE_FILE]) {
        const a = await readFile(join(tmp, 'c', file));
        expect(a.length).toBe(grid.width * grid.height);
        expect((await readFile(join(out, file))).equals(a)).toBe(true);
      }
    } finally {
      await Promise.all([current.close(), previous.close()]);
    }
  });

  it('detects vessels and rail cars on worker threads exactly as in this thread', async () => {
    const image = await openPrepared(join(tmp, 'c'));
    const others = await Promise.all(['a', 'b'].map((id) => openPrepared(join(tmp, id))));
    try {
      const args = [image, join(tmp, 'c'), others, crop.zones.features, crop.settings, grid] as const;
      const here = await detectInZones(...args);
      // Detection in this thread over, its contrast planes are dropped (the next test shows a zone fills them).
      expect(contrastPlanesHeld()).toBe(0);
      // …and its read buffers handed back to the kernel memory: a second detection reuses them, not more.
      const held = kernelUsage().used;
      expect(await detectInZones(...args)).toEqual(here);
      expect(kernelUsage().used).toBe(held);
      const pooled = await detectInZones(...args, { pool });
      expect(here.detections.length).toBeGreaterThan(0);
      expect(pooled.detections).toEqual(here.detections);
      expect([...pooled.zones]).toEqual([...here.zones]);
    } finally {
      await Promise.all([image.close(), ...others.map((o) => o.close())]);
    }
  });

  it('detects through one set of reused read buffers exactly as through fresh planes', async () => {
    const images = new Map(
      await Promise.all(['a', 'b', 'c'].map(async (id) => [id, await openPrepared(join(tmp, id))] as const)),
    );
    const spec = (id: string) => specOf(images.get(id)!);
    const open = async (s: PreparedSpec) => [...images.values()].find((i) => i.raster.dir === s.rasterDir)!;
    try {
      const zones = crop.zones.features;
      const task = (zone: (typeof zones)[number]) => ({
        image: spec('c'),
        dir: join(tmp, 'c'),
        others: [spec('a'), spec('b')],
        zone,
        ignores: zones.filter((z) => z.properties.kind === 'ignore'),
        settings: crop.settings,
        grid,
      });
      const counted = zones.filter((z) => z.properties.kind !== 'ignore');
      const scratch = zoneScratch(2);
      // Every zone twice through the same buffers: what a zone left in them must not show through.
      for (const pass of [0, 1]) {
        for (const zone of counted) {
          const fresh = await detectZoneTask(task(zone), open, null);
          const reused = await detectZoneTask(task(zone), open, scratch);
          expect(reused, `${zone.properties.id} pass ${pass}`).toEqual(fresh);
        }
      }
      expect(contrastPlanesHeld()).toBeGreaterThan(0);
      // The reused buffers lie in the kernel memory (its kernels read and write them in place), the fresh
      // planes compared with above in JavaScript's.
      const through = await images.get('c')!.read({ x: 0, y: 0, width: 64, height: 48 }, { scratch: scratch[0] });
      expect(kernelAddress(through.bands[0]!)).toBeGreaterThanOrEqual(0);
      expect(kernelAddress(through.valid)).toBeGreaterThanOrEqual(0);
      expect(kernelAddress((await images.get('c')!.read({ x: 0, y: 0, width: 64, height: 48 })).bands[0]!)).toBe(-1);
    } finally {
      await Promise.all([...images.values()].map((i) => i.close()));
    }
  });

  it('passes a failure inside a worker back to the caller', async () => {
    const current = await openPrepared(join(tmp, 'c'));
    try {
      const missing = { image: current, dir: join(tmp, 'no-such-date') };
      await expect(
        surveyImage(current, join(tmp, 'c-pooled'), missing, crop.zones.features, grid, { pool }),
      ).rejects.toThrow(/no-such-date|ENOENT/);
    } finally {
      await current.close();
    }
  });
});
