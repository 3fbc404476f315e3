/** Radiometric normalisation: per-band monotone look-up tables mapping a moving image's radiometry to the reference's. */
import { ProcessingError, throwIfAborted } from './errors.ts';
import { kthOf } from './median.ts';
import type { BandRole, Block, BlockReader, RunOptions, Shift, Window } from './types.ts';

/** Side of the local correction's cells, px: patchy haze drifts over ~600 px (sample-tiles/degrade.ts). */
const CELL_PX = 256;
/** Most cells per axis (larger images get larger cells: the fit samples ~300 k pixels in all). */
const MAX_CELLS = 16;
/** Stable pixels a cell needs for its own correction (others take their neighbours'). */
const MIN_CELL_SAMPLES = 300;
/** Reselection rounds with the local correction. */
const LOCAL_ROUNDS = 2;
/**
 * Pull of a cell's gain towards 1, as a variance of the input (0..1 units²): a cell whose input
 * spans less than ~0.03 cannot tell gain from offset, so it corrects the offset only.
 */
const GAIN_PRIOR = 0.03 ** 2;

/** Input at or above this is saturated (the same level change.ts uses). */
const SATURATED = 0.998;
/** Entries of each look-up table over input 0..1. */
const LUT_SIZE = 256;
/** Histogram resolution of the quantile matching. */
const BINS = 1024;
/**
 * Median misfit (0..1 units, worst band) of all pixel pairs through the first tables above which
 * the pair is taken to differ by scene content rather than light: light between dates leaves the
 * pairs within noise, sub-pixel blur and uneven haze of the tables (0.011–0.020 on the generated
 * port's dates), while a bare field against the roofs, lawns and car parks built on it scatters
 * by 0.07–0.25 (the LEVIR-CD pairs).
 */
const CONTENT_RESIDUAL = 0.03;
/**
 * Least slope of such a table above the stable pixels' median. Light between dates (gain 0.6–1.5,
 * gamma 0.7–1.4, haze) keeps at least ~2/3 of the moving image's contrast in its bright half,
 * where a power law's slope stays near its gain; flatter, the table squeezes new roofs into the
 * reference's narrow range (LEVIR-CD test_102: a bare field, a white roof 0.86 → 0.47). The dark
 * half is left free: a gamma below 1 flattens it legitimately.
 */
const MIN_BRIGHT_SLOPE = 0.65;

export interface Normalization {
  roles: BandRole[];
  /** Per band: output at inputs i/(LUT_SIZE-1); linear in between. */
  luts: Float32Array[];
  /** Per band: median absolute difference to the reference of the stable pixels after the fit (0..1 units). */
  residual: number[];
  /** Pixel pairs the final fit used (0: identity, nothing overlapped). */
  samples: number;
  /**
   * Where the radiometry drifts over the image (patchy haze, uneven light): an affine correction of
   * the input applied before the tables, varying smoothly over the grid. Absent in alignments saved
   * before it existed (and null when the image was too small or too unlike the reference): global only.
   */
  local?: LocalCorrection | null;
}

/**
 * Per band, `v → offset + gain · v` applied to the moving input before its table, with offset and
 * gain fitted per cell of a coarse grid (over the reference grid's pixels) and blended bilinearly
 * between cell centres, as CLAHE blends its tiles: no seams. Patchy haze of thickness h mixes the
 * haze colour in as h·c + (1 − h)·s, so a change of h from the image's typical value is exactly
 * affine in the input: one global table then brings the corrected input to the reference.
 */
export interface LocalCorrection {
  cols: number;
  rows: number;
  /** Cell size, px (cell centres at ((i + 0.5)·cellWidth, (j + 0.5)·cellHeight)). */
  cellWidth: number;
  cellHeight: number;
  /** Per band, row-major cols × rows. */
  offset: Float32Array[];
  gain: Float32Array[];
}

