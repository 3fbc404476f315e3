/** Cloud and haze mask of a block: bright, grey, smooth, cloud-sized and not ship-shaped. */
import { boxSum, dilate, maskedStdRows } from './box-filter.ts';
import { keepLarge, labelComponents } from './components.ts';
import { ProcessingError } from './errors.ts';
import { doubleMask, halveBlockWith } from './halve.ts';
import { andInPlace } from './mask-loops.ts';
import { PlanePool } from './plane-pool.ts';
import { planeSpreads, type Spreads } from './plane-spreads.ts';
import { luminance, rgbLuminanceInto } from './rgb-luminance.ts';
import type { Block } from './types.ts';

export interface CloudOptions {
  /** The reference block of the same window (registered, normalised): bright there too means a roof. */
  reference?: Block;
  /**
   * The pixels the reference date saw (its data), of which `reference.valid` marks the clear ones. Where
   * that date's mask took ground for cloud, the reference still shows that ground: seen the same today,
   * it is not cloud (clouds move). Without it, masked reference pixels are not compared.
   */
  referenceSeen?: Uint8Array;
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

/**
 * Below this local spread the reference has no texture for a veil to flatten (its correlation with today
 * is noise), and no haze is judged there. Ground the reference saw in a shadow is dark and flat in it,
 * and lighter today with its texture back: lighter and (at 0.02–0.03) hardly less flat, as haze would
 * be. The shadow of the previous date's cloud was masked as haze on the date after (seed 148390,
 * 2025-04-14: 131,664 px of clear ground and half of pier-2; 0.02 → 0.03: 130,132 → 11,800 px, the same
 * from 0.03 to 0.05; recall on the cloud dates unchanged). Haze over flat ground is still masked as the
 * fringe of a cloud whose core lies over textured ground or is thick.
 */
const TEXTURELESS_STD = 0.03;

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
 * correlated with it, from the spread of their difference `diffSd`. False where the reference has no
 * texture: there is nothing for a veil to flatten, and ground lighter today than a smooth, dark reference
 * is as often ground the reference saw in a shadow (a cloud's, a winter crane's) as ground under haze.
 */
function keepsTexture(sd: number, refSd: number, diffSd: number): boolean {
  if (refSd <= TEXTURELESS_STD) return false;
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
  if (opts.referenceSeen && opts.referenceSeen.length !== width * height) {
    throw new ProcessingError(
      'bad_bands',
      `referenceSeen has ${opts.referenceSeen.length} pixels; expected the block's ${width}×${height}`,
      'referenceSeen',
    );
  }
  // Most strips hold no pixel the reference date masked: nothing to compare there.
  const referenceSeen =
    reference && opts.referenceSeen && !sameBytes(opts.referenceSeen, reference.valid) ? opts.referenceSeen : undefined;
  if (opts.referenceSeen && !referenceSeen) opts = { ...opts, referenceSeen: undefined };
  if (2 * gsdM > HALF_MAX_GSD_M) return cloudMaskAt(block, opts);
  // Blocks of one shape (callers pass spread copies too): the passes below see one map.
  const ref = reference ? halveReference(reference, referenceSeen, width, height) : null;
  // The halved block's luminance, computed as it is halved (null: not three visible bands).
  const lumOut = POOL.floats(LUMINANCE, ((width + 1) >> 1) * ((height + 1) >> 1));
  const halved = halveBlockWith(plain(block), POOL, HALF_SLOT, lumOut);
  const half = cloudMaskAt(
    halved.half,
    { ...opts, gsdM: 2 * gsdM, reference: ref?.half, referenceSeen: ref?.seen },
    { lum: halved.lumDone ? lumOut : null, refLum: ref?.lum ?? null },
  );
  return doubleMask(half, width, height, block.valid);
}

/**
 * `cloudMask`'s reference of a `width` × `height` block at half resolution, and its luminance as it is
 * halved (null: not three visible bands). With `seen` (`CloudOptions.referenceSeen`): the means over
 * every pixel the reference date saw, seen where any of a cell's pixels is, clear (valid) where any of
 * its clear ones is.
 */
function halveReference(
  reference: Block,
  seen: Uint8Array | undefined,
  width: number,
  height: number,
): { half: Block; seen: Uint8Array | undefined; lum: Float32Array | null } {
  const out = POOL.floats(REFERENCE_LUMINANCE, ((width + 1) >> 1) * ((height + 1) >> 1));
  const halved = halveBlockWith(
    plain(seen ? { ...reference, valid: seen } : reference),
    POOL,
    HALF_REFERENCE_SLOT,
    out,
  );
  const lum = halved.lumDone ? out : null;
  if (!seen) return { half: halved.half, seen: undefined, lum };
  return {
    half: plain({ ...halved.half, valid: halveAny(reference.valid, width, height) }),
    seen: halved.half.valid,
    lum,
  };
}

/**
 * The cloud mask's temporaries, kept from call to call (calls in a thread run one at a time, and
 * none of these planes leaves one): the halved blocks' slots, then `cloudMaskAt`'s.
 */
const POOL = new PlanePool({ kernel: true });
// Byte, float and int slots are numbered apart (the pool keeps a list of each). `halveBlock` takes a
// slot per band from its first (bytes: two).
const HALF_SLOT = 0;
const HALF_REFERENCE_SLOT = 20;
const NEED = 40;
const NEED_REF = 41;
const CANDIDATE = 42;
const CORE = 43;
const LIFTED = 44;
const COMPARED = 45;
const FRINGE = 46;
const LINKED = 47;
const BOTH = 48;
const UNSEEN = 49;
const SEEN_BOTH = 50;
const LUMINANCE = 41;
const REFERENCE_LUMINANCE = 42;
/**
 * `cloudMaskAt`'s float planes that no kernel reads (spreads, box sums), kept as `POOL`'s are but out of
 * the kernel memory, which they would only grow. Its float slots:
 */
const SPREADS = new PlanePool();
const STD = 0;
const REF_STD = 1;
const HAZE = 2;
const TWICE = 5;
const LIFTED_NEAR = 8;
const COMPARED_NEAR = 9;
const PACKED = 10;

/** `planeSpreads`' zeroed planes from `SPREADS` slots `slot` … `slot + 2`. */
function spreadsOf(slot: number, n: number): Spreads {
  return { std: SPREADS.floats(slot, n), refStd: SPREADS.floats(slot + 1, n), diffStd: SPREADS.floats(slot + 2, n) };
}

/** Whether two byte planes of one length are equal. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  let i = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    // Four bytes a step: strips are millions of pixels, and nearly always the same throughout.
    const words = a.length >> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    for (let k = 0; k < words; k++) if (wa[k] !== wb[k]) return false;
    i = words << 2;
  }
  for (; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A mask at half resolution: a cell is set where any of its (up to) four pixels is. */
function halveAny(mask: Uint8Array, width: number, height: number): Uint8Array {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const out = new Uint8Array(cw * ch);
  for (let y = 0; y < height; y++) {
    const o = (y >> 1) * cw;
    const row = y * width;
    for (let x = 0; x < width; x++) if (mask[row + x]) out[o + (x >> 1)] = 1;
  }
  return out;
}

/** The block as a fresh object of the one shape `halveBlock` returns too. */
function plain(block: Block): Block {
  return { window: block.window, roles: block.roles, bands: block.bands, valid: block.valid };
}

/** `cloudMask` decided on every pixel of the block (`reference` already checked to match it). */
function cloudMaskAt(
  block: Block,
  {
    reference,
    referenceSeen,
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
  known: { lum: Float32Array | null; refLum: Float32Array | null } = { lum: null, refLum: null },
): Uint8Array {
  const { width, height } = block.window;
  const n = width * height;
  const valid = block.valid;
  const vis = visibleBands(block);
  const lum = known.lum ?? luminanceInto(block, vis, POOL.floats(LUMINANCE, n));
  const r = Math.max(1, Math.round(10 / gsdM));
  const ref = reference
    ? {
        valid: reference.valid,
        lum: known.refLum ?? luminanceInto(reference, visibleBands(reference), POOL.floats(REFERENCE_LUMINANCE, n)),
      }
    : null;
  const levels: Levels = { brightness, maxSaturation, maxTexture, hazeLift };
  // Texture decides only where level and colour already allow cloud or haze (bright, or lifted
  // over the reference): the local spreads are computed at those pixels alone.
  // The reference's spread matters only where haze is possible (lifted, not too colourful).
  // Each pass over the pixels is a small function of its own: in one function the passes were
  // compiled and deoptimised together (~14 times at 100 MP, on code not yet run when it was compiled).
  const need = POOL.bytes(NEED, n);
  const needRef = ref ? POOL.bytes(NEED_REF, n) : null;
  if (ref) markNeedWithReference(lum, valid, vis, ref.lum, ref.valid, levels, need, needRef!);
  else markNeed(lum, valid, vis, levels, need);
  const px = gsdM * gsdM;
  // Candidates are a subset of `need`, so a candidate blob lies inside one blob of `need`: where that
  // is smaller than a cloud, no candidate there can be kept, and its spread is not worth computing.
  if (!keepLarge(need, width, height, minCloudAreaM2 / px)) return new Uint8Array(n);
  if (needRef) andInPlace(needRef, need);
  const std = maskedStdRows(lum, valid, width, height, r, need, undefined, SPREADS.floats(STD, n));

  // Candidates only among the pixels still needed: the others cannot join a kept blob.
  const cand = POOL.bytes(CANDIDATE, n);
  if (ref) {
    // Haze is judged on texture about the local plane (a ramp is not texture), over the pixels both
    // dates see: var(today − ref) = var(today) + var(ref) − 2 cov gives the local correlation.
    const both = POOL.bytes(BOTH, n);
    bothValid(valid, ref.valid, both);
    // The plane only lowers a spread: where the reference's plain spread shows no texture, it has none
    // about the plane either (`keepsTexture`), and the fit is not worth its window's sums.
    narrowToTextured(
      needRef!,
      maskedStdRows(ref.lum, both, width, height, r, needRef!, undefined, SPREADS.floats(REF_STD, n)),
    );
    const haze = planeSpreads(lum, ref.lum, both, width, height, r, needRef!, spreadsOf(HAZE, n));
    // Where the reference was masked, the pixels it saw are still what that date saw: judged as ground
    // seen twice (the same level, the same texture), over the pixels both dates saw.
    const twice = referenceSeen
      ? seenTwice(need, ref.valid, referenceSeen, valid, lum, ref.lum, width, height, r)
      : null;
    markCandidatesWithReference(need, lum, vis, std, ref.lum, ref.valid, haze, twice, levels, cand);
  } else markCandidates(need, lum, vis, std, levels, cand);

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
  const core = POOL.bytes(CORE, n);
  gather(keep, labels, core);
  const reach = dilate(core, width, height, Math.max(1, Math.round(fringeReachM / gsdM)));
  // A veil lifts all the ground around a pixel; a train that came since the reference, or a shadow
  // that went, lifts a strip a few metres wide: the lifted share of ~20 m around tells them apart.
  const lifted = POOL.bytes(LIFTED, n);
  const compared = POOL.bytes(COMPARED, n);
  const rv = Math.max(1, Math.round(10 / gsdM));
  // Both counts of a window in one box sum, lifted + base × compared, where that stays an exact float
  // (below 2²⁴): `base` is above any window's count. Else (very fine pixels) two box sums.
  const side = 2 * rv + 1;
  const base = side * side + 1;
  const packed = ref && base * base < 2 ** 24 ? SPREADS.floats(PACKED, n) : null;
  if (ref) {
    const refVis = visibleBands(reference!);
    markLifted(reach, valid, ref.valid, core, lum, ref.lum, fringeLift, vis, refVis, lifted, compared, packed, base);
  }
  // Without a reference no pixel is compared, and the shares are never read.
  let liftedNear: Float32Array = NO_SUMS;
  let comparedNear: Float32Array = NO_SUMS;
  if (packed) liftedNear = boxSum(packed, width, height, rv, null, SPREADS.floatsAsIs(LIFTED_NEAR, n));
  else if (ref) {
    liftedNear = boxSum(lifted, width, height, rv, null, SPREADS.floatsAsIs(LIFTED_NEAR, n));
    comparedNear = boxSum(compared, width, height, rv, null, SPREADS.floatsAsIs(COMPARED_NEAR, n));
  }
  const fringe = POOL.bytes(FRINGE, n);
  markFringe(
    valid,
    reach,
    core,
    compared,
    lifted,
    liftedNear,
    comparedNear,
    packed ? base : 0,
    lum,
    vis,
    levels,
    fringe,
  );
  const linked = labelComponents(fringe, width, height, { connectivity: 8 });
  const hasCore = new Uint8Array(linked.components.length + 1);
  markCoreLabels(core, linked.labels, hasCore);
  const out = POOL.bytes(LINKED, n);
  gather(hasCore, linked.labels, out);
  const grown = dilate(out, width, height, Math.max(1, Math.round(marginM / gsdM)));
  andInPlace(grown, valid);
  return grown;
}

/** The levels `cloudMaskAt` tests pixels against (`CloudOptions`). */
interface Levels {
  brightness: number;
  maxSaturation: number;
  maxTexture: number;
  hazeLift: number;
}

const NO_SUMS = new Float32Array(0);

/**
 * `luminance(block)` into `out` (zeroed, of the block's size): RGB by `rgbLuminanceInto` as
 * `luminance` takes it, other band sets through it.
 */
export function luminanceInto(block: Block, vis: Float32Array[], out: Float32Array): Float32Array {
  if (vis.length !== 3) {
    out.set(luminance(block));
    return out;
  }
  const [b0, b1, b2] = vis as [Float32Array, Float32Array, Float32Array];
  return rgbLuminanceInto(b0, b1, b2, out);
}

/** `out[i] = table[labels[i]]`. */
function gather(table: Uint8Array, labels: Int32Array, out: Uint8Array): void {
  for (let i = 0; i < out.length; i++) out[i] = table[labels[i]!]!;
}

/** `hasCore[label] = 1` for the labels of core pixels. */
function markCoreLabels(core: Uint8Array, labels: Int32Array, hasCore: Uint8Array): void {
  for (let i = 0; i < core.length; i++) if (core[i]) hasCore[labels[i]!] = 1;
}

/** Pixels that may be cloud without a reference: bright and grey. */
function markNeed(lum: Float32Array, valid: Uint8Array, vis: Float32Array[], t: Levels, need: Uint8Array): void {
  const { brightness, maxSaturation } = t;
  for (let i = 0; i < need.length; i++) {
    if (!valid[i]) continue;
    const l = lum[i]!;
    // Saturation only where the level could make the pixel cloud.
    need[i] = l >= brightness && saturationAt(vis, i) <= maxSaturation ? 1 : 0;
  }
}

/**
 * Pixels that may be cloud or haze (`need`) and those where haze is possible (`needRef`), where the
 * reference is valid from its lift over it too; elsewhere as `markNeed`. Both planes zeroed beforehand.
 */
function markNeedWithReference(
  lum: Float32Array,
  valid: Uint8Array,
  vis: Float32Array[],
  refLum: Float32Array,
  refValid: Uint8Array,
  t: Levels,
  need: Uint8Array,
  needRef: Uint8Array,
): void {
  const { brightness, maxSaturation, hazeLift } = t;
  for (let i = 0; i < need.length; i++) {
    if (!valid[i]) continue;
    const l = lum[i]!;
    if (!refValid[i]) {
      need[i] = l >= brightness && saturationAt(vis, i) <= maxSaturation ? 1 : 0;
      continue;
    }
    const lift = l - refLum[i]!;
    // Neither level nor lift can make the pixel cloud or haze (nearly every pixel): it stays 0 in both
    // (zeroed planes).
    if (!(l >= brightness || lift >= hazeLift)) continue;
    const sat = saturationAt(vis, i);
    const bright = l >= brightness && sat <= maxSaturation;
    const hazy = lift >= hazeLift && sat <= maxSaturation * 1.5;
    need[i] = (bright && lift >= hazeLift * 0.5) || hazy ? 1 : 0;
    needRef[i] = hazy ? 1 : 0;
  }
}

/** `need[i] = 0` where the reference's spread `refStd` is too low for haze (`keepsTexture`). */
function narrowToTextured(need: Uint8Array, refStd: Float32Array): void {
  for (let i = 0; i < need.length; i++) if (need[i] && refStd[i]! <= TEXTURELESS_STD) need[i] = 0;
}

/** Where both dates are valid (`both[i] = valid[i] & refValid[i]`, four bytes a step where word-aligned). */
export function bothValid(valid: Uint8Array, refValid: Uint8Array, both: Uint8Array): void {
  let i = 0;
  const aligned = valid.byteOffset % 4 === 0 && refValid.byteOffset % 4 === 0 && both.byteOffset % 4 === 0;
  // The word views would read past a shorter input; the byte loop reads it as 0 there.
  if (aligned && valid.length >= both.length && refValid.length >= both.length) {
    const words = both.length >> 2;
    const a = new Uint32Array(valid.buffer, valid.byteOffset, words);
    const b = new Uint32Array(refValid.buffer, refValid.byteOffset, words);
    const o = new Uint32Array(both.buffer, both.byteOffset, words);
    for (let k = 0; k < words; k++) o[k] = a[k]! & b[k]!;
    i = words << 2;
  }
  for (; i < both.length; i++) both[i] = valid[i]! & refValid[i]!;
}

/** Cloud candidates without a reference: thick cloud (bright, grey, smooth) among the needed pixels. */
function markCandidates(
  need: Uint8Array,
  lum: Float32Array,
  vis: Float32Array[],
  std: Float32Array,
  t: Levels,
  cand: Uint8Array,
): void {
  const { brightness, maxSaturation, maxTexture } = t;
  for (let i = 0; i < cand.length; i++) {
    if (!need[i]) continue;
    const l = lum[i]!;
    const sat = saturationAt(vis, i);
    cand[i] = l >= brightness && sat <= maxSaturation && std[i]! <= maxTexture ? 1 : 0;
  }
}

/**
 * The spreads of today, the reference and their difference where a candidate is possible over a masked
 * reference pixel the reference date saw, over the pixels both dates saw; null where there is none.
 */
function seenTwice(
  need: Uint8Array,
  refValid: Uint8Array,
  refSeen: Uint8Array,
  valid: Uint8Array,
  lum: Float32Array,
  refLum: Float32Array,
  width: number,
  height: number,
  r: number,
): Spreads | null {
  const unseen = POOL.bytes(UNSEEN, need.length);
  const both = POOL.bytes(SEEN_BOTH, need.length);
  let any = 0;
  for (let i = 0; i < need.length; i++) {
    both[i] = valid[i]! & refSeen[i]!;
    const u = need[i]! & (refValid[i]! ^ 1) & refSeen[i]!;
    unseen[i] = u;
    any |= u;
  }
  return any ? planeSpreads(lum, refLum, both, width, height, r, unseen, spreadsOf(TWICE, need.length)) : null;
}

/**
 * Cloud candidates: thick cloud lifted over the reference, or haze; as `markCandidates` where the
 * reference is masked, unless `twice` shows the ground it saw there is today's, seen again.
 */
function markCandidatesWithReference(
  need: Uint8Array,
  lum: Float32Array,
  vis: Float32Array[],
  std: Float32Array,
  refLum: Float32Array,
  refValid: Uint8Array,
  haze: Spreads,
  twice: Spreads | null,
  t: Levels,
  cand: Uint8Array,
): void {
  const { brightness, maxSaturation, maxTexture, hazeLift } = t;
  for (let i = 0; i < cand.length; i++) {
    if (!need[i]) continue;
    const l = lum[i]!;
    const sat = saturationAt(vis, i);
    const thick = l >= brightness && sat <= maxSaturation && std[i]! <= maxTexture;
    const lift = l - refLum[i]!;
    if (!refValid[i]) {
      // Clouds move and change shape between passes: the same level and texture in the same place on
      // the date before is ground that date's mask took for cloud (a new slab, seed 829304
      // 2025-04-14), which would stay masked date after date, its reference masked in turn, and grow
      // by the mask's margin each date.
      const seenBefore =
        twice !== null &&
        Math.abs(lift) < hazeLift * 0.5 &&
        keepsTexture(twice.std[i]!, twice.refStd[i]!, twice.diffStd[i]!);
      cand[i] = thick && !seenBefore ? 1 : 0;
      continue;
    }
    // A roof is as bright in the reference; haze lifts the level and flattens the texture.
    const sd = haze.std[i]!;
    const refSd = haze.refStd[i]!;
    const hazy =
      lift >= hazeLift &&
      sd <= 0.7 * refSd + 0.01 &&
      sat <= maxSaturation * 1.5 &&
      keepsTexture(sd, refSd, haze.diffStd[i]!);
    cand[i] = (thick && lift >= hazeLift * 0.5) || hazy ? 1 : 0;
  }
}

/** Within reach of a core, where both dates are valid (`compared`): lifted as a veil lifts, or core. */
function markLifted(
  reach: Uint8Array,
  valid: Uint8Array,
  refValid: Uint8Array,
  core: Uint8Array,
  lum: Float32Array,
  refLum: Float32Array,
  fringeLift: number,
  vis: Float32Array[],
  refVis: Float32Array[],
  lifted: Uint8Array,
  compared: Uint8Array,
  packed: Float32Array | null,
  base: number,
): void {
  for (let i = 0; i < lifted.length; i++) {
    if (!reach[i] || !valid[i] || !refValid[i]) continue;
    compared[i] = 1;
    const l = core[i] || (lum[i]! - refLum[i]! >= fringeLift && whitened(vis, refVis, i)) ? 1 : 0;
    lifted[i] = l;
    if (packed) packed[i] = l + base;
  }
}

/**
 * Whether most of the compared ground around pixel i is lifted (`VEIL_SHARE`): from the two box sums,
 * or with `base` from the one of lifted + base × compared (`liftedNear`; integers below 2²⁴, so the
 * quotient and remainder are exact).
 */
export function liftedShare(liftedNear: Float32Array, comparedNear: Float32Array, base: number, i: number): boolean {
  if (base === 0) return liftedNear[i]! >= VEIL_SHARE * comparedNear[i]!;
  const s = liftedNear[i]!;
  const c = Math.floor(s / base);
  return s - c * base >= VEIL_SHARE * c;
}

/**
 * Fringe pixels within reach: cores; compared pixels lifted with most of the ground around them;
 * the others bright and grey enough. `base`: as `liftedShare`'s.
 */
function markFringe(
  valid: Uint8Array,
  reach: Uint8Array,
  core: Uint8Array,
  compared: Uint8Array,
  lifted: Uint8Array,
  liftedNear: Float32Array,
  comparedNear: Float32Array,
  base: number,
  lum: Float32Array,
  vis: Float32Array[],
  t: Levels,
  fringe: Uint8Array,
): void {
  const { brightness, maxSaturation } = t;
  for (let i = 0; i < fringe.length; i++) {
    if (!valid[i] || !reach[i]) continue;
    if (core[i]) fringe[i] = 1;
    else if (compared[i]) fringe[i] = lifted[i] && liftedShare(liftedNear, comparedNear, base, i) ? 1 : 0;
    else fringe[i] = lum[i]! >= 0.75 * brightness && saturationAt(vis, i) <= maxSaturation ? 1 : 0;
  }
}
