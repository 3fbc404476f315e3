/** Connected-component labelling of a 0/1 mask, with per-component area, box and second moments. */
import { ProcessingError } from './errors.ts';

/** One component. Moments are sums over its pixels' centres (x, y in pixels of the mask). */
export interface Component {
  label: number;
  area: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  sumX: number;
  sumY: number;
  sumXX: number;
  sumYY: number;
  sumXY: number;
}

/** Growable Int32 storage: run counts are unknown until the scan ends. */
function grow(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Union-find root with path halving. */
function find(parent: Int32Array, i: number): number {
  while (parent[i]! !== i) {
    const g = parent[parent[i]!]!;
    parent[i] = g;
    i = g;
  }
  return i;
}

/**
 * The foreground of a mask as horizontal runs: run r covers [start[r], end[r]) of row row[r] and
 * belongs to component label[r] (components[label − 1]). Runs are in raster order.
 */
export interface ComponentRuns {
  components: Component[];
  count: number;
  start: Int32Array;
  end: Int32Array;
  row: Int32Array;
  label: Int32Array;
}

/**
 * Labels the foreground (non-zero) pixels of `mask`; components[k] has label k+1, 0 is background.
 * Run-based (after He, Chao & Suzuki 2008): each row is split into runs, a run joins the runs of
 * the row above it touches, and a union-find merges them. Moments are added per run in closed
 * form, so the cost per foreground pixel is one byte test and one label write (`fill`).
 * Labels are numbered in raster order of each component's first pixel. With `tiles` (where the mask
 * may be non-zero, e.g. a change mask's MaskPlane.tiles) only those are scanned: the labels are the same.
 */
export function labelComponents(
  mask: Uint8Array,
  width: number,
  height: number,
  opts: { connectivity?: 4 | 8; into?: LabelPlane; tiles?: MaskTiles | null } = {},
): { labels: Int32Array; components: Component[] } {
  const runs = componentRuns(mask, width, height, {
    ...(opts.connectivity ? { connectivity: opts.connectivity } : {}),
    ...(opts.tiles ? { tiles: opts.tiles } : {}),
  });
  const { components, count, start, end, row, label } = runs;
  const labels = opts.into ? opts.into.take(width, height) : new Int32Array(width * height);
  for (let r = 0; r < count; r++) labels.fill(label[r]!, row[r]! * width + start[r]!, row[r]! * width + end[r]!);
  opts.into?.wrote(runs);
  return { labels, components };
}

/** Zeroes the runs' pixels of a plane `width` wide: what a kept output plane's last writer set. */
export function clearRuns(plane: Uint8Array | Int32Array, runs: ComponentRuns, width: number): void {
  for (let r = 0; r < runs.count; r++)
    plane.fill(0, runs.row[r]! * width + runs.start[r]!, runs.row[r]! * width + runs.end[r]!);
}

/**
 * A label plane kept from one labelComponents call to the next (`into`): a fresh one is 4 bytes a
 * pixel to allocate, page-fault and collect (67 MB and ~17 ms at 4096², where labelling the runs
 * takes 3), whereas clearing what the last call wrote costs in proportion to its foreground. The
 * labels a call returns are valid, and must be left as they are (read only), until the next call
 * with the same plane.
 */
export class LabelPlane {
  private plane = new Int32Array(0);
  /** The width of the mask the plane was last taken for, and the runs labelled into it since. */
  private width = 0;
  private runs: ComponentRuns | null = null;

  /** The plane for a width × height mask, all zero. */
  take(width: number, height: number): Int32Array {
    const n = width * height;
    const runs = this.runs;
    this.runs = null;
    if (this.plane.length < n) this.plane = new Int32Array(n);
    else if (runs) clearRuns(this.plane, runs, this.width);
    this.width = width;
    return this.plane.subarray(0, n);
  }

  /** Records the runs labelled into the plane last taken, for the next `take` to clear. */
  wrote(runs: ComponentRuns): void {
    this.runs = runs;
  }
}

/** Clears the 8-connected blobs of `mask` smaller than `minArea` px, in place; false if none is left. */
export function keepLarge(mask: Uint8Array, width: number, height: number, minArea: number): boolean {
  const { labels, components } = labelComponents(mask, width, height, { connectivity: 8 });
  const large = new Uint8Array(components.length + 1);
  let any = false;
  for (const c of components) {
    if (c.area < minArea) continue;
    large[c.label] = 1;
    any = true;
  }
  for (let i = 0; i < mask.length; i++) mask[i] = large[labels[i]!]!;
  return any;
}

/**
 * Sets, in place, the 4-connected holes of `mask` up to `maxArea` pixels that do not touch its edge
 * and (given `within`) lie wholly where `within` is set; returns whether it set any.
 */
export function fillHoles(
  mask: Uint8Array,
  width: number,
  height: number,
  maxArea: number,
  within?: Uint8Array,
): boolean {
  const n = mask.length;
  const inv = new Uint8Array(n);
  for (let i = 0; i < n; i++) inv[i] = mask[i] ? 0 : 1;
  const holes = labelComponents(inv, width, height, { connectivity: 4 });
  const fill = new Uint8Array(holes.components.length + 1);
  for (const c of holes.components) {
    const interior = c.minX > 0 && c.minY > 0 && c.maxX < width - 1 && c.maxY < height - 1;
    fill[c.label] = interior && c.area <= maxArea ? 1 : 0;
  }
  if (within) for (let i = 0; i < n; i++) if (inv[i] && !within[i]) fill[holes.labels[i]!] = 0;
  let any = false;
  for (let i = 0; i < n; i++) {
    if (!fill[holes.labels[i]!]) continue;
    mask[i] = 1;
    any = true;
  }
  return any;
}

/**
 * Where a mask may be non-zero: tiles of `size`² px (flag index ty · ⌈width / size⌉ + tx), zero
 * everywhere outside the flagged ones. componentRuns then reads only the flagged tiles.
 */
export interface MaskTiles {
  size: number;
  flags: Uint8Array;
}

/**
 * labelComponents without the label plane (4 bytes a pixel to allocate and fill): the components
 * and the runs that make them up, for callers that visit each component's pixels once.
 */
export function componentRuns(
  mask: Uint8Array,
  width: number,
  height: number,
  opts: { connectivity?: 4 | 8; tiles?: MaskTiles } = {},
): ComponentRuns {
  const connectivity = opts.connectivity ?? 8;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new RangeError(`mask size must be non-negative integers (got ${width}×${height})`);
  }
  if (mask.length !== width * height) {
    throw new ProcessingError(
      'bad_bands',
      `mask has ${mask.length} pixels; expected ${width}×${height} = ${width * height}`,
      'mask',
    );
  }
  // 8-connectivity: a run [s, e) touches a run above if they overlap once widened by one pixel.
  const reach = connectivity === 8 ? 1 : 0;
  let runStart = new Int32Array(1024);
  let runEnd = new Int32Array(1024);
  let runRow = new Int32Array(1024);
  let parent = new Int32Array(1024);
  let nRuns = 0;
  let prevFirst = 0; // runs of the previous row: [prevFirst, prevLast)
  let prevLast = 0;
  // Background is skipped four bytes at a time where the mask's buffer allows an aligned view:
  // most of a change or detection mask is empty.
  const words = mask.byteOffset % 4 === 0 ? new Uint32Array(mask.buffer, mask.byteOffset, mask.length >> 2) : null;
  // The stretches of each row to scan: the whole row, or the runs of flagged tiles of its tile row.
  const tiles = opts.tiles;
  const tilesX = tiles ? Math.ceil(width / tiles.size) : 0;
  let spans = new Int32Array(2);
  let nSpans = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const rowFirst = nRuns;
    let p = prevFirst; // scan pointer over the previous row's runs (both lists are sorted)
    if (!tiles) {
      spans[0] = 0;
      spans[1] = width;
      nSpans = 1;
    } else if (y % tiles.size === 0) {
      nSpans = 0;
      const flags = tiles.flags;
      const o = (y / tiles.size) * tilesX;
      for (let tx = 0; tx < tilesX; tx++) {
        if (flags[o + tx] === 0) continue;
        const x0 = tx * tiles.size;
        while (tx + 1 < tilesX && flags[o + tx + 1] !== 0) tx++;
        if (2 * nSpans + 2 > spans.length) spans = grow(spans, 2 * nSpans + 2);
        spans[2 * nSpans] = x0;
        spans[2 * nSpans + 1] = Math.min(width, (tx + 1) * tiles.size);
        nSpans++;
      }
    }
    for (let g = 0; g < nSpans; g++) {
      let x = spans[2 * g]!;
      const xEnd = spans[2 * g + 1]!;
      while (x < xEnd) {
        if (words) {
          // Bytes up to a word boundary, then whole zero words, then the bytes of the last word.
          while (x < xEnd && (row + x) & 3 && mask[row + x] === 0) x++;
          if (x < xEnd && mask[row + x] === 0) {
            let k = (row + x) >> 2;
            const lastWord = (row + xEnd) >> 2; // words wholly inside the stretch end before this one
            // Eight words a test: a change mask is mostly empty, and the loop overhead is the cost.
            while (
              k + 7 < lastWord &&
              (words[k]! |
                words[k + 1]! |
                words[k + 2]! |
                words[k + 3]! |
                words[k + 4]! |
                words[k + 5]! |
                words[k + 6]! |
                words[k + 7]!) ===
                0
            )
              k += 8;
            while (k < lastWord && words[k] === 0) k++;
            x = (k << 2) - row;
          }
        }
        while (x < xEnd && mask[row + x] === 0) x++;
        if (x >= xEnd) break;
        const s = x;
        while (x < xEnd && mask[row + x] !== 0) x++;
        const e = x;
        if (nRuns === runStart.length) {
          runStart = grow(runStart, nRuns + 1);
          runEnd = grow(runEnd, nRuns + 1);
          runRow = grow(runRow, nRuns + 1);
          parent = grow(parent, nRuns + 1);
        }
        const r = nRuns++;
        runStart[r] = s;
        runEnd[r] = e;
        runRow[r] = y;
        parent[r] = r;
        // Skip runs above that end before this one can reach them.
        while (p < prevLast && runEnd[p]! + reach <= s) p++;
        let q = p;
        while (q < prevLast && runStart[q]! < e + reach) {
          const a = find(parent, r);
          const b = find(parent, q);
          // Keep the older root so labels follow the raster order of first pixels.
          if (a < b) parent[b] = a;
          else if (b < a) parent[a] = b;
          q++;
        }
        // The last run above may also touch the next run of this row: do not advance past it.
        if (q > p) p = q - 1;
      }
    }
    prevFirst = rowFirst;
    prevLast = nRuns;
  }

  // Resolve roots to consecutive labels; accumulate per-run closed-form sums.
  const runLabel = new Int32Array(nRuns);
  const components: Component[] = [];
  for (let r = 0; r < nRuns; r++) {
    const root = find(parent, r);
    let c: Component;
    if (root === r) {
      c = emptyComponent(components.length + 1, width, height);
      components.push(c);
      runLabel[r] = c.label;
    } else {
      runLabel[r] = runLabel[root]!;
      c = components[runLabel[r]! - 1]!;
    }
    const s = runStart[r]!;
    const e = runEnd[r]!;
    const y = runRow[r]!;
    const n = e - s;
    // Σx over s..e-1 and Σx² in closed form.
    const sx = (n * (s + e - 1)) / 2;
    const a = e - 1;
    const sxx = (a * (a + 1) * (2 * a + 1)) / 6 - ((s - 1) * s * (2 * s - 1)) / 6;
    c.area += n;
    if (s < c.minX) c.minX = s;
    if (e - 1 > c.maxX) c.maxX = e - 1;
    if (y < c.minY) c.minY = y;
    if (y > c.maxY) c.maxY = y;
    c.sumX += sx;
    c.sumY += n * y;
    c.sumXX += sxx;
    c.sumYY += n * y * y;
    c.sumXY += y * sx;
  }
  return { components, count: nRuns, start: runStart, end: runEnd, row: runRow, label: runLabel };
}

