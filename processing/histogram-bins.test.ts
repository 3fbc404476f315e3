import { describe, expect, it } from 'vitest';
import { countDeviation } from './vessel-contrast.ts';
import { countCapped, countClamped } from './water.ts';

/** Values at and around every boundary the Math forms treat specially. */
const EDGES = [Number.NaN, -1e9, -5, -1, -0.5, -1e-12, -0, 0, 1e-12, 0.5, 1, 2.999, 3, 6.5, 7, 7.5, 8, 9, 1e9];

function counted(count: (h: Uint32Array, q: number) => void, q: number): number[] {
  const h = new Uint32Array(8);
  count(h, q);
  return [...h];
}

function reference(index: (q: number) => number, q: number): number[] {
  const h = new Uint32Array(8);
  h[index(q)]!++;
  return [...h];
}

describe('histogram bin counting', () => {
  it('countClamped bins as Math.min(top, Math.max(0, Math.floor(q)))', () => {
    for (const q of EDGES)
      expect(counted(countClamped, q)).toEqual(reference((v) => Math.min(7, Math.max(0, Math.floor(v))), q));
  });
  it('countCapped bins as Math.min(top, Math.floor(q)): negatives and NaN in no bin', () => {
    for (const q of EDGES) expect(counted(countCapped, q)).toEqual(reference((v) => Math.min(7, Math.floor(v)), q));
  });
  it('countDeviation bins deviations as Math.min(top, Math.floor(q)) over its 4096 bins', () => {
    for (const q of [Number.NaN, 0, 0.5, 4094.9, 4095, 4095.5, 1e9]) {
      const h = new Uint32Array(4096);
      countDeviation(h, q);
      const r = new Uint32Array(4096);
      r[Math.min(4095, Math.floor(q))]!++;
      expect([...h]).toEqual([...r]);
    }
  });
});
