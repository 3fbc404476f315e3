import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bounds } from '../contract/index.ts';
import { openAnalysisRaster } from './analysis-raster.ts';
import { crsTransform } from './crs.ts';
import { openRaster } from './decode.ts';
import { ProcessingError } from './errors.ts';
import { encodeTiff } from './fixtures/tiff-writer.ts';
import { gridOf, imageGrid, lonLatToPixel, siteGrid } from './georeference.ts';
import { warpToGrid } from './warp.ts';

const tmp = mkdtempSync(join(os.tmpdir(), 'bw-warp-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BOUNDS: Bounds = [130.3, 42.24, 130.31, 42.2475];

/** A smooth RGB test card with a few sharp features. */
function card(w: number, h: number, channels = 3): Buffer {
  const b = Buffer.alloc(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * channels;
      b[i] = (x * 255) / w;
      b[i + 1] = (y * 255) / h;
      b[i + 2] = (x + y) % 50 < 3 ? 250 : 30;
      if (channels === 4) b[i + 3] = x < w / 4 ? 0 : 255;
    }
  }
  return b;
}

describe('warpToGrid', () => {
  it('copies an image already on the site grid byte for byte', async () => {
    const w = 300;
    const h = 200;
    const path = join(tmp, 'card.png');
    await sharp(card(w, h), { raw: { width: w, height: h, channels: 3 } })
      .png()
      .toFile(path);
    const src = await openRaster(path, { bounds: BOUNDS, tempDir: tmp });
    const grid = imageGrid(src.probe)!;
    const meta = await warpToGrid(src, grid, join(tmp, 'id'), { stripBytes: 20_000 });
    await src.close();
    expect(meta.coverage).toBe(1);
    expect(meta.stretch).toEqual([
      { lo: 0, hi: 255 },
      { lo: 0, hi: 255 },
      { lo: 0, hi: 255 },
    ]);
    const ar = await openAnalysisRaster(join(tmp, 'id'));
    const bytes = ar.readBytes({ x: 0, y: 0, width: w, height: h });
    expect(Buffer.from(bytes.data).equals(card(w, h))).toBe(true);
    await ar.close();
  });

  it('turns alpha into invalid pixels and counts coverage', async () => {
    const w = 200;
    const h = 100;
    const path = join(tmp, 'alpha.png');
    await sharp(card(w, h, 4), { raw: { width: w, height: h, channels: 4 } })
      .png()
      .toFile(path);
    const src = await openRaster(path, { bounds: BOUNDS, tempDir: tmp });
    const meta = await warpToGrid(src, imageGrid(src.probe)!, join(tmp, 'alpha'));
    await src.close();
    expect(meta.roles).toEqual(['red', 'green', 'blue']);
    expect(meta.coverage).toBeCloseTo(0.75, 6);
  });

  it('places a smaller image inside a larger site grid', async () => {
    const w = 200;
    const h = 150;
    const path = join(tmp, 'inner.png');
    await sharp(card(w, h), { raw: { width: w, height: h, channels: 3 } })
      .png()
      .toFile(path);
    const src = await openRaster(path, { bounds: BOUNDS, tempDir: tmp });
    // The site is twice as wide and tall; the image sits in its north-west quarter.
    const site: Bounds = [BOUNDS[0], BOUNDS[1] - 0.0075, BOUNDS[2] + 0.01, BOUNDS[3]];
    const grid = gridOf(site, 2 * w, 2 * h);
    const meta = await warpToGrid(src, grid, join(tmp, 'inner'));
    await src.close();
    expect(meta.coverage).toBeGreaterThan(0.245);
    expect(meta.coverage).toBeLessThan(0.255);
    const ar = await openAnalysisRaster(join(tmp, 'inner'));
    const b = ar.readBytes({ x: 0, y: 0, width: grid.width, height: grid.height });
    expect(b.valid[10 * grid.width + 10]).toBe(1);
    expect(b.valid[(h + 10) * grid.width + 10]).toBe(0);
    expect(b.valid[10 * grid.width + w + 10]).toBe(0);
    // Same pixel size: output (x, y) samples source (x, y); the red ramp carries over.
    expect(Math.abs(b.data[(50 * grid.width + 100) * 3]! - card(w, h)[(50 * w + 100) * 3]!)).toBeLessThanOrEqual(1);
    await ar.close();
  });

  it('reprojects a UTM GeoTIFF so a target lands where its lon/lat says', async () => {
    const w = 400;
    const h = 300;
    const gsd = 3;
    const origin: [number, number] = [646_000, 4_680_000]; // UTM 52N, near Rajin
    const data = new Uint8Array(w * h).fill(20);
    // A bright 3 × 3 px target centred on pixel (250, 120).
    for (let y = 119; y <= 121; y++) for (let x = 249; x <= 251; x++) data[y * w + x] = 250;
    const path = join(tmp, 'utm.tif');
    writeFileSync(
      path,
      encodeTiff({
        width: w,
        height: h,
        samples: 1,
        bits: 8,
        data,
        tile: 64,
        geo: { epsg: 32652, origin, pixel: [gsd, gsd] },
      }),
    );
    const src = await openRaster(path);
    const grid = siteGrid(src.probe.bounds, gsd);
    const meta = await warpToGrid(src, grid, join(tmp, 'utm'));
    await src.close();
    // The footprint of a UTM rectangle inside its own lon/lat envelope: most, not all, of it.
    expect(meta.coverage).toBeGreaterThan(0.9);
    const ar = await openAnalysisRaster(join(tmp, 'utm'));
    const b = ar.readBytes({ x: 0, y: 0, width: grid.width, height: grid.height });
    let sx = 0;
    let sy = 0;
    let sw = 0;
    for (let y = 0; y < grid.height; y++) {
      for (let x = 0; x < grid.width; x++) {
        const v = b.data[y * grid.width + x]! - 20;
        if (v > 0 && b.valid[y * grid.width + x]) {
          sx += x * v;
          sy += y * v;
          sw += v;
        }
      }
    }
    const [lon, lat] = crsTransform('EPSG:32652').toLonLat(origin[0] + 250.5 * gsd, origin[1] - 120.5 * gsd);
    const [ex, ey] = lonLatToPixel(grid, lon, lat);
    expect(Math.abs(sx / sw - ex)).toBeLessThan(0.15);
    expect(Math.abs(sy / sw - ey)).toBeLessThan(0.15);
    await ar.close();
  });

  it('stays within a grey level of the exact transform with the 16 px mesh', async () => {
    const w = 256;
    const h = 256;
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = (Math.sin(i * 0.0007) * 0.5 + 0.5) * 255;
    const path = join(tmp, 'mesh.tif');
    writeFileSync(
      path,
      encodeTiff({
        width: w,
        height: h,
        samples: 3,
        bits: 8,
        data,
        geo: { epsg: 32652, origin: [646_000, 4_680_000], pixel: [5, 5] },
      }),
    );
    const src = await openRaster(path);
    const grid = siteGrid(src.probe.bounds, 4);
    await warpToGrid(src, grid, join(tmp, 'mesh16'));
    await warpToGrid(src, grid, join(tmp, 'mesh1'), { meshStep: 1 });
    await src.close();
    const a = await openAnalysisRaster(join(tmp, 'mesh16'));
    const b = await openAnalysisRaster(join(tmp, 'mesh1'));
    const all = { x: 0, y: 0, width: grid.width, height: grid.height };
    const da = a.readBytes(all);
    const db = b.readBytes(all);
    let worst = 0;
    for (let i = 0; i < da.data.length; i++) {
      if (da.valid[Math.floor(i / 3)] && db.valid[Math.floor(i / 3)])
        worst = Math.max(worst, Math.abs(da.data[i]! - db.data[i]!));
    }
    expect(worst).toBeLessThanOrEqual(1);
    await a.close();
    await b.close();
  });

  it('averages the source when the grid is three times coarser (no aliasing)', async () => {
    const w = 600;
    const h = 450;
    // A one-pixel checkerboard: point sampling would return pure black or white.
    const checker = Buffer.alloc(w * h * 3);
    for (let i = 0; i < w * h; i++) checker.fill(((i % w) + Math.floor(i / w)) & 1 ? 255 : 0, i * 3, i * 3 + 3);
    const path = join(tmp, 'checker.png');
    await sharp(checker, { raw: { width: w, height: h, channels: 3 } })
      .png()
      .toFile(path);
    const src = await openRaster(path, { bounds: BOUNDS, tempDir: tmp });
    const grid = gridOf(BOUNDS, w / 3, h / 3);
    const meta = await warpToGrid(src, grid, join(tmp, 'checker'));
    await src.close();
    expect(meta.coverage).toBe(1);
    const ar = await openAnalysisRaster(join(tmp, 'checker'));
    const b = ar.readBytes({ x: 0, y: 0, width: grid.width, height: grid.height });
    let lo = 255;
    let hi = 0;
    for (const v of b.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    // 3 × 3 blocks hold 4 or 5 white pixels: 113 or 142.
    expect(lo).toBeGreaterThanOrEqual(110);
    expect(hi).toBeLessThanOrEqual(145);
    await ar.close();
  });

  it('stretches 16-bit data by percentiles and records the mapping', async () => {
    const w = 100;
    const h = 100;
    const data = Uint16Array.from({ length: w * h }, (_, i) => 1000 + (i % 1000));
    const path = join(tmp, 's16.tif');
    writeFileSync(
      path,
      encodeTiff({
        width: w,
        height: h,
        samples: 1,
        bits: 16,
        data,
        geo: { epsg: 4326, geographic: true, origin: [130.3, 42.25], pixel: [1e-4, 1e-4] },
      }),
    );
    const src = await openRaster(path);
    const grid = imageGrid(src.probe)!;
    const meta = await warpToGrid(src, grid, join(tmp, 's16'));
    await src.close();
    const { lo, hi } = meta.stretch[0]!;
    expect(lo).toBeGreaterThanOrEqual(1000);
    expect(lo).toBeLessThan(1010);
    expect(hi).toBeGreaterThan(1990);
    expect(hi).toBeLessThanOrEqual(1999);
    const ar = await openAnalysisRaster(join(tmp, 's16'));
    const b = ar.readBytes({ x: 0, y: 0, width: w, height: 1 });
    expect(b.data[0]).toBe(0);
    expect(b.data[99]).toBe(Math.round(((1099 - lo) * 255) / (hi - lo)));
    await ar.close();
  });

  it('refuses an image that does not overlap the site before decoding it', async () => {
    const path = join(tmp, 'elsewhere.png');
    await sharp(card(50, 40), { raw: { width: 50, height: 40, channels: 3 } })
      .png()
      .toFile(path);
    const src = await openRaster(path, { bounds: [10, 10, 10.001, 10.0008], tempDir: tmp });
    const err = await warpToGrid(src, gridOf(BOUNDS, 100, 80), join(tmp, 'elsewhere')).catch((e: unknown) => e);
    await src.close();
    expect(err).toBeInstanceOf(ProcessingError);
    expect((err as ProcessingError).code).toBe('no_overlap');
    expect((err as ProcessingError).field).toBe('bounds');
  });

  it('stops with an aborted error and leaves no raster behind', async () => {
    const w = 200;
    const h = 200;
    const path = join(tmp, 'abort.png');
    await sharp(card(w, h), { raw: { width: w, height: h, channels: 3 } })
      .png()
      .toFile(path);
    const src = await openRaster(path, { bounds: BOUNDS, tempDir: tmp });
    const ctl = new AbortController();
    const out = join(tmp, 'aborted');
    const err = await warpToGrid(src, imageGrid(src.probe)!, out, {
      stripBytes: 10_000,
      signal: ctl.signal,
      onProgress: (f) => {
        if (f > 0.3) ctl.abort();
      },
    }).catch((e: unknown) => e);
    await src.close();
    expect(err).toBeInstanceOf(ProcessingError);
    expect((err as ProcessingError).code).toBe('aborted');
    expect(existsSync(join(out, 'meta.json'))).toBe(false);
    expect(readdirSync(out)).toEqual([]);
  });
});
