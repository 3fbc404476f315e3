/**
 * Hysteresis levels of the box-averaged change distance, computed only where they can be non-zero.
 * The distance of a monitored scene is zero almost everywhere, so the image is cut into tiles, each
 * carrying the sum of its distances: a tile whose neighbourhood sums to less than the low level
 * times the smallest window cannot hold a pixel above it, and is skipped without reading a pixel.
 * The same test on sums that bound the distances from above tells, before they are computed,
 * which distances will be read at all (NeededTiles).
 */
import { readFileSync } from 'node:fs';

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
 * Sums are separable running sums restarted in each tile, of floats in doubles: exact while the
 * non-zero distances a tile's sums pass stay within 2^23 of each other in scale, so a pixel's level
 * does not depend on the tiling but at such extremes (and then by one rounding of a double).
 * `level`, if given, must be zero: only the active tiles (`active`, from activeTiles) are written.
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
  level: Uint8Array = new Uint8Array(w * h),
  active: Uint8Array = activeTiles(tiles, w, h, r, low),
): Uint8Array {
  if (!kernelLevels(dist, tiles, validA, validB, w, h, r, low, high, level, active)) {
    levelTiles(dist, validA, validB, w, h, r, low, high, tiles.tilesX, active, level, false);
  }
  return level;
}

interface LevelsKernel {
  memory: WebAssembly.Memory;
  levels(
    dist: number,
    w: number,
    h: number,
    r: number,
    low: number,
    high: number,
    tilesX: number,
    tilesY: number,
    active: number,
    level: number,
    rows: number,
    col: number,
    list: number,
  ): number;
}

/**
 * levelTile's loops in WebAssembly (levels.wat), for the distance and level planes that live in its
 * memory (levelPlanes): the same sums in the same order, so the same levels. Each thread (pool
 * worker) instantiates its own module.
 */
const kernel = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL('./levels.wasm', import.meta.url))))
  .exports as unknown as LevelsKernel;

const align16 = (bytes: number) => (bytes + 15) & ~15;

/** Bytes of the kernel's memory past the planes of n pixels: column and row sums, tile flags, the list. */
const scratchBytes = (n: number, r: number) =>
  16 * LEVEL_TILE * 8 + (LEVEL_TILE + 2 * r) * LEVEL_TILE * 8 + align16(Math.ceil(n / LEVEL_TILE)) + 4 * n;

/**
 * The bytes the last call may have left non-zero: its scratch, or everything while its planes are
 * out (a call that threw never hands them back; calls do not nest, so the next one takes them over).
 */
let dirtyFrom = 0;
let dirtyTo = 0;

/**
 * A zeroed distance plane (float) and level plane (byte) of n pixels in the levels kernel's memory,
 * for hysteresisLevels to read and write where they are, uncopied; null where the memory cannot
 * hold them, and the caller allocates its own. Views stay valid until the next levelPlanes call
 * (one call's planes at a time). The caller hands them back zeroed (releaseLevelPlanes), as change.ts
 * does with its tiles: only what it wrote is cleared, so a call costs in proportion to its change.
 */
export function levelPlanes(n: number, r: number): { dist: Float32Array; level: Uint8Array } | null {
  if (!Number.isInteger(r) || r < 0) return null;
  const planes = 5 * n;
  const need = align16(planes) + scratchBytes(n, r);
  const have = kernel.memory.buffer.byteLength;
  if (need > have) {
    try {
      kernel.memory.grow(Math.ceil((need - have) / 65536));
    } catch {
      return null;
    }
  }
  // The planes are zero but where scratch (or planes never handed back) lay before.
  if (dirtyFrom < Math.min(dirtyTo, planes)) {
    new Uint8Array(kernel.memory.buffer, dirtyFrom, Math.min(dirtyTo, planes) - dirtyFrom).fill(0);
  }
  // Until handed back, all of it may be written.
  dirtyFrom = 0;
  dirtyTo = kernel.memory.buffer.byteLength;
  return { dist: new Float32Array(kernel.memory.buffer, 0, n), level: new Uint8Array(kernel.memory.buffer, 4 * n, n) };
}

/** Hands levelPlanes' planes back, zeroed by the caller. */
export function releaseLevelPlanes(n: number): void {
  dirtyFrom = align16(5 * n);
  dirtyTo = kernel.memory.buffer.byteLength;
}

