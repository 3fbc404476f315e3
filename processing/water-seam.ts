/**
 * Hulls moored against a quay or pier whose deck has the quay's colour (a white or grey deck beside
 * concrete): the colour step of water-berths.ts cannot tell them from the land they lie against, and a
 * hull that stayed at its berth was never seen as water by the site's memory either. Their outline still
 * shows: the quay's or pier's face runs on beyond the hull's ends, and under the hull it is a seam, a
 * dark line (the gap between the hull's side and the face, the hull's shade on it) along the hull's
 * inboard side. A jetty or a platform built out from the quay carries on into the quay with no such line.
 */
import { type Component, componentOfPixels, componentShape, labelComponents } from './components.ts';
import { upperMedian } from './median.ts';
import { luminance } from './rgb-luminance.ts';
import type { Block } from './types.ts';

/** A seam is darker than the lightest land within a few pixels on both its sides by this factor. */
const SEAM_DEPTH = 0.8;
/** Share of the hull's stations (its middle 80 %) where the face line beyond its ends is such a seam. */
const SEAM_SHARE = 0.6;
/** A patch already kept on this share of the recovered hull's pixels is left as it was. */
const KEPT_SHARE = 0.5;

export interface SeamOptions {
  /** Narrowest hull, pixels. */
  minBeamPx: number;
  /** Widest raft of hulls abreast, pixels: the farthest a face line may lie behind the hull's outer side. */
  maxBeamPx: number;
  /** Longest hull, pixels. */
  maxLengthPx: number;
  /** Ground sample distance, metres: the seam's band and the light beside it are a few metres across. */
  gsdM: number;
}

/** A line through a candidate patch: its centre and unit vectors along it (u) and across it toward the water (v). */
interface Frame {
  cx: number;
  cy: number;
  ux: number;
  uy: number;
  vx: number;
  vy: number;
}

/**
 * Sets in `hulls`, in place, the hulls whose only trace is a patch of run candidates (`cand`, the land
 * jutting from a straight shore for less than a ship's length) that the colour step dropped: along the
 * patch, the water's edge (the hull's outer side) lies a beam or more out from the face line that the
 * water's edge follows beyond the patch's ends, and along that line under the hull runs a seam
 * (`SEAM_DEPTH`, on `SEAM_SHARE` of the stations). The land between the face line and the water over the
 * hull's length is the hull, kept where it has a hull's shape (`hullShaped`).
 */
export function seamedHulls(
  hulls: Uint8Array,
  cand: Uint8Array,
  water: Uint8Array,
  block: Block,
  opts: SeamOptions,
  hullShaped: (c: Component) => boolean,
): void {
  const { width, height } = block.window;
  const { components } = labelComponents(cand, width, height, { connectivity: 8 });
  if (!components.length) return;
  const lum = luminanceOf(block);
  for (const c of components) {
    if (c.area < opts.minBeamPx * opts.minBeamPx) continue;
    const pixels = seamedHull(c, water, lum, block, opts);
    if (!pixels?.length) continue;
    let kept = 0;
    for (const p of pixels) kept += hulls[p]!;
    if (kept >= KEPT_SHARE * pixels.length || !hullShaped(componentOfPixels(pixels, width))) continue;
    for (const p of pixels) hulls[p] = 1;
  }
}

/** The visible bands' mean (water.ts `luminance`), with invalid pixels at -1 (never read as a seam nor as the light beside one). */
function luminanceOf(block: Block): Float32Array {
  const out = luminance(block);
  for (let i = 0; i < out.length; i++) if (!block.valid[i]) out[i] = -1;
  return out;
}

/** The pixels of the hull the seam outlines around candidate patch `c`, or null where none is. */
function seamedHull(
  c: Component,
  water: Uint8Array,
  lum: Float32Array,
  block: Block,
  opts: SeamOptions,
): number[] | null {
  const { width, height } = block.window;
  const frame = frameOf(c, water, width, height, Math.round(opts.minBeamPx), opts.maxBeamPx);
  if (!frame) return null;
  const reach = opts.maxBeamPx + opts.minBeamPx;
  const edgeAt = (t: number) => waterEdge(frame, t, water, width, height, reach);
  // The hull's outer side: the water's edge along the patch's middle.
  const { major } = componentShape(c);
  const half = Math.max(1, Math.round(Math.sqrt(3) * major * 0.6));
  const middle: number[] = [];
  for (let t = -half; t <= half; t++) {
    const e = edgeAt(t);
    if (e !== null && !Number.isNaN(e)) middle.push(e);
  }
  if (middle.length < half) return null;
  const outer = upperMedian(middle);
  const a = hullEnd(edgeAt, outer, -1, opts);
  const b = hullEnd(edgeAt, outer, 1, opts);
  if (!a || !b) return null;
  // Where the shore is known beyond both ends it is one face, the hull's berth: faces apart by more
  // than a beam are a bend or a step of the quay, and the land before them no hull. Within a beam they
  // are one face read unevenly (a fender, a bollard's or a crane's shade at one end: 132971 pier-2's
  // 56 m hull on 2025-04-14 reads faces 4–5 px apart at 1 m).
  if (a.face !== null && b.face !== null && Math.abs(a.face - b.face) > Math.max(2, opts.minBeamPx)) return null;
  const face = acceptedFace(frame, a, b, outer, lum, width, height, opts);
  return face === null ? null : hullPixels(frame, a.t, b.t, face, outer, water, block.valid, width, height);
}

