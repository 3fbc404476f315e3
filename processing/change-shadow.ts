/**
 * Shadows in change detection: how far a pixel's change looks like a cast shadow appearing or
 * leaving, and which deep ones belong to an object that changed beside them.
 */

import { type SunPosition, shadowPerMetre } from './sun-position.ts';

/** Red, green and blue planes. */
export interface Rgb {
  r: Float32Array;
  g: Float32Array;
  b: Float32Array;
}

/**
 * Least dimming ratio a shadow on its own is taken for: darker than this, a dark object on bright
 * ground is likelier (sky-lit shade keeps ~0.3–0.7 of the sunlit value).
 */
export const SHADOW_FLOOR = 0.28;
/**
 * Least ratio of a shadow cast by an object that changed beside it, on its side away from the sun:
 * overlapping shadows, and hull or car shadows after gamma and haze, reach 0.22–0.29 (seeds 20251,
 * 517023, 674324).
 */
export const DEEP_SHADOW_FLOOR = 0.16;

/** How far a pixel's change looks like a shadow (see shadowLike). */
export interface ShadowScores {
  /** On its own evidence, at the usual floor. */
  normal: number;
  /** On its own evidence, at the deep floor: too dark to tell from a dark object alone. */
  deep: number;
  /** Beside an object that changed, on its anti-sun side: at the deep floor, the bands' spread not asked. */
  beside: number;
}

/**
 * 1 where one date is the other dimmed by a shadow: every band darker by a common factor between
 * the floor and ~0.7 (the ratio of skylight to sun-plus-sky irradiance for clear skies; the generator's
 * shadow tones are 0.45–0.58), or by factors rising from red to blue as skylight does (on hazy,
 * low-sun dates the spread reaches ~0.15), and the lit date no brighter than ground; 0 where the bands
 * dim unequally, the dimming is too weak or too deep for a shadow (a dark object on bright ground) or
 * the brighter date is white (a new hull or roof), with linear ramps between. Written into `out`
 * for SHADOW_FLOOR (normal), DEEP_SHADOW_FLOOR (deep) and, without the evenness, beside a caster
 * (beside); returns the normal score.
 */
export function shadowLike(p: Rgb, c: Rgb, i: number, out: ShadowScores): number {
  out.normal = 0;
  out.deep = 0;
  out.beside = 0;
  const pr = p.r[i]!;
  const pg = p.g[i]!;
  const pb = p.b[i]!;
  const cr = c.r[i]!;
  const cg = c.g[i]!;
  const cb = c.b[i]!;
  const up = (cr > pr ? 1 : 0) + (cg > pg ? 1 : 0) + (cb > pb ? 1 : 0);
  if (up !== 0 && up !== 3) return 0;
  const top = Math.max(pr, pg, pb, cr, cg, cb);
  const r = bandRatio(pr, cr);
  const g = bandRatio(pg, cg);
  const b = bandRatio(pb, cb);
  const lo = Math.min(r, g, b);
  const hi = Math.max(r, g, b);
  const mid = (lo + hi) / 2;
  const shallow = Math.max(0, (0.68 - mid) / 0.06);
  // Shade is lit by the sky alone, which is bluer than sunlight: a shadow keeps more of blue than
  // of green, and of green than of red. Dimming in that order may spread wider than dimming that
  // does not follow it (a dark object, whose colour has no reason to follow it).
  const skyOrder = r <= g + SKY_SLACK && g <= b + SKY_SLACK;
  const spread = (skyOrder ? SKY_SPREAD : FLAT_SPREAD) - (hi - lo);
  const even = Math.min(1, Math.max(0, spread / 0.06));
  // Sunlit ground is rarely brighter than this; a white hull or roof on grey ground is, and it
  // brightens every band by a common factor too.
  const lit = Math.min(1, Math.max(0, (0.7 - top) / 0.1));
  out.normal = Math.min(1, shallow, Math.max(0, (mid - SHADOW_FLOOR) / 0.06)) * even * lit;
  // Beside its caster a shadow needs no even dimming to be told from a dark object: under a low
  // winter sun, and after per-band normalisation of a hazy date, its bands' ratios spread to
  // 0.25-0.3 (seed 380228, 2025-12-14: shade of arriving cars 0.37/0.62/0.64 in R/G/B).
  out.beside = Math.min(1, shallow, Math.max(0, (mid - DEEP_SHADOW_FLOOR) / 0.06)) * lit;
  out.deep = out.beside * even;
  return out.normal;
}