/** Whether `dist` and `level` are the planes of n pixels levelPlanes handed out (and still valid). */
export function inKernel(dist: Float32Array, level: Uint8Array, n: number): boolean {
  const buffer = kernel.memory.buffer;
  return (
    dist.buffer === buffer &&
    level.buffer === buffer &&
    dist.byteOffset === 0 &&
    level.byteOffset === 4 * n &&
    dist.length === n &&
    level.length === n
  );
}

/** hysteresisLevels in the kernel, when `dist` and `level` are levelPlanes' planes; false if not (nothing done). */
function kernelLevels(
  dist: Float32Array,
  tiles: TileSums,
  validA: Uint8Array,
  validB: Uint8Array,
  w: number,
  h: number,
  r: number,
  low: number,
  high: number,
  level: Uint8Array,
  active: Uint8Array,
): boolean {
  const n = w * h;
  const buffer = kernel.memory.buffer;
  if (!(low >= 0) || !Number.isInteger(r) || r < 0 || !inKernel(dist, level, n)) return false;
  const { tilesX, tilesY } = tiles;
  const col = align16(5 * n);
  const rows = col + 16 * LEVEL_TILE * 8;
  const flags = rows + (LEVEL_TILE + 2 * r) * LEVEL_TILE * 8;
  const list = flags + align16(active.length);
  if (list + 4 * n > buffer.byteLength) return false;
  new Uint8Array(buffer, flags, active.length).set(active);
  const k = kernel.levels(0, w, h, r, low, high, tilesX, tilesY, flags, 4 * n, rows, col, list);
  // Validity is read only where a level was written.
  const written = new Int32Array(buffer, list, k);
  for (let j = 0; j < k; j++) {
    const i = written[j]!;
    if ((validA[i]! & validB[i]!) === 0) level[i] = 0;
  }
  // Tiles near a distance that is not finite are summed afresh here.
  levelTiles(dist, validA, validB, w, h, r, low, high, tilesX, active, level, true);
  return true;
}

/**
 * levelTile over the active tiles (flags from activeTiles), in order; with `notFiniteOnly`, only those
 * near a distance that is not finite (the kernel sums the rest).
 */
function levelTiles(
  dist: Float32Array,
  validA: Uint8Array,
  validB: Uint8Array,
  w: number,
  h: number,
  r: number,
  low: number,
  high: number,
  tilesX: number,
  active: Uint8Array,
  level: Uint8Array,
  notFiniteOnly: boolean,
): void {
  let rowSums: Float64Array | null = null;
  const colSums = new Float64Array(LEVEL_TILE);
  for (let t = 0; t < active.length; t++) {
    const a = active[t];
    if (!a || (notFiniteOnly && a !== NOT_FINITE)) continue;
    rowSums ??= new Float64Array((LEVEL_TILE + 2 * r) * LEVEL_TILE);
    const tx = t % tilesX;
    const ty = (t - tx) / tilesX;
    const afresh = a === NOT_FINITE;
    levelTile(
      dist,
      validA,
      validB,
      w,
      h,
      r,
      low,
      high,
      tx * LEVEL_TILE,
      ty * LEVEL_TILE,
      afresh,
      rowSums,
      colSums,
      level,
    );
  }
}

/**
 * An active tile whose neighbourhood holds a distance that is not finite: a running sum would carry
 * it past the windows that hold it, so each window is summed afresh there.
 */
const NOT_FINITE = 2;

/** How many tiles a window of radius r reaches beyond its own. */
const tileReach = (r: number) => Math.ceil(r / LEVEL_TILE);

/**
 * Non-zero for each tile where a (2r+1)² window mean may exceed `low` (NOT_FINITE where the sums are
 * not finite), from the tile sums alone: a mean over a window can exceed `low` only if the window's
 * sum exceeds `low` times its size, so a tile is quiet when its neighbourhood sums to no more than
 * that for its smallest window (the full (2r+1)² away from the edges; a corner window near them).
 * Sums that bound the true ones from above give a superset of the true active tiles.
 */
export function activeTiles(tiles: TileSums, w: number, h: number, r: number, low: number): Uint8Array {
  const active = new Uint8Array(tiles.tilesX * tiles.tilesY);
  markActive(tiles, h, r, low, 0, tiles.tilesY, active, windowWidths(tiles.tilesX, w, r));
  return active;
}

/** A window of radius r around v, clipped to [0, n): how many pixels it spans. */
const span1 = (v: number, n: number, r: number) => Math.min(n - 1, v + r) - Math.max(0, v - r) + 1;

