/** Change detection: a per-block mask of pixels that changed between two registered, normalised images. */

import {
  collectWithEnvelopes,
  envelopesInPlace,
  JUDGED_LEFT,
  JUDGED_NONE,
  JUDGED_STRIDE,
  judgeInPlace,
} from './change-collect.ts';
import {
  activeTiles,
  hysteresisLevels,
  LEVEL_TILE,
  levelPlanes,
  NeededTiles,
  releaseLevelPlanes,
  type TileSums,
  tileSums,
} from './change-levels.ts';
import { type BlobRuns, lightGradientRuns } from './change-light.ts';
import { dilutedRim } from './change-rim.ts';
import { DeepShadows, inOwnShadow, type Rgb, type ShadowScores, type Sunward, shadowLike } from './change-shadow.ts';
import { collect } from './collect.ts';
import { type ComponentRuns, clearRuns, componentRuns, componentShape, type MaskTiles } from './components.ts';
import { boxMean, rangeDistanceAt, rangeDistances3, SATURATED } from './envelope.ts';
import { ProcessingError } from './errors.ts';
import { kernelAddress, planesInKernel } from './kernel-memory.ts';
import type { BandRole, Block } from './types.ts';

/** Context (px) the pipeline adds around each block: the envelope, smoothing and blob decisions look this far. */
export const CHANGE_MARGIN_PX = 8;

export interface ChangeOptions {
  /** Seed level of the smoothed colour difference (0..1 units, after normalisation). */
  threshold?: number;
  /** Level a changed region may grow into from its seeds (hysteresis). */
  lowThreshold?: number;
  /** Smallest changed blob kept, px. */
  minAreaPx?: number;
  /**
   * Share of the neighbourhood's range a pixel may move towards (0.5: up to the half-way values to
   * each neighbour, i.e. ±½ px of misregistration on a sharp edge). 1 tolerates whole-pixel shifts
   * but blinds the mask to objects under 3 px wide.
   */
  tolerance?: number;
  /** Plain colour distance at or under which a pixel counts as unchanged outright (sensor noise). */
  noiseFloor?: number;
  /** Half-size of the box that averages the difference before thresholding. */
  smoothPx?: number;
  /**
   * Weight of a change where neither date is achromatic (grey, white, black: roofs, concrete,
   * asphalt, hulls, rail cars), relative to one where either is. Natural surfaces (vegetation, soil,
   * water) are chromatic and change with seasons and tides; 1 weighs all change alike.
   */
  naturalWeight?: number;
  /** Colour distance above which a change counts in full even between chromatic surfaces; it keeps what exceeds this. */
  strongChange?: number;
  /**
   * The blocks to judge greyness on, when the compared ones were normalised: per-band normalisation
   * to another date's histograms shifts hues where land cover changed, so greyness is best read in
   * each image's own radiometry (un-normalised, same window). Defaults to the compared blocks.
   */
  chroma?: { previous?: Block; current?: Block };
  /**
   * How far a change that looks like a cast shadow is discounted (0: not at all, 1: ignored). A shadow
   * moving with the sun, or one cast by an object beside the pixel, dims every band by about the same
   * factor; objects themselves change hue or dim far more.
   */
  shadowDiscount?: number;
  /**
   * Largest common gain of all bands still taken for light, not for the scene: a date normalised to
   * another by global histograms keeps local brightness errors of 10–20 % where haze or sun changed
   * the contrast of one surface (seed 830566, 2025-09-13: concrete beside container stacks, every band
   * 1.1–1.2×, 4.5 % of the east quay flagged). Where both dates are grey, the distance left after the
   * best gain within [1/maxGain, maxGain] counts, if smaller. Larger bounds also hide new grey roofs
   * on grey ground (LEVIR F1 0.294 → 0.271 at 1.2); 1 turns this off.
   */
  maxGain?: number;
  /** Saturation ((max−min)/max over R, G, B) at and above which a surface counts as fully chromatic. */
  chromaticSaturation?: number;
  /**
   * Smallest fill of a kept blob: its area over that of the rectangle with the same second
   * moments (1 for a rectangle, ~0.3 for a thin ring or a ragged fringe). Man-made objects are compact.
   */
  minFill?: number;
  /** Share of an object's mean change under which its rim pixels count as background (0 keeps every rim pixel). */
  edgeShare?: number;
  /**
   * Where the sun stood on each date: unit vector in grid pixels (x right, y down) from a shadow
   * towards it (sun-position.ts). A change that looks like a shadow too deep to tell from a dark
   * object on its own (dimming ratio 0.16–0.28) counts as a shadow when an object that changed lies
   * within `shadowReachPx` of it in that direction. Unknown (null) for a date: such changes count.
   */
  sunward?: { previous: Sunward | null; current: Sunward | null };
  /** How far (px) from a deep shadow its caster may be: the shadow length of the tallest objects that come and go. */
  shadowReachPx?: number;
  /**
   * How far (px) a deep shadow's caster may be when the walk to it crosses shade only past
   * `shadowReachPx`: the shadow length of the largest hulls' freeboard. Defaults to `shadowReachPx`.
   */
  tallShadowReachPx?: number;
}

/**
 * 1 where the scene changed between `previous` and `current` (same window, same bands, already
 * registered and normalised), 0 elsewhere and wherever either image is invalid.
 *
 * 1. Per band, each pixel is compared with the value range of its 3×3 neighbourhood in the other
 *    image, both ways, keeping the smaller distance (the envelope test of Bruzzone & Cossu 2003,
 *    shrunk to half-way values so objects 1–2 px wide survive): an edge displaced by under half a
 *    pixel lies inside the other image's range and scores 0. Saturated values are censored.
 * 2. Bands combine into a colour distance, weighted down where both dates are chromatic
 *    (natural surfaces) unless the hue turned by over 90° (a red hull on water), and discounted
 *    where one date is the other under a shadow; then averaged over a box against noise.
 * 3. Hysteresis (seeds above `threshold`, grown over `lowThreshold`), a minimum blob size and a
 *    minimum fill decide per object, not per pixel; rim pixels changing by under `edgeShare` of
 *    the object's mean change are left out, and so is the fringe of an object's own shadow (the
 *    blended row between the two, a penumbra dimmed too little for a shadow: change-shadow.ts).
 * Work is done in row strips so the temporaries stay in cache.
 */
