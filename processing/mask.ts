/** Cloud and haze mask of a block: bright, grey, smooth, cloud-sized and not ship-shaped. */
import { boxSum, dilate, maskedStdRows } from './box-filter.ts';
import { keepLarge, labelComponents } from './components.ts';
import { ProcessingError } from './errors.ts';
import { doubleMask, halveBlock } from './halve.ts';
import type { Block } from './types.ts';
import { luminance } from './water.ts';

export interface CloudOptions {
  /** The reference block of the same window (registered, normalised): bright there too means a roof. */
  reference?: Block;
  /** Ground size of a pixel, metres. */
  gsdM?: number;
  /**
   * Thick cloud is at least this bright (0..1, after normalisation to the reference). Sunlit concrete
   * quays reach ~0.6 in the sample port, thick cloud ~0.85: at 0.55 whole quays and the white hulls
   * beside them were masked, hiding their departures from change.
   */
  brightness?: number;
  /** …and this grey: (max − min) / max of the visible bands. */
  maxSaturation?: number;
  /** …and this smooth: local standard deviation over ~20 m. */
  maxTexture?: number;
  /** Haze: this much brighter than the reference, with its contrast reduced. */
  hazeLift?: number;
  /** Smaller bright patches are not cloud (a few hundred m², after the brief). */
  minCloudAreaM2?: number;
  /** Margin added around clouds for their soft edges, metres. */
  marginM?: number;
  /** Fringe pixels this much brighter than the reference join a cloud they touch. */
  fringeLift?: number;
  /**
   * …if within this distance of the cloud's core, metres. Soft edges are tens of metres wide, but a
   * survey strip may hold a cloud's edge without its core (the part of the core it holds too slender to
   * be kept): at 80 m, 18 % of a cloud was left unmasked (seed 830566, 2025-06-13).
   */
  fringeReachM?: number;
}

/**
 * Up to this ground size of a pixel, metres, the mask is decided on the block at half resolution (2×2
 * means) and brought back to it: clouds are hundreds of metres across and soft, their tests look over
 * 10 m or more, and the mask is grown by a 20 m margin, so a quarter of the pixels decide as well (the
 * mask costs ~40 % less at 1 m, halving the blocks included). Coarser imagery (Sentinel-2's 10 m) keeps
 * every pixel.
 */
const HALF_MAX_GSD_M = 2.5;

/**
 * A veil keeps the ground's texture under it, only fainter: today's pixels around a hazy pixel still
 * follow the reference's (a veil is smooth over hundreds of metres, so today ≈ a·reference + b over
 * ~20 m). Ground that objects left since the reference (an emptied rail yard, a cleared quay) is lighter
 * and flatter too, but its texture is its own: the reference's trains are not in it (seed 839718,
 * 2025-02-13: half of a clear, emptied yard was masked as haze).
 */
const HAZE_MIN_CORRELATION = 0.5;

/** Below this local spread the reference has no texture for haze to keep: its correlation is noise. */
const TEXTURELESS_STD = 0.02;

/** Share of the ground around a fringe pixel that must be lifted with it. */
const VEIL_SHARE = 0.7;

/** The visible bands of a block (saturation is judged on them). */
function visibleBands(block: Block): Float32Array[] {
  return block.bands.filter((_, i) => block.roles[i] !== 'nir');
}

/**
 * (max − min) / max over the visible bands at pixel i, as a float; 0 for a single band. Taken per
 * pixel where a test needs it (bright or lifted pixels, a few percent), not as a plane.
 */
