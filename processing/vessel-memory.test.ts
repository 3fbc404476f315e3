import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cropSample, type SampleCrop } from '../server/testing/sample.ts';
import { detectInZones, type Findings } from './detect.ts';
import { analyzeImage } from './pipeline.ts';
import { openPrepared } from './prepared.ts';
import { CLOUD_FILE } from './survey.ts';
import type { Grid } from './types.ts';
import { hiddenVessels, type KnownVessel, MAX_HIDDEN_DATES } from './vessel-memory.ts';

const hull = (cx: number, cy: number, hiddenFor = 0): KnownVessel => ({
  cx,
  cy,
  lengthM: 60,
  widthM: 12,
  headingDeg: 0,
  areaM2: 720,
  hiddenFor,
});

describe('hiddenVessels', () => {
  const cloudLeftOf100 = (x: number) => x < 100;
  const hidden = (x: number, _y: number) => cloudLeftOf100(x);

  it('carries the known hulls whose centre is hidden today, one date older', () => {
    const out = hiddenVessels([hull(50, 50), hull(150, 50)], hidden, [], 1);
    expect(out).toEqual([hull(50, 50, 1)]);
  });

  it('carries none where today shows the spot, or a hull seen today overlaps it', () => {
    // Seen today 20 px off the known centre (a hull cut by the cloud's edge): the same hull.
    const out = hiddenVessels([hull(90, 50)], hidden, [{ cx: 110, cy: 50, lengthM: 60 }], 1);
    expect(out).toEqual([]);
    expect(hiddenVessels([hull(150, 50)], () => false, [], 1)).toEqual([]);
  });

  it('drops a hull hidden for too many dates in a row', () => {
    expect(hiddenVessels([hull(50, 50, MAX_HIDDEN_DATES)], hidden, [], 1)).toEqual([]);
    expect(hiddenVessels([hull(50, 50, MAX_HIDDEN_DATES - 1)], hidden, [], 1)).toHaveLength(1);
  });
});

describe('detectInZones with the memory of known hulls', () => {
  let tmp: string;
  let crop: SampleCrop;
  let grid: Grid;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'bw-vessel-memory-'));
    crop = await cropSample(2);
    const site = {
      id: 's',
      bounds: crop.bounds,
      settings: crop.settings,
      zones: crop.zones,
      grid: null as Grid | null,
    };
    for (const [i, id] of ['a', 'b'].entries()) {
      const img = crop.images[i]!;
      const path = join(tmp, `${id}.png`);
      await writeFile(path, img.png);
      const prior = { id: 'a', dir: join(tmp, 'a'), acquiredAt: '' };
      const r = await analyzeImage(
        {
          site,
          image: { id, path, bounds: crop.bounds, acquiredAt: img.acquiredAt },
          dir: join(tmp, id),
          reference: i === 0 ? null : prior,
          previous: i === 0 ? null : prior,
        },
        { threads: 1 },
      );
      site.grid = r.grid;
    }
    grid = site.grid!;
  }, 60_000);

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** Date b's detection with the clouds of `cloudDir` and the known hulls of `from`. */
  async function detectB(cloudDir: string, from: string | null, to: string): Promise<Findings> {
    const image = await openPrepared(join(tmp, 'b'));
    const others = [await openPrepared(join(tmp, 'a'))];
    try {
      return await detectInZones(image, cloudDir, others, crop.zones.features, crop.settings, grid, {
        memory: { from, to },
      });
    } finally {
      await Promise.all([image.close(), ...others.map((o) => o.close())]);
    }
  }

  it("counts a hull seen on the previous date and under today's cloud as hidden, and none when clear", async () => {
    const clear = join(tmp, 'clear');
    await rm(clear, { recursive: true, force: true });
    await mkdir(clear, { recursive: true });
    await writeFile(join(clear, CLOUD_FILE), new Uint8Array(grid.width * grid.height));
    const first = await detectB(clear, null, join(tmp, 'mem-1'));
    const [zoneId, zf] = [...first.zones].find(([, z]) => z.vessels.length > 0)!;
    expect(zf.hidden).toEqual([]);
    const ship = zf.vessels[0]!;

    // The same scene the next date, clear: nothing is hidden, nothing is added.
    const again = await detectB(clear, join(tmp, 'mem-1'), join(tmp, 'mem-2'));
    expect(again.zones.get(zoneId)!.hidden).toEqual([]);

    // A cloud over that hull: it is not seen, and the zone's estimate carries it.
    const cloudy = join(tmp, 'cloudy');
    await mkdir(cloudy, { recursive: true });
    const cloud = new Uint8Array(grid.width * grid.height);
    const r = Math.ceil(ship.lengthM / grid.pixelWidthM);
    for (let y = Math.max(0, Math.round(ship.cy) - r); y < Math.min(grid.height, Math.round(ship.cy) + r); y++) {
      for (let x = Math.max(0, Math.round(ship.cx) - r); x < Math.min(grid.width, Math.round(ship.cx) + r); x++) {
        cloud[y * grid.width + x] = 1;
      }
    }
    await writeFile(join(cloudy, CLOUD_FILE), cloud);
    const hidden = await detectB(cloudy, join(tmp, 'mem-1'), join(tmp, 'mem-3'));
    const z = hidden.zones.get(zoneId)!;
    expect(z.vessels.some((v) => Math.hypot(v.cx - ship.cx, v.cy - ship.cy) < 5)).toBe(false);
    expect(z.hidden.some((v) => v.cx === ship.cx && v.cy === ship.cy)).toBe(true);
    // Nothing was seen there: no detection is drawn for it.
    expect(hidden.detections.length).toBeLessThan(first.detections.length);
  }, 60_000);
});