/** Each tile column's smallest window width (radius r, clipped by the image's edges), once for all the tile rows. */
function windowWidths(tilesX: number, w: number, r: number): Int32Array {
  const colsOf = new Int32Array(tilesX);
  for (let tx = 0; tx < tilesX; tx++) {
    const x0 = tx * LEVEL_TILE;
    colsOf[tx] = Math.min(span1(x0, w, r), span1(Math.min(w, x0 + LEVEL_TILE) - 1, w, r));
  }
  return colsOf;
}

/** activeTiles for tile rows [from, to) into `active` (`colsOf`: windowWidths). */
function markActive(
  tiles: TileSums,
  h: number,
  r: number,
  low: number,
  from: number,
  to: number,
  active: Uint8Array,
  colsOf: Int32Array,
): void {
  const { tilesX, tilesY, sums } = tiles;
  const reach = tileReach(r);
  // The margin keeps rounding of the tile sums from ever skipping a tile that reaches `low`.
  const skip = low * (1 - 1e-4);
  for (let ty = from; ty < to; ty++) {
    const y0 = ty * LEVEL_TILE;
    const rows = Math.min(span1(y0, h, r), span1(Math.min(h, y0 + LEVEL_TILE) - 1, h, r));
    // The 3×3 tiles around an inner tile (reach 1: radii up to a tile, as change.ts's), written out:
    // the same sums in the same order as the loops below (0 + s is s), so the same flags.
    const inner = reach === 1 && ty > 0 && ty + 1 < tilesY;
    for (let tx = 0; tx < tilesX; tx++) {
      let near = 0;
      if (inner && tx > 0 && tx + 1 < tilesX) {
        const u = (ty - 1) * tilesX + tx;
        const m = u + tilesX;
        const d = m + tilesX;
        near =
          near +
          sums[u - 1]! +
          sums[u]! +
          sums[u + 1]! +
          sums[m - 1]! +
          sums[m]! +
          sums[m + 1]! +
          sums[d - 1]! +
          sums[d]! +
          sums[d + 1]!;
      } else {
        for (let j = Math.max(0, ty - reach); j <= Math.min(tilesY - 1, ty + reach); j++) {
          for (let i = Math.max(0, tx - reach); i <= Math.min(tilesX - 1, tx + reach); i++)
            near += sums[j * tilesX + i]!;
        }
      }
      // Not a number (a NaN distance nearby) is not skipped: its windows are summed afresh.
      if (!(near <= skip * rows * colsOf[tx]!)) active[ty * tilesX + tx] = Number.isFinite(near) ? 1 : NOT_FINITE;
    }
  }
}

/**
 * The tiles whose distances may be read (`needed`: those within reach of an active tile, and at
 * least the adjacent ones, as the mask's outline reads each pixel's 3×3 neighbours; `margin` tiles
 * more for whatever else reads around them), from sums that bound the true tile sums from above.
 * Elsewhere the distances can stay unknown (zero) without changing a level: the true sums there
 * leave every tile quiet. Settled tile row by tile row as the bounding sums come in, so distances
 * can be computed while their rows are still in cache.
 */
export class NeededTiles {
  readonly needed: Uint8Array;
  private readonly active: Uint8Array;
  private activeRows = 0;
  /** windowWidths, for every advance (one a tile row: computed per call, they cost half of markActive). */
  private readonly colsOf: Int32Array;

  constructor(
    private readonly bound: TileSums,
    w: number,
    private readonly h: number,
    private readonly r: number,
    private readonly low: number,
    private readonly margin: number,
  ) {
    this.needed = new Uint8Array(bound.tilesX * bound.tilesY);
    this.active = new Uint8Array(bound.tilesX * bound.tilesY);
    this.colsOf = windowWidths(bound.tilesX, w, r);
  }

