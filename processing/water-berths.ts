/**
 * Hulls moored against a quay or pier, which the water mask takes for land: the land that juts out
 * from a straight shore for less than a ship's length.
 */
import {
  type AreaSums,
  boxSum,
  chessboardDistance,
  dilate,
  erode,
  maskedBoxSums3Where,
  windowSum,
} from './box-filter.ts';
import {
  type Component,
  componentOfPixels,
  componentShape,
  fillHoles,
  fourNeighbours,
  labelComponents,
} from './components.ts';
import { andInPlace, andOrInPlace, setWhereLabel, sumByLabel } from './mask-loops.ts';
import { TensorMode, tensorTables, tensorTablesInKernel } from './tensor-kernel.ts';
import type { Block } from './types.ts';
import { dropBankStrips } from './water-bank.ts';
import { seamedHulls } from './water-seam.ts';
import { isShade, SHADE_RATIO } from './water-shade.ts';

export interface BerthOptions {
  /** Ground size of a pixel, metres. */
  gsdM: number;
  /** Widest raft of hulls abreast at a quay, metres: land farther than this from water is never a hull. */
  maxRaftBeamM?: number;
  /** Land that runs this far along the shore is quay or pier (a pier runs on into the land behind it). */
  maxHullLengthM?: number;
  /** A candidate pixel whose colour lies within this relative RMS step of the land around it is that
   * land (a pier head, a quay corner). */
  minColourStep?: number;
  /** A run that leaves the shore at one end (a hull's bow against the quay at a pier's root) is a
   * hull only under this length, metres: the pier beside it, run the same way, is the pier's length
   * (longer hulls with their bow at the root stay land, as before this rule). */
  maxRootedLengthM?: number;
  /** Narrowest hull, metres. */
  minBeamM?: number;
  /** Shade keeps this share of the light on land, in every band (skylight fills it in): a candidate
   * that far below the land around in every band, with the land's hue, is a shadow on the quay. */
  shadeRatio?: [number, number];
  /** A patch shaped like a hull is this many beams long (cargo hulls are 5–8, but their patch reads
   * fatter: mixed pixels along its rim and its shade on the apron widen its moments, a 76 × 13 m hull
   * read 72 × 16; quay corners and slopes the tests mistake are stubbier or ragged): unchanged on the
   * other dates, or with shade-like hatches, it is still a hull. 4.5 → 4: vessel-errors MAE 271411 /
   * 437051 / 803377 / 876213 / 506327 0.692 / 0.538 / 0.513 / 0.462 / 0.744 → 0.590 / 0.462 / 0.487 /
   * 0.462 / 0.744 (miss:land-stayed 12 / 4 / 2 → 11 / 2 / 1; 876213 one more false:other, a strip of
   * quay apron beside a moored hull's stern)… */
  minLengthToBeam?: number;
  /** …and fills this share of its box (a hull is a solid shape). */
  minHullFill?: number;
  /** Registered, normalised blocks of the same window on other dates. */
  others?: Block[];
  /** A pixel whose colour lies within this relative RMS step of its colour on another date is
   * unchanged on that date (land that stays put differs by 0.01–0.04 between dates). */
  maxSameStep?: number;
  /** Where the opening by `minBeamM` would be none (GSD over 6 m: the 3×3 one drops hulls 2 px wide
   * alongside a quay, 14 of sen2ships' 64 moored ships), candidates a 2×2 opening keeps are hulls too
   * when all of a piece lies this far, metres, from what the 3×3 one keeps: nearer, it is a wider hull's
   * blurred fringe, which joined to it misshapes its patch. Infinity: off. sen2ships (bench/sen2ships-lopo.ts)
   * pooled F1, off 0.558, 30–50 m 0.573, 80–120 m 0.577, 200 m 0.558; three of four folds choose 80 m. */
  minNarrowHullGapM?: number;
  /** false: keep the patches that dropBankStrips (water-bank.ts) takes for a bank's shallows (benches). */
  banks?: boolean;
  /** 1 where the site's memory, holding more dates than `others`, never saw open water (water.ts's
   * `neverSeen`): a patch of hull colour lying there whole has lain there on every such date. */
  neverSeen?: Uint8Array;
  /** Filled with each stage's candidates when given (bench/vessel-land-misses.ts: where a hull is lost;
   * bench/vessel-false-stages.ts: which stage made a false hull). */
  trace?: Partial<Record<'run' | 'opened' | 'colour' | 'shadeKept' | 'whole' | 'seamed' | 'banked', Uint8Array>>;
}

/**
 * Land pixels (within `maxRaftBeamM` of water) that are probably hulls: the straight run of land
 * through the pixel, along the local shore, is shorter than `maxHullLengthM`, and the patch they form
 * differs in colour from the land around it. A hull alongside a quay is land joined to the quay (at
 * 10 m no gap shows; at 1 m the gap is thinner than the opening), but along the shore it ends where
 * the hull ends, while the quay face and a pier's sides run on into the land. Pier heads and quay
 * corners are short along their shore too; they look like the pier behind them, hulls do not.
 * The shore runs across the dominant orientation of the water's edges around the pixel.
 */
export function berthedHulls(block: Block, water: Uint8Array, valid: Uint8Array, opts: BerthOptions): Uint8Array {
  const {
    gsdM,
    maxRaftBeamM = 60,
    maxHullLengthM = 400,
    minColourStep = 0.12,
    maxRootedLengthM = 200,
    minBeamM = 6,
    shadeRatio = SHADE_RATIO,
    minLengthToBeam = 4,
    minHullFill = 0.8,
    minNarrowHullGapM = 80,
  } = opts;
  const { width, height } = block.window;
  const n = width * height;
  const out = new Uint8Array(n);
  const reach = Math.max(1, Math.round(maxRaftBeamM / gsdM));
  const maxRun = Math.max(3, Math.round(maxHullLengthM / gsdM));
  // Shore orientation: the structure tensor of the water mask's edges over a window of the raft's
  // width, which sees a pier's two long faces (more than its head) and a quay's face (not a hull's ends).
  // Its window sums are read only where runs start and end, at three radii: from summed-area tables
  // (integer sums, so the box sums' values), not nine box-filtered planes. Where a hull is several
  // pixels wide (`faces`), the direction a run walks comes from smoothed gradients (see edgeTensor);
  // the straightness tests keep the plain ones (smoothed there, vessel-errors MAE 20251 0.311 → 0.351,
  // 803377 0.730 → 0.838: the 5×5 support rounds corners into straight edges).
  const faces = gsdM <= FACE_MAX_GSD_M;
  // Chessboard distance from each pixel to the nearest water pixel of the block (0 on water): every
  // pixel nearer than that is land, which lets the runs below skip ahead instead of testing each sample.
  const dist = chessboardDistance(water, width, height);
  // No valid land within `reach` of water (open water, as an anchorage's window is, or no water): no
  // pixel could start a run, and every test below keeps nothing; skip the tensors' passes too.
  if (!opts.trace && !anyShore(water, dist, valid, reach)) return out;
  const edges = edgeTensor(water, width, height, false, undefined, undefined, TensorSlot.edges);
  // The water's 3×3 sums, which the smoothed tensors take their gradients of (here and in alongFaces).
  const sums3 = faces ? boxSum(water, width, height, 1) : null;
  const along = sums3 ? edgeTensor(water, width, height, true, undefined, sums3, TensorSlot.along) : edges;
  // The run is sampled every `step` pixels (2 m or so): water narrower than that is gone after the
  // water mask's opening anyway.
  const step = Math.max(1, Math.round(2 / gsdM));
  // A run past the shore's end grows its distance from water a pixel per pixel; half a beam of slack
  // for the hull's own outline.
  const rootSlope = 0.15;
  const rootMargin = Math.max(1, Math.round(minBeamM / 2 / gsdM));
  const maxRooted = Math.max(3, Math.round(maxRootedLengthM / gsdM));
  // The water's edge where a run ends, over a few metres and over a beam or two: the face it met.
  // Read only where a hull is several pixels wide (`faces`): at 10 m those windows span the hull and
  // the quay alike (sen2ships with it: 2 moored ships fewer, 2 more false).
  const rNear = Math.max(2, Math.round(6 / gsdM));
  const rFar = Math.max(rNear + 1, Math.round(15 / gsdM));
  const shore: Shore = {
    water,
    dist,
    width,
    height,
    step,
    reach,
    maxRun,
    maxRooted,
    rootMargin,
    rootSlope,
    faces,
    edges,
    along,
    rNear,
    rFar,
    endX: [-1, -1],
    endY: [-1, -1],
  };
  // Pixels a run could make candidates: land near water, valid, along one dominant edge orientation (a
  // corner, a jagged shore has no shore to run along). A hull moored near a wide pier's head lies where
  // the raft-wide window sees the head's face as much as the side's: there the edges over a beam or
  // two (the hull's own outer side), where they agree as a straight face does, give the shore; where
  // neither window is straight, a pier's corner may (ShoreStarts). The shore is read only at the pixels
  // the runs reach: on the 25 MP bench case 99.8 % of the near-shore land has one, but a tenth of it is
  // run (105k of 1.0M pixels a pass), and reading every pixel's took 0.16 CPU s a pass.
  const near = new Uint8Array(n);
  nearShore(shore, valid, near);
  const starts = new ShoreStarts(shore, sums3, n);
  // Strips a pixel or two wide along a straight shore are the shore's own tilt against the estimated
  // direction (the run drifts off the edge), never a hull: a hull is a few metres wide. Candidates are
  // opened by r.
  const r = Math.max(1, Math.round(minBeamM / 2 / gsdM));
  // Only a candidate the opening keeps matters (~80 steps per run, most of them on quays the opening
  // drops): runs are taken only where the opening may keep something (runsForOpening).
  const cand = new Uint8Array(n);
  const runs: RunSites = { sh: shore, starts, faces: null };
  // Narrow hulls (coarse pixels, below) are read from the candidates a 2×2 opening keeps: every run is taken.
  const gap = Math.round(minNarrowHullGapM / gsdM);
  const narrowHulls = Math.round(minBeamM / 2 / gsdM) === 0 && gap < Math.max(width, height);
  runsForOpening(runs, MAIN_RUN, near, cand, r, !!opts.trace || narrowHulls);
  if (sums3) alongFaces(runs, cand, r, sums3, !!opts.trace || narrowHulls);
  if (opts.trace) opts.trace.run = cand.slice();
  const opened = dilate(erode(cand, width, height, r), width, height, r);
  if (narrowHulls) {
    const narrow = openTwo(cand, width, height);
    for (let i = 0; i < n; i++) narrow[i]! &= opened[i]! ^ 1;
    const wide = dilate(opened, width, height, gap);
    const { labels, components } = labelComponents(narrow, width, height, { connectivity: 8 });
    const near = new Uint8Array(components.length + 1);
    for (let i = 0; i < n; i++) if (narrow[i] && wide[i]) near[labels[i]!] = 1;
    for (let i = 0; i < n; i++) if (narrow[i] && !near[labels[i]!]) opened[i] = 1;
  }
  andInPlace(cand, opened);
  // No candidate left (open water, an anchorage): every test below keeps nothing, so skip their box sums.
  if (!opts.trace && allZero(cand)) return out;
  // Each candidate against the stable land around it (the quay or pier it would be moored to): a
  // hull's colour steps away from it, a pier head's does not. Relative step, as band scales differ.
  const stable = new Uint8Array(n);
  // The candidates, by index: the tests below visit them alone (few against the window).
  const at = stableLand(water, cand, block.valid, stable);
  const nb = block.bands.length;
  // Three bands' sums and the count in one sweep (maskedBoxSums3: boxSum's values bit for bit), read at
  // the candidates alone: swept only within `reach` of them (maskedBoxSums3Where), not over the window.
  const three =
    nb === 3
      ? maskedBoxSums3Where(
          block.bands as [Float32Array, Float32Array, Float32Array],
          stable,
          width,
          height,
          reach,
          cand,
        )
      : null;
  const count = three ? three.count : boxSum(stable, width, height, reach);
  // Per candidate (k, pixel at[k]): the colour step's sum of squares over bands, and each band's ratio
  // to the land around, lowest and highest: shade dims them all alike.
  const diff = new Float32Array(at.length);
  const qLo = new Float32Array(at.length).fill(Number.POSITIVE_INFINITY);
  const qHi = new Float32Array(at.length);
  for (const [b, band] of block.bands.entries()) {
    const sum = three ? three.sums[b]! : boxSum(band, width, height, reach, stable);
    colourSteps(band, sum, count, at, diff, qLo, qHi);
  }
  if (opts.trace) opts.trace.opened = cand.slice();
  const shade = new Uint8Array(n);
  for (let k = 0; k < at.length; k++) {
    const i = at[k]!;
    if (count[i]) {
      if (Math.sqrt(diff[k]! / nb) < minColourStep) continue;
      shade[i] = isShade(qLo[k]!, qHi[k]!, shadeRatio) ? 1 : 0;
    }
    out[i] = 1;
  }
  // Shade on the quay (a ship's or a crane's shadow across the apron) steps away from the lit land by a
  // common factor in every band, keeping its hue; a hull's paint changes the hue, or is darker than
  // skylight leaves a shadow. A hull's hatches or shaded deck may look like shade too: in a patch
  // mostly not shade that has a hull's shape, they stay.
  const shapedLike = (c: Component, trimmedPx: number) => {
    // A uniform run of n pixels has a standard deviation of n/√12.
    const { major, minor } = componentShape(c);
    const length = Math.sqrt(12) * major;
    const beam = Math.sqrt(12) * minor;
    return (
      beam * gsdM >= minBeamM && length + trimmedPx >= minLengthToBeam * beam && c.area >= minHullFill * length * beam
    );
  };
  const hullShaped = (c: Component) => shapedLike(c, 0);
  // The opening by a narrowest beam cuts a pointed bow back to where the hull is that wide, up to half
  // a narrowest beam (r) short; a stern is square. A stayed hull, the opening's cut given back, is
  // judged by its length before it (stayedShaped; one date's tests keep hullShaped): 886063 pier-2
  // 2025-05-14, a 41 × 8 m boat read 29 × 7.4 (3.9 beams); 555921 pier-3 05-14, 55 × 9 read 39 × 9.8;
  // 271411 pier-3 03-15, 59 × 10 read 46 × 11.8. Two cuts (a narrowest beam) took stubs 3 beams long,
  // fixed structures, for hulls. Such a patch must also lie at the face (withinMooredDepth).
  const stayedShaped = (c: Component) => shapedLike(c, r);
  if (opts.trace) opts.trace.colour = out.slice();
  dropShade(out, shade, width, height, hullShaped);
  // A strip of the pier's own deck that the runs took near a hull's end is judged against the land of
  // the whole window, which the hull's shade and stern darken: it passes the colour step, and the
  // detector reads it as a hull moored inside the pier. The deck carries on into the pier with no edge.
  // After the shade test, which judges a patch's shape with the strip (taken first, 271411 2025-03-15:
  // a quay wedge gone, the shade beside a hull was kept as hull and split into two false hulls).
  if (faces && opts.others)
    dropPierDeck(
      out,
      cand,
      stable,
      block,
      width,
      height,
      PIER_DECK_STEP,
      reach * reach,
      ((2 * minBeamM) / gsdM) ** 2,
      opts.others,
      opts.maxSameStep ?? 0.06,
      hullShaped,
    );
  if (opts.trace) opts.trace.shadeKept = out.slice();
  keepWholeHulls(out, cand, water, dist, width, height, Math.max(1, Math.round(minBeamM / gsdM)), hullShaped);
  if (opts.trace) opts.trace.whole = out.slice();
  // A hull whose deck has the quay's colour is outlined by the quay's face running on beyond its ends
  // and, under it, the seam along its inboard side (water-seam.ts).
  if (faces)
    seamedHulls(
      out,
      cand,
      water,
      block,
      { minBeamPx: minBeamM / gsdM, maxBeamPx: reach, maxLengthPx: maxRun, gsdM },
      hullShaped,
    );
  if (opts.trace) opts.trace.seamed = out.slice();
  // A bank's shallows, lightest next to the land, are a faint patch whose lightness carries on into
  // the water beyond it; a hull ends at its rim (water-bank.ts). On every date, the first too.
  if (faces && opts.banks !== false) dropBankStrips(out, block, water, { gsdM });
  if (opts.trace) opts.trace.banked = out.slice();
  if (!opts.others?.length) return out;
  const kept = dropUnchanged(
    out,
    cand,
    block,
    opts.others,
    opts.maxSameStep ?? 0.06,
    r,
    hullShaped,
    stayedShaped,
    dist,
    (groups) => piecesInLine(groups, block, water, minBeamM / gsdM, minLengthToBeam, minHullFill),
    faces
      ? (pixels) =>
          raftAbreast(pixels, block, water, minBeamM / gsdM, hullShaped) ||
          raftAlongside(pixels, width, minBeamM / gsdM, hullShaped)
      : undefined,
  );
  if (opts.neverSeen) dropDryDecks(kept, opts.neverSeen, dist, width, height, hullShaped);
  return kept;
}

