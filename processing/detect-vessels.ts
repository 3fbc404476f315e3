/** Vessel detection: hulls that stand out from the local water background, as oriented boxes. */
import { dilate, maskedMeanStd } from './box-filter.ts';
import { labelComponents } from './components.ts';
import { ProcessingError } from './errors.ts';
import type { Block, PixelBox } from './types.ts';

export interface VesselInput {
  block: Block;
  /** 1 inside the zone. */
  zone: Uint8Array;
  /** 1 on water (holes-filled envelope, see water.ts). */
  water: Uint8Array;
  /** 1 where the pixel is valid and not cloud. */
  valid: Uint8Array;
  gsdM: { x: number; y: number };
  minVesselLengthM: number;
}

export interface VesselOptions {
  /** Seed contrast in robust standard deviations of the water background (CFAR-style). */
  seedZ?: number;
  /** Contrast a pixel needs to join a seeded hull (hysteresis). */
  growZ?: number;
  /** Dark hulls need this much contrast, and must not touch a bright hull (else they are its shadow). */
  darkZ?: number;
  /** Dark hulls are sought only at this GSD or finer: at Sentinel-2's 10 m, dark blobs on water are
   * slicks, wakes and bridge shadows far more often than hulls (sen2ships: all dark blobs were false). */
  darkMaxGsdM?: number;
  /** Radius of the background window, metres: several hull lengths. */
  backgroundM?: number;
  /** Longer objects are breakwaters, wakes or land. */
  maxVesselLengthM?: number;
  /** Typical hull length/beam; a blob much fatter than this with a dark seam is split. */
  lengthToBeam?: number;
  /** A blob needs this share of its pixels off the one-pixel shore band (else it is a mixed shore edge). */
  shoreFraction?: number;
}

/** Intensity used for contrast: mean of all bands (NIR makes hulls stand out from water). */
function intensity(block: Block): Float32Array {
  const n = block.valid.length;
  const out = new Float32Array(n);
  for (const band of block.bands) for (let i = 0; i < n; i++) out[i]! += band[i]!;
  const k = 1 / Math.max(1, block.bands.length);
  for (let i = 0; i < n; i++) out[i]! *= k;
  return out;
}