export interface NormalizeOptions extends RunOptions {
  /** Window side of the sample windows, px. */
  windowPx?: number;
  /** Most sample windows read (spread on a grid). */
  maxWindows?: number;
  /** Stable-pixel selection rounds after the first fit. */
  iterations?: number;
  /** Side of the local correction's cells, px (0: global tables only). */
  cellPx?: number;
}

/**
 * Fits, per band, the monotone map from `moving` (read with `shift`, so aligned) to `reference`
 * over pixels that did not change. Iterative invariant-pixel selection (after Canty, Nielsen &
 * Schmidt 2004, with a non-parametric map): quantile-match all overlapping pixels, keep the pixels
 * whose summed residual over bands is small (median + 2.5 robust σ), and quantile-match again on
 * those. Quantile matching is monotone by construction, captures gain, gamma, tint and haze in one
 * table, and (unlike a regression) is not flattened by noise in the moving image. When the pixel
 * pairs scatter about the first tables far more than light leaves them (CONTENT_RESIDUAL), the
 * histograms differ by what is on the ground, and the tables' bright half keeps MIN_BRIGHT_SLOPE.
 */
export async function fitNormalization(
  reference: BlockReader,
  moving: BlockReader,
  shift: Shift,
  opts: NormalizeOptions = {},
): Promise<Normalization> {
  const { signal, onProgress, windowPx = 512, maxWindows = 16, iterations = 2, cellPx = CELL_PX } = opts;
  // prepare.ts reads of each image the reference's bands (band-select.ts): unequal ones are a bug, not the image's.
  if (moving.roles.join() !== reference.roles.join()) {
    throw new Error(`image bands [${moving.roles.join(', ')}] are not the reference's [${reference.roles.join(', ')}]`);
  }
  const nb = reference.roles.length;
  const w = Math.min(reference.width, moving.width);
  const h = Math.min(reference.height, moving.height);
  const windows = sampleWindows(w, h, windowPx, maxWindows);
  // ~300 k pairs fill 1024-bin histograms well; subsample large windows on a regular stride.
  const stride = Math.max(1, Math.round(Math.sqrt((windows.length * windowPx * windowPx) / 3e5)));
  const capacity = windows.reduce((s, win) => s + Math.ceil(win.width / stride) * Math.ceil(win.height / stride), 0);
  // (moving, reference) values of pixels valid in both.
  const movA = Array.from({ length: nb }, () => new Float32Array(capacity));
  const refA = Array.from({ length: nb }, () => new Float32Array(capacity));
  // Grid position of each pair, for the local correction.
  const posX = new Uint32Array(capacity);
  const posY = new Uint32Array(capacity);
  let count = 0;
  for (const [k, win] of windows.entries()) {
    throwIfAborted(signal);
    const r = await reference.read(win);
    const m = await moving.read(win, { shift });
    for (let y = 0; y < win.height; y += stride) {
      for (let x = 0; x < win.width; x += stride) {
        const i = y * win.width + x;
        if (!r.valid[i] || !m.valid[i]) continue;
        posX[count] = win.x + x;
        posY[count] = win.y + y;
        for (let b = 0; b < nb; b++) {
          movA[b]![count] = m.bands[b]![i]!;
          refA[b]![count] = r.bands[b]![i]!;
        }
        count++;
      }
    }
    onProgress?.((k + 1) / windows.length, 'normalize');
  }
  const roles = [...reference.roles];
  if (count < 100) return identityNormalization(roles);
  for (let b = 0; b < nb; b++) {
    movA[b] = movA[b]!.subarray(0, count);
    refA[b] = refA[b]!.subarray(0, count);
  }
  let stable: Uint8Array = new Uint8Array(count).fill(1);
  let luts = movA.map((m, b) => quantileMap(m, refA[b]!, stable, false));
  // Judged once on the first fit (over all pixels: the median is the unchanged majority's).
  const content = Math.max(...stableResiduals(movA, refA, luts, stable)) > CONTENT_RESIDUAL;
  if (content) luts = movA.map((m, b) => quantileMap(m, refA[b]!, stable, true));
  for (let it = 0; it < iterations; it++) {
    const res = residuals(movA, refA, luts);
    stable = selectStable(res);
    luts = movA.map((m, b) => quantileMap(m, refA[b]!, stable, content));
  }
  // Local correction on top: fitted against the global tables over the stable pixels, then the
  // stable pixels reselected with it (a pixel that only looked changed through the haze is kept),
  // the tables refitted on the corrected input and the correction refitted against them.
  let local: LocalCorrection | null = null;
  let input: Float32Array[] = movA;
  if (cellPx > 0) {
    const pos = { x: posX.subarray(0, count), y: posY.subarray(0, count) };
    for (let round = 0; round < LOCAL_ROUNDS && count >= 100; round++) {
      local = fitLocal(movA, refA, luts, stable, pos, w, h, cellPx);
      if (!local) break;
      input = correctSamples(movA, local, pos);
      stable = selectStable(residuals(input, refA, luts));
      luts = input.map((m, b) => quantileMap(m, refA[b]!, stable, content));
    }
    if (local) {
      local = fitLocal(movA, refA, luts, stable, pos, w, h, cellPx);
      input = local ? correctSamples(movA, local, pos) : movA;
    }
  }
  const residual = stableResiduals(input, refA, luts, stable);
  let samples = 0;
  for (const s of stable) samples += s;
  return { roles, luts, residual, samples, local };
}

