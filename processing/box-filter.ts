/**
 * Box (moving-window) sums, masked means and square morphology in O(n), independent of the radius.
 *
 * Sums keep one exact arithmetic: each row's running sum is accumulated in doubles and stored as a
 * float (the row pass), then the window's rows are summed in doubles (the column pass) and stored as
 * a float. Only the row pass is stored, and only the 2r + 2 rows the column pass still needs (a ring
 * reused between calls), so a filter reads its input once and allocates only its output.
 */

import { kernelAddress, planesInKernel } from './kernel-memory.ts';
import { type MomentsKernel, momentsKernel } from './moments-kernel.ts';
import type { PlanePool } from './plane-pool.ts';
import { type Sums3Kernel, sums3Kernel } from './sums3-kernel.ts';

type Plane = Float32Array | Uint8Array;
/** Three bands (maskedBoxSums3's), and their masked sums with the mask's count. */
type Planes3 = [Float32Array, Float32Array, Float32Array];
interface Sums3 {
  sums: Planes3;
  count: Float32Array;
}

/** Scratch reused between calls (one module instance per thread, and no call re-enters another). */
let ringF32 = new Float32Array(0);
let colF64 = new Float64Array(0);

function scratchF32(n: number): Float32Array {
  if (ringF32.length < n) ringF32 = new Float32Array(n);
  return ringF32;
}
function scratchF64(n: number): Float64Array {
  if (colF64.length < n) colF64 = new Float64Array(n);
  colF64.fill(0, 0, n);
  return colF64;
}

/** Rows of the ring buffer a column pass of radius r over `height` rows needs. */
const ringRows = (height: number, r: number) => Math.min(height, 2 * r + 2);

/**
 * Running sum along row `y` of `src` (where `mask` is set, 0 elsewhere, with one) over [x − r, x + r]
 * into `dst` at `o`: accumulated in a double in the order x + r enters then x − r − 1 leaves, stored
 * as a float.
 */
function rowSum(
  src: Plane,
  mask: Uint8Array | null,
  width: number,
  y: number,
  r: number,
  dst: Float32Array,
  o: number,
): void {
  if (!mask) {
    runningSum(src, width, y * width, r, dst, o);
    return;
  }
  // The masked row as a float copy of it would hold, summed as that copy.
  if (maskedRow.length < width) maskedRow = new Float32Array(width);
  const row = y * width;
  for (let x = 0; x < width; x++) maskedRow[x] = mask[row + x] ? src[row + x]! : 0;
  runningSum(maskedRow, width, 0, r, dst, o);
}
let maskedRow = new Float32Array(0);

/** `rowSum`'s running sum over the `width` values of `src` from `row`. */
function runningSum(src: Plane, width: number, row: number, r: number, dst: Float32Array, o: number): void {
  let acc = 0;
  const head = Math.min(r, width);
  for (let x = 0; x < head; x++) acc += src[row + x]!;
  // Three spans so the interior loop carries no edge tests.
  const a = Math.min(width, r + 1);
  const b = Math.max(a, width - r);
  for (let x = 0; x < a; x++) {
    if (x + r < width) acc += src[row + x + r]!;
    dst[o + x] = acc;
  }
  for (let x = a; x < b; x++) {
    acc += src[row + x + r]!;
    acc -= src[row + x - r - 1]!;
    dst[o + x] = acc;
  }
  for (let x = b; x < width; x++) {
    if (x + r < width) acc += src[row + x + r]!;
    if (x - r - 1 >= 0) acc -= src[row + x - r - 1]!;
    dst[o + x] = acc;
  }
}

/**
 * Sum of `src` over the (2r+1)² window around each pixel, clipped at the edges; with `mask`, of the
 * pixels where it is set (the sum of a copy of `src` with 0 elsewhere, without the copy). Separable
 * running sums (a row pass, then a column pass), so the cost per pixel does not grow with r.
 */
export function boxSum(
  src: Plane,
  width: number,
  height: number,
  r: number,
  mask: Uint8Array | null = null,
  out: Float32Array = new Float32Array(width * height),
): Float32Array {
  if (width === 0 || height === 0) return out;
  const R = ringRows(height, r);
  const ring = scratchF32(R * width);
  const col = scratchF64(width);
  for (let y = 0; y < Math.min(r, height); y++) {
    const o = (y % R) * width;
    rowSum(src, mask, width, y, r, ring, o);
    for (let x = 0; x < width; x++) col[x]! += ring[o + x]!;
  }
  for (let y = 0; y < height; y++) {
    const add = y + r;
    const drop = y - r - 1;
    const row = y * width;
    if (add < height) {
      const oa = (add % R) * width;
      rowSum(src, mask, width, add, r, ring, oa);
      if (drop >= 0) {
        const od = (drop % R) * width;
        for (let x = 0; x < width; x++) {
          let a = col[x]!;
          a += ring[oa + x]!;
          a -= ring[od + x]!;
          col[x] = a;
          out[row + x] = a;
        }
      } else {
        for (let x = 0; x < width; x++) {
          const a = col[x]! + ring[oa + x]!;
          col[x] = a;
          out[row + x] = a;
        }
      }
    } else if (drop >= 0) {
      const od = (drop % R) * width;
      for (let x = 0; x < width; x++) {
        const a = col[x]! - ring[od + x]!;
        col[x] = a;
        out[row + x] = a;
      }
    } else {
      for (let x = 0; x < width; x++) out[row + x] = col[x]!;
    }
  }
  return out;
}

/**
 * Three band sums and a count plane of `n` floats (`maskedBoxSums3`'s result before its sweep): new
 * (zeros), or `pool`'s float slots `slot` to `slot + 3` as they are (the sweep writes every pixel).
 */
function sums3Planes(n: number, pool: PlanePool | null = null, slot = 0): Sums3 {
  if (pool) {
    return {
      sums: [pool.floatsAsIs(slot, n), pool.floatsAsIs(slot + 1, n), pool.floatsAsIs(slot + 2, n)],
      count: pool.floatsAsIs(slot + 3, n),
    };
  }
  return { sums: [new Float32Array(n), new Float32Array(n), new Float32Array(n)], count: new Float32Array(n) };
}