export function changeMask(
  previous: Block,
  current: Block,
  opts: ChangeOptions = {},
  into: MaskPlane | null = null,
): Uint8Array {
  return maskOf(previous, current, opts, into);
}

/**
 * A mask plane kept from one changeMask call to the next (its `into`), for callers that compare
 * strip after strip: a fresh mask is a byte a pixel to allocate and page-fault, and at 4096² (16.8 MB)
 * each one alone sets off a scavenge of V8's young generation, whereas clearing what the last call
 * wrote costs in proportion to its changed objects. The mask a call returns is valid, and must be
 * left as it is (read only), until the next call with the same plane.
 */
export class MaskPlane {
  private plane = new Uint8Array(0);
  /** The width of the mask the plane was last taken for, and the runs its objects were written within. */
  private width = 0;
  private runs: ComponentRuns | null = null;
  private active: Uint8Array | null = null;

  /** The plane for a width × height mask, all zero. */
  take(width: number, height: number): Uint8Array {
    const n = width * height;
    const runs = this.runs;
    this.runs = null;
    this.active = null;
    if (this.plane.length < n) this.plane = new Uint8Array(n);
    else if (runs) clearRuns(this.plane, runs, this.width);
    this.width = width;
    return this.plane.subarray(0, n);
  }

  /** Records the runs (of the levels' components) the mask last taken was written within, for the next `take` to clear. */
  wrote(runs: ComponentRuns, active: Uint8Array): void {
    this.runs = runs;
    this.active = active;
  }

  /** Where the mask last returned may be non-zero (labelComponents' `tiles`): the tiles its levels were active in. */
  tiles(): MaskTiles | null {
    return this.active ? { size: LEVEL_TILE, flags: this.active } : null;
  }
}

function maskOf(previous: Block, current: Block, opts: ChangeOptions, into: MaskPlane | null): Uint8Array {
  const { width, height } = previous.window;
  checkBlocks(previous, current);
  const { threshold = 0.1, lowThreshold = 0.06, smoothPx = 3 } = opts;
  const tiles = tileSums(width, height);
  const reads = { r: smoothPx, low: lowThreshold };
  // In the levels kernel's memory where it can hold them: its loops read them there.
  const planes = levelPlanes(width * height, smoothPx);
  const dist = distances(previous, current, opts, tiles, planes?.dist ?? scratchDistances(width * height), reads);
  const active = activeTiles(tiles, width, height, smoothPx, lowThreshold);
  const level = hysteresisLevels(
    dist,
    tiles,
    previous.valid,
    current.valid,
    width,
    height,
    smoothPx,
    lowThreshold,
    threshold,
    planes?.level ?? scratchLevels(width * height),
    active,
  );
  const shP = rgbBands(previous);
  const shC = rgbBands(current);
  const light = shP && shC ? { p: shP, c: shC, validP: previous.valid, validC: current.valid } : null;
  const mask = decide(dist, level, active, width, height, opts, light, into);
  if (planes) {
    zeroTiles(dist, tiles.sums, width, height);
    zeroTiles(level, active, width, height);
    releaseLevelPlanes(width * height);
  } else {
    releaseDistances(dist, tiles, width, height);
    releaseLevels(level, active, width, height);
  }
  return mask;
}

/**
 * The distance plane is mostly zeros and only this call reads it: one kept per thread (strips and
 * tiles repeat their size) spares allocating and page-faulting ~4 bytes per pixel on every call.
 * It is handed back zeroed where it was written: tiles with a non-zero sum.
 */
let spare: Float32Array | null = null;

function scratchDistances(n: number): Float32Array {
  const d = spare && spare.length === n ? spare : new Float32Array(n);
  spare = null;
  return d;
}

function releaseDistances(dist: Float32Array, tiles: TileSums, w: number, h: number): void {
  zeroTiles(dist, tiles.sums, w, h);
  spare = dist;
}

/**
 * The level plane likewise (1 byte per pixel, written in the active tiles only): a fresh one costs
 * as much in page faults as the levels themselves (16 MB: 10–20 ms).
 */
let spareLevels: Uint8Array | null = null;

function scratchLevels(n: number): Uint8Array {
  const l = spareLevels && spareLevels.length === n ? spareLevels : new Uint8Array(n);
  spareLevels = null;
  return l;
}

function releaseLevels(level: Uint8Array, active: Uint8Array, w: number, h: number): void {
  zeroTiles(level, active, w, h);
  spareLevels = level;
}

/**
 * Zeroes the pixels of the tiles whose flag (tile index ty · tilesX + tx) is non-zero. Flagged
 * tiles come in clusters around each change: one span per row of each run of adjacent ones.
 */
export function zeroTiles(plane: Float32Array | Uint8Array, flags: ArrayLike<number>, w: number, h: number): void {
  const tilesX = Math.ceil(w / LEVEL_TILE);
  const tilesY = Math.ceil(h / LEVEL_TILE);
  const size = plane.BYTES_PER_ELEMENT;
  // The plane's bytes, cleared eight at a time where aligned (a tile's row is 16 bytes of a byte
  // plane, 64 of a float plane): looped element by element up to 64 px and filled beyond, the two
  // planes took ~6 ms at 4096² with a sixth of the tiles flagged, against ~2.5 ms.
  const bytes = new Uint8Array(plane.buffer, plane.byteOffset, plane.byteLength);
  const words = new Float64Array(
    plane.buffer,
    plane.byteOffset - (plane.byteOffset % 8),
    ((plane.byteOffset % 8) + plane.byteLength) >> 3,
  );
  const shift = plane.byteOffset % 8;
  for (let ty = 0; ty < tilesY; ty++) {
    const y0 = ty * LEVEL_TILE;
    const y1 = Math.min(h, y0 + LEVEL_TILE);
    for (let tx = 0; tx < tilesX; tx++) {
      if (flags[ty * tilesX + tx] === 0) continue;
      const x0 = tx * LEVEL_TILE;
      while (tx + 1 < tilesX && flags[ty * tilesX + tx + 1] !== 0) tx++;
      const x1 = Math.min(w, (tx + 1) * LEVEL_TILE);
      for (let y = y0; y < y1; y++) zeroBytes(bytes, words, shift, size * (y * w + x0), size * (y * w + x1));
    }
  }
}

