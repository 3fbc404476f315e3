/** Vessel detection: hulls that stand out from the local water background, as oriented boxes. */
import { dilate, erode } from './box-filter.ts';
import { fourNeighbours, labelComponents } from './components.ts';
import { ProcessingError } from './errors.ts';
import { andOfThree, atLeast, notMask } from './mask-loops.ts';
import { type SunPosition, shadowPerMetre } from './sun-position.ts';
import type { Block, PixelBox } from './types.ts';
import { waterContrast } from './vessel-contrast.ts';
import { centredOn, frameOf, waterBeyond } from './vessel-cover.ts';

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
  /** The sun at capture, if known: shadows fall away from it, as far as a hull's height casts them. */
  sun?: SunPosition;
  /** 1 on land the water mask took for a moored hull (WaterOptions.berthed): such a patch lies against
   * its quay by construction, so touching land says nothing about it. */
  berthed?: Uint8Array;
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
  /** A blob lying along the shore (80 % in its one-pixel band) must be this wide to be a hull, metres. */
  minBeamM?: number;
  /** Coarser than `darkMaxGsdM`, a blob whose outline touches land (≥ 10 % of its outer ring) needs
   * this peak contrast: at 10 m, mixed land/water pixels along quays and piers pass the seed contrast
   * (sen2ships: 5 in 6 false detections touched land, true ones mostly lie free on water or peak higher). */
  shoreZ?: number;
  /** …unless at least this share of it is a moored-hull patch of the water mask (`berthed`), which
   * lies against its quay by construction, and it peaks at `berthedShoreZ` (sen2ships: moored ships'
   * patches peaked at 17–29 σ and were dropped as shore; any share 0.3–0.7 gives the same detections;
   * pooled P/R with berthedShoreZ 0: 0.60/0.36, 12: 0.61/0.36, 15: 0.63/0.36, 18: 0.64/0.34, 21: 0.64/0.32,
   * measured with moored-hull patches of 6 px or more). */
  berthedShare?: number;
  berthedShoreZ?: number;
  /** Seed contrast coarser than `darkMaxGsdM`: a 10 m pixel mixes a hull with water, and buoys, small
   * boats and wave crests reach 6 σ there (sen2ships: 8 σ drops 12 false detections, no true one;
   * 8.5 σ two more, faint short blobs peaking near 8.1 σ (a 37 m one on a grey strip off the shore in Busan, a
   * 52 m boat-sized spot in Honolulu), no true one: the true ships peak at 9.1 σ or more, and any of
   * 8.25–9 gives the same detections, 9.5 loses two ships; leave-one-port-out chooses 8.25–8.5). */
  coarseSeedZ?: number;
  /** At `darkMaxGsdM` or finer, a part mostly darker than water must fill this share of its box
   * (pixels ÷ length × width from its moments; a solid hull fills about 1): a dark hull is a solid
   * shape, a hull's shadow on rippled water is patchy (seed 20251: 13 such parts false, 3 on hulls). */
  minDarkFill?: number;
  /** At `darkMaxGsdM` or finer, a part must touch open water (water pixels under `growZ`) along at
   * least this share of its length: a hull at a quay has its outer side or its ends on water, even
   * the inner hull of a raft (≈ 2 beams ÷ length), while a patch of quay or pier that the water mask
   * took for a moored hull (a shadow on the apron, a shed's roof) is walled in by land. */
  minOpenContact?: number;
  /** A box longer than this many widths is a line (mixed pixels along a quay edge, a wake, a hull's
   * lit rail), not a hull: even slender hulls stay under about 12, and at 10 m a hull's mixed pixels
   * widen its box (sen2ships: only a 281 m wake is dropped at 10 m, no ship). */
  maxLengthToWidth?: number;
  /** Coarser than `darkMaxGsdM`: a detection whose contrast along its axis falls to under half its
   * last peak and rises again more than this many times is a row of separate targets (buoys or small
   * boats moored in line, whose blurs touch), not a hull: a hull's deck stays lit from end to end
   * (sen2ships: a 186 × 21 m row of moorings in Casablanca dips 3 times, the 43 true ships at most
   * once; 0 drops two of them). See `beadDips`. */
  maxCoarseBeadDips?: number;
  /** Coarser than `darkMaxGsdM`, a box wider than this, metres, is not a hull: the broadest ships
   * afloat are under 75 m in the beam, and the blur adds about a pixel on each side (a floating dock,
   * a pontoon field or a piece of quay is broader). sen2ships: the widest detected labelled ship is
   * 56 m; 100 m drops a 258 × 120 m blob on Busan's water and a 309 × 124 m piece of Casablanca's quay
   * the moored-hull step passed (pooled P/R 0.73/0.49 → 0.75/0.49); leave-one-port-out over
   * off/150/120/100/90/80/70/60 m F1 0.589 → 0.597, every fold choosing 100 m or less (60 m, which
   * also drops a 122 × 60 m false one, lies at the widest true hull's blur). */
  maxCoarseWidthM?: number;
  /** With the sun known, the tallest part of a hull (superstructure, cranes) stands this share of its
   * length above the water, up to `maxShadowHeightM`: how far its shadow may reach (a 200 m carrier's
   * bridge stands 35–40 m high). A dark part beyond the reach is a hull, however it lies. */
  shadowHeightPerLength?: number;
  maxShadowHeightM?: number;
  /** Contrast under which a pixel is plain water, not a deck that blends with it (decks ≈ 2 σ, water ≈ 0.2). */
  openWaterZ?: number;
  /** At `darkMaxGsdM` or finer, gaps up to this wide, metres, between pixels that stand out are deck
   * when they stand out at least `deckSeamZ` (see `bridgeDeckSeams`); 0 bridges none. At `openWaterZ`
   * (1 σ) the water between hulls moored bow to stern or a wake beside a hull bridged as well
   * (vessel-errors 20251: MAE 0.351 → 0.405, more hulls merged and anchored ones split); at 2 σ
   * it stays neutral there (20251 / 218029 / 551177 / 892223: 0.351 / 0.649 / 0.527 / 0.459 →
   * 0.351 / 0.635 / 0.527 / 0.473, hits +3, false detections 64 → 59). */
  deckSeamM?: number;
  deckSeamZ?: number;
  /** Two parallel detections side by side whose joint box is at least this many beams long are one
   * hull cut lengthwise (hulls are 5.6–7.2 beams long; two rafted hulls together are under 4). */
  minJointLengthToBeam?: number;
  /** At `darkMaxGsdM` or finer, a shorter hull rafted alongside part of a longer one is split off
   * where the blob's side stands out a minimum beam (see `splitAlongside`). */
  splitsAlongside?: boolean;
  /** Coarser than `darkMaxGsdM`, detections on one moored-hull patch (`berthed`) lying on each other's
   * axis with at most this gap between their ends, metres, are pieces of one hull (see
   * `joinMooredPieces`); negative joins none. Gaps are between the pieces' boxes, which the blur
   * lengthens: hulls moored bow to stern 80 m apart have boxes 80 m apart. sen2ships pooled P/R 0.75/0.49
   * → 0.78/0.49 (fp 14 → 12: a long Casablanca hull and a Busan one each in two pieces, 30–35 m apart;
   * no ship lost); leave-one-port-out over none/0/10/20/40/60 m/any: F1 0.597 → 0.606, every fold
   * choosing 40 m (20 m joins nothing). */
  maxMooredPieceGapM?: number;
}

interface Blob {
  pixels: number[];
  peak: number;
  /** Set on the hulls split from one raft (`splitRafted`, or abreast by `splitAlongside`): they lie
   * side by side by construction. */
  raft?: number;
  /** Set on the two hulls `splitLongAlongside` cut apart: a hull and one rafted along most of it. */
  longRaft?: number;
  /** Set on the hulls `splitRafted` cut apart where their ends showed two hulls (`endsApartAt`): each
   * part's ends are one hull's, so `splitAlongside` does not cut it again. */
  byEnds?: boolean;
  /** Set on the parts `splitRafted` cut at no visible seam (by the blob's width or its ends) where the
   * profile across shows two decks (`twoDecks`) or the blob's ends two hulls' ends (`endsApartAt`): two
   * hulls, so the final join does not take them for strips of one (`oneHullAbreast`). A cut at a seam
   * is not so confirmed: a hull's own lengthwise dark line (hatch rows) is such a seam, and its strips'
   * ends and decks read as two hulls' as often (dev seeds: 4 of 4 such refusals were one hull). */
  twoCues?: boolean;
}

/**
 * Centroid and second central moments of `pixels`, each weighted by `weight[p]` when given (else 1),
 * normalised by the total weight `w`.
 */
function momentsOf(
  pixels: number[],
  width: number,
  weight?: Float32Array,
): { w: number; mx: number; my: number; xx: number; yy: number; xy: number } {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (const p of pixels) {
    const w = weight ? weight[p]! : 1;
    sw += w;
    sx += w * (p % width);
    sy += w * ((p / width) | 0);
  }
  const mx = sx / sw;
  const my = sy / sw;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (const p of pixels) {
    const w = weight ? weight[p]! : 1;
    const dx = (p % width) - mx;
    const dy = ((p / width) | 0) - my;
    xx += w * dx * dx;
    yy += w * dy * dy;
    xy += w * dx * dy;
  }
  return { w: sw, mx, my, xx: xx / sw, yy: yy / sw, xy: xy / sw };
}

/** Oriented box from second moments; a uniform run of n pixels has variance (n²−1)/12. */
export function boxOf(pixels: number[], width: number): Omit<PixelBox, 'confidence'> {
  const { mx, my, xx, yy, xy } = momentsOf(pixels, width);
  const angle = 0.5 * Math.atan2(2 * xy, xx - yy);
  const tr = (xx + yy) / 2;
  const det = Math.sqrt(((xx - yy) / 2) ** 2 + xy * xy);
  const l1 = tr + det;
  const l2 = Math.max(0, tr - det);
  return { cx: mx, cy: my, length: Math.sqrt(12 * l1 + 1), width: Math.sqrt(12 * l2 + 1), angle };
}

/**
 * `b` moved along its long axis to lie within the extent of `pixels`, the part it stands for (centred
 * on them when longer). A box drawn about a part's core reaches past the part's end when the core
 * gathers there: a lit deckhouse aft as the whole core, boxed with the part's length; or with a few
 * strong pixels at the bow besides, whose moments spread the box as far again past the heavy end.
 * It then covers a hull moored beyond that end. Its length stays: it is the moments' measure that
 * the hull-shape rules read (cut to the part, rafted hulls measured under 5 beams: seed 20251 lost
 * a raft as a longer ship's end piece).
 */
function within(b: Omit<PixelBox, 'confidence'>, pixels: number[], width: number): Omit<PixelBox, 'confidence'> {
  const [u0, u1] = spanAlong(pixels, width, b);
  const lo = u0 - 0.5;
  const hi = u1 + 0.5;
  const half = b.length / 2;
  if (-half >= lo && half <= hi) return b;
  const mid = 2 * half >= hi - lo ? (lo + hi) / 2 : Math.min(Math.max(0, lo + half), hi - half);
  return { ...b, cx: b.cx + mid * Math.cos(b.angle), cy: b.cy + mid * Math.sin(b.angle) };
}

/** [first, last] offset of `pixels` along `b`'s long axis, from its centre. */
function spanAlong(pixels: number[], width: number, b: Omit<PixelBox, 'confidence'>): [number, number] {
  const c = Math.cos(b.angle);
  const s = Math.sin(b.angle);
  const us = new Array<number>(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const p = pixels[i]!;
    us[i] = ((p % width) - b.cx) * c + (((p / width) | 0) - b.cy) * s;
  }
  return extent(us);
}

/** Open water along this many lengths of a part's outline (`openContact`): along both its sides, not
 * only one (a hull's outer side, a strip's lit edge), less what its ends or a gap may miss. */
const OPEN_BOTH_SIDES = 1.5;

/** …unless at least this share of its outline stands out (`linedShare`): the rest of a hull lines a
 * strip of it (a dark rafted hull's hatch row between its lit rims and the hull moored inside it,
 * whose open contact is the dark deck between hatches, near water's colour). A line on the water has
 * only water and its own faint halo around it (seed 656465's boats with their wakes: 0.01–0.02 of
 * their outline; 540160's dark rafted hull 0.31–0.49). */
const LINED_SHARE = 0.15;

/**
 * Share of its moments box under which a part is scattered pieces, not a hull (see `detectVessels`):
 * 312134 pier-2, a shade fringe along a hull with flecks at the pier's root read as 354 × 49, 263 × 37
 * and 133 × 29 m hulls, filling 0.01–0.04 of their boxes; the sparsest other part kept on 312134 and
 * 132971 filled 0.11.
 */
const MIN_PART_FILL = 0.1;

/**
 * How a dark part's colour leans against the water around it: its blue over the water's blue, divided
 * by its red over the water's red (1: water dimmed evenly). The water is the domain's pixels under the
 * growing level and not darker than water within `WATER_RING_PX` of the part's bounds. Null without
 * red and blue bands or water to read.
 */
function blueOverRed(
  pixels: number[],
  block: Block,
  domain: Uint8Array,
  cand: Uint8Array,
  dark: Uint8Array,
  width: number,
  height: number,
): number | null {
  const red = block.bands[block.roles.indexOf('red')];
  const blue = block.bands[block.roles.indexOf('blue')];
  if (!red || !blue || !pixels.length) return null;
  let [x0, x1, y0, y1] = [width, 0, height, 0];
  let pr = 0;
  let pb = 0;
  for (const p of pixels) {
    const x = p % width;
    const y = (p / width) | 0;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
    pr += red[p]!;
    pb += blue[p]!;
  }
  let wr = 0;
  let wb = 0;
  for (let y = Math.max(0, y0 - WATER_RING_PX); y <= Math.min(height - 1, y1 + WATER_RING_PX); y++) {
    for (let x = Math.max(0, x0 - WATER_RING_PX); x <= Math.min(width - 1, x1 + WATER_RING_PX); x++) {
      const i = y * width + x;
      if (!domain[i] || cand[i] || dark[i]) continue;
      wr += red[i]!;
      wb += blue[i]!;
    }
  }
  if (wr <= 0 || wb <= 0 || pr <= 0) return null;
  return pb / wb / (pr / wr);
}

/** Pixels around a dark part's bounds where `blueOverRed` reads the water. */
const WATER_RING_PX = 12;

/**
 * `blueOverRed` under which a dark part is no shade on water. Shade lit by the sky reads 1 or more; a
 * white veil (haze, thin cloud) over it lifts its red, where blue water is darkest, more than its
 * blue: with water three times as blue as red, shade reads down to about 0.82 under the worst veil.
 * 312134's black hull read 0.64, a neutral black deck on the tests' slightly blue water 0.93.
 */
const SHADE_MIN_BLUE_TILT = 0.72;

/** A boat under way is at least this wide, metres: a strong core one pixel wide is a line (a lit
 * rail, a glint along a dark hull's edge), not a boat. */
const MIN_BOAT_BEAM_M = 1.5;

/**
 * Whether a part is a boat under way and its wake: its strong core is a whole boat (at least 3 of its
 * beams long) at one end of the part (within its first quarter), shorter than a vessel, and what
 * trails from it is wider than twice the boat (foam spreading behind it, the Kelvin wedge's arms).
 * A hull whose lit deckhouse alone stands out has its core at one end too, but a deckhouse spans the
 * beam (`hullBeamPx` at least) and is stubby, and the deck beyond it is no wider than the hull. So a
 * bright core (`bright`: foam is white) narrower than any hull's beam is a boat whatever trails from
 * it: a wake's turbulent core that barely widens as it fades (generated ports: 5–13 m boats leaving
 * 23–65 m × 3–6 m streaks), in open water (`inOpenWater`: along a side's length at least; a hull's
 * strip cut from a raft or a berth's patch has hull or quay beside it: seed 271411 lost two rafted
 * hulls without it). Such a core may take in the wake's first, brightest metres: it may be
 * longer than a vessel (`short`: it is not) while at most half the part. (Within the part's first
 * third instead of its quarter, a lit spot on a 90 m barge's sand-coloured deck passed for a boat:
 * Airbus recall 14 → 13 of 20.) Nor is a hull cut from a raft (`rafted`) a boat and its wake unless it
 * lies in open water, though its strong core is short and narrow: it has the raft's next hull beside
 * it (271411 2025-05-14: a dark 168 m hull rafted between a pier and a white hull, only the edge of
 * its lit deckhouse standing out, 16 × 4 m at its end, was lost). Asked of every part, that cost a
 * false hull on a quay's apron beside a moored ship (271411 2025-01-14 east-quay), a piece that the
 * wake test alone had dropped. vessel-errors 271411: hits +1, false +0; seven other dev seeds the same.
 */
function leadsWake(
  c: Omit<PixelBox, 'confidence'>,
  b: Omit<PixelBox, 'confidence'>,
  pixels: number[],
  width: number,
  minBeamPx: number,
  hullBeamPx: number,
  short: boolean,
  bright: boolean,
  inOpenWater: () => boolean,
  rafted = false,
): boolean {
  if (c.width < minBeamPx || c.length < 3 * c.width) return false;
  let open: boolean | undefined;
  const inOpen = () => {
    open ??= inOpenWater();
    return open;
  };
  const slim = bright && c.width < hullBeamPx && inOpen();
  if (!short && !(slim && 2 * c.length <= b.length)) return false;
  if (!slim && 2 * c.width >= b.width) return false;
  const [u0, u1] = spanAlong(pixels, width, b);
  const uc = (c.cx - b.cx) * Math.cos(b.angle) + (c.cy - b.cy) * Math.sin(b.angle);
  if (Math.min(uc - u0, u1 - uc) > (u1 - u0) / 4) return false;
  return slim || !rafted || inOpen();
}

/** [min, max] without spreading (a big blob has more pixels than a call may take arguments). */
export function extent(v: ArrayLike<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < v.length; k++) {
    const t = v[k]!;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return [lo, hi];
}

interface SplitConfig {
  width: number;
  minPartPx: number;
  lengthToBeam: number;
  /** 1 on water (see `cutShortByLand`). */
  water: Uint8Array;
  /** The blob was cut in line from a longer one (`splitInLine`): a stubby piece of it is more likely
   * a hull's end than short hulls rafted (see `TWO_SHORT_ABREAST`). */
  cutInLine?: boolean;
  /** The shortest vessel, in pixels: a blob under two of them is read along its moments' axis
   * (see `sidesAxis`). */
  minLengthPx?: number;
  /** Metres per pixel and the narrowest beam in pixels: what a hull's size allows it to be (see
   * `stubbyPair`). */
  gsd: number;
  minBeamPx: number;
  /** With the sun: where a hull's shade falls (pixels per metre of height), how high a hull of a
   * given length stands (`shadowHeightM`'s bounds) and which pixels are darker than water (see
   * `shadeAbreast`). */
  shade?: AbreastShade;
}

/** What `shadeAbreast` reads of the blob's shade test: the sun's shadow direction and reach, and the dark pixels. */
type AbreastShade = Pick<CastShade, 'dark' | 'gsdM' | 'maxShadowHeightM' | 'shadowHeightPerLength'> & {
  toShadow: { x: number; y: number };
};

/**
 * Whether the water mask cut the hull of `pixels` short at one end (its box `b`): just beyond that
 * end lies land as wide as the blob's middle with water beside it, a hull-shaped tongue of land (the
 * rest of the hull, its deck taken for quay). Then the box is shorter than the hull, and its
 * length-to-width says nothing of how many hulls lie abreast in it. A quay beyond the end (a raft at
 * a pier's root) has land beside the tongue as well.
 */
