/** Radiometric normalisation: per-band monotone look-up tables mapping a moving image's radiometry to the reference's. */
import { ProcessingError, throwIfAborted } from './errors.ts';
import type { BandRole, Block, BlockReader, RunOptions, Shift, Window } from './types.ts';

/** Input at or above this is saturated (the same level change.ts uses). */
const SATURATED = 0.998;
/** Entries of each look-up table over input 0..1. */
const LUT_SIZE = 256;
/** Histogram resolution of the quantile matching. */
const BINS = 1024;

export interface Normalization {
  roles: BandRole[];
  /** Per band: output at inputs i/(LUT_SIZE-1); linear in between. */
  luts: Float32Array[];
  /** Per band: median absolute difference to the reference of the stable pixels after the fit (0..1 units). */
  residual: number[];
  /** Pixel pairs the final fit used (0: identity, nothing overlapped). */
  samples: number;
}

export interface NormalizeOptions extends RunOptions {
  /** Window side of the sample windows, px. */
  windowPx?: number;
  /** Most sample windows read (spread on a grid). */
  maxWindows?: number;
  /** Stable-pixel selection rounds after the first fit. */
  iterations?: number;
}

/**
 * Fits, per band, the monotone map from `moving` (read with `shift`, so aligned) to `reference`
 * over pixels that did not change. Iterative invariant-pixel selection (after Canty, Nielsen &
 * Schmidt 2004, with a non-parametric map): quantile-match all overlapping pixels, keep the pixels
 * whose summed residual over bands is small (median + 2.5 robust σ), and quantile-match again on
 * those. Quantile matching is monotone by construction, captures gain, gamma, tint and haze in one
 * table, and (unlike a regression) is not flattened by noise in the moving image.
 */
export async function fitNormalization(
  reference: BlockReader,
  moving: BlockReader,
  shift: Shift,
  opts: NormalizeOptions = {},
): Promise<Normalization> {
  const { signal, onProgress, windowPx = 512, maxWindows = 16, iterations = 2 } = opts;
  const nb = Math.min(reference.roles.length, moving.roles.length);
  if (reference.roles.length !== moving.roles.length) {
    throw new ProcessingError(
      'bad_bands',
      `moving image has ${moving.roles.length} bands; the reference has ${reference.roles.length}`,
    );
  }
  const w = Math.min(reference.width, moving.width);
  const h = Math.min(reference.height, moving.height);
  const windows = sampleWindows(w, h, windowPx, maxWindows);
  // ~300 k pairs fill 1024-bin histograms well; subsample large windows on a regular stride.
  const stride = Math.max(1, Math.round(Math.sqrt((windows.length * windowPx * windowPx) / 3e5)));
  const capacity = windows.reduce((s, win) => s + Math.ceil(win.width / stride) * Math.ceil(win.height / stride), 0);
  // (moving, reference) values of pixels valid in both.
  const movA = Array.from({ length: nb }, () => new Float32Array(capacity));
  const refA = Array.from({ length: nb }, () => new Float32Array(capacity));
  let count = 0;
  for (const [k, win] of windows.entries()) {
    throwIfAborted(signal);
    const r = await reference.read(win);
    const m = await moving.read(win, { shift });
    for (let y = 0; y < win.height; y += stride) {
      for (let x = 0; x < win.width; x += stride) {
        const i = y * win.width + x;
        if (!r.valid[i] || !m.valid[i]) continue;
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
  let luts = movA.map((m, b) => quantileMap(m, refA[b]!, stable));
  for (let it = 0; it < iterations; it++) {
    const res = residuals(movA, refA, luts);
    stable = selectStable(res);
    luts = movA.map((m, b) => quantileMap(m, refA[b]!, stable));
  }
  const residual = movA.map((m, b) => {
    const r = refA[b]!;
    const lut = luts[b]!;
    const d = new Float32Array(count);
    let k = 0;
    for (let i = 0; i < count; i++) if (stable[i]) d[k++] = Math.abs(lookup(lut, m[i]!) - r[i]!);
    return k > 0 ? d.subarray(0, k).sort()[k >> 1]! : 0;
  });
  let samples = 0;
  for (const s of stable) samples += s;
  return { roles, luts, residual, samples };
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
  for (let b = 0; b < block.bands.length; b++) normalizeBand(block.bands[b]!, block.bands[b]!, n.luts[b]!);
  return block;
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
  const sorted = Float32Array.from(res).sort();
  const med = sorted[sorted.length >> 1]!;
  const dev = Float32Array.from(res, (v) => Math.abs(v - med)).sort();
  const mad = dev[dev.length >> 1]! * 1.4826;
  const limit = med + 2.5 * Math.max(mad, 1e-4);
  return Uint8Array.from(res, (v) => (v <= limit ? 1 : 0));
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
 */
function quantileMap(mov: Float32Array, ref: Float32Array, use: Uint8Array): Float32Array {
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
  return lut;
}
