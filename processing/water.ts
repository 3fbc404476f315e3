/** Water mask of a block: NDWI when NIR exists, otherwise dark smooth regions of the multi-date median. */
import { dilate, erode, maskedStd, maskedStdRows, otsuOfHistogram, otsuThreshold } from './box-filter.ts';
import { fillHoles, keepLarge } from './components.ts';
import { ProcessingError } from './errors.ts';
import { orInPlace } from './mask-loops.ts';
import { luminance } from './rgb-luminance.ts';
import type { Block } from './types.ts';
import { berthedHulls } from './water-berths.ts';
import { mooredHullsCoarse } from './water-moored.ts';
import { countShadeVotes, dropShadeNotches } from './water-shade.ts';

export interface WaterOptions {
  /** Registered, normalised blocks of the same window on other dates. */
  others?: Block[];
  /** Ground size of a pixel, metres. */
  gsdM?: number;
  /** Holes up to this ship's footprint are filled, so moored and rafted ships lie "on water". */
  maxShipLengthM?: number;
  maxShipBeamM?: number;
  /** Water bodies smaller than this are dropped (dark roofs, shadows, puddles). */
  minWaterAreaM2?: number;
  /** …and smaller than this many pixels: at 10 m, dark city blocks and shadows pass 5,000 m². */
  minWaterPx?: number;
  /** A pixel is water if it is water on at least this share of its dates (ships move, piers do not). */
  minWaterShare?: number;
  /** Where the water/land valley of the NDWI histogram is sought. */
  ndwiRange?: [number, number];
  /** Hulls moored at quays and piers count as water (see water-berths.ts); at 3 m or finer only. */
  berths?: boolean;
  /** …and coarser than 3 m too (see water-moored.ts), where a NIR band gives NDWI. On sen2ships (10 m)
   * it finds moored ships 0→12 of 64 (pooled P 0.67→0.63, R 0.23→0.38) once patches of the shore's
   * blur (mean NDWI above −0.13) are dropped and the detector takes its patches as lying at a quay
   * (VesselInput.berthed); without those two it was P 0.50, R 0.32, and off by default. */
  coarseBerths?: boolean;
  /** 1 where open water was seen on an earlier date of the site (water-memory.ts): water there, as if
   * one of `others` had shown it, however long a ship has lain on it since. */
  seen?: Uint8Array;
  /** 1 where the site's memory, which holds `others`' own open water, never saw any: another date's
   * vote there was what the memory dismisses (a shadow on the quay, with the quay's hue; a sliver),
   * and makes no water on this date either. Only this date's own vote makes water there. The moored-hull
   * tests read it too: a hull-shaped patch lying dry there, water along both its sides, is a pier's deck. */
  neverSeen?: Uint8Array;
  /** Filled, when given, with this date's own open water (its own vote, less what has the land's hue,
   * opened as the mask is): what the site's memory keeps of this date. */
  dateWater?: Uint8Array;
  /** Filled, when given, with the land pixels the moored-hull tests gave to the water (1 there): the
   * detector knows such a patch touches its quay by construction. */
  berthed?: Uint8Array;
}

/** McFeeters (1996) NDWI = (green − NIR) / (green + NIR); > 0 is open water on surface reflectance. */
function ndwi(block: Block): Float32Array | null {
  const g = block.bands[block.roles.indexOf('green')];
  const n = block.bands[block.roles.indexOf('nir')];
  if (!g || !n) return null;
  const out = new Float32Array(g.length);
  for (let i = 0; i < out.length; i++) {
    const s = g[i]! + n[i]!;
    out[i] = s > 1e-6 ? (g[i]! - n[i]!) / s : 0;
  }
  return out;
}

/**
 * The deepest valley between two modes of the smoothed histogram, sought within [lo, hi]: the bin
 * whose count is smallest relative to the smaller of the highest peaks on either side. Otsu fails on
 * port scenes, where vegetation pulls the split far below the water/urban valley (Busan: −0.07 vs +0.01).
 * Without a clear valley (ratio above 0.8) it returns `fallback`.
 */
export function valleyThreshold(values: Float32Array, mask: Uint8Array, lo: number, hi: number, fallback = 0): number {
  const bins = 200;
  const min = -1;
  const scale = bins / 2;
  const hist = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) {
    if (!mask[i]) continue;
    const b = Math.floor((values[i]! - min) * scale);
    if (b >= 0 && b < bins) hist[b]!++;
  }
  const sm = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    for (let k = Math.max(0, b - 3); k <= Math.min(bins - 1, b + 3); k++) sm[b]! += hist[k]!;
  }
  const leftMax = new Float64Array(bins);
  const rightMax = new Float64Array(bins);
  for (let b = 1; b < bins; b++) leftMax[b] = Math.max(leftMax[b - 1]!, sm[b - 1]!);
  for (let b = bins - 2; b >= 0; b--) rightMax[b] = Math.max(rightMax[b + 1]!, sm[b + 1]!);
  let best = fallback;
  let bestRatio = 0.8;
  for (let b = 0; b < bins; b++) {
    const centre = min + (b + 0.5) / scale;
    if (centre < lo || centre > hi) continue;
    const peak = Math.min(leftMax[b]!, rightMax[b]!);
    if (peak <= 0) continue;
    const ratio = sm[b]! / peak;
    if (ratio < bestRatio) {
      bestRatio = ratio;
      best = centre;
    }
  }
  return best;
}

/**
 * Counts `q` (a value times the bins) in its bin, as `hist[Math.min(top, Math.max(0, Math.floor(q)))]++`
 * does (below 0 in the first bin, above the last in it, NaN in none: `hist[NaN]` is no element), by
 * comparisons and a truncation, as vessel-contrast.ts's `countDeviation` (a NaN there slowed the Math form
 * fourfold).
 */
