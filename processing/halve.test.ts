import { describe, expect, it } from 'vitest';
import { anyValid, doubleMask, halveBlock, halveBlockWith } from './halve.ts';
import { KernelPlanes } from './kernel-memory.ts';
import { luminanceInto } from './mask.ts';
import { PlanePool } from './plane-pool.ts';
import type { Block } from './types.ts';

describe('halveBlock and doubleMask', () => {
  it('averages the valid pixels of each 2×2 (odd edges included) and brings a mask back within validity', () => {
    // 3×3: the last column and row are half blocks.
    const block: Block = {
      window: { x: 10, y: 4, width: 3, height: 3 },
      roles: ['gray'],
      bands: [Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9])],
      valid: Uint8Array.from([1, 1, 1, 1, 0, 0, 1, 1, 0]),
    };
    const half = halveBlock(block);
    expect(half.window).toEqual({ x: 5, y: 2, width: 2, height: 2 });
    expect([...half.bands[0]!]).toEqual([Math.fround(7 / 3), 3, 7.5, 0]);
    expect([...half.valid]).toEqual([1, 1, 1, 0]);
    expect([...doubleMask(Uint8Array.from([1, 0, 1, 1]), 3, 3, block.valid)]).toEqual([1, 1, 0, 1, 0, 0, 1, 1, 0]);
  });

  it('halves mostly valid blocks (their whole-2×2 spans) as the means of their valid pixels, odd edges included', () => {
    for (const [width, height] of [
      [6, 4],
      [7, 4],
      [6, 5],
      [7, 5],
      [1, 1],
      [1, 3],
      [5, 1],
      [23, 9],
    ] as const) {
      // All valid; a shift's missing columns on the left, then on the right; holes (a cloud mask's).
      for (const missing of [
        (_x: number, _y: number) => false,
        (x: number, y: number) => x < 1 + (y % 2),
        (x: number, _y: number) => x >= width - 3,
        (x: number, y: number) => (x * 7 + y * 3) % 11 === 0,
      ]) {
        const n = width * height;
        const band = Float32Array.from({ length: n }, (_, i) => Math.fround(((i * 37) % 101) / 97));
        const valid = Uint8Array.from({ length: n }, (_, i) => (missing(i % width, Math.floor(i / width)) ? 0 : 1));
        const block: Block = { window: { x: 0, y: 0, width, height }, roles: ['gray'], bands: [band], valid };
        const half = halveBlock(block);
        const cw = (width + 1) >> 1;
        const ch = (height + 1) >> 1;
        const means: number[] = [];
        const validHalf: number[] = [];
        for (let cy = 0; cy < ch; cy++) {
          for (let cx = 0; cx < cw; cx++) {
            const v = [
              [2 * cx, 2 * cy],
              [2 * cx + 1, 2 * cy],
              [2 * cx, 2 * cy + 1],
              [2 * cx + 1, 2 * cy + 1],
            ]
              .filter(([x, y]) => x! < width && y! < height && valid[y! * width + x!])
              .map(([x, y]) => band[y! * width + x!]!);
            validHalf.push(v.length ? 1 : 0);
            if (!v.length) means.push(0);
            else if (v.length === 4) means.push(Math.fround((v[0]! + v[1]! + v[2]! + v[3]!) * 0.25));
            else means.push(Math.fround(v.reduce((a, b) => a + b) / v.length));
          }
        }
        expect([...half.bands[0]!], `${width}×${height}`).toEqual(means);
        expect([...half.valid]).toEqual(validHalf);
      }
    }
  });
});

describe('halveBlockWith', () => {
  it("gives the halved block's luminance as luminanceInto does, bit for bit, and none without three visible bands", () => {
    const width = 37;
    const height = 11;
    const n = width * height;
    const band = (seed: number) => Float32Array.from({ length: n }, (_, i) => Math.fround(((i * seed) % 251) / 250));
    const valid = Uint8Array.from({ length: n }, (_, i) => ((i * 7) % 13 === 0 ? 0 : 1));
    const window = { x: 0, y: 0, width, height };
    for (const roles of [
      ['red', 'green', 'blue'],
      ['red', 'green', 'blue', 'nir'],
      ['nir', 'red', 'green', 'blue'],
    ] as Block['roles'][]) {
      const block: Block = { window, roles, bands: roles.map((_, b) => band(31 + 17 * b)), valid };
      const cells = ((width + 1) >> 1) * ((height + 1) >> 1);
      const lum = new Float32Array(cells).fill(-1);
      const { half, lumDone } = halveBlockWith(block, null, 0, lum);
      expect(lumDone).toBe(true);
      const want = halveBlock(block);
      for (let b = 0; b < roles.length; b++) expect([...half.bands[b]!]).toEqual([...want.bands[b]!]);
      const vis = want.bands.filter((_, b) => roles[b] !== 'nir');
      expect([...lum]).toEqual([...luminanceInto(want, vis, new Float32Array(cells))]);
    }
    const gray: Block = { window, roles: ['gray'], bands: [band(31)], valid };
    expect(halveBlockWith(gray, null, 0, new Float32Array(n)).lumDone).toBe(false);
  });
});