/** A component with no pixels yet; its minima start at `minX`, `minY` (the raster's size keeps them integers). */
function emptyComponent(label: number, minX: number, minY: number): Component {
  return { label, area: 0, minX, minY, maxX: -1, maxY: -1, sumX: 0, sumY: 0, sumXX: 0, sumYY: 0, sumXY: 0 };
}

/** The moments of `pixels` (indices into a raster `width` wide) as one `Component` (label 0), for `componentShape`. */
export function componentOfPixels(pixels: readonly number[], width: number): Component {
  const c = emptyComponent(0, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  for (const p of pixels) {
    const x = p % width;
    const y = Math.floor(p / width);
    c.area++;
    c.minX = Math.min(c.minX, x);
    c.minY = Math.min(c.minY, y);
    c.maxX = Math.max(c.maxX, x);
    c.maxY = Math.max(c.maxY, y);
    c.sumX += x;
    c.sumY += y;
    c.sumXX += x * x;
    c.sumYY += y * y;
    c.sumXY += x * y;
  }
  return c;
}

/** Centroid, and orientation of the long axis (radians from +x towards +y) and axis std-devs, from a component's moments. */
export function componentShape(c: Component): { cx: number; cy: number; angle: number; major: number; minor: number } {
  const cx = c.sumX / c.area;
  const cy = c.sumY / c.area;
  // Central moments; +1/12 per axis accounts for each pixel being a unit square, not a point.
  const mxx = c.sumXX / c.area - cx * cx + 1 / 12;
  const myy = c.sumYY / c.area - cy * cy + 1 / 12;
  const mxy = c.sumXY / c.area - cx * cy;
  const angle = 0.5 * Math.atan2(2 * mxy, mxx - myy);
  const common = Math.sqrt(((mxx - myy) / 2) ** 2 + mxy * mxy);
  const major = Math.sqrt(Math.max(0, (mxx + myy) / 2 + common));
  const minor = Math.sqrt(Math.max(0, (mxx + myy) / 2 - common));
  return { cx, cy, angle, major, minor };
}

/** The 4-neighbours of pixel p on a grid `width` wide and `n` pixels in all; -1 where one falls off the grid. */
export function fourNeighbours(p: number, width: number, n: number): [number, number, number, number] {
  const x = p % width;
  return [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, p >= width ? p - width : -1, p + width < n ? p + width : -1];
}