/**
 * Bytes [from, to) of `bytes` set to 0: the whole eight-byte words among them through `words` (the
 * same memory as doubles from `shift` bytes before `bytes` starts: a double 0 is eight zero bytes),
 * the ragged ends one by one.
 */
function zeroBytes(bytes: Uint8Array, words: Float64Array, shift: number, from: number, to: number): void {
  let i = from;
  while (i < to && (i + shift) & 7) bytes[i++] = 0;
  const end = to - ((to + shift) & 7);
  for (let k = (i + shift) >> 3; k < (end + shift) >> 3; k++) words[k] = 0;
  if (i < end) i = end;
  while (i < to) bytes[i++] = 0;
}

function checkBlocks(previous: Block, current: Block): void {
  const { width, height } = previous.window;
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
}

/** The smoothed, weighted change score of every pixel (0..~1.7), before any decision. */
export function changeScore(previous: Block, current: Block, opts: ChangeOptions = {}): Float32Array {
  checkBlocks(previous, current);
  const { width, height } = previous.window;
  const dist = distances(previous, current, opts, tileSums(width, height), new Float32Array(width * height), null);
  return boxMean(dist, width, height, opts.smoothPx ?? 3);
}

/** Where `distances` judged its pixels: how many in the kernel (judgeInPlace), how many in JavaScript. */
export interface JudgeTrace {
  /** Pixels handed to judgeInPlace (collect.wat's judge3), whatever it answered. */
  kernel: number;
  /** Of those, the ones it left to the JavaScript (JUDGED_LEFT: a NaN two-way distance). */
  left: number;
  /** Pixels judged by `judge` in JavaScript alone. */
  js: number;
}

/**
 * The weighted two-way distances changeMask decides on (its first step, with the same reads: only
 * the pixels its levels and outline may read are judged, the rest stay 0), in a plane of their own,
 * with the tile sums and where the pixels were judged: the judge's outputs, for tests that hold the
 * kernel's judge to the JavaScript one.
 */
export function changeDistances(
  previous: Block,
  current: Block,
  opts: ChangeOptions = {},
): { dist: Float32Array; sums: Float64Array; trace: JudgeTrace } {
  checkBlocks(previous, current);
  const { width, height } = previous.window;
  const { lowThreshold = 0.06, smoothPx = 3 } = opts;
  const tiles = tileSums(width, height);
  const trace: JudgeTrace = { kernel: 0, left: 0, js: 0 };
  const reads = { r: smoothPx, low: lowThreshold };
  const dist = distances(previous, current, opts, tiles, new Float32Array(width * height), reads, trace);
  return { dist, sums: tiles.sums, trace };
}

/**
 * The weighted two-way distance per pixel; its mean over the (2·smoothPx+1)² box decides objects.
 * Each tile's sum of distances is added to `tiles`, so quiet tiles can be skipped later. With
 * `reads` (the box radius and low level of hysteresisLevels), only the distances it and the outline
 * may read are computed; the rest stay 0.
 */
