import { describe, expect, it } from 'vitest';
import { kthOf, upperMedian } from './median.ts';
import { mulberry32 } from './testing/scene.ts';

describe('kthOf', () => {
  const rand = mulberry32(11);

  it("gives the sort's value at every index: ties, runs, few distinct values, one value, NaN", () => {
    const cases: Float32Array[] = [
      Float32Array.from({ length: 1 }, () => 0.3),
      Float32Array.from({ length: 2 }, (_, i) => 1 - i),
      Float32Array.from({ length: 257 }, () => rand()),
      // Water's levels: a few distinct values, many ties.
      Float32Array.from({ length: 300 }, () => Math.round(rand() * 4) / 40),
      Float32Array.from({ length: 64 }, (_, i) => i),
      Float32Array.from({ length: 64 }, (_, i) => 64 - i),
      new Float32Array(50).fill(0.07),
      Float32Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? Number.NaN : rand())),
    ];
    for (const v of cases) {
      const sorted = v.slice().sort();
      for (let k = 0; k < v.length; k++) expect(kthOf(v.slice(), k), `k ${k} of ${v.length}`).toBe(sorted[k]);
    }
  });
});

describe('upperMedian', () => {
  const rand = mulberry32(5);
  it("is the sorted copy's middle (the higher of two): by selection now, the same value", () => {
    const cases: number[][] = [
      [],
      [0.5],
      [2, 1],
      Array.from({ length: 1001 }, () => rand()),
      Array.from({ length: 1000 }, () => Math.round(rand() * 5) / 10),
      Array.from({ length: 30 }, (_, i) => (i % 9 === 4 ? Number.NaN : rand())),
    ];
    for (const v of cases) {
      const s = Float64Array.from(v).sort();
      const want = v.length ? s[s.length >> 1] : Number.NaN;
      expect(upperMedian(v)).toBe(want);
    }
  });
});
