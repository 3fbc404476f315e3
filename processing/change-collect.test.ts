import { describe, expect, it } from 'vitest';
import { collectWithEnvelopes, envelopesInPlace } from './change-collect.ts';
import { collect } from './collect.ts';
import { rangeDistance3At } from './envelope.ts';
import { KernelPlanes } from './kernel-memory.ts';
import { copiesInKernel } from './testing/kernel-copies.ts';
import { mulberry32 } from './testing/scene.ts';

/** Three textured bands on two dates with changed rectangles, noise, and optional odd values. */
function scene(w: number, h: number, seed: number, odd: number) {
  const rng = mulberry32(seed);
  const n = w * h;
  const base = Array.from({ length: 3 }, () => {
    const a = new Float32Array(n);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) a[y * w + x] = 0.3 + 0.2 * Math.sin(x / 5 + y / 7) * rng();
    return a;
  });
  const P = base.map((a) => a.map((v) => v + (rng() - 0.5) * 0.03));
  const C = base.map((a) => a.map((v) => v + (rng() - 0.5) * 0.03));
  for (let k = 0; k < 6; k++) {
    const x0 = Math.floor(rng() * w);
    const y0 = Math.floor(rng() * h);
    const v = [0.05, 0.95, 0.999, 1][k % 4]!;
    for (let y = y0; y < Math.min(h, y0 + 4 + Math.floor(rng() * 8)); y++) {
      for (let x = x0; x < Math.min(w, x0 + 3 + Math.floor(rng() * 12)); x++) C[k % 3]![y * w + x] = v;
    }
  }
  // NaN, infinities, signed zeros and saturated values, in either date.
  const values = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1, 0.9985];
  for (let k = 0; k < odd * n; k++) {
    const planes = rng() < 0.5 ? P : C;
    planes[Math.floor(rng() * 3)]![Math.floor(rng() * n)] = values[Math.floor(rng() * values.length)]!;
  }
  return { P, C };
}

describe('collectWithEnvelopes', () => {
  it('keeps the pixels collect keeps, with their distances, and the envelopes of rangeDistance3At, bit for bit', () => {
    let fast = 0;
    for (const [w, h, seed, odd, step] of [
      [64, 48, 1, 0, 16],
      [61, 37, 2, 0.002, 16],
      [97, 50, 3, 0.01, 16],
      [5, 33, 4, 0.003, 16],
      [40, 40, 5, 0.002, 7],
      [200, 20, 6, 0, 20],
    ] as const) {
      const { P, C } = scene(w, h, seed, odd);
      // The same planes in the kernel memory, read in place rather than copied in: the same lists.
      const owner = new KernelPlanes();
      const KP = copiesInKernel(owner, P);
      const KC = copiesInKernel(owner, C);
      for (const [floor2, t] of [
        [0.04 ** 2, 0.5],
        [0.01 ** 2, 0.25],
      ] as const) {
        const idx = new Int32Array(step * w);
        const plain2 = new Float64Array(step * w);
        const env = new Float64Array(step * w);
        const wantIdx = new Int32Array(step * w);
        const want2 = new Float64Array(step * w);
        for (let y0 = 0; y0 < h; y0 += step) {
          const y1 = Math.min(h, y0 + step);
          const k = collectWithEnvelopes(P, C, w, h, y0, y1, floor2, t, idx, plain2, env);
          const want = collect(P, C, y0 * w, y1 * w, floor2, wantIdx, want2);
          expect(k).toBe(want);
          expect(Array.from(idx.subarray(0, k))).toEqual(Array.from(wantIdx.subarray(0, k)));
          expect(Array.from(plain2.subarray(0, k))).toEqual(Array.from(want2.subarray(0, k)));
          const inPlace = new Float64Array(step * w);
          expect(collectWithEnvelopes(KP, KC, w, h, y0, y1, floor2, t, idx, plain2, inPlace)).toBe(k);
          expect(Array.from(idx.subarray(0, k))).toEqual(Array.from(wantIdx.subarray(0, k)));
          expect(Array.from(plain2.subarray(0, k))).toEqual(Array.from(want2.subarray(0, k)));
          for (let j = 0; j < k; j++) {
            const i = idx[j]!;
            const x = i % w;
            const y = (i - x) / w;
            const e = rangeDistance3At(P[0]!, P[1]!, P[2]!, C[0]!, C[1]!, C[2]!, w, h, x, y, t);
            // toBe: Object.is, so NaN matches NaN and a zero's sign counts.
            expect(env[j]).toBe(e);
            expect(inPlace[j]).toBe(e);
            if (x > 0 && x + 1 < w && y > 0 && y + 1 < h && Number.isFinite(e)) fast++;
          }
        }
      }
      owner.freeAll();
    }
    // Most were computed in the kernel (not the JavaScript fallback for edges and NaN).
    expect(fast).toBeGreaterThan(1000);
  });

  it('envelopesInPlace: the envelopes of rangeDistance3At, bit for bit, for any listed pixels of planes in the kernel memory', () => {
    let fast = 0;
    for (const [w, h, seed, odd] of [
      [64, 48, 1, 0],
      [61, 37, 2, 0.002],
      [97, 50, 3, 0.01],
      [5, 33, 4, 0.003],
      [200, 20, 6, 0],
    ] as const) {
      const { P, C } = scene(w, h, seed, odd);
      const owner = new KernelPlanes();
      const KP = copiesInKernel(owner, P);
      const KC = copiesInKernel(owner, C);
      // Any raster-ordered list: runs (the kernel's four-at-once path), isolated pixels, edges.
      const rng = mulberry32(seed + 100);
      const list: number[] = [];
      for (let i = 0; i < w * h; i++) if (rng() < (Math.floor(i / 9) % 3 === 0 ? 0.9 : 0.1)) list.push(i);
      const idx = Int32Array.from(list);
      const env = new Float64Array(list.length);
      // Planes outside the kernel memory: nothing done.
      expect(envelopesInPlace(P, C, w, h, 0.5, idx, idx.length, env)).toBe(false);
      for (const t of [0.5, 0.25]) {
        expect(envelopesInPlace(KP, KC, w, h, t, idx, idx.length, env)).toBe(true);
        for (let j = 0; j < idx.length; j++) {
          const x = idx[j]! % w;
          const y = (idx[j]! - x) / w;
          const e = rangeDistance3At(P[0]!, P[1]!, P[2]!, C[0]!, C[1]!, C[2]!, w, h, x, y, t);
          expect(env[j]).toBe(e);
          if (x > 0 && x + 1 < w && y > 0 && y + 1 < h && Number.isFinite(e)) fast++;
        }
      }
      owner.freeAll();
    }
    expect(fast).toBeGreaterThan(1000);
  });
});
