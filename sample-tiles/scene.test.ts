import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ZoneCollection } from '../contract/index.ts';
import { sampleShifted } from '../processing/block-reader.ts';
import type { Block } from '../processing/types.ts';
import { dateFiles, manifestEntry } from './files.ts';
import { buildLayout } from './layout.ts';
import { simulateObjects } from './objects.ts';
import { DEFAULT_SEED, generateSeries, type Series, type SeriesDate, shiftOnly, sunAt } from './scene.ts';

const SITE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'rajin');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function rgb(encoded: Buffer) {
  const { data, info } = await sharp(encoded).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

// One rendering of the reference date, a busy date and a no-change revisit, shared by the tests (~10 s).
let series: Series;
const date = (index: number): SeriesDate => {
  const d = series.dates.find((x) => x.index === index);
  if (!d) throw new Error(`date ${index} was not rendered`);
  return d;
};
beforeAll(async () => {
  series = await generateSeries(DEFAULT_SEED, { only: [0, 1, 5] });
});

describe('generateSeries', () => {
  it('gives the same bytes for the same seed, whether a date is rendered alone or in sequence', async () => {
    const alone = (await generateSeries(DEFAULT_SEED, { only: [1] })).dates[0]!;
    expect(sha(alone.image)).toBe(sha(date(1).image));
    expect(sha(alone.changeMask!)).toBe(sha(date(1).changeMask!));
    expect(JSON.stringify(alone.zones)).toBe(JSON.stringify(date(1).zones));
  });

  it('stops before painting when the signal has fired, and refuses a date index it does not have', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(generateSeries(DEFAULT_SEED, { only: [3], signal: ac.signal })).rejects.toMatchObject({
      code: 'aborted',
    });
    await expect(generateSeries(DEFAULT_SEED, { only: [15] })).rejects.toThrow('outside 0..14');
  });

  it('gives different pixels for a different seed', async () => {
    const win = { x: 400, y: 560, width: 200, height: 200 };
    const a = await shiftOnly(DEFAULT_SEED, 0, 0, 1, win);
    const b = await shiftOnly(DEFAULT_SEED + 1, 0, 0, 1, win);
    expect(sha(a.reference)).not.toBe(sha(b.reference));
  });

  it('counts every placed vessel of 20 m or more in exactly one berth or anchorage zone, and no small boat', async () => {
    const layout = buildLayout(DEFAULT_SEED);
    const d = date(0);
    const objects = simulateObjects(layout, DEFAULT_SEED, ['traffic'])[0]!;
    const zones = Object.values(d.zones).filter((z) => z.kind === 'berth' || z.kind === 'anchorage');
    const counted = zones.reduce((n, z) => n + (z.vessels ?? 0), 0);
    expect(counted).toBe(objects.vessels.length);
    expect(objects.boats.length).toBeGreaterThan(0);
    expect(objects.boats.every((b) => b.length <= 15)).toBe(true);
    for (const z of zones) {
      expect(z.vesselBoxes).toHaveLength(z.vessels!);
      for (const b of z.vesselBoxes!) {
        expect(b.lengthM).toBeGreaterThanOrEqual(39.9);
        expect(b.lengthM).toBeLessThanOrEqual(200.1);
        expect(b.widthM).toBeGreaterThanOrEqual(7.9);
        expect(b.widthM).toBeLessThanOrEqual(35.1);
      }
    }
    // Each vessel box is visible in the reference image: its core differs from the water just outside.
    const img = await rgb(d.image);
    const at = (x: number, y: number) => {
      const i = (Math.round(y) * img.width + Math.round(x)) * 3;
      return img.data[i]! + img.data[i + 1]! + img.data[i + 2]!;
    };
    for (const z of zones) {
      for (const b of z.vesselBoxes!) {
        const { cx, cy, angle, width } = b.px;
        const ox = -Math.sin(angle) * (width / 2 + 12);
        const oy = Math.cos(angle) * (width / 2 + 12);
        const water = Math.min(at(cx + ox, cy + oy), at(cx - ox, cy - oy));
        expect(Math.abs(at(cx, cy) - water), `vessel ${b.uid} in ${JSON.stringify(b.px)}`).toBeGreaterThan(12);
      }
    }
  });

  it('puts coupled cars of 14-20 m less than a metre apart and derives occupancy from their length', async () => {
    const layout = buildLayout(DEFAULT_SEED);
    const objects = simulateObjects(layout, DEFAULT_SEED, ['traffic', 'traffic']);
    const cars = objects[1]!.cars;
    expect(cars.length).toBeGreaterThan(20);
    for (const c of cars) {
      expect(c.length).toBeGreaterThanOrEqual(14);
      expect(c.length).toBeLessThanOrEqual(20);
    }
    const byTrack = new Map<string, typeof cars>();
    for (const c of cars) byTrack.set(c.trackId, [...(byTrack.get(c.trackId) ?? []), c]);
    let coupled = 0;
    for (const list of byTrack.values()) {
      const sorted = [...list].sort((a, b) => a.cx - b.cx);
      for (let k = 1; k < sorted.length; k++) {
        const gap = sorted[k]!.cx - sorted[k - 1]!.cx - (sorted[k]!.length + sorted[k - 1]!.length) / 2;
        expect(gap).toBeGreaterThan(0);
        if (gap < 1) coupled++;
      }
    }
    expect(coupled).toBeGreaterThan(10);
    const yard = date(1).zones['rail-yard']!;
    expect(yard.railCars).toBe(cars.filter((c) => c.zoneId === 'rail-yard').length);
    const len = cars.filter((c) => c.zoneId === 'rail-yard').reduce((n, c) => n + c.length, 0);
    expect(yard.railOccupancy).toBeCloseTo(len / (7 * 800), 3);
  });

  it('marks no change at all on a revisit where nothing moved, and vessel footprints on a busy pair', async () => {
    const quiet = date(5);
    expect(quiet.mode).toBe('quiet');
    expect(quiet.changeMask!.some((v) => v !== 0)).toBe(false);
    for (const z of Object.values(quiet.zones)) {
      expect(z.changeFraction).toBe(0);
      if (z.arrivals !== null) expect(z.arrivals + z.departures!).toBe(0);
    }
    const busy = date(1);
    const changed = busy.changeMask!.reduce((n, v) => n + (v === 255 ? 1 : 0), 0);
    expect(changed).toBeGreaterThan(5000);
  });

  it('draws zones that satisfy the contract: slug ids, one water and one ignore zone, a line siding', () => {
    const layout = buildLayout(DEFAULT_SEED);
    const s = ZoneCollection.parse(JSON.parse(readFileSync(join(SITE_DIR, 'zones.geojson'), 'utf8')));
    const kinds = s.features.map((f) => f.properties.kind);
    expect(kinds.filter((k) => k === 'water')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'ignore')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'berth').length).toBeGreaterThanOrEqual(3);
    const siding = s.features.find((f) => f.properties.id === 'quay-siding');
    expect(siding?.geometry.type).toBe('LineString');
    expect(s.features).toHaveLength(layout.zones.length);
  });
});

