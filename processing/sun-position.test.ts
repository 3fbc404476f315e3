import { describe, expect, it } from 'vitest';
import { shadowPerMetre, sunAtCapture, sunPosition } from './sun-position.ts';

describe('sunPosition', () => {
  it('puts the solstice noon sun due south at 90° − latitude ± the tilt', () => {
    // Local solar noon at 130° E is 12:00 − 130/15 h = 03:20 UTC.
    const summer = sunPosition('2025-06-21T03:20:00Z', 42.25, 130);
    expect(summer.azimuthDeg).toBeCloseTo(180, 0);
    expect(summer.elevationDeg).toBeCloseTo(90 - 42.25 + 23.44, 0);
    const winter = sunPosition('2025-12-21T03:20:00Z', 42.25, 130);
    expect(winter.elevationDeg).toBeCloseTo(90 - 42.25 - 23.44, 0);
  });

  it('has the morning sun in the south-east and the afternoon sun in the south-west', () => {
    const morning = sunPosition('2025-03-20T01:30:00Z', 42.25, 130.25); // ~10:10 local solar
    expect(morning.azimuthDeg).toBeGreaterThan(120);
    expect(morning.azimuthDeg).toBeLessThan(170);
    const afternoon = sunPosition('2025-03-20T06:00:00Z', 42.25, 130.25); // ~14:40 local solar
    expect(afternoon.azimuthDeg).toBeGreaterThan(190);
    expect(afternoon.azimuthDeg).toBeLessThan(250);
  });
});

describe('shadowPerMetre', () => {
  it('points away from the sun, 1/tan(elevation) long, in east and south metres', () => {
    const s = shadowPerMetre({ azimuthDeg: 135, elevationDeg: 45 })!;
    // Sun in the south-east: shadow to the north-west (west is −x, north is −y).
    expect(s.x).toBeCloseTo(-Math.SQRT1_2, 6);
    expect(s.y).toBeCloseTo(-Math.SQRT1_2, 6);
    expect(shadowPerMetre({ azimuthDeg: 180, elevationDeg: 1 })).toBeNull();
  });
});

describe('sunAtCapture', () => {
  it('puts a date without a time at about 10:30 local solar time, east and west alike', () => {
    for (const lon of [130.25, 0, -122.4]) {
      const s = sunAtCapture('2025-03-20T00:00:00Z', 37, lon);
      expect(s.elevationDeg).toBeGreaterThan(35);
      expect(s.azimuthDeg).toBeGreaterThan(120);
      expect(s.azimuthDeg).toBeLessThan(170);
    }
    // A real time is kept.
    expect(sunAtCapture('2025-03-20T06:00:00Z', 42.25, 130.25)).toEqual(
      sunPosition('2025-03-20T06:00:00Z', 42.25, 130.25),
    );
  });
});