function cutShortByLand(pixels: number[], b: Omit<PixelBox, 'confidence'>, cfg: SplitConfig): boolean {
  const { width, water } = cfg;
  const height = water.length / width;
  const c = Math.cos(b.angle);
  const s = Math.sin(b.angle);
  const us = new Array<number>(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const p = pixels[i]!;
    us[i] = ((p % width) - b.cx) * c + (((p / width) | 0) - b.cy) * s;
  }
  const [u0, u1] = extent(us);
  // Share of water over a patch of the box's frame: u from the end outwards, v across.
  const reach = 2 + Math.max(4, b.width / 2);
  const wet = (end: number, side: number, va: number, vb: number) => {
    let w = 0;
    let all = 0;
    for (let d = 2; d <= reach; d++) {
      const u = end + side * d;
      for (let v = va; v <= vb; v++) {
        const x = Math.round(b.cx + u * c - v * s);
        const y = Math.round(b.cy + u * s + v * c);
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
        all++;
        w += water[y * width + x]!;
      }
    }
    return all ? w / all : 1;
  };
  const mid = Math.max(1, 0.3 * b.width);
  const flank = b.width / 2 + 2;
  for (const [end, side] of [
    [u0, -1],
    [u1, 1],
  ] as const) {
    if (wet(end, side, -mid, mid) > 0.1) continue;
    if (wet(end, side, flank, flank + 3) > 0.8 || wet(end, side, -flank - 3, -flank) > 0.8) return true;
  }
  return false;
}

/** Typical beams abreast (width × length-to-beam ÷ length) from which a blob may be rafted hulls. */
const SEAM_ABREAST = 1.3;
/** Beams long a hull is at least (even a tug): a stubbier part is a deckhouse, a crane's foot or a piece of deck. */
const MIN_HULL_BEAMS = 3;

/**
 * Splits rafted hulls. A blob much wider than a hull of its length (L/B ≈ `lengthToBeam`) holds
 * round(width × L/B ÷ length) hulls abreast; from 1.7 typical beams it is split (a tug of L/B 4
 * stays whole), from 1.3 only at a visible seam. Each cut goes to the weakest line of the contrast
 * profile across the blob — the seam between two hulls — within a third of a beam of the equal division.
 * A third hull abreast (a blob of three beams or more, or a part of a split raft that looks fat again)
 * is cut only at visible seams too (a blob too long for a tug is cut as two, `stubbyPair`): most such
 * blobs are not rafts but a stubby piece of one or two
 * hulls — the band of deckhouses across a raft's sterns, a hull's end with a crane's shadow or a
 * patch of apron beside it, the rest of the hull blending with the water or taken for land — which
 * shows no seam across it, whereas hulls abreast (barges, fishing boats rafted three deep) show
 * their sides between them. Two hulls abreast between 1.3 and 1.7 beams whose decks meet with no
 * seam are cut where the blob's ends show two hulls' ends (`endsApartAt`) and the profile two decks
 * (`twoDecks`).
 */
/**
 * `splitRafted`, and where it leaves the blob whole, again on each piece of it apart from lines a
 * pixel or two broad along it (`linePieces`): the line stretches the blob's box, and a raft on it reads
 * too slender for hulls abreast. Kept only where some piece is a raft: hulls in line on a line are
 * `splitInLine`'s to cut. A blob split as it is keeps that cut: trimmed of a few stray end pixels, a
 * raft read as hulls of 136 and 112 m was cut elsewhere, leaving a 39 m strip read as a third (338068).
 */
function splitRaft(blob: Blob, a: Float32Array, cfg: SplitConfig): Blob[] {
  const parts = splitRafted(blob, a, cfg);
  if (parts.length > 1) return parts;
  const pieces = linePieces(blob.pixels, cfg.width, cfg.minBeamPx);
  if (!pieces) return parts;
  const cut = pieces.flatMap((pixels) => splitRafted({ ...blob, pixels }, a, cfg));
  return cut.length > pieces.length ? cut : parts;
}

function splitRafted(blob: Blob, a: Float32Array, cfg: SplitConfig, rafted = false): Blob[] {
  const { width, minPartPx, lengthToBeam } = cfg;
  if (blob.pixels.length < 2 * minPartPx) return [blob];
  const b = boxOf(blob.pixels, width);
  const abreast = (b.width * lengthToBeam) / b.length;
  const across = Math.max(2, Math.round(abreast));
  if (b.width < 6 || abreast < SEAM_ABREAST) return [blob];
  // Cut short, a hull looks fat: then only a visible seam splits it, as between 1.3 and 1.7 beams.
  const seamOnly = abreast < 1.7 || rafted || across > 2 || cutShortByLand(blob.pixels, b, cfg);
  // Hulls abreast are parallel and each side runs straight: the cut runs along them (`sidesAxis`),
  // not along the moments' axis, which hulls of unequal length tilt towards the diagonal.
  // A blob under two shortest hulls long has no long straight sides to read: its narrowest reading
  // follows its ends' taper and fringes (700755: a 40 m hull with its shade beside it, cut in two).
  const long = cfg.minLengthPx !== undefined && b.length >= 2 * cfg.minLengthPx;
  const along = long ? { ...b, angle: sidesAxis(blob.pixels, width, b) } : b;
  // Which cuts a second cue confirms, per reading (`Blob.twoCues`).
  const seamCues: CutCues[] = [];
  const endsCues: CutCues[] = [];
  const stepCues: CutCues[] = [];
  const lengthCues: CutCues[] = [];
  const seamCut = cutAbreast(blob, a, along, across, seamOnly, cfg, 'seam', seamCues);
  // Two hulls abreast whose decks meet with no darker line between them still show two hulls' ends
  // at the blob's ends (`endsApartAt`): not read on a part already cut, nor on a blob the land cut
  // short (its end there is the land's edge).
  const endsCut =
    !seamCut && seamOnly && across === 2 && !rafted && !cutShortByLand(blob.pixels, b, cfg)
      ? cutAbreast(blob, a, along, across, seamOnly, cfg, 'ends', endsCues)
      : null;
  // Two hulls of unequal length abreast, decks of one tone with no seam between them and ends that
  // tell nothing (one hull's stern flush with the other's), still show two lengths across them
  // (`lengthStepAt`): read along their sides only, which a blob under two shortest hulls has not.
  const lengthCut =
    !seamCut && !endsCut && seamOnly && across === 2 && !rafted && long && !cutShortByLand(blob.pixels, b, cfg)
      ? cutAbreast(blob, a, along, 2, true, cfg, 'lengths', lengthCues)
      : null;
  const parts =
    seamCut ??
    endsCut ??
    lengthCut ??
    (across === 3 && abreast < TWO_SHORT_ABREAST && (!cfg.cutInLine || stubbyPair(b, cfg))
      ? cutAbreast(
          blob,
          a,
          along,
          2,
          rafted || !!cfg.cutInLine || !stubbyPair(b, cfg) || cutShortByLand(blob.pixels, b, cfg),
          cfg,
          'steps',
          stepCues,
        )
      : null);
  const cues = seamCut ? seamCues : endsCut ? endsCues : lengthCut ? lengthCues : stepCues;
  const twoCues = !cues.some((c) => c.seam) && cues.some((c) => c.second);
  if (!parts) return [blob];
  // A dark strip beside a hull within its shade's reach is that shade, not a hull rafted there.
  const hull = cfg.shade && parts.length === 2 ? shadeAbreast(parts, along.angle, cfg, cfg.shade) : -1;
  if (hull >= 0) return splitRafted({ pixels: parts[hull]!, peak: blob.peak }, a, cfg, true);
  // A part may still hold two slender hulls with a seam between them.
  return parts.flatMap((pixels) => splitRafted({ pixels, peak: blob.peak, byEnds: !!endsCut, twoCues }, a, cfg, true));
}

/** Pixels across under which a station is a line (a pixel or two broad), not hull. */
const LINE_PX = 3;
/** Narrowest beams long a run of such stations must be to be a line (a bow tapers over less). */
const LINE_MIN_BEAMS = 2;

/**
 * The blob's pixels in pieces apart from the lines a pixel or two broad running along its axis (a
 * quay face's shaded or mixed edge joined to hulls moored there, trailing from them or between them),
 * the lines left out; or null when there are none. A line stretches the moments box along it, so a
 * raft on it reads as too slender for hulls abreast (338068: two 40 × 8 m hulls abreast with 50 m of
 * one-pixel line, read as a 90 × 18 m box, 1.2 typical beams abreast, left whole; the same line on
 * to a 41 m hull in line). A stretch 3 px broad is hull (a dark hull's lit rim, 555921).
 */
function linePieces(pixels: number[], width: number, minBeamPx: number): number[][] | null {
  const b = boxOf(pixels, width);
  const ux = Math.cos(b.angle);
  const uy = Math.sin(b.angle);
  const station = pixels.map((p) => Math.floor(((p % width) - b.cx) * ux + (((p / width) | 0) - b.cy) * uy));
  const [lo, hi] = extent(station);
  const count = new Float64Array(hi - lo + 1);
  for (const t of station) count[t - lo]!++;
  // Each station's piece (−1 on a line), numbered along the axis.
  const piece = new Int32Array(count.length).fill(-1);
  const line = LINE_MIN_BEAMS * minBeamPx;
  let pieces = 0;
  let open = false;
  let lineCut = false;
  for (let k = 0; k < count.length; ) {
    if (count[k]! >= LINE_PX) {
      piece[k++] = pieces;
      open = true;
      continue;
    }
    let end = k;
    while (end < count.length && count[end]! < LINE_PX) end++;
    if (end - k >= line) {
      lineCut = true;
      if (open) pieces++;
      open = false;
    } else piece.fill(pieces, k, end);
    k = end;
  }
  if (!lineCut) return null;
  const out: number[][] = Array.from({ length: pieces + 1 }, () => []);
  pixels.forEach((p, i) => {
    const at = piece[station[i]! - lo]!;
    if (at >= 0) out[at]!.push(p);
  });
  return out.filter((q) => q.length > 0);
}

/** Share of a part's outermost pixels across the cut left out of its extent (stray pixels). */
const SHADE_EXTENT_TRIM = 0.02;
/** Share of a strip's pixels darker than water from which it may be shade: nothing lit on it. */
const SHADE_DARK_SHARE = 0.9;
/** Share of a hull's pixels darker than water above which it is a dark hull, whose own shade a cut
 * may take off it as a strip (`shadeAbreast`); under it the hull is lit and the dark strip is not its. */
const DARK_HULL_SHARE = 0.5;

/** Whether `pixels` (their box `b`) make a solid hull a beam wide: filling their box as a hull does (`HULL_FILL`). */
function solidBeam(pixels: number[], b: { length: number; width: number }, minBeamPx: number): boolean {
  return pixels.length >= HULL_FILL * b.length * b.width && b.width >= minBeamPx;
}

/** Share of `pixels` darker than water. */
function darkShare(pixels: number[], dark: Uint8Array): number {
  let n = 0;
  for (const p of pixels) n += dark[p]!;
  return n / pixels.length;
}

/**
 * Which of two `parts` cut abreast along `angle` is a dark hull whose shade the other is (its index),
 * or −1. A hull's shade on water lies on the side away from the sun, darker than water throughout
 * (`SHADE_DARK_SHARE`; more of it than of the hull, whose deck has lit pieces: else the two are dark
 * hulls rafted, or the cut cannot tell), and reaches across no further than the hull's height casts
 * it (`shadowHeightM` of its length, the bound `castShadeOf` uses). The shade test of the whole blob
 * (`castShadeOf`) takes shade only where a lit pixel can cast it, so a dark hull's own shade passes as
 * deck (999089: a 69 × 10 m dark hull at anchor, its shade off water's hue, read as two beams wide and
 * cut into itself and a 47 × 7 m strip of shade). Beside a mostly lit hull that test has already
 * judged the strip with the sun (walled in by deck, or beyond its reach: a hull rafted there), and
 * its verdict stands (999089: a 162 × 25 m dark hull rafted beside a lit 189 m one, within the reach
 * of the lit one's superstructure).
 */
function shadeAbreast(parts: number[][], angle: number, cfg: SplitConfig, shade: AbreastShade): number {
  const { width } = cfg;
  const nx = -Math.sin(angle);
  const ny = Math.cos(angle);
  // Pixels a shade falls across the cut per metre of height, signed along (nx, ny).
  const across = shade.toShadow.x * nx + shade.toShadow.y * ny;
  const span = (pixels: number[]) => {
    const t = pixels.map((p) => (p % width) * nx + ((p / width) | 0) * ny).sort(ascending);
    const k = Math.floor(SHADE_EXTENT_TRIM * t.length);
    return [t[k]!, t[t.length - 1 - k]!] as const;
  };
  const shares = parts.map((pixels) => darkShare(pixels, shade.dark));
  for (const [hull, strip] of [
    [0, 1],
    [1, 0],
  ] as const) {
    // Shade is dark throughout; a dark hull's deck has lit pieces (hatch covers, rims, its deckhouse).
    const stripDark = shares[strip]!;
    const hullDark = shares[hull]!;
    if (stripDark < SHADE_DARK_SHARE || hullDark <= DARK_HULL_SHARE || hullDark >= stripDark) continue;
    // What casts it is a hull: solid and a beam wide (`HULL_FILL`), not slivers of hulls the water
    // mask took for land beside their shade (9851: a 65 × 18 m shade of two such hulls, whose 77 m
    // rim of slivers filled a third of its box).
    const hullBox = boxOf(parts[hull]!, width);
    if (!solidBeam(parts[hull]!, hullBox, cfg.minBeamPx)) continue;
    // The strip lies beyond the hull away from the sun: on the side the shade falls.
    const [h0, h1] = span(parts[hull]!);
    const [s0, s1] = span(parts[strip]!);
    const beyond = across > 0 ? s1 - h1 : h0 - s0;
    if (beyond <= 0 || (across > 0 ? s0 + s1 < h0 + h1 : s0 + s1 > h0 + h1)) continue;
    const lengthM = groundLengthM(hullBox, shade.gsdM);
    const reach = shadowHeightM(lengthM, shade.maxShadowHeightM, shade.shadowHeightPerLength) * Math.abs(across);
    if (beyond <= reach) return hull;
  }
  return -1;
}

/** Metres long up to which a hull may be under `MIN_HULL_BEAMS` beams long: harbour tugs (L/B 2.3–3,
 * 24–35 m). Longer hulls, ocean tugs included, are at least 3.5 beams long. */
const STUBBY_HULL_MAX_M = 38;

/**
 * Whether blob `b`, read as three short hulls abreast but under `TWO_SHORT_ABREAST`, is two with no
 * seam between them: longer than any stubby hull (`STUBBY_HULL_MAX_M`), under `MIN_HULL_BEAMS` widths
 * long and two narrowest beams wide. Two short hulls abreast whose decks are alike show no seam
 * (40 × 8 m pairs read as one 40 × 17 m blob, L/W 2.3–2.5, on 999089, 338068, 465523). At the
 * default length-to-beam of 6, reading three abreast already bounds a blob under 2.4 widths long
 * and, over 38 m, wider than two 6 m beams; the last two terms hold the rule to what a hull's
 * proportions allow under other settings.
 */
function stubbyPair(b: Omit<PixelBox, 'confidence'>, cfg: SplitConfig): boolean {
  return b.length * cfg.gsd > STUBBY_HULL_MAX_M && b.width >= 2 * cfg.minBeamPx && b.length < MIN_HULL_BEAMS * b.width;
}

/** Degrees either way of the moments' axis that `sidesAxis` searches, and the step it searches in. */
const SIDES_SEARCH_DEG = 15;
const SIDES_STEP_DEG = 0.5;
/** Share of a blob's pixels beyond each side that `sidesAxis` leaves out (stray pixels, a rim's notch). */
const SIDES_TRIM = 0.005;

/**
 * The direction of the long sides of a blob of hulls abreast (box `b`): the axis, within
 * `SIDES_SEARCH_DEG` of the moments' one, across which the blob is narrowest. Hulls rafted abreast
 * lie parallel and their sides run straight, so the narrowest reading across is along them; but when
 * one is shorter than the other (a 106 m hull outboard of a 144 m one, its stern at the other's) the
 * moments' axis leans towards the diagonal of the pair, and a cut along it slices both hulls askew
 * (700755: such a raft read as five slanted pieces). Where the two readings differ by no more than
 * the search step, or the sides' axis is not a pixel narrower across, the moments' axis is kept.
 * vessel-errors against c1c45bb (hits, false): 700755 289 → 289, 14 → 10 (MAE 0.338 → 0.284);
 * 32558 256 → 256, 23 → 22; 271411 +1 hit; 829304 −1 false; 20251 unchanged; worse: 506327 +1 false
 * (a quay-edge line along the inboard hull turns the axis onto it), 656465 +2 hits +1 false (a false
 * apron blob read in two), 154862 +1 false (a seamless 137 m pair, its profile sharpened, cut in three).
 */
function sidesAxis(pixels: number[], width: number, b: Omit<PixelBox, 'confidence'>): number {
  const n = pixels.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let reach = 0;
  for (let i = 0; i < n; i++) {
    const p = pixels[i]!;
    xs[i] = (p % width) - b.cx;
    ys[i] = ((p / width) | 0) - b.cy;
    reach = Math.max(reach, Math.hypot(xs[i]!, ys[i]!));
  }
  // Offsets across, binned by a quarter pixel: the trimmed extent read from the bins' counts.
  const bins = new Int32Array(Math.ceil(8 * reach) + 2);
  const k = Math.floor(SIDES_TRIM * n);
  const widthAt = (angle: number) => {
    const ux = -Math.sin(angle);
    const uy = Math.cos(angle);
    bins.fill(0);
    for (let i = 0; i < n; i++) bins[Math.floor(4 * (xs[i]! * ux + ys[i]! * uy + reach))]!++;
    let lo = 0;
    for (let seen = bins[0]!; seen <= k; seen += bins[++lo]!);
    let hi = bins.length - 1;
    for (let seen = bins[hi]!; seen <= k; seen += bins[--hi]!);
    return hi - lo;
  };
  let best = b.angle;
  const moments = widthAt(b.angle);
  let narrowest = moments;
  const step = (SIDES_STEP_DEG * Math.PI) / 180;
  const steps = Math.round(SIDES_SEARCH_DEG / SIDES_STEP_DEG);
  for (let j = -steps; j <= steps; j++) {
    if (j === 0) continue;
    const angle = b.angle + j * step;
    const w = widthAt(angle);
    if (w < narrowest) [best, narrowest] = [angle, w];
  }
  return Math.abs(best - b.angle) > step && narrowest <= moments - 4 ? best : b.angle;
}

/** Under this many typical beams abreast, a blob read as three hulls abreast may be two short ones:
 * a short hull is stubbier than the typical `lengthToBeam` (a 40 × 8 m hull is 5 beams long, so two
 * abreast read as 2.5), and a raft of two at a visible seam is cut as two (656465, 829304: 40 m
 * hulls rafted in pairs, their blobs 2.5–2.8 beams across, left whole). Not a piece cut in line from
 * a longer blob: a hull's stern cut off by contrast is as stubby and shows a seam as deep (271411:
 * a 31 × 14 m piece of a 106 m hull, seam at 0.59 of its sides, against 0.57 and 0.59 for the rafts),
 * unless it is a `stubbyPair` too long for that stern and its profile steps between two decks (338068:
 * two 42 × 8 m hulls abreast cut in line from the ship beyond them, counted as one on two dates). */