describe('halveBlockWith through a pool', () => {
  it("writes every cell of the pool's planes (not zeroed): what an earlier, larger block left there never shows", () => {
    const pool = new PlanePool();
    // A first block fills the slots with other values; then blocks of odd and even sizes, with holes.
    const big = 41 * 13;
    const first: Block = {
      window: { x: 0, y: 0, width: 41, height: 13 },
      roles: ['gray'],
      bands: [new Float32Array(big).fill(0.9)],
      valid: new Uint8Array(big).fill(1),
    };
    halveBlockWith(first, pool, 0, null);
    for (const [width, height] of [
      [9, 7],
      [10, 6],
      [7, 5],
    ] as const) {
      const n = width * height;
      const block: Block = {
        window: { x: 0, y: 0, width, height },
        roles: ['gray'],
        bands: [Float32Array.from({ length: n }, (_, i) => Math.fround(((i * 13) % 29) / 31))],
        // A whole column pair and a 2×2 without data (cells with no valid pixel), and holes.
        valid: Uint8Array.from({ length: n }, (_, i) => {
          const x = i % width;
          const y = Math.floor(i / width);
          return x < 2 || (x >= 4 && x < 6 && y < 2) || (x * 5 + y) % 7 === 0 ? 0 : 1;
        }),
      };
      const got = halveBlockWith(block, pool, 0, null).half;
      const want = halveBlock(block);
      expect([...got.bands[0]!], `${width}×${height}`).toEqual([...want.bands[0]!]);
      expect([...got.valid]).toEqual([...want.valid]);
      halveBlockWith(first, pool, 0, null);
    }
  });
});

describe('anyValid', () => {
  it('marks the cells with any valid pixel, as count > 0, at any length and offset', () => {
    for (const length of [0, 1, 5, 8, 33]) {
      for (const offset of [0, 1, 4]) {
        const count = new Uint8Array(length + offset).subarray(offset);
        for (let i = 0; i < length; i++) count[i] = (i * 3 + offset) % 5;
        const got = new Uint8Array(length + offset).fill(7).subarray(offset);
        anyValid(count, got);
        expect([...got]).toEqual([...count].map((c) => (c > 0 ? 1 : 0)));
      }
    }
  });
});

describe('halveBlockWith in the kernel memory', () => {
  it("gives the JavaScript loops' means and luminance bit for bit (halve.wasm: whole cells two at a time)", () => {
    const owner = new KernelPlanes();
    const pool = new PlanePool({ kernel: true });
    for (const [width, height] of [
      [37, 11],
      [38, 12],
      [9, 4],
      [2, 2],
      [5, 3],
    ] as const) {
      const n = width * height;
      // Values across the range and the extremes, so sums round; holes and a missing left column.
      const band = (seed: number) => {
        const p = owner.floats(n)!;
        for (let i = 0; i < n; i++) p[i] = Math.fround((((i * seed) % 251) / 250) ** 3 + (i % 7 === 0 ? 1e-7 : 0));
        return p;
      };
      const valid = Uint8Array.from({ length: n }, (_, i) => (i % width === 0 || (i * 7) % 19 === 0 ? 0 : 1));
      // Whole rows; a missing left column (halve.wasm's cells start one cell in, the loops take that
      // one); scattered holes too (most rows not whole between their first and last valid pixels).
      const column = Uint8Array.from({ length: n }, (_, i) => (i % width === 0 ? 0 : 1));
      for (const holes of ['none', 'column', 'scattered'] as const) {
        const v = holes === 'scattered' ? valid : holes === 'column' ? column : new Uint8Array(n).fill(1);
        const block: Block = {
          window: { x: 0, y: 0, width, height },
          roles: ['red', 'green', 'blue'],
          bands: [band(31), band(47), band(83)],
          valid: v,
        };
        const cells = ((width + 1) >> 1) * ((height + 1) >> 1);
        const lum = pool.floats(9, cells);
        const got = halveBlockWith(block, pool, 0, lum);
        // Where rows hold two whole cells or more, halve.wasm took them (the loops alone give the same).
        if (holes !== 'scattered') {
          const pairs = holes === 'none' ? width >= 4 : width >= 9;
          expect(got.kernelRows > 0, `${width}×${height} ${holes}`).toBe(pairs);
        }
        const plainBands = block.bands.map((b) => Float32Array.from(b));
        const want = halveBlock({ ...block, bands: plainBands });
        const wantLum = luminanceInto(want, want.bands, new Float32Array(cells));
        for (let b = 0; b < 3; b++) {
          const g = got.half.bands[b]!;
          expect(Buffer.from(g.buffer, g.byteOffset, g.byteLength).equals(Buffer.from(want.bands[b]!.buffer))).toBe(
            true,
          );
        }
        expect(Buffer.from(lum.buffer, lum.byteOffset, lum.byteLength).equals(Buffer.from(wantLum.buffer))).toBe(true);
        // …and without a luminance plane.
        const bare = halveBlockWith(block, pool, 0, null).half.bands[1]!;
        expect([...bare]).toEqual([...want.bands[1]!]);
      }
    }
    owner.freeAll();
  });
});

describe('doubleMask', () => {
  it('equals half[cell] & valid at every pixel, odd sizes included', () => {
    let seed = 7;
    const rng = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    for (const [width, height] of [
      [9, 7],
      [10, 8],
      [1, 1],
      [2, 5],
      [33, 4],
    ] as const) {
      const cw = (width + 1) >> 1;
      const ch = (height + 1) >> 1;
      // Cells of 0, 1 and 2 (a value the AND with validity keeps only where it has bit 0).
      const half = Uint8Array.from({ length: cw * ch }, () => (rng() < 0.5 ? 0 : rng() < 0.9 ? 1 : 2));
      for (let x = 0; x < cw; x++) half[x] = 0; // a row of cells without cloud
      const valid = Uint8Array.from({ length: width * height }, () => (rng() < 0.8 ? 1 : 0));
      const want = new Uint8Array(width * height);
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) want[y * width + x] = half[(y >> 1) * cw + (x >> 1)]! & valid[y * width + x]!;
      expect([...doubleMask(half, width, height, valid)]).toEqual([...want]);
    }
  });
});