  /** Given the final bound sums of tile rows [0, summed), returns how many tile rows of `needed` are final. */
  advance(summed: number): number {
    const { tilesX, tilesY } = this.bound;
    const reach = tileReach(this.r);
    const spread = Math.max(1, reach) + this.margin;
    const settled = summed >= tilesY ? tilesY : Math.max(0, summed - reach);
    markActive(this.bound, this.h, this.r, this.low, this.activeRows, settled, this.active, this.colsOf);
    // One fill per row around each run of adjacent active tiles, not per active tile: the same
    // tiles (the union of the runs' tiles' spreads), in a fraction of the calls.
    for (let ty = this.activeRows; ty < settled; ty++) {
      for (let tx = 0; tx < tilesX; tx++) {
        if (!this.active[ty * tilesX + tx]) continue;
        const first = tx;
        while (tx + 1 < tilesX && this.active[ty * tilesX + tx + 1]) tx++;
        for (let j = Math.max(0, ty - spread); j <= Math.min(tilesY - 1, ty + spread); j++) {
          const row = j * tilesX;
          this.needed.fill(1, row + Math.max(0, first - spread), row + Math.min(tilesX - 1, tx + spread) + 1);
        }
      }
    }
    this.activeRows = settled;
    return settled >= tilesY ? tilesY : Math.max(0, settled - spread);
  }
}

/**
 * The levels of one tile. Window sums run along each row and down each column (~2× faster than
 * summing each window afresh), except with `afresh` — a tile near a distance that is not finite,
 * which a running sum would carry past the windows that hold it.
 */
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
  afresh: boolean,
  rowSums: Float64Array,
  colSums: Float64Array,
  level: Uint8Array,
): void {
  const x1 = Math.min(w, x0 + LEVEL_TILE);
  const y1 = Math.min(h, y0 + LEVEL_TILE);
  const tw = x1 - x0;
  const ya = Math.max(0, y0 - r);
  const yb = Math.min(h, y1 + r);
  // Horizontal window sums of every row the tile's windows reach.
  const xa0 = x0 > r ? x0 - r : 0;
  const xb0 = x0 + r < w ? x0 + r : w - 1;
  for (let y = ya; y < yb; y++) {
    const row = y * w;
    const o = (y - ya) * tw - x0;
    if (afresh) {
      for (let x = x0; x < x1; x++) {
        let s = 0;
        for (let k = row + (x > r ? x - r : 0); k <= row + (x + r < w ? x + r : w - 1); k++) s += dist[k]!;
        rowSums[o + x] = s;
      }
      continue;
    }
    let s = 0;
    for (let k = row + xa0; k <= row + xb0; k++) s += dist[k]!;
    rowSums[o + x0] = s;
    for (let x = x0 + 1; x < x1; x++) {
      if (x + r < w) s += dist[row + x + r]!;
      if (x > r) s -= dist[row + x - r - 1]!;
      rowSums[o + x] = s;
    }
  }
  // Vertical sums of those down each column of the tile.
  const col = colSums;
  col.fill(0, 0, tw);
  if (!afresh) {
    for (let y = ya; y <= Math.min(h - 1, y0 + r); y++) {
      const o = (y - ya) * tw;
      for (let x = 0; x < tw; x++) col[x]! += rowSums[o + x]!;
    }
  }
  for (let y = y0; y < y1; y++) {
    const wa = y > r ? y - r : 0;
    const wb = y + r < h ? y + r : h - 1;
    const rows = wb - wa + 1;
    if (afresh) {
      col.fill(0, 0, tw);
      for (let yy = wa; yy <= wb; yy++) {
        const o = (yy - ya) * tw;
        for (let x = 0; x < tw; x++) col[x]! += rowSums[o + x]!;
      }
    } else {
      if (y > y0 && y + r < h) {
        const add = (y + r - ya) * tw;
        for (let x = 0; x < tw; x++) col[x]! += rowSums[add + x]!;
      }
      if (y > y0 && y > r) {
        const drop = (y - r - 1 - ya) * tw;
        for (let x = 0; x < tw; x++) col[x]! -= rowSums[drop + x]!;
      }
    }
    const row = y * w;
    // `level` is zero: only pixels above `low` are written, and validity is read only for those
    // (most windows of an active tile stay under it: two planes fewer to pull into cache).
    for (let x = x0; x < x1; x++) {
      const s = col[x - x0]!;
      if (s === 0) continue;
      const v = levelOf(s, rows, x, w, r, low, high);
      if (v === 0) continue;
      const i = row + x;
      if ((validA[i]! & validB[i]!) !== 0) level[i] = v;
    }
  }
}

/** The level of a window summing to `s` over `rows` rows around column x (clipped at the edges). */
function levelOf(s: number, rows: number, x: number, w: number, r: number, low: number, high: number): number {
  const cols = (x + r < w ? x + r : w - 1) - (x > r ? x - r : 0) + 1;
  const v = Math.fround(s / (rows * cols));
  return (v > low ? 1 : 0) + (v > high ? 1 : 0);
}
