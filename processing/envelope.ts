/** Neighbourhood operations for change detection: the two-way local-range distance, and box means. */

/** One band, 0..1. */
export type Plane = Float32Array;

/** Band values at or above this are saturated (8-bit 255 is 1.0); normalisation keeps them at 1. */
export const SATURATED = 0.998;
/**
 * The least a saturated pixel can truly be, in normalised units: gain ≤ 1.5, gamma ≥ 0.7 and haze
 * ≤ 0.15 saturate values from ((1 − 0.15)/1.5)^(1/0.7) ≈ 0.44 up.
 */
const SATURATED_FLOOR = 0.45;

/**
 * Squared two-way local-range distance at pixel (x, y), summed over bands: per band, the distance
 * of c from p's 3×3 range and of p from c's, the smaller of the two. Ranges are shrunk towards the
 * centre value by `t` (0.5: half-way values to each neighbour), so an edge moved by under half a
 * pixel scores 0. Where a neighbourhood holds a value ≥ SATURATED, such values count as
 * "anything from SATURATED_FLOOR up" (censored). Edges clamp. Called only where the plain difference is large, so it
 * gathers its neighbourhood directly.
 */
export function rangeDistanceAt(p: Plane[], c: Plane[], w: number, h: number, x: number, y: number, t: number): number {
  const xa = x > 0 ? x - 1 : 0;
  const xb = x + 1 < w ? x + 1 : x;
  const ya = y > 0 ? y - 1 : 0;
  const yb = y + 1 < h ? y + 1 : y;
  const i = y * w + x;
  let sum = 0;
  for (let b = 0; b < p.length; b++) {
    const pb = p[b]!;
    const cb = c[b]!;
    let pmn = pb[i]!;
    let pmx = pmn;
    let cmn = cb[i]!;
    let cmx = cmn;
    for (let yy = ya; yy <= yb; yy++) {
      const row = yy * w;
      for (let xx = xa; xx <= xb; xx++) {
        const u = pb[row + xx]!;
        const v = cb[row + xx]!;
        pmn = Math.min(u, pmn);
        pmx = Math.max(u, pmx);
        cmn = Math.min(v, cmn);
        cmx = Math.max(v, cmx);
      }
    }
    const pv = pb[i]!;
    const cv = cb[i]!;
    const plo = pv + t * (pmn - pv);
    const phi = pv + t * (pmx - pv);
    const clo = cv + t * (cmn - cv);
    const chi = cv + t * (cmx - cv);
    let m: number;
    if (pmx >= SATURATED || cmx >= SATURATED) {
      m = Math.min(censored(cv, plo, phi), censored(pv, clo, chi));
    } else {
      const d1 = Math.max(plo - cv, cv - phi);
      const d2 = Math.max(clo - pv, pv - chi);
      m = Math.max(0, Math.min(d1, d2));
    }
    sum += m * m;
  }
  return sum;
}

/**
 * rangeDistanceAt for three bands, same value: the bands passed one by one and the neighbourhood
 * as row offsets, so the engine keeps every read monomorphic and inlines the per-band work.
 */
export function rangeDistance3At(
  p0: Plane,
  p1: Plane,
  p2: Plane,
  c0: Plane,
  c1: Plane,
  c2: Plane,
  w: number,
  h: number,
  x: number,
  y: number,
  t: number,
): number {
  const i = y * w + x;
  const left = x > 0 ? 1 : 0;
  const right = x + 1 < w ? 1 : 0;
  const up = y > 0 ? w : 0;
  const down = y + 1 < h ? w : 0;
  if (left + right === 2 && up + down === 2 * w) {
    const a = innerBandDistance(p0, c0, w, i, t);
    const b = innerBandDistance(p1, c1, w, i, t);
    const c = innerBandDistance(p2, c2, w, i, t);
    return a * a + b * b + c * c;
  }
  const a = bandDistance(p0, c0, w, i, left, right, up, down, t);
  const b = bandDistance(p1, c1, w, i, left, right, up, down, t);
  const c = bandDistance(p2, c2, w, i, left, right, up, down, t);
  return a * a + b * b + c * c;
}

