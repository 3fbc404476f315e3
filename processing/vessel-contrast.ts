/** Colour contrast against the local water background, in robust σ, and which pixels look like shadow. */
import { boxSum, dilate, maskedBoxMeans3, meanOfSums } from './box-filter.ts';
import { PlanePool } from './plane-pool.ts';
import type { Block } from './types.ts';

/** Histogram bins of `robustSigma`'s deviations, over [0, SIGMA_TOP). */
const SIGMA_BINS = 4096;
const SIGMA_TOP = 0.5;
/** (d / SIGMA_TOP) · SIGMA_BINS with both powers of two: one exact product, the same value. */
const SIGMA_SCALE = SIGMA_BINS / SIGMA_TOP;

/** Median absolute deviation × 1.4826 (a robust σ) of v − centre where `mask` is set, by histogram. */
export function robustSigma(v: Float32Array, mask: Uint8Array, centre: Float32Array): number {
  const hist = new Uint32Array(SIGMA_BINS);
  let total = 0;
  for (let i = 0; i < v.length; i++) {
    if (!mask[i]) continue;
    const c = centre[i]!;
    if (Number.isNaN(c)) continue;
    countDeviation(hist, Math.abs(v[i]! - c) * SIGMA_SCALE);
    total++;
  }
  return sigmaOf(hist, total);
}

/**
 * Counts a scaled deviation `q` (≥ 0, or NaN) in its bin, the last bin holding every larger one; a NaN
 * counts in none, as `hist[NaN]` is no element. The same bins as `Math.min(top, Math.floor(q))`, by
 * comparisons and a truncation: a NaN made the Math form's optimised code fall back to float indexing
 * (a 2 M pixel microbenchmark: four times the CPU; without NaN within 20 %). 25 MP detect profile, two
 * runs: spreadsRgb's self time 0.83 → 0.56 s.
 */
export function countDeviation(hist: Uint32Array, q: number): void {
  if (q < SIGMA_BINS - 1) hist[q | 0]!++;
  else if (q >= SIGMA_BINS - 1) hist[SIGMA_BINS - 1]!++;
}

/** The robust σ of a histogram of `total` deviations. */
function sigmaOf(hist: Uint32Array, total: number): number {
  let acc = 0;
  for (let b = 0; b < SIGMA_BINS; b++) {
    acc += hist[b]!;
    if (acc >= total / 2) return ((b + 0.5) / SIGMA_BINS) * SIGMA_TOP * 1.4826;
  }
  return 0;
}

/** `robustSigma` of each band about its centre; three bands in one pass over the mask. */
export function spreads(bands: Float32Array[], mask: Uint8Array, centres: Float32Array[]): number[] {
  if (bands.length !== 3) return bands.map((band, b) => robustSigma(band, mask, centres[b]!));
  const [v0, v1, v2] = bands as [Float32Array, Float32Array, Float32Array];
  const [c0, c1, c2] = centres as [Float32Array, Float32Array, Float32Array];
  const h0 = new Uint32Array(SIGMA_BINS);
  const h1 = new Uint32Array(SIGMA_BINS);
  const h2 = new Uint32Array(SIGMA_BINS);
  const totals = spreadsRgb(v0, v1, v2, c0, c1, c2, mask, h0, h1, h2);
  return [sigmaOf(h0, totals[0]!), sigmaOf(h1, totals[1]!), sigmaOf(h2, totals[2]!)];
}

/** `spreads`' pass over three bands: each band's histogram as `robustSigma` fills it; the counts. */
function spreadsRgb(
  v0: Float32Array,
  v1: Float32Array,
  v2: Float32Array,
  c0: Float32Array,
  c1: Float32Array,
  c2: Float32Array,
  mask: Uint8Array,
  h0: Uint32Array,
  h1: Uint32Array,
  h2: Uint32Array,
): [number, number, number] {
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const u0 = c0[i]!;
    if (!Number.isNaN(u0)) {
      countDeviation(h0, Math.abs(v0[i]! - u0) * SIGMA_SCALE);
      t0++;
    }
    const u1 = c1[i]!;
    if (!Number.isNaN(u1)) {
      countDeviation(h1, Math.abs(v1[i]! - u1) * SIGMA_SCALE);
      t1++;
    }
    const u2 = c2[i]!;
    if (!Number.isNaN(u2)) {
      countDeviation(h2, Math.abs(v2[i]! - u2) * SIGMA_SCALE);
      t2++;
    }
  }
  return [t0, t1, t2];
}