/** Widest spread of the per-band dimming ratios of a shadow whose bands dim in no particular order. */
const FLAT_SPREAD = 0.14;
/** Widest spread where they dim in the order of skylight (red most, blue least). */
const SKY_SPREAD = 0.22;
/** How far out of that order two bands' ratios may be and still count as in it (noise). */
const SKY_SLACK = 0.02;

/** Darker over brighter of one band's two values, offset so near-black values do not blow up. */
export function bandRatio(u: number, v: number): number {
  return (Math.min(u, v) + 0.01) / (Math.max(u, v) + 0.01);
}

const CASTER = 1;
const SHADE = 2;
/** An uneven dark change: a shadow if a caster lies beside it, else an object that may cast one. */
const MAYBE = 3;
/** Least colour distance between a caster and its shadow on the shadowed date. */
const CASTER_CONTRAST = 0.06;
/** Pixels on a deep shadow's walk to its caster that may be other than shade: a stretch of shadow that did not change. */
const MAX_GAPS = 1;

/** Unit vector (grid px, x right, y down) from a shadow towards the sun that cast it. */
export type Sunward = { x: number; y: number };

/** Tallest objects that come and go (hulls' freeboard, rail cars, containers), m: how far a deep shadow's caster may be. */
const TALLEST_M = 8;
/**
 * Freeboard of the largest hulls, m (10–15 m for 200–300 m ships). A superstructure's shadow
 * doubles the hull's own (a quarter of the light, a deep shadow) where the two overlap, within
 * the hull's shadow, so within this reach of the hull along the sun, across the quay (seed 347615,
 * east quay, 2025-12-14); past it, its shadow is a single one, told on its own evidence.
 */
const TALL_HULL_M = 15;

/**
 * changeMask's sun options for two dates on a north-up grid: the direction towards each date's
 * sun, the reach of the longer shadow of the tallest common objects, px, and that of the largest
 * hulls, px, which a deep shadow's walk to its caster may follow through shade.
 * Null suns (unknown, or too low for a shadow direction) leave that date's deep shadows counted as
 * change.
 */
export function sunChangeOptions(
  sun: { previous: SunPosition | null; current: SunPosition | null },
  gsdM: number,
): {
  sunward: { previous: Sunward | null; current: Sunward | null };
  shadowReachPx: number;
  tallShadowReachPx: number;
} {
  let longest = 0;
  const toward = (s: SunPosition | null): Sunward | null => {
    const v = s && shadowPerMetre(s);
    if (!v) return null;
    const len = Math.hypot(v.x, v.y);
    if (!(len > 0)) return null;
    longest = Math.max(longest, len);
    return { x: -v.x / len, y: -v.y / len };
  };
  const sunward = { previous: toward(sun.previous), current: toward(sun.current) };
  return {
    sunward,
    shadowReachPx: Math.round((TALLEST_M * longest) / gsdM),
    tallShadowReachPx: Math.round((TALL_HULL_M * longest) / gsdM),
  };
}

/**
 * Collects, during the distance pass, the objects that changed and the pixels whose change looks
 * like a shadow too deep or too uneven to tell from a dark object on its own, then settles those: a
 * shadow if an object that changed lies next to it towards the sun of the date it darkened on (a new
 * object's shadow appears on the current date's anti-sun side; a departed one's leaves the previous
 * date's). Uneven ones (`maybe`) are crossed as shade first; those left unsettled are dark objects,
 * and the shadows still unsettled are tried again with them as casters.
 */