/**
 * `boxSum(band, …, r, mask)` of three bands and `boxSum(mask, …, r)` (the count), in one sweep: the
 * mask is read once per row for all four, and the column pass adds and drops the four ring rows in
 * one loop. Each sum keeps `boxSum`'s arithmetic (row sums in doubles stored as floats, column sums
 * in doubles stored as floats, in the same order), so the four planes are its values bit for bit.
 * With `pool`, the four planes are its float slots `slot` to `slot + 3` (valid until those are asked
 * for again): a caller whose sums never leave it (waterContrast) spares the collector four planes a call.
 */
export function maskedBoxSums3(
  bands: Planes3,
  mask: Uint8Array,
  width: number,
  height: number,
  r: number,
  pool: PlanePool | null = null,
  slot = 0,
): Sums3 {
  return sweepSums3(bands, mask, width, height, r, pool, slot, false, null);
}

/** Whether `maskedBoxSums3` runs in WebAssembly (sums3-kernel.ts); off only to test it against the JavaScript. */
let sums3InWasm = true;

/** Runs `maskedBoxSums3` in WebAssembly or in JavaScript (for tests: both give the same bits). */
export function setSums3InWasm(on: boolean): void {
  sums3InWasm = on;
}

/** Fewest masked pixels in a window for its own mean (`meanOfSums`). */
const MEAN_MIN_COUNT = 8;

/**
 * Box sums over their counts, in place: the mean where the window holds `MEAN_MIN_COUNT` masked pixels
 * or more, else `fallback`'s value if given, else the mean of what there is (NaN for none).
 */
export function meanOfSums(s: Float32Array, count: Float32Array, fallback: Float32Array | null): Float32Array {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = count[i]!;
    s[i] = c >= MEAN_MIN_COUNT ? s[i]! / c : fallback ? fallback[i]! : c > 0 ? s[i]! / c : Number.NaN;
  }
  return s;
}

/**
 * `maskedBoxSums3` with each band's sums taken to its masked means (`meanOfSums`, with `fallback`'s
 * band where given), in place: the means in `sums`. In WebAssembly where the planes (and the fallback's)
 * lie in the kernel memory, the means are taken in the column step, as each row's sums are stored.
 */
export function maskedBoxMeans3(
  bands: Planes3,
  mask: Uint8Array,
  width: number,
  height: number,
  r: number,
  fallback: Planes3 | null,
  pool: PlanePool | null = null,
  slot = 0,
): { means: Planes3; count: Float32Array } {
  const { sums, count } = sweepSums3(bands, mask, width, height, r, pool, slot, true, fallback);
  return { means: sums, count };
}

/**
 * `maskedBoxSums3`'s sweep, in WebAssembly or in JavaScript; with `means`, its bands' sums then taken to
 * their means (`maskedBoxMeans3`): in the column step where every plane, the fallback's too, lies in the
 * kernel memory, else afterwards.
 */
function sweepSums3(
  bands: Planes3,
  mask: Uint8Array,
  width: number,
  height: number,
  r: number,
  pool: PlanePool | null,
  slot: number,
  means: boolean,
  fallback: Planes3 | null,
): Sums3 {
  const out = sums3Planes(width * height, pool, slot);
  if (width === 0 || height === 0) return out;
  let swept = false;
  let meansTaken = false;
  if (sums3InWasm) {
    const sumsAt = planesInKernel(out.sums);
    const countAt = kernelAddress(out.count);
    const direct = sumsAt && countAt >= 0 ? [...sumsAt, countAt] : null;
    const fallbackAt = fallback ? planesInKernel(fallback) : [-1, -1, -1];
    const inStep = means && direct !== null && fallbackAt !== null;
    swept = maskedBoxSums3Wasm(bands, mask, width, height, r, out, direct, inStep ? fallbackAt : null);
    meansTaken = swept && inStep;
  }
  // Where the kernel memory cannot hold its scratch, the sweep in JavaScript (the same bits).
  if (!swept) maskedBoxSums3Js(bands, mask, width, height, r, out);
  if (means && !meansTaken) for (let b = 0; b < 3; b++) meanOfSums(out.sums[b]!, out.count, fallback?.[b] ?? null);
  return out;
}

/** `maskedBoxSums3`' sweep in JavaScript (the reference the WebAssembly's is tested against), into `out`. */
function maskedBoxSums3Js(
  bands: Planes3,
  mask: Uint8Array,
  width: number,
  height: number,
  r: number,
  out: Sums3,
): void {
  const R = ringRows(height, r);
  const rw = R * width;
  if (ring4.length < 4 * rw) ring4 = new Float32Array(4 * rw);
  const rings: Rings4 = {
    r0: ring4.subarray(0, rw),
    r1: ring4.subarray(rw, 2 * rw),
    r2: ring4.subarray(2 * rw, 3 * rw),
    rc: ring4.subarray(3 * rw, 4 * rw),
  };
  if (col4.length < 4 * width) col4 = new Float64Array(4 * width);
  col4.fill(0, 0, 4 * width);
  if (rows4.length < 3 * width) rows4 = new Float32Array(3 * width);
  for (let y = 0; y < Math.min(r, height); y++) {
    rowSums4(bands, mask, width, y, r, rings, (y % R) * width);
    columnStep4(rings, (y % R) * width, -1, width, null, 0);
  }
  for (let y = 0; y < height; y++) {
    const add = y + r;
    const drop = y - r - 1;
    let oa = -1;
    if (add < height) {
      oa = (add % R) * width;
      rowSums4(bands, mask, width, add, r, rings, oa);
    }
    const od = drop >= 0 ? (drop % R) * width : -1;
    columnStep4(rings, oa, od, width, out, y * width);
  }
}

/**
 * `maskedBoxSums3`' sweep in WebAssembly (sums3.wat, the same arithmetic): each row the row pass reads
 * copied into the kernel's scratch first; the sums written where they lie at `direct` (the four planes'
 * kernel addresses), else each output row copied out after its step. With `means` (kernel addresses of
 * the fallback's planes, or −1s for none; only with `direct`), the bands' means are stored instead
 * (`meanOfSums`). False (nothing swept) where the kernel memory cannot hold the scratch.
 */