function distances(
  previous: Block,
  current: Block,
  opts: ChangeOptions,
  tiles: TileSums,
  dist: Float32Array,
  reads: { r: number; low: number } | null,
  trace: JudgeTrace | null = null,
): Float32Array {
  const {
    tolerance = 0.5,
    noiseFloor = 0.04,
    naturalWeight = 0,
    strongChange = 0.3,
    chromaticSaturation = 0.25,
    shadowDiscount = 1,
    maxGain = 1.1,
  } = opts;
  const { width: w, height: h } = previous.window;
  const { sums, tilesX } = tiles;
  const P = previous.bands;
  const C = current.bands;
  const chroma = (b: Block | undefined, own: Block) => rgbBands(b ?? own);
  const rgbP = naturalWeight < 1 ? chroma(opts.chroma?.previous, previous) : null;
  const rgbC = naturalWeight < 1 ? chroma(opts.chroma?.current, current) : null;
  const shP = shadowDiscount > 0 ? rgbBands(previous) : null;
  const shC = shadowDiscount > 0 ? rgbBands(current) : null;
  const { sunward, shadowReachPx = 0 } = opts;
  const tallReachPx = Math.max(shadowReachPx, opts.tallShadowReachPx ?? 0);
  const deep =
    shP && shC && sunward && (sunward.previous || sunward.current) && shadowReachPx > 0
      ? new DeepShadows(w, h, sunward, tallReachPx, shP, shC)
      : null;
  const scores: ShadowScores = { normal: 0, deep: 0, beside: 0 };
  // An object that changed this much, and not like a shadow, may cast a changed shadow beside it:
  // the level a changed region grows into, not its seed level. A car 1–2 px wide loses up to half
  // its contrast to the envelope's half-way tolerance, so its pixels may change by less than a
  // seed while its long winter shadow, several px wide, keeps its full dimming (seed 380228,
  // 2025-12-14: the arriving cars' own pixels under 0.1, their shadows left unsettled as change).
  const casterLevel = opts.lowThreshold ?? 0.06;
  const invSat = 1 / chromaticSaturation;
  const floor2 = noiseFloor * noiseFloor;
  const nb = P.length;
  const none = new Float32Array(0);
  const [p0 = none, p1 = none, p2 = none] = P;
  const [c0 = none, c1 = none, c2 = none] = C;
  const three = nb === 3;
  // Where both dates are chromatic, a change weighs only what it exceeds `strongChange` by, and the
  // two-way distance is at most the plain one: weight 0 and a plain distance under that level
  // settle the pixel at 0 without its neighbourhood (most noise on natural surfaces).
  const strong2 = naturalWeight === 0 && shadowDiscount <= 1 && strongChange > 0 ? strongChange * strongChange : -1;
  // Per judged pixel, its weight, greyness and squared two-way distance.
  let weights = new Float64Array(0);
  let greys = new Float64Array(0);
  let envelope = new Float64Array(0);
  /** Greyness of the pixel `weigh` last weighed. */
  let grey = 1;
  /**
   * The colour weight of pixel i (and its greyness into `grey`); `SETTLED` where the weight settles
   * it at 0 without its neighbourhood (`plain2`: its squared plain distance).
   */
  const weigh = (i: number, plain2: number): number => {
    grey = 1;
    if (!rgbP || !rgbC) return 1;
    const a = achromatic(rgbP, i, invSat);
    const c = achromatic(rgbC, i, invSat);
    grey = Math.min(a, c);
    // Hue is noise on greyish pixels: the turn counts as far as both dates are chromatic.
    const chromatic = Math.min(1 - a, 1 - c);
    const turn = chromatic > 0 ? hueTurn(rgbP, rgbC, i) * chromatic : 0;
    const weight = naturalWeight + (1 - naturalWeight) * Math.max(a, c, turn);
    return weight === 0 && plain2 <= strong2 ? SETTLED : weight;
  };
  /** The weighted two-way distance of pixel i (squared two-way distance `e2`) into `dist` and its tile sum. */
  const judgePixel = (i: number, weight: number, greyness: number, e2: number) => {
    let d = Math.sqrt(e2);
    if (d === 0) return;
    // Only grey-on-grey: a surface that kept its (lack of) colour and changed brightness alone.
    // A new grey roof on bare soil changes both, and counts.
    if (maxGain > 1 && greyness > 0) d -= greyness * Math.max(0, d - gainResidual(P, C, i, maxGain));
    if (d === 0) return;
    let candidate = false;
    if (shP && shC) {
      const s = shadowLike(shP, shC, i, scores);
      // Settled later by its surroundings: a shadow if its caster changed beside it.
      if (deep && scores.beside >= 0.5 && scores.beside > s) {
        candidate = true;
        const currentDarker = shC.r[i]! + shC.g[i]! + shC.b[i]! < shP.r[i]! + shP.g[i]! + shP.b[i]!;
        const v = d * (1 - shadowDiscount * scores.beside);
        deep.candidate(i, currentDarker, rgbP && rgbC ? Math.max(v * weight, v - strongChange) : v);
      }
      d *= 1 - shadowDiscount * s;
    }
    // A change too strong for seasons (a red hull on blue water) counts whatever the colours.
    if (rgbP && rgbC) d = Math.max(d * weight, d - strongChange);
    dist[i] = d;
    if (deep && scores.deep < 0.5 && d >= casterLevel) {
      if (candidate) deep.maybe(i);
      else deep.caster(i);
    } else if (deep && scores.deep >= 0.5) deep.shade(i);
    const y = (i / w) | 0;
    const x = i - y * w;
    // The stored (rounded) value, so the tile sum bounds what the box means will read.
    sums[((y / LEVEL_TILE) | 0) * tilesX + ((x / LEVEL_TILE) | 0)]! += dist[i]!;
  };
  /**
   * The weighted two-way distance of each listed pixel (raster order) into `dist` and its tile sum;
   * `env`, if given, holds the listed pixels' squared two-way distances (three bands).
   */
  const judge = (list: Int32Array, plain2: Float64Array, count: number, env: Float64Array | null = null) => {
    if (trace) trace.js += count;
    if (env) {
      // Envelopes at hand: each pixel weighed and judged in one go, its bands read once while in cache.
      for (let j = 0; j < count; j++) {
        // A pixel within the other date's envelope scores 0 whatever its weight.
        const e2 = env[j]!;
        if (e2 === 0) continue;
        const i = list[j]!;
        const weight = weigh(i, plain2[j]!);
        if (weight !== SETTLED) judgePixel(i, weight, grey, e2);
      }
      return;
    }
    if (weights.length < count) {
      weights = new Float64Array(count);
      greys = new Float64Array(count);
      envelope = new Float64Array(count);
    }
    // The colour weights first: pixels they settle at 0 leave the list (compacted in place), and
    // the neighbourhoods of the rest are read in runs along their rows.
    let m = 0;
    for (let j = 0; j < count; j++) {
      const i = list[j]!;
      const weight = weigh(i, plain2[j]!);
      if (weight === SETTLED) continue;
      list[m] = i;
      weights[m] = weight;
      greys[m++] = grey;
    }
    if (three) rangeDistances3(p0, p1, p2, c0, c1, c2, w, h, tolerance, list, m, envelope);
    for (let j = 0; j < m; j++) {
      const i = list[j]!;
      const y = (i / w) | 0;
      const x = i - y * w;
      judgePixel(i, weights[j]!, greys[j]!, three ? envelope[j]! : rangeDistanceAt(P, C, w, h, x, y, tolerance));
    }
  };
  /**
   * `judge` for pixels judgeInPlace judged (JUDGED_STRIDE values each in `res`): their distances
   * and tile sums written, their deep shadows noted; those it left to the JavaScript judged here.
   */
  const judgeResults = (
    list: Int32Array,
    plain2: Float64Array,
    count: number,
    env: Float64Array,
    res: Float64Array,
  ) => {
    const judged: JudgedInto = { dist, sums, w, tilesX, deep, shP, shC, casterLevel };
    for (
      let j = writeJudged(res, list, 0, count, judged);
      j < count;
      j = writeJudged(res, list, j + 1, count, judged)
    ) {
      if (trace) trace.left++;
      const e2 = env[j]!;
      if (e2 === 0) continue;
      const i = list[j]!;
      const weight = weigh(i, plain2[j]!);
      if (weight !== SETTLED) judgePixel(i, weight, grey, e2);
    }
  };
  // The two-way distance never exceeds the plain one: where that is within the noise floor,
  // nothing changed and the neighbourhood need not be read (most pixels of a monitored scene).
  // A tight first pass collects the rest, a few rows at a time so the index buffers stay small.
  const collectRow = (y: number, into: Int32Array, plain2: Float64Array) =>
    collect(P, C, y * w, y * w + w, floor2, into, plain2);
  // Nor does the weighted distance (the shadow discount, the grey gain and the weight only lower
  // it, and so do deep shadows when settled): the plain distances' tile sums bound the levels' tile
  // sums, and where they leave every tile quiet nothing reads the distance. It is computed only
  // within reach of the tiles that may not be quiet (12 % of the tiles of change.bench's pair, 57 %
  // of its kept pixels), and with deep shadows twice their walk's reach (the largest hulls')
  // further: a deep shadow's walk to its caster crosses pixels whose own walks decide whether they
  // are objects. Tile rows are judged as soon as their bounds settle (three tile rows behind), while
  // still in cache.
  if (reads && naturalWeight <= 1 && shadowDiscount >= 0 && shadowDiscount <= 1 && strongChange >= 0) {
    const bound = tileSums(w, h);
    const margin = deep ? Math.ceil((2 * tallReachPx) / LEVEL_TILE) : 0;
    const need = new NeededTiles(bound, w, h, reads.r, reads.low, margin);
    // A tile row's pixels a call: the first pass cost ~20 % more called row by row (calls, and
    // copies too short to stream well).
    const { idx, idx2 } = tileRowLists(LEVEL_TILE * w);
    // With three bands, the envelopes of the judged pixels are computed in the kernel: where the
    // planes lie in its memory, just before they are judged (only theirs: change-collect.ts
    // envelopesInPlace); elsewhere as they are collected, their rows copied in and still in cache.
    // With deep shadows too, as they are collected, wherever the planes lie: the judge then runs
    // `margin` tile rows further behind (its neighbourhood reads came from memory, the scalar
    // envelopes of isolated pixels ~40 ms at 4096² with a 60 px hull shadow reach, two fifths of the
    // stage), and its need, that much wider, leaves few collected pixels unjudged.
    const inPlace = three && planesInKernel(P) !== null && planesInKernel(C) !== null;
    const late = inPlace && !deep;
    const idxE = three && !late ? tileRowEnvelopes(LEVEL_TILE * w) : null;
    let lateE = spareJudged.env;
    // And judged there too (weigh, judgePixel and shadowLike: collect.wat's judge3) where the
    // colour and shadow planes lie there as well; the rest of each pixel's work is done here.
    const judgePlanes =
      inPlace && rgbP && rgbC && shP && shC
        ? [...P, ...C, shP.r, shP.g, shP.b, shC.r, shC.g, shC.b, rgbP.r, rgbP.g, rgbP.b, rgbC.r, rgbC.g, rgbC.b]
        : [];
    const inKernel = judgePlanes.length === 18 && judgePlanes.every((a) => kernelAddress(a) >= 0);
    const params = { invSat, naturalWeight, strong2, strongChange, shadowDiscount, maxGain };
    // Kept pixels not yet judged, in raster order, their squared plain distances and envelopes (only
    // where taken as collected).
    let { kept, kept2 } = spareKept;
    let keptE = spareKept.keptE;
    let n = 0;
    for (let y0 = 0; y0 < h; y0 += LEVEL_TILE) {
      const y1 = Math.min(h, y0 + LEVEL_TILE);
      const k = idxE
        ? collectWithEnvelopes(P, C, w, h, y0, y1, floor2, tolerance, idx, idx2, idxE)
        : collect(P, C, y0 * w, y1 * w, floor2, idx, idx2);
      if (n + k > kept.length) {
        spareKept.kept = kept = growTo(kept, n + k);
        spareKept.kept2 = kept2 = growTo(kept2, n + k);
      }
      if (idxE && n + k > keptE.length) spareKept.keptE = keptE = growTo(keptE, n + k);
      kept.set(idx.subarray(0, k), n);
      kept2.set(idx2.subarray(0, k), n);
      if (idxE) keptE.set(idxE.subarray(0, k), n);
      addBounds(idx, idx2, k, bound.sums, (y0 / LEVEL_TILE) * tilesX, y0 * w, w);
      n += k;
      // Judge the pixels of the tile rows now settled that lie in needed tiles.
      const end = need.advance(Math.ceil(y1 / LEVEL_TILE)) * LEVEL_TILE * w;
      const j = countUnder(kept, n, end);
      const m = keepNeeded(kept, kept2, idxE ? keptE : null, j, need.needed, w, tilesX);
      if (late && lateE.length < m) spareJudged.env = lateE = new Float64Array(Math.max(m, 2 * lateE.length));
      // The kernel's calls say whether they ran: results they did not write are never read.
      // Envelopes taken as collected are handed to the kernel's judge as they are.
      const env = idxE ? keptE : lateE;
      const judged = inKernel
        ? judgeInPlace(judgePlanes, w, h, tolerance, params, kept, kept2, m, env, idxE !== null)
        : null;
      if (judged) {
        if (trace) trace.kernel += m;
        judgeResults(kept, kept2, m, env, judged);
      } else {
        const lateDone = late && envelopesInPlace(P, C, w, h, tolerance, kept, m, lateE);
        judge(kept, kept2, m, idxE ? keptE : lateDone ? lateE : null);
      }
      kept.copyWithin(0, j, n);
      kept2.copyWithin(0, j, n);
      if (idxE) keptE.copyWithin(0, j, n);
      n -= j;
    }
  } else {
    // Row by row, one row ahead of the neighbourhood reads: row y's pixels are judged just after
    // row y + 1 was streamed in, so all three rows they read are in cache (~10 % of the range
    // tests' cost).
    let idx = new Int32Array(w);
    let idx2 = new Float64Array(w);
    let ahead = new Int32Array(w);
    let ahead2 = new Float64Array(w);
    let kAhead = h > 0 ? collectRow(0, ahead, ahead2) : 0;
    for (let y = 0; y < h; y++) {
      const k = kAhead;
      [idx, ahead] = [ahead, idx];
      [idx2, ahead2] = [ahead2, idx2];
      kAhead = y + 1 < h ? collectRow(y + 1, ahead, ahead2) : 0;
      judge(idx, idx2, k);
    }
  }
  deep?.settle(dist, (i, before) => {
    const x = i % w;
    sums[(((i - x) / w / LEVEL_TILE) | 0) * tilesX + ((x / LEVEL_TILE) | 0)]! += dist[i]! - before;
  });
  return dist;
}

