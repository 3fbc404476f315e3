import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wasmOf, wasmSources } from '../scripts/build-wasm.ts';
import { collect } from './collect.ts';
import { KernelPlanes, planesInKernel } from './kernel-memory.ts';
import { mulberry32 } from './testing/scene.ts';

/** The pass in plain double-precision JavaScript: what collect must reproduce exactly. */
function reference(p: Float32Array[], c: Float32Array[], row: number, end: number, floor2: number) {
  const idx: number[] = [];
  const plain2: number[] = [];
  for (let i = row; i < end; i++) {
    let s = 0;
    for (let b = 0; b < p.length; b++) s += (c[b]![i]! - p[b]![i]!) ** 2;
    if (s > floor2) {
      idx.push(i);
      plain2.push(s);
    }
  }
  return { idx, plain2 };
}

describe('collect', () => {
  it('keeps exactly the pixels a double-precision test keeps, with their distances, at any row length and band count', () => {
    const rng = mulberry32(7);
    for (let t = 0; t < 400; t++) {
      const n = 1 + Math.floor(rng() * 70);
      const floor = [0.04, 0, 0.01, 1e-20, 0.3][t % 5]!;
      const plane = () =>
        Float32Array.from({ length: n + 8 }, () =>
          rng() < 0.02 ? [Number.NaN, Number.POSITIVE_INFINITY, -0, 1, 3e38][Math.floor(rng() * 5)]! : rng(),
        );
      const p = Array.from({ length: [3, 1, 4, 2][t % 4]! }, plane);
      // Changes around the floor, where single precision alone would misjudge some pixels.
      const c = p.map((a) =>
        a.map((v) => {
          const u = rng();
          if (u < 0.4) return v + (rng() - 0.5) * 0.05;
          if (u < 0.7) return v + (floor / Math.sqrt(p.length)) * (1 + (rng() - 0.5) * 1e-6);
          return rng();
        }),
      );
      const row = Math.floor(rng() * 8);
      const end = row + n;
      const idx = new Int32Array(n);
      const plain2 = new Float64Array(n);
      const k = collect(p, c, row, end, floor * floor, idx, plain2);
      const want = reference(p, c, row, end, floor * floor);
      expect(Array.from(idx.subarray(0, k))).toEqual(want.idx);
      expect(Array.from(plain2.subarray(0, k))).toEqual(want.plain2);
    }
  });

  it('finds a change in any lane of the three-band path and of the row tail (row lengths 1 to 40)', () => {
    for (let n = 1; n <= 40; n++) {
      for (let at = 0; at < n; at++) {
        const zero = () => new Float32Array(n);
        const c = [zero(), zero(), zero()];
        c[at % 3]![at] = 0.5;
        // A second change within the same eight pixels, when there is room.
        if (at + 3 < n) c[2]![at + 3] = 0.05;
        const idx = new Int32Array(n);
        const plain2 = new Float64Array(n);
        const k = collect([zero(), zero(), zero()], c, 0, n, 0.0016, idx, plain2);
        const want = reference([zero(), zero(), zero()], c, 0, n, 0.0016);
        expect(Array.from(idx.subarray(0, k))).toEqual(want.idx);
        expect(Array.from(plain2.subarray(0, k))).toEqual(want.plain2);
      }
    }
  });

  it('reads three bands lying in the kernel memory in place, keeping what it keeps of copies', () => {
    const rng = mulberry32(11);
    const owner = new KernelPlanes();
    for (let t = 0; t < 60; t++) {
      const n = 1 + Math.floor(rng() * 90);
      const floor = [0.04, 0.01, 0][t % 3]!;
      const plane = () =>
        Float32Array.from({ length: n + 8 }, () =>
          rng() < 0.02 ? [Number.NaN, -0, 1][Math.floor(rng() * 3)]! : rng(),
        );
      const p = [plane(), plane(), plane()];
      const c = p.map((a) => a.map((v) => (rng() < 0.5 ? v + (rng() - 0.5) * 0.05 : rng())));
      const inKernel = (planes: Float32Array[]) =>
        planes.map((a) => {
          const k = owner.floats(a.length)!;
          k.set(a);
          return k;
        });
      const kp = inKernel(p);
      const kc = inKernel(c);
      expect(planesInKernel(kp)).not.toBeNull();
      expect(planesInKernel(p)).toBeNull();
      const row = Math.floor(rng() * 8);
      const idx = new Int32Array(n);
      const plain2 = new Float64Array(n);
      const k = collect(kp, kc, row, row + n, floor * floor, idx, plain2);
      const want = reference(p, c, row, row + n, floor * floor);
      expect(Array.from(idx.subarray(0, k))).toEqual(want.idx);
      expect(Array.from(plain2.subarray(0, k))).toEqual(want.plain2);
      for (const a of [...kp, ...kc]) owner.free(a);
    }
  });

  it('handles rows longer than the kernel memory first held', () => {
    const n = 100_000;
    const zero = new Float32Array(n);
    const one = new Float32Array(n);
    one[n - 1] = 1;
    const idx = new Int32Array(n);
    const plain2 = new Float64Array(n);
    expect(collect([zero, zero, zero], [one, zero, zero], 0, n, 0.0016, idx, plain2)).toBe(1);
    expect(idx[0]).toBe(n - 1);
    expect(plain2[0]).toBe(1);
  });
});

describe('WebAssembly builds', () => {
  it('each committed .wasm is its .wat source built', async () => {
    const sources = wasmSources();
    expect(sources.length).toBeGreaterThan(0);
    for (const { wat, wasm } of sources) {
      expect(Buffer.from(await wasmOf(wat)).equals(readFileSync(wasm)), `${wasm} is stale: npm run build:wasm`).toBe(
        true,
      );
    }
  });
});