function maskedBoxSums3Wasm(
  bands: Planes3,
  mask: Uint8Array,
  width: number,
  height: number,
  r: number,
  out: Sums3,
  direct: number[] | null,
  means: number[] | null,
): boolean {
  const R = ringRows(height, r);
  const K = sums3Kernel();
  const planes = [...out.sums, out.count];
  if (!K.prepare(width, R, direct)) return false;
  const [f0, f1, f2] = means ?? [-1, -1, -1];
  // Adds ring row `oa` (−1: none) and drops `od`; with `write`, stores the row at byte `dst` of the planes.
  const step = (oa: number, od: number, write: number, dst: number) => {
    const at = (f: number) => (f === -1 ? -1 : f + dst);
    K.fn.step(oa, od, width, write, dst, means ? 1 : 0, MEAN_MIN_COUNT, at(f0!), at(f1!), at(f2!));
  };
  for (let y = 0; y < Math.min(r, height); y++) {
    stageSums3Row(K, bands, mask, width, y);
    K.fn.row(width, r, (y % R) * width);
    step((y % R) * width, -1, 0, 0);
  }
  for (let y = 0; y < height; y++) {
    const add = y + r;
    const drop = y - r - 1;
    let oa = -1;
    if (add < height) {
      oa = (add % R) * width;
      stageSums3Row(K, bands, mask, width, add);
      K.fn.row(width, r, oa);
    }
    const od = drop >= 0 ? (drop % R) * width : -1;
    step(oa, od, 1, direct ? 4 * y * width : 0);
    if (direct) continue;
    for (let k = 0; k < 4; k++) planes[k]!.set(K.f32.subarray(K.out[k]!, K.out[k]! + width), y * width);
  }
  return true;
}

/** Row `y` of the three bands and the mask into the sums kernel's scratch. */
function stageSums3Row(K: Sums3Kernel, bands: Planes3, mask: Uint8Array, width: number, y: number): void {
  const row = y * width;
  K.f32.set(bands[0].subarray(row, row + width), K.bands[0]);
  K.f32.set(bands[1].subarray(row, row + width), K.bands[1]);
  K.f32.set(bands[2].subarray(row, row + width), K.bands[2]);
  K.u8.set(mask.subarray(row, row + width), K.mask);
}

/**
 * `maskedBoxSums3`' values at the pixels where `want` is set (0 elsewhere), swept only over the rows and
 * columns within r of them: runs of rows holding wanted pixels (joined across gaps under 2r + 2 rows,
 * which a new run would spend warming up), each over the columns of its wanted pixels, widened by r and
 * clipped to the plane. Every wanted pixel's window, as the plane clips it, lies within its crop, and
 * the crop clips it the same; its row and column sums hold the same floats (added in doubles, which do
 * not round, as `windowStd` relies on), so the same bits as the whole plane's sweep. Where the runs' crops
 * cover most of the plane, the whole plane is swept.
 */
export function maskedBoxSums3Where(
  bands: Planes3,
  mask: Uint8Array,
  width: number,
  height: number,
  r: number,
  want: Uint8Array,
): Sums3 {
  const runs: Array<[number, number, number, number]> = [];
  let y0 = -1;
  let y1 = -1;
  let x0 = width;
  let x1 = -1;
  let area = 0;
  const close = () => {
    if (y0 < 0) return;
    runs.push([y0, y1, x0, x1]);
    area +=
      (Math.min(height - 1, y1 + r) - Math.max(0, y0 - r) + 1) *
      (Math.min(width - 1, x1 + r) - Math.max(0, x0 - r) + 1);
  };
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let a = -1;
    let b = -1;
    for (let x = 0; x < width; x++) {
      if (!want[row + x]) continue;
      if (a < 0) a = x;
      b = x;
    }
    if (a < 0) continue;
    if (y0 >= 0 && y - y1 > 2 * r + 2) {
      close();
      y0 = -1;
      x0 = width;
      x1 = -1;
    }
    if (y0 < 0) y0 = y;
    y1 = y;
    if (a < x0) x0 = a;
    if (b > x1) x1 = b;
  }
  close();
  if (area > 0.6 * width * height) return maskedBoxSums3(bands, mask, width, height, r);
  const n = width * height;
  const { sums, count } = sums3Planes(n);
  for (const [ya, yb, xa, xb] of runs) {
    const cy0 = Math.max(0, ya - r);
    const cy1 = Math.min(height - 1, yb + r);
    const cx0 = Math.max(0, xa - r);
    const cx1 = Math.min(width - 1, xb + r);
    const cw = cx1 - cx0 + 1;
    const ch = cy1 - cy0 + 1;
    const crop = <T extends Float32Array | Uint8Array>(p: T, out: T): T => {
      for (let y = 0; y < ch; y++) out.set(p.subarray((cy0 + y) * width + cx0, (cy0 + y) * width + cx1 + 1), y * cw);
      return out;
    };
    const part = maskedBoxSums3(
      [
        crop(bands[0], new Float32Array(cw * ch)),
        crop(bands[1], new Float32Array(cw * ch)),
        crop(bands[2], new Float32Array(cw * ch)),
      ],
      crop(mask, new Uint8Array(cw * ch)),
      cw,
      ch,
      r,
    );
    for (let y = ya; y <= yb; y++) {
      const src = (y - cy0) * cw;
      for (let x = xa; x <= xb; x++) {
        const i = y * width + x;
        if (!want[i]) continue;
        const j = src + x - cx0;
        sums[0][i] = part.sums[0][j]!;
        sums[1][i] = part.sums[1][j]!;
        sums[2][i] = part.sums[2][j]!;
        count[i] = part.count[j]!;
      }
    }
  }
  return { sums, count };
}

interface Rings4 {
  r0: Float32Array;
  r1: Float32Array;
  r2: Float32Array;
  rc: Float32Array;
}

let ring4 = new Float32Array(0);
let col4 = new Float64Array(0);
let rows4 = new Float32Array(0);

/**
 * `maskedBoxSums3`' row pass of row y: the three bands where `mask` is set (0 elsewhere) and the mask
 * itself, each summed as `runningSum` sums it (head, then three spans), into the rings at `o`.
 */