/**
 * The face line, of the two ends' (`a`, `b`), that lies a beam to a raft's width inside the hull's outer
 * side and runs as a seam under the hull's middle 80 %; null where neither does or the hull is too long.
 */
function acceptedFace(
  frame: Frame,
  a: { t: number; face: number | null },
  b: { t: number; face: number | null },
  outer: number,
  lum: Float32Array,
  width: number,
  height: number,
  opts: SeamOptions,
): number | null {
  const length = b.t - a.t;
  if (length > opts.maxLengthPx) return null;
  const trim = Math.round(0.1 * length);
  for (const { face } of [a, b]) {
    if (face === null) continue;
    const depth = outer - face;
    if (depth < opts.minBeamPx || depth > opts.maxBeamPx) continue;
    if (seamShare(frame, a.t + trim, b.t - trim, face, lum, width, height, 1 / opts.gsdM) >= SEAM_SHARE) return face;
  }
  return null;
}

/**
 * The patch's centre and the axis of the water's edge beside it (the hull's outer side: the patch's own
 * moments, a fragment the colour step and the opening left, may lie askew of the hull), with the water
 * on the positive side across it: the side where water lies nearer the centre (within `reach`); null
 * where neither side meets water or no edge lies within `margin` of the patch's box.
 */
function frameOf(
  c: Component,
  water: Uint8Array,
  width: number,
  height: number,
  margin: number,
  reach: number,
): Frame | null {
  const { cx, cy } = componentShape(c);
  const edge = shoreNear(c, water, width, height, margin);
  if (edge.length < 3) return null;
  const { angle } = componentShape(componentOfPixels(edge, width));
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  let best = 0;
  for (let k = 1; k <= reach && !best; k++) {
    for (const s of [1, -1]) {
      const x = Math.round(cx - s * k * uy);
      const y = Math.round(cy + s * k * ux);
      if (x >= 0 && y >= 0 && x < width && y < height && water[y * width + x]) {
        best = s;
        break;
      }
    }
  }
  if (!best) return null;
  return { cx, cy, ux, uy, vx: -best * uy, vy: best * ux };
}

/** The land pixels with water 4-beside them within `margin` of patch `c`'s box. */
function shoreNear(c: Component, water: Uint8Array, width: number, height: number, margin: number): number[] {
  const out: number[] = [];
  const x0 = Math.max(1, c.minX - margin);
  const x1 = Math.min(width - 2, c.maxX + margin);
  const y0 = Math.max(1, c.minY - margin);
  const y1 = Math.min(height - 2, c.maxY + margin);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = y * width + x;
      if (!water[i] && (water[i - 1] || water[i + 1] || water[i - width] || water[i + width])) out.push(i);
    }
  }
  return out;
}

/**
 * The offset across the frame, at station t along it, of the outermost land before the water: walked
 * in from `reach` out on the water's side (from where it enters the block), over water to the first land.
 * NaN where the station itself or the walk past the water lies off the block; null where it meets no
 * water, or no land within `reach` of the line.
 */
function waterEdge(
  f: Frame,
  t: number,
  water: Uint8Array,
  width: number,
  height: number,
  reach: number,
): number | null {
  let seenWater = false;
  for (let o = reach; o >= -reach; o--) {
    const x = Math.round(f.cx + t * f.ux + o * f.vx);
    const y = Math.round(f.cy + t * f.uy + o * f.vy);
    if (x < 0 || y < 0 || x >= width || y >= height) {
      // Off the block out on the water's side: walk on in until the water is met. Off it on the land's
      // side, or at the station itself: the edge there is not seen.
      if (o > 0 && !seenWater) continue;
      return Number.NaN;
    }
    if (water[y * width + x]) seenWater = true;
    else if (seenWater) return o;
  }
  return null;
}

/**
 * Where the hull ends on one side (`dir`) along the frame: the first station from which the water's edge
 * lies a narrowest beam or more inside the hull's outer side (`outer`) for a beam's length, or is
 * unknown. `face`: the median edge over the next beam's length of stations (a beam past the bow's
 * taper), the face the shore follows beyond the hull; null where the shore there is unknown (the
 * block's edge, open water). No end (null) where a station's walk across leaves the block first: an end
 * not seen is none, and a hull within a raft's reach of the window's edge is left to the other tests.
 */