/**
 * Maps each band of `block` through the normalisation, in place, and returns it. Saturated input
 * (≥ SATURATED) stays exactly 1: its true radiometry is unknown, and change.ts treats it as censored.
 */
export function applyNormalization(block: Block, n: Normalization): Block {
  if (block.bands.length !== n.luts.length) {
    throw new ProcessingError(
      'bad_bands',
      `block has ${block.bands.length} bands; the normalisation was fitted on ${n.luts.length}`,
    );
  }
  if (!n.local) {
    for (let b = 0; b < block.bands.length; b++) normalizeBand(block.bands[b]!, block.bands[b]!, n.luts[b]!);
    return block;
  }
  const { x: x0, y: y0, width, height } = block.window;
  const rows = new LocalRows(n.local);
  for (let b = 0; b < block.bands.length; b++) {
    const band = block.bands[b]!;
    const lut = n.luts[b]!;
    const step = lutSteps(lut);
    for (let y = 0; y < height; y++) {
      const { offset, gain } = rows.fill(b, y0 + y, x0, width);
      for (let x = 0, i = y * width; x < width; x++, i++) {
        band[i] = normalizeLocal(band[i]!, offset[x]!, gain[x]!, lut, step);
      }
    }
  }
  return block;
}

/**
 * `normalizeValue` of the locally corrected input `offset + gain · v` (saturated input stays 1:
 * the test is on the input as stored, before the correction).
 */
export function normalizeLocal(v: number, offset: number, gain: number, lut: Float32Array, step: Float64Array): number {
  if (v >= SATURATED) return 1;
  const scale = LUT_SIZE - 1;
  const z = offset + gain * v;
  const t = z > 0 ? z * scale : 0;
  const i0 = t < scale - 1 ? t | 0 : scale - 1;
  return lut[i0]! + (t - i0) * step[i0]!;
}

/**
 * A local correction's offset and gain along one row of grid pixels, per band, blended between
 * the cell centres (clamped to the outermost ones): readers fill a row once and then look up per pixel.
 */
export class LocalRows {
  private readonly row: Float64Array;
  private readonly at = { i0: 0, i1: 0, f: 0 };

  constructor(private readonly local: LocalCorrection) {
    this.row = new Float64Array((local.cols + 2) * segmentFields(local.offset.length));
  }