function rowSums4(
  bands: Planes3,
  mask: Uint8Array,
  width: number,
  y: number,
  r: number,
  rings: Rings4,
  o: number,
): void {
  const row = y * width;
  const [b0, b1, b2] = bands;
  const v = rows4;
  // The masked rows as float copies of them would hold, interleaved.
  for (let x = 0; x < width; x++) {
    const m = mask[row + x];
    v[3 * x] = m ? b0[row + x]! : 0;
    v[3 * x + 1] = m ? b1[row + x]! : 0;
    v[3 * x + 2] = m ? b2[row + x]! : 0;
  }
  const { r0, r1, r2, rc } = rings;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let ac = 0;
  const head = Math.min(r, width);
  for (let x = 0; x < head; x++) {
    a0 += v[3 * x]!;
    a1 += v[3 * x + 1]!;
    a2 += v[3 * x + 2]!;
    ac += mask[row + x]!;
  }
  const a = Math.min(width, r + 1);
  const b = Math.max(a, width - r);
  for (let x = 0; x < a; x++) {
    if (x + r < width) {
      const j = x + r;
      a0 += v[3 * j]!;
      a1 += v[3 * j + 1]!;
      a2 += v[3 * j + 2]!;
      ac += mask[row + j]!;
    }
    r0[o + x] = a0;
    r1[o + x] = a1;
    r2[o + x] = a2;
    rc[o + x] = ac;
  }
  for (let x = a; x < b; x++) {
    const j = x + r;
    const k = x - r - 1;
    a0 += v[3 * j]!;
    a0 -= v[3 * k]!;
    a1 += v[3 * j + 1]!;
    a1 -= v[3 * k + 1]!;
    a2 += v[3 * j + 2]!;
    a2 -= v[3 * k + 2]!;
    ac += mask[row + j]!;
    ac -= mask[row + k]!;
    r0[o + x] = a0;
    r1[o + x] = a1;
    r2[o + x] = a2;
    rc[o + x] = ac;
  }
  for (let x = b; x < width; x++) {
    if (x + r < width) {
      const j = x + r;
      a0 += v[3 * j]!;
      a1 += v[3 * j + 1]!;
      a2 += v[3 * j + 2]!;
      ac += mask[row + j]!;
    }
    if (x - r - 1 >= 0) {
      const k = x - r - 1;
      a0 -= v[3 * k]!;
      a1 -= v[3 * k + 1]!;
      a2 -= v[3 * k + 2]!;
      ac -= mask[row + k]!;
    }
    r0[o + x] = a0;
    r1[o + x] = a1;
    r2[o + x] = a2;
    rc[o + x] = ac;
  }
}

/**
 * `maskedBoxSums3`' column step: the ring row at `oa` added (−1: none) and the one at `od` dropped
 * (−1: none), in that order as `boxSum` does, and the four column sums stored at `row` of `out` (none:
 * the first rows, only added).
 */
function columnStep4(rings: Rings4, oa: number, od: number, width: number, out: Sums3 | null, row: number): void {
  const { r0, r1, r2, rc } = rings;
  const c = col4;
  const w2 = 2 * width;
  const w3 = 3 * width;
  if (!out) {
    for (let x = 0; x < width; x++) {
      c[x]! += r0[oa + x]!;
      c[width + x]! += r1[oa + x]!;
      c[w2 + x]! += r2[oa + x]!;
      c[w3 + x]! += rc[oa + x]!;
    }
    return;
  }
  const [s0, s1, s2] = out.sums;
  const sc = out.count;
  for (let x = 0; x < width; x++) {
    let u0 = c[x]!;
    let u1 = c[width + x]!;
    let u2 = c[w2 + x]!;
    let uc = c[w3 + x]!;
    if (oa >= 0) {
      u0 += r0[oa + x]!;
      u1 += r1[oa + x]!;
      u2 += r2[oa + x]!;
      uc += rc[oa + x]!;
    }
    if (od >= 0) {
      u0 -= r0[od + x]!;
      u1 -= r1[od + x]!;
      u2 -= r2[od + x]!;
      uc -= rc[od + x]!;
    }
    c[x] = u0;
    c[width + x] = u1;
    c[w2 + x] = u2;
    c[w3 + x] = uc;
    s0[row + x] = u0;
    s1[row + x] = u1;
    s2[row + x] = u2;
    sc[row + x] = uc;
  }
}

/**
 * Standard deviation of `values` over the window, counting only pixels where `weight` is 1. Pixels
 * whose window holds fewer than `minCount` weighted pixels get NaN.
 */
export function maskedStd(
  values: Float32Array,
  weight: Uint8Array,
  width: number,
  height: number,
  r: number,
  minCount = 1,
): Float32Array {
  const std = new Float32Array(width * height);
  const K = stageMoments(values, weight, width, height, r, width, null, null);
  maskedMoments(values, weight, width, height, r, minCount, null, null, std, 0, width, K !== null);
  if (K) std.set(K.f32.subarray(K.std, K.std + width * height));
  return std;
}

/**
 * `maskedStd`, computed only where `need` is 1 (0 elsewhere): for callers that need the
 * spread at some places only (the cloud mask at bright pixels). Same values there. The block is
 * swept in bands of columns, and within each only the runs of rows with a wanted pixel in that band:
 * wanted pixels are usually a few patches, and a sweep costs in proportion to the area it covers.
 * Bands are `minBand` columns wide, or 8r. Into `std` if given (zeroed, of the block's size).
 */
export function maskedStdRows(
  values: Float32Array,
  weight: Uint8Array,
  width: number,
  height: number,
  r: number,
  need: Uint8Array,
  minBand = STD_BAND_MIN,
  std: Float32Array = new Float32Array(width * height),
): Float32Array {
  // Wide enough that the r columns each side a band's row sums also read stay a small overhead.
  const band = Math.max(minBand, 8 * r);
  const bands = Math.ceil(width / band);
  // Per band, the rows with a wanted pixel (`maskedMoments`' `rows`), and the area they sweep.
  const rows = new Uint8Array(bands * height);
  let swept = 0;
  for (let b = 0; b < bands; b++) {
    const x0 = b * band;
    const x1 = Math.min(width, x0 + band);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let i = row + x0; i < row + x1; i++) {
        if (need[i]) {
          rows[b * height + y] = 1;
          swept += x1 - x0;
          break;
        }
      }
    }
  }
  if (!swept) return std;
  // Staging copies the whole planes in and the std out (14 bytes a pixel), which costs more than it saves
  // where the sweeps cover little of the plane (the cloud mask's bright patches): at 1.2 MP with 0.1 % of
  // it wanted in 20-pixel patches, 3.1–3.7 ms a call staged, 1.4–1.6 by rows (1 %: 4.9 → 3.9 ms).
  const K =
    swept >= STAGE_MIN_SWEPT * width * height ? stageMoments(values, weight, width, height, r, band, need, std) : null;
  for (let b = 0; b < bands; b++) {
    const x0 = b * band;
    const x1 = Math.min(width, x0 + band);
    const bandRows = rows.subarray(b * height, (b + 1) * height);
    if (bandRows.includes(1))
      maskedMoments(values, weight, width, height, r, 1, bandRows, need, std, x0, x1, K !== null);
  }
  if (K) std.set(K.f32.subarray(K.std, K.std + width * height));
  return std;
}