export function countClamped(hist: Uint32Array, q: number): void {
  const top = hist.length - 1;
  if (q >= top) hist[top]!++;
  else if (q >= 0) hist[q | 0]!++;
  else if (q < 0) hist[0]!++;
}

/** `countClamped` without the clamp below: a negative `q`, as a NaN, counts in no bin (`hist[-1]` is no element). */
export function countCapped(hist: Uint32Array, q: number): void {
  const top = hist.length - 1;
  if (q >= top) hist[top]!++;
  else if (q >= 0) hist[q | 0]!++;
}

/** Median of the values a histogram of `count` samples over 0…1 counts (its bins' centres). */
function histogramMedian(h: Uint32Array, count: number): number {
  let acc = 0;
  for (let b = 0; b < h.length; b++) {
    acc += h[b]!;
    if (2 * acc >= count) return (b + 0.5) / h.length;
  }
  return 1;
}

/** Median and robust σ (MAD × 1.4826) of the values in 0…1 where `mask` is set, by histogram. */
function medianMad(v: Float32Array, mask: Uint8Array): { median: number; sigma: number; count: number } {
  const bins = 4096;
  const hist = new Uint32Array(bins);
  let count = 0;
  for (let i = 0; i < v.length; i++) {
    if (!mask[i]) continue;
    countClamped(hist, v[i]! * bins);
    count++;
  }
  if (!count) return { median: Number.NaN, sigma: 0, count };
  const median = histogramMedian(hist, count);
  const dev = new Uint32Array(bins);
  for (let b = 0; b < bins; b++)
    dev[Math.min(bins - 1, Math.floor(Math.abs((b + 0.5) / bins - median) * bins))]! += hist[b]!;
  return { median, sigma: histogramMedian(dev, count) * 1.4826, count };
}

/**
 * The NIR level above which an NDWI-water pixel is not open water after all: halfway from water's
 * median NIR to land's, or 8 robust σ above water's where rough or glinting water spreads wider.
 * Water absorbs NIR; white roofs, bridge decks and concrete aprons are green enough to pass NDWI
 * but reflect NIR like land (sen2ships Busan: the bridge and white roofs were 23 of 34 false
 * detections). Bright hulls on water drop out too, but as holes in the water they are filled back.
 */
function nirCeiling(nir: Float32Array, water: Uint8Array, valid: Uint8Array): number {
  const land = new Uint8Array(water.length);
  for (let i = 0; i < land.length; i++) land[i] = valid[i] && !water[i] ? 1 : 0;
  const w = medianMad(nir, water);
  const l = medianMad(nir, land);
  if (!w.count || !l.count || l.median <= w.median) return Number.POSITIVE_INFINITY;
  return Math.max(w.median + 8 * w.sigma, (w.median + l.median) / 2);
}

/** Otsu's threshold of `v`, or +∞ when the two classes' means lie closer than `minSeparation`. */
export function splitOrAll(v: Float32Array, mask: Uint8Array, lo: number, hi: number, minSeparation: number): number {
  const t = otsuThreshold(v, mask, lo, hi);
  let s0 = 0;
  let n0 = 0;
  let s1 = 0;
  let n1 = 0;
  for (let i = 0; i < v.length; i++) {
    if (!mask[i]) continue;
    if (v[i]! <= t) {
      s0 += v[i]!;
      n0++;
    } else {
      s1 += v[i]!;
      n1++;
    }
  }
  if (!n0 || !n1) return Number.POSITIVE_INFINITY;
  return s1 / n1 - s0 / n0 < minSeparation ? Number.POSITIVE_INFINITY : t;
}

/**
 * Caps the darkness threshold at the dark class's median + 6 robust σ (MAD): shade on concrete (a
 * ship's shadow on the apron in winter) is darker than the ground but still much brighter than water.
 */
function darkLimit(v: Float32Array, mask: Uint8Array, t: number): number {
  if (!Number.isFinite(t)) return t;
  const bins = 1024;
  const hist = new Uint32Array(bins);
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    if (!mask[i] || v[i]! > t) continue;
    countClamped(hist, v[i]! * bins);
    n++;
  }
  if (n < 10) return t;
  const med = histQuantile(hist, 0.5, n);
  const dev = new Uint32Array(bins);
  for (let b = 0; b < bins; b++)
    dev[Math.min(bins - 1, Math.floor(Math.abs((b + 0.5) / bins - med) * bins))]! += hist[b]!;
  const mad = histQuantile(dev, 0.5, n) * 1.4826;
  return Math.min(t, med + 6 * Math.max(mad, 0.005));
}

/** The `q` quantile of `n` values binned in `h` (bins over [0, 1]), at its bin's centre; 1 past the end. */
function histQuantile(h: Uint32Array, q: number, n: number): number {
  const bins = h.length;
  for (let b = 0, acc = 0; b < bins; b++) {
    acc += h[b]!;
    if (acc >= q * n) return (b + 0.5) / bins;
  }
  return 1;
}

/** Per-pixel median over dates of valid samples; `valid` gets 1 where any date is valid. */
function medianOverDates(planes: Float32Array[], valids: Uint8Array[], n: number) {
  if (planes.length === 3) return medianOfThree(planes, valids, n);
  const out = new Float32Array(n);
  const valid = new Uint8Array(n);
  const buf = new Float32Array(planes.length);
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (let d = 0; d < planes.length; d++) {
      if (!valids[d]![i]) continue;
      // insertion sort: few dates
      const v = planes[d]![i]!;
      let j = k++;
      while (j > 0 && buf[j - 1]! > v) {
        buf[j] = buf[j - 1]!;
        j--;
      }
      buf[j] = v;
    }
    if (k === 0) continue;
    valid[i] = 1;
    out[i] = k % 2 ? buf[k >> 1]! : 0.5 * (buf[(k >> 1) - 1]! + buf[k >> 1]!);
  }
  return { median: out, valid };
}