/** A patch the site's memory never saw as open water on at least this share of its pixels lay dry there on every date it holds. */
const NEVER_WATER_SHARE = 0.9;

/**
 * Clears, in place, the patches of `hulls` shaped like a hull (`hullShaped`) that the site's memory
 * never saw as open water (`neverSeen`, on `NEVER_WATER_SHARE` of their pixels) and that do not lie
 * against land (`againstLand`): a pier's deck, with water along both its sides, dry on every date.
 * On some dates its deck passes the colour step whole and differs from the three other dates (their
 * light, a hull's shade across it) on over half its pixels, so dropUnchanged keeps it as changed
 * (504252 pier-3 2025-11-13 to 12-16: a 255 × 37 m hull, 0.61 of its width deep; 524945 pier-3
 * 12-16: 301 × 45 m, 0.53). A hull moored at the quay since the series' first date is dry in the
 * memory too, but lies a beam deep (0.91–1.24 on 9851, 14632, 169843, 312134, 506327, 656465,
 * 700755, 886063); one that came later lies on water the memory saw. Patches not shaped like a
 * hull are left alone: a stubby piece of a raft reads shallow against its own width (271411 pier-3).
 */
function dropDryDecks(
  hulls: Uint8Array,
  neverSeen: Uint8Array,
  dist: Uint16Array,
  width: number,
  height: number,
  hullShaped: (c: Component) => boolean,
): void {
  const { labels, components } = labelComponents(hulls, width, height, { connectivity: 8 });
  if (!components.length) return;
  const dry = new Float64Array(components.length + 1);
  sumByLabel(dry, labels, neverSeen);
  const deepest = deepestByLabel(labels, dist, components.length);
  const drop = new Uint8Array(components.length + 1);
  for (const c of components) {
    const deck = dry[c.label]! >= NEVER_WATER_SHARE * c.area && hullShaped(c) && !againstLand(c, deepest[c.label]!);
    drop[c.label] = deck ? 1 : 0;
  }
  for (let i = 0; i < hulls.length; i++) if (drop[labels[i]!]) hulls[i] = 0;
}

/**
 * Into `near`, the pixels a run could start from before their shore is read: valid land within the
 * shore's `reach` of water (chessboard, read from `dist`, as a (2·reach+1)² dilation of the water would
 * say). A superset of `ShoreStarts`' pixels, and as a bound of runsForOpening's result as good as them
 * (nearly all of them have a shore). A loop of its own (see mask-loops.ts).
 */
function nearShore(sh: Shore, valid: Uint8Array, near: Uint8Array): void {
  const { water, dist, reach } = sh;
  for (let i = 0; i < near.length; i++) near[i] = !water[i] && dist[i]! <= reach && valid[i] ? 1 : 0;
}

/** `ShoreStarts` codes besides its shores 0, 1, 2: no shore (no run), not read yet. */
const SHORE_UNREAD = 255;
const SHORE_NONE = 3;

/**
 * Where a `near` pixel's run reads its shore, decided once a run reaches the pixel: along one dominant
 * edge orientation over the raft's reach, or (code 1, where `faces`) over `rFar`; where neither
 * window is straight, a corner where a pier meets the quay may be (code 2, cornerFaces): its two
 * faces are read from the edges' orientation moments of order two and four, taken once some pixel
 * needs them, and kept in `cornerU` for cornerRun. Pixels with none of these start no run.
 */
class ShoreStarts {
  /** Per pixel: 0 (raft's reach), 1 (face), 2 (corner), SHORE_NONE, or SHORE_UNREAD. */
  private readonly code: Uint8Array;
  private readonly cornerU = new Map<number, number[]>();
  private corner: CornerMoment | null = null;
  private readonly kFace = Math.round(10 * MIN_FACE_COHERENCE);

  constructor(
    private readonly sh: Shore,
    private readonly sums3: Float32Array | null,
    n: number,
  ) {
    this.code = new Uint8Array(n).fill(SHORE_UNREAD);
  }

  /** The pixel's shore code (decided now if not yet): only `near` pixels are asked. */
  at(i: number, x: number, y: number): number {
    const known = this.code[i]!;
    if (known !== SHORE_UNREAD) return known;
    const { edges, along, reach, rFar, faces, width, height } = this.sh;
    let c = SHORE_NONE;
    if (coherentAt(edges, x, y, reach, 3)) c = 0;
    else if (faces && coherentAt(edges, x, y, rFar, this.kFace)) c = 1;
    else if (this.sums3) {
      this.corner ??= cornerMoment(this.sums3, width, height, TensorSlot.corner);
      const u = cornerFaces(this.corner, along, x, y, reach);
      if (u) {
        this.cornerU.set(i, u);
        c = 2;
      }
    }
    this.code[i] = c;
    return c;
  }

  /** Whether the pixel's shore was read over a face or a corner (a pixel a run was taken at). */
  byFace(i: number): boolean {
    const c = this.code[i]!;
    return c === 1 || c === 2;
  }

  /** The run at a `near` pixel: along its corner's two faces, or along the shore over a face's or the raft's reach; 0 without a shore. */
  run(x: number, y: number): number {
    const i = y * this.sh.width + x;
    const c = this.at(i, x, y);
    if (c === SHORE_NONE) return 0;
    return c === 2
      ? cornerRun(this.sh, this.cornerU.get(i)!, x, y)
      : runCandidate(this.sh, x, y, c === 1 ? this.sh.rFar : this.sh.reach);
  }
}

/** `coherentAtLeast` of the tensor's window sums at (x, y) over radius r. */
function coherentAt(edges: Tensor, x: number, y: number, r: number, k: number): boolean {
  return coherentAtLeast(windowSum(edges.xx, x, y, r), windowSum(edges.xy, x, y, r), windowSum(edges.yy, x, y, r), k);
}

/** What a run reads: the shore, where a pixel's shore comes from (`starts`), and in alongFaces the faces' tensor. */
interface RunSites {
  sh: Shore;
  starts: ShoreStarts;
  faces: Shore | null;
}

/** runsForOpening's runs: a near-shore pixel's (ShoreStarts.run), or alongFaces' re-run of a candidate (alongAt). */
const MAIN_RUN = 0;
const FACES_RUN = 1;

function runOf(s: RunSites, kind: number, x: number, y: number): number {
  return kind === MAIN_RUN ? s.starts.run(x, y) : alongAt(s.sh, s.faces!, x, y);
}

