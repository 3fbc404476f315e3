import { describe, expect, it } from 'vitest';
import { planeSpreads, planeSpreadsDirect } from './plane-spreads.ts';

/** A deterministic pseudo-random stream in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Two dates of a textured scene on a ramp (today a veiled, lifted copy in part), with holes in `weight`. */
function scene(width: number, height: number, seed: number, needShare: number) {
  const rnd = random(seed);
  const n = width * height;
  const lum = new Float32Array(n);
  const refLum = new Float32Array(n);
  const weight = new Uint8Array(n);
  const need = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const texture = 0.1 * rnd();
      refLum[i] = 0.2 + 0.002 * x + 0.001 * y + texture;
      // A veil over the left half: lifted, its texture fainter; flat ground in a corner.
      lum[i] = x < width / 2 ? 0.5 + 0.3 * refLum[i]! + 0.01 * rnd() : refLum[i]! + 0.02 * rnd();
      if (x > width - 20 && y < 20) lum[i] = refLum[i] = 0.4;
      weight[i] = rnd() < 0.9 ? 1 : 0;
      need[i] = rnd() < needShare ? 1 : 0;
    }
  }
  return { lum, refLum, weight, need };
}

describe('planeSpreads', () => {
  for (const [width, height, r, share] of [
    [300, 150, 5, 0.5],
    [200, 140, 3, 1],
    [157, 90, 10, 0.3],
    [40, 30, 5, 1],
    [300, 150, 5, 0.002],
  ] as const) {
    it(`is the direct sums' to float rounding (${width}×${height}, r ${r}, ${share * 100} % judged)`, () => {
      const { lum, refLum, weight, need } = scene(width, height, width * height + r, share);
      const fast = planeSpreads(lum, refLum, weight, width, height, r, need);
      const direct = planeSpreadsDirect(lum, refLum, weight, width, height, r, need);
      // Relative to the spread, or absolute below 0.001 (flat ground: the square root of rounding).
      let worst = 0;
      let judged = 0;
      let strayed = 0;
      for (const key of ['std', 'refStd', 'diffStd'] as const) {
        for (let i = 0; i < need.length; i++) {
          if (!need[i]) {
            if (fast[key][i] !== 0) strayed++;
            continue;
          }
          judged++;
          const d = Math.abs(fast[key][i]! - direct[key][i]!);
          worst = Math.max(worst, d / Math.max(direct[key][i]!, 1e-3));
        }
      }
      expect(strayed).toBe(0);
      expect(judged).toBeGreaterThan(0);
      expect(worst).toBeLessThan(1e-5);
    });
  }
});