/**
 * `medianOverDates` of three dates (the detector's usual today and two others): the same insertion
 * of each valid sample in date order, into locals instead of a buffer; the same medians.
 */
function medianOfThree(planes: Float32Array[], valids: Uint8Array[], n: number) {
  const out = new Float32Array(n);
  const valid = new Uint8Array(n);
  const [p0, p1, p2] = planes as [Float32Array, Float32Array, Float32Array];
  const [v0, v1, v2] = valids as [Uint8Array, Uint8Array, Uint8Array];
  for (let i = 0; i < n; i++) {
    // The lowest two samples so far, sorted (the highest of three is never the median).
    let k = 0;
    let s0 = 0;
    let s1 = 0;
    if (v0[i]) {
      s0 = p0[i]!;
      k = 1;
    }
    if (v1[i]) {
      const v = p1[i]!;
      if (k === 0) s0 = v;
      else if (s0 > v) {
        s1 = s0;
        s0 = v;
      } else s1 = v;
      k++;
    }
    if (v2[i]) {
      const v = p2[i]!;
      if (k === 0) s0 = v;
      else if (k === 1) {
        if (s0 > v) {
          s1 = s0;
          s0 = v;
        } else s1 = v;
      } else if (s1 > v) {
        if (s0 > v) {
          s1 = s0;
          s0 = v;
        } else s1 = v;
      }
      k++;
    }
    if (k === 0) continue;
    valid[i] = 1;
    out[i] = k === 1 ? s0 : k === 2 ? 0.5 * (s0 + s1) : s1;
  }
  return { median: out, valid };
}

/** Spreads below this (and none: NaN, 0) read as it: the log texture's floor. */
const TEXTURE_FLOOR = 1e-4;

/** Texture in decades: log10 of a local spread, floored, as a float. */
export function logTexture(spread: number): number {
  return Math.fround(Math.log10(Math.max(TEXTURE_FLOOR, spread || TEXTURE_FLOOR)));
}

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
const floatOfBits = (bits: number) => {
  f32Bits[0] = bits;
  return f32[0]!;
};

/**
 * Which float spreads s have `logTexture(s) <= tTex`, without a logarithm per pixel: the test is
 * monotone in s, so it holds for the floor (or not) and, above the floor, for s up to the largest
 * float that passes, found by bisection over the floats' bit patterns (ordered as the positive floats
 * are). Exactly the per-pixel test, for every float spread.
 */
export function smoothSpread(tTex: number): { floorPasses: boolean; maxSpread: number } {
  const passes = (s: number) => logTexture(s) <= tTex;
  f32[0] = TEXTURE_FLOOR;
  // The smallest float above the floor, and +∞.
  let lo = f32[0]! > TEXTURE_FLOOR ? f32Bits[0]! : f32Bits[0]! + 1;
  let hi = 0x7f800000;
  const floorPasses = passes(TEXTURE_FLOOR);
  if (!passes(floatOfBits(lo))) return { floorPasses, maxSpread: Number.NEGATIVE_INFINITY };
  if (passes(floatOfBits(hi))) return { floorPasses, maxSpread: Number.POSITIVE_INFINITY };
  // passes(lo) and not passes(hi): narrow to neighbours.
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (passes(floatOfBits(mid))) lo = mid;
    else hi = mid;
  }
  return { floorPasses, maxSpread: floatOfBits(lo) };
}

function checkSameWindow(block: Block, other: Block, i: number): void {
  const a = block.window;
  const b = other.window;
  if (a.width !== b.width || a.height !== b.height) {
    throw new ProcessingError(
      'bad_bands',
      `others[${i}] is ${b.width}×${b.height}; expected the block's ${a.width}×${a.height}`,
      'others',
    );
  }
}

/**
 * Each date's vote (`voted[k]`, 1 where date k saw water) added up into `votes`, its `valid` into
 * `seen` (bytes, as the per-date sums wrap), and 1 in `raw` where the votes reach `minShare`
 * (`reachesShare`): the dates' votes summed in one sweep, with the share, not a sweep per date and one
 * more for the share. Three dates (the detector's usual) in one loop of their own.
 */
export function tallyVotes(
  voted: Uint8Array[],
  valid: Uint8Array[],
  minShare: number,
  { votes, seen }: { votes: Uint8Array; seen: Uint8Array },
  raw: Uint8Array,
): void {
  if (voted.length === 3) {
    tallyThree(voted, valid, minShare, votes, seen, raw);
    return;
  }
  const n = votes.length;
  for (let k = 0; k < voted.length; k++) {
    const w = voted[k]!;
    const v = valid[k]!;
    for (let i = 0; i < n; i++) {
      seen[i]! += v[i]!;
      votes[i]! += w[i]!;
    }
  }
  for (let i = 0; i < n; i++) raw[i] = reachesShare(votes[i]!, seen[i]!, minShare) ? 1 : 0;
}