const TWO_SHORT_ABREAST = 3;

/** What a cut across a blob showed: a visible seam, and two decks or two hulls' ends (`Blob.twoCues`). */
interface CutCues {
  seam: boolean;
  second: boolean;
}

/** `splitRafted`'s cut of `blob` (box `b`) into `across` parts at the weakest lines of the contrast
 * profile across it, or null (`seamOnly` and a cut at no visible seam, or a part too small). With
 * `seamOnly`, a cut where the `cue` is seen stands for a seam: a step between two deck levels
 * (`deckStepAt`), two hulls' ends (`endsApartAt`, with `twoDecks`) or two hulls' lengths (`lengthStepAt`). */
function cutAbreast(
  blob: Blob,
  a: Float32Array,
  b: Omit<PixelBox, 'confidence'>,
  across: number,
  seamOnly: boolean,
  { width, minPartPx, minBeamPx, minLengthPx = 0 }: SplitConfig,
  cue: 'seam' | 'steps' | 'ends' | 'lengths',
  twoCues?: CutCues[],
): number[][] | null {
  const ux = Math.cos(b.angle + Math.PI / 2);
  const uy = Math.sin(b.angle + Math.PI / 2);
  const proj = blob.pixels.map((p) => ((p % width) - b.cx) * ux + (((p / width) | 0) - b.cy) * uy);
  const [lo, hi] = extent(proj);
  for (let k = 0; k < proj.length; k++) proj[k]! -= lo;
  const nb = Math.floor(hi - lo) + 1;
  const sum = new Float64Array(nb);
  const count = new Float64Array(nb);
  proj.forEach((t, k) => {
    sum[Math.floor(t)]! += a[blob.pixels[k]!]!;
    count[Math.floor(t)]!++;
  });
  const beam = nb / across;
  const at: number[] = [];
  for (let k = 1; k < across; k++) {
    const centre = k * beam;
    let best = Math.round(centre);
    for (let j = Math.ceil(centre - beam / 3); j <= Math.floor(centre + beam / 3); j++) {
      if (j > 0 && j < nb && sum[j]! < sum[best]!) best = j;
    }
    // Between 1.3 and 1.7 beams (long slender hulls rafted, or one fat hull) only a visible seam splits.
    const side = (from: number, to: number) => Math.max(...sum.slice(Math.max(0, from), Math.min(nb, to)));
    if (seamOnly && sum[best]! > 0.6 * Math.min(side(best - beam, best), side(best + 1, best + beam + 1))) {
      // …or, with `steps`, a step between two deck levels near the equal division.
      // …or, with `ends`, where the blob's ends show two hulls' ends apart.
      // …or, with `lengths`, where the blob's length across steps between two hulls'.
      const step =
        cue === 'steps'
          ? deckStepAt(sum, count, centre, beam)
          : cue === 'ends'
            ? endsApartAt(blob, b, proj, nb, centre, beam, width, minBeamPx)
            : cue === 'lengths'
              ? lengthStepAt(sum, count, centre, beam, minBeamPx, minLengthPx)
              : -1;
      if (step < 0) return null;
      // …and, cut by its ends, only where the profile shows two decks there (`twoDecks`).
      if (cue === 'ends' && !twoDecks(sum, count, step, beam)) return null;
      best = step;
    }
    at.push(best);
    twoCues?.push({
      seam: sum[best]! <= 0.6 * Math.min(side(best - beam, best), side(best + 1, best + beam + 1)),
      second: twoDecks(sum, count, best, beam) || endsApartAt(blob, b, proj, nb, best, beam, width, minBeamPx) >= 0,
    });
  }
  const parts: number[][] = at.map(() => []);
  parts.push([]);
  proj.forEach((t, k) => {
    let part = 0;
    while (part < at.length && t >= at[part]!) part++;
    parts[part]!.push(blob.pixels[k]!);
  });
  return parts.some((p) => p.length < minPartPx) ? null : parts;
}

/** Share of the longer hull's length up to which a shorter one abreast steps the blob's length across (`lengthStepAt`). */
const LENGTH_STEP_SHARE = 0.7;
/** Share of a side's longest station its others keep: a hull's parallel body, not a bow's taper. */
const LENGTH_FLAT_SHARE = 0.85;

/**
 * The station within a third of a beam of `centre` where the blob's length (`count`, pixels per
 * station across it, read along the hulls' sides) steps from one flat run to another, the shorter
 * under `LENGTH_STEP_SHARE` of the longer and at least a shortest hull long (`minLengthPx`), or −1.
 * Each run is read over half a minimum beam beyond the cut and the station before it (mixed pixels of
 * both hulls). One hull's length across falls off only towards its sides, over its bow's taper; two
 * hulls abreast whose decks match and meet with no seam, one shorter, make a step (338068: a dark
 * 44 m hull abreast a 69 m one, the latter's stern flush with it, read as one 65 × 18 m blob on four
 * dates: 35–37 px long across the one, 65–70 across the other). Both runs stand out alike, the dimmer
 * keeping `ENDS_DECK_FLOOR` of the brighter's contrast: a dim strip beside a hull is a fringe or
 * shade (555921: a 126 m hull beside a 64 m strip of a third of its contrast, cut off as a hull).
 */
function lengthStepAt(
  sum: Float64Array,
  count: Float64Array,
  centre: number,
  beam: number,
  minBeamPx: number,
  minLengthPx: number,
): number {
  const reach = Math.max(2, Math.floor(minBeamPx / 2));
  let best = -1;
  let least = LENGTH_STEP_SHARE;
  for (let j = Math.ceil(centre - beam / 3); j <= Math.floor(centre + beam / 3); j++) {
    if (j - 1 - reach < 1 || j + 1 + reach > count.length - 1) continue;
    const [l0, l1] = extent(count.subarray(j - 1 - reach, j - 1));
    const [r0, r1] = extent(count.subarray(j + 1, j + 1 + reach));
    if (l0 < LENGTH_FLAT_SHARE * l1 || r0 < LENGTH_FLAT_SHARE * r1 || Math.min(l0, r0) < minLengthPx) continue;
    const deck = (from: number, to: number) => {
      let s = 0;
      let n = 0;
      for (let k = from; k < to; k++) [s, n] = [s + sum[k]!, n + count[k]!];
      return s / n;
    };
    const [dl, dr] = [deck(j - 1 - reach, j - 1), deck(j + 1, j + 1 + reach)];
    if (Math.min(dl, dr) < ENDS_DECK_FLOOR * Math.max(dl, dr)) continue;
    const share = Math.min(l1, r1) / Math.max(l0, r0);
    if (share <= least) [best, least] = [j, share];
  }
  return best;
}

/** Share of a minimum beam by which each of two hulls' ends must recede towards the seam (`endsApartAt`). */
const END_RECEDE_SHARE = 0.5;

/**
 * The station within a third of a beam of `centre` (stations across the blob, `proj` its pixels'
 * offsets across box `b` from the blob's near side) where the blob's ends show two hulls abreast, or
 * −1. A hull's bow is rounded or pointed about its own centre line: its end recedes towards both its
 * sides. Cut at the seam between two hulls abreast, each part's end (its furthest pixel along the box,
 * at either end) recedes towards the cut by `END_RECEDE_SHARE` of a minimum beam at one end at least
 * — its bow, or a shorter hull's square stern short of the other's end. Cut through one hull, the part
 * without its centre line rises towards the cut at both ends (the bow's tip lies on the centre line,
 * a square stern spans the beam), so the cut is refused whatever the hull's colours: two hulls
 * whose decks meet with no darker line between them (999089: two container ships of 146 and 142 m
 * abreast, read as one 140 × 38 m blob, on two dates) show no seam in the contrast profile.
 */
function endsApartAt(
  blob: Blob,
  b: Omit<PixelBox, 'confidence'>,
  proj: number[],
  nb: number,
  centre: number,
  beam: number,
  width: number,
  minBeamPx: number,
): number {
  const c = Math.cos(b.angle);
  const s = Math.sin(b.angle);
  // Per station across: the furthest pixel along the box each way.
  const head = new Float64Array(nb).fill(Number.NEGATIVE_INFINITY);
  const tail = new Float64Array(nb).fill(Number.POSITIVE_INFINITY);
  blob.pixels.forEach((p, k) => {
    const j = Math.floor(proj[k]!);
    const u = ((p % width) - b.cx) * c + (((p / width) | 0) - b.cy) * s;
    if (u > head[j]!) head[j] = u;
    if (u < tail[j]!) tail[j] = u;
  });
  // How far the part of stations [from, to) recedes at the cut before station `cut`, at the end read
  // as `sign` × position (head +1, tail −1): its furthest station against the nearer of the two
  // stations by the cut (a seam between hulls' ends is a notch a station or two wide once blurred).
  const recede = (end: Float64Array, sign: number, from: number, to: number, cut: number) => {
    let most = Number.NEGATIVE_INFINITY;
    for (let j = from; j < to; j++) if (Number.isFinite(end[j]!)) most = Math.max(most, sign * end[j]!);
    const atCut = Math.min(sign * end[cut - 1]!, sign * end[cut]!);
    return Number.isFinite(atCut) && Number.isFinite(most) ? most - atCut : 0;
  };
  const partRecedes = (from: number, to: number, cut: number) =>
    Math.max(recede(head, 1, from, to, cut), recede(tail, -1, from, to, cut));
  const least = END_RECEDE_SHARE * minBeamPx;
  let best = -1;
  let most = 0;
  const lo = Math.max(Math.ceil(minBeamPx), Math.ceil(centre - beam / 3));
  const hi = Math.min(nb - Math.ceil(minBeamPx), Math.floor(centre + beam / 3));
  for (let j = lo; j <= hi; j++) {
    const apart = Math.min(partRecedes(0, j, j), partRecedes(j, nb, j));
    if (apart >= least && apart > most) [best, most] = [j, apart];
  }
  return best;
}

/** Share of the brighter deck's contrast by which two decks abreast differ at a `deckStep`. */
const DECK_STEP_SHARE = 0.25;

/**
 * How far (0: not) the contrast profile across a blob (per station: `sum` of contrast over `count`
 * pixels) steps at station `cut` between two deck levels, each flat over the beam beside it: two hulls
 * abreast whose decks differ (a dark deck against a lit one, 387845: two 40 × 8 m hulls, decks 0.16
 * and 0.7, left whole on two dates), touching with no darker line between them, so no seam dips. One
 * deck, hatch covers across its beam, is as bright at either side; a rim shows as a few stations
 * fading, not as a level. The station means (stations with at least half the fullest's pixels: the
 * rims and stray pixels at the profile's ends say nothing) within a beam of the cut on each side:
 * the middle halves of the two sides do not overlap, and their medians differ by `DECK_STEP_SHARE`
 * of the brighter's.
 */
function deckStep(sum: Float64Array, count: Float64Array, cut: number, beam: number): number {
  const levels = deckLevels(sum, count, cut, beam);
  if (!levels) return 0;
  const { lo, hi } = levels;
  const jump = quantile(hi, 0.5) - quantile(lo, 0.5);
  return jump >= DECK_STEP_SHARE * quantile(hi, 0.5) ? jump : 0;
}

/** The value at share `f` of the sorted `m`. */
const quantile = (m: number[], f: number) => m[Math.floor(f * (m.length - 1))]!;

/**
 * The station means either side of station `cut` within a beam (stations with at least half the
 * fullest's pixels), sorted, the dimmer side as `lo`, where they make two levels — the middle halves
 * of the two sides do not overlap — or null.
 */
function deckLevels(
  sum: Float64Array,
  count: Float64Array,
  cut: number,
  beam: number,
): { lo: number[]; hi: number[] } | null {
  const full = 0.5 * Math.max(...count);
  const side = (from: number, to: number) => {
    const m: number[] = [];
    for (let j = Math.max(0, Math.ceil(from)); j < Math.min(sum.length, to); j++) {
      if (count[j]! >= full) m.push(sum[j]! / count[j]!);
    }
    return m.sort((x, y) => x - y);
  };
  const [p, q] = [side(cut - beam, cut), side(cut, cut + beam)];
  if (p.length < 3 || q.length < 3) return null;
  const [lo, hi] = quantile(p, 0.5) < quantile(q, 0.5) ? [p, q] : [q, p];
  return quantile(lo, 0.75) < quantile(hi, 0.25) ? { lo, hi } : null;
}

/** Share of the brighter deck's contrast by which two hulls' decks cut apart by their ends differ (`twoDecks`). */
const ENDS_DECK_STEP_SHARE = 0.1;
/** Share of the brighter deck's contrast the dimmer keeps as a deck (`twoDecks`): under it, a fringe or shade. */
const ENDS_DECK_FLOOR = 0.6;

/**
 * Whether the contrast profile across a blob shows two decks either side of station `cut`: two flat
 * levels (`deckLevels`) that differ by `ENDS_DECK_STEP_SHARE` of the brighter, the dimmer keeping
 * `ENDS_DECK_FLOOR` of it. It confirms a cut where the blob's ends show two hulls (`endsApartAt`),
 * which a single hull shows too when its shade, a wake or a fringe of half-lit water beside it is read
 * askew: its profile is then one hump, no second level (848814, 700755: hulls of 97 and 158 m at
 * anchor read 1.3–1.4 beams wide and cut in two), or a deck beside a strip that ramps down to the
 * water's level (338068, 700755, 154862: fringes under half the deck's contrast). Two hulls abreast
 * are two decks, seldom of one tone (999089: two container ships abreast, decks 20–21 and 24–26
 * over the water on one date, 25–27 and 30–32 on another).
 */
function twoDecks(sum: Float64Array, count: Float64Array, cut: number, beam: number): boolean {
  const levels = deckLevels(sum, count, cut, beam);
  if (!levels) return false;
  const [lo, hi] = [quantile(levels.lo, 0.5), quantile(levels.hi, 0.5)];
  return hi - lo >= ENDS_DECK_STEP_SHARE * hi && lo >= ENDS_DECK_FLOOR * hi;
}

/** The station within a third of a beam of `centre` where the profile steps between two deck
 * levels (`deckStep`) and its mean changes most from the station before (the decks' edge: the medians
 * either side stay the same for a station or two off it), or −1 where it steps nowhere there. */
function deckStepAt(sum: Float64Array, count: Float64Array, centre: number, beam: number): number {
  const mean = (j: number) => sum[j]! / Math.max(1, count[j]!);
  let best = -1;
  let most = 0;
  for (let j = Math.max(1, Math.ceil(centre - beam / 3)); j <= Math.min(sum.length - 1, centre + beam / 3); j++) {
    const edge = Math.abs(mean(j) - mean(j - 1));
    if (edge > most && deckStep(sum, count, j, beam) > 0) [best, most] = [j, edge];
  }
  return best;
}

/**
 * Splits off a hull rafted alongside part of a blob. A hull's beam holds over its parallel body, so
 * along the blob's long axis its sides run straight (their median offsets across it); a run of
 * stations where one side stands out at least a minimum beam further, for at least a minimum hull's
 * length but under half the blob, is another hull against it. `splitRafted` does not see it: the
 * moments of a short hull beside a long one barely widen the box. What lies against the run is a
 * hull of its own when the rest is too slender for one hull (over `maxLengthToBeam` beams): a raft
 * moored bow to stern with a single ship, which joins them in one blob. Then the rest is cut where
 * the run ends, and the raft may be the longer part of the blob: its outer hull stands out from the
 * line of the single ship's side (the side's offset that a quarter of the stations keep within),
 * read along the blob's other side, which the ship and the raft's inner hull share. A hull split off
 * alone and the one it lies against are a raft (the blob's, else `newRaft()`).
 */
function splitAlongside(
  blob: Blob,
  width: number,
  minBeamPx: number,
  minLengthPx: number,
  minPartPx: number,
  lengthToBeam: number,
  maxLengthToBeam: number,
  newRaft: () => number,
  water: Uint8Array,
  dark: Uint8Array,
): Blob[] {
  if (blob.byEnds) return [blob];
  const b = boxOf(blob.pixels, width);
  if (b.length < 2 * minLengthPx) return [blob];
  const limits: AlongsideLimits = { minBeamPx, minLengthPx, minPartPx, lengthToBeam, maxLengthToBeam };
  // A rafted hull's outer edge may fade into the water (a dark hull's does), so that it stands out
  // under a beam: where no side stands out a whole beam, a last pass reads it at `RAFT_BEAM_SHARE` of
  // one (`fading`). Not in line: a wider ship's stretch stands out from a narrower one's line as much.
  // Only where `fadingRaft` holds.
  const passes = [
    { inLineOnly: false, fading: false },
    { inLineOnly: true, fading: false },
    { inLineOnly: false, fading: true },
  ];
  for (const { inLineOnly, fading } of passes) {
    for (const side of [1, -1]) {
      let cut = cutAlongside(blob.pixels, width, b, b.angle, side, inLineOnly, limits, false, fading, water);
      // A raft in line with a ship tilts the blob's axis off both, and so does a short hull rafted
      // against one end of a long one (read askew, only part of its side stands out a beam from the
      // side's median line): the far side, the ship's and the raft's inner hull's, runs straight.
      // Bent (its middle off the line through its ends), it is no one line: a wide ship in line
      // with a narrower one, which the tilt would cut askew. A blob under two beams wide holds no
      // hulls abreast (a thin line along a quay edge, which a tilt makes seem to step out).
      if (inLineOnly || (!cut.hulls && b.width >= 2 * minBeamPx)) {
        cut = cutAlongside(blob.pixels, width, b, cut.straight, side, inLineOnly, limits, false, fading, water);
        // The bend is read beside the run (`bendBeside`); along it, the far side standing out half a
        // beam beyond the line is a wider ship's other side.
        if (cut.bend > minBeamPx / 3 || cut.stepOut > minBeamPx / 2) continue;
      }
      if (cut.hulls && fading && !fadingRaft(cut.hulls, width, minBeamPx, water, dark)) continue;
      if (cut.hulls) {
        // Cut in line as well, the bump may be a wide ship's side standing out from a narrower one's
        // line (vessel-errors 213716: two single hulls cut so), so its hulls are not known to lie abreast.
        const raft = cut.hulls.length === 2 ? (blob.raft ?? newRaft()) : undefined;
        return cut.hulls.map((pixels) => ({ pixels, peak: blob.peak, raft }));
      }
    }
  }
  return [blob];
}

/** Share of its moments box (length × width) that a hull's pixels fill: a solid hull fills about 1,
 * a tapered, blurred one over 0.9; a wake's spreading arms or a hull joined to a thin trail under half. */
const HULL_FILL = 0.6;

/**
 * Whether `hulls` (the bump last), cut off in `splitAlongside`'s `fading` pass, are a hull rafted
 * against another: each part of the rest is a hull, filling its box as a solid hull does
 * (`HULL_FILL`: under a beam, a boat's spreading wake stands out from itself, and a thin trail in
 * line with a hull pulls the side's line off it so that its own side seems to stand out; the parts
 * these leave are hollow: 645854, a boat's 133 m wake and a hull trailing a 1 px line each cut into
 * three), at least a minimum beam wide (two arms of a boat's wake, each a few pixels wide, stand
 * out from each other as far: 312134), and lit, so that the sun test can
 * tell the bump from its shade (beside a dark hull, a strip that stands out under a beam may be its
 * deckhouse's shade on the water: 886063, 21–35 m strips off a grey hull's side). The bump lies on
 * the water, not against land: a hull is rafted outboard, and a strip that stands out as far along a
 * ship's quay side is the quay face's fringe (999089: a 35 × 5 m strip cut off a 175 m ship so).
 */