function hullEnd(
  edgeAt: (t: number) => number | null,
  outer: number,
  dir: number,
  opts: SeamOptions,
): { t: number; face: number | null } | null {
  const beam = Math.max(2, Math.round(opts.minBeamPx));
  let inside = 0;
  for (let k = 0; k <= opts.maxLengthPx; k++) {
    const e = edgeAt(dir * k);
    // The block's edge before the hull's end: an end not seen is none (a strip of apron runs on out of it).
    if (Number.isNaN(e)) return null;
    if (e !== null && e > outer - opts.minBeamPx) {
      inside = 0;
      continue;
    }
    if (++inside < beam) continue;
    const end = dir * (k - beam + 1);
    // Past the bow's taper: a beam on, over a beam's length.
    const beyond: number[] = [];
    for (let j = 0; j < beam; j++) {
      const b = edgeAt(end + dir * (beam + j));
      if (b !== null && !Number.isNaN(b)) beyond.push(b);
    }
    return { t: end, face: beyond.length * 2 > beam ? upperMedian(beyond) : null };
  }
  return null;
}

/**
 * The share of the stations from t0 to t1 where the face line (`face`, −1 to +2 m: the gap just off the
 * face) is a seam: its darkest pixel darker by `SEAM_DEPTH` than the lightest within 2–4 m on the hull's
 * side and on the quay's side; 0 where the line is no seam in the mean over the stations (`seamLine`):
 * a textured apron has a dark pixel beside each station, but not along one line.
 */
function seamShare(
  f: Frame,
  t0: number,
  t1: number,
  face: number,
  lum: Float32Array,
  width: number,
  height: number,
  pxPerM: number,
): number {
  const at = (t: number, o: number) => {
    const x = Math.round(f.cx + t * f.ux + o * f.vx);
    const y = Math.round(f.cy + t * f.uy + o * f.vy);
    return x < 0 || y < 0 || x >= width || y >= height ? -1 : lum[y * width + x]!;
  };
  const band = [face - Math.max(1, Math.round(pxPerM)), face + Math.max(2, Math.round(2 * pxPerM))] as const;
  const side = [Math.max(2, Math.round(2 * pxPerM)), Math.max(4, Math.round(4 * pxPerM))] as const;
  const lo = Math.min(t0, t1);
  const hi = Math.max(t0, t1);
  if (!seamLine(at, lo, hi, band, side)) return 0;
  let seams = 0;
  for (let t = lo; t <= hi; t++) {
    const row = (o: number) => at(t, o);
    if (isSeam(row, band, side)) seams++;
  }
  return hi >= lo ? seams / (hi - lo + 1) : 0;
}

/** Whether the mean across the stations lo..hi of each offset (`at`, −1 where unknown) is a seam in `band`. */
function seamLine(
  at: (t: number, o: number) => number,
  lo: number,
  hi: number,
  band: readonly [number, number],
  side: readonly [number, number],
): boolean {
  const o0 = band[0] - side[1];
  const sum = new Float64Array(band[1] + side[1] - o0 + 1);
  const count = new Float64Array(sum.length);
  for (let t = lo; t <= hi; t++) {
    for (let k = 0; k < sum.length; k++) {
      const v = at(t, o0 + k);
      if (v < 0) continue;
      sum[k]! += v;
      count[k]!++;
    }
  }
  return isSeam((o) => (count[o - o0] ? sum[o - o0]! / count[o - o0]! : -1), band, side);
}

/**
 * Whether the profile across the face (`row`: luminance at an offset, −1 where unknown) has a seam in
 * `band`: its darkest there darker by `SEAM_DEPTH` than the lightest `side` pixels off it on both sides.
 */
function isSeam(row: (o: number) => number, band: readonly [number, number], side: readonly [number, number]): boolean {
  let dark = Number.POSITIVE_INFINITY;
  let darkAt = band[0];
  for (let o = band[0]; o <= band[1]; o++) {
    const v = row(o);
    if (v >= 0 && v < dark) {
      dark = v;
      darkAt = o;
    }
  }
  if (!Number.isFinite(dark)) return false;
  let hullSide = -1;
  let quaySide = -1;
  for (let k = side[0]; k <= side[1]; k++) {
    hullSide = Math.max(hullSide, row(darkAt + k));
    quaySide = Math.max(quaySide, row(darkAt - k));
  }
  return hullSide > 0 && quaySide > 0 && dark < SEAM_DEPTH * Math.min(hullSide, quaySide);
}

/** The valid land pixels between the face line and the hull's outer side (`outer`, ±1) over stations t0 to t1 (the hull's ends' stations included). */
function hullPixels(
  f: Frame,
  t0: number,
  t1: number,
  face: number,
  outer: number,
  water: Uint8Array,
  valid: Uint8Array,
  width: number,
  height: number,
): number[] {
  const seen = new Set<number>();
  // Half-pixel steps, so a frame askew of the grid leaves no pixel between two samples.
  for (let t = t0; t <= t1; t += 0.5) {
    for (let o = face + 1; o <= outer + 1; o += 0.5) {
      const x = Math.round(f.cx + t * f.ux + o * f.vx);
      const y = Math.round(f.cy + t * f.uy + o * f.vy);
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      const i = y * width + x;
      if (!water[i] && valid[i]) seen.add(i);
    }
  }
  return [...seen];
}
