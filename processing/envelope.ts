/** Neighbourhood filters for change detection: the two-way local-range distance, and box means. */

/** Band values at or above this are saturated (8-bit 255 is 1.0); normalisation keeps them at 1. */
export const SATURATED = 0.998;
/**
 * The least a saturated pixel can truly be, in normalised units: gain ≤ 1.5, gamma ≥ 0.7 and haze
 * ≤ 0.15 saturate values from ((1 − 0.15)/1.5)^(1/0.7) ≈ 0.44 up.
 */
const SATURATED_FLOOR = 0.45;

/** Horizontal 3-tap min and max of rows [top, bottom) of `src` into scratch rows 0.. (edges clamp). */
function rowRange(src: Float32Array, w: number, top: number, bottom: number, mn: Float32Array, mx: Float32Array): void {
  for (let y = top; y < bottom; y++) {
    const s = y * w;
    const o = (y - top) * w;
    let a = src[s]!;
    let b = a;
    for (let x = 0; x < w; x++) {
      const c = x + 1 < w ? src[s + x + 1]! : b;
      const l = a < b ? a : b;
      const u = a > b ? a : b;
      mn[o + x] = l < c ? l : c;
      mx[o + x] = u > c ? u : c;
      a = b;
      b = c;
    }
  }
}

/** Scratch for {@link addRangeDistance}: four planes of (strip + 2) rows. */
export function rangeScratch(w: number, stripRows: number): Float32Array[] {
  return [0, 1, 2, 3].map(() => new Float32Array((stripRows + 2) * w));
}

/**
 * For rows [y0, y1) of one band, adds to `acc` the squared two-way local-range distance between
 * `p` and `c`: the distance of c from p's 3×3 range and of p from c's, the smaller of the two.
 * Ranges are shrunk towards the centre value by `t` (0.5: half-way values to each neighbour).
 * With `censor`, values ≥ SATURATED count as "anything from SATURATED_FLOOR up".
 */
export function addRangeDistance(
  p: Float32Array,
  c: Float32Array,
  w: number,
  h: number,
  y0: number,
  y1: number,
  t: number,
  censor: boolean,
  acc: Float32Array,
  scratch: Float32Array[],
): void {
  const [pMn, pMx, cMn, cMx] = scratch as [Float32Array, Float32Array, Float32Array, Float32Array];
  const top = Math.max(0, y0 - 1);
  const bottom = Math.min(h, y1 + 1);
  rowRange(p, w, top, bottom, pMn, pMx);
  rowRange(c, w, top, bottom, cMn, cMx);
  for (let y = y0; y < y1; y++) {
    const ra = (Math.max(top, y - 1) - top) * w;
    const rb = (y - top) * w;
    const rc = (Math.min(bottom - 1, y + 1) - top) * w;
    const s = y * w;
    for (let x = 0; x < w; x++) {
      let l0 = pMn[ra + x]!;
      let l1 = pMn[rb + x]!;
      let l2 = pMn[rc + x]!;
      const pmn = l0 < l1 ? (l0 < l2 ? l0 : l2) : l1 < l2 ? l1 : l2;
      l0 = pMx[ra + x]!;
      l1 = pMx[rb + x]!;
      l2 = pMx[rc + x]!;
      const pmx = l0 > l1 ? (l0 > l2 ? l0 : l2) : l1 > l2 ? l1 : l2;
      l0 = cMn[ra + x]!;
      l1 = cMn[rb + x]!;
      l2 = cMn[rc + x]!;
      const cmn = l0 < l1 ? (l0 < l2 ? l0 : l2) : l1 < l2 ? l1 : l2;
      l0 = cMx[ra + x]!;
      l1 = cMx[rb + x]!;
      l2 = cMx[rc + x]!;
      const cmx = l0 > l1 ? (l0 > l2 ? l0 : l2) : l1 > l2 ? l1 : l2;
      const pv = p[s + x]!;
      const cv = c[s + x]!;
      const plo = pv + t * (pmn - pv);
      const phi = pv + t * (pmx - pv);
      const clo = cv + t * (cmn - cv);
      const chi = cv + t * (cmx - cv);
      let m: number;
      if (censor) {
        m = Math.min(censored(cv, plo, phi), censored(pv, clo, chi));
      } else {
        const d1a = plo - cv;
        const d1b = cv - phi;
        const d2a = clo - pv;
        const d2b = pv - chi;
        const d1 = d1a > d1b ? d1a : d1b;
        const d2 = d2a > d2b ? d2a : d2b;
        m = d1 < d2 ? d1 : d2;
        m = m > 0 ? m : 0;
      }
      acc[s + x]! += m * m;
    }
  }
}

/** Distance of x from [lo, hi] (0 inside) where saturated values are censored intervals. */
function censored(x: number, lo: number, hi: number): number {
  const xs = x >= SATURATED;
  const xl = xs ? SATURATED_FLOOR : x;
  const xh = xs ? Number.POSITIVE_INFINITY : x;
  const l = lo >= SATURATED ? SATURATED_FLOOR : lo;
  const u = hi >= SATURATED ? Number.POSITIVE_INFINITY : hi;
  const m = Math.max(l - xh, xl - u);
  return m > 0 ? m : 0;
}

/** Mean over the (2r+1)² box around each pixel (edges: mean of the pixels inside), by running sums. */
export function boxMean(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const out = new Float32Array(w * h);
  if (r <= 0) {
    out.set(src);
    return out;
  }
  // Horizontal running sums (not yet divided), then vertical running sums of those; divide once.
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const s = y * w;
    let acc = 0;
    for (let x = 0; x < Math.min(r, w); x++) acc += src[s + x]!;
    for (let x = 0; x < w; x++) {
      if (x + r < w) acc += src[s + x + r]!;
      if (x > r) acc -= src[s + x - r - 1]!;
      tmp[s + x] = acc;
    }
  }
  const colCount = new Float32Array(w); // 1 / pixels per row window
  for (let x = 0; x < w; x++) colCount[x] = 1 / (Math.min(w - 1, x + r) - Math.max(0, x - r) + 1);
  const col = new Float64Array(w);
  for (let y = 0; y < Math.min(r, h); y++) for (let x = 0; x < w; x++) col[x]! += tmp[y * w + x]!;
  for (let y = 0; y < h; y++) {
    const add = y + r < h ? (y + r) * w : -1;
    const drop = y > r ? (y - r - 1) * w : -1;
    const rows = Math.min(h - 1, y + r) - Math.max(0, y - r) + 1;
    const o = y * w;
    const inv = 1 / rows;
    if (add >= 0 && drop >= 0) {
      for (let x = 0; x < w; x++) {
        const v = col[x]! + tmp[add + x]! - tmp[drop + x]!;
        col[x] = v;
        out[o + x] = v * inv * colCount[x]!;
      }
    } else {
      if (add >= 0) for (let x = 0; x < w; x++) col[x]! += tmp[add + x]!;
      if (drop >= 0) for (let x = 0; x < w; x++) col[x]! -= tmp[drop + x]!;
      for (let x = 0; x < w; x++) out[o + x] = col[x]! * inv * colCount[x]!;
    }
  }
  return out;
}