  /**
   * Offset and gain of band `b` at grid pixels (x0 … x0 + width − 1, y): `segments` laid out per
   * pixel. The arrays are reused by the next call with the same `into` (or a fresh pair when none is given).
   */
  fill(
    b: number,
    y: number,
    x0: number,
    width: number,
    into?: { offset: Float32Array; gain: Float32Array },
  ): { offset: Float32Array; gain: Float32Array } {
    const offset = into?.offset.subarray(0, width) ?? new Float32Array(width);
    const gain = into?.gain.subarray(0, width) ?? new Float32Array(width);
    const seg = this.row;
    const rec = segmentFields(this.local.offset.length);
    const count = this.segments(y, x0, width, seg);
    for (let s = 0; s < count; s++) {
      const q = s * rec;
      const k = q + 2 + 4 * b;
      let o = seg[k]!;
      let g = seg[k + 2]!;
      for (let x = seg[q]!; x < seg[q + 1]!; x++, o += seg[k + 1]!, g += seg[k + 3]!) {
        offset[x] = o;
        gain[x] = g;
      }
    }
    return { offset, gain };
  }

  /**
   * The row `y` over window columns x0 … x0 + width − 1 as linear segments, for readers that step
   * offset and gain along with the pixel (no row arrays): `into` receives per segment
   * [start, end, then per band: offset, offset step, gain, gain step] (SEGMENT_FIELDS(nb) numbers,
   * values at `start`); returns how many segments. `into` needs room for cols + 1 segments.
   */
  segments(y: number, x0: number, width: number, into: Float64Array): number {
    const L = this.local;
    const nb = L.offset.length;
    const rec = segmentFields(nb);
    const last = L.cols - 1;
    const cw = L.cellWidth;
    blendInto(y, L.cellHeight, L.rows, this.at);
    const { i0: j0, i1: j1, f: fy } = this.at;
    const cols = this.cols(nb);
    for (let b = 0; b < nb; b++) {
      const oA = L.offset[b]!;
      const gA = L.gain[b]!;
      const c = cols[b]!;
      for (let i = 0; i < L.cols; i++) {
        const a = j0 * L.cols + i;
        const e = j1 * L.cols + i;
        c[2 * i] = oA[a]! + fy * (oA[e]! - oA[a]!);
        c[2 * i + 1] = gA[a]! + fy * (gA[e]! - gA[a]!);
      }
    }
    const from = (f: number) => Math.min(width, Math.max(0, Math.ceil((f + 0.5) * cw - 0.5 - x0)));
    let n = 0;
    const push = (start: number, end: number, i: number, slope: boolean) => {
      if (end <= start) return;
      const k = n++ * rec;
      into[k] = start;
      into[k + 1] = end;
      const t = (x0 + start + 0.5) / cw - 0.5 - i;
      for (let b = 0; b < nb; b++) {
        const c = cols[b]!;
        const dOff = slope ? c[2 * i + 2]! - c[2 * i]! : 0;
        const dGain = slope ? c[2 * i + 3]! - c[2 * i + 1]! : 0;
        const o = k + 2 + 4 * b;
        into[o] = c[2 * i]! + (slope ? t * dOff : 0);
        into[o + 1] = dOff / cw;
        into[o + 2] = c[2 * i + 1]! + (slope ? t * dGain : 0);
        into[o + 3] = dGain / cw;
      }
    };
    let x = last === 0 ? width : from(0);
    push(0, x, 0, false);
    for (let i = 0; i < last && x < width; i++) {
      const e = from(i + 1);
      if (e <= x) continue;
      push(x, e, i, true);
      x = e;
    }
    push(x, width, last, false);
    return n;
  }

  private colsByBand: Float64Array[] = [];
  private cols(nb: number): Float64Array[] {
    if (this.colsByBand.length !== nb) {
      this.colsByBand = Array.from({ length: nb }, () => new Float64Array(2 * this.local.cols));
    }
    return this.colsByBand;
  }
}

/** Numbers per segment of `LocalRows.segments` for `nb` bands. */
export function segmentFields(nb: number): number {
  return 2 + 4 * nb;
}