/** `tallyVotes` of three dates: one loop (the sums kept as bytes, as the arrays hold them). */
function tallyThree(
  voted: Uint8Array[],
  valid: Uint8Array[],
  minShare: number,
  votes: Uint8Array,
  seen: Uint8Array,
  raw: Uint8Array,
): void {
  const [w0, w1, w2] = voted as [Uint8Array, Uint8Array, Uint8Array];
  const [v0, v1, v2] = valid as [Uint8Array, Uint8Array, Uint8Array];
  for (let i = 0; i < votes.length; i++) {
    const s = (seen[i]! + v0[i]! + v1[i]! + v2[i]!) & 255;
    const c = (votes[i]! + w0[i]! + w1[i]! + w2[i]!) & 255;
    seen[i] = s;
    votes[i] = c;
    raw[i] = reachesShare(c, s, minShare) ? 1 : 0;
  }
}

/** The texture split's range in decades and its histogram's bins, as `otsuThreshold` takes them. */
const TEX_LO = -4;
const TEX_HI = 0;
const TEX_BINS = 256;
const TEX_SCALE = TEX_BINS / (TEX_HI - TEX_LO);

/** The histogram bin `otsuThreshold` puts `logTexture(s)` in. */
function textureBin(s: number): number {
  const b = Math.floor((logTexture(s) - TEX_LO) * TEX_SCALE);
  return b < 0 ? 0 : b >= TEX_BINS ? TEX_BINS - 1 : b;
}