export class DeepShadows {
  private casters: Uint8Array | null = null;
  private candidates: number[] = [];
  private deepValues: number[] = [];
  private maybes: number[] = [];

  constructor(
    private readonly w: number,
    private readonly h: number,
    private readonly sunward: { previous: Sunward | null; current: Sunward | null },
    private readonly reachPx: number,
    private readonly previous: Rgb,
    private readonly current: Rgb,
  ) {}

  /** Pixel i changed by an object (not shadow-like), strongly enough to cast a shadow that changed. */
  caster(i: number): void {
    this.casters ??= new Uint8Array(this.w * this.h);
    this.casters[i] = CASTER;
  }

  /** Pixel i changed like a shadow (deep or not): a deep shadow's caster is reached through such pixels. */
  shade(i: number): void {
    this.casters ??= new Uint8Array(this.w * this.h);
    this.casters[i] = SHADE;
  }

  /** Pixel i, a candidate, changed unevenly and strongly: a shadow or a dark object, told by settle. */
  maybe(i: number): void {
    this.casters ??= new Uint8Array(this.w * this.h);
    this.casters[i] = MAYBE;
    this.maybes.push(i);
  }

  /** Pixel i changed like a deep shadow, darker on the current date or not; `deep` is its distance if it is one. */
  candidate(i: number, currentDarker: boolean, deep: number): void {
    this.shade(i);
    if (!(currentDarker ? this.sunward.current : this.sunward.previous)) return;
    this.candidates.push(currentDarker ? i : -1 - i);
    this.deepValues.push(deep);
  }

  /**
   * Lowers each deep shadow with a caster towards its sun to its shadow distance; `onChange(i, before)`
   * after each write. Returns the walks made: what the second pass spares is otherwise invisible to
   * its test (as shiftedRgbNormalizedWasm returns whether it copied).
   */
  settle(dist: Float32Array, onChange: (i: number, before: number) => void): number {
    const casters = this.casters;
    if (!casters) return 0;
    // Per candidate: 1 settled; 2 unsettled, its walk having crossed an uneven pixel (MAYBE). Only
    // those can settle in the second pass: a walk meets the same pixels as in the first until it
    // reaches one of the uneven pixels made casters in between (nothing else changes: a settled
    // candidate was shade already).
    const state = new Uint8Array(this.candidates.length);
    // Each date's walks step alike from every start: their offsets made once (null: rounded per step).
    const stepsOf = (sun: Sunward | null) => sun && walkSteps(sun, this.reachPx);
    const steps = { previous: stepsOf(this.sunward.previous), current: stepsOf(this.sunward.current) };
    let walks = 0;
    const pass = (only: number) => {
      for (let k = 0; k < this.candidates.length; k++) {
        if (state[k] !== only) continue;
        const c = this.candidates[k]!;
        const i = c >= 0 ? c : -1 - c;
        const sun = (c >= 0 ? this.sunward.current : this.sunward.previous)!;
        // Set by the walk if it crosses one: only such a walk can end otherwise in the second pass.
        this.crossedMaybe = false;
        walks++;
        const along = c >= 0 ? steps.current : steps.previous;
        if (!this.casterTowards(casters, i, sun, along, c >= 0 ? this.current : this.previous)) {
          state[k] = this.crossedMaybe ? 2 : 3;
          continue;
        }
        state[k] = 1;
        casters[i] = SHADE;
        const before = dist[i]!;
        dist[i] = this.deepValues[k]!;
        onChange(i, before);
      }
    };
    pass(0);
    if (this.maybes.length === 0) return walks;
    let objects = 0;
    for (const i of this.maybes) {
      if (casters[i] !== MAYBE) continue;
      casters[i] = CASTER;
      objects++;
    }
    if (objects > 0) pass(2);
    return walks;
  }

  /** Whether the last `casterTowards` walk crossed an uneven pixel (MAYBE). */
  private crossedMaybe = false;