/**
 * Into `out`, the runs of the `todo` pixels (cleared as they are taken) where the opening by r of the
 * result may keep them; `out` holds the other pixels' values already, and a `todo` pixel not run is 0.
 * Only the opening and the pixels it keeps are read afterwards (the candidates are opened, and alongFaces
 * only takes candidates away), so that is all that must be exact. Runs go first to a lattice of every
 * (2r+1)-th pixel, which every (2r+1)² square meets once, then to one of every r-th pixel (each square
 * meets four or more) within the opening of the upper bound so far (runs taken, every other `todo` pixel
 * set), then to the rest within the opening of the new bound. Each bound holds the true result, so each
 * opening holds every square the true opening keeps, whose pixels are thus all run: the same opening, and
 * the same pixels kept. On the 25 MP bench case the r lattice alone took 186k runs, these two 105k (a
 * third level, 5, only 102k). With `all` (traced stages), every `todo` pixel is run.
 */
function runsForOpening(s: RunSites, kind: number, todo: Uint8Array, out: Uint8Array, r: number, all: boolean): void {
  const { width, height } = s.sh;
  let worth: Uint8Array | null = null;
  if (!all) {
    const upper = new Uint8Array(out.length);
    for (let i = 0; i < out.length; i++) upper[i] = out[i]! | todo[i]!;
    for (const spacing of [2 * r + 1, r]) {
      if (spacing <= 1) break;
      runLatticeOf(s, kind, todo, worth, spacing, out, upper);
      worth = dilate(erode(upper, width, height, r), width, height, r);
    }
  }
  runRest(s, kind, todo, worth, out);
}

/** runsForOpening's runs at the `todo` pixels of the lattice of every `spacing`-th pixel (where `worth`, when given). */
function runLatticeOf(
  s: RunSites,
  kind: number,
  todo: Uint8Array,
  worth: Uint8Array | null,
  spacing: number,
  out: Uint8Array,
  upper: Uint8Array,
): void {
  const { width, height } = s.sh;
  for (let y = 0; y < height; y += spacing) {
    for (let x = 0; x < width; x += spacing) {
      const i = y * width + x;
      if (!todo[i] || (worth && !worth[i])) continue;
      todo[i] = 0;
      upper[i] = out[i] = runOf(s, kind, x, y);
    }
  }
}

/** runsForOpening's last runs: the `todo` pixels where `worth` is set (all when null); the others get 0. */
function runRest(s: RunSites, kind: number, todo: Uint8Array, worth: Uint8Array | null, out: Uint8Array): void {
  const { width, height } = s.sh;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!todo[i]) continue;
      out[i] = !worth || worth[i] ? runOf(s, kind, x, y) : 0;
    }
  }
}

/** Into `stable`, the valid land that is not a candidate; returns the candidates' indices. */
function stableLand(water: Uint8Array, cand: Uint8Array, valid: Uint8Array, stable: Uint8Array): number[] {
  const at: number[] = [];
  for (let i = 0; i < cand.length; i++) {
    stable[i] = !water[i] && !cand[i] && valid[i] ? 1 : 0;
    if (cand[i]) at.push(i);
  }
  return at;
}

/**
 * One band's part of each candidate's colour step (`diff`, summed squares over bands) and its ratio to
 * the land around (`qLo`, `qHi`): `sum` / `count`, the stable land's box sums.
 */
function colourSteps(
  band: Float32Array,
  sum: Float32Array,
  count: Float32Array,
  at: number[],
  diff: Float32Array,
  qLo: Float32Array,
  qHi: Float32Array,
): void {
  for (let k = 0; k < at.length; k++) {
    const i = at[k]!;
    if (!count[i]) continue;
    const m = sum[i]! / count[i]!;
    diff[k]! += ((band[i]! - m) / Math.max(m, 1e-4)) ** 2;
    const q = band[i]! / Math.max(m, 1e-4);
    if (q < qLo[k]!) qLo[k] = q;
    if (q > qHi[k]!) qHi[k] = q;
  }
}

/**
 * Whether the structure tensor's window sums (a = Σgx², b = Σgx·gy, c = Σgy², integers) have a coherence
 * hypot(a − c, 2b) / (a + c) of at least k / 10: squared and times 100, exact in doubles while the sums
 * stay under 2^24, without a hypot per near-shore pixel. The same answers as `hypot(…) / max(1e-6, a + c)
 * >= k / 10` in doubles: no such ratio of sums this size lies within that's rounding of k / 10.
 */
export function coherentAtLeast(a: number, b: number, c: number, k: number): boolean {
  const s = a + c;
  return s > 0 && 100 * ((a - c) * (a - c) + 4 * b * b) >= k * k * s * s;
}

/** Whether every value of `a` is 0: a plain loop (`every` with a callback costs a call per pixel). */
function allZero(a: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
  return true;
}

/** Whether some valid land pixel lies within `reach` (chessboard) of water: where a run could start. */
function anyShore(water: Uint8Array, dist: Uint16Array, valid: Uint8Array, reach: number): boolean {
  for (let i = 0; i < water.length; i++) if (!water[i] && dist[i]! <= reach && valid[i]) return true;
  return false;
}

/**
 * The structure tensor's planes of the water mask's edges, as summed-area tables; edges at `skip`
 * pixels left out. Central differences of the binary mask lean a straight edge's direction towards the
 * diagonal (5° off at 20–25° from the grid's axes): a run along a pier 25° askew drifts across its deck
 * within 30 m of the face and meets water at both ends, and strips of deck join the hulls moored at
 * it. `smooth`: the Sobel gradient of the mask's 3×3 sums, whose lean stays under 0.6° (a run drifts
 * 5 m across in 500 m, under the opening's beam). `sums3`: the mask's 3×3 box sums, when already taken.
 */
export function edgeTensor(
  water: Uint8Array,
  width: number,
  height: number,
  smooth: boolean,
  skip?: Uint8Array,
  sums3?: Float32Array,
  slot?: TensorSlot,
): Tensor {
  const m = smooth ? (sums3 ?? boxSum(water, width, height, 1)) : null;
  const kept =
    tensorInWasm && slot !== undefined
      ? tensorTablesInKernel(m ? TensorMode.smooth : TensorMode.plain, m ?? water, width, height, skip ?? null, slot)
      : null;
  if (kept) {
    const [xx, xy, yy] = kept as [Int32Array, Int32Array, Int32Array];
    return { xx: { sat: xx, width, height }, xy: { sat: xy, width, height }, yy: { sat: yy, width, height } };
  }
  // The three planes' summed-area tables straight from the gradients, row by row (areaSums of planes
  // that hold gx², gx·gy and gy² where the gradient is taken and 0 elsewhere: the same integers, summed
  // in the same order), without the planes. Central differences of a binary mask square to 0 or ±1;
  // the smoothed ones to up to 36².
  const w1 = width + 1;
  const size = w1 * (height + 1);
  const xx = new Int32Array(size);
  const xy = new Int32Array(size);
  const yy = new Int32Array(size);
  const sums: TensorSums = { xx, xy, yy };
  if (tensorInWasm)
    tensorTables(m ? TensorMode.smooth : TensorMode.plain, m ?? water, width, height, skip ?? null, [xx, xy, yy]);
  else if (m) smoothEdgeSums(m, width, height, skip ?? null, sums);
  else plainEdgeSums(water, width, height, skip ?? null, sums);
  return { xx: { sat: xx, width, height }, xy: { sat: xy, width, height }, yy: { sat: yy, width, height } };
}

interface TensorSums {
  xx: Int32Array;
  xy: Int32Array;
  yy: Int32Array;
}

/** `edgeTensor`'s tables from central differences of the mask (taken 1 px in from its edges). */
function plainEdgeSums(
  water: Uint8Array,
  width: number,
  height: number,
  skip: Uint8Array | null,
  { xx, xy, yy }: TensorSums,
): void {
  const w = width;
  const w1 = width + 1;
  for (let y = 0; y < height; y++) {
    const above = y * w1;
    const here = above + w1;
    let axx = 0;
    let axy = 0;
    let ayy = 0;
    const inner = y >= 1 && y < height - 1;
    for (let x = 0; x < width; x++) {
      if (inner && x >= 1 && x < width - 1) {
        const i = y * w + x;
        if (skip === null || !skip[i]) {
          const gx = water[i + 1]! - water[i - 1]!;
          const gy = water[i + w]! - water[i - w]!;
          axx += gx * gx;
          axy += gx * gy;
          ayy += gy * gy;
        }
      }
      xx[here + x + 1] = xx[above + x + 1]! + axx;
      xy[here + x + 1] = xy[above + x + 1]! + axy;
      yy[here + x + 1] = yy[above + x + 1]! + ayy;
    }
  }
}

/** `edgeTensor`'s tables from the Sobel gradient of the mask's 3×3 sums `m` (taken 2 px in from its edges). */
function smoothEdgeSums(
  m: Float32Array,
  width: number,
  height: number,
  skip: Uint8Array | null,
  { xx, xy, yy }: TensorSums,
): void {
  const w = width;
  const w1 = width + 1;
  for (let y = 0; y < height; y++) {
    const above = y * w1;
    const here = above + w1;
    let axx = 0;
    let axy = 0;
    let ayy = 0;
    const inner = y >= 2 && y < height - 2;
    for (let x = 0; x < width; x++) {
      if (inner && x >= 2 && x < width - 2) {
        const i = y * w + x;
        if (skip === null || !skip[i]) {
          const gx = m[i - w + 1]! + 2 * m[i + 1]! + m[i + w + 1]! - m[i - w - 1]! - 2 * m[i - 1]! - m[i + w - 1]!;
          const gy = m[i + w - 1]! + 2 * m[i + w]! + m[i + w + 1]! - m[i - w - 1]! - 2 * m[i - w]! - m[i - w + 1]!;
          axx += gx * gx;
          axy += gx * gy;
          ayy += gy * gy;
        }
      }
      xx[here + x + 1] = xx[above + x + 1]! + axx;
      xy[here + x + 1] = xy[above + x + 1]! + axy;
      yy[here + x + 1] = yy[above + x + 1]! + ayy;
    }
  }
}

/**
 * The first walk's candidates (`cand`) walked again along the quay's or pier's face alone. A hull
 * moored at a face, or swung askew against it, is land in the water mask, and its outline (its ends,
 * a bow rounded on the outer side only, an askew hull's sides) turns the edges' direction over the
 * window: runs started on the deck beside it drift across the deck and meet water at both ends, and
 * strips of deck join the hull's patch (a rafted pair's patch then lies askew and is not split). A
 * face is straight and runs on past a hull: the direction is read again from the edges away from the
 * first walk's patches (opened by `r`, so the thin strips a walk leaves along every face do not hide
 * the faces). Candidates are only taken away. Pixels whose shore came from a face near them
 * (`ShoreStarts.byFace`) keep it. Over twice the window (to reach past a long hull) other faces weigh in: a hull
 * alongside a quay near a bend was lost, and vessel-errors MAE 455120 0.493 → 0.521 where this
 * window gives 0.411. `sums3`: the water's 3×3 box sums.
 */
function alongFaces(s: RunSites, cand: Uint8Array, r: number, sums3: Float32Array, all: boolean): void {
  const { sh, starts } = s;
  const { water, width, height, reach } = sh;
  const patches = dilate(erode(cand, width, height, r), width, height, r);
  if (allZero(patches)) return;
  const hullsNear = dilate(patches, width, height, r + 1);
  const faces: Shore = { ...sh, along: edgeTensor(water, width, height, true, hullsNear, sums3, TensorSlot.faces) };
  // Farther away the window holds no edge left out: the direction, and the run, are the first's.
  const near = dilate(hullsNear, width, height, reach);
  // The candidates to run again: outside `patches` none can be kept by the opening of fewer candidates.
  const todo = new Uint8Array(cand.length);
  for (let i = 0; i < cand.length; i++) {
    if (!cand[i] || !near[i] || starts.byFace(i)) continue;
    if (all || patches[i]) todo[i] = 1;
    else cand[i] = 0;
  }
  runsForOpening({ ...s, faces }, FACES_RUN, todo, cand, r, all);
}

