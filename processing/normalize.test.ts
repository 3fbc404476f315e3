import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAnalysisRaster, openAnalysisRaster } from './analysis-raster.ts';
import { memoryReader } from './block-reader.ts';
import { gridOf } from './georeference.ts';
import { applyNormalization, fitNormalization, identityNormalization, type Normalization } from './normalize.ts';
import { openPrepared, saveAlignment } from './prepared.ts';
import { type Illumination, mulberry32, type Patch, syntheticPair } from './testing/scene.ts';
import type { Block } from './types.ts';

/**
 * Mean absolute difference over bands of unchanged, unsaturated pixels (saturation destroys
 * radiometry); changed objects count with a 2 px margin, as the optics blur spreads their edges.
 */
function mae(a: Block, b: Block, raw: Block, truth: Uint8Array, fullWidth: number): number {
  const { x: x0, y: y0, width } = a.window;
  let sum = 0;
  let n = 0;
  const near = (t: number) => {
    for (let oy = -2; oy <= 2; oy++) for (let ox = -2; ox <= 2; ox++) if (truth[t + oy * fullWidth + ox]) return true;
    return false;
  };
  for (let i = 0; i < a.valid.length; i++) {
    const t = (y0 + Math.floor(i / width)) * fullWidth + x0 + (i % width);
    if (!a.valid[i] || near(t) || raw.bands.some((band) => band[i]! >= 0.999)) continue;
    for (let k = 0; k < a.bands.length; k++) sum += Math.abs(a.bands[k]![i]! - b.bands[k]![i]!);
    n += a.bands.length;
  }
  return sum / n;
}

async function normalisedError(ill: Illumination, seed: number, changes: Patch[] = []) {
  const shift = { dx: 1.5, dy: -2 };
  const { reference, moving, truth } = syntheticPair({ seed, ...shift, illumination: ill, noise: 0.01, changes });
  const n = await fitNormalization(memoryReader(reference), memoryReader(moving), shift);
  const win = { x: 8, y: 8, width: 496, height: 496 };
  const raw = await memoryReader(moving).read(win, { shift });
  const after = applyNormalization(await memoryReader(moving).read(win, { shift }), n);
  const ref = await memoryReader(reference).read(win);
  return { before: mae(raw, ref, raw, truth, 512), after: mae(after, ref, raw, truth, 512), n };
}

/**
 * Patchy haze over the moving image: thickness `h(x)` rising from `lo` at the left edge to `hi` at
 * the right (and a bump in the middle rows), mixing in a bluish grey as the generator's haze does.
 */
function addPatchyHaze(block: Block, lo: number, hi: number): void {
  const { width, height } = block.window;
  const colour = [0.78, 0.8, 0.84];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const h = lo + (hi - lo) * (x / (width - 1)) * (0.7 + 0.3 * Math.sin((Math.PI * y) / height));
      const i = y * width + x;
      for (let b = 0; b < 3; b++) block.bands[b]![i] = h * colour[b]! + (1 - h) * block.bands[b]![i]!;
    }
  }
}

/** Mean absolute difference over bands of valid pixels inside `rect` (window-relative). */
function meanDiff(a: Block, b: Block, rect: { x: number; y: number; width: number; height: number }): number {
  const w = a.window.width;
  let sum = 0;
  let n = 0;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      const i = y * w + x;
      if (!a.valid[i] || !b.valid[i]) continue;
      for (let k = 0; k < a.bands.length; k++) sum += Math.abs(a.bands[k]![i]! - b.bands[k]![i]!);
      n += a.bands.length;
    }
  }
  return sum / n;
}

const copy = (b: Block): Block => ({ ...b, bands: b.bands.map((p) => Float32Array.from(p)) });

