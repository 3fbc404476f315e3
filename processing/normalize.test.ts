import { describe, expect, it } from 'vitest';
import { memoryReader } from './block-reader.ts';
import { applyNormalization, fitNormalization, identityNormalization } from './normalize.ts';
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