/**
 * The envelopes of a tile row's judged pixels (envelopesInPlace, judgeInPlace; the judge's results
 * are read where the kernel wrote them), kept from call to call as they grow: sized for a whole tile
 * row (1.5 MB at 2048 px), allocated on every call, they cost the survey more than they spared.
 */
const spareJudged = { env: new Float64Array(0) };

/**
 * distances' lists, kept from call to call likewise (a thread runs one call at a time): a tile row's
 * collected pixels, their squared plain distances and (where taken as collected) their envelopes, and
 * the kept ones not yet judged. Allocated afresh, they were ~1.5 MB a call at 4096 px to zero and
 * collect, ~1 MB more with the envelopes.
 */
const spareKept = { kept: new Int32Array(0), kept2: new Float64Array(0), keptE: new Float64Array(0) };
const spareRow = { idx: new Int32Array(0), idx2: new Float64Array(0), idxE: new Float64Array(0) };

/** Lists for n pixels (a tile row's), their contents not kept. */
function tileRowLists(n: number): { idx: Int32Array; idx2: Float64Array } {
  if (spareRow.idx.length < n) {
    spareRow.idx = new Int32Array(n);
    spareRow.idx2 = new Float64Array(n);
  }
  return spareRow;
}

/** The envelopes' list for n pixels (a tile row's, as they are collected), its contents not kept. */
function tileRowEnvelopes(n: number): Float64Array {
  if (spareRow.idxE.length < n) spareRow.idxE = new Float64Array(n);
  return spareRow.idxE;
}