/**
 * rangeDistance3At (same value) of the listed pixels (raster order) into out[0…count). A pixel's
 * 3×3 extremes are those of three columns of three, and the next pixel along the row shares two
 * of them, so a run of listed pixels reads one new column per pixel (6 values a band, not 18).
 */
export function rangeDistances3(
  p0: Plane,
  p1: Plane,
  p2: Plane,
  c0: Plane,
  c1: Plane,
  c2: Plane,
  w: number,
  h: number,
  t: number,
  list: Int32Array,
  count: number,
  out: Float64Array,
): void {
  const bits = (a: Plane) => new Int32Array(a.buffer, a.byteOffset, a.length);
  const [k0, k1, k2, kc0, kc1, kc2] = [p0, p1, p2, c0, c1, c2].map(bits) as [
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
  ];
  let j = 0;
  while (j < count) {
    const i = list[j]!;
    const y = (i / w) | 0;
    const x = i - y * w;
    // The run of consecutive pixels from i, up to the last column but one.
    const last = y * w + w - 2;
    let e = j + 1;
    while (e < count && list[e]! === i + e - j && list[e]! <= last) e++;
    // Lone pixels cost less read directly; so do those on the edges, where rangeDistance3At clamps.
    if (e - j < 2 || x < 1 || y < 1 || y + 1 >= h || x + 1 >= w) {
      out[j++] = rangeDistance3At(p0, p1, p2, c0, c1, c2, w, h, x, y, t);
      continue;
    }
    out.fill(0, j, e);
    bandRun(p0, c0, k0, kc0, w, t, i, e - j, out, j);
    bandRun(p1, c1, k1, kc1, w, t, i, e - j, out, j);
    bandRun(p2, c2, k2, kc2, w, t, i, e - j, out, j);
    j = e;
  }
}

/**
 * Adds one band's squared two-way distance of the n interior pixels from i on to out[o…o + n),
 * the extremes of each 3-px column carried along the row. Extremes are taken over order keys of
 * the values' bits (pk, ck: the planes' bits) without branches: comparing floats takes a branch
 * the data decide, mispredicted about every other time on noisy pixels (3× slower). Where a key
 * falls outside the numbers a NaN is near, which the float comparisons skip: innerBandDistance.
 */
function bandRun(
  pb: Plane,
  cb: Plane,
  pk: Int32Array,
  ck: Int32Array,
  w: number,
  t: number,
  i: number,
  n: number,
  out: Float64Array,
  o: number,
): void {
  let pl = columnMin(pk, i - 1, w);
  let pL = columnMax(pk, i - 1, w);
  let pm = columnMin(pk, i, w);
  let pM = columnMax(pk, i, w);
  let cl = columnMin(ck, i - 1, w);
  let cL = columnMax(ck, i - 1, w);
  let cm = columnMin(ck, i, w);
  let cM = columnMax(ck, i, w);
  for (let k = 0; k < n; k++) {
    const r = i + k + 1;
    const pr = columnMin(pk, r, w);
    const pR = columnMax(pk, r, w);
    const cr = columnMin(ck, r, w);
    const cR = columnMax(ck, r, w);
    // The centre is in the middle column: the extremes of the three columns are its neighbourhood's.
    const pmn = min(min(pl, pm), pr);
    const pmx = max(max(pL, pM), pR);
    const cmn = min(min(cl, cm), cr);
    const cmx = max(max(cL, cM), cR);
    const d =
      pmn < KEY_MIN || cmn < KEY_MIN || pmx > KEY_MAX || cmx > KEY_MAX
        ? innerBandDistance(pb, cb, w, r - 1, t)
        : rangeBandDistance(
            pb[r - 1]!,
            valueOfKey(pmn),
            valueOfKey(pmx),
            cb[r - 1]!,
            valueOfKey(cmn),
            valueOfKey(cmx),
            t,
          );
    out[o + k]! += d * d;
    pl = pm;
    pm = pr;
    pL = pM;
    pM = pR;
    cl = cm;
    cm = cr;
    cL = cM;
    cM = cR;
  }
}

/**
 * A float's bits as an int that orders as the float does (−0 before +0): a negative float's
 * magnitude bits reversed. NaN keys lie beyond those of ±∞.
 */
