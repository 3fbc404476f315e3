import { describe, expect, it } from 'vitest';
import { activityIndex, scoreZone } from './score.ts';

describe('scoreZone', () => {
  it('gives null counts, never zero, to a zone under half coverage', () => {
    const s = scoreZone({
      kind: 'berth',
      coverage: 0.3,
      vessels: { count: 0, areaM2: 0 },
      turnover: { arrivals: 0, departures: 0 },
      changeFraction: 0,
    });
    expect(s.vesselCount).toBeNull();
    expect(s.arrivals).toBeNull();
    expect(s.changeFraction).toBeNull();
    expect(s.activity).toBeNull();
    expect(s.coverage).toBe(0.3);
  });

  it('leaves rail fields null on a berth and vessel fields null on a rail zone', () => {
    const berth = scoreZone({ kind: 'berth', coverage: 1, vessels: { count: 2, areaM2: 3000 }, changeFraction: null });
    expect(berth).toMatchObject({ vesselCount: 2, vesselAreaM2: 3000, railCarCount: null, railOccupancy: null });
    expect(berth.arrivals).toBeNull();
    const rail = scoreZone({ kind: 'rail', coverage: 1, rail: { cars: 12, occupancy: 0.4 }, changeFraction: 0.05 });
    expect(rail).toMatchObject({ vesselCount: null, railCarCount: 12, railOccupancy: 0.4, changeFraction: 0.05 });
  });

  it('scores an ignore zone with coverage only', () => {
    const s = scoreZone({ kind: 'ignore', coverage: 1, changeFraction: 0.5 });
    expect(s.activity).toBeNull();
    expect(s.changeFraction).toBeNull();
  });
});

describe('activityIndex', () => {
  it('rises with vessels, turnover and change, and stays within 0..100', () => {
    const base = activityIndex('berth', { count: 1 }, { arrivals: 0, departures: 0 }, null, 0)!;
    const more = activityIndex('berth', { count: 4 }, { arrivals: 0, departures: 0 }, null, 0)!;
    const busy = activityIndex('berth', { count: 4 }, { arrivals: 3, departures: 2 }, null, 0.3)!;
    expect(more).toBeGreaterThan(base);
    expect(busy).toBeGreaterThan(more);
    expect(busy).toBeLessThanOrEqual(100);
    expect(activityIndex('berth', { count: 0 }, { arrivals: 0, departures: 0 }, null, 0)).toBe(0);
  });

  it('uses only the terms a first image has', () => {
    expect(activityIndex('rail', null, null, { occupancy: 0.5 }, null)).toBe(50);
  });
});