/**
 * Adds the plain distance of each of the k collected pixels (global indices `idx`, raster order,
 * from the tile row whose first pixel is `rowStart`; squared distances `plain2`), rounded to float
 * as the levels will store it, to its tile's bound sum (tile row from `tileRow` on): a function of
 * its own, its loop compiled apart from distances' closures.
 */
export function addBounds(
  idx: Int32Array,
  plain2: Float64Array,
  k: number,
  sums: Float64Array,
  tileRow: number,
  rowStart: number,
  w: number,
): void {
  let start = rowStart;
  for (let j = 0; j < k; j++) {
    const i = idx[j]!;
    while (i >= start + w) start += w;
    sums[tileRow + (((i - start) / LEVEL_TILE) | 0)]! += Math.fround(Math.sqrt(plain2[j]!));
  }
}

/** How many of the first n entries of the ascending `list` lie under `end`. */
export function countUnder(list: Int32Array, n: number, end: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < end) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Compacts the first `count` kept pixels (global indices, raster order) and their values to those
 * in tiles flagged `needed`; returns how many are left. Rows are followed as the indices rise, not
 * divided out per pixel.
 */
export function keepNeeded(
  kept: Int32Array,
  kept2: Float64Array,
  keptE: Float64Array | null,
  count: number,
  needed: Uint8Array,
  w: number,
  tilesX: number,
): number {
  let m = 0;
  let py = count > 0 ? (kept[0]! / w) | 0 : 0;
  let start = py * w;
  let tiles = ((py / LEVEL_TILE) | 0) * tilesX;
  for (let j = 0; j < count; j++) {
    const i = kept[j]!;
    if (i >= start + w) {
      py = (i / w) | 0;
      start = py * w;
      tiles = ((py / LEVEL_TILE) | 0) * tilesX;
    }
    if (needed[tiles + (((i - start) / LEVEL_TILE) | 0)]) {
      kept2[m] = kept2[j]!;
      if (keptE) keptE[m] = keptE[j]!;
      kept[m++] = i;
    }
  }
  return m;
}

/** Where writeJudged writes: the distance plane, its tile sums, and the deep shadows' notes. */
interface JudgedInto {
  dist: Float32Array;
  sums: Float64Array;
  w: number;
  tilesX: number;
  deep: DeepShadows | null;
  shP: Rgb | null;
  shC: Rgb | null;
  casterLevel: number;
}

/**
 * judgePixel's work after shadowLike for the listed pixels [from, count) that judgeInPlace judged
 * (JUDGED_STRIDE values each in `res`): their distances and tile sums written, their deep shadows
 * noted, in list order. Stops at the first pixel it left to the JavaScript (JUDGED_LEFT) and returns
 * its position, or `count`: the caller judges that one and resumes after it, so that tile sums
 * add up in list order. A function of its own, its loop compiled apart from distances' closures.
 */