describe('sunAt', () => {
  it('puts the noon sun 71° high at the June solstice and 24° at the December one, due south', () => {
    // Local solar noon at 130.25° E is 03:19 UTC; elevation = 90° − 42.25° ± 23.44°.
    const june = sunAt('2025-06-21T03:19:00Z');
    const december = sunAt('2025-12-21T03:19:00Z');
    expect(june.elevationDeg).toBeCloseTo(71.2, 0);
    expect(december.elevationDeg).toBeCloseTo(24.3, 0);
    expect(Math.abs(june.azimuthDeg - 180)).toBeLessThan(3);
  });
});

describe('shiftOnly', () => {
  it('displaces the moved image by exactly the known shift under the given illumination', async () => {
    const win = { x: 900, y: 560, width: 256, height: 256 };
    const pair = await shiftOnly(3, 3, -2, { gain: 0.7, noiseDn: 0 }, win);
    expect(pair.shift).toEqual({ dx: 3, dy: -2 });
    const ref = await rgb(pair.reference);
    const mov = await rgb(pair.moved);
    let diff = 0;
    let unshifted = 0;
    let n = 0;
    for (let y = 10; y < 240; y++) {
      for (let x = 10; x < 240; x++) {
        const i = (y * 256 + x) * 3;
        const j = ((y - 2) * 256 + x + 3) * 3; // content moved by (+3, −2)
        diff += Math.abs(ref.data[i]! * 0.7 - mov.data[j]!);
        unshifted += Math.abs(ref.data[i]! * 0.7 - mov.data[i]!);
        n++;
      }
    }
    expect(diff / n).toBeLessThan(2);
    expect(unshifted / n).toBeGreaterThan(diff / n + 2);
  });
});