/** The share of the plane `maskedStdRows`' sweeps cover from which its planes are staged whole. */
const STAGE_MIN_SWEPT = 0.25;

/** Narrowest column band of `maskedStdRows`. */
const STD_BAND_MIN = 256;

let rowV = new Float32Array(0);
let rowV2 = new Float32Array(0);

/**
 * The masked sums of values, squares and weights in one sweep, straight to the std: the same
 * arithmetic as three `boxSum`s (values and squares stored as floats first), with no full-size
 * temporaries. Only output columns [x0, x1) are computed (their row sums read r columns more each
 * side). With `rows`, only runs of wanted output rows are swept; each run's column sums start from
 * a fresh sum of its first window, and each row sum from its band's first window, which is exact
 * (the sums of floats in doubles do not round).
 */
function maskedMoments(
  values: Float32Array,
  weight: Uint8Array,
  width: number,
  height: number,
  r: number,
  minCount: number,
  rows: Uint8Array | null,
  need: Uint8Array | null,
  std: Float32Array,
  x0 = 0,
  x1 = width,
  staged = false,
): void {
  if (momentsInWasm) maskedMomentsWasm(values, weight, width, height, r, minCount, rows, need, std, x0, x1, staged);
  else maskedMomentsJs(values, weight, width, height, r, minCount, rows, need, std, x0, x1);
}

/** Whether `maskedMoments` runs in WebAssembly (moments-kernel.ts); off only to test it against the JavaScript. */
let momentsInWasm = true;
/** Planes up to this many pixels are copied into the kernel's scratch whole (a zone window), larger ones by rows. */
const STAGED_MAX_PIXELS = 1_500_000;
let stagedMax = STAGED_MAX_PIXELS;

/**
 * Runs `maskedStd` and `maskedStdRows` in WebAssembly or in JavaScript, in WebAssembly with planes up to
 * `stageMaxPixels` staged whole (for tests: every way gives the same bits).
 */
export function setMomentsInWasm(on: boolean, stageMaxPixels = STAGED_MAX_PIXELS): void {
  momentsInWasm = on;
  stagedMax = stageMaxPixels;
}

/**
 * The kernel with `values` and `weight` (and `need` and `std`, when given) copied into its scratch whole,
 * laid out for bands up to `bw` wide; null where the planes are larger than that scratch takes or the
 * moments run in JavaScript.
 */
function stageMoments(
  values: Float32Array,
  weight: Uint8Array,
  width: number,
  height: number,
  r: number,
  bw: number,
  need: Uint8Array | null,
  std: Float32Array | null,
): MomentsKernel | null {
  const n = width * height;
  if (!momentsInWasm || n > stagedMax || n === 0) return null;
  const K = momentsKernel();
  K.prepare(n, width, Math.min(width, bw), ringRows(height, r));
  K.f32.set(values.subarray(0, n), K.val);
  K.u8.set(weight.subarray(0, n), K.wgt);
  if (need) K.u8.set(need.subarray(0, n), K.need);
  if (std) K.f32.set(std.subarray(0, n), K.std);
  return K;
}

/**
 * `maskedMomentsJs` in WebAssembly (moments.wat, the same arithmetic). With `staged`, the planes lie in
 * the kernel's scratch whole (`stageMoments`) and its std is copied out by the caller; else each row the
 * row pass reads is copied into the scratch first, each output row copied out after its step (with
 * `need`, the output and need rows copied in first: the step writes only the wanted pixels).
 */
function maskedMomentsWasm(
  values: Float32Array,
  weight: Uint8Array,
  width: number,
  height: number,
  r: number,
  minCount: number,
  rows: Uint8Array | null,
  need: Uint8Array | null,
  std: Float32Array,
  x0 = 0,
  x1 = width,
  staged = false,
): void {
  if (width === 0 || height === 0 || x1 <= x0) return;
  const bw = x1 - x0;
  const R = ringRows(height, r);
  const K = momentsKernel();
  // Staged whole (`stageMoments`), or a row at a time here.
  if (!staged) K.prepare(width, width, bw, R);
  const { fn } = K;
  const lo = Math.max(0, x0 - r);
  const hi = Math.min(width, x1 + r);
  let y = 0;
  while (y < height) {
    if (rows && !rows[y]) {
      y++;
      continue;
    }
    let end = y + 1;
    if (rows) while (end < height && rows[end]) end++;
    else end = height;
    K.clearColumns(bw);
    for (let k = Math.max(0, y - r); k < Math.min(y + r, height); k++) {
      if (!staged) stageRow(K, values, weight, width, k, lo, hi);
      fn.row(width, r, lo, hi, x0, x1, (k % R) * bw - x0, staged ? k * width : 0);
      fn.addRow((k % R) * bw, bw);
    }
    for (let yy = y; yy < end; yy++) {
      const add = yy + r;
      const drop = yy === y ? -1 : yy - r - 1;
      if (add < height) {
        if (!staged) stageRow(K, values, weight, width, add, lo, hi);
        fn.row(width, r, lo, hi, x0, x1, (add % R) * bw - x0, staged ? add * width : 0);
      }
      const row = yy * width + x0;
      const oa = add < height ? (add % R) * bw : -1;
      const od = drop >= 0 ? (drop % R) * bw : -1;
      if (staged) {
        fn.step(oa, od, bw, minCount, need ? 1 : 0, row);
        continue;
      }
      if (need) {
        K.f32.set(std.subarray(row, row + bw), K.std);
        K.u8.set(need.subarray(row, row + bw), K.need);
      }
      fn.step(oa, od, bw, minCount, need ? 1 : 0, 0);
      std.set(K.f32.subarray(K.std, K.std + bw), row);
    }
    y = end;
  }
}

/** Row `y`'s values and weights over [lo, hi) into the kernel's scratch, at their x. */
function stageRow(
  K: MomentsKernel,
  values: Float32Array,
  weight: Uint8Array,
  width: number,
  y: number,
  lo: number,
  hi: number,
): void {
  const row = y * width;
  K.f32.set(values.subarray(row + lo, row + hi), K.val + lo);
  K.u8.set(weight.subarray(row + lo, row + hi), K.wgt + lo);
}