/** The two cells whose centres bracket pixel `p` and the weight of the second (clamped at the edges), into `out`. */
function blendInto(p: number, cell: number, n: number, out: { i0: number; i1: number; f: number }): void {
  const f = (p + 0.5) / cell - 0.5;
  if (n === 1 || f <= 0) {
    out.i0 = 0;
    out.i1 = 0;
    out.f = 0;
  } else if (f >= n - 1) {
    out.i0 = n - 1;
    out.i1 = n - 1;
    out.f = 0;
  } else {
    const i = Math.floor(f);
    out.i0 = i;
    out.i1 = i + 1;
    out.f = f - i;
  }
}

/**
 * `out[i]` = `band[i]` through `lut` (linear between entries; saturated input stays 1). `out` may
 * be `band`. The table's steps are taken once per band, not per pixel: same values, fewer loads.
 */
export function normalizeBand(band: Float32Array, out: Float32Array, lut: Float32Array): void {
  const step = lutSteps(lut);
  for (let i = 0; i < band.length; i++) out[i] = normalizeValue(band[i]!, lut, step);
}

/** The differences between a table's neighbouring entries, for `normalizeValue`. */
export function lutSteps(lut: Float32Array): Float64Array {
  const scale = LUT_SIZE - 1;
  const step = new Float64Array(scale);
  for (let k = 0; k < scale; k++) step[k] = lut[k + 1]! - lut[k]!;
  return step;
}

/**
 * One value through `lut` (`step` from `lutSteps`): the arithmetic of `normalizeBand`, for readers
 * that normalise while they resample (one pass over the pixels instead of two).
 */
export function normalizeValue(v: number, lut: Float32Array, step: Float64Array): number {
  if (v >= SATURATED) return 1;
  const scale = LUT_SIZE - 1;
  const t = v > 0 ? v * scale : 0;
  const i0 = t < scale - 1 ? t | 0 : scale - 1;
  return lut[i0]! + (t - i0) * step[i0]!;
}

/** The normalisation that changes nothing: for a pair with nothing in common. */
export function identityNormalization(roles: BandRole[]): Normalization {
  const lut = Float32Array.from({ length: LUT_SIZE }, (_, i) => i / (LUT_SIZE - 1));
  return { roles: [...roles], luts: roles.map(() => Float32Array.from(lut)), residual: roles.map(() => 0), samples: 0 };
}

function lookup(lut: Float32Array, v: number): number {
  const scale = LUT_SIZE - 1;
  const t = Math.min(scale, Math.max(0, v * scale));
  const i0 = Math.min(scale - 1, t | 0);
  return lut[i0]! + (t - i0) * (lut[i0 + 1]! - lut[i0]!);
}

/** Per band, the median absolute difference to the reference of the stable pixels through the tables. */
function stableResiduals(mov: Float32Array[], ref: Float32Array[], luts: Float32Array[], stable: Uint8Array): number[] {
  return mov.map((m, b) => {
    const r = ref[b]!;
    const lut = luts[b]!;
    const d = new Float32Array(m.length);
    let k = 0;
    for (let i = 0; i < m.length; i++) if (stable[i]) d[k++] = Math.abs(lookup(lut, m[i]!) - r[i]!);
    return k > 0 ? d.subarray(0, k).sort()[k >> 1]! : 0;
  });
}

/** Raises the table above input `from` to rise by at least MIN_BRIGHT_SLOPE (in place; capped at 1). */
function liftBrightHalf(lut: Float32Array, from: number): void {
  const rise = MIN_BRIGHT_SLOPE / (LUT_SIZE - 1);
  const start = Math.min(LUT_SIZE - 1, Math.max(0, Math.round(from * (LUT_SIZE - 1))));
  for (let i = start + 1; i < LUT_SIZE; i++) lut[i] = Math.min(1, Math.max(lut[i]!, lut[i - 1]! + rise));
}