  /**
   * Whether a caster lies within reach of pixel i towards the sun (nearest pixel of each step, from
   * `steps` where not null): the largest hulls' reach, as the walk crosses shade only.
   */
  private casterTowards(casters: Uint8Array, i: number, sun: Sunward, steps: WalkSteps | null, dark: Rgb): boolean {
    const x0 = i % this.w;
    const y0 = (i - x0) / this.w;
    // A shadow touches what casts it: the walk crosses shade only (one other pixel at most, for
    // a stretch of shadow that did not change). Where the shadow crosses a sharp edge (a quay's
    // into water), the pixels of the edge change within their neighbours' range and go unjudged:
    // dimmed in every band on the same date, they are shade too.
    const on = dark === this.current ? 2 : 1;
    let gaps = 0;
    for (let k = 1; k <= this.reachPx; k++) {
      const x = steps ? x0 + steps.dx[k]! : Math.round(x0 + k * sun.x);
      const y = steps ? y0 + steps.dy[k]! : Math.round(y0 + k * sun.y);
      if (x < 0 || y < 0 || x >= this.w || y >= this.h) return false;
      const m = casters[y * this.w + x];
      // On the date the pixel is dark, the caster stands out from it (an object beside its
      // shadow); where both are alike there, they are one surface that an object left (water
      // where a hull was), not a shadow and its caster.
      if (m === CASTER) return contrast(dark, i, y * this.w + x) >= CASTER_CONTRAST;
      if (m === MAYBE) {
        this.crossedMaybe = true;
        continue;
      }
      if (m === SHADE || (m === 0 && dimmedOn(this.previous, this.current, y * this.w + x, on))) continue;
      if (++gaps > MAX_GAPS) return false;
    }
    return false;
  }
}

/** Offsets from a walk's start of its steps k = 1…reach (index k). */
interface WalkSteps {
  dx: Int32Array;
  dy: Int32Array;
}

/**
 * The walk's step k from (x0, y0) is the nearest pixel, (round(x0 + k·sun.x), round(y0 + k·sun.y)): for
 * integer x0 that is x0 + round(k·sun.x), the same for every start, unless k·sun.x lies within rounding
 * of a half (the sum's rounding could then tip it; grids are far narrower than 2²⁶ px). Null if any
 * step does: such walks round each step.
 */
export function walkSteps(sun: Sunward, reach: number): WalkSteps | null {
  const dx = new Int32Array(reach + 1);
  const dy = new Int32Array(reach + 1);
  for (let k = 1; k <= reach; k++) {
    const fx = k * sun.x;
    const fy = k * sun.y;
    if (nearHalf(fx) || nearHalf(fy)) return null;
    dx[k] = Math.round(fx);
    dy[k] = Math.round(fy);
  }
  return { dx, dy };
}

/** Whether v lies within 1e-6 of a half-integer. */
function nearHalf(v: number): boolean {
  return Math.abs(v - Math.floor(v) - 0.5) < 1e-6;
}

/** Colour distance between pixels i and j of one date. */
function contrast(rgb: Rgb, i: number, j: number): number {
  return Math.hypot(rgb.r[i]! - rgb.r[j]!, rgb.g[i]! - rgb.g[j]!, rgb.b[i]! - rgb.b[j]!);
}

/** Whether pixel i is darker on date `on` (1 previous, 2 current) in every band, by more than noise. */
function dimmedOn(p: Rgb, c: Rgb, i: number, on: 1 | 2): boolean {
  return darkerOn(p, c, i) === on && dimming(p, c, i) >= DIM_NOISE;
}

/** 1 where every band of pixel i is darker on the previous date, 2 where on the current one, else 0. */
function darkerOn(p: Rgb, c: Rgb, i: number): 0 | 1 | 2 {
  const down = (p.r[i]! < c.r[i]! ? 1 : 0) + (p.g[i]! < c.g[i]! ? 1 : 0) + (p.b[i]! < c.b[i]! ? 1 : 0);
  if (down === 3) return 1;
  const up = (p.r[i]! > c.r[i]! ? 1 : 0) + (p.g[i]! > c.g[i]! ? 1 : 0) + (p.b[i]! > c.b[i]! ? 1 : 0);
  return up === 3 ? 2 : 0;
}

