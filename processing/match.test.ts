import { describe, expect, it } from 'vitest';
import { matchVessels, type Placed } from './match.ts';

const v = (cx: number, cy: number, lengthM = 120, widthM = 20, headingDeg = 90): Placed => ({
  cx,
  cy,
  lengthM,
  widthM,
  headingDeg,
});

describe('matchVessels', () => {
  it('pairs a ship that stayed at its berth despite a few metres of misregistration', () => {
    const r = matchVessels([v(0, 0)], [v(6, -4)]);
    expect(r).toEqual({ arrivals: 0, departures: 0, pairs: [[0, 0]] });
  });

  it('counts a ship replaced by a much smaller one at the same berth as a departure and an arrival', () => {
    const r = matchVessels([v(0, 0, 180)], [v(5, 0, 60)]);
    expect(r.arrivals).toBe(1);
    expect(r.departures).toBe(1);
    expect(r.pairs).toEqual([]);
  });

  it('keeps rafted neighbours apart, pairing each with itself', () => {
    const before = [v(0, 0), v(0, 22)];
    const after = [v(1, 23), v(1, 1)];
    const r = matchVessels(before, after);
    expect(r.pairs.sort()).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(r.arrivals + r.departures).toBe(0);
  });

  it('counts every vessel as an arrival when the berth was empty before', () => {
    expect(matchVessels([], [v(0, 0), v(300, 0)])).toEqual({ arrivals: 2, departures: 0, pairs: [] });
  });

  it('does not pair vessels far apart', () => {
    const r = matchVessels([v(0, 0, 50)], [v(200, 0, 50)]);
    expect(r.arrivals).toBe(1);
    expect(r.departures).toBe(1);
  });
});