function writeJudged(res: Float64Array, list: Int32Array, from: number, count: number, into: JudgedInto): number {
  const { dist, sums, w, tilesX, deep, shP, shC, casterLevel } = into;
  // The row of the pixel last written, followed as the indices rise rather than divided out per pixel.
  let start = 0;
  let tiles = 0;
  for (let j = from; j < count; j++) {
    const o = JUDGED_STRIDE * j;
    const state = res[o]!;
    if (state === JUDGED_NONE) continue;
    if (state === JUDGED_LEFT) return j;
    const i = list[j]!;
    if (i >= start + w || i < start) {
      const y = (i / w) | 0;
      start = y * w;
      tiles = ((y / LEVEL_TILE) | 0) * tilesX;
    }
    const d = res[o + 1]!;
    if (deep) {
      const beside = res[o + 3]!;
      const deepScore = res[o + 4]!;
      let candidate = false;
      if (shP && shC && beside >= 0.5 && beside > res[o + 2]!) {
        candidate = true;
        const currentDarker = shC.r[i]! + shC.g[i]! + shC.b[i]! < shP.r[i]! + shP.g[i]! + shP.b[i]!;
        deep.candidate(i, currentDarker, res[o + 5]!);
      }
      dist[i] = d;
      if (deepScore < 0.5 && d >= casterLevel) {
        if (candidate) deep.maybe(i);
        else deep.caster(i);
      } else if (deepScore >= 0.5) deep.shade(i);
    } else {
      dist[i] = d;
    }
    sums[tiles + (((i - start) / LEVEL_TILE) | 0)]! += dist[i]!;
  }
  return count;
}

/** `weigh`'s answer for a pixel its colour weight settles at 0 (no weight is this). */
const SETTLED = Number.NEGATIVE_INFINITY;

/**
 * Colour distance at pixel i once the current date is divided by the common gain of all bands that
 * best explains it (least squares, clamped to [1/maxGain, maxGain]); infinite where a band is
 * saturated (its true value, hence its gain, is unknown).
 */
function gainResidual(P: Float32Array[], C: Float32Array[], i: number, maxGain: number): number {
  let pc = 0;
  let pp = 0;
  for (let b = 0; b < P.length; b++) {
    const u = P[b]![i]!;
    const v = C[b]![i]!;
    if (u >= SATURATED || v >= SATURATED) return Number.POSITIVE_INFINITY;
    pc += u * v;
    pp += u * u;
  }
  const g = pp > 0 ? Math.min(maxGain, Math.max(1 / maxGain, pc / pp)) : 1;
  let r = 0;
  for (let b = 0; b < P.length; b++) r += (C[b]![i]! - g * P[b]![i]!) ** 2;
  return Math.sqrt(r);
}

/** `a` with room for `need` entries, the first ones kept. */
function growTo<T extends Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(a: T, need: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, 2 * a.length));
  b.set(a);
  return b;
}

/**
 * 1 where the hue turned by ≥ 135° between the dates (a red hull on blue-green water), 0 under 90°:
 * seasons move natural surfaces along green–yellow–brown (≤ ~90°), objects replace one colour with
 * its opposite. Hue per Preucil's hexagon-free formula atan2(√3(G−B), 2R−G−B).
 */
function hueTurn(p: Rgb, c: Rgb, i: number): number {
  const pr = p.r[i]!;
  const pg = p.g[i]!;
  const pb = p.b[i]!;
  const cr = c.r[i]!;
  const cg = c.g[i]!;
  const cb = c.b[i]!;
  const x1 = 2 * pr - pg - pb;
  const y1 = Math.sqrt(3) * (pg - pb);
  const x2 = 2 * cr - cg - cb;
  const y2 = Math.sqrt(3) * (cg - cb);
  // Hue vectors at under 90° (positive dot product) score 0 without trigonometry: most pixels.
  if (x1 * x2 + y1 * y2 > 0) return 0;
  const h1 = Math.atan2(y1, x1);
  const h2 = Math.atan2(y2, x2);
  let turn = Math.abs(h1 - h2);
  if (turn > Math.PI) turn = 2 * Math.PI - turn;
  return Math.min(1, Math.max(0, (turn - Math.PI / 2) / (Math.PI / 4)));
}

/** 1 for a grey pixel, falling to 0 at saturation ≥ chromaticSaturation (invSat is its inverse). */
function achromatic(rgb: Rgb, i: number, invSat: number): number {
  const r = rgb.r[i]!;
  const g = rgb.g[i]!;
  const b = rgb.b[i]!;
  const mx = r > g ? Math.max(r, b) : Math.max(g, b);
  const mn = r < g ? Math.min(r, b) : Math.min(g, b);
  const a = 1 - ((mx - mn) / (mx + 0.02)) * invSat;
  return a > 0 ? Math.min(a, 1) : 0;
}

function rgbBands(block: Block): Rgb | null {
  if (block.valid.length !== block.window.width * block.window.height) return null;
  const find = (role: BandRole) => block.bands[block.roles.indexOf(role)];
  const r = find('red');
  const g = find('green');
  const b = find('blue');
  return r && g && b ? { r, g, b } : null;
}

/**
 * Minimum area and fill: the per-object decision on the hysteresis levels (1 above the low level,
 * 2 above the seed level, 0 where either image is invalid; non-zero only in the `active` tiles),
 * then the fine outline.
 */