const keyOf = (bits: number) => bits ^ ((bits >> 31) & 0x7fffffff);
/** Keys of −∞ and +∞. */
const KEY_MIN = keyOf(0xff800000 | 0);
const KEY_MAX = keyOf(0x7f800000);
const scratchBits = new Int32Array(1);
const scratchValue = new Float32Array(scratchBits.buffer);

/** The float whose key is k (keyOf is its own inverse). */
function valueOfKey(k: number): number {
  scratchBits[0] = keyOf(k);
  return scratchValue[0]!;
}

/** Branch-free minimum and maximum of two int32 keys. */
const min = (a: number, b: number) => a ^ ((a ^ b) & -Number(b < a));
const max = (a: number, b: number) => a ^ ((a ^ b) & -Number(b > a));

/** Smallest key of the column a[k − w], a[k], a[k + w]. */
function columnMin(a: Int32Array, k: number, w: number): number {
  return min(min(keyOf(a[k - w]!), keyOf(a[k]!)), keyOf(a[k + w]!));
}

/** Largest key of the column a[k − w], a[k], a[k + w]. */
function columnMax(a: Int32Array, k: number, w: number): number {
  return max(max(keyOf(a[k - w]!), keyOf(a[k]!)), keyOf(a[k + w]!));
}

/**
 * bandDistance away from the edges (same value): the eight neighbours read at fixed offsets, so
 * the engine drops the loop and its bounds and keeps the extremes in registers (~20 % faster).
 */
function innerBandDistance(pb: Plane, cb: Plane, w: number, i: number, t: number): number {
  const pv = pb[i]!;
  const cv = cb[i]!;
  let pmn = pv;
  let pmx = pv;
  let cmn = cv;
  let cmx = cv;
  let u = pb[i - w - 1]!;
  let v = cb[i - w - 1]!;
  if (u < pmn) pmn = u;
  if (u > pmx) pmx = u;
  if (v < cmn) cmn = v;
  if (v > cmx) cmx = v;
  u = pb[i - w]!;
  v = cb[i - w]!;
  if (u < pmn) pmn = u;
  if (u > pmx) pmx = u;
  if (v < cmn) cmn = v;
  if (v > cmx) cmx = v;
  u = pb[i - w + 1]!;
  v = cb[i - w + 1]!;
  if (u < pmn) pmn = u;
  if (u > pmx) pmx = u;
  if (v < cmn) cmn = v;
  if (v > cmx) cmx = v;
  u = pb[i - 1]!;
  v = cb[i - 1]!;
  if (u < pmn) pmn = u;
  if (u > pmx) pmx = u;
  if (v < cmn) cmn = v;
  if (v > cmx) cmx = v;
  u = pb[i + 1]!;
  v = cb[i + 1]!;
  if (u < pmn) pmn = u;
  if (u > pmx) pmx = u;
  if (v < cmn) cmn = v;
  if (v > cmx) cmx = v;
  u = pb[i + w - 1]!;
  v = cb[i + w - 1]!;
  if (u < pmn) pmn = u;
  if (u > pmx) pmx = u;
  if (v < cmn) cmn = v;
  if (v > cmx) cmx = v;
  u = pb[i + w]!;
  v = cb[i + w]!;
  if (u < pmn) pmn = u;
  if (u > pmx) pmx = u;
  if (v < cmn) cmn = v;
  if (v > cmx) cmx = v;
  u = pb[i + w + 1]!;
  v = cb[i + w + 1]!;
  if (u < pmn) pmn = u;
  if (u > pmx) pmx = u;
  if (v < cmn) cmn = v;
  if (v > cmx) cmx = v;
  return rangeBandDistance(pv, pmn, pmx, cv, cmn, cmx, t);
}

