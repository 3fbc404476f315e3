/**
 * Changes of light that no single-pixel test can tell from a darker surface: the penumbra of a cloud's
 * shadow dims the ground by 5–30 %, every band alike, too little for a cast shadow (change-shadow.ts)
 * and too much for a normalisation error. An object ends in a sharp edge, with unchanged ground
 * around it; a penumbra fades on into more shade (or into the cloud's shadow and the cloud, which are
 * masked or discounted): the ground around the changed blob is dimmed as well.
 */
import { bandRatio, type Rgb, SHADOW_FLOOR } from './change-shadow.ts';

/** Shallowest per-band ratio (darker over brighter) still taken for dimmed light, not noise. */
const DIMMED = 0.96;
/** Widest spread of the per-band ratios of dimmed light (skylight and haze make them uneven). */
const SPREAD = 0.12;
/** Darkest ground whose ratio means anything: dark water's is mostly noise. */
const MEASURABLE = 0.12;
/** Share of a blob's changed pixels that must be evenly dimmed. */
const BLOB_SHARE = 0.8;
/** Share of the measurable ground around it that must be dimmed too (or hidden by cloud). */
const AROUND_SHARE = 0.7;
/** How far out (px) the ground around a blob is read: past the smoothing box, so the blob's own blur is not read. */
const AROUND_PX = 4;

/** Direction of an even dimming at pixel i: 1 current darker, −1 previous darker, 0 not an even dimming. */
function dimming(p: Rgb, c: Rgb, i: number, shallowest: number): number {
  const pr = p.r[i]!;
  const pg = p.g[i]!;
  const pb = p.b[i]!;
  const cr = c.r[i]!;
  const cg = c.g[i]!;
  const cb = c.b[i]!;
  if (Math.max(pr, pg, pb, cr, cg, cb) < MEASURABLE) return 0;
  const down = (cr < pr ? 1 : 0) + (cg < pg ? 1 : 0) + (cb < pb ? 1 : 0);
  if (down !== 0 && down !== 3) return 0;
  const r = bandRatio(pr, cr);
  const g = bandRatio(pg, cg);
  const b = bandRatio(pb, cb);
  const lo = Math.min(r, g, b);
  const hi = Math.max(r, g, b);
  // Deeper than a shadow's floor, change-shadow.ts's cast-shadow test decides.
  if (hi > shallowest || lo < SHADOW_FLOOR || hi - lo > SPREAD) return 0;
  return down === 3 ? 1 : -1;
}

/**
 * Whether the changed blob whose pixels `eachPixel` visits (`inBlob` tells them, `changed` among them) is a gradient of light:
 * (a visit returning true asks `eachPixel` to stop: the answer is known)
 * nearly all its changed pixels dimmed evenly one way, and the measurable ground `AROUND_PX` outside it
 * dimmed the same way or hidden (`valid` 0 on either date: cloud). `changedCount`, if given, is how
 * many of the blob's pixels are `changed`.
 */
export function lightGradient(
  eachPixel: (visit: (i: number) => boolean | undefined) => void,
  inBlob: (i: number) => boolean,
  changed: (i: number) => boolean,
  p: Rgb,
  c: Rgb,
  validP: Uint8Array,
  validC: Uint8Array,
  w: number,
  h: number,
  changedCount?: number,
): boolean {
  let way = 0;
  let even = 0;
  let around = 0;
  let dimmedAround = 0;
  // The changed pixels first (a test of the distance alone; `changedCount` when the caller counted
  // them already): the evenness test, which reads both dates' colours, stops as soon as too many are
  // uneven for the blob to reach its share — most blobs are objects, uneven from their first pixels.
  let all = changedCount ?? 0;
  if (changedCount === undefined) {
    eachPixel((i) => {
      if (changed(i)) all++;
      return undefined;
    });
  }
  if (all === 0) return false;
  const enough = BLOB_SHARE * all;
  let uneven = 0;
  eachPixel((i) => {
    if (!changed(i)) return undefined;
    const d = dimming(p, c, i, DIMMED);
    if (d !== 0) {
      even++;
      way += d;
      return undefined;
    }
    uneven++;
    // Even if every pixel left were even, the blob would stay under its share.
    return all - uneven < enough;
  });
  if (even < enough) return false;
  const dir = Math.sign(way);
  if (dir === 0 || Math.abs(way) < BLOB_SHARE * even) return false;
  eachPixel((i) => {
    const x = i % w;
    const y = (i - x) / w;
    for (const [dx, dy] of STEPS) {
      const xx = x + dx * AROUND_PX;
      const yy = y + dy * AROUND_PX;
      if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
      const j = yy * w + xx;
      // Only from the blob's edge in that direction, to ground outside it.
      if (inBlob(i + dx + dy * w) || inBlob(j)) continue;
      if (!validP[j] || !validC[j]) {
        around++;
        dimmedAround++;
        continue;
      }
      if (Math.max(p.r[j]!, p.g[j]!, p.b[j]!, c.r[j]!, c.g[j]!, c.b[j]!) < MEASURABLE) continue;
      around++;
      if (dimming(p, c, j, DIMMED) === dir) dimmedAround++;
    }
    return undefined;
  });
  return around > 0 && dimmedAround >= AROUND_SHARE * around;
}