export interface Contrast {
  /** RMS over bands of (value − local water mean) / σ_band: how unlike water a pixel is. */
  a: Float32Array;
  /** 1 where the pixel is darker than water in every band with water's own hue (a shadow on water). */
  shadow: Uint8Array;
  /** 1 where the pixel is darker than the local water in every band (shadow or dark hull). */
  dark: Uint8Array;
  /** 1 where the pixel is brighter than the local water in every band (foam, a white deck). */
  bright: Uint8Array;
}

/**
 * waterContrast's two sweeps' sums (float slots 0–3 and 4–7), kept from call to call in this thread:
 * eight planes of the zone's size a call were the detect stage's largest source of garbage (37 MB at
 * 2048²), and each full collection also throws away the optimised code of closures (recompiled after).
 * Only for blocks up to `POOLED_MAX_PIXELS` (a berth's window; detect.ts's ZoneScratch keeps the same
 * bound): a large tile's eight planes (~480 MB at 3872²) would otherwise stay with the thread. Dropped
 * when detection in this thread ends (`releaseContrastPlanes`); a pool worker's go with the worker,
 * as a pool lives for one analysis. They lie in the thread's kernel memory, where maskedBoxSums3's
 * WebAssembly sweep writes them in place (no row copied out). That memory is kept per thread and never
 * shrinks (kernel-memory.ts): released planes are reused by its later allocations, not given back, so up
 * to eight planes of `POOLED_MAX_PIXELS` (48 MB) stay reserved in each thread that ever detected.
 */
const contrastPlanes = new PlanePool({ kernel: true });

/** Largest block whose sums go into `contrastPlanes`; larger ones get fresh planes. */
export const POOLED_MAX_PIXELS = 1.5e6;

/** Drops the sums' planes kept in this thread (its detection is over): see `contrastPlanes`. */
export function releaseContrastPlanes(): void {
  contrastPlanes.release();
}

/** Bytes of `contrastPlanes` this thread holds (for tests). */
export function contrastPlanesHeld(): number {
  return contrastPlanes.bytesHeld;
}

/**
 * Per-band contrast against the water around each pixel (a CFAR-style detector): the local mean over a
 * window of ~`backgroundM`, from water pixels only and, in a second pass, without the first pass's
 * outliers (hulls must not raise their own background). σ per band is the robust spread of water.
 * Shadow: every band darker than the background by a common factor (±15 %, on a 3×3 mean): shade
 * dims water without changing its hue, while black or red decks change it. `brightOnly` counts only
 * bands brighter than water (coarse imagery, where dark blobs on water are slicks, not hulls).
 * `background`, when given, holds the pixels the water's statistics come from (default `domain`): part
 * of the domain may be known to be something else scored against water (hulls the water mask joined).
 */