/** One band's two-way distance at i over the neighbourhood [i − up − left, i + down + right]. */
function bandDistance(
  pb: Plane,
  cb: Plane,
  w: number,
  i: number,
  left: number,
  right: number,
  up: number,
  down: number,
  t: number,
): number {
  const pv = pb[i]!;
  const cv = cb[i]!;
  let pmn = pv;
  let pmx = pv;
  let cmn = cv;
  let cmx = cv;
  for (let row = i - up; row <= i + down; row += w) {
    for (let k = row - left; k <= row + right; k++) {
      const u = pb[k]!;
      const v = cb[k]!;
      if (u < pmn) pmn = u;
      if (u > pmx) pmx = u;
      if (v < cmn) cmn = v;
      if (v > cmx) cmx = v;
    }
  }
  return rangeBandDistance(pv, pmn, pmx, cv, cmn, cmx, t);
}

/** The two-way distance of one band from its centre values and neighbourhood extremes, 0..1 units. */
function rangeBandDistance(
  pv: number,
  pmn: number,
  pmx: number,
  cv: number,
  cmn: number,
  cmx: number,
  t: number,
): number {
  const plo = pv + t * (pmn - pv);
  const phi = pv + t * (pmx - pv);
  const clo = cv + t * (cmn - cv);
  const chi = cv + t * (cmx - cv);
  if (pmx >= SATURATED || cmx >= SATURATED) return Math.min(censored(cv, plo, phi), censored(pv, clo, chi));
  const d1 = Math.max(plo - cv, cv - phi);
  const d2 = Math.max(clo - pv, pv - chi);
  return Math.max(0, Math.min(d1, d2));
}

/** Distance of x from [lo, hi] (0 inside) where saturated values are censored intervals. */
function censored(x: number, lo: number, hi: number): number {
  const xs = x >= SATURATED;
  const xl = xs ? SATURATED_FLOOR : x;
  const xh = xs ? Number.POSITIVE_INFINITY : x;
  const l = lo >= SATURATED ? SATURATED_FLOOR : lo;
  const u = hi >= SATURATED ? Number.POSITIVE_INFINITY : hi;
  const m = Math.max(l - xh, xl - u);
  return Math.max(m, 0);
}

/**
 * Mean over the (2r+1)² box around each pixel (edges: mean of the pixels inside). One row-major
 * sweep: running column sums updated by the row entering and the row leaving, then a running sum
 * along the row — no full-size temporary, so the cost stays near that of reading the input once.
 */
export function boxMean(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const out = new Float32Array(w * h);
  if (r <= 0) {
    out.set(src);
    return out;
  }
  const col = new Float64Array(w);
  const invCols = new Float32Array(w); // 1 / columns inside the window at x
  for (let x = 0; x < w; x++) invCols[x] = 1 / (Math.min(w - 1, x + r) - Math.max(0, x - r) + 1);
  for (let y = 0; y < Math.min(r, h); y++) for (let x = 0; x < w; x++) col[x]! += src[y * w + x]!;
  for (let y = 0; y < h; y++) {
    const add = y + r < h ? (y + r) * w : -1;
    const drop = y > r ? (y - r - 1) * w : -1;
    if (add >= 0 && drop >= 0) for (let x = 0; x < w; x++) col[x]! += src[add + x]! - src[drop + x]!;
    else if (add >= 0) for (let x = 0; x < w; x++) col[x]! += src[add + x]!;
    else if (drop >= 0) for (let x = 0; x < w; x++) col[x]! -= src[drop + x]!;
    const inv = 1 / (Math.min(h - 1, y + r) - Math.max(0, y - r) + 1);
    const o = y * w;
    let acc = 0;
    for (let x = 0; x < Math.min(r, w); x++) acc += col[x]!;
    // Three spans so the interior loop carries no edge tests.
    const a = Math.min(w, r + 1);
    const b = Math.max(a, w - r);
    for (let x = 0; x < a; x++) {
      if (x + r < w) acc += col[x + r]!;
      out[o + x] = acc * inv * invCols[x]!;
    }
    const invIn = inv / (2 * r + 1);
    for (let x = a; x < b; x++) {
      acc += col[x + r]! - col[x - r - 1]!;
      out[o + x] = acc * invIn;
    }
    for (let x = b; x < w; x++) {
      if (x + r < w) acc += col[x + r]!;
      if (x > r) acc -= col[x - r - 1]!;
      out[o + x] = acc * inv * invCols[x]!;
    }
  }
  return out;
}