/** The smallest positive float's bits for which `passes` holds, `passes` being monotone (0x7f800000 if none). */
function firstBitsWhere(passes: (s: number) => boolean): number {
  let lo = 0;
  let hi = 0x7f800000;
  if (passes(floatOfBits(lo))) return 0;
  if (!passes(floatOfBits(hi))) return hi;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (passes(floatOfBits(mid))) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * `textureBin` over the positive floats by their bits: `byPrefix[p]` the bin of the smallest float whose
 * upper 16 bits are p (such a prefix spans under 2^-7 of a value, 0.003 decades: two bins at most), `from[b]`
 * the first float's bits in bin b, and `past[b]` the first float's bits whose value is above bin b's lower
 * edge (those of bin b below it lie on the edge). Built once, by bisection: `textureBin` is monotone.
 */
let texTable: { byPrefix: Uint8Array; from: Uint32Array; past: Uint32Array } | null = null;

function textureTable() {
  if (texTable) return texTable;
  const from = new Uint32Array(TEX_BINS + 1);
  const past = new Uint32Array(TEX_BINS);
  for (let b = 0; b < TEX_BINS; b++) {
    from[b] = b === 0 ? 0 : firstBitsWhere((s) => textureBin(s) >= b);
    const edge = TEX_LO + b / TEX_SCALE;
    past[b] = firstBitsWhere((s) => logTexture(s) > edge);
  }
  from[TEX_BINS] = 0xffffffff;
  const byPrefix = new Uint8Array(0x10000);
  for (let p = 0; p < 0x7f81; p++) byPrefix[p] = textureBin(floatOfBits(p << 16));
  texTable = { byPrefix, from, past };
  return texTable;
}

/**
 * `splitOrAll(logTexture of each spread, mask, −4, 0, minSeparation)` without a logarithm per pixel or a
 * plane of them: each spread's histogram bin comes from its float bits (`textureTable`), with a count of
 * those not above their bin's lower edge, so Otsu's threshold t and both classes' counts are exact (a
 * value equal to t, the upper edge of the split's bin, is of the lower class). The classes' means are
 * bounded by their bins' edges; only when the bounds straddle `minSeparation` are the logarithms taken,
 * as `splitOrAll` sums them (sums of floats in doubles do not round, so their order does not matter).
 */
export function textureSplit(std: Float32Array, mask: Uint8Array, minSeparation: number): number {
  const { byPrefix, from, past } = textureTable();
  const hist = new Float64Array(TEX_BINS);
  const onEdge = new Float64Array(TEX_BINS);
  const bits = new Uint32Array(std.buffer, std.byteOffset, std.length);
  let total = 0;
  for (let i = 0; i < std.length; i++) {
    if (!mask[i]) continue;
    const u = bits[i]!;
    let b: number;
    let edge: boolean;
    if (u < 0x7f800001) {
      // A positive float or +∞: its prefix's bin, then on past the edges it reaches.
      b = byPrefix[u >>> 16]!;
      while (u >= from[b + 1]!) b++;
      edge = u < past[b]!;
    } else {
      // NaN or negative: as `logTexture` reads it.
      b = textureBin(std[i]!);
      edge = logTexture(std[i]!) <= TEX_LO + b / TEX_SCALE;
    }
    hist[b]!++;
    if (edge) onEdge[b]!++;
    total++;
  }
  const t = otsuOfHistogram(hist, total, TEX_LO, TEX_HI);
  // The split's bin is the one whose upper edge t is; the next bin's values on its lower edge equal t.
  const split = Math.round((t - TEX_LO) * TEX_SCALE) - 1;
  let n0 = 0;
  let lo0 = 0;
  let hi0 = 0;
  let lo1 = 0;
  let hi1 = 0;
  for (let b = 0; b < TEX_BINS; b++) {
    const h = hist[b]!;
    const a = TEX_LO + b / TEX_SCALE;
    const z = TEX_LO + (b + 1) / TEX_SCALE;
    if (b <= split) {
      n0 += h;
      lo0 += h * a;
      hi0 += h * z;
    } else if (b === split + 1) {
      const e = onEdge[b]!;
      n0 += e;
      lo0 += e * a;
      hi0 += e * a;
      lo1 += (h - e) * a;
      hi1 += (h - e) * z;
    } else {
      lo1 += h * a;
      hi1 += h * z;
    }
  }
  const n1 = total - n0;
  if (!n0 || !n1) return Number.POSITIVE_INFINITY;
  // The top bin holds every value above its lower edge: no upper bound there.
  const bounded = !hist[TEX_BINS - 1];
  const slack = 1e-9;
  if (bounded && hi1 / n1 - lo0 / n0 < minSeparation - slack) return Number.POSITIVE_INFINITY;
  if (bounded && lo1 / n1 - hi0 / n0 >= minSeparation + slack) return t;
  // Too near to tell: `splitOrAll`'s own sums.
  let s0 = 0;
  let s1 = 0;
  for (let i = 0; i < std.length; i++) {
    if (!mask[i]) continue;
    const v = logTexture(std[i]!);
    if (v <= t) s0 += v;
    else s1 += v;
  }
  return s1 / n1 - s0 / n0 < minSeparation ? Number.POSITIVE_INFINITY : t;
}

/** Least distance between water's and land's hue (shares of red and blue) for hue to tell them
 * apart: generated harbours' water lies 0.16 from their grey quays, noise on one grey moves it < 0.01. */
const MIN_HUE_GAP = 0.05;
const HUE_BINS = 1024;
/** Fewer sampled pixels than this of either class give no hue to compare with. */
const MIN_CLASS_PX = 25;
const HUE_STRIDE = 3;

/**
 * Drops from `water` (this date's own open water, 1/0 over `block`) the pixels whose hue is nearer
 * the land's than the water's. A ship's shadow on a pier or quay is dark and smooth like water, but
 * shade dims every band by about one factor and keeps the ground's hue (grey concrete stays grey),
 * while open water, lit or shaded, keeps water's hue (red well under green). A ship that lay at a
 * pier for the series' first two dates cast its shadow on the pier on both: kept as sightings, that
 * patch of pier was water for good (seed 551177; on other seeds, slivers along pier faces).
 * Hue is the colour's share in red and in blue (green's follows); each class's hue is its median
 * over the block. Without the three bands, without both classes, or where water and land share a hue,
 * `water` is left as it is.
 */
export function keepWaterHued(block: Block, water: Uint8Array): void {
  const bands = (['red', 'green', 'blue'] as const).map((r) => block.bands[block.roles.indexOf(r)]);
  if (bands.some((b) => !b)) return;
  const [r, g, b] = bands as [Float32Array, Float32Array, Float32Array];
  const n = water.length;
  // Each class's hue: medians by histogram over every HUE_STRIDE-th pixel, which a median needs no
  // more of (sorting every pixel's shares took 0.5 s CPU per 3072² tile; this 0.11–0.16 s).
  const hist = [0, 1].map(() => [new Uint32Array(HUE_BINS), new Uint32Array(HUE_BINS)] as const);
  const count = [0, 0];
  for (let i = 0; i < n; i += HUE_STRIDE) {
    const s = r[i]! + g[i]! + b[i]!;
    if (!block.valid[i] || !(s > 1e-6)) continue;
    const cls = water[i]!;
    countCapped(hist[cls]![0], (r[i]! / s) * HUE_BINS);
    countCapped(hist[cls]![1], (b[i]! / s) * HUE_BINS);
    count[cls]!++;
  }
  if (count[0]! < MIN_CLASS_PX || count[1]! < MIN_CLASS_PX) return;
  const [lr, lb] = [histogramMedian(hist[0]![0], count[0]!), histogramMedian(hist[0]![1], count[0]!)];
  const [wr, wb] = [histogramMedian(hist[1]![0], count[1]!), histogramMedian(hist[1]![1], count[1]!)];
  // Water as grey as the land (haze, a grey sea): hue tells nothing here.
  if (Math.hypot(wr - lr, wb - lb) < MIN_HUE_GAP) return;
  for (let i = 0; i < n; i++) {
    if (!water[i]) continue;
    const s = r[i]! + g[i]! + b[i]!;
    if (!(s > 1e-6)) continue;
    const sr = r[i]! / s;
    const sb = b[i]! / s;
    if ((sr - lr) ** 2 + (sb - lb) ** 2 < (sr - wr) ** 2 + (sb - wb) ** 2) water[i] = 0;
  }
}

/**
 * Water (1) within a block. With a NIR band: NDWI of the median over dates, split at the valley of
 * its histogram (sought in −0.1…0.3, around the customary 0), less pixels as NIR-bright as land. Without: the per-date luminance median is
 * dark and smooth on water (ships move between dates; the median sees the water under them).
 * Then small water bodies are dropped and holes smaller than a large ship are filled.
 */
export function waterMask(
  block: Block,
  {
    others = [],
    gsdM = 1,
    maxShipLengthM = 400,
    maxShipBeamM = 70,
    minWaterAreaM2 = 5_000,
    ndwiRange = [-0.1, 0.3],
    minWaterShare = 0.2,
    minWaterPx = 200,
    berths = true,
    coarseBerths = true,
    seen,
    neverSeen,
    dateWater,
    berthed,
  }: WaterOptions = {},
): Uint8Array {
  const { width, height } = block.window;
  const n = width * height;
  others.forEach((o, i) => {
    checkSameWindow(block, o, i);
  });
  const dates = [block, ...others];
  const px = gsdM * gsdM;
  const raw = new Uint8Array(n);

  // Each date is classified with thresholds taken from the per-pixel median over dates; a pixel is
  // water if it is water on at least `minWaterShare` of its valid dates. A ship that stays at its berth
  // for most dates is still seen as water on the dates it was away; a pier is never water.
  const votes = new Uint8Array(n);
  const seenBy = new Uint8Array(n);
  // Each date's vote, and the date, for the shade among them (countShadeVotes); this date first.
  const voted: Uint8Array[] = [];
  const voters: Block[] = [];
  const indices = dates.map(ndwi);
  if (indices[0]) {
    const usable = indices.flatMap((p, d) => (p ? [{ p, v: dates[d]!.valid, block: dates[d]! }] : []));
    const { median, valid } = medianOverDates(
      usable.map((u) => u.p),
      usable.map((u) => u.v),
      n,
    );
    const t = valleyThreshold(median, valid, ndwiRange[0], ndwiRange[1]);
    for (const u of usable) {
      const w = ndwiWater(u.p, u.v, t, u.block.bands[u.block.roles.indexOf('nir')]!);
      voted.push(w);
      voters.push(u.block);
      if (dateWater && u.block === block) dateWater.set(w);
    }
  } else {
    const lums = dates.map(luminance);
    const { median, valid } = medianOverDates(
      lums,
      dates.map((d) => d.valid),
      n,
    );
    // Texture over ~8 m: ripples on water are finer and fainter than roofs, cranes and yards.
    const r = Math.max(1, Math.round(4 / gsdM));
    // A window of open water has no land to split off: when Otsu's two classes lie closer than land
    // and water ever do (0.1 in level, 0.35 decades in texture), everything passes that test.
    const tDark = darkLimit(median, valid, splitOrAll(median, valid, 0, 1, 0.1));
    const tTex = textureSplit(maskedStd(median, valid, width, height, r), valid, 0.35);
    // Each date's texture is only compared with tTex: as the spread it stands for (a logarithm per
    // pixel was the heaviest line of the detect stage).
    const smooth = smoothSpread(tTex);
    for (const [k, d] of dates.entries()) {
      const lum = lums[k]!;
      const w = darkFlatWater(lum, d.valid, tDark, smooth, width, height, r);
      voted.push(w);
      voters.push(d);
      if (dateWater && k === 0) dateWater.set(w);
    }
  }
  tallyVotes(
    voted,
    voters.map((v) => v.valid),
    minWaterShare,
    { votes, seen: seenBy },
    raw,
  );
  // A hull's shadow across a pier's deck on one of `others` is dark and smooth as water is, and too
  // deep and too blue (skylight alone) for the shade test: its vote made a strip of lit deck water,
  // which the detector took for a bright hull along the pier's face (32558 pier-1, 2025-12-14 and
  // 12-16, from a 143 m hull's shadow on 11-13). The memory kept nothing of that vote. (`voted[0]` is
  // this date's own vote in both branches above.)
  if (neverSeen) keepOwnVote(raw, voted[0]!, neverSeen, width, height, Math.max(1, Math.round(3 / gsdM)));
  const shaded = new Uint8Array(n);
  countShadeVotes(voters, voted, { votes, seen: seenBy }, shaded);
  // Water no date saw as shade is not shade-only (most of it: the test is skipped there).
  dropShadeNotches(raw, width, height, shadeOnly(raw, shaded, seen, votes, seenBy, minWaterShare));
  // Water seen on the site's earlier dates votes too: a ship that has lain at its berth over all of
  // `others` is still on water. (Kept only where what it adds is a beam wide, to drop slivers along
  // quay faces, it lost on the held-out seed: 0.838 → 0.959.)
  if (seen) orInPlace(raw, seen);
  // What the memory keeps is open water: a shadow on the quay, dark and smooth as water is, keeps
  // the quay's hue (keepWaterHued).
  if (dateWater) keepWaterHued(block, dateWater);
  // Opening: water thinner than ~6 m is a dark track bed, kerb or shadow line, and could otherwise
  // enclose a quay apron that hole filling would then take for a ship.
  // At coarse GSD one pixel is already wider than such lines, and opening would eat real water.
  if (gsdM <= 3) {
    const r = Math.max(1, Math.round(3 / gsdM));
    openInPlace(raw, width, height, r);
    if (dateWater) openInPlace(dateWater, width, height, r);
  }

  // Drop small water bodies; 8-connected so a one-pixel channel still joins.
  keepLarge(raw, width, height, Math.max(minWaterPx, minWaterAreaM2 / px));
  const out = raw;

  // Fill holes: 4-connected non-water not touching the block edge, up to a large ship's footprint
  // (its bounding square, as a moored ship may lie diagonally).
  fillHoles(out, width, height, (maxShipLengthM * Math.max(maxShipBeamM, maxShipLengthM * 0.25)) / px);
  // Hulls moored at a quay or pier are land to the water tests (at 1 m the narrow water between hull
  // and pier does not survive the opening; at 10 m no water shows between hull and quay at all).
  if (berths && (gsdM <= 3 || coarseBerths)) {
    const hulls =
      gsdM <= 3
        ? berthedHulls(block, out, block.valid, { gsdM, others, neverSeen })
        : mooredHullsCoarse(block, out, block.valid, { gsdM });
    // Hulls are few: `berthed` is cleared, then only their pixels are visited.
    berthed?.fill(0);
    addHulls(out, hulls, berthed ?? null);
  }
  return out;
}

/**
 * Clears from `raw` the water at `neverSeen` pixels that this date's own vote (`own`) does not hold,
 * where it is a patch at least a square of side 2r + 1 wide (a shadow across a deck): the memory keeps
 * the shore's rim thinner than the votes do (its opening, mixed pixels' hue), and that rim, 1–3 px
 * of other dates' water along a shore, is left (clearing it too lost hulls at 506327's quays).
 */
function keepOwnVote(
  raw: Uint8Array,
  own: Uint8Array,
  neverSeen: Uint8Array,
  width: number,
  height: number,
  r: number,
): void {
  const others = new Uint8Array(raw.length);
  let any = false;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] && neverSeen[i] && !own[i]) {
      others[i] = 1;
      any = true;
    }
  }
  if (!any) return;
  openInPlace(others, width, height, r);
  for (let i = 0; i < raw.length; i++) if (others[i]) raw[i] = 0;
}