export function waterContrast(
  block: Block,
  domain: Uint8Array,
  gsd: number,
  backgroundM: number,
  brightOnly = false,
  background: Uint8Array = domain,
): Contrast {
  const { width, height } = block.window;
  const n = width * height;
  const r = Math.max(4, Math.round(backgroundM / gsd));
  const nb = block.bands.length;
  // Masked means as a ratio of two box sums; the counts are shared by all bands.
  const maskedMean = (band: Float32Array, mask: Uint8Array, count: Float32Array, fallback?: Float32Array) =>
    meanOfSums(boxSum(band, width, height, r, mask), count, fallback ?? null);
  // Three bands: their masked sums and the count in one sweep (the same values).
  const rgb = nb === 3 ? (block.bands as [Float32Array, Float32Array, Float32Array]) : null;
  // Their planes are the thread's (contrastPlanes): the means are taken in place and never leave this call.
  const planes = n <= POOLED_MAX_PIXELS ? contrastPlanes : null;
  const firstMeans = rgb ? maskedBoxMeans3(rgb, background, width, height, r, null, planes, 0) : null;
  const backgroundCount = firstMeans ? firstMeans.count : boxSum(background, width, height, r);
  const first: Float32Array[] = firstMeans
    ? [...firstMeans.means]
    : block.bands.map((band) => maskedMean(band, background, backgroundCount));
  const outlier = new Uint8Array(n);
  // Each band's spread about its mean (three bands in one pass over the mask), then its outliers.
  const firstSigmas = spreads(block.bands, background, first);
  block.bands.forEach((band, b) => {
    markOutliers(band, first[b]!, background, 3 * firstSigmas[b]!, outlier);
  });
  // Second pass without the outliers (hulls must not raise their own background); where a window
  // holds too little clean water (inside a big hull) the first-pass mean stands.
  const grown = dilate(outlier, width, height, 1);
  const clean = without(background, grown);
  const cleanMeans = firstMeans ? maskedBoxMeans3(rgb!, clean, width, height, r, firstMeans.means, planes, 4) : null;
  const cleanCount = cleanMeans ? cleanMeans.count : boxSum(clean, width, height, r);
  const means: Float32Array[] = cleanMeans
    ? [...cleanMeans.means]
    : block.bands.map((band, b) => maskedMean(band, clean, cleanCount, first[b]!));
  const sigmas: number[] = [];
  for (const sigma of spreads(block.bands, clean, means)) sigmas.push(Math.max(sigma, 0.004));
  const a = new Float32Array(n);
  const shadow = new Uint8Array(n);
  const darker = new Uint8Array(n);
  if (nb === 3) contrastRgb(block.bands, means, sigmas, domain, brightOnly, a);
  else contrastAny(block.bands, means, sigmas, domain, brightOnly, a);
  // Local noise: where the water itself is rough (sun glint, wind-rippled patches) its clean pixels
  // spread wider than the scene's σ, and wave crests would pass a global threshold. Contrast is
  // rescaled by the local RMS of the water's contrast when that exceeds 1 (CFAR with a local σ).
  // Over all water, each pixel capped at 5 σ: glint's own crests count, a hull's pixels barely do.
  const localA2 = boxSum(cappedSquares(a, background, 5), width, height, r);
  scaleByLocalRms(a, localA2, backgroundCount, domain);
  const brighter = new Uint8Array(n);
  if (nb === 3) darkerBrighterRgb(block.bands, means, domain, darker, brighter);
  else darkerBrighterAny(block.bands, means, domain, darker, brighter);
  markShadows(block.bands, means, a, darker, width, shadow);
  return { a, shadow, dark: darker, bright: brighter };
}

/** `contrastRgb` for any number of bands. */
function contrastAny(
  bands: Float32Array[],
  means: Float32Array[],
  sigmas: number[],
  domain: Uint8Array,
  brightOnly: boolean,
  a: Float32Array,
): void {
  const nb = bands.length;
  const n = a.length;
  for (let i = 0; i < n; i++) {
    if (!domain[i]) continue;
    let s2 = 0;
    for (let b = 0; b < nb; b++) {
      const m = means[b]![i]!;
      if (Number.isNaN(m)) continue;
      const d = bands[b]![i]! - m;
      if (d > 0 || !brightOnly) s2 += (d / sigmas[b]!) ** 2;
    }
    a[i] = Math.sqrt(s2 / nb);
  }
}

/** `darkerBrighterRgb` for any number of bands. */
function darkerBrighterAny(
  bands: Float32Array[],
  means: Float32Array[],
  domain: Uint8Array,
  dark: Uint8Array,
  bright: Uint8Array,
): void {
  const nb = bands.length;
  const n = dark.length;
  for (let i = 0; i < n; i++) {
    if (!domain[i]) continue;
    let below = true;
    let above = true;
    for (let b = 0; b < nb; b++) {
      const m = means[b]![i]!;
      if (Number.isNaN(m)) {
        below = above = false;
        break;
      }
      const d = bands[b]![i]! - m;
      if (d >= 0) below = false;
      if (!(d > 0)) above = false;
    }
    dark[i] = below ? 1 : 0;
    bright[i] = above ? 1 : 0;
  }
}

/**
 * 1 in `shadow` where a `darker` pixel of contrast 2 or more keeps water's hue: every band's 3×3 mean
 * over its water mean within a common factor.
 */
function markShadows(
  bands: Float32Array[],
  means: Float32Array[],
  a: Float32Array,
  darker: Uint8Array,
  width: number,
  shadow: Uint8Array,
): void {
  const nb = bands.length;
  const n = a.length;
  const height = n / width;
  for (let i = 0; i < n; i++) {
    if (darker[i] !== 1 || a[i]! < 2) continue;
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for (let b = 0; b < nb; b++) {
      const q = meanRatio3(bands[b]!, i, width, height, means[b]![i]!);
      if (q < lo) lo = q;
      if (q > hi) hi = q;
    }
    shadow[i] = hi - lo <= 0.15 * Math.max(hi, 0.2) + 0.05 ? 1 : 0;
  }
}

/**
 * markShadows' 3×3 mean of `band` around pixel `i` over the water mean `m`, computed only for the dark
 * candidates that need it (a function of its own, not a closure made per call).
 */