/**
 * alongFaces' run at a candidate: along the faces' tensor (`fc`) where the window keeps some of their
 * weight, over twice the window where the hulls hide nearly all of it; 1 (kept) where it keeps none.
 */
function alongAt(sh: Shore, fc: Shore, x: number, y: number): number {
  const { reach } = sh;
  const kept = windowSum(fc.along.xx, x, y, reach) + windowSum(fc.along.yy, x, y, reach);
  if (kept === 0) return 1;
  // Where the hulls hide nearly all of the window's faces (both sides of a pier lined with hulls),
  // the scraps left (tapered ends, a short gap's face) tilt the direction: read it over twice the
  // window, which reaches the faces beyond the hulls (700755 01-14 pier-1: 0.06 → 0.22 rad, a 112 m
  // hull lost).
  const all = windowSum(sh.along.xx, x, y, reach) + windowSum(sh.along.yy, x, y, reach);
  return runCandidate(fc, x, y, kept < FACES_HIDDEN * all ? 2 * reach : reach);
}

/** Share of the window's edge weight under which the faces alone are taken as hidden by hulls (alongFaces). */
const FACES_HIDDEN = 0.15;

/** Opening by a 2×2 square: what lies within some 2×2 square of set pixels. */
function openTwo(mask: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y + 1 < height; y++) {
    for (let x = 0; x + 1 < width; x++) {
      const i = y * width + x;
      if (!mask[i] || !mask[i + 1] || !mask[i + width] || !mask[i + width + 1]) continue;
      out[i] = out[i + 1] = out[i + width] = out[i + width + 1] = 1;
    }
  }
  return out;
}

/** What the runs along the shore read: the water mask, its chessboard distance and the walk's constants. */
interface Shore {
  water: Uint8Array;
  dist: Uint16Array;
  width: number;
  height: number;
  step: number;
  reach: number;
  maxRun: number;
  /** The longest run that leaves the shore at one end. */
  maxRooted: number;
  rootMargin: number;
  rootSlope: number;
  /** Whether the faces a run meets are read (at `rNear` and `rFar`; see berthedHulls). */
  faces: boolean;
  /** The water's edges, whose structure tensor over a window gives the shore's direction: over the
   * raft's reach where a run starts, over a few metres and over a beam or two where it ends (the
   * direction of the face it met). */
  edges: Tensor;
  /** The edges whose tensor gives the direction a run walks (smoothed where `faces`; in alongFaces, the faces' alone). */
  along: Tensor;
  rNear: number;
  rFar: number;
  /** Where the last walk met water at each end (its first water sample), or −1. */
  endX: [number, number];
  endY: [number, number];
}

/** Coarsest pixel, metres, at which the faces a run meets are read (see berthedHulls). */
const FACE_MAX_GSD_M = 3;
/** A run that meets a face of the water's edge at less than this angle ran along it, not to its end (rad). */
const MAX_SLANT = (30 * Math.PI) / 180;
/** Two stretches of the water's edge within this angle are one straight face (rad). */
const SAME_FACE = (10 * Math.PI) / 180;
/** A face is straight where its edges' orientations agree this much (structure coherence). */
const MIN_FACE_COHERENCE = 0.6;

/**
 * The direction of a straight face of the water's edge at pixel j: the edges agree on one orientation
 * over a few metres around j and over a ship's beam or two, or null (a hull's tapered bow is straight
 * only over a few metres, and at an angle to the hull's sides beyond).
 */
function faceAt(sh: Shore, x: number, y: number): [number, number] | null {
  let fx = 0;
  let fy = 0;
  for (const r of [sh.rNear, sh.rFar]) {
    const a = windowSum(sh.edges.xx, x, y, r);
    const c = windowSum(sh.edges.yy, x, y, r);
    const b = windowSum(sh.edges.xy, x, y, r);
    if (Math.hypot(a - c, 2 * b) < MIN_FACE_COHERENCE * Math.max(1e-6, a + c)) return null;
    const theta = 0.5 * Math.atan2(2 * b, a - c);
    const gx = -Math.sin(theta);
    const gy = Math.cos(theta);
    if (fx || fy) return Math.abs(fx * gx + fy * gy) >= Math.cos(SAME_FACE) ? [fx, fy] : null;
    fx = gx;
    fy = gy;
  }
  return null;
}

/**
 * The direction of a straight face of the water's edge that the last walk (along ux, uy) met at either
 * end at a slant (under MAX_SLANT to its direction), so ran along rather than to a hull's end; null
 * when it met none.
 */
function slantedFace(sh: Shore, ux: number, uy: number): [number, number] | null {
  for (let e = 0; e < 2; e++) {
    if (sh.endX[e]! < 0) continue;
    const f = faceAt(sh, sh.endX[e]!, sh.endY[e]!);
    if (f && Math.abs(f[0] * ux + f[1] * uy) >= Math.cos(MAX_SLANT)) return f;
  }
  return null;
}

/** Window sums of the structure tensor's planes (gx², gx·gy, gy² of the water's edges). */
export interface Tensor {
  xx: AreaSums;
  xy: AreaSums;
  yy: AreaSums;
}

/**
 * 1 if the run of land through (x, y), along the shore the tensor over a window of radius `r` there
 * gives, marks a candidate hull: shorter than a quay, and ended by water at one end at least (land that
 * leaves the shore at both ends is the quay face between two piers' roots, not a hull).
 */
function runCandidate(sh: Shore, x: number, y: number, r: number): number {
  const t = sh.along;
  // The edges' normal is at θ; the shore runs across it.
  const theta = 0.5 * Math.atan2(2 * windowSum(t.xy, x, y, r), windowSum(t.xx, x, y, r) - windowSum(t.yy, x, y, r));
  return runAlong(sh, x, y, -Math.sin(theta), Math.cos(theta));
}

/**
 * Summed-area tables of the water edges' orientation moment of order four, m²·(cos 4θ, sin 4θ) of the
 * smoothed gradient (magnitude m, normal at θ; see edgeTensor), rounded to integers: with the
 * structure tensor's (order two) it resolves the two faces of a corner (cornerFaces). `sums3`: the
 * water's 3×3 box sums.
 */
export function cornerMoment(sums3: Float32Array, width: number, height: number, slot?: TensorSlot): CornerMoment {
  const kept =
    tensorInWasm && slot !== undefined
      ? tensorTablesInKernel(TensorMode.corner, sums3, width, height, null, slot)
      : null;
  if (kept) return { cos: { sat: kept[0]!, width, height }, sin: { sat: kept[1]!, width, height } };
  const w1 = width + 1;
  const cs = new Int32Array(w1 * (height + 1));
  const sn = new Int32Array(w1 * (height + 1));
  if (tensorInWasm) tensorTables(TensorMode.corner, sums3, width, height, null, [cs, sn]);
  else cornerMomentSums(sums3, width, height, cs, sn);
  return { cos: { sat: cs, width, height }, sin: { sat: sn, width, height } };
}

/**
 * Slots of the tables `berthedHulls` keeps in the kernel memory (tensorTablesInKernel), one per tensor
 * alive at once: each call reuses the last call's, so none outlives the call that took it.
 */
export const TensorSlot = { edges: 0, along: 1, corner: 2, faces: 3 } as const;
export type TensorSlot = (typeof TensorSlot)[keyof typeof TensorSlot];

/** Whether the tensors' tables are taken in WebAssembly (tensor-kernel.ts); off only to test it against the JavaScript. */
let tensorInWasm = true;

/** Takes `edgeTensor`'s and `cornerMoment`'s tables in WebAssembly or in JavaScript (for tests: the same bits). */
export function setTensorInWasm(on: boolean): void {
  tensorInWasm = on;
}

/** `cornerMoment`'s tables in JavaScript: the reference tensor.wat reproduces. */
function cornerMomentSums(m: Float32Array, width: number, height: number, cs: Int32Array, sn: Int32Array): void {
  const w = width;
  const w1 = width + 1;
  for (let y = 0; y < height; y++) {
    const above = y * w1;
    const here = above + w1;
    let ac = 0;
    let as = 0;
    const inner = y >= 2 && y < height - 2;
    for (let x = 0; x < width; x++) {
      if (inner && x >= 2 && x < width - 2) {
        const i = y * w + x;
        const gx = m[i - w + 1]! + 2 * m[i + 1]! + m[i + w + 1]! - m[i - w - 1]! - 2 * m[i - 1]! - m[i + w - 1]!;
        const gy = m[i + w - 1]! + 2 * m[i + w]! + m[i + w + 1]! - m[i - w - 1]! - 2 * m[i - w]! - m[i - w + 1]!;
        const m2 = gx * gx + gy * gy;
        if (m2 > 0) {
          // (p + iq) = m²·e^{2iθ}; its square over m² is m²·e^{4iθ}.
          const p = gx * gx - gy * gy;
          const q = 2 * gx * gy;
          ac += Math.round((p * p - q * q) / m2);
          as += Math.round((2 * p * q) / m2);
        }
      }
      // Int32 wraps as edgeTensor's tables do: window sums (windowSum's `| 0`) stay exact.
      cs[here + x + 1] = (cs[above + x + 1]! + ac) | 0;
      sn[here + x + 1] = (sn[above + x + 1]! + as) | 0;
    }
  }
}

/** cornerMoment's tables. */
export interface CornerMoment {
  cos: AreaSums;
  sin: AreaSums;
}

/**
 * The two straight faces of the water's edge that meet at a corner within the window of radius r
 * around (x, y), as their shore directions [u1x, u1y, u2x, u2y], or null. Over a window across the
 * corner where a pier meets the quay the structure tensor averages the two faces into neither
 * (coherence under 0.1 at a 59 m hull moored in that corner on 271411's pier-3, where no run
 * started), although each face is straight. Two faces, normals at θ1 and θ2 with weights w1 and w2,
 * give orientation moments m_k = w1·z1^k + w2·z2^k (z = e^{2iθ}): m0 the edges' weight (xx + yy),
 * m1 the tensor's (xx − yy, 2xy), m2 the moment of order four (cornerMoment), m−1 = conj(m1). They
 * follow m_{k+2} = a·m_{k+1} + b·m_k with z1, z2 the roots of z² − a·z − b (Prony's method): solved
 * from k = −1 and 0. Straight faces put both roots on the unit circle; edges of scattered orientation
 * (a jagged shore, a cluttered raft) pull them inside: each |z| must reach MIN_FACE_COHERENCE, the bar
 * a straight face's coherence passes.
 */