/** Sets `hulls` in `out`; in `berthed` (when given), the hull pixels `out` did not hold yet. */
function addHulls(out: Uint8Array, hulls: Uint8Array, berthed: Uint8Array | null): void {
  for (let i = 0; i < out.length; i++) {
    if (!hulls[i]) continue;
    if (berthed) berthed[i] = hulls[i]! & (out[i]! ^ 1);
    out[i]! |= hulls[i]!;
  }
}

/**
 * The water of `raw` only shadows made: seen as shade on some date, not in the site's memory `seen`, and
 * short of the share without its shade votes. A mask, not a predicate closed over the zone's arrays: its
 * optimised code was thrown away with each zone's instance.
 */
function shadeOnly(
  raw: Uint8Array,
  shaded: Uint8Array,
  seen: Uint8Array | undefined,
  votes: Uint8Array,
  seenBy: Uint8Array,
  minShare: number,
): Uint8Array {
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] && shaded[i]! > 0 && !seen?.[i] && !reachesShare(votes[i]! - shaded[i]!, seenBy[i]!, minShare)) {
      out[i] = 1;
    }
  }
  return out;
}

/** Whether `votes` reach `minShare` of the `seen` dates that saw a pixel (one vote and one date at least). */
function reachesShare(votes: number, seen: number, minShare: number): boolean {
  return seen > 0 && votes >= Math.max(1, minShare * seen);
}