/** Up to `max` windows of side `size` spread evenly over a w×h image. */
function sampleWindows(w: number, h: number, size: number, max: number): Window[] {
  const sw = Math.min(size, w);
  const sh = Math.min(size, h);
  const per = Math.max(1, Math.floor(Math.sqrt(max)));
  const nx = Math.min(per, Math.max(1, Math.floor(w / sw)));
  const ny = Math.min(per, Math.max(1, Math.floor(h / sh)));
  const out: Window[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const x = nx === 1 ? (w - sw) >> 1 : Math.round((i * (w - sw)) / (nx - 1));
      const y = ny === 1 ? (h - sh) >> 1 : Math.round((j * (h - sh)) / (ny - 1));
      out.push({ x, y, width: sw, height: sh });
    }
  }
  return out;
}

function residuals(mov: Float32Array[], ref: Float32Array[], luts: Float32Array[]): Float32Array {
  const n = mov[0]!.length;
  const res = new Float32Array(n);
  for (let b = 0; b < mov.length; b++) {
    const m = mov[b]!;
    const r = ref[b]!;
    const lut = luts[b]!;
    for (let i = 0; i < n; i++) res[i]! += Math.abs(lookup(lut, m[i]!) - r[i]!);
  }
  return res;
}

/** Stable pixels: residual within median + 2.5 robust σ (MAD·1.4826). */
function selectStable(res: Float32Array): Uint8Array {
  // Plain loops and selection, not typed-array `from` with a mapping callback and sorts: those
  // were most of the fit's time (same values: the middle element of the sorted order).
  const med = kthOf(Float32Array.from(res), res.length >> 1);
  const dev = new Float32Array(res.length);
  for (let i = 0; i < res.length; i++) dev[i] = Math.abs(res[i]! - med);
  const mad = kthOf(dev, dev.length >> 1) * 1.4826;
  const limit = med + 2.5 * Math.max(mad, 1e-4);
  const stable = new Uint8Array(res.length);
  for (let i = 0; i < res.length; i++) stable[i] = res[i]! <= limit ? 1 : 0;
  return stable;
}

/** Cumulative histogram of values in [0, 1] over BINS bins, normalised to end at 1. */
function cdf(v: Float32Array, use: Uint8Array): Float64Array {
  const h = new Float64Array(BINS + 1);
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    if (!use[i]) continue;
    const bin = Math.min(BINS - 1, Math.max(0, Math.floor(v[i]! * BINS)));
    h[bin + 1]! += 1;
    n++;
  }
  for (let i = 1; i <= BINS; i++) h[i] = h[i - 1]! + h[i]! / n;
  return h; // h[k] = share of values below k/BINS
}

/** Value of the reference at cumulative share p (linear inside bins). */
function inverseCdf(c: Float64Array, p: number): number {
  let lo = 0;
  let hi = BINS;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (c[mid]! < p) lo = mid;
    else hi = mid;
  }
  const a = c[lo]!;
  const b = c[lo + 1]!;
  const f = b > a ? (p - a) / (b - a) : 0.5;
  return (lo + Math.min(1, Math.max(0, f))) / BINS;
}

/**
 * LUT = F_ref⁻¹(F_mov(v)) over the `use` pixels. Beyond the observed moving range (below its
 * 0.5th or above its 99.5th percentile) the table continues linearly with the slope of the tail
 * quantiles, so a new object brighter than anything stable still maps to something brighter.
 * With `lift` (the pair differs by content, not light) the bright half keeps MIN_BRIGHT_SLOPE.
 */