export function cornerFaces(corner: CornerMoment, along: Tensor, x: number, y: number, r: number): number[] | null {
  const m0 = windowSum(along.xx, x, y, r) + windowSum(along.yy, x, y, r);
  const m1r = windowSum(along.xx, x, y, r) - windowSum(along.yy, x, y, r);
  const m1i = 2 * windowSum(along.xy, x, y, r);
  const m2r = windowSum(corner.cos, x, y, r);
  const m2i = windowSum(corner.sin, x, y, r);
  const det = m0 * m0 - m1r * m1r - m1i * m1i;
  if (m0 <= 0 || det <= 1e-9 * m0 * m0) return null;
  // a = (m1·m0 − conj(m1)·m2) / det, b = (m0·m2 − m1²) / det.
  const ar = (m1r * m0 - (m1r * m2r + m1i * m2i)) / det;
  const ai = (m1i * m0 - (m1r * m2i - m1i * m2r)) / det;
  const br = (m0 * m2r - (m1r * m1r - m1i * m1i)) / det;
  const bi = (m0 * m2i - 2 * m1r * m1i) / det;
  // z = (a ± √(a² + 4b)) / 2.
  const dr = ar * ar - ai * ai + 4 * br;
  const di = 2 * ar * ai + 4 * bi;
  const dm = Math.hypot(dr, di);
  const sr = Math.sqrt(Math.max(0, (dm + dr) / 2));
  // The principal root: at di = 0 with dr < 0 (faces mirrored across a grid axis) it is ±i·√−dr, not 0.
  const si = (di < 0 ? -1 : 1) * Math.sqrt(Math.max(0, (dm - dr) / 2));
  const out: number[] = [];
  for (const sign of [1, -1]) {
    const zr = (ar + sign * sr) / 2;
    const zi = (ai + sign * si) / 2;
    if (Math.hypot(zr, zi) < MIN_FACE_COHERENCE) return null;
    const theta = 0.5 * Math.atan2(zi, zr);
    out.push(-Math.sin(theta), Math.cos(theta));
  }
  return out;
}

/**
 * runCandidate at a corner, along its two faces `u` (cornerFaces, read once per pixel in
 * berthedHulls): the pixel is a candidate hull only if the run is short along both faces, and leaves the shore at one end along one of them (it runs into the other face's land:
 * the corner). A hull in the corner is short along the pier (it ends in water, its bow at the quay) and
 * along the quay (across itself and the pier's root); the pier's root runs on along the pier, the quay
 * beside the root along the quay. Between two faces that do not meet (a pier's sides, the ends of the
 * hulls along them) no run is rooted, and the shore is left unread there as before.
 */
function cornerRun(sh: Shore, u: number[], x: number, y: number): number {
  const d0 = sh.dist[y * sh.width + x]!;
  // runAlong's tests on both faces, each walk taken once: the slanted face a walk met is read before
  // the next walk moves the ends.
  const a = shoreWalk(sh, x, y, u[0]!, u[1]!, d0);
  if (!shortRun(sh, a)) return 0;
  const faceA = sh.faces ? slantedFace(sh, u[0]!, u[1]!) : null;
  const b = shoreWalk(sh, x, y, u[2]!, u[3]!, d0);
  if (!shortRun(sh, b) || !((a | b) & 3)) return 0;
  const faceB = sh.faces ? slantedFace(sh, u[2]!, u[3]!) : null;
  if (faceA && !shortRun(sh, shoreWalk(sh, x, y, faceA[0], faceA[1], d0))) return 0;
  return faceB && !shortRun(sh, shoreWalk(sh, x, y, faceB[0], faceB[1], d0)) ? 0 : 1;
}

/** runCandidate along the shore direction (ux, uy). */
function runAlong(sh: Shore, x: number, y: number, ux: number, uy: number): number {
  const i = y * sh.width + x;
  if (!shortRun(sh, shoreWalk(sh, x, y, ux, uy, sh.dist[i]!))) return 0;
  // Near a bend of the shore the fit mixes two faces (3–13° off at a quay's end), and the run meets
  // the face it runs along at a slant, as if a hull ended there. A run that ends on a straight face
  // within MAX_SLANT of its own direction is walked again along that face, and must be short that
  // way too (the second walk only takes candidates away: along a face that wobbles, as a natural
  // shore does, it ends early everywhere).
  const face = sh.faces ? slantedFace(sh, ux, uy) : null;
  return face && !shortRun(sh, shoreWalk(sh, x, y, face[0], face[1], sh.dist[i]!)) ? 0 : 1;
}

/** A walk (`run · 4 + rooted`, shoreWalk's answer) short enough for a hull and ended by water at one end at least. */
function shortRun(sh: Shore, walk: number): boolean {
  const rooted = walk & 3;
  return walk >> 2 < (rooted ? sh.maxRooted : sh.maxRun) && rooted < 2;
}

/**
 * The straight run of land through (x, y) along the shore direction (ux, uy), both ways, as
 * `run · 4 + rooted` (rooted: how many of its ends left the shore). A function of its own, not a loop
 * inside `berthedHulls`: it takes ~80 steps per candidate pixel, and V8 compiles the small function to
 * far tighter code (the 4096² detect stage, 44 M steps: 2.1–2.2 → 1.1–1.3 CPU s, same masks).
 */
function shoreWalk(sh: Shore, x: number, y: number, ux: number, uy: number, d0: number): number {
  const { dist, width, height, step, maxRun, rootMargin, rootSlope } = sh;
  let run = 1;
  let rooted = 0;
  sh.endX[0] = sh.endX[1] = sh.endY[0] = sh.endY[1] = -1;
  for (let dir = 0; dir < 2; dir++) {
    const s = dir === 0 ? step : -step;
    let t = 1;
    while (run < maxRun) {
      const qx = Math.round(x + s * t * ux);
      const qy = Math.round(y + s * t * uy);
      // Beyond the block the shore is unknown: taken as land, so nothing at the edge is cut off as a hull.
      let skip = 0;
      if (qx >= 0 && qy >= 0 && qx < width && qy < height) {
        const d = dist[qy * width + qx]!;
        if (d === 0) {
          sh.endX[dir] = qx;
          sh.endY[dir] = qy;
          break;
        }
        // The run has left the shore it started along (the water beside it fell behind: a hull's
        // bow against the quay at a pier's root). A tilt of the estimated direction only drifts
        // it off the shore slowly (under 9°: 0.15 of the way travelled).
        if (d - d0 > rootMargin + rootSlope * t * step && !waterAcross(sh, qx, qy, ux, uy, d0)) {
          rooted++;
          // The walk is known to have left only once well into the quay (the margin above grows with
          // the way travelled: 40–60 m past a 164 m tanker's bow at a pier's root on 506327, which put
          // its run over `maxRootedLengthM`); the hull ends at the quay's face. A step moves a pixel's
          // distance from water by no more than the step, so the walk ran at least d − d0 (> 0 here)
          // past where it left the water.
          run = Math.max(1, run - (d - d0));
          break;
        }
        // Samples k further lie within 1 + k·step (chessboard) of this one, so they are land while
        // that stays under d: each would have added `step` to the run.
        skip = d > 1 ? Math.ceil((d - 1) / step) - 1 : 0;
      }
      run += (skip + 1) * step;
      t += skip + 1;
    }
  }
  return run * 4 + rooted;
}

/**
 * Water across the run within a raft's beam of where it started from water: the run still follows
 * the shore, only past hulls moored alongside further on. Beyond the block it is unknown: taken as
 * found, so the run goes on as before.
 */
function waterAcross(sh: Shore, qx: number, qy: number, ux: number, uy: number, d0: number): boolean {
  const { water, width, height, step, reach } = sh;
  for (let side = 1; side >= -1; side -= 2) {
    for (let k = 1; k <= d0 + reach; k += step) {
      const px = Math.round(qx - side * k * uy);
      const py = Math.round(qy + side * k * ux);
      if (px < 0 || py < 0 || px >= width || py >= height) return true;
      if (water[py * width + px]) return true;
    }
  }
  return false;
}

/** Relative RMS step over bands within which a candidate is the pier's deck it carries on from (dropPierDeck). */
const PIER_DECK_STEP = 0.08;

/**
 * Clears the pixels of `hulls` (and `cand`) that carry on without an edge from a wide body of stable
 * land (`stable`) beside them: the pier's deck. A hull moored at a pier is cut off from it by its side
 * (paint, a dark rim, its shade on the deck); a strip of deck the runs took beside a hull's end, or at a
 * pier's head, is the deck of the pier beside it. A seed is a stable pixel on a patch's rim whose colour
 * carries on (within `maxStep`, relative RMS over bands, of the seed) over at least `minBody` stable
 * pixels: a piece of a hull the runs left out (a stern against the shore) is small, a pier's deck is
 * not. From the seeds, patch pixels within `maxStep` of their seed's colour are taken, 4-connected: a
 * grey hatch cover walled in by the hull's side stays. Only pieces of at least `minArea` pixels go.
 * vessel-errors: 656465 MAE 0.411 → 0.384 (false:other 13 → 8: a deck at pier-3 on 5 dates; hit 244 →
 * 245), 803377 0.513 → 0.487 (hit 145 → 146), 271411 0.692 → 0.744 (a quay wedge gone at east-quay
 * 2025-03-15, the inner hull of a raft then read in three pieces: false:split 10 → 12); 437051,
 * 506327, 829304, 540160, 20251 unchanged.
 */
function dropPierDeck(
  hulls: Uint8Array,
  cand: Uint8Array,
  stable: Uint8Array,
  block: Block,
  width: number,
  height: number,
  maxStep: number,
  minBody: number,
  minArea: number,
  others: Block[],
  maxSameStep: number,
  hullShaped: (c: Component) => boolean,
): void {
  const n = width * height;
  const bands = block.bands;
  const neighbours = (i: number) => fourNeighbours(i, width, n);
  // The body of stable land of a seed's colour: grown until it reaches minBody (a pier) or stops.
  // Its pixels take the answer too, so a deck is grown once for all its rim (`wideBody`).
  const deck: DeckBodies = {
    bands,
    stable,
    body: new Int8Array(n),
    seen: new Int32Array(n),
    stamp: 0,
    width,
    minBody,
    maxStep,
  };
  // Seeds: stable pixels next to a hull pixel, on a wide body; each queued pixel carries its seed.
  const queue: number[] = [];
  const from: number[] = [];
  const taken = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!hulls[i]) continue;
    for (const j of neighbours(i)) {
      if (j < 0 || !stable[j] || taken[j] || colourStep(bands, i, j) >= maxStep || !wideBody(j, deck)) continue;
      taken[j] = 1;
      queue.push(j);
      from.push(j);
    }
  }
  for (let k = 0; k < queue.length; k++) {
    const s = from[k]!;
    for (const j of neighbours(queue[k]!)) {
      if (j < 0 || taken[j] || !hulls[j] || colourStep(bands, j, s) >= maxStep) continue;
      taken[j] = 1;
      queue.push(j);
      from.push(s);
    }
  }
  // Only a piece of deck a hull's size goes (at least `minArea`): a few pixels along a patch's rim are
  // its blurred edge, and nibbling them off only reshapes the patch (271411: a rafted pair read as one).
  // And only deck that is there, the same, on the other dates (at least half of the piece): a pier's
  // deck stays put, while ground beside a hull that came or went (its shade, its fenders) does not.
  andInPlace(taken, hulls);
  const pieces = labelComponents(taken, width, height, { connectivity: 8 });
  const unchanged = deckThere(pieces, taken, block, others, maxSameStep, hullShaped);
  const drop = new Uint8Array(pieces.components.length + 1);
  for (const c of pieces.components) drop[c.label] = c.area < minArea || unchanged[c.label]! < 0.5 * c.area ? 0 : 1;
  clearWhereLabel(hulls, cand, pieces.labels, drop);
}

/**
 * How many pixels of each of `dropPierDeck`'s pieces are there, the same, on the other dates. With no
 * other date (a series' first) nothing says a piece stays put: a piece shaped like a hull may be a hull
 * whose deck has the pier's grey, and counts as none there (a precaution: 656465 and 506327 read the
 * same without it); a stubby one (656465 pier-3 2025-01-14: a wedge of the pier's head beside a hull's
 * stern, read as a 54 × 23 m hull) is deck that carries on from the pier with no edge: all there.
 */