/** One date's water by its water index over `t`, less what is brighter in the near infrared than water is (`nirCeiling`). */
function ndwiWater(index: Float32Array, valid: Uint8Array, t: number, nir: Float32Array): Uint8Array {
  const n = index.length;
  const w = new Uint8Array(n);
  for (let i = 0; i < n; i++) w[i] = valid[i] && index[i]! > t ? 1 : 0;
  const cap = nirCeiling(nir, w, valid);
  for (let i = 0; i < n; i++) if (nir[i]! > cap) w[i] = 0;
  return w;
}

/**
 * One date's water without a water index: dark (`tDark`) and smooth over a window of radius `r`, and
 * the dark pixels within `r` of such a pixel (the texture window straddles the shore; the dark pixels
 * it took from the water's edge are given back): 1 where a pixel is valid and dark and some valid dark
 * pixel within `r` (itself included) is smooth.
 * The block is cut in (2r + 1)² tiles, and the spread is first taken at each tile's centre only, its
 * window summed alone (`windowStd`, the sweep's value): a smooth dark centre makes every valid dark
 * pixel of its tile water (all lie within `r` of it), which settles open water. The sweep then runs
 * only over the tiles around those with a dark pixel left unsettled (shores, hulls, rough water):
 * every pixel within `r` of such a pixel, whose smoothness decides it. The same mask as the spread
 * of every pixel, at a fraction of the sweep where water is open (an anchorage's window).
 */
export function darkFlatWater(
  lum: Float32Array,
  valid: Uint8Array,
  tDark: number,
  smooth: ReturnType<typeof smoothSpread>,
  width: number,
  height: number,
  r: number,
): Uint8Array {
  const n = width * height;
  const side = 2 * r + 1;
  const tw = Math.ceil(width / side);
  const th = Math.ceil(height / side);
  // Per tile: SETTLED (its centre is smooth and dark), OPEN (a dark pixel is left to decide), or LAND.
  const state = new Uint8Array(tw * th);
  const open = tileStates(lum, valid, tDark, smooth, width, height, r, state);
  const w = new Uint8Array(n);
  let near: Uint8Array | null = null;
  if (open) {
    // Every tile next to an open one holds pixels within r of it: the spread is taken there.
    const need = new Uint8Array(n);
    // The wanted tiles, as x0, x1, y0, y1 (pixels).
    const spans = wantedTiles(state, width, height, side, need);
    const std = maskedStdRows(lum, valid, width, height, r, need, WATER_STD_BAND);
    smoothDark(lum, valid, tDark, smooth, std, width, spans, need);
    near = dilate(need, width, height, r);
  }
  fillWater(lum, valid, tDark, state, width, height, side, near, w);
  return w;
}

/**
 * Whether a pixel's spread `s` is smooth enough for water (`smoothSpread`'s test): NaN, 0 and spreads up
 * to the floor all read as the floor, as in `logTexture`. A function taking the limits as data, not a
 * closure made per date: its optimised code was thrown away with each zone's instance.
 */
function isFlat(s: number, smooth: ReturnType<typeof smoothSpread>): boolean {
  return s > TEXTURE_FLOOR ? s <= smooth.maxSpread : smooth.floorPasses;
}

/**
 * darkFlatWater's tiles (side 2r + 1) into `state`: SETTLED where the centre is valid, dark and smooth
 * (its window's spread alone, `windowStd`), OPEN where a valid dark pixel is left to decide, else
 * LAND; how many are open. Each of darkFlatWater's loops is a function of its own (see mask-loops.ts).
 */