export function fadingRaft(
  hulls: number[][],
  width: number,
  minBeamPx: number,
  water: Uint8Array,
  dark: Uint8Array,
): boolean {
  const solidLitBeam = (h: number[]) => solidBeam(h, boxOf(h, width), minBeamPx) && !isMostlyDark(h, dark);
  return hulls.slice(0, -1).every(solidLitBeam) && !againstLand(hulls[hulls.length - 1]!, water, width);
}

/** Share of a part's length (its moments box's) over which its pixels touch land (a 4-neighbour off
 * the water mask, or the block's edge, which the tiles' overlap keeps off the image's inside) beyond
 * which it lies against the land, not on the water. */
const AGAINST_LAND_SHARE = 0.25;

/** Whether `pixels` touch land over more than `AGAINST_LAND_SHARE` of their length. */
function againstLand(pixels: number[], water: Uint8Array, width: number): boolean {
  const height = water.length / width;
  let touching = 0;
  for (const p of pixels) {
    const x = p % width;
    const y = (p / width) | 0;
    if (
      x === 0 ||
      y === 0 ||
      x === width - 1 ||
      y === height - 1 ||
      !water[p - 1] ||
      !water[p + 1] ||
      !water[p - width] ||
      !water[p + width]
    ) {
      touching++;
    }
  }
  return touching > AGAINST_LAND_SHARE * boxOf(pixels, width).length;
}

interface AlongsideLimits {
  minBeamPx: number;
  minLengthPx: number;
  minPartPx: number;
  lengthToBeam: number;
  maxLengthToBeam: number;
}

/** The `q` quantile of `v`'s finite values (0 if none): cutAlongside's and bendBeside's. */
function finiteQuantile(v: ArrayLike<number>, q: number): number {
  const f: number[] = [];
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) f.push(v[i]!);
  f.sort(ascending);
  return f[Math.floor(q * f.length)] ?? 0;
}

function ascending(x: number, y: number): number {
  return x - y;
}

/** Whether box `pb` lies more than 15° off axis `angle` (either way along): cutAlongside's. */
function askewOf(pb: Omit<PixelBox, 'confidence'>, angle: number): boolean {
  const d = 2 * (pb.angle - angle);
  return Math.abs(Math.atan2(Math.sin(d), Math.cos(d))) / 2 > Math.PI / 12;
}

/** Each pixel's coordinates along (`us`) and across (`vs`) axis `angle` through `centre`. */
export function alongAcross(
  pixels: readonly number[],
  width: number,
  centre: { cx: number; cy: number },
  angle: number,
): { us: Float64Array; vs: Float64Array } {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  // Sized once: grown by push, the two were the largest heap garbage of a 100 MP detect (~1 of ~9 GB).
  const us = new Float64Array(pixels.length);
  const vs = new Float64Array(pixels.length);
  for (let k = 0; k < pixels.length; k++) {
    const p = pixels[k]!;
    const dx = (p % width) - centre.cx;
    const dy = ((p / width) | 0) - centre.cy;
    us[k] = dx * c + dy * s;
    vs[k] = -dx * s + dy * c;
  }
  return { us, vs };
}

/**
 * Per one-pixel station along the axis, from `u0`: the across-coordinate of the blob's edge on `side`
 * (`out`, and its pixel `outPx`, −1 for none) and of its edge on the other side (`far`).
 */
export function sideProfile(
  us: ArrayLike<number>,
  vs: ArrayLike<number>,
  pixels: readonly number[],
  side: number,
): { u0: number; nb: number; out: Float64Array; outPx: Int32Array; far: Float64Array } {
  const [u0, u1] = extent(us);
  const nb = Math.floor(u1 - u0) + 1;
  const out = new Float64Array(nb).fill(side * Number.NEGATIVE_INFINITY);
  const outPx = new Int32Array(nb).fill(-1);
  const far = new Float64Array(nb).fill(side * Number.POSITIVE_INFINITY);
  for (let k = 0; k < us.length; k++) {
    const j = Math.floor(us[k]! - u0);
    if (side * (vs[k]! - out[j]!) > 0) {
      out[j] = vs[k]!;
      outPx[j] = pixels[k]!;
    }
    if (side * (vs[k]! - far[j]!) < 0) far[j] = vs[k]!;
  }
  return { u0, nb, out, outPx, far };
}

/** `splitAlongside` on one side, along axis `angle` through `centre`: the hulls (null: none split
 * off; the bump last), the axis along which the other side runs (through the medians of its first
 * and last third) and how far its middle third's median lies off that line. */
function cutAlongside(
  pixels: number[],
  width: number,
  centre: { cx: number; cy: number },
  angle: number,
  side: number,
  inLineOnly: boolean,
  { minBeamPx, minLengthPx, minPartPx, lengthToBeam, maxLengthToBeam }: AlongsideLimits,
  long = false,
  fading = false,
  water?: Uint8Array,
): { hulls: number[][] | null; straight: number; bend: number; stepOut: number } {
  const { us, vs } = alongAcross(pixels, width, centre, angle);
  const { u0, nb, out, outPx, far } = sideProfile(us, vs, pixels, side);
  const edge = finiteQuantile(out, inLineOnly || long ? (1 - side / 2) / 2 : 0.5);
  const third = Math.floor(nb / 3);
  const first = finiteQuantile(far.subarray(0, third), 0.5);
  const last = finiteQuantile(far.subarray(nb - third), 0.5);
  const middle = finiteQuantile(far.subarray(third, nb - third), 0.5);
  const none: { hulls: null; straight: number; bend: number; stepOut: number } = {
    hulls: null,
    straight: angle + Math.atan2(last - first, nb - third),
    bend: Math.abs(middle - (first + last) / 2),
    stepOut: 0,
  };
  // Longest run of stations standing out a minimum beam beyond the side (`long`, `fading`: a share of one).
  const standOut = long || fading ? RAFT_BEAM_SHARE * minBeamPx : minBeamPx;
  let best: [number, number] = [0, 0];
  for (let j = 0; j < nb; ) {
    if (!(side * (out[j]! - edge) >= standOut)) {
      j++;
      continue;
    }
    let e = j;
    while (e < nb && side * (out[e]! - edge) >= standOut) e++;
    if (e - j > best[1] - best[0]) best = [j, e];
    j = e;
  }
  const run = best[1] - best[0];
  if (run < minLengthPx || (!inLineOnly && !long && run > nb / 2)) return none;
  if (
    water &&
    !hullSideBeside(
      outPx,
      out,
      far,
      edge,
      best,
      minBeamPx,
      water,
      width,
      -Math.sin(angle) * side,
      Math.cos(angle) * side,
    )
  ) {
    return none;
  }
  // In the in-line pass (`inLineOnly`) the run may be a wider ship's stretch or a quay's fringe along
  // a single hull (271411 pier-1): the far side's bend along the run is what tells it from a raft,
  // so it stays read over all stations. Otherwise the bend is also read beside the run and kept only
  // where it is straighter: fewer stations are read there, and a far side straight over all of them
  // (656465 pier-1: 0.5 px over all, 2.1 beside a 43 m raft) is straight. Only then can `stepOut`
  // refuse the cut — the looser bend needs the far side not to stand out along the run.
  if (!long && !inLineOnly) {
    const beside = bendBeside(far, best, side);
    if (beside.bend !== undefined && beside.bend < none.bend) {
      none.bend = beside.bend;
      none.stepOut = beside.stepOut;
    }
  }
  if (long && (run <= nb / 2 || !straightBeside(out, best, edge, side, standOut, minBeamPx))) return none;
  const bump: number[] = [];
  // The rest before, along and after the run.
  const rest: number[][] = [[], [], []];
  const all: number[] = [];
  for (let k = 0; k < pixels.length; k++) {
    const p = pixels[k]!;
    const j = Math.floor(us[k]! - u0);
    const at = j < best[0] ? 0 : j < best[1] ? 1 : 2;
    if (at === 1 && side * (vs[k]! - edge) > 0.5) bump.push(p);
    else {
      rest[at]!.push(p);
      all.push(p);
    }
  }
  if (bump.length < minPartPx || all.length < minPartPx) return none;
  // A hull is a slender shape (even a tug is three beams long): a stubby bump is a deckhouse, a
  // crane's foot or the land's fringe.
  const bb = boxOf(bump, width);
  if (bb.length < MIN_HULL_BEAMS * bb.width) return none;
  if (long) {
    // The rest keeps one hull's shape, no strip: a wide ship in line with a narrower one, or a single
    // hull's parallel body beside its tapered ends, leaves one too slender for a hull.
    const rb = boxOf(all, width);
    return rb.length <= maxLengthToBeam * rb.width && rb.width >= minBeamPx ? { ...none, hulls: [all, bump] } : none;
  }
  // Hulls in line with the one the bump lies against, cut off where the run ends; a stretch beyond
  // the run shorter than a minimum hull is that hull overhanging.
  let along = rest[1]!;
  const inLine: number[][] = [];
  // Whether a stretch cut off in line was too stubby for a hull, and joined the rest again.
  let stubby = false;
  // …when the rest is too slender for one hull, and the run's stretch too fat for one: a single
  // wide ship in line with a narrower one stands out from the narrow one's line as a raft would.
  const rb = boxOf(all, width);
  const wide = boxOf(along.concat(bump), width);
  if (rb.length > maxLengthToBeam * rb.width && wide.width * lengthToBeam >= SEAM_ABREAST * wide.length) {
    for (const [at, stations] of [
      [0, best[0]],
      [2, nb - best[1]],
    ] as const) {
      if (stations >= minLengthPx && rest[at]!.length >= minPartPx) inLine.push(rest[at]!);
      else along = along.concat(rest[at]!);
    }
    // A hull cut off in line has a hull's shape along the blob's line: a stretch stubbier than a tug,
    // or lying askew, is no ship moored bow to stern (a dark hull's deckhouse and its shade: 271411
    // cut one hull into four) but the rest's own overhang, and stays with it. The bump still stood
    // out a beam from the rest over a hull's length: the two are a raft, as when nothing lies in line.
    for (let k = inLine.length - 1; k >= 0; k--) {
      const pb = boxOf(inLine[k]!, width);
      if (pb.length >= MIN_HULL_BEAMS * pb.width && !askewOf(pb, angle)) continue;
      along = along.concat(inLine[k]!);
      inLine.splice(k, 1);
      stubby = true;
    }
  }
  if (inLineOnly && !inLine.length && !stubby) return none;
  return { ...none, hulls: inLine.length ? [along, ...inLine, bump] : [all, bump] };
}

/** Share of the stations beside a run that must read a hull's side (`hullSideBeside`). */
const HULL_SIDE_SHARE = 0.5;

/**
 * Whether the side a run stands out from is, beside the run (stations outside `run`), a hull's side
 * on the water over more than `HULL_SIDE_SHARE` of the stations: water (not land, nor the block's
 * edge) one or two pixels beyond its edge pixel (`outPx`) outward along (`ox`, `oy`), and the blob there at
 * least half a minimum beam broad (`out` to `far`). A hull moored at a quay that the water mask partly
 * takes for land keeps on the water what the mask's edge leaves of it: that edge steps where the
 * quay's line and the hull's cross, and the stretch left wider stands out from it as a raft would
 * (886063: a 130 × 19 m hull whose two ends are left on the water, each cut lengthwise into 9 m
 * halves). Beside a line (a quay face's fringe) the run's stretch stands out as well: cut at the
 * line's side (`edge`), it is a whole hull standing out from the line when what the cut leaves along
 * the run is as thin as the line (656465: an 87 m hull cut off a quay-side line), but a hull cut in
 * half-beam strips when that is broader (465523: a 74 × 13 m hull trailing a 1 px line 80 m long).
 * A hull rafted alongside stands out from the other hull's side on the water.
 */
function hullSideBeside(
  outPx: Int32Array,
  out: Float64Array,
  far: Float64Array,
  edge: number,
  run: [number, number],
  minBeamPx: number,
  water: Uint8Array,
  width: number,
  ox: number,
  oy: number,
): boolean {
  const height = water.length / width;
  const thin = (breadth: number) => breadth + 1 < minBeamPx / 2;
  const leftAlong: number[] = [];
  for (let j = run[0]; j < run[1]; j++) if (outPx[j]! >= 0) leftAlong.push(Math.abs(edge - far[j]!));
  // A line beside the run reads as a hull's side when the cut leaves a line along the run too.
  const lineOnly = thin(finiteQuantile(leftAlong, 0.5));
  const onWater = (p: number, d: number) => {
    const x = Math.round((p % width) + d * ox);
    const y = Math.round(((p / width) | 0) + d * oy);
    return x >= 0 && y >= 0 && x < width && y < height && water[y * width + x] === 1;
  };
  let stations = 0;
  let hullSide = 0;
  for (let j = 0; j < outPx.length; j++) {
    const p = outPx[j]!;
    if ((j >= run[0] && j < run[1]) || p < 0) continue;
    stations++;
    if (!lineOnly && thin(Math.abs(out[j]! - far[j]!))) continue;
    // Land a pixel beyond and the next: a single mixed pixel off the water mask beside a hull's
    // side (271411: a 1 px column along a 115 m hull with a 52 m one rafted outboard) is no quay.
    if (onWater(p, 1) || onWater(p, 2)) hullSide++;
  }
  return stations === 0 || hullSide > HULL_SIDE_SHARE * stations;
}

/**
 * How far the far side `far` bends, read without the stations of the `run` standing out on `side`:
 * there the far side is the inner hull's own side, which the hull rafted outboard leaves on the line
 * or cuts back (the quay's fringe, its shade: 271411, a 52 m hull outboard of a 115 m one whose quay
 * side recedes 3–9 px along it), so a bend there is no bend of the blob. `bend`: the middle third's
 * median off the line through the first and last thirds' medians, as `cutAlongside` reads it over
 * all stations. `stepOut`: how far the far side's median along the run stands out beyond that line:
 * a wider ship in line with a narrower one widens both sides about alike (a minimum beam), a hull
 * alongside only its own, and a tapered hull's ends make its middle seem to stand out a few pixels.
 */
function bendBeside(far: Float64Array, run: [number, number], side: number): { bend?: number; stepOut: number } {
  const nb = far.length;
  // Stations beside the run, with the far side read there.
  const js: number[] = [];
  for (let j = 0; j < nb; j++) if ((j < run[0] || j >= run[1]) && Number.isFinite(far[j]!)) js.push(j);
  // The blob's thirds, as `cutAlongside` reads them; when the run covers a whole end third, the
  // thirds of the stations beside it.
  const third = Math.floor(nb / 3);
  let parts = [
    js.filter((j) => j < third),
    js.filter((j) => j >= third && j < nb - third),
    js.filter((j) => j >= nb - third),
  ];
  if (!parts[0]!.length || !parts[2]!.length) {
    const t = Math.floor(js.length / 3);
    parts = [js.slice(0, t), js.slice(t, js.length - t), js.slice(js.length - t)];
  }
  if (!parts[0]!.length || !parts[2]!.length) return { stepOut: 0 };
  const [p0, p1, p2] = parts.map((p) =>
    p.length
      ? {
          at: finiteQuantile(p, 0.5),
          v: finiteQuantile(
            p.map((j) => far[j]!),
            0.5,
          ),
        }
      : null,
  );
  const line = (j: number) => p0!.v + ((p2!.v - p0!.v) * (j - p0!.at)) / Math.max(1, p2!.at - p0!.at);
  const bend = p1 ? Math.abs(p1.v - line(p1.at)) : 0;
  // Outward of the far side is away from `side`.
  const along = Array.from(far.subarray(run[0], run[1])).filter(Number.isFinite);
  const stepOut = along.length ? -side * (finiteQuantile(along, 0.5) - line((run[0] + run[1]) / 2)) : 0;
  return { bend, stepOut };
}

/** Share of a minimum beam by which a hull rafted alongside a longer one stands out from its side when
 * its outer edge fades: a dark hull's edges blend with the water (154862: 5–6 px of an 8 m beam at
 * 1 m, along over half of a longer hull; 338068: a 40 × 8 m dark hull alongside a 184 m ship stands
 * out a whole beam over only 20 of its 40 stations). */
const RAFT_BEAM_SHARE = 0.75;

/**
 * Whether the side `out` runs straight at `edge` (within a pixel and a half) over at least a minimum
 * beam of stations outside `run`, and stands out by `standOut` nowhere else: the longer hull's own
 * side, seen beyond the hull rafted against it, whose end only recedes from that line. A hull's
 * tapered bow or stern recedes at every station; a dent in one hull's side (506327: 12 stations
 * of a 93 × 15 m hull, cut lengthwise along its line) has the side stand out again beyond it.
 */
function straightBeside(
  out: Float64Array,
  run: [number, number],
  edge: number,
  side: number,
  standOut: number,
  minBeamPx: number,
): boolean {
  let straight = 0;
  for (let j = 0; j < out.length; j++) {
    if (j >= run[0] && j < run[1]) continue;
    const o = out[j]!;
    if (side * (o - edge) >= standOut) return false;
    if (Number.isFinite(o) && Math.abs(o - edge) <= 1.5) straight++;
  }
  return straight >= minBeamPx;
}

/**
 * Splits off a hull rafted alongside more than half of a longer one, which `splitAlongside` leaves
 * whole (it takes runs under half the blob, reading the longer hull's side as the median) and whose
 * moments barely widen for it (`splitRafted` does not see it either): one side stands out from the
 * longer hull's side line (its innermost quarter of stations) for over half the stations and at
 * least a minimum hull's length, that side runs straight on the line beyond the run, and the rest
 * keeps one hull's shape. The two are a raft (`longRaft`: never strips of one hull to join again).
 * 154862: a 55 × 8 m dark hull along 60 % of a 95 m lit one, missed on three dates.
 */
function splitLongAlongside(blob: Blob, width: number, limits: AlongsideLimits, newRaft: () => number): Blob[] {
  // A part already cut from a raft was read by `splitRafted` or `splitAlongside` (829304: the rest
  // of a 260 × 50 px blob, two hulls abreast in line with a third, cut again into a strip).
  if (blob.raft !== undefined) return [blob];
  const b = boxOf(blob.pixels, width);
  if (b.length < 2 * limits.minLengthPx || b.width < 2 * limits.minBeamPx) return [blob];
  for (const side of [1, -1]) {
    let cut = cutAlongside(blob.pixels, width, b, b.angle, side, false, limits, true);
    // The raft tilts the pair's moments axis: read again along the far side's line, which runs
    // straight unless the blob is bent (as in `splitAlongside`).
    if (!cut.hulls) {
      cut = cutAlongside(blob.pixels, width, b, cut.straight, side, false, limits, true);
      if (cut.bend > limits.minBeamPx / 3) continue;
    }
    if (cut.hulls) {
      const raft = newRaft();
      return cut.hulls.map((pixels) => ({ pixels, peak: blob.peak, raft, longRaft: raft }));
    }
  }
  return [blob];
}

/** Stations (pixels along the axis) at each end of a gap whose breadth `splitInLine` reads, and the
 * shortest gap it reads them for. */