function saturationAt(vis: Float32Array[], i: number): number {
  if (vis.length < 2) return 0;
  let lo = 1;
  let hi = 0;
  for (const b of vis) {
    const v = b[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi > 1e-6 ? Math.fround((hi - lo) / hi) : 0;
}

/**
 * Whether pixel i is lifted over the reference as a veil of cloud lifts it: by about as much in every
 * visible band (the veil is near white; the darkest band's lift at least half the mean lift). A car
 * that came since the reference lifts its own colour's bands; ground the reference saw in a cloud's
 * shadow is lifted in proportion to its colour (dark blue water: red hardly at all).
 */
function whitened(vis: Float32Array[], refVis: Float32Array[], i: number): boolean {
  if (vis.length < 2) return true;
  let lo = Number.POSITIVE_INFINITY;
  let sum = 0;
  for (let b = 0; b < vis.length; b++) {
    const d = vis[b]![i]! - refVis[b]![i]!;
    if (d < lo) lo = d;
    sum += d;
  }
  return lo >= 0.5 * (sum / vis.length);
}

/**
 * Whether today's local texture (spread `sd`) is the reference's (spread `refSd`) seen through a veil:
 * correlated with it, from the spread of their difference `diffSd`; true where the reference has none.
 */
function keepsTexture(sd: number, refSd: number, diffSd: number): boolean {
  if (refSd <= TEXTURELESS_STD) return true;
  const cov = (sd * sd + refSd * refSd - diffSd * diffSd) / 2;
  return cov >= HAZE_MIN_CORRELATION * sd * refSd;
}

/**
 * Cloud/haze mask (1 = obscured) of a block; the reference block of the same window (registered,
 * normalised), if given, helps tell bright roofs from cloud. Clouds: bright, low saturation, smooth,
 * larger than a few hundred m². Elongated bright objects of hull size are left alone: a white ship
 * is bright, grey and smooth at 10 m too.
 */
export function cloudMask(block: Block, opts: CloudOptions = {}): Uint8Array {
  const { width, height } = block.window;
  const { reference, gsdM = 1 } = opts;
  if (reference && reference.valid.length !== width * height) {
    throw new ProcessingError(
      'bad_bands',
      `reference has ${reference.valid.length} pixels; expected the block's ${width}×${height}`,
      'reference',
    );
  }
  if (2 * gsdM > HALF_MAX_GSD_M) return cloudMaskAt(block, opts);
  const half = cloudMaskAt(halveBlock(block), {
    ...opts,
    gsdM: 2 * gsdM,
    reference: reference && halveBlock(reference),
  });
  return doubleMask(half, width, height, block.valid);
}

/** `cloudMask` decided on every pixel of the block (`reference` already checked to match it). */
function cloudMaskAt(
  block: Block,
  {
    reference,
    gsdM = 1,
    brightness = 0.7,
    maxSaturation = 0.2,
    maxTexture = 0.06,
    hazeLift = 0.15,
    minCloudAreaM2 = 400,
    marginM = 20,
    fringeLift = 0.04,
    fringeReachM = 300,
  }: CloudOptions = {},
): Uint8Array {
  const { width, height } = block.window;
  const n = width * height;
  const lum = luminance(block);
  const vis = visibleBands(block);
  const r = Math.max(1, Math.round(10 / gsdM));
  const refLum = reference ? luminance(reference) : null;
  // Texture decides only where level and colour already allow cloud or haze (bright, or lifted
  // over the reference): the local spreads are computed at those pixels alone.
  // The reference's spread matters only where haze is possible (lifted, not too colourful).
  const need = new Uint8Array(n);
  const needRef = refLum ? new Uint8Array(n) : null;
  for (let i = 0; i < n; i++) {
    if (!block.valid[i]) continue;
    const l = lum[i]!;
    const lift = refLum && reference!.valid[i] ? l - refLum[i]! : Number.NaN;
    // Saturation only where level or lift could make the pixel cloud or haze.
    const sat = l >= brightness || lift >= hazeLift ? saturationAt(vis, i) : 1;
    const bright = l >= brightness && sat <= maxSaturation;
    if (refLum && reference!.valid[i]) {
      const hazy = lift >= hazeLift && sat <= maxSaturation * 1.5;
      need[i] = (bright && lift >= hazeLift * 0.5) || hazy ? 1 : 0;
      needRef![i] = hazy ? 1 : 0;
    } else need[i] = bright ? 1 : 0;
  }
  const px = gsdM * gsdM;
  // Candidates are a subset of `need`, so a candidate blob lies inside one blob of `need`: where that
  // is smaller than a cloud, no candidate there can be kept, and its spread is not worth computing.
  if (!keepLarge(need, width, height, minCloudAreaM2 / px)) return new Uint8Array(n);
  if (needRef) for (let i = 0; i < n; i++) needRef[i]! &= need[i]!;
  const std = maskedStdRows(lum, block.valid, width, height, r, need);
  const refStd = reference && refLum ? maskedStdRows(refLum, reference.valid, width, height, r, needRef!) : null;
  // var(today − ref) = var(today) + var(ref) − 2 cov: the local correlation from one more spread.
  let diffStd: Float32Array | null = null;
  if (reference && refLum) {
    const diff = new Float32Array(n);
    const both = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      both[i] = block.valid[i]! & reference.valid[i]!;
      diff[i] = lum[i]! - refLum[i]!;
    }
    diffStd = maskedStdRows(diff, both, width, height, r, needRef!);
  }

  // Candidates only among the pixels still needed: the others cannot join a kept blob.
  const cand = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!need[i]) continue;
    const l = lum[i]!;
    const sat = saturationAt(vis, i);
    const thick = l >= brightness && sat <= maxSaturation && std[i]! <= maxTexture;
    if (refLum && reference!.valid[i]) {
      const lift = l - refLum[i]!;
      // A roof is as bright in the reference; haze lifts the level and flattens the texture.
      const haze =
        lift >= hazeLift &&
        std[i]! <= 0.7 * refStd![i]! + 0.01 &&
        sat <= maxSaturation * 1.5 &&
        keepsTexture(std[i]!, refStd![i]!, diffStd![i]!);
      cand[i] = (thick && lift >= hazeLift * 0.5) || haze ? 1 : 0;
    } else {
      cand[i] = thick ? 1 : 0;
    }
  }

  const { labels, components } = labelComponents(cand, width, height, { connectivity: 8 });
  const keep = new Uint8Array(components.length + 1);
  for (const c of components) {
    if (c.area * px < minCloudAreaM2) continue;
    const mx = c.sumX / c.area;
    const my = c.sumY / c.area;
    const xx = c.sumXX / c.area - mx * mx;
    const yy = c.sumYY / c.area - my * my;
    const xy = c.sumXY / c.area - mx * my;
    const det = Math.sqrt(((xx - yy) / 2) ** 2 + xy * xy);
    const l1 = (xx + yy) / 2 + det;
    const l2 = Math.max(1e-6, (xx + yy) / 2 - det);
    const lengthM = Math.sqrt(12 * l1 + 1) * gsdM;
    // Hull-like: elongated (L/B ≥ 3) and no longer than the largest ships; past 100 m, as slender as
    // large hulls are (L/B 5–8; ≥ 4.5 here). A cloud cut by the edge of a survey strip is often a band of
    // L/B 3–4 (seed 283191, 2025-09-13: a 184 m piece at L/B 3.05 was taken for a ship, and 39 % of the
    // cloud left unmasked).
    const slender = l1 / l2 >= (lengthM < 100 ? 9 : 4.5 ** 2);
    const shipLike = slender && lengthM <= 450;
    keep[c.label] = shipLike ? 0 : 1;
  }
  // No cloud core: nothing for fringes to link to.
  if (!keep.includes(1)) return new Uint8Array(n);
  // Soft fringes: brighter than usual (than the reference, or than most ground without one) and
  // connected to a cloud core. Hysteresis, as in Canny's edge linking. Within reach of a core only: a
  // chain of brighter-than-before pixels (cars come and go along a rail yard, ground lit where the
  // reference lay in a cloud's shadow) would otherwise carry the mask far from any cloud.
  const core = new Uint8Array(n);
  for (let i = 0; i < n; i++) core[i] = keep[labels[i]!]!;
  const reach = dilate(core, width, height, Math.max(1, Math.round(fringeReachM / gsdM)));
  // A veil lifts all the ground around a pixel; a train that came since the reference, or a shadow
  // that went, lifts a strip a few metres wide: the lifted share of ~20 m around tells them apart.
  const refVis = reference ? visibleBands(reference) : null;
  const lifted = new Uint8Array(n);
  const compared = new Uint8Array(n);
  if (refLum) {
    for (let i = 0; i < n; i++) {
      if (!reach[i] || !block.valid[i] || !reference!.valid[i]) continue;
      compared[i] = 1;
      lifted[i] = core[i] || (lum[i]! - refLum[i]! >= fringeLift && whitened(vis, refVis!, i)) ? 1 : 0;
    }
  }
  const rv = Math.max(1, Math.round(10 / gsdM));
  const liftedNear = refLum ? boxSum(lifted, width, height, rv) : null;
  const comparedNear = refLum ? boxSum(compared, width, height, rv) : null;
  const fringe = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!block.valid[i] || !reach[i]) continue;
    if (core[i]) fringe[i] = 1;
    else if (compared[i]) fringe[i] = lifted[i] && liftedNear![i]! >= VEIL_SHARE * comparedNear![i]! ? 1 : 0;
    else fringe[i] = lum[i]! >= 0.75 * brightness && saturationAt(vis, i) <= maxSaturation ? 1 : 0;
  }
  const linked = labelComponents(fringe, width, height, { connectivity: 8 });
  const hasCore = new Uint8Array(linked.components.length + 1);
  for (let i = 0; i < n; i++) if (core[i]) hasCore[linked.labels[i]!] = 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = hasCore[linked.labels[i]!]!;
  const grown = dilate(out, width, height, Math.max(1, Math.round(marginM / gsdM)));
  for (let i = 0; i < n; i++) grown[i]! &= block.valid[i]!;
  return grown;
}