function deckThere(
  pieces: ReturnType<typeof labelComponents>,
  taken: Uint8Array,
  block: Block,
  others: Block[],
  maxSameStep: number,
  hullShaped: (c: Component) => boolean,
): Float64Array {
  const unchanged = new Float64Array(pieces.components.length + 1);
  if (others.length) sumByLabel(unchanged, pieces.labels, unchangedPixels(taken, block, others, maxSameStep));
  else for (const c of pieces.components) unchanged[c.label] = hullShaped(c) ? 0 : c.area;
  return unchanged;
}

/**
 * `dropPierDeck`'s bodies of stable land. Their test is a function of its own, not a closure made per
 * call: V8 held such a closure's optimised code only while that call's instance lived, so it was
 * compiled again (with an on-stack replacement) after each full collection, 24 times in one 100 MP detect.
 */
interface DeckBodies {
  bands: Float32Array[];
  stable: Uint8Array;
  /** Per pixel: 1 on a wide body, −1 on a narrow one, 0 not grown yet. */
  body: Int8Array;
  seen: Int32Array;
  stamp: number;
  width: number;
  minBody: number;
  maxStep: number;
}

/** Relative RMS step over bands from pixel j's colour to pixel i's. */
function colourStep(bands: Float32Array[], i: number, j: number): number {
  const nb = bands.length;
  let s = 0;
  for (let b = 0; b < nb; b++) {
    const band = bands[b]!;
    const m = band[j]!;
    s += ((band[i]! - m) / Math.max(m, 1e-4)) ** 2;
  }
  return Math.sqrt(s / nb);
}

/** Whether seed `s` lies on a wide body of stable land of its colour (`dropPierDeck`). */
function wideBody(s: number, d: DeckBodies): boolean {
  const { body, seen, stable, bands, width, minBody, maxStep } = d;
  if (body[s]) return body[s] > 0;
  const stamp = ++d.stamp;
  const n = body.length;
  const grown = [s];
  seen[s] = stamp;
  for (let k = 0; k < grown.length && grown.length < minBody; k++) {
    for (const j of fourNeighbours(grown[k]!, width, n)) {
      if (j < 0 || seen[j] === stamp || !stable[j] || colourStep(bands, j, s) >= maxStep) continue;
      seen[j] = stamp;
      grown.push(j);
    }
  }
  const wide = grown.length >= minBody ? 1 : -1;
  for (const j of grown) if (!body[j]) body[j] = wide;
  return wide > 0;
}

/** Clears `a` and `b` where `flag[labels[i]]` is set. */
function clearWhereLabel(a: Uint8Array, b: Uint8Array, labels: Int32Array, flag: Uint8Array): void {
  for (let i = 0; i < a.length; i++) {
    if (!flag[labels[i]!]) continue;
    a[i] = 0;
    b[i] = 0;
  }
}

/**
 * Clears the `shade` pixels of `hulls`, except in a patch that is mostly not shade and has a hull's
 * shape (`hullShaped`): there they are the hull's own hatches or shaded deck.
 */
function dropShade(
  hulls: Uint8Array,
  shade: Uint8Array,
  width: number,
  height: number,
  hullShaped: (c: Component) => boolean,
): void {
  const { labels, components } = labelComponents(hulls, width, height, { connectivity: 8 });
  const shaded = new Float64Array(components.length + 1);
  sumByLabel(shaded, labels, shade);
  const whole = new Uint8Array(components.length + 1);
  for (const c of components) whole[c.label] = shaded[c.label]! < 0.5 * c.area && hullShaped(c) ? 1 : 0;
  clearShadeOutside(hulls, shade, labels, whole);
}

/** Clears `hulls` where `shade` is set, but in the labels `whole` keeps. */
function clearShadeOutside(hulls: Uint8Array, shade: Uint8Array, labels: Int32Array, whole: Uint8Array): void {
  for (let i = 0; i < hulls.length; i++) if (shade[i] && !whole[labels[i]!]) hulls[i] = 0;
}

/**
 * A hull's deck or hatch covers may share the pier's grey and so fail the colour step, leaving
 * fragments the detector cannot read as one hull. The gaps between fragments (up to two of the
 * narrowest beams, `r` each side: a closing by half the narrowest beam left a 10 m hull's grey deck
 * in pieces) among the opened run candidates (`cand`) are closed, and a closed patch is given back
 * whole where it has a hull's shape, lies within 1.5 of its beams of the water everywhere (a bump
 * off the shore, not a strip inside a wider pier; the hull's side against the pier lies a beam and a
 * pixel or two from the water) and meets water beyond both its ends (a bow and a stern, where a
 * strip of apron along a straight quay runs on into the quay). vessel-errors on 20251, 892223,
 * 551177, 674324: miss:land + miss:land-stayed 12, 11, 18, 4 → 12, 10, 13, 4.
 */
export function keepWholeHulls(
  hulls: Uint8Array,
  cand: Uint8Array,
  water: Uint8Array,
  dist: Uint16Array,
  width: number,
  height: number,
  r: number,
  hullShaped: (c: Component) => boolean,
): void {
  const closed = erode(dilate(hulls, width, height, r), width, height, r);
  andInPlace(closed, cand);
  const { labels, components } = labelComponents(closed, width, height, { connectivity: 8 });
  const deepest = deepestByLabel(labels, dist, components.length);
  const whole = new Uint8Array(components.length + 1);
  // A patch that is not whole may be a hull with a shorter one moored outboard against part of its
  // side (`alongsideParts`). The outer hull has a bow and a stern of its own, in water, where the
  // inner hull's bow may lie against a quay wall across the berth's end: the water between them is
  // thinner than the water mask's opening, so the joint patch meets no water there (271411 pier-2: a
  // 52 m white hull outboard of a 115 m one, its deck the pier's grey, left out of the water mask on
  // five dates). Both are given back when the outer hull, judged alone, is whole and the inner one
  // lies within 1.5 of its beams of the water or of the outer hull: a strip of apron is no hull a ship
  // could raft against. The inner hull's way to the water runs across the outer hull, so its depth is
  // measured to either (an outer hull over half the inner's beam put it past 1.5 beams of the water).
  // Patches not whole and at least two minimum beams (`r`) wide, with their pixels.
  const twoWide = new Map<number, number[]>();
  for (const c of components) {
    const shape = componentShape(c);
    const beam = Math.sqrt(12) * shape.minor;
    whole[c.label] =
      deepest[c.label]! <= MOORED_MAX_DEPTH_TO_BEAM * beam && hullShaped(c) && endsInWater(water, width, height, shape)
        ? 1
        : 0;
    if (!whole[c.label] && beam >= 2 * r) twoWide.set(c.label, []);
  }
  setWhereLabel(hulls, labels, whole);
  if (!twoWide.size) return;
  for (let i = 0; i < labels.length; i++) if (labels[i]) twoWide.get(labels[i]!)?.push(i);
  for (const pixels of twoWide.values()) {
    const parts = alongsideParts(pixels, width, r, hullShaped);
    if (!parts) continue;
    const [inner, outer] = parts;
    const depths = [deepestBeside(inner, outer, dist, width), deepestBeside(outer, [], dist, width)];
    const shapes = parts.map((part) => componentShape(componentOfPixels(part, width)));
    const near = shapes.every((shape, k) => depths[k]! <= MOORED_MAX_DEPTH_TO_BEAM * Math.sqrt(12) * shape.minor);
    if (!near || !endsInWater(water, width, height, shapes[1]!)) continue;
    for (const part of parts) for (const p of part) hulls[p] = 1;
  }
}

/**
 * How deep from the water, as a share of its beam, a group of pieces lies at least where it is a hull
 * moored against land (`againstLand`): about a beam (its inboard rim a beam from its outboard water,
 * the land it is moored to behind it); a deck with water along both its long sides lies half its width.
 */
const MOORED_DEPTH_TO_BEAM = 0.7;

/**
 * Whether a group `deepest` pixels from the water at most lies against land as a moored hull does
 * (`MOORED_DEPTH_TO_BEAM`), not across a pier from face to face. 504252 pier-3: a pier's deck whose
 * speckle passed the colour step, a 183–229 × 38 m group, lay 0.51–0.52 of its width deep; the stayed
 * hulls dropUnchanged's hole filling finds (9851, 14632, 132971, 271411) 0.85–1.37 of their beam. A
 * hull against a jetty narrower than 0.4 of its beam lies shallower too, and so does one rafted outboard
 * of a dark hull the water tests took for water.
 */
export function againstLand(c: Component, deepest: number): boolean {
  const { angle, minor } = componentShape(c);
  return deepest * chessboardToEuclidean(angle) >= MOORED_DEPTH_TO_BEAM * Math.sqrt(12) * minor;
}

/**
 * A moored hull lies at most this many beams deep from the water (keepWholeHulls' bound): 0.85–1.37
 * for the stayed hulls dropUnchanged keeps. A patch deeper lies back on the apron behind the face.
 */
const MOORED_MAX_DEPTH_TO_BEAM = 1.5;

/**
 * Whether a group at most `deepest` pixels from the water lies no deeper than a moored hull does
 * (`MOORED_MAX_DEPTH_TO_BEAM`): a stayed patch judged by its length before the opening (dropUnchanged's
 * `stayedShaped`), stubbier than `hullShaped` asks, must lie as a hull at the face, not back on the
 * apron (271411 east-quay 2025-11-13: a 47 × 12 m patch 2.3 of its width deep, a false hull).
 */
function withinMooredDepth(c: Component, deepest: number): boolean {
  const { angle, minor } = componentShape(c);
  return deepest * chessboardToEuclidean(angle) <= MOORED_MAX_DEPTH_TO_BEAM * Math.sqrt(12) * minor;
}

/**
 * The Euclidean length across a band whose long axis lies at `angle` per pixel of its chessboard depth
 * (`dist`): the chessboard ball is a square, which reaches a band's far side at |cos θ| + |sin θ| of its
 * radius, so a band read by `dist` at 45° lies √2 deeper than it reads. Without it a hull against a
 * diagonal pier read 0.77 of its beam deep where it reads 1.00 along the grid.
 */
function chessboardToEuclidean(angle: number): number {
  return Math.abs(Math.cos(angle)) + Math.abs(Math.sin(angle));
}

/**
 * Fills, in place, the holes of `closed` (dropUnchanged's pieces joined) that lie wholly in
 * run-candidate land (`cand`). A hull whose hatch covers share the pier's grey passes the colour step
 * as a ring, its rim all round its deck, with holes wider than the closing fills; judged with them its
 * patch is neither solid nor hull-shaped, so a hull that stayed at its berth was dropped as an
 * unchanged structure (9851 pier-2 2025-02-13: a 136 × 23 m white hull with grey covers, 0.60 of it
 * past the colour step, none left). The covers lie inside the rim; a hole with any pixel the runs did
 * not take (open water, the pier behind) is no deck. A finger pier's deck with a light kerb round it
 * is a ring too (synthetic: 0.71 of it kept as a hull), but with water along both its sides: a group
 * kept whole must lie against land (`againstLand`, in dropUnchanged). Asking instead for water beyond
 * both ends, which a pier's root lacks, lost 3 of the 4 stayed hulls this finds (14632, 132971,
 * 271411: their ends lie against the quay or the next hull). Only dropUnchanged's groups are filled:
 * filled in keepWholeHulls too, the covers became hull pixels before the unchanged test, and a 190 m
 * hull found without it was lost (886063 pier-1 2025-06-13).
 */
function fillDeckHoles(closed: Uint8Array, cand: Uint8Array, width: number, height: number): void {
  fillHoles(closed, width, height, Number.POSITIVE_INFINITY, cand);
}

/**
 * The largest distance of `part`'s pixels to the water (`dist`) or to the pixels of `beside`. The
 * chessboard distance to `beside` is taken within the box of both: a straight 8-connected path
 * between two pixels stays in any box that holds them both, so it is exact there.
 */
