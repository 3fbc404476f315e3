/** Georeference of the synthetic scene: where it sits (Rajin) and how reference pixels map to lon/lat. */
import type { Bounds } from '../contract/index.ts';

export type Pt = readonly [number, number];

const SCENE_CENTRE: Pt = [130.25, 42.25];

/** Metres per degree of latitude and longitude at `lat` (WGS84 series, Snyder 1987). */
export function metresPerDegree(lat: number): { lat: number; lon: number } {
  const p = (lat * Math.PI) / 180;
  return {
    lat: 111132.92 - 559.82 * Math.cos(2 * p) + 1.175 * Math.cos(4 * p),
    lon: 111412.84 * Math.cos(p) - 93.5 * Math.cos(3 * p),
  };
}

/** Bounds of a width×height grid of 1 m pixels centred on SCENE_CENTRE, rounded to 1e-7° (~1 cm). */
export function sceneBounds(width: number, height: number): Bounds {
  const m = metresPerDegree(SCENE_CENTRE[1]);
  const r = (v: number) => Math.round(v * 1e7) / 1e7;
  const hw = width / 2 / m.lon;
  const hh = height / 2 / m.lat;
  return [r(SCENE_CENTRE[0] - hw), r(SCENE_CENTRE[1] - hh), r(SCENE_CENTRE[0] + hw), r(SCENE_CENTRE[1] + hh)];
}

/** Pixel (x, y) of the reference grid (edges at integers) to [lon, lat]. */
export function toLonLat(
  layout: { bounds: Bounds; width: number; height: number },
  x: number,
  y: number,
): [number, number] {
  const [w, s, e, n] = layout.bounds;
  const r = (v: number) => Math.round(v * 1e8) / 1e8;
  return [r(w + (x / layout.width) * (e - w)), r(n - (y / layout.height) * (n - s))];
}