describe('the shift convention', () => {
  it('re-aligns a sub-pixel shift when the image is read with shiftPx through the block reader', async () => {
    const win = { x: 900, y: 560, width: 256, height: 256 };
    const pair = await shiftOnly(5, 1.6, -0.7, { noiseDn: 0 }, win);
    const toBlock = async (png: Buffer): Promise<Block> => {
      const { data } = await rgb(png);
      const n = win.width * win.height;
      const bands = [0, 1, 2].map((b) => Float32Array.from({ length: n }, (_, i) => data[i * 3 + b]! / 255));
      return {
        window: { x: 0, y: 0, width: 256, height: 256 },
        roles: ['red', 'green', 'blue'],
        bands,
        valid: new Uint8Array(n).fill(1),
      };
    };
    const ref = await toBlock(pair.reference);
    const moved = await toBlock(pair.moved);
    const inner = { x: 12, y: 12, width: 232, height: 232 };
    const err = (shift: { dx: number; dy: number }) => {
      const b = sampleShifted(moved, inner, shift);
      let e = 0;
      for (let y = 0; y < inner.height; y++) {
        for (let x = 0; x < inner.width; x++) {
          e += Math.abs(b.bands[1]![y * inner.width + x]! - ref.bands[1]![(y + 12) * 256 + x + 12]!);
        }
      }
      return (e / (inner.width * inner.height)) * 255;
    };
    const aligned = err(pair.shift);
    expect(aligned).toBeLessThan(2);
    expect(err({ dx: -pair.shift.dx, dy: -pair.shift.dy })).toBeGreaterThan(aligned * 2);
  });
});

describe('the committed sample set', () => {
  it('obscures most of pier 2 under cloud on 2025-03-15 and marks the cloud shadow apart', async () => {
    const truth = JSON.parse(readFileSync(join(SITE_DIR, 'truth/2025-03-15.json'), 'utf8'));
    expect(truth.zones['pier-2'].cloudCoverage).toBeGreaterThan(0.5);
    expect(truth.zones['pier-1'].cloudCoverage).toBe(0);
    const { data } = await sharp(join(SITE_DIR, truth.cloudMask)).raw().toBuffer({ resolveWithObject: true });
    const values = new Set(data);
    expect([...values].sort((a, b) => a - b)).toEqual([0, 128, 255]);
  });

  it('matches a fresh generation byte for byte (dates 0, 1 and 5, zones, manifest entries)', async () => {
    expect(existsSync(join(SITE_DIR, 'manifest.json')), 'run npm run sample').toBe(true);
    const s = series;
    const manifest = JSON.parse(readFileSync(join(SITE_DIR, 'manifest.json'), 'utf8'));
    expect(manifest.site).toEqual(s.site);
    expect(readFileSync(join(SITE_DIR, 'zones.geojson'), 'utf8')).toBe(`${JSON.stringify(s.zones, null, 1)}\n`);
    for (const d of s.dates) {
      expect(manifest.images[d.index]).toEqual(manifestEntry(d));
      for (const [path, bytes] of await dateFiles(s, d)) {
        expect(sha(readFileSync(join(SITE_DIR, path))), path).toBe(sha(bytes));
      }
    }
  });
});
