/**
 * Detections that are a fixed feature of the shore, not a hull: a bank's shallow slope (a grassy bank
 * beside a quay's corner) or the fringe along a face that the water mask keeps as water, a little
 * brighter than the water (≈ 1.4 × its level), the same on every date. The detector reads such a
 * strip as a pale hull moored there (vessel-errors: east-quay on 656465, 506327, 154862). A hull is
 * either far brighter than the water (a deck several times its level), darker (a dark deck), or, when
 * faint, came or went; a strip that keeps its ratio to the water on each earlier date and lies against
 * the land is the shore.
 */
import { chessboardDistance } from './box-filter.ts';
import { notMask } from './mask-loops.ts';
import { kthOf } from './median.ts';
import type { Block, PixelBox } from './types.ts';

export interface FixedShoreOptions {
  /** A box pixel stands out from the water around it by this relative RMS step over bands. */
  minStep?: number;
  /** Same ratio to the water around (per band, in units of the water's level) within this on every other date. */
  maxRatioShift?: number;
  /** Dropped when at least this share of its standing-out pixels keep their ratio… */
  minSameShare?: number;
  /** …and at least this share of them lie next to land (within `shoreReach`)… */
  minShoreShare?: number;
  /** …judged on at least this many other dates… */
  minOthers?: number;
  /** …and the median of their ratio to the water (mean over bands) is at most this: faint. */
  maxRatio?: number;
  /** Next to land: within this many pixels (chessboard). */
  shoreReach?: number;
}

/** Pixel indices inside `b` (its rotated rectangle), clipped to the window. */
export function boxPixels(b: Omit<PixelBox, 'confidence'>, width: number, height: number): number[] {
  const c = Math.cos(b.angle);
  const s = Math.sin(b.angle);
  const hl = b.length / 2;
  const hw = b.width / 2;
  const r = Math.ceil(Math.hypot(hl, hw));
  const out: number[] = [];
  const xa = Math.max(0, Math.floor(b.cx - r));
  const xb = Math.min(width - 1, Math.ceil(b.cx + r));
  for (let y = Math.max(0, Math.floor(b.cy - r)); y <= Math.min(height - 1, Math.ceil(b.cy + r)); y++) {
    // The row's columns the box can reach (each bound of |u|, |v| solved for x, a pixel of slack
    // against rounding), within the square: the same test below, over a long box's row, not the square's.
    const [x0, x1] = rowSpan(y - b.cy, c, s, hl, hw);
    for (let x = Math.max(xa, Math.floor(b.cx + x0) - 1); x <= Math.min(xb, Math.ceil(b.cx + x1) + 1); x++) {
      const u = (x - b.cx) * c + (y - b.cy) * s;
      const v = -(x - b.cx) * s + (y - b.cy) * c;
      if (Math.abs(u) <= hl && Math.abs(v) <= hw) out.push(y * width + x);
    }
  }
  return out;
}

/**
 * The offsets dx from the box's centre with |dx·c + dy·s| ≤ hl and |dy·c − dx·s| ≤ hw on the row dy
 * away from it (a bound whose factor is near 0 is left open; empty when lo > hi).
 */
export function rowSpan(dy: number, c: number, s: number, hl: number, hw: number): [number, number] {
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  if (Math.abs(c) > 1e-9) {
    const a = (-hl - dy * s) / c;
    const z = (hl - dy * s) / c;
    lo = Math.max(lo, Math.min(a, z));
    hi = Math.min(hi, Math.max(a, z));
  }
  if (Math.abs(s) > 1e-9) {
    const a = (dy * c - hw) / s;
    const z = (dy * c + hw) / s;
    lo = Math.max(lo, Math.min(a, z));
    hi = Math.min(hi, Math.max(a, z));
  }
  return [lo, hi];
}

/**
 * Per band, the median of `block` over the valid pixels of `ring` (null when none is valid): the
 * water's level, which a neighbouring hull in the ring does not move.
 */
function ringLevels(block: Block, ring: number[]): number[] | null {
  const v = new Float32Array(ring.length);
  const levels: number[] = [];
  for (const band of block.bands) {
    let n = 0;
    for (const i of ring) if (block.valid[i]) v[n++] = band[i]!;
    if (!n) return null;
    levels.push(Math.max(1e-4, kthOf(v.subarray(0, n), n >> 1)));
  }
  return levels;
}

/** RMS over bands of `block` at `i` in units of the water's level `m`, against `o` in `mo`'s. */
function ratioShift(block: Block, m: number[], o: Block, mo: number[], i: number): number {
  let s = 0;
  for (let k = 0; k < m.length; k++) s += (block.bands[k]![i]! / m[k]! - o.bands[k]![i]! / mo[k]!) ** 2;
  return Math.sqrt(s / m.length);
}

