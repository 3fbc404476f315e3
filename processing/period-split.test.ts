import { describe, expect, it } from 'vitest';

import { periodSteps } from './period-split.ts';

/** A run of `n` stations whose windows read `period(centre)` (null: no period found there). */
function run(n: number, period: (centre: number) => number | null) {
  return periodSteps({ n, win: 160, hop: 32, periodAt: (a, b) => period((a + b) / 2) });
}

describe('periodSteps', () => {
  it('ignores windows whose period is 0, infinite or NaN (a part of period 0 would be infinitely many cars)', () => {
    const bad = [0, Number.POSITIVE_INFINITY, Number.NaN, Number.NEGATIVE_INFINITY];
    const parts = run(1600, (c) => (c < 1000 ? bad[Math.floor(c / 32) % bad.length]! : 30.4));
    for (const p of parts) expect(p.period === null || (Number.isFinite(p.period) && p.period > 0)).toBe(true);
  });

  it('cuts a run where its period steps from one steady value to another, near the step', () => {
    const parts = run(1600, (c) => (c < 1000 ? 36.4 : 30.4));
    expect(parts).toHaveLength(2);
    expect(parts[0]!.from).toBe(0);
    expect(parts[1]!.to).toBe(1600);
    expect(Math.abs(parts[0]!.to - 1000)).toBeLessThanOrEqual(80);
    expect(parts[0]!.period).toBeCloseTo(36.4, 5);
    expect(parts[1]!.period).toBeCloseTo(30.4, 5);
  });

  it('leaves whole a run of one period whose windows scatter or find none', () => {
    // Every fourth window off by 20 % either way, some with no period at all.
    const odd = [1, 0.8, 1, 1.2, 1, null, 1, 1];
    const parts = run(1600, (c) => {
      const k = odd[Math.floor(c / 32) % odd.length]!;
      return k === null ? null : 34 * k;
    });
    expect(parts).toEqual([{ from: 0, to: 1600, period: null }]);
  });

  it('does not cut where the periods differ by less than a tenth', () => {
    expect(run(1600, (c) => (c < 800 ? 34 : 32))).toHaveLength(1);
  });

  it('needs three agreeing windows on each side: a short stretch of another period is not a train', () => {
    // Two windows at the end read 30.
    expect(run(1600, (c) => (c > 1480 ? 30 : 36))).toHaveLength(1);
  });
});
