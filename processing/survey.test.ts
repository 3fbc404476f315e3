import { describe, expect, it } from 'vitest';
import { stripRuns } from './survey.ts';

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
