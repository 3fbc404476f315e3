import { describe, expect, it } from 'vitest';
import { rgbLuminanceInto } from './rgb-luminance.ts';
import { mulberry32 } from './testing/scene.ts';

describe('rgbLuminanceInto', () => {
  it('holds the floats of band-by-band accumulation into a Float32Array, within [from, to) only', () => {
    const random = mulberry32(7);
    const n = 4099;
    const bands = [0, 1, 2].map(() => Float32Array.from({ length: n }, () => random()));
    const [b0, b1, b2] = bands as [Float32Array, Float32Array, Float32Array];
    const want = new Float32Array(n);
    for (const band of bands) for (let i = 0; i < n; i++) want[i]! += band[i]!;
    for (let i = 0; i < n; i++) want[i]! *= 1 / 3;
    expect([...rgbLuminanceInto(b0, b1, b2, new Float32Array(n))]).toEqual([...want]);
    const part = rgbLuminanceInto(b0, b1, b2, new Float32Array(n).fill(-1), 100, 200);
    expect(part.slice(100, 200)).toEqual(want.slice(100, 200));
    expect(part[99]).toBe(-1);
    expect(part[200]).toBe(-1);
  });
});
