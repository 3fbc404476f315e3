import { describe, expect, it } from 'vitest';
import { doubleMask, halveBlock } from './halve.ts';
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