const END_STATIONS = 3;

/** Share of a part's beam under which its end stations are a line trailing the hull, not hull. */
const THIN_END_SHARE = 0.5;
/** Pixel-weighted quantile of the stations' breadth read as the part's beam: the hull's stations
 * hold most pixels even when a longer one-pixel line trails it. */
const BEAM_QUANTILE = 0.75;

/**
 * `pixels` of the part's fullest run of stations (along the long axis) at least half its beam broad,
 * without the lines narrower than that trailing from it: a one-pixel line along a quay face (its
 * mixed or shaded edge) joined in line to a dark hull moored there makes the joint part many times a
 * hull's length for its beam (seed 656465: 42–69 m hulls with 100–190 m of quay-face line, dropped
 * whole as too slender), though the hull itself stands full beam wide in it.
 */
function trimThinEnds(pixels: number[], width: number): number[] {
  const b = boxOf(pixels, width);
  const ux = Math.cos(b.angle);
  const uy = Math.sin(b.angle);
  const station = pixels.map((p) => ((p % width) - b.cx) * ux + (((p / width) | 0) - b.cy) * uy);
  const [lo, hi] = extent(station);
  const count = new Float64Array(Math.floor(hi - lo) + 1);
  for (const t of station) count[Math.floor(t - lo)]!++;
  const weighted = pixels.map((_, i) => count[Math.floor(station[i]! - lo)]!).sort(ascending);
  const thin = THIN_END_SHARE * weighted[Math.floor(BEAM_QUANTILE * (weighted.length - 1))]!;
  const [first, last] = fullestRun(count, thin, thin / THIN_END_SHARE);
  return pixels.filter((_, i) => {
    const k = Math.floor(station[i]! - lo);
    return k >= first && k <= last;
  });
}

/**
 * The run of stations [first, last] at least `thin` broad holding the most pixels, across narrower
 * gaps shorter than `bridge` stations (a hull's pinched waist, not a line between two things).
 */
function fullestRun(count: Float64Array, thin: number, bridge: number): [number, number] {
  let best: [number, number] = [0, count.length - 1];
  let bestSum = -1;
  let start = -1;
  let end = -1;
  let sum = 0;
  for (let t = 0; t < count.length; t++) {
    if (count[t]! < thin) continue;
    if (start < 0 || t - end - 1 >= bridge) {
      if (start >= 0 && sum > bestSum) {
        bestSum = sum;
        best = [start, end];
      }
      start = t;
      sum = 0;
    } else for (let g = end + 1; g < t; g++) sum += count[g]!;
    sum += count[t]!;
    end = t;
  }
  if (start >= 0 && sum > bestSum) best = [start, end];
  return best;
}

/** Share of a blob's typical cross-section under which a run of stations is a gap between two hulls in line. */
const THIN_SHARE = 0.25;
/** The same for a blob too long for one hull of its beam (see `splitInLine`). */
const SLENDER_THIN_SHARE = 0.4;

/**
 * Splits hulls moored bow to stern along a quay: along the blob's long axis, runs where hull pixels
 * thin out below `THIN_SHARE` of the typical cross-section (water or shadow between two ships) cut it,
 * when both sides are at least a minimum hull long; in a blob too long for one hull of its beam
 * (over `maxLengthToBeam`) and wider than `minBeamPx`, with no such run, runs under `SLENDER_THIN_SHARE`.
 * `deck` gives the pixels that stood out before the cast-shade test, less those with water's hue: a
 * run no longer than `seamPx` that they fill across half the typical cross-section is a seam in one
 * deck the test took for shade, not a gap (see `deckAcross`).
 */
function splitInLine(
  blob: Blob,
  width: number,
  minLengthPx: number,
  water: Uint8Array,
  maxLengthToBeam: number,
  minBeamPx: number,
  deck: () => number[],
  seamPx: number,
): Blob[] {
  const b = boxOf(blob.pixels, width);
  if (b.length < 2 * minLengthPx) return [blob];
  const ux = Math.cos(b.angle);
  const uy = Math.sin(b.angle);
  const proj = new Array<number>(blob.pixels.length);
  const across = new Array<number>(blob.pixels.length);
  for (let i = 0; i < blob.pixels.length; i++) {
    const p = blob.pixels[i]!;
    proj[i] = ((p % width) - b.cx) * ux + (((p / width) | 0) - b.cy) * uy;
    across[i] = -((p % width) - b.cx) * uy + (((p / width) | 0) - b.cy) * ux;
  }
  const [v0, v1] = extent(across);
  const [lo, hi] = extent(proj);
  const nb = Math.floor(hi - lo) + 1;
  const cnt = new Float64Array(nb);
  const vMin = new Float64Array(nb).fill(Number.POSITIVE_INFINITY);
  const vMax = new Float64Array(nb).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < proj.length; i++) {
    const k = Math.floor(proj[i]! - lo);
    cnt[k]!++;
    vMin[k] = Math.min(vMin[k]!, across[i]!);
    vMax[k] = Math.max(vMax[k]!, across[i]!);
  }
  // The blob's breadth across stations [k, e).
  const breadth = (k: number, e: number): [number, number] => {
    let b0 = Number.POSITIVE_INFINITY;
    let b1 = Number.NEGATIVE_INFINITY;
    for (let t = Math.max(0, k); t < Math.min(nb, e); t++) {
      b0 = Math.min(b0, vMin[t]!);
      b1 = Math.max(b1, vMax[t]!);
    }
    return [b0, b1];
  };
  // Water or shade on water lies between two ships; land there (a deck the water mask missed between
  // hatches that stand out) is one hull. Where the ships lie offset across the axis (one wider, or
  // askew to the quay) the box beyond the narrower end is the quay's edge, land whichever the gap is:
  // then the breadth both ends occupy next to the gap tells, once the gap is a stretch as long as
  // that read of the ends (a single thin station is as likely a hull's pinched waist).
  const height = water.length / width;
  const wetOver = (k: number, e: number, from: number, to: number) => {
    let w = 0;
    let all = 0;
    for (let t = k; t < e; t++) {
      for (let v = from; v <= to; v++) {
        const x = Math.round(b.cx + (lo + t + 0.5) * ux - v * uy);
        const y = Math.round(b.cy + (lo + t + 0.5) * uy + v * ux);
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
        all++;
        w += water[y * width + x]!;
      }
    }
    return 2 * w >= all;
  };
  const wet = (k: number, e: number) => {
    if (wetOver(k, e, v0, v1)) return true;
    if (e - k < END_STATIONS) return false;
    const [a0, a1] = breadth(k - END_STATIONS, k);
    const [b0, b1] = breadth(e, e + END_STATIONS);
    return Math.max(a0, b0) <= Math.min(a1, b1) && wetOver(k, e, Math.max(a0, b0), Math.min(a1, b1));
  };
  const sorted = Array.from(cnt)
    .filter((c) => c > 0)
    .sort((x, y) => x - y);
  const typical = sorted[Math.floor(sorted.length / 2)] ?? 0;
  // A dark deck between lit hatch covers stands out as a hull does, but the cast-shade test may take
  // it for the covers' shade: the hull then thins to a waist of a station or two, on water at an
  // anchorage, with no water there (999089, 886063 anchorages: 121 and 150 m hulls cut in three or
  // four). A run no longer than a hatch seam (`seamPx`, as `bridgeDeckSeams` bridges) that such deck
  // fills across at least half the typical cross-section is that seam. A longer one is a gap between
  // two ships, whose shade may be as dark (999089 pier-2: an 8 m gap, one hull's shadow across it), and
  // so is one that a few such pixels only nudge over the thin share (taking the thin share as the bar
  // joined hulls moored bow to stern at berths: 506327, 656465 and 700755 lost 5 hits).
  let deckCnt: Float64Array | undefined;
  const deckAcross = (k: number, e: number) => {
    if (e - k > seamPx) return false;
    if (!deckCnt) {
      deckCnt = new Float64Array(nb);
      for (const p of deck()) {
        const t = Math.floor(((p % width) - b.cx) * ux + (((p / width) | 0) - b.cy) * uy - lo);
        if (t >= 0 && t < nb) deckCnt[t]!++;
      }
    }
    for (let t = k; t < e; t++) if (2 * deckCnt[t]! < typical) return false;
    return true;
  };
  // Where the blob thins under `share` of its typical cross-section, and water lies there, two hulls meet.
  const cutsAt = (share: number): number[] => {
    const thin = share * typical;
    const cuts: number[] = [];
    let last = 0;
    for (let k = 0; k < nb; ) {
      if (cnt[k]! >= thin) {
        k++;
        continue;
      }
      let e = k;
      while (e < nb && cnt[e]! < thin) e++;
      if (k - last >= minLengthPx && nb - e >= minLengthPx && wet(k, e) && !deckAcross(k, e)) {
        cuts.push((k + e) / 2);
        last = e;
      }
      k = e;
    }
    return cuts;
  };
  // A blob longer than one hull of its beam may be, with no such gap, is two hulls in line joined by
  // a strip: the quay face's shade or edge beside the water between them (506327: a 93 m and a 117 m
  // hull 16 m apart, joined by a 6 px strip along the pier, read as one 217 × 16 m box). There the
  // blob thins to under `SLENDER_THIN_SHARE` of its typical cross-section; a single hull's waist does
  // not. Only where that cross-section is wider than the narrowest beam: a narrower blob is a line (a
  // shore's shaded edge, 700755 and 656465 east-quay), dropped whole as too slender, whose pieces would
  // pass.
  let cuts = cutsAt(THIN_SHARE);
  if (!cuts.length && typical > minBeamPx && b.length > maxLengthToBeam * b.width) cuts = cutsAt(SLENDER_THIN_SHARE);
  if (!cuts.length) return [blob];
  const parts: number[][] = [];
  for (let k = 0; k <= cuts.length; k++) parts.push([]);
  for (let i = 0; i < proj.length; i++) {
    let part = 0;
    while (part < cuts.length && proj[i]! - lo >= cuts[part]!) part++;
    parts[part]!.push(blob.pixels[i]!);
  }
  return parts.filter((p) => p.length > 0).map((pixels) => ({ pixels, peak: blob.peak }));
}

function blobsOf(mask: Uint8Array, z: Float32Array, width: number, height: number, seed: number): Blob[] {
  const { labels, components } = labelComponents(mask, width, height, { connectivity: 8 });
  const blobs: Blob[] = [];
  for (let k = 0; k < components.length; k++) blobs.push({ pixels: [], peak: 0 });
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!l) continue;
    const b = blobs[l - 1]!;
    b.pixels.push(i);
    const a = Math.abs(z[i]!);
    if (a > b.peak) b.peak = a;
  }
  const out: Blob[] = [];
  for (const b of blobs) if (b.peak >= seed) out.push(b);
  return out;
}

/** Share of the one-pixel outer ring of `pixels` (8-connected) that is land; `mark` is scratch, all zero. */
function landContact(pixels: number[], land: Uint8Array, mark: Uint8Array, width: number, height: number): number {
  for (const p of pixels) mark[p] = 1;
  let ring = 0;
  let onLand = 0;
  const seen: number[] = [];
  for (const p of pixels) {
    const x = p % width;
    const y = (p / width) | 0;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
        const q = yy * width + xx;
        if (mark[q]) continue;
        mark[q] = 2;
        seen.push(q);
        ring++;
        onLand += land[q]!;
      }
    }
  }
  for (const p of pixels) mark[p] = 0;
  for (const q of seen) mark[q] = 0;
  return ring ? onLand / ring : 0;
}

/**
 * True when some pixel of `pixels` has its whole (2r+1)² square inside them: the blob is somewhere
 * as wide as a minimum beam. Always true for r < 1. `mark` is scratch, all zero, left so.
 */
function hasCore(pixels: number[], r: number, mark: Uint8Array, width: number, height: number): boolean {
  if (r < 1) return true;
  for (const p of pixels) mark[p] = 1;
  let found = false;
  for (const p of pixels) {
    const x = p % width;
    const y = (p / width) | 0;
    if (x < r || y < r || x >= width - r || y >= height - r) continue;
    let inside = true;
    for (let dy = -r; dy <= r && inside; dy++) {
      for (let dx = -r; dx <= r && inside; dx++) if (!mark[p + dy * width + dx]) inside = false;
    }
    if (inside) {
      found = true;
      break;
    }
  }
  for (const p of pixels) mark[p] = 0;
  return found;
}

/** The pixels just outside `pixels` (4-neighbours), each once. `mark` is scratch, all zero, left so. */
function outlineOf(pixels: number[], n: number, width: number, mark: Uint8Array): number[] {
  for (const p of pixels) mark[p] = 1;
  const outline: number[] = [];
  for (const p of pixels) {
    const x = p % width;
    for (const q of [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, p - width, p + width]) {
      if (q < 0 || q >= n || mark[q]) continue;
      mark[q] = 2;
      outline.push(q);
    }
  }
  for (const p of pixels) mark[p] = 0;
  for (const q of outline) mark[q] = 0;
  return outline;
}

/**
 * How many pixels just outside `pixels` are open water: water that does not stand out (contrast
 * under `growZ`), or, given `shadow`, shade on water (a hull's own shadow lines its outer side, and
 * the hulls of a raft moored between ships in line may touch water nowhere else), or, given `foam`,
 * a fainter rim up to `foam.z` that is brighter than water in every band (`foam.bright`): foam
 * spreading from a wake or a boat's wash is white, but a dark deck beside a lit rail (the reason open
 * water may be asked to be fainter than `foam.z`) is darker in some band, as is a dark red deck
 * (312134 2025-05-14: a 50 × 8 m hull, deck 0.30/0.08/0.07, whose faint rim counted open when only
 * "not darker in every band" was asked, and was lost).
 */
function openContact(
  pixels: number[],
  water: Uint8Array,
  a: Float32Array,
  growZ: number,
  mark: Uint8Array,
  width: number,
  shadow?: Uint8Array,
  foam?: { bright: Uint8Array; z: number },
): number {
  let open = 0;
  for (const q of outlineOf(pixels, water.length, width, mark)) {
    if (!water[q]) continue;
    const z = a[q]!;
    if (z < growZ || shadow?.[q] || (foam && z < foam.z && foam.bright[q])) open++;
  }
  return open;
}

/**
 * The share of the pixels just outside `pixels` that stand out at least `z` or are not water: what
 * lines a part besides water.
 */
function linedShare(
  pixels: number[],
  water: Uint8Array,
  a: Float32Array,
  z: number,
  mark: Uint8Array,
  width: number,
): number {
  const outline = outlineOf(pixels, water.length, width, mark);
  let lined = 0;
  for (const q of outline) if (!water[q] || a[q]! >= z) lined++;
  return lined / Math.max(1, outline.length);
}

/**
 * A blob's length with the blur taken out, pixels, along its contrast-weighted long axis. Blur
 * spreads a target equally in every direction, so its contrast-weighted moments along and across the
 * blob both hold it (variances add), and only the hull makes them differ: L² − W² = length² − beam²,
 * with beam = length ÷ `lengthToBeam`. A point target (a buoy, a small boat, a breaking wave) comes
 * out near 0 however far the blur and the hysteresis spread its blob.
 */
export function deblurredLength(
  pixels: number[],
  a: Float32Array,
  width: number,
  lengthToBeam: number,
): { length: number; angle: number } {
  const { w, xx, yy, xy } = momentsOf(pixels, width, a);
  if (!(w > 0)) return { length: 0, angle: 0 };
  // λ1 − λ2 of the weighted covariance; × 12 turns a variance into the length of a uniform run.
  const spread = 2 * Math.sqrt(((xx - yy) / 2) ** 2 + xy * xy);
  return {
    length: Math.sqrt((12 * spread) / (1 - 1 / (lengthToBeam * lengthToBeam))),
    angle: 0.5 * Math.atan2(2 * xy, xx - yy),
  };
}

/**
 * Joins the pieces of a hull whose deck crosses water's colour. Hatch covers, holds and walkways on
 * a deck near water's colour (a dark hull on dark water) stand out by turns, and the seams between
 * them stay under the growing contrast: the hull falls apart into pieces each shorter than a hull.
 * A gap pixel between two stretches of `cand` at most 2r apart (a closing by a (2r+1)² square) that
 * stands out at least `seamZ` is deck, and is set in `cand` (in place). Shade on water is not deck,
 * nor is anything within r + 1 of land: the mixed pixels along a quay's edge would chain the hulls
 * moored along it into one.
 */
function bridgeDeckSeams(
  cand: Uint8Array,
  a: Float32Array,
  domain: Uint8Array,
  shadow: Uint8Array,
  width: number,
  height: number,
  r: number,
  seamZ: number,
): void {
  const closed = erode(dilate(cand, width, height, r), width, height, r);
  const land = new Uint8Array(domain.length);
  for (let i = 0; i < domain.length; i++) land[i] = domain[i]! ^ 1;
  const nearLand = dilate(land, width, height, r + 1);
  for (let i = 0; i < cand.length; i++) {
    if (closed[i] && !cand[i] && !nearLand[i] && !shadow[i] && a[i]! >= seamZ) cand[i] = 1;
  }
}

/**
 * How many times the contrast along `b`'s axis (at each half pixel, the strongest of `a` across the
 * box's middle, ±1 px, interpolated) falls to under half the peak before it and then rises again
 * to over twice that low: the gaps in a row of separate targets. Blur joins targets a few pixels
 * apart into one blob, but between them the contrast still sinks to about half; a hull's deck does
 * not (superstructure and hatches vary it by less at 10 m).
 */
export function beadDips(b: Omit<PixelBox, 'confidence'>, a: Float32Array, width: number, height: number): number {
  const c = Math.cos(b.angle);
  const s = Math.sin(b.angle);
  const at = (fx: number, fy: number) => {
    const x0 = Math.floor(fx);
    const y0 = Math.floor(fy);
    if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height) return 0;
    const ax = fx - x0;
    const ay = fy - y0;
    const i = y0 * width + x0;
    return (
      (1 - ax) * (1 - ay) * Math.abs(a[i]!) +
      ax * (1 - ay) * Math.abs(a[i + 1]!) +
      (1 - ax) * ay * Math.abs(a[i + width]!) +
      ax * ay * Math.abs(a[i + width + 1]!)
    );
  };
  let dips = 0;
  let peak = 0;
  let low = Number.POSITIVE_INFINITY;
  let inDip = false;
  for (let t = -b.length / 2; t <= b.length / 2; t += 0.5) {
    let p = 0;
    for (let v = -1; v <= 1; v += 0.5) p = Math.max(p, at(b.cx + t * c - v * s, b.cy + t * s + v * c));
    if (!inDip) {
      peak = Math.max(peak, p);
      if (p < peak / 2) {
        inDip = true;
        low = p;
      }
    } else {
      low = Math.min(low, p);
      if (p > 2 * low && p >= peak / 2) {
        dips++;
        inDip = false;
        peak = p;
      }
    }
  }
  return dips;
}

