import { describe, expect, it } from 'vitest';
import { fft1d, fft2d } from './fft.ts';

describe('fft', () => {
  it('matches a direct DFT of 16 random samples', () => {
    const n = 16;
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) + (i % 3));
    const re = Float64Array.from(x);
    const im = new Float64Array(n);
    fft1d(re, im, n);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        sr += x[j]! * Math.cos((-2 * Math.PI * k * j) / n);
        si += x[j]! * Math.sin((-2 * Math.PI * k * j) / n);
      }
      expect(re[k]).toBeCloseTo(sr, 10);
      expect(im[k]).toBeCloseTo(si, 10);
    }
  });

  it('returns the input after a 2-D forward and inverse transform', () => {
    const n = 32;
    const x = Float64Array.from({ length: n * n }, (_, i) => Math.cos(i * 0.37) * (i % 7));
    const re = Float64Array.from(x);
    const im = new Float64Array(n * n);
    fft2d(re, im, n);
    expect(Math.abs(re[1]!) + Math.abs(im[n]!)).toBeGreaterThan(0);
    fft2d(re, im, n, true);
    for (let i = 0; i < n * n; i++) expect(re[i]).toBeCloseTo(x[i]!, 10);
  });

  it('refuses a length that is not a power of two', () => {
    expect(() => fft1d(new Float64Array(12), new Float64Array(12), 12)).toThrow(/power of two \(got 12\)/);
  });
});
