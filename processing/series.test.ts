import { describe, expect, it } from 'vitest';
import { seriesSteps } from './series.ts';

const DAY = 86_400_000;
const days = (...d: number[]) => d.map((x) => x * DAY);

describe('seriesSteps', () => {
  it('analyses each date once in date order with its three latest earlier dates', () => {
    const steps = seriesSteps(days(0, 1, 2, 3, 4, 5));
    const firstPass = steps.filter((s, k) => steps.findIndex((t) => t.index === s.index) === k);
    expect(firstPass).toEqual([
      { index: 0, others: [] },
      { index: 1, others: [0] },
      { index: 2, others: [0, 1] },
      { index: 3, others: [0, 1, 2] },
      { index: 4, others: [1, 2, 3] },
      { index: 5, others: [2, 3, 4] },
    ]);
  });

  it('analyses the first date again with the next three once they are analysed, then the second', () => {
    const steps = seriesSteps(days(0, 1, 2, 3, 4, 5));
    expect(steps.slice(4, 6)).toEqual([
      { index: 0, others: [1, 2, 3] },
      // The second date's nearest analysed dates now lie on both sides of it, as the server picks them.
      { index: 1, others: [0, 2, 3] },
    ]);
    expect(steps.map((s) => s.index)).toEqual([0, 1, 2, 3, 0, 1, 4, 5]);
  });

  it('with two or three dates, goes back to the first once the last is analysed', () => {
    expect(seriesSteps(days(0, 1)).map((s) => [s.index, s.others])).toEqual([
      [0, []],
      [1, [0]],
      [0, [1]],
      [1, [0]],
    ]);
    expect(seriesSteps(days(0, 1, 2)).slice(3)).toEqual([
      { index: 0, others: [1, 2] },
      { index: 1, others: [0, 2] },
    ]);
  });

  it("with ahead 0 (the evaluation's base) analyses each date once, with `others` earlier dates", () => {
    expect(seriesSteps(days(0, 1, 2, 3, 4), { ahead: 0, others: 2 })).toEqual([
      { index: 0, others: [] },
      { index: 1, others: [0] },
      { index: 2, others: [0, 1] },
      { index: 3, others: [1, 2] },
      { index: 4, others: [2, 3] },
    ]);
  });

  it('analyses a single date once', () => {
    expect(seriesSteps(days(0))).toEqual([{ index: 0, others: [] }]);
    expect(seriesSteps([])).toEqual([]);
  });
});