describe('fitNormalization', () => {
  it('brings gain 0.6–1.5, gamma 0.7–1.4, tint and haze back to the reference radiometry within the noise', async () => {
    const rng = mulberry32(99);
    for (let k = 0; k < 2; k++) {
      const ill: Illumination = {
        gain: [0.6 + 0.9 * rng(), 0.6 + 0.9 * rng(), 0.6 + 0.9 * rng()],
        gamma: 0.7 + 0.7 * rng(),
        haze: 0.15 * rng(),
      };
      const { before, after } = await normalisedError(ill, 20 + k);
      // Noise of 0.01 in each image alone gives a mean absolute difference of ~0.011.
      expect(after).toBeLessThan(0.016);
      expect(after).toBeLessThan(before / 2);
    }
  });

  it('handles the extremes of the range: dark, contrasty and hazy vs bright and flat', async () => {
    for (const ill of [
      { gain: [0.6, 0.6, 0.6], gamma: 1.4, haze: 0 },
      { gain: [1.5, 1.2, 0.9], gamma: 0.7, haze: 0.15 },
    ] as Illumination[]) {
      expect((await normalisedError(ill, 31)).after).toBeLessThan(0.016);
    }
  });

  it('ignores changed pixels: bright new objects on ~18 % of the area do not bend the fit', async () => {
    const changes: Patch[] = Array.from({ length: 30 }, (_, j) => ({
      x: (j * 53) % 470,
      y: (j * 97) % 470,
      width: 40,
      height: 40,
      rgb: [0.95, 0.9, 0.85],
    }));
    const ill: Illumination = { gain: [0.8, 1.1, 1.3], gamma: 1.2, haze: 0.05 };
    const { after, n } = await normalisedError(ill, 40, changes);
    expect(after).toBeLessThan(0.016);
    expect(n.samples).toBeGreaterThan(0);
    expect(Math.max(...n.residual)).toBeLessThan(0.015);
  });

  it('keeps every table monotone', async () => {
    const { n } = await normalisedError({ gain: [1.4, 0.7, 1], gamma: 0.8, haze: 0.1 }, 41);
    for (const lut of n.luts) for (let i = 1; i < lut.length; i++) expect(lut[i]!).toBeGreaterThanOrEqual(lut[i - 1]!);
  });

  it('does not squeeze a new bright roof into a dull reference field whose surroundings were built over', async () => {
    // LEVIR-CD test_102 in miniature: the reference is bare soil (0.45 ± 0.1, tracks and furrows); on the moving date
    // the same ground is lawn, asphalt and kerbs (0.15–0.75, "unchanged" to a building label) and a
    // white roof (0.86) covers a fifth of it. Pixel pairs scatter far more than light leaves them, so the table is
    // content; quantile matching alone would map the roof to ~0.5.
    const size = 256;
    const rng = mulberry32(7);
    const block = (): Block => ({
      window: { x: 0, y: 0, width: size, height: size },
      roles: ['red', 'green', 'blue'],
      bands: [0, 1, 2].map(() => new Float32Array(size * size)),
      valid: new Uint8Array(size * size).fill(1),
    });
    const reference = block();
    const moving = block();
    const roof = (x: number, y: number) => x >= 40 && x < 200 && y >= 60 && y < 140;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = y * size + x;
        const soil = 0.45 + 0.1 * (rng() - 0.5) * 2;
        const built = 0.15 + (0.6 * (((x >> 4) * 7 + (y >> 4) * 13) % 10)) / 9 + 0.02 * (rng() - 0.5);
        for (let b = 0; b < 3; b++) {
          reference.bands[b]![i] = soil;
          moving.bands[b]![i] = roof(x, y) ? 0.86 : built;
        }
      }
    }
    const n = await fitNormalization(memoryReader(reference), memoryReader(moving), { dx: 0, dy: 0 });
    const out = applyNormalization(copy(moving), n);
    const i = 100 * size + 120;
    for (let b = 0; b < 3; b++) expect(out.bands[b]![i]! - reference.bands[b]![i]!).toBeGreaterThan(0.15);
  });

  it('removes haze whose thickness drifts over the image (one table per band cannot)', async () => {
    const ill: Illumination = { gain: [0.9, 0.95, 1.05], gamma: 1.1, haze: 0 };
    const { reference, moving, truth } = syntheticPair({ seed: 50, illumination: ill, noise: 0.01 });
    addPatchyHaze(moving, 0.05, 0.3);
    const zero = { dx: 0, dy: 0 };
    const win = { x: 8, y: 8, width: 496, height: 496 };
    const ref = await memoryReader(reference).read(win);
    const raw = await memoryReader(moving).read(win);
    const errorWith = async (cellPx: number) => {
      const n = await fitNormalization(memoryReader(reference), memoryReader(moving), zero, { cellPx });
      return { n, err: mae(applyNormalization(copy(raw), n), ref, raw, truth, 512) };
    };
    const global = await errorWith(0);
    const local = await errorWith(128);
    expect(global.n.local ?? null).toBeNull();
    expect(local.n.local?.cols).toBe(4);
    // Noise alone gives ~0.011 (see above); the global tables leave the haze's drift on top.
    expect(global.err).toBeGreaterThan(0.02);
    expect(local.err).toBeLessThan(0.016);
  });

  it('does not normalise away a real local change under drifting haze', async () => {
    // A dark new surface over a whole 128 px cell and more (a construction site), in a hazy corner.
    const site: Patch = { x: 300, y: 40, width: 160, height: 160, rgb: [0.12, 0.1, 0.09] };
    const { reference, moving } = syntheticPair({ seed: 51, noise: 0.01, changes: [site] });
    addPatchyHaze(moving, 0.05, 0.3);
    const zero = { dx: 0, dy: 0 };
    const win = { x: 0, y: 0, width: 512, height: 512 };
    const ref = await memoryReader(reference).read(win);
    const normalised = async (cellPx: number) => {
      const n = await fitNormalization(memoryReader(reference), memoryReader(moving), zero, { cellPx });
      return applyNormalization(await memoryReader(moving).read(win), n);
    };
    const global = await normalised(0);
    const local = await normalised(128);
    const inside = { x: 310, y: 50, width: 140, height: 140 };
    // The site stays about as different from the reference as the global tables leave it.
    expect(meanDiff(global, ref, inside)).toBeGreaterThan(0.15);
    expect(meanDiff(local, ref, inside)).toBeGreaterThan(0.9 * meanDiff(global, ref, inside));
    // And the ground around it is normalised as well as anywhere else.
    expect(meanDiff(local, ref, { x: 300, y: 230, width: 160, height: 100 })).toBeLessThan(0.02);
  });

  it('returns the identity when the images do not overlap', async () => {
    const { reference, moving } = syntheticPair({ size: 64, seed: 2 });
    moving.valid.fill(0);
    const n = await fitNormalization(memoryReader(reference), memoryReader(moving), { dx: 0, dy: 0 });
    expect(n.samples).toBe(0);
    expect(Array.from(n.luts[0]!)).toEqual(Array.from(identityNormalization(['red']).luts[0]!));
  });

  it('refuses a block whose band count differs from the fit', () => {
    const block: Block = {
      window: { x: 0, y: 0, width: 1, height: 1 },
      roles: ['gray'],
      bands: [new Float32Array(1)],
      valid: new Uint8Array(1),
    };
    expect(() => applyNormalization(block, identityNormalization(['red', 'green', 'blue']))).toThrow(
      /block has 1 bands; the normalisation was fitted on 3/,
    );
  });
});

