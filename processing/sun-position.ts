/**
 * Where the sun stands at an acquisition, and where shadows fall: objects cast them away from the sun,
 * 1/tan(elevation) metres long per metre of height. Accurate to about a degree (Cooper's declination,
 * no equation of time), which is ample for a shadow a few metres long.
 */

import type { Bounds } from '../contract/index.ts';

export interface SunPosition {
  /** Clockwise from north, degrees. */
  azimuthDeg: number;
  /** Above the horizon, degrees. */
  elevationDeg: number;
}

/** The sun at a UTC instant seen from (lat, lon) in degrees. */
export function sunPosition(acquiredAt: string | Date, latDeg: number, lonDeg: number): SunPosition {
  const t = new Date(acquiredAt);
  const dayOfYear = (t.getTime() - Date.UTC(t.getUTCFullYear(), 0, 0)) / 86_400_000;
  const decl = ((23.44 * Math.PI) / 180) * Math.sin((2 * Math.PI * (284 + dayOfYear)) / 365);
  const solarHours = t.getUTCHours() + t.getUTCMinutes() / 60 + t.getUTCSeconds() / 3600 + lonDeg / 15;
  const hourAngle = ((solarHours - 12) * 15 * Math.PI) / 180;
  const lat = (latDeg * Math.PI) / 180;
  const sinEl = Math.sin(lat) * Math.sin(decl) + Math.cos(lat) * Math.cos(decl) * Math.cos(hourAngle);
  const el = Math.asin(Math.max(-1, Math.min(1, sinEl)));
  const cosAz = (Math.sin(decl) - Math.sin(el) * Math.sin(lat)) / Math.max(1e-9, Math.cos(el) * Math.cos(lat));
  let az = (Math.acos(Math.max(-1, Math.min(1, cosAz))) * 180) / Math.PI;
  // Afternoon: the sun is west of the meridian.
  if (Math.sin(hourAngle) > 0) az = 360 - az;
  return { azimuthDeg: az, elevationDeg: (el * 180) / Math.PI };
}

/**
 * Ground offset of a shadow per metre of height, in metres east (x) and south (y), matching a north-up
 * grid's pixel axes. Null when the sun is below ~2° (no usable shadow direction or length).
 */
export function shadowPerMetre(sun: SunPosition): { x: number; y: number } | null {
  if (!(sun.elevationDeg > 2)) return null;
  const az = (sun.azimuthDeg * Math.PI) / 180;
  const len = 1 / Math.tan((sun.elevationDeg * Math.PI) / 180);
  // Away from the sun: the sun's direction is (sin az east, cos az north).
  return { x: -Math.sin(az) * len, y: Math.cos(az) * len };
}

/**
 * The sun at a capture. A time of exactly midnight UTC is taken for a date without a time (file names,
 * date-only metadata): most optical imaging satellites are sun-synchronous and pass at about 10:30 local
 * solar time, so that hour stands in rather than a sun that midnight would put wrongly or below the horizon.
 */
export function sunAtCapture(acquiredAt: string, latDeg: number, lonDeg: number): SunPosition {
  const t = new Date(acquiredAt);
  if (t.getTime() % 86_400_000 === 0) t.setTime(t.getTime() + (10.5 - lonDeg / 15) * 3_600_000);
  return sunPosition(t, latDeg, lonDeg);
}

/** The sun at a capture over the centre of `bounds`: a site is small enough for one sun. */
export function sunOverBounds(acquiredAt: string, [west, south, east, north]: Bounds): SunPosition {
  return sunAtCapture(acquiredAt, (south + north) / 2, (west + east) / 2);
}
