/** Web Mercator (EPSG:3857) XYZ tile geometry: tile pixel ↔ lon/lat, and the tile under a point. */

export const TILE_SIZE = 256;
/** Web Mercator's latitude limit (the square world). */
const MAX_LAT = 85.0511287798066;

/** Longitude of a global pixel x at zoom z. */
export function lonOf(px: number, z: number): number {
  return (px / (TILE_SIZE * 2 ** z)) * 360 - 180;
}

/** Latitude of a global pixel y at zoom z. */
export function latOf(py: number, z: number): number {
  const n = Math.PI * (1 - (2 * py) / (TILE_SIZE * 2 ** z));
  return (Math.atan(Math.sinh(n)) * 180) / Math.PI;
}

/** Tile column and row containing lon/lat at zoom z (clamped to the world). */
export function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const la = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (la * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [Math.min(n - 1, Math.max(0, x)), Math.min(n - 1, Math.max(0, y))];
}

/** The zoom at which one tile pixel is about `metres` wide at latitude `lat`. */
export function zoomForResolution(metres: number, lat: number): number {
  const equator = 40_075_016.686;
  return Math.log2((equator * Math.cos((lat * Math.PI) / 180)) / (TILE_SIZE * metres));
}
