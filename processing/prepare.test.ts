import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bounds } from '../contract/index.ts';
import { openAnalysisRaster } from './analysis-raster.ts';
import { prepareImage } from './prepare.ts';
import type { Grid } from './types.ts';

const BOUNDS: Bounds = [130, 42, 130.002, 42.002];
const GRID: Grid = { bounds: BOUNDS, width: 64, height: 64, pixelWidthM: 2.6, pixelHeightM: 3.5 };

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'prepare-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('an image prepared again', () => {
  it('keeps its last raster whole when the new analysis fails (a damaged file), and replaces it on success', async () => {
    const png = join(work, 'a.png');
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#40a0c0' } })
      .png()
      .toFile(png);
    const dir = join(work, 'img_a');
    const first = await prepareImage({ path: png, bounds: BOUNDS, grid: GRID, dir, referenceDir: null });
    await first.image.close();
    const damaged = join(work, 'damaged.png');
    const bytes = await readFile(png);
    await writeFile(damaged, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(
      prepareImage({ path: damaged, bounds: BOUNDS, grid: GRID, dir, referenceDir: null }),
    ).rejects.toThrow();
    // The dates matched to it, its tiles and the upload's checks still find it.
    const kept = await openAnalysisRaster(join(dir, 'raster'));
    expect([kept.width, kept.height, kept.roles]).toEqual([64, 64, ['red', 'green', 'blue']]);
    await kept.close();
    expect((await readdir(dir)).filter((f) => f.startsWith('raster'))).toEqual(['raster']);
    const again = await prepareImage({ path: png, bounds: BOUNDS, grid: GRID, dir, referenceDir: null });
    await again.image.close();
    const swapped = await openAnalysisRaster(join(dir, 'raster'));
    expect(swapped.roles).toEqual(['red', 'green', 'blue']);
    await swapped.close();
    expect((await readdir(dir)).filter((f) => f.startsWith('raster'))).toEqual(['raster']);
  });
});