/** Whether most of `pixels` are darker than water (a dark hull or a hull's shadow). */
function isMostlyDark(pixels: number[], dark: Uint8Array): boolean {
  return darkShare(pixels, dark) > DARK_HULL_SHARE;
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
    minBeamM = 6,
    darkMaxGsdM = 5,
    shoreZ = 30,
    berthedShare = 0.5,
    berthedShoreZ = 15,
    coarseSeedZ = 8.5,
    minDarkFill = 0.45,
    minOpenContact = 0.1,
    maxLengthToWidth = 15,
    maxCoarseBeadDips = 2,
    maxCoarseWidthM = 100,
    shadowHeightPerLength = 0.25,
    maxShadowHeightM = 45,
    openWaterZ = 1,
    deckSeamM = 3,
    deckSeamZ = 2,
    minJointLengthToBeam = 4,
    splitsAlongside = true,
    maxMooredPieceGapM = 40,
  }: VesselOptions = {},
): PixelBox[] {
  const { block, zone, water, valid, gsdM, minVesselLengthM, berthed } = input;
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
  // Hulls are found on all the window's water, then kept by centroid in the zone (DESIGN: a vessel
  // counts where its centroid lies), so a ship half across the zone edge is neither cut nor doubled.
  const domain = new Uint8Array(n);
  if (!andOfThree(water, valid, block.valid, zone, domain)) return [];

  const gsd = Math.sqrt(gsdM.x * gsdM.y);
  // Moored-hull patches are scored against water, but are hulls: counted as its background, a raft's
  // own pixels raise the water's local mean and the local spread the contrast is scaled by, and sink
  // the raft's contrast (sen2ships with the labelled hulls as patches: 47 → 56 of 64 moored ships
  // found, false detections 10 → 10). Only coarser than `darkMaxGsdM`, where the patches are the 10 m
  // moored-hull path's: finer, taking the berth patches out made the generated ports' vessel MAE
  // worse (20251 0.39 → 0.45, 892223 0.50 → 0.57; why was not looked into).
  const background = berthed && gsd > darkMaxGsdM ? domain.map((d, i) => d & (berthed[i]! ^ 1)) : domain;
  const { a, shadow, dark, bright } = waterContrast(block, domain, gsd, backgroundM, gsd > darkMaxGsdM, background);
  const cand = new Uint8Array(n);
  atLeast(a, growZ, cand);
  // Coarser than `darkMaxGsdM` a hull is a pixel or two wide: a gap there is water between ships.
  if (gsd <= darkMaxGsdM && deckSeamM > 0) {
    bridgeDeckSeams(cand, a, domain, shadow, width, height, Math.max(1, Math.round(deckSeamM / (2 * gsd))), deckSeamZ);
  }

  const pxLen = (b: Omit<PixelBox, 'confidence'>) => groundLengthM(b, gsdM);
  // Longer for its beam than a hull (cargo hulls are 5.5–7.5 beams long) is a strip of one, or two in line.
  const maxHullLengthToBeam = 1.25 * lengthToBeam;
  const minPartPx = Math.max(3, Math.round((minVesselLengthM * minVesselLengthM) / lengthToBeam / (gsd * gsd)));
  const land = notMask(water);
  const shore = dilate(land, width, height, 1);
  const mark = new Uint8Array(n);
  const seed = gsd > darkMaxGsdM ? Math.max(seedZ, coarseSeedZ) : seedZ;

  // With the sun, where each lit structure's shadow can fall, in pixels per metre of height.
  const perM = input.sun ? shadowPerMetre(input.sun) : null;
  const toShadow = perM ? { x: perM.x / gsdM.x, y: perM.y / gsdM.y } : null;
  const heightOf = (lengthM: number) => shadowHeightM(lengthM, maxShadowHeightM, shadowHeightPerLength);

  // A hull's shadow on water does not always keep water's hue (path radiance tints water, not the
  // shade), so dark pixels pass as a dark deck: they lengthen a hull's box, fill the gap between hulls
  // moored bow to stern and hide a raft's shape. With the sun known, dark pixels at the blob's edge
  // (joined to its outside through dark pixels: a dark hatch walled in by lit deck is not) that a lit
  // pixel of the blob can cast (away from the sun within the blob's shadow reach) are shade, unless
  // most of their region is hull: dark deck out of any shadow's reach, or cast pixels with hull beyond
  // them along the sun's line (lit deck: a hatch at the rim; or dark deck out of reach: a dark deck
  // that a lit deckhouse or hatch cover seems to shade). Shade on water has only water beyond it.
  const role = new Uint8Array(toShadow ? n : 0);
  // The test is a function of its own (`castShadeOf`), not a closure made per call: see `CastShade`.
  const shadeTest: CastShade = {
    shadow,
    dark,
    role,
    width,
    height,
    toShadow,
    gsdM,
    maxShadowHeightM,
    shadowHeightPerLength,
  };
  const notShadow = (pixels: number[]): number[] => castShadeOf(pixels, shadeTest);

  const out: PixelBox[] = [];
  // Which detections are mostly darker than water (a dark hull or a hull's shadow), by index in `out`.
  const darkPart: boolean[] = [];
  // Which raft each detection was split from, if any.
  const raftOf = new Map<PixelBox, number>();
  // Which pair `splitLongAlongside` cut each detection from: two hulls, never strips of one.
  const longRaftOf = new Map<PixelBox, number>();
  // Which detections a raft's cut confirmed by a second cue (`Blob.twoCues`).
  const twoCuesCut = new Set<PixelBox>();
  // Lines kept only because other structure lines them (a strip of a hull, not a line on the water).
  const linedLines = new Set<PixelBox>();
  // Dark parts' colour against the water around them (`blueOverRed`).
  const blueTilt = new Map<PixelBox, number>();
  let rafts = 0;
  for (const blob of blobsOf(cand, a, width, height, seed)) {
    // A hull and its shadow form one blob: keep the hull. A blob of shadow alone is a hull only if it
    // is dark enough, away from the shore (piers and cranes shade the water beside them) and the
    // image is fine enough (at 10 m, dark blobs on water are slicks and wakes).
    // A moored-hull patch the water mask took from the quay touches land by construction.
    const atQuay = () =>
      !!berthed &&
      blob.peak >= berthedShoreZ &&
      blob.pixels.filter((p) => berthed[p]).length >= berthedShare * blob.pixels.length;
    if (
      gsd > darkMaxGsdM &&
      blob.peak < shoreZ &&
      !atQuay() &&
      landContact(blob.pixels, land, mark, width, height) >= 0.1
    )
      continue;
    const hull = notShadow(blob.pixels);
    let pixels = blob.pixels;
    if (hull.length >= Math.max(minPartPx, 0.25 * blob.pixels.length)) pixels = hull;
    else {
      if (gsd > darkMaxGsdM || blob.peak < darkZ) continue;
      if (blob.pixels.filter((p) => shore[p]).length > 0.2 * blob.pixels.length) continue;
    }
    // Mixed water/land pixels along the shore make a thin bright line; a hull is wider than 6 m. The
    // line may turn a corner (quay face into pier side), which widens its box but not the line itself.
    if (pixels.filter((p) => shore[p]).length > 0.8 * pixels.length) {
      const box = boxOf(pixels, width);
      if (box.width * gsd < minBeamM) continue;
      if (!hasCore(pixels, Math.floor(minBeamM / (2 * gsd)), mark, width, height)) continue;
    }
    const minLengthPx = minVesselLengthM / gsd;
    // At 10 m a white hull is a pixel or two wide: its "rafted" neighbours are its own mixed pixels.
    const lines = splitInLine(
      { pixels, peak: blob.peak },
      width,
      minLengthPx,
      water,
      maxHullLengthToBeam,
      minBeamM / gsd,
      () => blob.pixels.filter((p) => !shadow[p]),
      deckSeamM / gsd,
    );
    const parts =
      gsd > darkMaxGsdM
        ? lines
        : lines
            .flatMap((p) => {
              const hulls = splitRaft(p, a, {
                width,
                minPartPx,
                lengthToBeam,
                water,
                cutInLine: lines.length > 1,
                minLengthPx,
                gsd,
                minBeamPx: minBeamM / gsd,
                shade: toShadow ? { ...shadeTest, toShadow } : undefined,
              });
              if (hulls.length > 1) for (const h of hulls) h.raft = rafts;
              rafts++;
              return hulls;
            })
            .flatMap((p) =>
              splitsAlongside
                ? splitAlongside(
                    p,
                    width,
                    minBeamM / gsd,
                    minLengthPx,
                    minPartPx,
                    lengthToBeam,
                    maxHullLengthToBeam,
                    () => rafts++,
                    water,
                    dark,
                  )
                : [p],
            )
            .flatMap((p) =>
              splitLongAlongside(
                p,
                width,
                {
                  minBeamPx: minBeamM / gsd,
                  minLengthPx,
                  minPartPx,
                  lengthToBeam,
                  maxLengthToBeam: maxHullLengthToBeam,
                },
                () => rafts++,
              ),
            );
    // Whether each raft split from this blob touches open water as a whole (`minOpenContact`).
    const raftOpen = new Map<number, boolean>();
    const inOpenRaft = (r: number | undefined) => {
      if (r === undefined) return false;
      let open = raftOpen.get(r);
      if (open === undefined) {
        const pixels = parts.filter((q) => q.raft === r).flatMap((q) => q.pixels);
        const length = boxOf(pixels, width).length;
        open = openContact(pixels, water, a, growZ, mark, width, shadow) >= minOpenContact * length;
        raftOpen.set(r, open);
      }
      return open;
    };
    for (const whole of parts) {
      // Too slender for a hull: judged without thin lines trailing its ends (`trimThinEnds`).
      const wholeBox = boxOf(whole.pixels, width);
      const part =
        wholeBox.length > maxLengthToWidth * wholeBox.width
          ? { ...whole, pixels: trimThinEnds(whole.pixels, width) }
          : whole;
      let box = part === whole ? wholeBox : boxOf(part.pixels, width);
      // A line kept only because other structure lines it (see `LINED_SHARE`).
      let lined = false;
      const isDark = isMostlyDark(part.pixels, dark);
      // A hull is one solid body and fills most of its moments box (a dark hull seen only by its lit
      // rims still fills a fifth or more). Scattered pieces at a distance from each other (a shade
      // fringe along a hull and a fleck at a pier's corner, left when a raft's hull was cut out) spread
      // their moments far beyond what they cover, and their box spans hulls and quay.
      if (gsd <= darkMaxGsdM && part.pixels.length < MIN_PART_FILL * box.length * box.width) continue;
      // A dark part that fills under `minDarkFill` of its moments box is a shadow on rippled water.
      if (gsd <= darkMaxGsdM && isDark && part.pixels.length < minDarkFill * box.length * box.width) continue;
      // A hull split from a raft (at least a narrowest beam wide: a narrower strip is no hull) is judged
      // with its raft: the inner hull of a raft at a quay, between ships moored in line with it,
      // touches no open water, the raft's outer hull does (154862: four such hulls lost). A patch of
      // quay walled in by land is split from no raft.
      if (
        gsd <= darkMaxGsdM &&
        openContact(part.pixels, water, a, growZ, mark, width, shadow) < minOpenContact * box.length &&
        !(box.width * gsd >= minBeamM && inOpenRaft(part.raft))
      ) {
        continue;
      }
      // A wake or a mixed-pixel fringe drags the weak end of a blob: the hull is where contrast is strong.
      const floor = Math.max(seed, 0.3 * part.peak);
      const core: number[] = [];
      for (const p of part.pixels) if (a[p]! >= floor) core.push(p);
      if (core.length >= 3 && core.length < part.pixels.length) {
        const c = boxOf(core, width);
        if (
          gsd <= darkMaxGsdM &&
          leadsWake(
            c,
            box,
            part.pixels,
            width,
            MIN_BOAT_BEAM_M / gsd,
            minBeamM / gsd,
            pxLen(c) < minVesselLengthM,
            !isDark,
            () => openContact(part.pixels, water, a, deckSeamZ, mark, width) >= box.length,
            part.raft !== undefined,
          )
        )
          continue;
        // A core too slender for a hull in a part that is not is the lit side of a dark hull (its rail
        // or rim), not the hull: the part measures it (700755 2025-01-14 pier-1: a 112 × 18 m
        // dark-red hull whose 28 × 2 m lit side alone passed the core's floor).
        const litSide = c.length > maxLengthToWidth * c.width && box.length <= maxLengthToWidth * box.width;
        const moved = pxLen(c) >= minVesselLengthM && !litSide ? c : { ...box, cx: c.cx, cy: c.cy };
        // Coarser than `darkMaxGsdM` the box measures a hull's blur, wider than its few pixels
        // (sen2ships kept within them: one more false detection, a 200 m one in Busan).
        box = gsd <= darkMaxGsdM ? within(moved, part.pixels, width) : moved;
      }
      // Coarser than `darkMaxGsdM` a minimum-length hull spans a few pixels, about the blur's own
      // width, and the blob's box measures the blur: its length must show once the blur is taken
      // out (within half a pixel, the measurement's own grain).
      if (gsd > darkMaxGsdM) {
        const d = deblurredLength(part.pixels, a, width, lengthToBeam);
        const lengthM = pxLen({ ...box, length: d.length, angle: d.angle });
        if (lengthM < minVesselLengthM - gsd / 2) continue;
      }
      const lengthM = pxLen(box);
      if (lengthM < minVesselLengthM || lengthM > maxVesselLengthM) continue;
      if (box.length > maxLengthToWidth * box.width) continue;
      if (gsd > darkMaxGsdM && beadDips(box, a, width, height) > maxCoarseBeadDips) continue;
      // Narrower than the narrowest beam, longer for its width than a hull and with open water along
      // both sides: a line on the water (a small boat with its wake's start, foam). A strip of a hull
      // has the rest of it beside it (a strip cut lengthwise, a lit band by a dark deck, a raft's next
      // hull), and a hull's side at a quay has the quay. Open here is under `deckSeamZ` too, fainter
      // than deck the seams bridge: a dark deck near water's colour beside its lit rail is no water
      // (seed 705913: a rafted hull lost at 3 σ), nor is shade (as the shade test takes it, dark deck
      // is not told from shadow). A faint rim brighter than water in every band is open, though:
      // foam spreading on both sides of a wake, which alone kept boats under way with their wakes
      // (27–73 m × 2–5 m on seeds 312134 and 338068) under both sides' worth of open water
      // (`openContact`'s foam). Nor is
      // a part that other structure lines (`LINED_SHARE`): the hatch row of a dark rafted hull
      // touches water's colour along more than both its sides through the deck between hatches, but
      // its rims and the next hull stand out around it (seed 540160: a 53 m hull, deck 0.07, lost on
      // four dates). Only where such a beam spans two pixels: coarser, a hull's box is as narrow as a
      // pixel allows.
      if (
        gsd <= darkMaxGsdM &&
        minBeamM >= 2 * gsd &&
        box.width * gsd < minBeamM &&
        box.length > maxHullLengthToBeam * box.width &&
        openContact(part.pixels, water, a, deckSeamZ, mark, width, undefined, { bright, z: growZ }) >=
          OPEN_BOTH_SIDES * box.length
      ) {
        if (linedShare(part.pixels, water, a, growZ, mark, width) < LINED_SHARE) continue;
        lined = true;
      }
      if (gsd > darkMaxGsdM && box.width * gsd > maxCoarseWidthM) continue;
      if (!zone[Math.round(box.cy) * width + Math.round(box.cx)]) continue;
      const found = { ...box, confidence: Math.min(1, Math.max(0.05, 1 - Math.exp(-(part.peak - seed + 1)))) };
      out.push(found);
      darkPart.push(isDark);
      if (isDark && gsd <= darkMaxGsdM) {
        const tilt = blueOverRed(part.pixels, block, domain, cand, dark, width, height);
        if (tilt !== null) blueTilt.set(found, tilt);
      }
      if (part.raft !== undefined) raftOf.set(found, part.raft);
      if (part.longRaft !== undefined) longRaftOf.set(found, part.longRaft);
      if (part.twoCues) twoCuesCut.add(found);
      if (lined) linedLines.add(found);
    }
  }
  // Parts of one hull (a hull cut from its shadow, bow from superstructure) can both pass; two hulls
  // never have their centres closer than a minimum beam. The stronger part stands for the hull.
  // Nor does one hull's centre lie on another hull: a part centred within a stronger or larger
  // detection's box (a shadow strip, a superstructure cut off by its colour) is that hull.
  const dMin = minBeamM / gsd;
  const pad = Math.max(1, 3 / gsd);
  // At fine pixels a part a beam wide centred off a hull's side, with water beyond it, is a hull
  // rafted alongside.
  const covers = (o: PixelBox, b: PixelBox) =>
    centredOn(o, b, pad, gsd <= darkMaxGsdM && waterBeyond(o, b, water, width, height, pad) ? dMin : null);
  // A dark part lying alongside a brighter hull, parallel and within its length, is that hull's
  // shadow on the water (the sun casts every hull's shadow to its side; cut from the hull by the
  // contrast seam, it passes as a dark hull of the hull's length).
  const alongside = (o: PixelBox, b: PixelBox) => {
    if (!parallel(o, b)) return false;
    const { u, v } = frameOf(o, b);
    return Math.abs(u) <= o.length / 2 && Math.abs(v) <= (o.width + b.width) / 2 + pad;
  };
  // With the sun, a dark part whose centre and far side a lit detection's shadow can reach (its box
  // moved away from the sun by up to its height's cast) is that shadow, whatever its shape: a shadow
  // falls to one side only, so a dark hull on the sunward side of a lit one is kept.
  const shadedBy = (o: PixelBox, b: PixelBox) => {
    if (!toShadow) return false;
    const reach = heightOf(pxLen(o));
    const c = Math.cos(o.angle);
    const s = Math.sin(o.angle);
    const norm = Math.hypot(toShadow.x, toShadow.y);
    const steps = Math.max(1, Math.ceil(reach * norm));
    const reached = (px: number, py: number) => {
      for (let k = 1; k <= steps; k++) {
        const t = (k / steps) * reach;
        const dx = px - t * toShadow.x - o.cx;
        const dy = py - t * toShadow.y - o.cy;
        if (Math.abs(dx * c + dy * s) <= o.length / 2 + pad && Math.abs(-dx * s + dy * c) <= o.width / 2 + pad) {
          return true;
        }
      }
      return false;
    };
    if (!reached(b.cx, b.cy)) return false;
    // Nor does shade reach further than its cast: a dark part lying parallel to the lit one (as a hull
    // moored off it does) whose far side, away from the sun, lies beyond the cast is a hull, however
    // near its centre lies. Askew, it may be a crane's shade, cast from elsewhere.
    if (!parallel(o, b)) return true;
    const ux = toShadow.x / norm;
    const uy = toShadow.y / norm;
    const half =
      (Math.abs(ux * Math.cos(b.angle) + uy * Math.sin(b.angle)) * b.length) / 2 +
      (Math.abs(-ux * Math.sin(b.angle) + uy * Math.cos(b.angle)) * b.width) / 2;
    return reached(b.cx + half * ux, b.cy + half * uy);
  };
  // A part not shaped like a hull (shorter than two widths: a deckhouse) lying on the axis of a longer
  // detection, beyond its end, with deck between them is that hull's superstructure: a deck close to
  // water's colour links it to its cargo only by weak contrast. Water between them is two ships.
  const superstructureOf = (o: PixelBox, b: PixelBox) => {
    if (b.length >= 2 * b.width || o.length <= b.length) return false;
    const { u, v } = frameOf(o, b);
    if (Math.abs(v) > o.width / 2 + pad || Math.abs(u) <= o.length / 2 || Math.abs(u) > o.length) return false;
    return deckBetween(o, Math.sign(u), o.length / 2 + 1, Math.abs(u) - b.length / 2 - 1, v);
  };
  // Deck that blends with water along `o`'s axis (offset `v` across it) from `t0` to `t1` on the `side`
  // of its centre: the median contrast of the unshaded water pixels there (a shadow may fall on
  // either, so it does not tell) is above plain water's yet under `growZ`. A deck that stands out
  // would have joined its cargo's blob: a part beyond such a deck is the next hull's deckhouse. No
  // water there at all (the boxes meet, or deck the water mask took for land) joins them too.
  const deckBetween = (o: PixelBox, side: number, t0: number, t1: number, v: number) => {
    const c = Math.cos(o.angle);
    const s = Math.sin(o.angle);
    const seen: number[] = [];
    let wet = 0;
    for (let t = t0; t <= t1; t++) {
      const x = Math.round(o.cx + side * t * c - v * s);
      const y = Math.round(o.cy + side * t * s + v * c);
      if (x < 0 || y < 0 || x >= width || y >= height) return false;
      const i = y * width + x;
      wet += water[i]!;
      if (water[i] && !shadow[i]) seen.push(a[i]!);
    }
    if (!wet) return true;
    seen.sort((p, q) => p - q);
    const median = seen[Math.floor(seen.length / 2)];
    return median !== undefined && median >= openWaterZ && median < growZ;
  };
  // `g` lies on `o`'s axis beyond its end, parallel, shorter and no wider, joined to it by a deck
  // that blends with water, or reaching back alongside its end by at most `OVERLAP_END_SHARE` of its
  // length: no cross-section of the gap (or of the overlap), across `g`'s middle, is mostly unshaded
  // water under `openWaterZ` (shade may fall between two ships, so it counts as water).
  const endOf = (o: PixelBox, g: PixelBox) => {
    if (!parallel(o, g) || g.length >= o.length || g.width > o.width + 2 * pad) return false;
    const { u, v } = frameOf(o, g);
    if (Math.abs(v) > o.width / 2 || Math.abs(u) <= o.length / 2) return false;
    const t0 = o.length / 2;
    const t1 = Math.abs(u) - g.length / 2;
    const half = Math.max(1, 0.3 * g.width);
    // Boxes that overlap end to end: the raft reaches alongside the detection's end, one deck cut
    // into pieces by contrast (700755: an 86 m dark hull found as a 48 × 17 m piece and, 5 m into
    // its end, a 32 × 8 m stub beside a 45 × 5 m strip). Two hulls moored in line overlap only
    // when their boxes tilt, and then open water lies across the overlap.
    if (t0 - t1 >= 1) return t0 - t1 <= OVERLAP_END_SHARE * g.length && !openAcross(o, Math.sign(u), t1, t0, v, half);
    // Boxes that meet (hulls moored bow to stern) show no join to read.
    if (t1 - t0 < 1 || t1 - t0 > Math.max(2 * pad, minVesselLengthM / gsd)) return false;
    return !openAcross(o, Math.sign(u), t0, t1, v, half);
  };
  const view: WaterView = { a, water, shadow, width, height, openWaterZ };
  // Whether some cross-section of `o`'s axis from `t0` to `t1` on the `side` of its centre, `half`
  // either way of offset `v`, is mostly unshaded water under `openWaterZ` or shade.
  const openAcross = (o: PixelBox, side: number, t0: number, t1: number, v: number, half: number) =>
    openCrossSection(view, o, o.angle, side, t0, t1, half, () => v);
  // A sliver (narrower than `SLIVER_BEAMS` of the narrowest beam: a hull's lit rail or a strip of its
  // deck the contrast cut off, never split from a raft) is no hull of its own. Lying on a detection's
  // axis beyond its end, parallel to it, with no open water across the stretch between them (up to a
  // minimum length), it is a piece of that hull, as the deckhouse is (154862, 829304: hulls found as a
  // 22–35 m sliver 2–3.5 m wide and a stern piece 8 m wide in line with it, each taken for a ship).
  const sliverInLine = (o: PixelBox, b: PixelBox) => {
    const [hull, sliver] = b.width < o.width ? [o, b] : [b, o];
    if (sliver.width >= SLIVER_BEAMS * dMin || !parallel(hull, sliver)) return false;
    const { u, v } = frameOf(hull, sliver);
    if (Math.abs(v) > hull.width / 2 + pad || Math.abs(u) <= hull.length / 2) return false;
    const gap = Math.abs(u) - (hull.length + sliver.length) / 2;
    if (gap > Math.max(2 * pad, minVesselLengthM / gsd)) return false;
    return gap < 1 || !openAcross(hull, Math.sign(u), hull.length / 2, hull.length / 2 + gap, v, 1);
  };
  // Hulls split abreast from one blob that together lie on a longer detection's axis, beyond its
  // end and no wider than it, with no open water between them and it, are that hull's end (a deckhouse
  // or a dark stretch of deck the contrast cut off, then cut lengthwise for looking fat): a second
  // ship there would have water at its bow.
  const endPiece = new Set<PixelBox>();
  if (gsd <= darkMaxGsdM) {
    const groups = new Map<number, PixelBox[]>();
    for (const b of out) {
      const r = raftOf.get(b);
      if (r === undefined) continue;
      const parts = groups.get(r);
      if (parts) parts.push(b);
      else groups.set(r, [b]);
    }
    // A raft of two parts with no seam between them (a seam, hulls' sides darker than their decks,
    // makes it a raft whatever lies in line: two hulls abreast beyond a ship of their joint width).
    const seamlessOf = new Map<{ box: PixelBox; parts: PixelBox[] }, boolean>();
    const seamless = (g: { box: PixelBox; parts: PixelBox[] }) => {
      if (g.parts.length !== 2) return false;
      let r = seamlessOf.get(g);
      if (r === undefined) {
        r = !seamBetween(g.parts[0]!, g.parts[1]!, a, width, height);
        seamlessOf.set(g, r);
      }
      return r;
    };
    // A seamless raft continuing another, `o` (`hullContinues`), with no open water across the
    // stretch between them. Beyond a single ship as wide, a seamless raft may be two hulls, as lit
    // as each other, that the water mask joins to the ship (656465: two 42 m hulls 4 m off a 110 m
    // ship, lost).
    const continues = (o: { box: PixelBox; parts: PixelBox[] }, g: { box: PixelBox; parts: PixelBox[] }) => {
      if (!seamless(o)) return false;
      const gap = hullContinues(o.box, g.box, 2 * pad);
      // Boxes that meet or overlap show no join to read, as for `endOf` (a hull's quay-side strip may
      // bridge hulls moored bow to stern).
      if (!gap || gap.t1 - gap.t0 < 1 || !seamless(g)) return false;
      return !openAcross(o.box, gap.side, gap.t0, gap.t1, gap.v, Math.max(1, 0.3 * g.box.width));
    };
    // Seamless rafts continuing only shorter seamless rafts (which stand down for them): one hull each.
    const oneHull: PixelBox[][] = [];
    // Each raft stands as its joint box, as `oneHullAbreast` would join its strips.
    const units = out.filter((b) => !raftOf.has(b)).map((b) => ({ box: b, parts: [b] }));
    for (const parts of groups.values()) units.push({ box: parts.slice(1).reduce(jointBox, parts[0]!), parts });
    // Parts each at least a narrowest beam wide, one of them a hull's shape, that together are as many
    // hulls abreast as there are parts: the cut between two rafted hulls fell off their seam (a dark
    // stripe on one deck), leaving the other part too fat for a hull.
    const raftAbreast = (g: { box: PixelBox; parts: PixelBox[] }) =>
      g.parts.every((b) => b.width >= dMin) &&
      g.parts.some((b) => b.length >= RAFTED_HULL_LENGTH_TO_BEAM * b.width) &&
      g.parts.length * g.box.length >= RAFTED_HULL_LENGTH_TO_BEAM * g.box.width;
    // Two parts together at least two narrowest beams wide and `WIDER_RAFT` times as wide as the
    // ship they lie in line with are hulls rafted abreast beyond it, not a stretch of it cut lengthwise
    // (a hull's end is no wider than the hull): an off-centre cut may leave one part a strip narrower
    // than a beam (154862: two 41 × 8 m hulls beyond a 63 × 11 m one, cut 6 and 11 px wide, lost).
    const widerAbreast = (o: PixelBox, g: { box: PixelBox; parts: PixelBox[] }) =>
      g.parts.length === 2 && g.box.width >= 2 * dMin && g.box.width >= WIDER_RAFT * o.width;
    for (const g of units) {
      // A raft whose joint box continues another detection end to end, as wide as it, is a stretch
      // of one hull cut off by contrast and then cut lengthwise for looking fat.
      // Two such rafts in line are two pieces of one hull: the shorter stands down, the longer
      // stands as one hull.
      const rest = seamless(g) ? units.filter((o) => o !== g && continues(o, g)) : [];
      if (rest.length) {
        for (const b of g.parts) endPiece.add(b);
        const shorter = (o: { box: PixelBox; parts: PixelBox[] }) =>
          o.box.length < g.box.length || (o.box.length === g.box.length && units.indexOf(o) > units.indexOf(g));
        if (rest.every((o) => seamless(o) && shorter(o))) oneHull.push(g.parts);
        continue;
      }
      // Parts each a hull's shape are hulls rafted abreast, moored bow to stern with that ship.
      if (g.parts.length < 2 || g.parts.every((b) => b.length >= RAFTED_HULL_LENGTH_TO_BEAM * b.width)) continue;
      if (raftAbreast(g)) continue;
      if (units.some((o) => o !== g && endOf(o.box, g.box) && !widerAbreast(o.box, g))) {
        for (const b of g.parts) endPiece.add(b);
      }
    }
    for (const [p, q] of oneHull) {
      out.push(jointBox(p!, q!));
      darkPart.push(darkPart[out.indexOf(p!)]! && darkPart[out.indexOf(q!)]!);
    }
  }
  const lit = out.filter((_, k) => !darkPart[k]);
  const isShadow = (b: PixelBox) =>
    toShadow ? lit.some((o) => shadedBy(o, b)) : lit.some((o) => o.length >= b.length && alongside(o, b));
  // Shade on water is water dimmed: lit by the blue sky and veiled by haze's bluish path light, its
  // colour over the water's is flat across the bands or leans to blue. A dark part leaning away from
  // blue (a black or red deck on blue water) is a body of its own colour, whatever shadow could reach
  // it (312134 pier-1: a 112 × 18 m black hull rafted on the shadow side of a lit 139 m one, within
  // the reach of its deckhouse's shade under a December sun, was taken for that shade on two dates).
  const ownColour = (b: PixelBox) => (blueTilt.get(b) ?? 1) < SHADE_MIN_BLUE_TILT;
  const candidates =
    gsd <= darkMaxGsdM ? out.filter((b, k) => !endPiece.has(b) && (!darkPart[k] || ownColour(b) || !isShadow(b))) : out;
  candidates.sort((p, q) => q.confidence - p.confidence || q.length * q.width - p.length * p.width);
  const kept: PixelBox[] = [];
  // Two parts of one raft whose cut a second cue confirmed are two hulls, however slender each
  // (132971: a dark 59 m hull outboard of an 83 m one, cut at two deck levels, joined back as one).
  const cutApartByTwoCues = (o: PixelBox, b: PixelBox) =>
    raftOf.has(o) && raftOf.get(o) === raftOf.get(b) && twoCuesCut.has(o) && twoCuesCut.has(b);
  for (const b of candidates) {
    // Hulls split from one raft lie side by side: the narrower one's centre may fall within the
    // wider one's padded box (two 8 m beams abreast), which says nothing about it.
    // A stub (under `STUB_LENGTH_TO_BEAM` beams) under half as long as the one it lies on is a piece
    // of that hull's side cut off with it, not a hull rafted alongside (those are slender, though a
    // split part's box may be a little wide: a 58 × 10 m hull measured 58 × 12).
    const stub = (o: PixelBox) => b.length < SHORT_RAFTED_PART * o.length && b.length < STUB_LENGTH_TO_BEAM * b.width;
    // Nor are two parts together narrower than two of the narrowest beams, running about the same
    // length, two hulls: the narrower is a strip of the hull beside it (154862: a hull cut short by
    // its bow's colour, 35 × 12 m, cut into strips 5 and 5.4 m wide). A dark hull rafted outside a
    // lit one may show a strip as narrow (829304: 43 × 8 m measured 42 × 4.3 beside 42 × 11).
    const beamless = (o: PixelBox) => {
      const [n, w] = o.width < b.width ? [o, b] : [b, o];
      return n.width + w.width < 2 * dMin && n.length >= SAME_HULL_STRIP * w.length;
    };
    const rafted = (o: PixelBox) => raftOf.has(b) && raftOf.get(o) === raftOf.get(b) && !stub(o) && !beamless(o);
    // A line kept for its lining whose centre lies on another hull of its raft (within half the pad
    // off its side), whichever is kept first, is a strip of that hull (656465: a hull's quay-side
    // strip split from it), not a hull of its own (a dark rafted hull's hatch row lies a beam off the
    // hull inside it).
    const strip = (o: PixelBox) => {
      const [line, hull] = linedLines.has(b) ? [b, o] : linedLines.has(o) ? [o, b] : [null, null];
      if (!line || !hull) return false;
      const { u, v } = frameOf(hull, line);
      return Math.abs(u) <= hull.length / 2 + pad && Math.abs(v) <= hull.width / 2 + pad / 2;
    };
    if (
      kept.some(
        (o) =>
          Math.hypot(o.cx - b.cx, o.cy - b.cy) < dMin ||
          (covers(o, b) && !rafted(o)) ||
          (rafted(o) && strip(o)) ||
          superstructureOf(o, b),
      )
    ) {
      continue;
    }
    // A deckhouse kept first (it may stand out more than the cargo) gives way to its hull.
    const deckhouse = kept.findIndex((o) => superstructureOf(b, o));
    if (deckhouse >= 0) {
      kept[deckhouse] = b;
      continue;
    }
    // A sliver and the detection it continues stand as one hull, in the wider one's frame.
    const piece = gsd <= darkMaxGsdM ? kept.findIndex((o) => sliverInLine(o, b)) : -1;
    if (piece >= 0) {
      const [hull, sliver] = b.width < kept[piece]!.width ? [kept[piece]!, b] : [b, kept[piece]!];
      const raft = raftOf.get(hull);
      kept[piece] = jointBox(hull, sliver);
      if (raft !== undefined) raftOf.set(kept[piece]!, raft);
      continue;
    }
    // A piece of a hull cut short by contrast, in line with a detection, stands with it as one hull.
    const inLine =
      gsd <= darkMaxGsdM
        ? pieceInLine(kept, b, {
            ...view,
            maxGapPx: Math.max(2 * pad, minVesselLengthM / gsd),
            maxLengthToBeam: maxHullLengthToBeam,
            maxLengthPx: maxVesselLengthM / gsd,
          })
        : null;
    if (inLine) {
      const raft = raftOf.get(kept[inLine.k]!) ?? raftOf.get(b);
      kept[inLine.k] = inLine.box;
      if (raft !== undefined) raftOf.set(inLine.box, raft);
      continue;
    }
    const k =
      gsd <= darkMaxGsdM
        ? kept.findIndex(
            (o) =>
              oneHullAbreast(o, b, minJointLengthToBeam, maxHullLengthToBeam) &&
              (!longRaftOf.has(o) || longRaftOf.get(o) !== longRaftOf.get(b)) &&
              !cutApartByTwoCues(o, b),
          )
        : -1;
    if (k >= 0) {
      // Two strips of one hull: the hull is in the raft either strip was split from, so the hull
      // rafted alongside it is not taken for a part of it.
      const raft = raftOf.get(kept[k]!) ?? raftOf.get(b);
      kept[k] = jointBox(kept[k]!, b);
      if (raft !== undefined) raftOf.set(kept[k]!, raft);
    } else kept.push(b);
  }
  if (gsd > darkMaxGsdM && berthed && maxMooredPieceGapM >= 0) {
    return joinMooredPieces(kept, berthed, width, height, maxMooredPieceGapM / gsd, pad);
  }
  return kept;
}

