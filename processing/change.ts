/** Change detection: a per-block mask of pixels that changed between two registered, normalised images. */
import { labelComponents } from './components.ts';
import { ProcessingError } from './errors.ts';
import type { Block } from './types.ts';

/** Context (px) the pipeline adds around each block: the envelope, smoothing and blob decisions look this far. */
export const CHANGE_MARGIN_PX = 8;

/** Band values at or above this are saturated (8-bit 255 is 1.0); normalisation keeps them at 1. */
export const SATURATED = 0.998;
/**
 * The least a saturated pixel can truly be, in normalised units: gain ≤ 1.5, gamma ≥ 0.7 and haze
 * ≤ 0.15 saturate values from ((1 − 0.15)/1.5)^(1/0.7) ≈ 0.44 up.
 */
const SATURATED_FLOOR = 0.45;

export interface ChangeOptions {
  /** Seed level of the smoothed colour difference (0..1 units, after normalisation). */
  threshold?: number;
  /** Level a changed region may grow into from its seeds (hysteresis). */
  lowThreshold?: number;
  /** Smallest changed blob kept, px. */
  minAreaPx?: number;
  /** Half-size of the neighbourhood searched in the other image for a match (1 → 3×3): absorbs misregistration. */
  searchPx?: number;
  /**
   * Share of the neighbourhood's range a pixel may move towards (0.5: up to the half-way values to
   * each neighbour, i.e. ±½ px of misregistration on a sharp edge). 1 tolerates whole-pixel shifts
   * but blinds the mask to objects under 3 px wide.
   */
  tolerance?: number;
  /** Half-size of the box that averages the difference before thresholding. */
  smoothPx?: number;
}

/**
 * 1 where the scene changed between `previous` and `current` (same window, same bands, already
 * registered and normalised), 0 elsewhere and wherever either image is invalid.
 *
 * The difference is robust to residual misregistration by comparing each pixel with the value
 * range of a small neighbourhood in the other image, both ways, and keeping the smaller (after
 * Castilla's "neighbourhood min difference" and the envelope test of Bruzzone & Cossu 2003):
 * an edge displaced by a fraction of a pixel lies inside the other image's local range and scores
 * 0. Per-band distances combine into a colour distance, which a box filter averages against noise;
 * hysteresis thresholds and a minimum blob size make the decision per object, not per pixel.
 */
export function changeMask(previous: Block, current: Block, opts: ChangeOptions = {}): Uint8Array {
  const {
    threshold = 0.12,
    lowThreshold = threshold * 0.5,
    minAreaPx = 12,
    searchPx = 1,
    tolerance = 0.5,
    smoothPx = 1,
  } = opts;
  const { width, height } = previous.window;
  const n = width * height;
  if (current.window.width !== width || current.window.height !== height) {
    throw new ProcessingError(
      'bad_bands',
      `blocks differ in size: previous ${width}×${height}, current ${current.window.width}×${current.window.height}`,
    );
  }
  if (previous.bands.length !== current.bands.length) {
    throw new ProcessingError(
      'bad_bands',
      `current block has ${current.bands.length} bands; the previous has ${previous.bands.length}`,
    );
  }
  const dist = new Float32Array(n);
  const lo = new Float32Array(n);
  const hi = new Float32Array(n);
  const tmp = new Float32Array(n);
  const d1 = new Float32Array(n);
  for (let b = 0; b < previous.bands.length; b++) {
    const p = previous.bands[b]!;
    const c = current.bands[b]!;
    // current vs the range of previous around each pixel
    envelope(p, lo, hi, tmp, width, height, searchPx, tolerance);
    outside(c, lo, hi, d1);
    // previous vs the range of current
    envelope(c, lo, hi, tmp, width, height, searchPx, tolerance);
    outside(p, lo, hi, tmp);
    for (let i = 0; i < n; i++) {
      const a = d1[i]!;
      const e = tmp[i]!;
      const m = a < e ? a : e;
      dist[i]! += m * m;
    }
  }
  for (let i = 0; i < n; i++) dist[i] = Math.sqrt(dist[i]!);
  const score = smoothPx > 0 ? boxMean(dist, tmp, lo, width, height, smoothPx) : dist;
  // Hysteresis: regions above the low level that reach the high level somewhere.
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = previous.valid[i]! & current.valid[i]! & (score[i]! > lowThreshold ? 1 : 0);
  const { labels, components } = labelComponents(mask, width, height);
  const keep = new Uint8Array(components.length + 1);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l > 0 && score[i]! > threshold) keep[l] = 1;
  }
  for (const c of components) if (c.area < minAreaPx) keep[c.label] = 0;
  for (let i = 0; i < n; i++) mask[i] = keep[labels[i]!]!;
  return mask;
}

