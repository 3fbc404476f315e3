import { describe, expect, it } from 'vitest';
import { leaveOnePortOut, splitLimits } from './sen2ships-lopo.ts';

const score = (tp: number, fp: number, fn: number) => ({ tp, fp, fn });

describe('leaveOnePortOut', () => {
  it('scores each port with the value best on the other ports, not on itself', () => {
    // Value 1 is best on port a itself, value 0 on b and c together: a is scored at 0. With a among
    // the other ports, value 1 wins for b and for c.
    const grid = new Map([
      ['a', [score(0, 5, 5), score(5, 0, 0)]],
      ['b', [score(4, 0, 1), score(1, 3, 4)]],
      ['c', [score(4, 1, 0), score(2, 2, 2)]],
    ]);
    const held = leaveOnePortOut(grid, 2);
    expect(held.get('a')).toEqual({ k: 0, s: score(0, 5, 5) });
    expect(held.get('b')).toEqual({ k: 1, s: score(1, 3, 4) });
    expect(held.get('c')?.k).toBe(1);
  });

  it('takes the value listed first on a tie', () => {
    const same = score(1, 1, 1);
    const grid = new Map([
      ['a', [same, same]],
      ['b', [same, same]],
    ]);
    expect(leaveOnePortOut(grid, 2).get('a')?.k).toBe(0);
  });
});

describe('splitLimits', () => {
  it("routes each limit of a set to the moored-hull step's options or the detector's", () => {
    expect(splitLimits({ minPatchPx: 4, berthedShoreZ: 12, maxInsetPx: 2 })).toEqual({
      hull: { minPatchPx: 4, maxInsetPx: 2 },
      det: { berthedShoreZ: 12 },
    });
  });

  it('refuses a limit neither step has', () => {
    expect(() => splitLimits({ minPatchPx: 4, noSuchLimit: 1 })).toThrow(/noSuchLimit/);
  });
});