function meanRatio3(band: Float32Array, i: number, width: number, height: number, m: number): number {
  const x = i % width;
  const y = (i / width) | 0;
  let s = 0;
  let c = 0;
  for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) {
    for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
      s += band[yy * width + xx]!;
      c++;
    }
  }
  return s / c / Math.max(m, 1e-3);
}

/** Marks in `out` the `mask` pixels further than `limit` from their local mean. */
function markOutliers(band: Float32Array, mean: Float32Array, mask: Uint8Array, limit: number, out: Uint8Array): void {
  const n = band.length;
  for (let i = 0; i < n; i++) if (mask[i] && Math.abs(band[i]! - mean[i]!) > limit) out[i] = 1;
}

/** 1 where `mask` is set and `drop` is not. */
function without(mask: Uint8Array, drop: Uint8Array): Uint8Array {
  const n = mask.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = mask[i] && !drop[i] ? 1 : 0;
  return out;
}

/** min(a, cap)² where `mask` is set, else 0. */
function cappedSquares(a: Float32Array, mask: Uint8Array, cap: number): Float32Array {
  const n = a.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mask[i] ? Math.min(a[i]!, cap) ** 2 : 0;
  return out;
}

/** `a` over `domain` divided by the local RMS (sum `sq` over `count` pixels, 8 or more), where that exceeds 1. */
function scaleByLocalRms(a: Float32Array, sq: Float32Array, count: Float32Array, domain: Uint8Array): void {
  const n = a.length;
  for (let i = 0; i < n; i++) {
    if (!domain[i]) continue;
    const c = count[i]!;
    if (c >= 8) a[i]! /= Math.max(1, Math.sqrt(sq[i]! / c));
  }
}

/**
 * `waterContrast`'s RMS contrast for three bands: the general loop's arithmetic, bands in the same
 * order, with the planes in locals (the inner band loop is what V8 compiles poorly).
 */
function contrastRgb(
  bands: Float32Array[],
  means: Float32Array[],
  sigmas: number[],
  domain: Uint8Array,
  brightOnly: boolean,
  a: Float32Array,
): void {
  const [b0, b1, b2] = bands as [Float32Array, Float32Array, Float32Array];
  const [m0, m1, m2] = means as [Float32Array, Float32Array, Float32Array];
  const [g0, g1, g2] = sigmas as [number, number, number];
  const n = a.length;
  for (let i = 0; i < n; i++) {
    if (!domain[i]) continue;
    let s2 = 0;
    const u0 = m0[i]!;
    if (!Number.isNaN(u0)) {
      const d = b0[i]! - u0;
      if (d > 0 || !brightOnly) s2 += (d / g0) ** 2;
    }
    const u1 = m1[i]!;
    if (!Number.isNaN(u1)) {
      const d = b1[i]! - u1;
      if (d > 0 || !brightOnly) s2 += (d / g1) ** 2;
    }
    const u2 = m2[i]!;
    if (!Number.isNaN(u2)) {
      const d = b2[i]! - u2;
      if (d > 0 || !brightOnly) s2 += (d / g2) ** 2;
    }
    a[i] = Math.sqrt(s2 / 3);
  }
}

/**
 * 1 in `dark` where every one of three bands is darker than its local water mean (known), in `bright`
 * where every one is brighter, over `domain`: one pass for both, since the differences are the same.
 */
function darkerBrighterRgb(
  bands: Float32Array[],
  means: Float32Array[],
  domain: Uint8Array,
  dark: Uint8Array,
  bright: Uint8Array,
): void {
  const [b0, b1, b2] = bands as [Float32Array, Float32Array, Float32Array];
  const [m0, m1, m2] = means as [Float32Array, Float32Array, Float32Array];
  const n = dark.length;
  for (let i = 0; i < n; i++) {
    if (!domain[i]) continue;
    const u0 = m0[i]!;
    const u1 = m1[i]!;
    const u2 = m2[i]!;
    // An unknown mean is neither; NaN differences fail both comparisons, as the general loop's do.
    if (Number.isNaN(u0) || Number.isNaN(u1) || Number.isNaN(u2)) continue;
    const d0 = b0[i]! - u0;
    const d1 = b1[i]! - u1;
    const d2 = b2[i]! - u2;
    dark[i] = !(d0 >= 0) && !(d1 >= 0) && !(d2 >= 0) ? 1 : 0;
    bright[i] = d0 > 0 && d1 > 0 && d2 > 0 ? 1 : 0;
  }
}
