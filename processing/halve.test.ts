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
});