const STEPS: readonly (readonly [number, number])[] = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];

/**
 * One blob's pixels as decide (change.ts) holds them: runs `order[k]` for k in [from, to), run r
 * covering x in [start[r], end[r]) of row `row[r]` (raster order).
 */
export interface BlobRuns {
  order: Int32Array;
  start: Int32Array;
  end: Int32Array;
  row: Int32Array;
  from: number;
  to: number;
}

/**
 * `lightGradient` on a blob given by its runs, with `inBlob` = a non-zero `level` and `changed` = a
 * `dist` of at least `low`: the same tests in the same order, as loops over the runs instead of
 * closures (decide calls it on every kept blob; `lightGradient` stays its oracle, change-light.test.ts).
 */
export function lightGradientRuns(
  runs: BlobRuns,
  level: Uint8Array,
  dist: Float32Array,
  low: number,
  p: Rgb,
  c: Rgb,
  validP: Uint8Array,
  validC: Uint8Array,
  w: number,
  h: number,
  changedCount?: number,
): boolean {
  const { order, start, end, row, from, to } = runs;
  let all = changedCount ?? 0;
  if (changedCount === undefined) {
    for (let k = from; k < to; k++) {
      const r = order[k]!;
      const o = row[r]! * w;
      for (let i = o + start[r]!; i < o + end[r]!; i++) if (dist[i]! >= low) all++;
    }
  }
  if (all === 0) return false;
  const enough = BLOB_SHARE * all;
  let even = 0;
  let way = 0;
  let uneven = 0;
  evenness: for (let k = from; k < to; k++) {
    const r = order[k]!;
    const o = row[r]! * w;
    for (let i = o + start[r]!; i < o + end[r]!; i++) {
      if (!(dist[i]! >= low)) continue;
      const d = dimming(p, c, i, DIMMED);
      if (d !== 0) {
        even++;
        way += d;
        continue;
      }
      uneven++;
      if (all - uneven < enough) break evenness;
    }
  }
  if (even < enough) return false;
  const dir = Math.sign(way);
  if (dir === 0 || Math.abs(way) < BLOB_SHARE * even) return false;
  let around = 0;
  let dimmedAround = 0;
  for (let k = from; k < to; k++) {
    const r = order[k]!;
    const y = row[r]!;
    for (let x = start[r]!; x < end[r]!; x++) {
      const i = y * w + x;
      for (let s = 0; s < 4; s++) {
        const dx = s === 0 ? 1 : s === 1 ? -1 : 0;
        const dy = s === 2 ? 1 : s === 3 ? -1 : 0;
        const xx = x + dx * AROUND_PX;
        const yy = y + dy * AROUND_PX;
        if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
        const j = yy * w + xx;
        if (level[i + dx + dy * w] !== 0 || level[j] !== 0) continue;
        if (!validP[j] || !validC[j]) {
          around++;
          dimmedAround++;
          continue;
        }
        if (Math.max(p.r[j]!, p.g[j]!, p.b[j]!, c.r[j]!, c.g[j]!, c.b[j]!) < MEASURABLE) continue;
        around++;
        if (dimming(p, c, j, DIMMED) === dir) dimmedAround++;
      }
    }
  }
  return around > 0 && dimmedAround >= AROUND_SHARE * around;
}