/** `maskedMoments` in JavaScript: the reference the WebAssembly passes reproduce. */
function maskedMomentsJs(
  values: Float32Array,
  weight: Uint8Array,
  width: number,
  height: number,
  r: number,
  minCount: number,
  rows: Uint8Array | null,
  need: Uint8Array | null,
  std: Float32Array,
  x0 = 0,
  x1 = width,
): void {
  if (width === 0 || height === 0 || x1 <= x0) return;
  // Ring rows and column sums hold the band's columns only: index x − x0.
  const bw = x1 - x0;
  const R = ringRows(height, r);
  const ring = scratchF32(3 * R * bw);
  const ringS = ring.subarray(0, R * bw);
  const ringS2 = ring.subarray(R * bw, 2 * R * bw);
  const ringC = ring.subarray(2 * R * bw, 3 * R * bw);
  if (colF64.length < 3 * bw) colF64 = new Float64Array(3 * bw);
  const colS = colF64.subarray(0, bw);
  const colS2 = colF64.subarray(bw, 2 * bw);
  const colC = colF64.subarray(2 * bw, 3 * bw);
  if (rowV.length < width) {
    rowV = new Float32Array(width);
    rowV2 = new Float32Array(width);
  }
  const v = rowV;
  const v2 = rowV2;
  // Columns the band's row sums read.
  const lo = Math.max(0, x0 - r);
  const hi = Math.min(width, x1 + r);
  const planes: MomentRows = { v, v2, ringS, ringS2, ringC };
  let y = 0;
  while (y < height) {
    if (rows && !rows[y]) {
      y++;
      continue;
    }
    let end = y + 1;
    if (rows) while (end < height && rows[end]) end++;
    else end = height;
    // A run of wanted rows [y, end): its first window's rows, then running sums down the run.
    colS.fill(0);
    colS2.fill(0);
    colC.fill(0);
    for (let k = Math.max(0, y - r); k < Math.min(y + r, height); k++) {
      momentsRowPass(values, weight, width, k, r, lo, hi, x0, x1, planes, (k % R) * bw - x0);
      const o = (k % R) * bw;
      for (let x = 0; x < bw; x++) {
        colS[x]! += ringS[o + x]!;
        colS2[x]! += ringS2[o + x]!;
        colC[x]! += ringC[o + x]!;
      }
    }
    for (let yy = y; yy < end; yy++) {
      const add = yy + r;
      const drop = yy === y ? -1 : yy - r - 1;
      if (add < height) momentsRowPass(values, weight, width, add, r, lo, hi, x0, x1, planes, (add % R) * bw - x0);
      // Rows entering and leaving the window as offsets into the ring (-1: none).
      const oa = add < height ? (add % R) * bw : -1;
      const od = drop >= 0 ? (drop % R) * bw : -1;
      const row = yy * width + x0;
      for (let x = 0; x < bw; x++) {
        let s1 = colS[x]!;
        let s2 = colS2[x]!;
        let c = colC[x]!;
        if (oa >= 0) {
          s1 += ringS[oa + x]!;
          s2 += ringS2[oa + x]!;
          c += ringC[oa + x]!;
        }
        if (od >= 0) {
          s1 -= ringS[od + x]!;
          s2 -= ringS2[od + x]!;
          c -= ringC[od + x]!;
        }
        colS[x] = s1;
        colS2[x] = s2;
        colC[x] = c;
        if (need && !need[row + x]) continue;
        // Stored as floats before dividing, as the separate box sums were.
        const k = Math.fround(c);
        if (k < minCount || k === 0) {
          std[row + x] = Number.NaN;
          continue;
        }
        const m = Math.fround(s1) / k;
        std[row + x] = Math.sqrt(Math.max(0, Math.fround(s2) / k - m * m));
      }
    }
    y = end;
  }
}

/** A row's masked values and squares, and the ring planes of `maskedMoments`' three running sums. */
interface MomentRows {
  v: Float32Array;
  v2: Float32Array;
  ringS: Float32Array;
  ringS2: Float32Array;
  ringC: Float32Array;
}

/**
 * `maskedMoments`' row pass of row y over output columns [x0, x1) (reading [lo, hi)), into the rings
 * at `o` + x. A function of its own, not a closure: the closure's captured variables made every loop
 * of its caller read them from a context.
 */
function momentsRowPass(
  values: Float32Array,
  weight: Uint8Array,
  width: number,
  y: number,
  r: number,
  lo: number,
  hi: number,
  x0: number,
  x1: number,
  planes: MomentRows,
  o: number,
): void {
  const { v, v2, ringS, ringS2, ringC } = planes;
  const row = y * width;
  for (let x = lo; x < hi; x++) {
    const value = weight[row + x] ? values[row + x]! : 0;
    v[x] = value;
    v2[x] = value * value;
  }
  // The three running sums of `rowSum` in one loop (same order of operations for each), started
  // at x0 with the window of x0 but for its last column.
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  for (let x = lo; x < Math.min(x0 + r, width); x++) {
    a1 += v[x]!;
    a2 += v2[x]!;
    a3 += weight[row + x]!;
  }
  // Three spans so the interior loop carries no edge tests (it starts where x − r − 1 ≥ 0).
  const a = Math.min(x1, Math.max(x0 + 1, r + 1));
  const b = Math.max(a, Math.min(x1, width - r));
  for (let x = x0; x < a; x++) {
    if (x + r < width) {
      a1 += v[x + r]!;
      a2 += v2[x + r]!;
      a3 += weight[row + x + r]!;
    }
    if (x > x0 && x - r - 1 >= 0) {
      a1 -= v[x - r - 1]!;
      a2 -= v2[x - r - 1]!;
      a3 -= weight[row + x - r - 1]!;
    }
    ringS[o + x] = a1;
    ringS2[o + x] = a2;
    ringC[o + x] = a3;
  }
  for (let x = a; x < b; x++) {
    a1 += v[x + r]!;
    a1 -= v[x - r - 1]!;
    a2 += v2[x + r]!;
    a2 -= v2[x - r - 1]!;
    a3 += weight[row + x + r]!;
    a3 -= weight[row + x - r - 1]!;
    ringS[o + x] = a1;
    ringS2[o + x] = a2;
    ringC[o + x] = a3;
  }
  for (let x = b; x < x1; x++) {
    if (x + r < width) {
      a1 += v[x + r]!;
      a2 += v2[x + r]!;
      a3 += weight[row + x + r]!;
    }
    if (x > x0 && x - r - 1 >= 0) {
      a1 -= v[x - r - 1]!;
      a2 -= v2[x - r - 1]!;
      a3 -= weight[row + x - r - 1]!;
    }
    ringS[o + x] = a1;
    ringS2[o + x] = a2;
    ringC[o + x] = a3;
  }
}

