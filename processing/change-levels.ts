/**
 * Hysteresis levels of the box-averaged change distance, computed only where they can be non-zero.
 * The distance of a monitored scene is zero almost everywhere, so the image is cut into tiles, each
 * carrying the sum of its distances: a tile whose neighbourhood sums to less than the low level
 * times the smallest window cannot hold a pixel above it, and is skipped without reading a pixel.
 */

/** Tile side, px: large enough that the box radius stays inside the neighbouring tiles. */
export const LEVEL_TILE = 16;

/** Per-tile sums of `dist` (tile index: ty · tilesX + tx), accumulated while `dist` is written. */
export interface TileSums {
  tilesX: number;
  tilesY: number;
  sums: Float64Array;
}

export function tileSums(width: number, height: number): TileSums {
  const tilesX = Math.ceil(width / LEVEL_TILE);
  const tilesY = Math.ceil(height / LEVEL_TILE);
  return { tilesX, tilesY, sums: new Float64Array(tilesX * tilesY) };
}

/**
 * 0 below `low`, 1 above it, 2 above `high`, of the mean of `dist` over the (2r+1)² box around
 * each pixel (clipped at the edges, mean of the pixels inside); 0 where either validity mask is 0.
 * Sums are separable and summed in a fixed order per window, so a pixel's level does not depend
 * on the tiling.
 */
export function hysteresisLevels(
  dist: Float32Array,
  tiles: TileSums,
  validA: Uint8Array,
  validB: Uint8Array,
  w: number,
  h: number,
  r: number,
  low: number,
  high: number,
): Uint8Array {
  const level = new Uint8Array(w * h);
  const { tilesX, tilesY, sums } = tiles;
  const reach = Math.ceil(r / LEVEL_TILE);
  // Window sizes clipped by the image edges, per column and per row: a mean over a window can exceed
  // `low` only if the window's sum exceeds `low` times its size, so a tile is skipped when its
  // neighbourhood sums to no more than that for its smallest window (the full (2r+1)² away from
  // the edges; a corner window near them).
  const span1 = (v: number, n: number) => Math.min(n - 1, v + r) - Math.max(0, v - r) + 1;
  // The margin keeps rounding of the tile sums from ever skipping a tile that reaches `low`.
  const skip = low * (1 - 1e-4);
  const span = LEVEL_TILE + 2 * r;
  const rowSums = new Float64Array(span * LEVEL_TILE);
  for (let ty = 0; ty < tilesY; ty++) {
    const y0 = ty * LEVEL_TILE;
    const rows = Math.min(span1(y0, h), span1(Math.min(h, y0 + LEVEL_TILE) - 1, h));
    for (let tx = 0; tx < tilesX; tx++) {
      const x0 = tx * LEVEL_TILE;
      const cols = Math.min(span1(x0, w), span1(Math.min(w, x0 + LEVEL_TILE) - 1, w));
      let near = 0;
      for (let j = Math.max(0, ty - reach); j <= Math.min(tilesY - 1, ty + reach); j++) {
        for (let i = Math.max(0, tx - reach); i <= Math.min(tilesX - 1, tx + reach); i++) near += sums[j * tilesX + i]!;
      }
      if (near <= skip * rows * cols) continue;
      levelTile(dist, validA, validB, w, h, r, low, high, x0, y0, rowSums, level);
    }
  }
  return level;
}

function levelTile(
  dist: Float32Array,
  validA: Uint8Array,
  validB: Uint8Array,
  w: number,
  h: number,
  r: number,
  low: number,
  high: number,
  x0: number,
  y0: number,
  rowSums: Float64Array,
  level: Uint8Array,
): void {
  const x1 = Math.min(w, x0 + LEVEL_TILE);
  const y1 = Math.min(h, y0 + LEVEL_TILE);
  const tw = x1 - x0;
  const ya = Math.max(0, y0 - r);
  const yb = Math.min(h, y1 + r);
  // Horizontal window sums of every row the tile's windows reach.
  for (let y = ya; y < yb; y++) {
    const row = y * w;
    const o = (y - ya) * tw;
    for (let x = x0; x < x1; x++) {
      const xa = x > r ? x - r : 0;
      const xb = x + r < w ? x + r : w - 1;
      let s = 0;
      for (let k = row + xa; k <= row + xb; k++) s += dist[k]!;
      rowSums[o + x - x0] = s;
    }
  }
  for (let y = y0; y < y1; y++) {
    const wa = y > r ? y - r : 0;
    const wb = y + r < h ? y + r : h - 1;
    const rows = wb - wa + 1;
    const row = y * w;
    for (let x = x0; x < x1; x++) {
      const i = row + x;
      if ((validA[i]! & validB[i]!) === 0) continue;
      let s = 0;
      for (let yy = wa; yy <= wb; yy++) s += rowSums[(yy - ya) * tw + x - x0]!;
      if (s === 0) continue;
      const cols = (x + r < w ? x + r : w - 1) - (x > r ? x - r : 0) + 1;
      const v = Math.fround(s / (rows * cols));
      level[i] = (v > low ? 1 : 0) + (v > high ? 1 : 0);
    }
  }
}