/**
 * Coarser than `darkMaxGsdM`: detections on one moored-hull patch that lie on each other's axis are
 * pieces of one hull, and stand as their joint box. At 10 m a long hull alongside a quay is a strip a
 * few pixels wide whose contrast dips where its deck, or the quay's mix, nears water's: the blob falls
 * apart along the strip, and each piece passes as a ship. Hulls moored bow to stern are pieces of one
 * patch too, but lie apart by more than `maxGapPx` between their ends; hulls abreast lie off each
 * other's axis. A piece is on `o`'s axis when its centre lies within `o`'s half width (plus `pad`)
 * of it and it is parallel to `o`, or blunt (under two widths long: its axis says nothing).
 * The patch of a detection is the `berthed` component (8-connected, pieces a pixel apart joined)
 * under its centre or, failing that, one of its 8 neighbours; a detection on none is left alone.
 */
export function joinMooredPieces(
  boxes: PixelBox[],
  berthed: Uint8Array,
  width: number,
  height: number,
  maxGapPx: number,
  pad: number,
): PixelBox[] {
  if (boxes.length < 2) return boxes;
  // Joined as the moored-hull step joins its patches (`joinedPatches`): a pixel apart is one hull.
  const { labels } = labelComponents(dilate(berthed, width, height, 1), width, height, { connectivity: 8 });
  const patchOf = (b: PixelBox) => {
    const x = Math.round(b.cx);
    const y = Math.round(b.cy);
    for (const [dx, dy] of [
      [0, 0],
      [-1, 0],
      [1, 0],
      [0, -1],
      [0, 1],
      [-1, -1],
      [1, -1],
      [-1, 1],
      [1, 1],
    ] as const) {
      const xx = x + dx;
      const yy = y + dy;
      if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
      const k = labels[yy * width + xx]!;
      if (k) return k;
    }
    return 0;
  };
  const order = [...boxes].sort((p, q) => q.length - p.length);
  const out: Array<{ box: PixelBox; patch: number }> = [];
  for (const b of order) {
    const patch = patchOf(b);
    const onAxis = (o: PixelBox) => {
      if (!(parallel(o, b) || b.length < 2 * b.width)) return false;
      const { u, v } = frameOf(o, b);
      return Math.abs(v) <= o.width / 2 + pad && Math.abs(u) - o.length / 2 - b.length / 2 <= maxGapPx;
    };
    const k = patch ? out.findIndex((o) => o.patch === patch && onAxis(o.box)) : -1;
    if (k >= 0) out[k]!.box = jointBox(out[k]!.box, b);
    else out.push({ box: b, patch });
  }
  return out.map((o) => o.box);
}

/** Beams a hull is long at least (cargo hulls 5.6–7.2): a deckhouse or stretch of deck cut lengthwise
 * in two gives stubbier strips. */
const RAFTED_HULL_LENGTH_TO_BEAM = 5;
/** A part of a raft under this share of a longer part's length, centred on it, is a strip of it. */
const SHORT_RAFTED_PART = 0.5;
/** Beams long under which a short part of a raft is a stub of a hull's side (those seen: 3.2–3.4). */
const STUB_LENGTH_TO_BEAM = 4;

/** Shares of the narrowest beam under which a detection is a sliver of a hull, never a hull (slivers
 * seen: 2.2–3.5 m at a 6 m narrowest beam; the narrowest strip of a real raft measured, 4.3 m). */
const SLIVER_BEAMS = 0.6;
/** How many times as wide as the ship in line with it a raft of two is at least to be two hulls abreast
 * beyond that ship, not its end (two hulls abreast are about twice one beam; a hull's end measures
 * its own beam, a little more with blur). */