function deepestBeside(part: number[], beside: number[], dist: Uint16Array, width: number): number {
  let deep = 0;
  if (!beside.length) {
    for (const p of part) deep = Math.max(deep, dist[p]!);
    return deep;
  }
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = 0;
  let y1 = 0;
  for (const pixels of [part, beside]) {
    for (const p of pixels) {
      const x = p % width;
      const y = (p - x) / width;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  const bw = x1 - x0 + 1;
  const at = (p: number) => ((p - (p % width)) / width - y0) * bw + (p % width) - x0;
  const seeds = new Uint8Array(bw * (y1 - y0 + 1));
  for (const p of beside) seeds[at(p)] = 1;
  const toBeside = chessboardDistance(seeds, bw, y1 - y0 + 1);
  for (const p of part) deep = Math.max(deep, Math.min(dist[p]!, toBeside[at(p)]!));
  return deep;
}

/** Per label (1…count), the largest `dist` of its pixels. */
function deepestByLabel(labels: Int32Array, dist: Uint16Array, count: number): Float64Array {
  const deepest = new Float64Array(count + 1);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l && dist[i]! > deepest[l]!) deepest[l] = dist[i]!;
  }
  return deepest;
}

/** Whether water lies within half a beam beyond both ends of the patch (`componentShape`'s frame). */
function endsInWater(
  water: Uint8Array,
  width: number,
  height: number,
  s: { cx: number; cy: number; angle: number; major: number; minor: number },
): boolean {
  const ux = Math.cos(s.angle);
  const uy = Math.sin(s.angle);
  const half = (Math.sqrt(12) * s.major) / 2;
  const beam = Math.sqrt(12) * s.minor;
  for (const sign of [1, -1]) {
    let found = false;
    for (let k = 0; k <= beam / 2 + 1 && !found; k++) {
      for (const o of [-beam / 4, 0, beam / 4]) {
        const t = sign * (half + k);
        const x = Math.round(s.cx + t * ux - o * uy);
        const y = Math.round(s.cy + t * uy + o * ux);
        if (x >= 0 && y >= 0 && x < width && y < height && water[y * width + x]) found = true;
      }
    }
    if (!found) return false;
  }
  return true;
}

/**
 * Patches at least half unchanged since every other date are fixed structures (a quay corner, a
 * grassy slope): the shape and colour tests pass them on every date alike, while a hull comes and
 * goes. A patch shaped like a hull (`hullShaped`: slender, solid, a beam wide) stays: the structures
 * these tests mistake are corners and ragged patches, and so a hull that stayed at its berth over
 * all those dates is kept. A stayed hull whose deck shares the pier's colour passes the colour step
 * in pieces (hatch covers, rims), none of them hull-shaped on its own and each dropped alone: the
 * pieces are judged together as the run candidates (`cand`) join them across gaps of up to a narrowest
 * beam (`r`, half a beam, each side). A group mostly changed keeps its pieces; an unchanged group with
 * a hull's shape that lies against land (`againstLand`, deep from the water by its beam) is kept whole:
 * a pier's deck whose speckle passes the colour step joins into a slender group as wide as the pier,
 * water along both its sides (504252 pier-3, 183–229 m false hulls on two dates). A stayed group is
 * judged by `stayedShaped` (its bow's cut by the opening given back) where it lies at the face.
 * vessel-errors MAE
 * 218029 / 551177 / 318877 / 455120: 0.514 / 0.554 / 0.757 / 0.493 → 0.500 / 0.541 / 0.716 / 0.466.
 */
function dropUnchanged(
  hulls: Uint8Array,
  cand: Uint8Array,
  block: Block,
  others: Block[],
  maxSameStep: number,
  r: number,
  hullShaped: (c: Component) => boolean,
  stayedShaped: (c: Component) => boolean,
  dist: Uint16Array,
  inLine?: (groups: Array<{ c: Component; pixels: number[] }>) => Set<number>,
  rafted?: (pixels: number[]) => boolean,
): Uint8Array {
  const { width, height } = block.window;
  const n = width * height;
  const same = unchangedPixels(hulls, block, others, maxSameStep);
  const closed = erode(dilate(hulls, width, height, r), width, height, r);
  andOrInPlace(closed, cand, hulls);
  fillDeckHoles(closed, cand, width, height);
  const { labels, components } = labelComponents(hulls, width, height, { connectivity: 8 });
  const groups = labelComponents(closed, width, height, { connectivity: 8 });
  const unchanged = new Float64Array(components.length + 1);
  const groupArea = new Float64Array(groups.components.length + 1);
  const groupUnchanged = new Float64Array(groups.components.length + 1);
  countUnchanged(hulls, same, labels, groups.labels, unchanged, groupArea, groupUnchanged);
  const keep = new Uint8Array(components.length + 1);
  for (const c of components) keep[c.label] = unchanged[c.label]! < 0.5 * c.area || hullShaped(c) ? 1 : 0;
  const deepest = deepestByLabel(groups.labels, dist, groups.components.length);
  const changed = new Uint8Array(groups.components.length + 1);
  const whole = new Uint8Array(groups.components.length + 1);
  for (const g of groups.components) {
    changed[g.label] = groupUnchanged[g.label]! < 0.5 * groupArea[g.label]! ? 1 : 0;
    const d = deepest[g.label]!;
    const shaped = hullShaped(g) || (stayedShaped(g) && withinMooredDepth(g, d));
    whole[g.label] = !changed[g.label] && shaped && againstLand(g, d) ? 1 : 0;
  }
  // An unchanged group not kept whole may be two hulls rafted abreast that stayed together (`rafted`):
  // one too fat for one hull, or one of a hull's shape that does not lie against land (a raft outboard
  // of a dark hull the water tests took for water lies shallow). Either is read by the seam between its
  // hulls, which a pier's deck did not show (504252 pier-3: the groups againstLand drops stay dropped).
  if (rafted) {
    const wide = new Map<number, number[]>();
    for (const g of groups.components) {
      if (!changed[g.label] && !whole[g.label]) wide.set(g.label, []);
    }
    if (wide.size) {
      for (let i = 0; i < n; i++) if (groups.labels[i]) wide.get(groups.labels[i]!)?.push(i);
      for (const [label, pixels] of wide) if (rafted(pixels)) whole[label] = 1;
    }
  }
  const out = keptHulls(hulls, labels, groups.labels, keep, whole, changed);
  // The unchanged groups about to go (a pier's deck againstLand dropped among them): a stayed hull whose
  // deck amidships shares the pier's grey passes as its two ends, each too stubby for a hull, too far
  // apart for the closing above (piecesInLine).
  if (inLine) {
    const lost: Array<{ c: Component; pixels: number[] }> = [];
    const index = new Int32Array(groups.components.length + 1).fill(-1);
    for (const g of groups.components) {
      if (changed[g.label] || whole[g.label]) continue;
      index[g.label] = lost.length;
      lost.push({ c: g, pixels: [] });
    }
    if (lost.length >= 2) {
      for (let i = 0; i < n; i++) {
        const k = index[groups.labels[i]!]!;
        if (k >= 0 && hulls[i]) lost[k]!.pixels.push(i);
      }
      for (const i of inLine(lost)) out[i] = 1;
    }
  }
  return out;
}

/** dropUnchanged's counts: per patch, its unchanged pixels; per group, its area and its unchanged pixels. */
function countUnchanged(
  hulls: Uint8Array,
  same: Uint8Array,
  labels: Int32Array,
  groupLabels: Int32Array,
  unchanged: Float64Array,
  groupArea: Float64Array,
  groupUnchanged: Float64Array,
): void {
  for (let i = 0; i < hulls.length; i++) {
    if (!hulls[i]) continue;
    unchanged[labels[i]!]! += same[i]!;
    groupArea[groupLabels[i]!]!++;
    groupUnchanged[groupLabels[i]!]! += same[i]!;
  }
}

/** dropUnchanged's answer: whole groups, and the hull pixels of patches kept or groups changed. */
function keptHulls(
  hulls: Uint8Array,
  labels: Int32Array,
  groupLabels: Int32Array,
  keep: Uint8Array,
  whole: Uint8Array,
  changed: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(hulls.length);
  for (let i = 0; i < hulls.length; i++) {
    const g = groupLabels[i]!;
    out[i] = whole[g]! | ((keep[labels[i]!]! | changed[g]!) & hulls[i]!);
  }
  return out;
}

/** A line across a patch whose mean contrast against the water falls under this share of both sides'
 * peaks is the seam between two hulls (as the vessel detector reads one, detect-vessels.ts). */
const RAFT_SEAM_SHARE = 0.6;
/** Water within this contrast of the open water's mean colour (relative RMS over bands) is open
 * water to `piecesInLine`; a hull's dark stretch the water tests took for water steps further. */
const OPEN_WATER_STEP = 0.5;
/** A raft of two hulls abreast is at least this many times as long as it is wide (`raftAbreast`). */
const RAFT_LENGTH_TO_BEAM = 2.5;

/**
 * Whether the patch of `pixels` is two hulls rafted abreast: across its long axis, the mean contrast
 * against the open water (relative RMS over bands from the window's mean water colour) of some line,
 * at least a narrowest beam (`minBeamPx`) from either side, falls under `RAFT_SEAM_SHARE` of the peak
 * on each side of it (the seam: the hulls' rims and the water between them), and the pixels on each
 * side of it are each shaped like a hull (`hullShaped`). A raft that stayed at its berth is one
 * unchanged patch, too fat for one hull; a pier head or a quay corner has no seam along it with a
 * hull's shape on both sides (271411 pier-3 2025-05-17: a raft of two 168 × 24 m hulls, dark inboard
 * and white outboard, read as one 151 × 49 m patch, its seam at 0.5 of the dark side's peak).
 * vessel-errors hits / false, with leadsWake's raft rule: 271411 140 → 142 / 9 → 9 (MAE 0.641 → 0.590),
 * 154862 263 → 265 / 9 → 9 (0.274 → 0.247: an 83 m hull at pier-2 on two dates, this rule's); 506327,
 * 829304, 656465, 803377, 437051, 20251 the same counts.
 */
function raftAbreast(
  pixels: number[],
  block: Block,
  water: Uint8Array,
  minBeamPx: number,
  hullShaped: (c: Component) => boolean,
): boolean {
  const { width } = block.window;
  const whole = componentOfPixels(pixels, width);
  const s = componentShape(whole);
  // Two hulls abreast, each of a cargo hull's least 5 beams: 2.5 times as long as the pair is wide. A
  // stubby end of one hull (bright rims, a duller deck between) reads as two strips of 4.6 beams
  // with a seam (506327 pier-1 2025-02-13: 32 × 14 m, 2.3; the 271411 raft read 3.1).
  if (Math.sqrt(12) * s.minor < 2 * minBeamPx || s.major < RAFT_LENGTH_TO_BEAM * s.minor) return false;
  const ref = waterColour(block, water);
  if (!ref) return false;
  // Offsets across the long axis, binned by whole pixels from the patch's near side.
  const ax = -Math.sin(s.angle);
  const ay = Math.cos(s.angle);
  const across = pixels.map((p) => ((p % width) - s.cx) * ax + (Math.floor(p / width) - s.cy) * ay);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of across) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const bins = Math.floor(hi - lo) + 1;
  const sum = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (const [j, p] of pixels.entries()) {
    const bin = Math.floor(across[j]! - lo);
    sum[bin]! += contrastToWater(block, p, ref);
    count[bin]!++;
  }
  const profile = Array.from(sum, (t, j) => (count[j] ? t / count[j]! : 0));
  const first = Math.ceil(minBeamPx);
  const last = bins - 1 - Math.ceil(minBeamPx);
  let seam = -1;
  for (let j = first; j <= last; j++) {
    const before = Math.max(...profile.slice(0, j));
    const after = Math.max(...profile.slice(j + 1));
    if (profile[j]! < RAFT_SEAM_SHARE * Math.min(before, after) && (seam < 0 || profile[j]! < profile[seam]!)) seam = j;
  }
  if (seam < 0) return false;
  const near: number[] = [];
  const far: number[] = [];
  for (const [j, p] of pixels.entries()) {
    const bin = Math.floor(across[j]! - lo);
    if (bin < seam) near.push(p);
    else if (bin > seam) far.push(p);
  }
  return hullShaped(componentOfPixels(near, width)) && hullShaped(componentOfPixels(far, width));
}

