import { describe, expect, it } from 'vitest';
import { stripRuns, validAndCloudy } from './survey.ts';

describe('stripRuns', () => {
  it('cuts the strips into runs of consecutive ones, in order, shrinking to single strips at the end', () => {
    const starts = Array.from({ length: 40 }, (_, i) => i * 256);
    const runs = stripRuns(starts, 2);
    expect(runs.flat()).toEqual(starts);
    const lengths = runs.map((r) => r.length);
    // Each run a quarter of the strips left (two per thread's turn), 4 at most: then shorter ones.
    expect(lengths).toEqual([4, 4, 4, 4, 4, 4, 4, 3, 3, 2, 1, 1, 1, 1]);
    for (const r of runs) for (let i = 1; i < r.length; i++) expect(r[i]! - r[i - 1]!).toBe(256);
  });

  it('gives every strip a run of its own when there are fewer strips than turns', () => {
    expect(stripRuns([0, 256, 512], 2)).toEqual([[0], [256], [512]]);
    expect(stripRuns([], 2)).toEqual([]);
  });
});

describe('validAndCloudy', () => {
  it('counts valid and valid-cloudy pixels as the byte-by-byte sums, aligned or not', () => {
    const n = 203;
    // Runs of ones (whole words of them) and scattered ones, in both planes.
    const valid = Uint8Array.from({ length: n + 3 }, (_, i) => (i < 60 || i % 3 !== 0 ? 1 : 0));
    const cloud = Uint8Array.from({ length: n + 3 }, (_, i) => ((i > 30 && i < 90) || i % 7 === 0 ? 1 : 0));
    for (const [vo, co] of [
      [0, 0],
      [1, 0],
      [0, 3],
      [2, 2],
    ] as const) {
      const v = valid.subarray(vo, vo + n);
      const c = cloud.subarray(co, co + n);
      let sv = 0;
      let sc = 0;
      for (let i = 0; i < n; i++) {
        sv += v[i]!;
        sc += v[i]! & c[i]!;
      }
      expect(validAndCloudy(v, c)).toEqual({ valid: sv, cloudy: sc });
    }
  });
});