/**
 * Whether each box is a fixed feature of the shore. Its pixels that stand out from the water around it
 * (relative RMS step of `minStep` or more over bands, against the median of a ring of water-mask
 * pixels a few beams wide outside the box) and are brighter than it are judged: the box is the shore
 * when their median ratio to the water is faint (≤ `maxRatio`), at least `minSameShare` of them keep
 * that ratio within `maxRatioShift` on every other date (at least `minOthers` of them valid there;
 * the ratio, not the colour, as the water's own level shifts between dates), and at least
 * `minShoreShare` of them lie within `shoreReach` px of land. `water`: 1 = water (the detector's mask).
 * vessel-errors (all), MAE / found / hit: 154862 0.425 / 267 / 251 → 0.411 / 266 / 251, 656465 0.411 / 258 / 243 → 0.397 /
 * 257 / 243, 506327 0.744 / 151 / 143 → 0.718 / 150 / 143 (false:other 1 → 0, 8 → 7, 4 → 3: the bank
 * on dates with two or more earlier ones); 271411, 829304, 803377, 437051, 20251 unchanged (20251's
 * bank on 2025-05-14 keeps its ratio on only 0.43 of its pixels). On the three banks caught, 0.68,
 * 0.56, 0.86 of the pixels keep their ratio, 0.44–0.94 lie against land, median ratio 1.30–1.45.
 */
export function fixedShore(
  boxes: Array<Omit<PixelBox, 'confidence'>>,
  block: Block,
  others: Block[],
  water: Uint8Array,
  {
    minStep = 0.1,
    maxRatioShift = 0.15,
    minSameShare = 0.5,
    minShoreShare = 0.3,
    minOthers = 2,
    maxRatio = 1.6,
    shoreReach = 2,
  }: FixedShoreOptions = {},
): boolean[] {
  if (others.length < minOthers || !boxes.length) return boxes.map(() => false);
  const { width, height } = block.window;
  // The tests run cheapest first: a hull fails the brightness ones (most boxes), which read only this
  // date and the ring; the distance to land and the other dates' levels are taken only when needed.
  const judge: ShoreJudge = {
    block,
    others,
    water,
    width,
    height,
    inBox: new Uint8Array(water.length),
    toLand: undefined,
    opts: { minStep, maxRatioShift, minSameShare, minShoreShare, minOthers, maxRatio, shoreReach },
  };
  const out: boolean[] = [];
  for (const b of boxes) out.push(isFixedShore(b, judge));
  return out;
}

/**
 * What `fixedShore` judges each box with. The judgement is a function of its own, not a closure made
 * per call: V8 holds a closure's optimised code only while some instance of it lives, so a closure
 * made per zone was compiled again (and ran unoptimised meanwhile) after each full collection, 25
 * times in one 100 MP detect, ~5 s of TurboFan there.
 */
interface ShoreJudge {
  block: Block;
  others: Block[];
  water: Uint8Array;
  width: number;
  height: number;
  /** Zeros between boxes: a box's pixels are marked while its ring is gathered. */
  inBox: Uint8Array;
  /** The chessboard distance to land, taken when a box first needs it. */
  toLand: Uint16Array | undefined;
  opts: Required<FixedShoreOptions>;
}

/** `fixedShore`'s test of one box. */
function isFixedShore(b: Omit<PixelBox, 'confidence'>, j: ShoreJudge): boolean {
  const { block, others, water, width, height, inBox } = j;
  const { minStep, maxRatioShift, minSameShare, minShoreShare, minOthers, maxRatio, shoreReach } = j.opts;
  const px = boxPixels(b, width, height);
  for (const i of px) inBox[i] = 1;
  const ring = waterOutside(
    boxPixels({ ...b, length: b.length + 4 * b.width + 20, width: 3 * b.width + 20 }, width, height),
    water,
    inBox,
  );
  for (const i of px) inBox[i] = 0;
  const m = ringLevels(block, ring);
  if (!m) return false;
  const standing: number[] = [];
  const ratios: number[] = [];
  for (const i of px) {
    if (!water[i] || !block.valid[i]) continue;
    let s = 0;
    let q = 0;
    for (let k = 0; k < m.length; k++) {
      const r = block.bands[k]![i]! / m[k]!;
      s += (r - 1) ** 2;
      q += r / m.length;
    }
    // Brighter than the water, and faintly: a bank's slope or a face's fringe (darker is a dark deck).
    if (Math.sqrt(s / m.length) < minStep || q <= 1) continue;
    standing.push(i);
    ratios.push(q);
  }
  if (!standing.length) return false;
  ratios.sort(ascending);
  if (ratios[ratios.length >> 1]! > maxRatio) return false;
  j.toLand ??= chessboardDistance(notMask(water), width, height);
  const near = j.toLand;
  let nearLand = 0;
  for (const i of standing) if (near[i]! <= shoreReach) nearLand++;
  if (nearLand < minShoreShare * standing.length) return false;
  const mo = others.map((o) => ringLevels(o, ring));
  let same = 0;
  for (const i of standing) {
    let seen = 0;
    let kept = true;
    for (let k = 0; k < others.length; k++) {
      const o = others[k]!;
      const mk = mo[k];
      if (!mk || !o.valid[i]) continue;
      seen++;
      if (ratioShift(block, m, o, mk, i) >= maxRatioShift) kept = false;
    }
    if (seen >= minOthers && kept) same++;
  }
  return same >= minSameShare * standing.length;
}

const ascending = (a: number, b: number) => a - b;

/** The pixels of `px` on water and not marked in `inBox`, in order. */
function waterOutside(px: number[], water: Uint8Array, inBox: Uint8Array): number[] {
  const out: number[] = [];
  for (const i of px) if (water[i] && !inBox[i]) out.push(i);
  return out;
}