/** The mean colour of the valid water of `block` (each band at least 1e-4), or null where none is. */
function waterColour(block: Block, water: Uint8Array): Float64Array | null {
  const nb = block.bands.length;
  const ref = new Float64Array(nb);
  let k = 0;
  for (let i = 0; i < water.length; i++) {
    if (!water[i] || !block.valid[i]) continue;
    k++;
    for (let b = 0; b < nb; b++) ref[b]! += block.bands[b]![i]!;
  }
  if (!k) return null;
  for (let b = 0; b < nb; b++) ref[b] = Math.max(1e-4, ref[b]! / k);
  return ref;
}

/** Pixel `i`'s contrast against the water colour `ref`: relative RMS over bands. */
function contrastToWater(block: Block, i: number, ref: Float64Array): number {
  const nb = block.bands.length;
  let d = 0;
  for (let b = 0; b < nb; b++) d += ((block.bands[b]![i]! - ref[b]!) / ref[b]!) ** 2;
  return Math.sqrt(d / nb);
}

/** Share of a patch's stations whose outer side marks the longer hull's side line (`raftAlongside`). */
const ALONGSIDE_LINE_SHARE = 0.25;

/**
 * Whether the patch of `pixels` is a long hull with a shorter one moored against part of its side:
 * a hull's beam holds along its parallel body, so along the patch's long axis one side runs straight
 * (the offset across the axis that a quarter of the stations keep within: the longer hull's side),
 * and where the shorter hull lies against it that side stands out further (half a narrowest beam
 * `minBeamPx` at least) over one stretch of stations. The pixels beyond the longer hull's side line
 * there are the shorter hull; the patch is two hulls when both parts are shaped like one
 * (`hullShaped`). `raftAbreast` reads a raft by the seam between its hulls, which two light hulls at
 * 1 m blur into each other's (154862 pier-3 2025-02-13: a 44 × 8 m white-decked hull against the
 * bow half of a 107 × 15 m white hull, read as one 79 × 21 m patch whose seam kept 0.83 of the
 * lighter side's contrast): their lengths differ, and the step in the patch's outline where the
 * shorter one ends does not blur. A quay corner or a pier head that steps out has no hull-shaped
 * part on either side of the step. vessel-errors hits / false (MAE): 154862 266 → 267 / 8 → 8
 * (0.274 → 0.260: that 107 m hull; the 44 m one is still read into its detection,
 * miss:bright-rafted-stayed); 271411, 506327, 20251, 437051, 656465, 803377, 829304, 148390 identical lists.
 */
function raftAlongside(
  pixels: number[],
  width: number,
  minBeamPx: number,
  hullShaped: (c: Component) => boolean,
): boolean {
  return alongsideParts(pixels, width, minBeamPx, hullShaped) !== null;
}

/** `raftAlongside`'s two hulls: the longer one's pixels and the shorter one's beyond its side line,
 * or null where the patch is no such pair. */
function alongsideParts(
  pixels: number[],
  width: number,
  minBeamPx: number,
  hullShaped: (c: Component) => boolean,
): [number[], number[]] | null {
  const s = componentShape(componentOfPixels(pixels, width));
  const ux = Math.cos(s.angle);
  const uy = Math.sin(s.angle);
  const along = new Float64Array(pixels.length);
  const across = new Float64Array(pixels.length);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const [k, p] of pixels.entries()) {
    const dx = (p % width) - s.cx;
    const dy = Math.floor(p / width) - s.cy;
    along[k] = dx * ux + dy * uy;
    across[k] = -dx * uy + dy * ux;
    lo = Math.min(lo, along[k]!);
    hi = Math.max(hi, along[k]!);
  }
  const stations = Math.floor(hi - lo) + 1;
  for (const side of [1, -1]) {
    // Per station (a pixel along the axis), the outermost offset on this side.
    const outer = new Float64Array(stations).fill(Number.NEGATIVE_INFINITY);
    for (let k = 0; k < pixels.length; k++) {
      const j = Math.floor(along[k]! - lo);
      outer[j] = Math.max(outer[j]!, side * across[k]!);
    }
    const seen = Array.from(outer).filter((v) => v > Number.NEGATIVE_INFINITY);
    seen.sort((a, b) => a - b);
    const line = seen[Math.floor(ALONGSIDE_LINE_SHARE * (seen.length - 1))]!;
    // The stations standing out beyond the line, by half a beam (the outline's blur takes some of
    // it; the part beyond must still be a beam wide to be a hull): one stretch, gaps under a beam.
    let first = -1;
    let last = -1;
    let broken = false;
    for (let j = 0; j < stations; j++) {
      if (outer[j]! < line + minBeamPx / 2) continue;
      if (last >= 0 && j - last > minBeamPx) broken = true;
      if (first < 0) first = j;
      last = j;
    }
    if (first < 0 || broken) continue;
    const inner: number[] = [];
    const outside: number[] = [];
    for (const [k, p] of pixels.entries()) {
      const j = Math.floor(along[k]! - lo);
      if (j >= first && j <= last && side * across[k]! > line) outside.push(p);
      else inner.push(p);
    }
    if (!outside.length || !inner.length) continue;
    if (hullShaped(componentOfPixels(inner, width)) && hullShaped(componentOfPixels(outside, width))) {
      return [inner, outside];
    }
  }
  return null;
}

/**
 * Two unchanged patches that are the two ends of one stayed hull: each solid (`minFill` of its box),
 * as wide as the other (within 1.75×, a beam of 1.5 narrowest beams `minBeam` px at least: two thin
 * strips along a wide hull's rim are a piece of its side, 506327 pier-3), lying along one line (the line
 * between their centres within 15° of each one's long axis where it has one, each centre within half a
 * beam of the other's axis), no open water between them, at most two beams apart, and together, end to end,
 * `minLengthToBeam` beams long. Returns their pixels and the land between them across their mean beam
 * (the deck amidships, which the runs or the colour step left out): the detector then sees one hull
 * rather than none. A fixed structure's unchanged pieces are corners and ragged patches, not two
 * solid stubs in line a hull's length end to end. vessel-errors hits / false (MAE): 506327 144 → 145 /
 * 6 → 6 (0.769 → 0.744: a 93 × 15 m white hull at pier-1 2025-02-13); 271411 139 → 140 / 10 → 11
 * (0.641 both: a 154 × 23 m dark hull with containers at east-quay 2025-07-15 found as its container
 * stretch, and its stern's rim as a false:split); 154862, 829304, 656465, 803377, 437051, 20251,
 * 540160, 876213 identical lists. Open water only parts them (not a hull's dark stretch read as water):
 * 271411 MAE 0.351 → 0.338 (east-quay 2025-07-15 found, 08-14's miss and false split gone); 32558,
 * 506327, 656465, 700755, 829304, 154862, 677427 identical lists.
 */
function piecesInLine(
  pieces: Array<{ c: Component; pixels: number[] }>,
  block: Block,
  water: Uint8Array,
  minBeam: number,
  minLengthToBeam: number,
  minFill: number,
): Set<number> {
  const { width, height } = block.window;
  const ref = waterColour(block, water);
  const out = new Set<number>();
  const shapes = pieces.map(({ c }) => {
    const s = componentShape(c);
    const length = Math.sqrt(12) * s.major;
    const beam = Math.sqrt(12) * s.minor;
    const solid = beam >= 1.5 * minBeam && c.area >= minFill * length * beam;
    return { ...s, length, beam, solid };
  });
  const cosMax = Math.cos((15 * Math.PI) / 180);
  for (let a = 0; a < pieces.length; a++) {
    const A = shapes[a]!;
    if (!A.solid) continue;
    for (let b = a + 1; b < pieces.length; b++) {
      const B = shapes[b]!;
      if (!B.solid || Math.max(A.beam, B.beam) > 1.75 * Math.min(A.beam, B.beam)) continue;
      const dx = B.cx - A.cx;
      const dy = B.cy - A.cy;
      const dist = Math.hypot(dx, dy);
      if (dist < 1) continue;
      const ux = dx / dist;
      const uy = dy / dist;
      const beam = (A.beam + B.beam) / 2;
      let aligned = true;
      for (const S of [A, B]) {
        // A stub near square has no axis of its own to agree with.
        if (S.length < 1.3 * S.beam) continue;
        const cos = Math.abs(Math.cos(S.angle) * ux + Math.sin(S.angle) * uy);
        const off = dist * Math.sqrt(Math.max(0, 1 - cos * cos));
        if (cos < cosMax || off > beam / 2) aligned = false;
      }
      if (!aligned) continue;
      // Each piece's extent along the line, from its own axis's length and beam.
      const half = (S: typeof A) => {
        const cos = Math.abs(Math.cos(S.angle) * ux + Math.sin(S.angle) * uy);
        return (S.length / 2) * cos + (S.beam / 2) * Math.sqrt(Math.max(0, 1 - cos * cos));
      };
      const ha = half(A);
      const hb = half(B);
      const gap = dist - ha - hb;
      const span = dist + ha + hb;
      if (gap > 2 * beam || span < minLengthToBeam * beam) continue;
      // No open water between the pieces along their line (at the centre and a quarter beam either
      // side): most of the water there with the open water's colour. A stayed hull's dark stretch (a
      // dark-red deck, 0.3/0.08/0.07) is water to the water tests but not of its colour (271411
      // east-quay 2025-07-15: a 154 × 23 m hull read as water and three unchanged pieces in line).
      let between = 0;
      let open = 0;
      const strip: number[] = [];
      for (let t = 0; t <= dist; t += 0.5) {
        for (let o = -beam / 2; o <= beam / 2; o += 0.5) {
          const x = Math.round(A.cx + t * ux - o * uy);
          const y = Math.round(A.cy + t * uy + o * ux);
          if (x < 0 || y < 0 || x >= width || y >= height) continue;
          const i = y * width + x;
          if (!water[i]) {
            strip.push(i);
          } else if (Math.abs(o) <= beam / 4) {
            between++;
            if (!ref || contrastToWater(block, i, ref) < OPEN_WATER_STEP) open++;
          }
        }
      }
      if (between && open >= 0.5 * between) continue;
      for (const i of pieces[a]!.pixels) out.add(i);
      for (const i of pieces[b]!.pixels) out.add(i);
      for (const i of strip) out.add(i);
    }
  }
  return out;
}

/**
 * Pixels of `mask` whose colour lies within `maxStep` (relative RMS over bands) of their colour on
 * every other date where they are valid.
 */
function unchangedPixels(mask: Uint8Array, block: Block, others: Block[], maxStep: number): Uint8Array {
  const n = mask.length;
  const nb = block.bands.length;
  const same = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    let seen = 0;
    let matched = 0;
    for (const o of others) {
      if (!o.valid[i]) continue;
      let s = 0;
      for (let b = 0; b < nb; b++) {
        const a = block.bands[b]![i]!;
        const c = o.bands[b]![i]!;
        s += ((a - c) / Math.max(1e-4, 0.5 * (a + c))) ** 2;
      }
      seen++;
      if (Math.sqrt(s / nb) < maxStep) matched++;
    }
    same[i] = seen && matched === seen ? 1 : 0;
  }
  return same;
}