/**
 * Whether changed pixel (x, y) lies in the shadow fringe of an object that changed: every band
 * darker on one date, in a strip of such pixels (at most FRINGE_PX along the sun) running from an
 * object that changed otherwise and stands out from it (towards that date's sun) to unchanged ground
 * dimmed the same way (away from it), the edge of the shadow that the shadow discount settled. An
 * object comes with its shadow, and the row between the two blends them (a rail car's dark edge and
 * its shadow dim the bands unevenly, so the shadow discount misses it; seed 199873); a shadow's blur
 * or penumbra dims too little for a shadow on its own (ratio 0.65–0.8, seed 961630). Neither is a
 * change of the ground: the object's footprint is the change.
 */
export function inOwnShadow(
  dist: Float32Array,
  object: Uint8Array,
  w: number,
  h: number,
  x: number,
  y: number,
  low: number,
  p: Rgb,
  c: Rgb,
  sunward: { previous: Sunward | null; current: Sunward | null },
  reachPx: number,
): boolean {
  const i = y * w + x;
  const dark = darkerOn(p, c, i);
  if (dark === 0) return false;
  const sun = dark === 1 ? sunward.previous : sunward.current;
  if (!sun) return false;
  const reach = Math.min(FRINGE_PX, reachPx);
  const casterSteps = walkDarker(p, c, w, h, x, y, sun, 1, reach, dark, null, low);
  // On the date the strip is dark, its caster stands out from it; where both are alike, they are one
  // surface that an object left (water where a hull was).
  if (casterSteps === 0) return false;
  const casterAt = walkEnd;
  if (object[casterAt] === 0 || contrast(dark === 1 ? p : c, i, casterAt) < CASTER_CONTRAST) return false;
  // A shadow fades into the ground it falls on: the strip ends on unchanged ground dimmed the same way.
  if (walkDarker(p, c, w, h, x, y, sun, -1, reach + 1 - casterSteps, dark, dist, low) === 0) return false;
  const g = walkEnd;
  return dist[g]! <= low && darkerOn(p, c, g) === dark && dimming(p, c, g) >= DIM_NOISE;
}

/** Where the last `walkDarker` that found a pixel ended. */
let walkEnd = 0;

/**
 * `inOwnShadow`'s walk from (x, y) along `sign` · sun: the steps (1…reach) to the first pixel that is
 * not darker on date `dark`, or (with `dist`) is unchanged (distance ≤ `low`), its index in `walkEnd`;
 * 0 if none within reach or the walk leaves the block. A function of its own rather than a closure
 * made per pixel.
 */
function walkDarker(
  p: Rgb,
  c: Rgb,
  w: number,
  h: number,
  x: number,
  y: number,
  sun: Sunward,
  sign: number,
  reach: number,
  dark: 1 | 2,
  dist: Float32Array | null,
  low: number,
): number {
  for (let k = 1; k <= reach; k++) {
    const xx = Math.round(x + sign * k * sun.x);
    const yy = Math.round(y + sign * k * sun.y);
    if (xx < 0 || yy < 0 || xx >= w || yy >= h) return 0;
    const j = yy * w + xx;
    if ((dist !== null && dist[j]! <= low) || darkerOn(p, c, j) !== dark) {
      walkEnd = j;
      return k;
    }
  }
  return 0;
}

/**
 * Longest strip (px along the sun) taken for an object's shadow fringe: the blur of the pair and
 * the blended row. Longer strips that dim unevenly are as likely dark objects (hull rims on water).
 */
const FRINGE_PX = 3;

/** Least drop of the summed bands that tells a dimmed pixel from noise. */
const DIM_NOISE = 0.04;

/** How much darker the summed bands of pixel i are on its darker date. */
function dimming(p: Rgb, c: Rgb, i: number): number {
  return Math.abs(p.r[i]! + p.g[i]! + p.b[i]! - c.r[i]! - c.g[i]! - c.b[i]!);
}