/** Scratch of `anyInWindow`: per column, the last row whose row pass was set. */
let lastI32 = new Int32Array(0);

/**
 * 1 where the (2r+1)² window (clipped at the edges) holds a pixel that is set: non-zero, or with
 * `zeros`, zero. Binary, so separable as a row then a column "any"; the column "any" keeps, per
 * column, the last row whose row pass was set, and a window holds one when that row is within r
 * above the window's bottom: one read and one write per pixel, and no ring of row passes to subtract.
 */
function anyInWindow(mask: Uint8Array, width: number, height: number, r: number, zeros: boolean): Uint8Array {
  const out = new Uint8Array(width * height);
  if (width === 0 || height === 0) return out;
  if (lastI32.length < width) lastI32 = new Int32Array(width);
  const last = lastI32;
  // Far enough above the image that no window reaches it.
  last.fill(-r - 1, 0, width);
  // The last row that marked anything, and the last one marked whole (one run across it): while the
  // first lies above a window's top, no column holds a pixel there and the output row is all `miss`;
  // while the second lies within it, every column does and the row is all `hit` (sparse masks, as
  // candidates near a shore are, and the empty rows an erosion of one meets, skip the row's tests).
  let marked = -r - 1;
  let whole = -r - 1;
  const words = wordView(mask);
  // Per row, the columns its runs marked, [from[y], to[y]) (empty where it marked none): a window's
  // columns outside the union of its rows' spans hold no set pixel (sparse masks test only that union).
  if (fromI32.length < height) {
    fromI32 = new Int32Array(height);
    toI32 = new Int32Array(height);
  }
  const from = fromI32;
  const to = toI32;
  for (let y = 0; y < Math.min(r, height); y++) {
    const m = markRow(mask, words, width, y, r, zeros, last, from, to);
    if (m) marked = y;
    if (m === WHOLE_ROW) whole = y;
  }
  const hit = zeros ? 0 : 1;
  const miss = 1 - hit;
  for (let y = 0; y < height; y++) {
    if (y + r < height) {
      const m = markRow(mask, words, width, y + r, r, zeros, last, from, to);
      if (m) marked = y + r;
      if (m === WHOLE_ROW) whole = y + r;
    }
    const top = y - r;
    const row = y * width;
    if (whole >= top || marked < top) {
      if (whole >= top ? hit : miss) out.fill(1, row, row + width);
      continue;
    }
    let lo = width;
    let hi = 0;
    for (let k = Math.max(0, top); k <= Math.min(height - 1, y + r); k++) {
      if (from[k]! < lo) lo = from[k]!;
      if (to[k]! > hi) hi = to[k]!;
    }
    if (miss) {
      out.fill(1, row, row + lo);
      out.fill(1, row + hi, row + width);
    }
    for (let x = lo; x < hi; x++) out[row + x] = last[x]! >= top ? hit : miss;
  }
  return out;
}
/** Scratch of `anyInWindow`: per row, the span of columns its row pass marked. */
let fromI32 = new Int32Array(0);
let toI32 = new Int32Array(0);

/** `markRow`'s answers: nothing set on the row, some runs, or one run across the whole row. */
const SOME_RUNS = 1;
const WHOLE_ROW = 2;

/**
 * The row pass of `anyInWindow` for row `y`, recorded in `last` (and the span of columns it marked in
 * `from`, `to`): each run of set pixels, widened by r, was last set on row y (a fill, so the cost is one
 * scan of the row whatever the density). A function of its own, not a closure: the closure's captured
 * variables made every loop of its caller read them from a context. Answers 0 (no run), SOME_RUNS or
 * WHOLE_ROW.
 */
function markRow(
  mask: Uint8Array,
  words: Uint32Array | null,
  width: number,
  y: number,
  r: number,
  zeros: boolean,
  last: Int32Array,
  from: Int32Array,
  to: Int32Array,
): number {
  const row = y * width;
  let x = 0;
  let found = 0;
  from[y] = width;
  to[y] = 0;
  while (x < width) {
    if (zeros) while (x < width && mask[row + x] !== 0) x++;
    else x = zeroRunEnd(mask, words, row + x, row + width) - row;
    if (x >= width) break;
    const s = x;
    if (zeros) x = zeroRunEnd(mask, words, row + x, row + width) - row;
    else while (x < width && mask[row + x] !== 0) x++;
    last.fill(y, Math.max(0, s - r), Math.min(width, x + r));
    if (!found) from[y] = Math.max(0, s - r);
    to[y] = Math.min(width, x + r);
    found = s === 0 && x === width ? WHOLE_ROW : SOME_RUNS;
  }
  return found;
}

/**
 * The first index from `i` (below `end`) where `mask` is not zero, or `end`: zeros are skipped eight
 * at a time through `words` (the mask's whole words, when its bytes start on a word: the empty
 * stretches of sparse masks).
 */
function zeroRunEnd(mask: Uint8Array, words: Uint32Array | null, i: number, end: number): number {
  if (words && end - i >= 16) {
    while (i < end && (i & 3) !== 0 && mask[i] === 0) i++;
    if (i >= end || mask[i] !== 0) return i;
    let w = i >> 2;
    const wEnd = end >> 2;
    while (w + 1 < wEnd && (words[w]! | words[w + 1]!) === 0) w += 2;
    i = w << 2;
  }
  while (i < end && mask[i] === 0) i++;
  return i;
}

/** `zeroRunEnd`'s word view of a mask, or null when its bytes do not start on a word. */
function wordView(mask: Uint8Array): Uint32Array | null {
  return (mask.byteOffset & 3) === 0 ? new Uint32Array(mask.buffer, mask.byteOffset, mask.length >> 2) : null;
}

/**
 * Summed-area table of an integer plane (Crow 1984): the sum over any window, clipped at the edges, in
 * four reads. For planes only a few pixels' windows are wanted from, or at several radii. Integer sums
 * are exact, so these are `boxSum`'s values bit for bit while they stay under 2^24 in magnitude.
 */
export interface AreaSums {
  /** (width + 1) × (height + 1): the sum over [0, x) × [0, y) at y · (width + 1) + x. */
  sat: Int32Array;
  width: number;
  height: number;
}