function decide(
  dist: Float32Array,
  level: Uint8Array,
  active: Uint8Array,
  w: number,
  h: number,
  opts: ChangeOptions,
  light: { p: Rgb; c: Rgb; validP: Uint8Array; validC: Uint8Array } | null,
  into: MaskPlane | null,
): Uint8Array {
  const { lowThreshold = 0.06, minAreaPx = 12, minFill = 0.4, edgeShare = 0.4, sunward, shadowReachPx = 0 } = opts;
  const shade = light && sunward && shadowReachPx > 0 ? { light, sunward } : null;
  // Levels are non-zero only in the active tiles: the rest of the plane is not read.
  const levelRuns = componentRuns(level, w, h, { tiles: { size: LEVEL_TILE, flags: active } });
  const { components, count, start, end, row, label } = levelRuns;
  // Each component's runs, in raster order: offsets by label (counting sort).
  const first = new Int32Array(components.length + 2);
  for (let r = 0; r < count; r++) first[label[r]! + 1]!++;
  for (let k = 1; k < first.length; k++) first[k]! += first[k - 1]!;
  const order = new Int32Array(count);
  const fill = first.slice();
  for (let r = 0; r < count; r++) order[fill[label[r]!]!++] = r;
  // Objects are written only within their levels' runs: the plane's next take clears those.
  const mask = into ? into.take(w, h) : new Uint8Array(w * h);
  into?.wrote(levelRuns, active);
  for (const c of components) {
    if (c.area < minAreaPx) continue;
    if (minFill > 0 && c.area >= 16) {
      const s = componentShape(c);
      // A solid rectangle with axis std-devs σ1, σ2 has area 12·σ1·σ2.
      if (c.area / (12 * s.major * s.minor) < minFill) continue;
    }
    // Objects are decided on the coarse score; their outline follows the 3×3 mean of the
    // distance, computed only inside each kept object, and cuts where the distance falls under
    // `edgeShare` of the object's typical (mean over its seeds) distance: a pixel the object covers
    // less than about half of changes by less than half as much, and belongs to the background.
    let sum = 0;
    let seeds = 0;
    // And the pixels the light test counts as changed, read here in the same pass.
    let changed = 0;
    const runs: BlobRuns = { order, start, end, row, from: first[c.label]!, to: first[c.label + 1]! };
    for (let k = runs.from; k < runs.to; k++) {
      const r = order[k]!;
      const o = row[r]! * w;
      for (let i = o + start[r]!; i < o + end[r]!; i++) {
        const d = dist[i]!;
        if (d >= lowThreshold) changed++;
        if (level[i] === 2) {
          sum += d;
          seeds++;
        }
      }
    }
    if (seeds === 0) continue;
    // A gradient of light (a cloud shadow's penumbra), not an object: change-light.ts.
    if (
      light &&
      lightGradientRuns(runs, level, dist, lowThreshold, light.p, light.c, light.validP, light.validC, w, h, changed)
    ) {
      continue;
    }
    const edge = Math.max(lowThreshold, (edgeShare * sum) / seeds);
    outlineObject(mask, dist, level, runs, w, h, edge, opts, light, shade);
  }
  return mask;
}

/**
 * The fine outline of one kept object (decide): its pixels whose 3×3 mean distance passes the low
 * threshold and which are not a diluted rim or the object's own shadow. A function of its own, its
 * 3×3 mean inlined inside the plane (the same sums in the same order as `mean3`).
 */
function outlineObject(
  mask: Uint8Array,
  dist: Float32Array,
  level: Uint8Array,
  { order, start, end, row, from, to }: BlobRuns,
  w: number,
  h: number,
  edge: number,
  opts: ChangeOptions,
  light: { p: Rgb; c: Rgb; validP: Uint8Array; validC: Uint8Array } | null,
  shade: { light: { p: Rgb; c: Rgb }; sunward: NonNullable<ChangeOptions['sunward']> } | null,
): void {
  const { lowThreshold = 0.06, edgeShare = 0.4, noiseFloor = 0.04, shadowReachPx = 0 } = opts;
  const a = dist;
  for (let k = from; k < to; k++) {
    const r = order[k]!;
    const y = row[r]!;
    const inner = y > 0 && y + 1 < h;
    for (let x = start[r]!; x < end[r]!; x++) {
      const i = y * w + x;
      let m: number;
      if (inner && x > 0 && x + 1 < w) {
        const u = i - w;
        const d = i + w;
        m = (a[u - 1]! + a[u]! + a[u + 1]! + a[i - 1]! + a[i]! + a[i + 1]! + a[d - 1]! + a[d]! + a[d + 1]!) / 9;
      } else {
        m = mean3(dist, w, h, x, y);
      }
      // A rim pixel kept for its neighbourhood's change alone is background where its own change is
      // only a diluted share of a strong neighbour's: the object's blurred edge (change-rim.ts).
      if (
        m > lowThreshold &&
        (dist[i]! >= edge ||
          !touchesBackground(dist, w, h, x, y, lowThreshold) ||
          (m >= edge && !(light && dilutedRim(light.p, light.c, dist, w, h, x, y, edge, edgeShare, noiseFloor))))
      ) {
        // The object's own shadow, and the row blending the two, go with the object's footprint.
        if (
          shade &&
          inOwnShadow(dist, level, w, h, x, y, lowThreshold, shade.light.p, shade.light.c, shade.sunward, shadowReachPx)
        ) {
          continue;
        }
        mask[i] = 1;
      }
    }
  }
}

/** Whether a 4-neighbour of (x, y) is unchanged (distance ≤ `low`): the pixel lies on an object's rim. */
function touchesBackground(a: Float32Array, w: number, h: number, x: number, y: number, low: number): boolean {
  const i = y * w + x;
  return (
    (x > 0 && a[i - 1]! <= low) ||
    (x + 1 < w && a[i + 1]! <= low) ||
    (y > 0 && a[i - w]! <= low) ||
    (y + 1 < h && a[i + w]! <= low)
  );
}

/** Mean of the 3×3 neighbourhood of (x, y), clamped at the edges. */
function mean3(a: Float32Array, w: number, h: number, x: number, y: number): number {
  if (x > 0 && y > 0 && x + 1 < w && y + 1 < h) {
    // Inside the plane (nearly every pixel): the same sums in the same order, unrolled.
    const u = (y - 1) * w + x;
    const m = u + w;
    const d = m + w;
    return (a[u - 1]! + a[u]! + a[u + 1]! + a[m - 1]! + a[m]! + a[m + 1]! + a[d - 1]! + a[d]! + a[d + 1]!) / 9;
  }
  const xa = x > 0 ? x - 1 : 0;
  const xb = x + 1 < w ? x + 1 : x;
  const ya = y > 0 ? y - 1 : 0;
  const yb = y + 1 < h ? y + 1 : y;
  let s = 0;
  for (let yy = ya; yy <= yb; yy++) for (let xx = xa; xx <= xb; xx++) s += a[yy * w + xx]!;
  return s / ((xb - xa + 1) * (yb - ya + 1));
}