function tileStates(
  lum: Float32Array,
  valid: Uint8Array,
  tDark: number,
  smooth: ReturnType<typeof smoothSpread>,
  width: number,
  height: number,
  r: number,
  state: Uint8Array,
): number {
  const side = 2 * r + 1;
  const tw = Math.ceil(width / side);
  const th = Math.ceil(height / side);
  let open = 0;
  for (let ty = 0; ty < th; ty++) {
    const y0 = ty * side;
    const y1 = Math.min(height, y0 + side);
    for (let tx = 0; tx < tw; tx++) {
      const x0 = tx * side;
      const x1 = Math.min(width, x0 + side);
      const cx = x0 + r;
      const cy = y0 + r;
      const c = cy * width + cx;
      if (
        cx < width &&
        cy < height &&
        valid[c] &&
        lum[c]! <= tDark &&
        isFlat(windowStd(lum, valid, width, height, cx, cy, r), smooth)
      ) {
        state[ty * tw + tx] = SETTLED;
        continue;
      }
      let dark = false;
      for (let y = y0; y < y1 && !dark; y++)
        for (let i = y * width + x0; i < y * width + x1; i++) {
          if (valid[i] && lum[i]! <= tDark) {
            dark = true;
            break;
          }
        }
      state[ty * tw + tx] = dark ? OPEN : LAND;
      if (dark) open++;
    }
  }
  return open;
}

/** Into `need`, the pixels of the tiles next to an OPEN one (itself included); those tiles as x0, x1, y0, y1. */
function wantedTiles(state: Uint8Array, width: number, height: number, side: number, need: Uint8Array): number[] {
  const tw = Math.ceil(width / side);
  const th = Math.ceil(height / side);
  const spans: number[] = [];
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      let wanted = false;
      for (let v = Math.max(0, ty - 1); v <= Math.min(th - 1, ty + 1) && !wanted; v++)
        for (let u = Math.max(0, tx - 1); u <= Math.min(tw - 1, tx + 1); u++)
          if (state[v * tw + u] === OPEN) wanted = true;
      if (!wanted) continue;
      const x0 = tx * side;
      const x1 = Math.min(width, x0 + side);
      for (let y = ty * side; y < Math.min(height, ty * side + side); y++) need.fill(1, y * width + x0, y * width + x1);
      spans.push(x0, x1, ty * side, Math.min(height, ty * side + side));
    }
  }
  return spans;
}

/** Only the wanted tiles (`spans`) hold `need` pixels: each is kept where it is valid, dark and smooth (`std`). */
function smoothDark(
  lum: Float32Array,
  valid: Uint8Array,
  tDark: number,
  smooth: ReturnType<typeof smoothSpread>,
  std: Float32Array,
  width: number,
  spans: number[],
  need: Uint8Array,
): void {
  for (let k = 0; k < spans.length; k += 4) {
    for (let y = spans[k + 2]!; y < spans[k + 3]!; y++) {
      for (let i = y * width + spans[k]!; i < y * width + spans[k + 1]!; i++)
        need[i] = valid[i] && lum[i]! <= tDark && isFlat(std[i]!, smooth) ? 1 : 0;
    }
  }
}

/** darkFlatWater's answer into `w`: dark valid pixels of SETTLED tiles, and of OPEN ones where `near` is set. */
function fillWater(
  lum: Float32Array,
  valid: Uint8Array,
  tDark: number,
  state: Uint8Array,
  width: number,
  height: number,
  side: number,
  near: Uint8Array | null,
  w: Uint8Array,
): void {
  const tw = Math.ceil(width / side);
  for (let y = 0; y < height; y++) {
    const row = (Math.floor(y / side) * tw) | 0;
    // A run of tiles in one state at a time (open water and land come in long runs): one loop over
    // the run, not one per tile of 2r + 1 pixels.
    let tx = 0;
    while (tx < tw) {
      const s = state[row + tx];
      let end = tx + 1;
      while (end < tw && state[row + end] === s) end++;
      const x0 = y * width + tx * side;
      const x1 = y * width + Math.min(width, end * side);
      tx = end;
      if (s === LAND) continue;
      if (s === SETTLED) for (let i = x0; i < x1; i++) w[i] = valid[i] && lum[i]! <= tDark ? 1 : 0;
      else for (let i = x0; i < x1; i++) w[i] = valid[i] && lum[i]! <= tDark ? near![i]! : 0;
    }
  }
}

/** `darkFlatWater`'s tiles: settled as water by their centre, open (a dark pixel to decide), land (none). */
const SETTLED = 1;
const OPEN = 2;
const LAND = 3;

/** Column band of the spread's sweep in `darkFlatWater` (narrow: its windows are a few pixels wide). */
const WATER_STD_BAND = 64;

/**
 * `maskedStd(values, weight, …, r)` at (x, y) alone: each row's masked sums over the window in doubles
 * stored as floats, summed down the window in doubles and stored as floats, as the sweep's running sums
 * hold them (sums of floats in doubles do not round), then the same division and root.
 */
export function windowStd(
  values: Float32Array,
  weight: Uint8Array,
  width: number,
  height: number,
  x: number,
  y: number,
  r: number,
): number {
  const x0 = Math.max(0, x - r);
  const x1 = Math.min(width - 1, x + r);
  let s1 = 0;
  let s2 = 0;
  let c = 0;
  for (let yy = Math.max(0, y - r); yy <= Math.min(height - 1, y + r); yy++) {
    const row = yy * width;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let i = row + x0; i <= row + x1; i++) {
      const m = weight[i]!;
      if (!m) continue;
      const v = values[i]!;
      a1 += v;
      a2 += Math.fround(v * v);
      a3 += m;
    }
    s1 += Math.fround(a1);
    s2 += Math.fround(a2);
    c += Math.fround(a3);
  }
  const k = Math.fround(c);
  if (k < 1) return Number.NaN;
  const mean = Math.fround(s1) / k;
  return Math.fround(Math.sqrt(Math.max(0, Math.fround(s2) / k - mean * mean)));
}

/** A morphological opening of radius `r`, in place. */
function openInPlace(mask: Uint8Array, width: number, height: number, r: number): void {
  const opened = dilate(erode(mask, width, height, r), width, height, r);
  for (let i = 0; i < mask.length; i++) mask[i]! &= opened[i]!;
}