describe('alignment.bin', () => {
  const tmp = mkdtempSync(join(os.tmpdir(), 'bw-norm-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads an alignment saved before local corrections (global only) as global, and a local one as fitted', async () => {
    const { reference, moving } = syntheticPair({ size: 128, seed: 52 });
    addPatchyHaze(moving, 0.05, 0.3);
    const W = 128;
    const data = new Uint8Array(W * W * 3);
    for (let i = 0; i < W * W; i++) {
      for (let b = 0; b < 3; b++) data[3 * i + b] = Math.round(255 * Math.min(1, Math.max(0, moving.bands[b]![i]!)));
    }
    const dir = join(tmp, 'image');
    const wr = await createAnalysisRaster(join(dir, 'raster'), {
      grid: gridOf([130.3, 42.24, 130.31, 42.25], W, W),
      roles: ['red', 'green', 'blue'],
      stretch: [0, 1, 2].map(() => ({ lo: 0, hi: 255 })),
    });
    await wr.writeRows(0, W, data, new Uint8Array(W * W).fill(1));
    await wr.finish();
    const raster = await openAnalysisRaster(join(dir, 'raster'));
    const shift = { dx: 0.25, dy: -0.5 };
    const fitted = await fitNormalization(memoryReader(reference), raster, shift, { cellPx: 32 });
    expect(fitted.local).toBeTruthy();
    const win = { x: 5, y: 7, width: 100, height: 90 };
    const own = await raster.read(win, { shift });
    // As the code before local corrections wrote it: no `local` key at all.
    const { local: _, ...old } = fitted;
    const unshifted = await raster.read(win);
    for (const [normalization, at, before] of [
      [old as Normalization, shift, own],
      [fitted, shift, own],
      // Unshifted reads take another path (tables per byte value without a local correction).
      [fitted, { dx: 0, dy: 0 }, unshifted],
    ] as const) {
      await saveAlignment(dir, { shift: at, normalization });
      const prepared = await openPrepared(dir);
      const got = await prepared.read(win);
      const expected = applyNormalization(copy(before), normalization);
      for (let b = 0; b < 3; b++) {
        const g = got.bands[b]!;
        const e = expected.bands[b]!;
        for (let i = 0; i < g.length; i++) if (got.valid[i]) expect(Math.abs(g[i]! - e[i]!)).toBeLessThan(1e-6);
      }
      await prepared.close();
    }
    await raster.close();
  });
});