export function areaSums(plane: Int8Array | Uint8Array | Int16Array, width: number, height: number): AreaSums {
  const w1 = width + 1;
  const sat = new Int32Array(w1 * (height + 1));
  for (let y = 0; y < height; y++) {
    let acc = 0;
    const row = y * width;
    const above = y * w1;
    const here = above + w1;
    for (let x = 0; x < width; x++) {
      acc += plane[row + x]!;
      sat[here + x + 1] = sat[above + x + 1]! + acc;
    }
  }
  return { sat, width, height };
}

/**
 * Sum over the (2r+1)² window around (x, y), clipped at the edges: `boxSum`'s value there. The table
 * wraps where a plane's total passes 2³¹ (Int16 planes); the window's sum, under that, is right modulo 2³².
 */
export function windowSum(s: AreaSums, x: number, y: number, r: number): number {
  const w1 = s.width + 1;
  const x0 = Math.max(0, x - r);
  const x1 = Math.min(s.width, x + r + 1);
  const y0 = Math.max(0, y - r) * w1;
  const y1 = Math.min(s.height, y + r + 1) * w1;
  const t = s.sat;
  return (t[y1 + x1]! - t[y0 + x1]! - t[y1 + x0]! + t[y0 + x0]!) | 0;
}

/** Square dilation: 1 where any pixel of the (2r+1)² window is set. */
export function dilate(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  if (r <= 0) return mask.slice();
  return anyInWindow(mask, width, height, r, false);
}

/** Square erosion: 1 where every in-image pixel of the (2r+1)² window is set (edges do not erode). */
export function erode(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  if (r <= 0) return mask.slice();
  return anyInWindow(mask, width, height, r, true);
}

/** `k` city-block steps of erosion (the pixel and its in-image 4-neighbours all set) or dilation. */
function crossSteps(mask: Uint8Array, width: number, height: number, k: number, erodeIt: boolean): Uint8Array {
  let m = mask;
  for (let s = 0; s < k; s++) {
    const o = new Uint8Array(m.length);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) {
        const i = row + x;
        const c = m[i]!;
        const l = x > 0 ? m[i - 1]! : c;
        const r = x < width - 1 ? m[i + 1]! : c;
        const u = y > 0 ? m[i - width]! : c;
        const d = y < height - 1 ? m[i + width]! : c;
        o[i] = erodeIt ? c & l & r & u & d : c | l | r | u | d;
      }
    }
    m = o;
  }
  return m;
}

/**
 * Opening by an octagon of radius r (a (2⌈r/2⌉+1)² square and a city-block ball of radius ⌊r/2⌋):
 * removes what is narrower than it, like a square's opening, but its 135° corners fit the corners of
 * a chamfered or bent shore, which a square's opening cuts off as slivers.
 */
export function openOctagon(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  if (r <= 0) return mask.slice();
  const a = Math.ceil(r / 2);
  const b = r - a;
  const eroded = crossSteps(erode(mask, width, height, a), width, height, b, true);
  return crossSteps(dilate(eroded, width, height, a), width, height, b, false);
}

/** Otsu's threshold (1979) of the values where `weight` is set, over `bins` bins between lo and hi. */
export function otsuThreshold(
  values: Float32Array,
  weight: Uint8Array | null,
  lo: number,
  hi: number,
  bins = 256,
): number {
  const hist = new Float64Array(bins);
  const scale = bins / (hi - lo);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    if (weight && !weight[i]) continue;
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    let b = Math.floor((v - lo) * scale);
    b = b < 0 ? 0 : b >= bins ? bins - 1 : b;
    hist[b]!++;
    total++;
  }
  return otsuOfHistogram(hist, total, lo, hi);
}

/**
 * `otsuThreshold`'s split of a histogram of `total` values over `hist.length` bins spanning [lo, hi):
 * the upper edge of the bin that maximises the between-class variance ((lo + hi) / 2 when empty).
 */
export function otsuOfHistogram(hist: Float64Array, total: number, lo: number, hi: number): number {
  const bins = hist.length;
  const scale = bins / (hi - lo);
  if (total === 0) return (lo + hi) / 2;
  let sumAll = 0;
  for (let b = 0; b < bins; b++) sumAll += b * hist[b]!;
  let w0 = 0;
  let sum0 = 0;
  let best = 0;
  let bestVar = -1;
  for (let b = 0; b < bins - 1; b++) {
    w0 += hist[b]!;
    sum0 += b * hist[b]!;
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const m0 = sum0 / w0;
    const m1 = (sumAll - sum0) / w1;
    const between = w0 * w1 * (m0 - m1) * (m0 - m1);
    if (between > bestVar) {
      bestVar = between;
      best = b;
    }
  }
  return lo + (best + 1) / scale;
}

/** Chessboard (8-connected) distance to the nearest set pixel, by the two-pass chamfer; 65535 caps it. */
export function chessboardDistance(mask: Uint8Array, width: number, height: number): Uint16Array {
  const d = new Uint16Array(width * height);
  // Each pass a function of its own: compiled in one (on-stack replacement of the first pass), the
  // second pass had no type feedback yet and deoptimised it, at every call (13 times in two 4 MP
  // detect runs).
  distanceForward(mask, width, height, d);
  distanceBackward(width, height, d);
  return d;
}

/** chessboardDistance's first pass: from the pixels above and to the left. */
function distanceForward(mask: Uint8Array, width: number, height: number, d: Uint16Array): void {
  const far = 65535;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (mask[i]) continue;
      let m = far;
      if (x > 0) m = Math.min(m, d[i - 1]! + 1);
      if (y > 0) {
        const u = i - width;
        m = Math.min(m, d[u]! + 1);
        if (x > 0) m = Math.min(m, d[u - 1]! + 1);
        if (x < width - 1) m = Math.min(m, d[u + 1]! + 1);
      }
      d[i] = Math.min(m, far);
    }
  }
}

/** chessboardDistance's second pass: from the pixels below and to the right. */
function distanceBackward(width: number, height: number, d: Uint16Array): void {
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      let m = d[i]!;
      if (m === 0) continue;
      if (x < width - 1) m = Math.min(m, d[i + 1]! + 1);
      if (y < height - 1) {
        const b = i + width;
        m = Math.min(m, d[b]! + 1);
        if (x < width - 1) m = Math.min(m, d[b + 1]! + 1);
        if (x > 0) m = Math.min(m, d[b - 1]! + 1);
      }
      d[i] = m;
    }
  }
}
