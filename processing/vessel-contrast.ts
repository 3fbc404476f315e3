/** Colour contrast against the local water background, in robust σ, and which pixels look like shadow. */
import { boxSum, dilate, maskedMeanStd } from './box-filter.ts';
import type { Block } from './types.ts';

/** Median absolute deviation × 1.4826 (a robust σ) of v − centre where `mask` is set, by histogram. */
export function robustSigma(v: Float32Array, mask: Uint8Array, centre: Float32Array): number {
  const bins = 4096;
  const top = 0.5;
  const hist = new Uint32Array(bins);
  let total = 0;
  for (let i = 0; i < v.length; i++) {
    if (!mask[i]) continue;
    const c = centre[i]!;
    if (Number.isNaN(c)) continue;
    const d = Math.abs(v[i]! - c);
    hist[Math.min(bins - 1, Math.floor((d / top) * bins))]!++;
    total++;
  }
  let acc = 0;
  for (let b = 0; b < bins; b++) {
    acc += hist[b]!;
    if (acc >= total / 2) return ((b + 0.5) / bins) * top * 1.4826;
  }
  return 0;
}

export interface Contrast {
  /** RMS over bands of (value − local water mean) / σ_band: how unlike water a pixel is. */
  a: Float32Array;
  /** 1 where the pixel is darker than water in every band with water's own hue (a shadow on water). */
  shadow: Uint8Array;
}

/**
 * Per-band contrast against the water around each pixel (a CFAR-style detector): the local mean over a
 * window of ~`backgroundM`, from water pixels only and, in a second pass, without the first pass's
 * outliers (hulls must not raise their own background). σ per band is the robust spread of water.
 * Shadow: every band darker than the background by a common factor (±15 %, on a 3×3 mean): shade
 * dims water without changing its hue, while black or red decks change it.
 */
export function waterContrast(block: Block, domain: Uint8Array, gsd: number, backgroundM: number): Contrast {
  const { width, height } = block.window;
  const n = width * height;
  const r = Math.max(4, Math.round(backgroundM / gsd));
  const nb = block.bands.length;
  const means: Float32Array[] = [];
  const sigmas: number[] = [];
  const outlier = new Uint8Array(n);
  for (const band of block.bands) {
    const { mean } = maskedMeanStd(band, domain, width, height, r, 8);
    const s = robustSigma(band, domain, mean);
    for (let i = 0; i < n; i++) if (domain[i] && Math.abs(band[i]! - mean[i]!) > 3 * s) outlier[i] = 1;
  }
  const grown = dilate(outlier, width, height, 1);
  const clean = new Uint8Array(n);
  for (let i = 0; i < n; i++) clean[i] = domain[i] && !grown[i] ? 1 : 0;
  for (const band of block.bands) {
    const { mean } = maskedMeanStd(band, clean, width, height, r, 8);
    // Where a window holds no clean water (inside a big hull), fall back to the first-pass mean.
    const first = maskedMeanStd(band, domain, width, height, r, 1).mean;
    for (let i = 0; i < n; i++) if (Number.isNaN(mean[i]!)) mean[i] = first[i]!;
    means.push(mean);
    sigmas.push(Math.max(robustSigma(band, clean, mean), 0.004));
  }
  const a = new Float32Array(n);
  const shadow = new Uint8Array(n);
  const smooth = block.bands.map((b) => boxSum(b, width, height, 1));
  const count = boxSum(new Uint8Array(n).fill(1), width, height, 1);
  for (let i = 0; i < n; i++) {
    if (!domain[i]) continue;
    let s2 = 0;
    let dark = true;
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for (let b = 0; b < nb; b++) {
      const m = means[b]![i]!;
      if (Number.isNaN(m)) {
        dark = false;
        continue;
      }
      const d = block.bands[b]![i]! - m;
      s2 += (d / sigmas[b]!) ** 2;
      if (d >= 0) dark = false;
      const ratio = smooth[b]![i]! / count[i]! / Math.max(m, 1e-3);
      if (ratio < lo) lo = ratio;
      if (ratio > hi) hi = ratio;
    }
    a[i] = Math.sqrt(s2 / nb);
    shadow[i] = dark && hi - lo <= 0.15 * Math.max(hi, 0.2) + 0.05 ? 1 : 0;
  }
  return { a, shadow };
}