/** Median absolute deviation × 1.4826 (a robust σ) of the values where `mask` is set, by histogram. */
function robustSigma(v: Float32Array, mask: Uint8Array, centre: Float32Array): number {
  const bins = 2048;
  const hist = new Uint32Array(bins);
  const top = 0.5;
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

interface Blob {
  pixels: number[];
  peak: number;
}

/** Oriented box from second moments; a uniform run of n pixels has variance (n²−1)/12. */
function boxOf(pixels: number[], width: number): Omit<PixelBox, 'confidence'> {
  let sx = 0;
  let sy = 0;
  for (const p of pixels) {
    sx += p % width;
    sy += (p / width) | 0;
  }
  const n = pixels.length;
  const mx = sx / n;
  const my = sy / n;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (const p of pixels) {
    const dx = (p % width) - mx;
    const dy = ((p / width) | 0) - my;
    xx += dx * dx;
    yy += dy * dy;
    xy += dx * dy;
  }
  xx /= n;
  yy /= n;
  xy /= n;
  const angle = 0.5 * Math.atan2(2 * xy, xx - yy);
  const tr = (xx + yy) / 2;
  const det = Math.sqrt(((xx - yy) / 2) ** 2 + xy * xy);
  const l1 = tr + det;
  const l2 = Math.max(0, tr - det);
  return { cx: mx, cy: my, length: Math.sqrt(12 * l1 + 1), width: Math.sqrt(12 * l2 + 1), angle };
}

/** Cuts a blob into parts at the given bins of its projection; recurses on each part. */
function cut(blob: Blob, proj: number[], at: number[], seam: boolean, z: Float32Array, cfg: SplitConfig): Blob[] {
  const parts: number[][] = at.map(() => []);
  parts.push([]);
  proj.forEach((t, k) => {
    if (seam && Math.floor(t) === at[0]) return; // the seam itself belongs to neither hull
    let part = 0;
    while (part < at.length && t >= at[part]!) part++;
    parts[part]!.push(blob.pixels[k]!);
  });
  if (parts.some((p) => p.length < cfg.minPartPx)) return [blob];
  return parts.flatMap((pixels) => splitAtSeams({ pixels, peak: blob.peak }, z, cfg));
}

interface SplitConfig {
  width: number;
  minPartPx: number;
  lengthToBeam: number;
}

/**
 * Splits a blob at dark seams across an axis (rafted ships side by side, or moored bow to stern):
 * the contrast profile along that axis, in 1-pixel bins, dips well below the peaks on both sides.
 */
function splitAtSeams(blob: Blob, z: Float32Array, cfg: SplitConfig): Blob[] {
  const { width, minPartPx, lengthToBeam } = cfg;
  if (blob.pixels.length < 2 * minPartPx) return [blob];
  const b = boxOf(blob.pixels, width);
  for (const axis of [b.angle + Math.PI / 2, b.angle]) {
    const ux = Math.cos(axis);
    const uy = Math.sin(axis);
    const proj = blob.pixels.map((p) => ((p % width) - b.cx) * ux + (((p / width) | 0) - b.cy) * uy);
    let lo = Number.POSITIVE_INFINITY;
    for (const t of proj) if (t < lo) lo = t;
    for (let k = 0; k < proj.length; k++) proj[k]! -= lo;
    const nb = Math.floor(Math.max(...proj)) + 1;
    if (nb < 5) continue;
    const sum = new Float64Array(nb);
    const cnt = new Float64Array(nb);
    proj.forEach((t, k) => {
      const bin = Math.floor(t);
      sum[bin]! += z[blob.pixels[k]!]!;
      cnt[bin]!++;
    });
    const prof = Array.from(sum, (s, k) => (cnt[k]! ? s / cnt[k]! : 0));
    // The deepest interior minimum, if it is below 55 % of the smaller of the two side maxima.
    let best = -1;
    let bestRatio = 0.55;
    for (let k = 2; k < nb - 2; k++) {
      const left = Math.max(...prof.slice(0, k));
      const right = Math.max(...prof.slice(k + 1));
      const ratio = prof[k]! / Math.min(left, right);
      if (ratio < bestRatio) {
        bestRatio = ratio;
        best = k;
      }
    }
    if (best < 0) continue;
    const parts = cut(blob, proj, [best], true, z, cfg);
    if (parts.length > 1) return parts;
  }
  // Rafted hulls with no visible seam: a blob much wider than a hull of its length holds several.
  // At 1.7 × the typical width, a blob is taken as ⌊…⌉ hulls abreast (a tug of L/B 4 stays whole).
  const abreast = (b.width * lengthToBeam) / b.length;
  const across = Math.round(abreast);
  if (b.width >= 6 && abreast >= 1.7 && lengthToBeam > 0) {
    const ux = Math.cos(b.angle + Math.PI / 2);
    const uy = Math.sin(b.angle + Math.PI / 2);
    const proj = blob.pixels.map((p) => ((p % width) - b.cx) * ux + (((p / width) | 0) - b.cy) * uy);
    const lo = Math.min(...proj);
    const span = Math.max(...proj) - lo;
    const at = Array.from({ length: across - 1 }, (_, k) => ((k + 1) * span) / across);
    return cut(
      blob,
      proj.map((t) => t - lo),
      at,
      false,
      z,
      { ...cfg, lengthToBeam: 0 },
    );
  }
  return [blob];
}

function blobsOf(mask: Uint8Array, z: Float32Array, width: number, height: number, seed: number): Blob[] {
  const { labels, components } = labelComponents(mask, width, height, { connectivity: 8 });
  const blobs: Blob[] = components.map(() => ({ pixels: [], peak: 0 }));
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!l) continue;
    const b = blobs[l - 1]!;
    b.pixels.push(i);
    const a = Math.abs(z[i]!);
    if (a > b.peak) b.peak = a;
  }
  return blobs.filter((b) => b.peak >= seed);
}