const WIDER_RAFT = 1.3;

/** Parts of a raft together under two narrowest beams wide, the narrower running at least this share of the other's length, are strips of one hull. */
const SAME_HULL_STRIP = 0.7;

/** How far a raft's joint width may differ from that of the detection it continues, as a share of the wider. */
const CONTINUED_WIDTH = 0.25;

/**
 * Whether raft box `b` (the joint box of parts split abreast from one blob) may be a stretch of the
 * hull detection `a` belongs to: parallel, its centre within `a`'s half width of `a`'s axis, beyond
 * `a`'s end by at most `maxGap`, and as wide as `a` (within `CONTINUED_WIDTH`). A hull cut short by
 * contrast (a deck colour change, a deckhouse, a hatch row near water's colour) looks fat, so
 * `splitRafted` cuts it lengthwise into strips that the same-raft exemption keeps; the rest of the
 * hull, beyond the cut, is as wide as both strips together, where a single ship moored in line with
 * a raft is half as wide. Returns the stretch between them along `a`'s axis (from `t0` to `t1` on
 * the `side` of its centre, offset `v`) for the caller to read, or null.
 */
function hullContinues(
  a: PixelBox,
  b: PixelBox,
  maxGap: number,
): { side: number; t0: number; t1: number; v: number } | null {
  if (!parallel(a, b)) return null;
  if (Math.abs(a.width - b.width) > CONTINUED_WIDTH * Math.max(a.width, b.width)) return null;
  const { u, v } = frameOf(a, b);
  if (Math.abs(v) > a.width / 2) return null;
  const gap = Math.abs(u) - (a.length + b.length) / 2;
  if (gap > maxGap) return null;
  return { side: Math.sign(u), t0: a.length / 2, t1: a.length / 2 + gap, v };
}

/** Widths long under which a detection has no hull's shape (cargo hulls are 5.6–7.2 beams long, tugs
 * about 3): a piece of one, its box's angle a poor guide to the hull's (pieces seen: 1.3–2.6). */
const BLUNT_LENGTH_TO_WIDTH = 3;

/** Share of a raft's length by which its box may overlap the end of the detection it continues and
 * still be that hull's end piece (`endOf`); deeper, it lies beside the detection, not beyond it. */
const OVERLAP_END_SHARE = 0.5;

/** Share of the wider piece's width under which a piece is not the same hull's beam (pieces seen: 0.59–1). */
const PIECE_WIDTH_SHARE = 0.55;

/** What the open-water tests read of a window: contrast, water and shade masks. */
interface WaterView {
  a: Float32Array;
  water: Uint8Array;
  shadow: Uint8Array;
  width: number;
  height: number;
  /** Contrast under which unshaded water is open water. */
  openWaterZ: number;
}

interface InLineContext extends WaterView {
  /** The longest stretch between two pieces of one hull, in pixels. */
  maxGapPx: number;
  /** Beams long a hull is at most (the joint box may be no more slender). */
  maxLengthToBeam: number;
  /** The longest hull, in pixels. */
  maxLengthPx: number;
}

/**
 * A hull cut short by contrast (a dark hatch row, a deck near water's colour, a pier's shadow across
 * it) falls into pieces along its length; a piece too blunt for a hull (under `BLUNT_LENGTH_TO_WIDTH`
 * widths long) in line with another detection, at about its beam (`PIECE_WIDTH_SHARE`), with no
 * open water across the stretch between them (up to `maxGapPx`) and a joint box still a hull's shape,
 * is a piece of that hull (271411: a 168 × 24 m dark hull found as three pieces 23–28 m long, 12–20 m
 * wide; 437051: a 71 × 10 m hull as 31 × 14 and 24 × 11). Two ships moored in line have water
 * between them, and each is a hull's shape. The axis is a hull-shaped detection's own, else (two
 * blunt pieces, whose boxes' angles say little) the line through their centres, within 15° of either
 * piece's own (271411: a hull's piece and a false detection off its end, 28° off that line, were
 * joined); a hull-shaped partner is taken before a blunt one. Two strips of a hull's side in line,
 * each a hull's shape, are not joined so: ships moored in line, the gap between them taken for land,
 * measure the same (20251: 88 × 10.4 and 43 × 9.5 m, 3.5 m apart; 656465: a hull 2.7 m beyond a
 * 69 × 7 m line along the quay face), as the strips of one hull's outboard side do (829304: 79 × 10.4
 * and 40 × 10.3 m, 3 m apart), and joining them lost as many hits as it took false splits away.
 * Measured (vessel-errors, 8 dev seeds): false:split 41 → 37 (154862 9 → 8, 271411 8 → 6, 437051
 * 3 → 2), hits 1443 = 1443, misses unchanged. Returns the index in `kept` of the detection `b` joins
 * and their joint box, or null.
 */
function pieceInLine(kept: PixelBox[], b: PixelBox, ctx: InLineContext): { k: number; box: PixelBox } | null {
  const blunt = (p: PixelBox) => p.length < BLUNT_LENGTH_TO_WIDTH * p.width;
  for (const hostFirst of [true, false]) {
    for (let k = 0; k < kept.length; k++) {
      const o = kept[k]!;
      if (blunt(o) === hostFirst || (!blunt(o) && !blunt(b))) continue;
      const box = joinInLine(blunt(o) && !blunt(b) ? b : o, blunt(o) && !blunt(b) ? o : b, ctx);
      if (box) return { k, box };
    }
  }
  return null;
}

/** `pieceInLine`'s test of a blunt piece and a detection: `o` gives the axis when it is hull-shaped. */
function joinInLine(o: PixelBox, b: PixelBox, ctx: InLineContext): PixelBox | null {
  const dx = b.cx - o.cx;
  const dy = b.cy - o.cy;
  if (Math.hypot(dx, dy) < 1) return null;
  if (Math.min(o.width, b.width) < PIECE_WIDTH_SHARE * Math.max(o.width, b.width)) return null;
  const hosted = o.length >= BLUNT_LENGTH_TO_WIDTH * o.width;
  const axis = hosted ? o.angle : Math.atan2(dy, dx);
  // Between two blunt pieces, the line through their centres runs along one of them at least.
  if (!hosted && !parallel(o, { ...o, angle: axis }) && !parallel(b, { ...b, angle: axis })) return null;
  const c = Math.cos(axis);
  const s = Math.sin(axis);
  const u = dx * c + dy * s;
  const v = -dx * s + dy * c;
  if (hosted && Math.abs(v) > o.width / 2) return null;
  // Each box's half extent along the axis.
  const half = (p: PixelBox) =>
    (Math.abs(Math.cos(p.angle - axis)) * p.length + Math.abs(Math.sin(p.angle - axis)) * p.width) / 2;
  const ho = half(o);
  const hb = half(b);
  const gap = Math.abs(u) - ho - hb;
  if (gap > ctx.maxGapPx) return null;
  const u0 = Math.min(-ho, u - hb);
  const u1 = Math.max(ho, u + hb);
  const length = u1 - u0;
  const beam = Math.max(o.width, b.width);
  if (length > ctx.maxLengthToBeam * beam || length > ctx.maxLengthPx) return null;
  // Open water across the stretch between them: a cross-section mostly unshaded water under
  // `openWaterZ`, or shade, along the line from `o`'s centre line to `b`'s.
  const drift = (t: number) => (v * t) / Math.abs(u);
  if (
    openCrossSection(
      ctx,
      o,
      axis,
      Math.sign(u),
      ho,
      Math.abs(u) - hb,
      Math.max(1, 0.3 * Math.min(o.width, b.width)),
      drift,
    )
  )
    return null;
  // The joint box on `o`'s centre line (a hull-shaped one's), or midway between two blunt pieces.
  const mu = (u0 + u1) / 2;
  const mv = hosted ? 0 : v / 2;
  return {
    cx: o.cx + mu * c - mv * s,
    cy: o.cy + mu * s + mv * c,
    length,
    width: beam,
    angle: axis,
    confidence: Math.max(o.confidence, b.confidence),
  };
}

/**
 * Whether some cross-section of the line from `o`'s centre along `axis` on the `side` of it, from `t0`
 * to `t1` along, `half` either way of the line's offset `offsetAt(t)` across, is mostly unshaded water
 * under `openWaterZ`, or shade (shade may fall between two ships, so it counts as water).
 */
function openCrossSection(
  view: WaterView,
  o: PixelBox,
  axis: number,
  side: number,
  t0: number,
  t1: number,
  half: number,
  offsetAt: (t: number) => number,
): boolean {
  const { a, water, shadow, width, height, openWaterZ } = view;
  const c = Math.cos(axis);
  const s = Math.sin(axis);
  for (let t = Math.floor(t0); t <= Math.ceil(t1); t++) {
    const w0 = offsetAt(t);
    let open = 0;
    let all = 0;
    for (let w = w0 - half; w <= w0 + half; w++) {
      const x = Math.round(o.cx + side * t * c - w * s);
      const y = Math.round(o.cy + side * t * s + w * c);
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      const i = y * width + x;
      all++;
      if (water[i] && (shadow[i] || a[i]! < openWaterZ)) open++;
    }
    if (2 * open > all) return true;
  }
  return false;
}

/** A line across which contrast falls under this share of both sides' peaks is a seam (as `splitRafted` reads one). */
const SEAM_SHARE = 0.6;

/**
 * Whether a visible seam runs between parallel parts `p` and `q` lying side by side: across them,
 * over the stretch both span, the mean contrast of the line midway between their facing sides
 * (the weakest within a pixel and a half of it) falls under `SEAM_SHARE` of each side's peak.
 */
function seamBetween(p: PixelBox, q: PixelBox, a: Float32Array, width: number, height: number): boolean {
  const { u, v } = frameOf(p, q);
  const side = Math.sign(v) || 1;
  const u0 = Math.max(-p.length / 2, u - q.length / 2);
  const u1 = Math.min(p.length / 2, u + q.length / 2);
  if (u1 - u0 < 2) return false;
  const v0 = Math.min(-p.width / 2, v - q.width / 2);
  const v1 = Math.max(p.width / 2, v + q.width / 2);
  const c = Math.cos(p.angle);
  const s = Math.sin(p.angle);
  const profile: number[] = [];
  for (let w = Math.ceil(v0); w <= Math.floor(v1); w++) {
    let sum = 0;
    let k = 0;
    for (let t = Math.ceil(u0); t <= Math.floor(u1); t++) {
      const x = Math.round(p.cx + t * c - w * s);
      const y = Math.round(p.cy + t * s + w * c);
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      sum += a[y * width + x]!;
      k++;
    }
    profile.push(k ? sum / k : 0);
  }
  const cut = (side * p.width) / 2 + (v - (side * q.width) / 2 - (side * p.width) / 2) / 2 - Math.ceil(v0);
  const at = (lo: number, hi: number) => profile.slice(Math.max(0, Math.ceil(lo)), Math.max(0, Math.floor(hi) + 1));
  const seam = Math.min(...at(cut - 1.5, cut + 1.5));
  const before = Math.max(...at(0, cut - 1.5));
  const after = Math.max(...at(cut + 1.5, profile.length - 1));
  if (!Number.isFinite(seam) || !Number.isFinite(before) || !Number.isFinite(after)) return false;
  return seam < SEAM_SHARE * Math.min(before, after);
}

/** Whether the long axes of `o` and `b` lie within 15° of each other (either way along them). */
function parallel(o: PixelBox, b: PixelBox): boolean {
  const d = 2 * (b.angle - o.angle);
  return Math.abs(Math.atan2(Math.sin(d), Math.cos(d))) / 2 <= Math.PI / 12;
}

/** `b`'s centre in `o`'s frame: along its long axis (u) and across it (v). */
/** The box in `o`'s orientation spanning both `o` and `b`. */
function jointBox(o: PixelBox, b: PixelBox): PixelBox {
  const { u, v } = frameOf(o, b);
  const u0 = Math.min(-o.length / 2, u - b.length / 2);
  const u1 = Math.max(o.length / 2, u + b.length / 2);
  const v0 = Math.min(-o.width / 2, v - b.width / 2);
  const v1 = Math.max(o.width / 2, v + b.width / 2);
  const mu = (u0 + u1) / 2;
  const mv = (v0 + v1) / 2;
  const c = Math.cos(o.angle);
  const s = Math.sin(o.angle);
  return {
    cx: o.cx + mu * c - mv * s,
    cy: o.cy + mu * s + mv * c,
    length: u1 - u0,
    width: v1 - v0,
    angle: o.angle,
    confidence: Math.max(o.confidence, b.confidence),
  };
}

/**
 * Two parallel strips side by side along most of their length, each too slender for a whole hull
 * (over `stripLengthToBeam` widths long), whose joint box is still a hull's shape (at least
 * `minLengthToBeam` beams long) are one hull cut lengthwise (a container deck's rows, a hull beside
 * its shadow on the quay): two rafted hulls together are at most about half as slender.
 */
function oneHullAbreast(o: PixelBox, b: PixelBox, minLengthToBeam: number, stripLengthToBeam: number): boolean {
  if (o.length < stripLengthToBeam * o.width || b.length < stripLengthToBeam * b.width) return false;
  if (!parallel(o, b)) return false;
  const { u } = frameOf(o, b);
  const overlap = Math.min(o.length / 2, u + b.length / 2) - Math.max(-o.length / 2, u - b.length / 2);
  if (overlap < 0.5 * Math.min(o.length, b.length)) return false;
  const joint = jointBox(o, b);
  return joint.length >= minLengthToBeam * joint.width;
}

/**
 * What `detectVessels`' shade test of a blob reads. The test is a function of its own: as a closure
 * made per call, V8 held its optimised code only while that call's instance lived, so it was compiled
 * again after each full collection (23 TurboFan compiles, ~0.3 s each, in one 100 MP detect) and ran
 * unoptimised meanwhile.
 */
interface CastShade {
  shadow: Uint8Array;
  dark: Uint8Array;
  /** Zeros between calls: roles of the blob's pixels while it is judged. */
  role: Uint8Array;
  width: number;
  height: number;
  /** Pixels a shadow falls per metre of height, by axis (null without the sun). */
  toShadow: { x: number; y: number } | null;
  /** Ground size of a pixel by axis, metres; a structure's shadow reach is `shadowHeightPerLength` of its
   * length in metres, at most `maxShadowHeightM` (`groundLengthM`, `shadowHeightM`). Numbers, not a
   * closure of the zone's: optimised code that calls a closure holds that instance weakly and is thrown
   * away with it. */
  gsdM: { x: number; y: number };
  maxShadowHeightM: number;
  shadowHeightPerLength: number;
}

/** A box's length on the ground, metres, for pixels `gsdM` metres on a side by axis. */
function groundLengthM(b: Omit<PixelBox, 'confidence'>, gsdM: { x: number; y: number }): number {
  return b.length * Math.hypot(Math.cos(b.angle) * gsdM.x, Math.sin(b.angle) * gsdM.y);
}

/** How high, metres, the tallest part of a hull `lengthM` long stands (`VesselOptions.shadowHeightPerLength`). */
function shadowHeightM(lengthM: number, maxShadowHeightM: number, shadowHeightPerLength: number): number {
  return Math.min(maxShadowHeightM, shadowHeightPerLength * lengthM);
}

/** `detectVessels`' blob pixels less shade: those of water's hue, and with the sun, those cast (see there). */
function castShadeOf(pixels: number[], c: CastShade): number[] {
  const { shadow, dark, role, width, height, toShadow } = c;
  const n = width * height;
  const plain: number[] = [];
  for (const p of pixels) if (!shadow[p]) plain.push(p);
  if (!toShadow) return plain;
  for (const p of pixels) role[p] = shadow[p] ? SHADE : dark[p] ? DARK : LIT;
  const reach = shadowHeightM(groundLengthM(boxOf(plain, width), c.gsdM), c.maxShadowHeightM, c.shadowHeightPerLength);
  const steps = Math.ceil(reach * Math.hypot(toShadow.x, toShadow.y));
  const ray: ShadowRay = { role, width, height, steps, reach, toShadow };
  const drop: number[] = [];
  for (const seed of pixels) {
    if (!unlit(role, seed) || !onOutline(role, seed, width, n)) continue;
    // The unlit region this edge pixel opens onto (marked as it is gathered).
    const region = [seed];
    role[seed] = role[seed]! | EDGE;
    for (let k = 0; k < region.length; k++) {
      for (const q of fourNeighbours(region[k]!, width, n)) {
        if (q >= 0 && unlit(role, q)) {
          role[q] = role[q]! | EDGE;
          region.push(q);
        }
      }
    }
    // Mostly hull (out of reach, or cast with hull beyond it along the sun's line): part of the
    // hull. Shade on water has water, land or another hull's far side beyond, and lies within reach.
    let darkOnes = 0;
    const cast: number[] = [];
    for (const p of region) {
      if (role[p] !== (DARK | EDGE)) continue;
      darkOnes++;
      if (hullAlong(ray, p, 1)) cast.push(p);
    }
    for (const p of cast) role[p] = role[p]! | CAST;
    let walled = 0;
    for (const p of cast) if (hullAlong(ray, p, -1)) walled++;
    const beyondReach = darkOnes - cast.length;
    if (2 * (walled + beyondReach) < darkOnes) drop.push(...cast);
  }
  for (const p of drop) role[p] = 0;
  const kept: number[] = [];
  for (const p of plain) if (role[p] !== 0) kept.push(p);
  for (const p of pixels) role[p] = 0;
  return kept;
}

// castShadeOf's roles in the blob (0 is outside it); shade of water's hue is neither lit nor kept.
const DARK = 1;
const LIT = 2;
const SHADE = 4;
const EDGE = 8;
/** An unlit pixel some lit pixel of the blob can cast. */
const CAST = 16;

/** castShadeOf's role plane and the sun's line through the blob, for `hullAlong`. */
interface ShadowRay {
  role: Uint8Array;
  width: number;
  height: number;
  steps: number;
  reach: number;
  toShadow: { x: number; y: number };
}

/** Dark or shade in castShadeOf's roles. */
function unlit(role: Uint8Array, q: number): boolean {
  return role[q] === DARK || role[q] === SHADE;
}

/** Whether a 4-neighbour of `p` lies outside the blob (or outside the image). */
function onOutline(role: Uint8Array, p: number, width: number, n: number): boolean {
  for (const q of fourNeighbours(p, width, n)) if (q < 0 || role[q] === 0) return true;
  return false;
}

/**
 * Whether a lit pixel of the blob lies within the shadow reach towards the sun (side 1: the pixel can be
 * its shade), or hull lies within it away from the sun (side −1): lit deck, or dark deck no lit pixel can
 * cast (out of reach; walled in by lit deck; a region not yet looked at counts so). A function of its own,
 * not a closure made per blob.
 */
function hullAlong(r: ShadowRay, p: number, side: number): boolean {
  const { role, width, height, steps, reach, toShadow } = r;
  const x = p % width;
  const y = (p / width) | 0;
  for (let k = 1; k <= steps; k++) {
    const t = (side * k * reach) / steps;
    const xx = Math.round(x - t * toShadow.x);
    const yy = Math.round(y - t * toShadow.y);
    if (xx < 0 || yy < 0 || xx >= width || yy >= height) return false;
    const q = role[yy * width + xx];
    if (q === LIT || (side < 0 && (q === DARK || q === (DARK | EDGE)))) return true;
  }
  return false;
}