function quantileMap(mov: Float32Array, ref: Float32Array, use: Uint8Array, lift: boolean): Float32Array {
  const cm = cdf(mov, use);
  const cr = cdf(ref, use);
  const qm = (p: number) => inverseCdf(cm, p);
  const qr = (p: number) => inverseCdf(cr, p);
  const [pLo, pLo2, pHi2, pHi] = [0.005, 0.05, 0.95, 0.995];
  const slope = (a: number, b: number) => {
    const dm = qm(b) - qm(a);
    return dm > 1e-4 ? Math.min(5, Math.max(0.2, (qr(b) - qr(a)) / dm)) : 1;
  };
  const lowSlope = slope(pLo, pLo2);
  const highSlope = slope(pHi2, pHi);
  const mLo = qm(pLo);
  const mHi = qm(pHi);
  const lut = new Float32Array(LUT_SIZE);
  for (let i = 0; i < LUT_SIZE; i++) {
    const v = i / (LUT_SIZE - 1);
    let out: number;
    if (v < mLo) out = qr(pLo) - lowSlope * (mLo - v);
    else if (v > mHi) out = qr(pHi) + highSlope * (v - mHi);
    else {
      // F_mov at v, interpolated inside its bin.
      const t = v * BINS;
      const k = Math.min(BINS - 1, Math.floor(t));
      const p = cm[k]! + (t - k) * (cm[k + 1]! - cm[k]!);
      out = qr(Math.min(pHi, Math.max(pLo, p)));
    }
    lut[i] = Math.min(1, Math.max(0, out));
  }
  // Enforce monotonicity (flat bins of F_mov can make tiny dips at the seams).
  for (let i = 1; i < LUT_SIZE; i++) if (lut[i]! < lut[i - 1]!) lut[i] = lut[i - 1]!;
  if (lift) liftBrightHalf(lut, qm(0.5));
  return lut;
}

/**
 * The local correction of each cell, per band: Gauss–Newton on `lut(offset + gain · v) ≈ ref` over
 * the cell's stable pairs from (0, 1), with the gain pulled towards 1 (GAIN_PRIOR). Cells with too
 * few stable pairs (water, cloud, a construction site that changed whole) take the mean of their
 * fitted neighbours, spreading outwards; null when no cell could be fitted or the grid is one cell.
 */
function fitLocal(
  mov: Float32Array[],
  ref: Float32Array[],
  luts: Float32Array[],
  stable: Uint8Array,
  pos: { x: Uint32Array; y: Uint32Array },
  w: number,
  h: number,
  cellPx: number,
): LocalCorrection | null {
  const side = Math.max(cellPx, Math.ceil(Math.max(w, h) / MAX_CELLS));
  const cols = Math.max(1, Math.round(w / side));
  const rows = Math.max(1, Math.round(h / side));
  if (cols * rows < 2) return null;
  const cellWidth = w / cols;
  const cellHeight = h / rows;
  const n = mov[0]!.length;
  const cellOf = new Int32Array(n);
  const counts = new Int32Array(cols * rows);
  for (let i = 0; i < n; i++) {
    const c =
      Math.min(cols - 1, Math.floor(pos.x[i]! / cellWidth)) +
      cols * Math.min(rows - 1, Math.floor(pos.y[i]! / cellHeight));
    cellOf[i] = stable[i] ? c : -1;
    if (stable[i]) counts[c]!++;
  }
  const fitted = Uint8Array.from(counts, (c) => (c >= MIN_CELL_SAMPLES ? 1 : 0));
  if (!fitted.some((f) => f)) return null;
  const offset: Float32Array[] = [];
  const gain: Float32Array[] = [];
  const scale = LUT_SIZE - 1;
  for (let b = 0; b < mov.length; b++) {
    const m = mov[b]!;
    const r = ref[b]!;
    const lut = luts[b]!;
    const step = lutSteps(lut);
    const off = new Float32Array(cols * rows);
    const gn = new Float32Array(cols * rows).fill(1);
    for (let iter = 0; iter < 4; iter++) {
      // Normal equations per cell: [s11 s1v; s1v svv] · Δ = [g1; gv].
      const acc = new Float64Array(cols * rows * 6);
      for (let i = 0; i < n; i++) {
        const c = cellOf[i]!;
        if (c < 0 || !fitted[c]) continue;
        const v = m[i]!;
        const z = off[c]! + gn[c]! * v;
        const t = Math.min(scale, Math.max(0, z * scale));
        const i0 = Math.min(scale - 1, t | 0);
        const d = step[i0]! * scale;
        const e = r[i]! - (lut[i0]! + (t - i0) * step[i0]!);
        const k = c * 6;
        acc[k]! += d * d;
        acc[k + 1]! += d * d * v;
        acc[k + 2]! += d * d * v * v;
        acc[k + 3]! += d * e;
        acc[k + 4]! += d * e * v;
        acc[k + 5]! += 1;
      }
      for (let c = 0; c < cols * rows; c++) {
        if (!fitted[c]) continue;
        const k = c * 6;
        const cnt = acc[k + 5]!;
        const s11 = acc[k]! + 1e-6 * cnt;
        const s1v = acc[k + 1]!;
        const svv = acc[k + 2]! + GAIN_PRIOR * cnt;
        const g1 = acc[k + 3]!;
        const gv = acc[k + 4]! - GAIN_PRIOR * cnt * (gn[c]! - 1);
        const det = s11 * svv - s1v * s1v;
        if (!(det > 0)) continue;
        off[c] = Math.min(0.5, Math.max(-0.5, off[c]! + (svv * g1 - s1v * gv) / det));
        gn[c] = Math.min(2, Math.max(0.5, gn[c]! + (s11 * gv - s1v * g1) / det));
      }
    }
    offset.push(off);
    gain.push(gn);
  }
  fillUnfitted(fitted, cols, rows, [...offset, ...gain]);
  return { cols, rows, cellWidth, cellHeight, offset, gain };
}