/** Bright or dark hulls on water, moored against piers and side by side, with shadows; oriented boxes in block pixels. */
export function detectVessels(
  input: VesselInput,
  {
    seedZ = 6,
    growZ = 3,
    darkZ = 8,
    backgroundM = 200,
    maxVesselLengthM = 500,
    lengthToBeam = 6,
    shoreFraction = 0,
    darkMaxGsdM = 5,
  }: VesselOptions = {},
): PixelBox[] {
  const { block, zone, water, valid, gsdM, minVesselLengthM } = input;
  const { width, height } = block.window;
  const n = width * height;
  for (const [name, m] of [
    ['zone', zone],
    ['water', water],
    ['valid', valid],
  ] as const) {
    if (m.length !== n) {
      throw new ProcessingError('bad_bands', `${name} mask has ${m.length} pixels; expected ${n}`, name);
    }
  }
  const domain = new Uint8Array(n);
  let any = 0;
  for (let i = 0; i < n; i++) {
    const d = zone[i]! & water[i]! & valid[i]! & block.valid[i]!;
    domain[i] = d;
    any |= d;
  }
  if (!any) return [];

  const v = intensity(block);
  const gsd = Math.sqrt(gsdM.x * gsdM.y);
  const r = Math.max(4, Math.round(backgroundM / gsd));
  // Two passes: the first background includes the hulls; pixels far from it are left out of the second.
  let { mean } = maskedMeanStd(v, domain, width, height, r, 8);
  let sigma = robustSigma(v, domain, mean);
  const clean = domain.slice();
  for (let i = 0; i < n; i++) if (domain[i] && Math.abs(v[i]! - mean[i]!) > 3 * sigma) clean[i] = 0;
  const grown = dilate(
    domain.slice().map((d, i) => (d && !clean[i] ? 1 : 0)),
    width,
    height,
    1,
  );
  for (let i = 0; i < n; i++) if (grown[i]) clean[i] = 0;
  ({ mean } = maskedMeanStd(v, clean, width, height, r, 8));
  sigma = Math.max(robustSigma(v, clean, mean), 0.004);

  const z = new Float32Array(n);
  const bright = new Uint8Array(n);
  const dark = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!domain[i]) continue;
    const m = mean[i]!;
    const zi = Number.isNaN(m) ? 0 : (v[i]! - m) / sigma;
    z[i] = zi;
    if (zi >= growZ) bright[i] = 1;
    else if (zi <= -growZ) dark[i] = 1;
  }

  const pxLen = (b: Omit<PixelBox, 'confidence'>) =>
    b.length * Math.hypot(Math.cos(b.angle) * gsdM.x, Math.sin(b.angle) * gsdM.y);
  const minPartPx = Math.max(3, Math.round((minVesselLengthM * minVesselLengthM) / lengthToBeam / (gsd * gsd)));
  const out: PixelBox[] = [];
  const emit = (blobs: Blob[], seed: number) => {
    for (const blob of blobs) {
      for (const part of splitAtSeams(blob, z, { width, minPartPx, lengthToBeam })) {
        const box = boxOf(part.pixels, width);
        const lengthM = pxLen(box);
        if (lengthM < minVesselLengthM || lengthM > maxVesselLengthM) continue;
        out.push({ ...box, confidence: Math.min(1, Math.max(0.05, 1 - Math.exp(-(part.peak - seed + 1)))) });
      }
    }
  };
  // Mixed water/land pixels along the shore are bright in a thin line; a hull reaches out into the water.
  const land = new Uint8Array(n);
  for (let i = 0; i < n; i++) land[i] = water[i] ? 0 : 1;
  const shore = dilate(land, width, height, 1);
  const offShore = (b: Blob) => b.pixels.filter((p) => !shore[p]).length >= b.pixels.length * shoreFraction;
  const brightBlobs = blobsOf(bright, z, width, height, seedZ).filter(offShore);
  emit(brightBlobs, seedZ);

  // Dark hulls: a dark blob touching a bright hull (within a few metres) is that hull's shadow.
  const hull = new Uint8Array(n);
  for (const b of brightBlobs) for (const p of b.pixels) hull[p] = 1;
  const near = dilate(hull, width, height, Math.max(1, Math.round(5 / gsd)));
  if (gsd > darkMaxGsdM) return out;
  const darkBlobs = blobsOf(dark, z, width, height, darkZ).filter((b) => !b.pixels.some((p) => near[p]));
  emit(darkBlobs, darkZ);
  return out;
}