/** Per-pixel range over a (2r+1)² neighbourhood (separable; edges clamp), shrunk towards the pixel by `t`. */
function envelope(
  src: Float32Array,
  lo: Float32Array,
  hi: Float32Array,
  tmp: Float32Array,
  w: number,
  h: number,
  r: number,
  t: number,
): void {
  if (r <= 0) {
    lo.set(src);
    hi.set(src);
    return;
  }
  // Horizontal pass: min into lo, max into tmp.
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let mn = src[row + x]!;
      let mx = mn;
      const x0 = x - r < 0 ? 0 : x - r;
      const x1 = x + r >= w ? w - 1 : x + r;
      for (let k = x0; k <= x1; k++) {
        const v = src[row + k]!;
        mn = v < mn ? v : mn;
        mx = v > mx ? v : mx;
      }
      lo[row + x] = mn;
      tmp[row + x] = mx;
    }
  }
  // Vertical pass: needs the horizontal results intact, so work column-wise through a line buffer.
  const colLo = new Float32Array(h);
  const colHi = new Float32Array(h);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      colLo[y] = lo[y * w + x]!;
      colHi[y] = tmp[y * w + x]!;
    }
    for (let y = 0; y < h; y++) {
      let mn = colLo[y]!;
      let mx = colHi[y]!;
      const y0 = y - r < 0 ? 0 : y - r;
      const y1 = y + r >= h ? h - 1 : y + r;
      for (let k = y0; k <= y1; k++) {
        const a = colLo[k]!;
        const b = colHi[k]!;
        mn = a < mn ? a : mn;
        mx = b > mx ? b : mx;
      }
      const v = src[y * w + x]!;
      lo[y * w + x] = v + t * (mn - v);
      hi[y * w + x] = v + t * (mx - v);
    }
  }
}

/**
 * Distance of v from the interval [lo, hi] (0 inside). A saturated value (≥ SATURATED) is
 * censored: its true value is anything from SATURATED_FLOOR up, so it counts as that interval.
 */
function outside(v: Float32Array, lo: Float32Array, hi: Float32Array, out: Float32Array): void {
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    const xs = x >= SATURATED;
    const xl = xs ? SATURATED_FLOOR : x;
    const xh = xs ? Number.POSITIVE_INFINITY : x;
    const l = lo[i]! >= SATURATED ? SATURATED_FLOOR : lo[i]!;
    const h = hi[i]! >= SATURATED ? Number.POSITIVE_INFINITY : hi[i]!;
    const a = l - xh;
    const b = xl - h;
    const m = a > b ? a : b;
    out[i] = m > 0 ? m : 0;
  }
}

/** Mean over a (2r+1)² box (edges clamp to the available pixels), written to `out`. */
function boxMean(
  src: Float32Array,
  out: Float32Array,
  tmp: Float32Array,
  w: number,
  h: number,
  r: number,
): Float32Array {
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let s = 0;
      const x0 = x - r < 0 ? 0 : x - r;
      const x1 = x + r >= w ? w - 1 : x + r;
      for (let k = x0; k <= x1; k++) s += src[row + k]!;
      tmp[row + x] = s / (x1 - x0 + 1);
    }
  }
  for (let y = 0; y < h; y++) {
    const y0 = y - r < 0 ? 0 : y - r;
    const y1 = y + r >= h ? h - 1 : y + r;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = y0; k <= y1; k++) s += tmp[k * w + x]!;
      out[y * w + x] = s / (y1 - y0 + 1);
    }
  }
  return out;
}