/** Gives each unfitted cell the mean of its fitted 8-neighbours, ring by ring until all are set. */
function fillUnfitted(fitted: Uint8Array, cols: number, rows: number, fields: Float32Array[]): void {
  let pending = fitted.length - fitted.reduce((s, f) => s + f, 0);
  while (pending > 0) {
    const next = Uint8Array.from(fitted);
    for (let j = 0; j < rows; j++) {
      for (let i = 0; i < cols; i++) {
        const c = j * cols + i;
        if (fitted[c]) continue;
        const near: number[] = [];
        for (let dj = -1; dj <= 1; dj++) {
          for (let di = -1; di <= 1; di++) {
            const ii = i + di;
            const jj = j + dj;
            if (ii >= 0 && jj >= 0 && ii < cols && jj < rows && fitted[jj * cols + ii]) near.push(jj * cols + ii);
          }
        }
        if (near.length === 0) continue;
        for (const f of fields) f[c] = near.reduce((s, k) => s + f[k]!, 0) / near.length;
        next[c] = 1;
        pending--;
      }
    }
    fitted.set(next);
  }
}

/** The sample inputs through the local correction, as the readers blend it. */
function correctSamples(
  mov: Float32Array[],
  local: LocalCorrection,
  pos: { x: Uint32Array; y: Uint32Array },
): Float32Array[] {
  const n = mov[0]!.length;
  const out = mov.map(() => new Float32Array(n));
  const { cols } = local;
  const bx = { i0: 0, i1: 0, f: 0 };
  const by = { i0: 0, i1: 0, f: 0 };
  for (let i = 0; i < n; i++) {
    blendInto(pos.x[i]!, local.cellWidth, cols, bx);
    blendInto(pos.y[i]!, local.cellHeight, local.rows, by);
    const { i0, i1, f: fx } = bx;
    const { i0: j0, i1: j1, f: fy } = by;
    const c00 = j0 * cols + i0;
    const c10 = j0 * cols + i1;
    const c01 = j1 * cols + i0;
    const c11 = j1 * cols + i1;
    const w00 = (1 - fx) * (1 - fy);
    const w10 = fx * (1 - fy);
    const w01 = (1 - fx) * fy;
    const w11 = fx * fy;
    for (let b = 0; b < mov.length; b++) {
      const v = mov[b]![i]!;
      const o = local.offset[b]!;
      const g = local.gain[b]!;
      // Saturated input keeps its value: the tables' fit sees it as it is read (1 after the table anyway).
      out[b]![i] =
        v >= SATURATED
          ? v
          : w00 * o[c00]! +
            w10 * o[c10]! +
            w01 * o[c01]! +
            w11 * o[c11]! +
            (w00 * g[c00]! + w10 * g[c10]! + w01 * g[c01]! + w11 * g[c11]!) * v;
    }
  }
  return out;
}
