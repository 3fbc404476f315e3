/**
 * Local spreads about the local plane (the cloud mask's haze test, mask.ts), from running window sums:
 * O(1) per pixel whatever the window. The sums of the plane's normal equations are separable — a row
 * pass sums each row's window (x offsets), a column pass sums those rows (y offsets) — and slide: a
 * window one pixel on drops one pixel (row) and takes one, its moments about the new centre follow from
 * those about the old (Σ(d−1)v = Σdv − Σv, Σ(d−1)²v = Σd²v − 2Σdv + Σv). Sliding sums drift by a
 * rounding per step: both passes start afresh every `RESTART` steps, so the drift stays that of a
 * direct sum's few hundred additions. Windows with few pixels to judge take the direct sums
 * (`planeSpreadsDirect`, the oracle): the row and column passes cost every pixel of their rows.
 */

/** Local spreads (about the local plane) of today, the reference and their difference. */
export interface Spreads {
  std: Float32Array;
  refStd: Float32Array;
  diffStd: Float32Array;
}

/** Sliding sums start afresh every this many steps (a power of two). */
const RESTART = 64;
/** Quantities per pixel of a row pass: Σw, Σw·dx, Σw·dx², then Σa, Σdx·a, Σa², Σb, Σdx·b, Σb², Σab. */
const H = 10;
/**
 * Quantities per column of the column pass: the row pass's ten summed over the window's rows, then
 * Σdy·w, Σdy²·w, Σdy·(w·dx), Σdy·a, Σdy·b.
 */
const V = 15;
/**
 * The direct sums cost ~this many times a row-and-column step per window pixel: a range of rows takes
 * them where its pixels to judge, times their windows, are fewer than its columns × rows × this.
 */
const DIRECT_SHARE = 3;
/**
 * Columns are judged in tiles this wide, each taking the sliding sums or the direct ones by its own
 * pixels to judge (haze is judged at ~2 % of a strip's pixels, in patches).
 */
const TILE = 64;

/** gᵀC⁻¹g for C = [[cxx, cxy], [cxy, cyy]] of determinant `det`: the variance a plane explains. */
function explainedBy(gx: number, gy: number, cxx: number, cyy: number, cxy: number, det: number): number {
  return (gx * (cyy * gx - cxy * gy) + gy * (cxx * gy - cxy * gx)) / det;
}

/**
 * The three spreads at pixel `at` from its window's sums `s[o…o+14]` (the `V` order): the plane's
 * slopes from the 2×2 normal equations (none on too few pixels or a line), the residual variances.
 */
function settle(s: Float64Array, o: number, at: number, out: Spreads): void {
  const c = s[o]!;
  if (c < 2) return;
  const sx = s[o + 1]!;
  const sxx = s[o + 2]!;
  const sa = s[o + 3]!;
  const sxa = s[o + 4]!;
  const saa = s[o + 5]!;
  const sb = s[o + 6]!;
  const sxb = s[o + 7]!;
  const sbb = s[o + 8]!;
  const sab = s[o + 9]!;
  const sy = s[o + 10]!;
  const syy = s[o + 11]!;
  const sxy = s[o + 12]!;
  const sya = s[o + 13]!;
  const syb = s[o + 14]!;
  // Centred moments.
  const mx = sx / c;
  const my = sy / c;
  const ma = sa / c;
  const mb = sb / c;
  const cxx = sxx / c - mx * mx;
  const cyy = syy / c - my * my;
  const cxy = sxy / c - mx * my;
  const det = cxx * cyy - cxy * cxy;
  const fit = c >= 6 && det > 1e-9;
  const xa = sxa / c - mx * ma;
  const ya = sya / c - my * ma;
  const xb = sxb / c - mx * mb;
  const yb = syb / c - my * mb;
  const vaa = saa / c - ma * ma;
  const vbb = sbb / c - mb * mb;
  const vab = sab / c - ma * mb;
  // Residual variance v − gᵀC⁻¹g for a plane (g: its covariance with x, y); the difference's from
  // its own covariances (a − b).
  out.std[at] = Math.sqrt(Math.max(0, vaa - (fit ? explainedBy(xa, ya, cxx, cyy, cxy, det) : 0)));
  out.refStd[at] = Math.sqrt(Math.max(0, vbb - (fit ? explainedBy(xb, yb, cxx, cyy, cxy, det) : 0)));
  const vd = vaa + vbb - 2 * vab;
  out.diffStd[at] = Math.sqrt(Math.max(0, vd - (fit ? explainedBy(xa - xb, ya - yb, cxx, cyy, cxy, det) : 0)));
}

/** The window sums of pixel (x, y) summed directly into `s` (the `V` order). */
function directSums(
  lum: Float32Array,
  refLum: Float32Array,
  weight: Uint8Array,
  width: number,
  height: number,
  r: number,
  x: number,
  y: number,
  s: Float64Array,
): void {
  const y0 = Math.max(0, y - r);
  const y1 = Math.min(height - 1, y + r);
  const x0 = Math.max(0, x - r);
  const x1 = Math.min(width - 1, x + r);
  let c = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let sa = 0;
  let sxa = 0;
  let sya = 0;
  let saa = 0;
  let sb = 0;
  let sxb = 0;
  let syb = 0;
  let sbb = 0;
  let sab = 0;
  for (let j = y0; j <= y1; j++) {
    const dy = j - y;
    const row = j * width;
    for (let k = x0; k <= x1; k++) {
      if (!weight[row + k]) continue;
      const dx = k - x;
      const a = lum[row + k]!;
      const b = refLum[row + k]!;
      c++;
      sx += dx;
      sy += dy;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
      sa += a;
      sxa += dx * a;
      sya += dy * a;
      saa += a * a;
      sb += b;
      sxb += dx * b;
      syb += dy * b;
      sbb += b * b;
      sab += a * b;
    }
  }
  s[0] = c;
  s[1] = sx;
  s[2] = sxx;
  s[3] = sa;
  s[4] = sxa;
  s[5] = saa;
  s[6] = sb;
  s[7] = sxb;
  s[8] = sbb;
  s[9] = sab;
  s[10] = sy;
  s[11] = syy;
  s[12] = sxy;
  s[13] = sya;
  s[14] = syb;
}

/** `directRow`'s sums of one window at a time (module state: calls in a thread run one at a time). */
const WINDOW_SUMS = new Float64Array(V);

/** `planeSpreads` by direct sums over each window: the oracle of the sliding sums (and their sparse case). */
export function planeSpreadsDirect(
  lum: Float32Array,
  refLum: Float32Array,
  weight: Uint8Array,
  width: number,
  height: number,
  r: number,
  need: Uint8Array,
): Spreads {
  const n = width * height;
  const out = { std: new Float32Array(n), refStd: new Float32Array(n), diffStd: new Float32Array(n) };
  for (let y = 0; y < height; y++) directRow(lum, refLum, weight, width, height, r, need, y, 0, width - 1, out);
  return out;
}

/** The direct spreads of row y's `need` pixels in columns x0…x1. */
function directRow(
  lum: Float32Array,
  refLum: Float32Array,
  weight: Uint8Array,
  width: number,
  height: number,
  r: number,
  need: Uint8Array,
  y: number,
  x0: number,
  x1: number,
  out: Spreads,
): void {
  const row = y * width;
  for (let x = x0; x <= x1; x++) {
    if (!need[row + x]) continue;
    directSums(lum, refLum, weight, width, height, r, x, y, WINDOW_SUMS);
    settle(WINDOW_SUMS, 0, row + x, out);
  }
}

/**
 * The row pass of row j for window centres x0…x1: `out[(x − x0)·H …]` (the `H` order), slid along the
 * row and summed afresh every `RESTART` centres.
 */
function rowPass(
  lum: Float32Array,
  refLum: Float32Array,
  weight: Uint8Array,
  width: number,
  r: number,
  j: number,
  x0: number,
  x1: number,
  out: Float64Array,
): void {
  const row = j * width;
  // The offset of the pixel that comes, about the previous centre.
  const s = r + 1;
  let w0 = 0;
  let w1 = 0;
  let w2 = 0;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let ab = 0;
  for (let x = x0, o = 0; x <= x1; x++, o += H) {
    if (((x - x0) & (RESTART - 1)) === 0) {
      w0 = w1 = w2 = a0 = a1 = a2 = b0 = b1 = b2 = ab = 0;
      const k1 = Math.min(width - 1, x + r);
      for (let k = Math.max(0, x - r); k <= k1; k++) {
        if (!weight[row + k]) continue;
        const d = k - x;
        const a = lum[row + k]!;
        const b = refLum[row + k]!;
        w0++;
        w1 += d;
        w2 += d * d;
        a0 += a;
        a1 += d * a;
        a2 += a * a;
        b0 += b;
        b1 += d * b;
        b2 += b * b;
        ab += a * b;
      }
    } else {
      // From the window of x − 1: its first pixel (offset −r) goes, the pixel at offset r + 1 comes.
      const gone = x - 1 - r;
      if (gone >= 0 && weight[row + gone]) {
        const a = lum[row + gone]!;
        const b = refLum[row + gone]!;
        w0--;
        w1 += r;
        w2 -= r * r;
        a0 -= a;
        a1 += r * a;
        a2 -= a * a;
        b0 -= b;
        b1 += r * b;
        b2 -= b * b;
        ab -= a * b;
      }
      const come = x + r;
      if (come < width && weight[row + come]) {
        const a = lum[row + come]!;
        const b = refLum[row + come]!;
        w0++;
        w1 += s;
        w2 += s * s;
        a0 += a;
        a1 += s * a;
        a2 += a * a;
        b0 += b;
        b1 += s * b;
        b2 += b * b;
        ab += a * b;
      }
      // Offsets about x rather than x − 1.
      w2 = w2 - 2 * w1 + w0;
      w1 -= w0;
      a1 -= a0;
      b1 -= b0;
    }
    out[o] = w0;
    out[o + 1] = w1;
    out[o + 2] = w2;
    out[o + 3] = a0;
    out[o + 4] = a1;
    out[o + 5] = a2;
    out[o + 6] = b0;
    out[o + 7] = b1;
    out[o + 8] = b2;
    out[o + 9] = ab;
  }
}

/** Adds row pass `h` at row offset `dy` times `sign` to the column sums `v` of `columns` columns. */
function addRow(v: Float64Array, h: Float64Array, ho: number, columns: number, dy: number, sign: number): void {
  const dd = dy * dy;
  for (let x = 0, o = 0, p = ho; x < columns; x++, o += V, p += H) {
    const w0 = sign * h[p]!;
    const w1 = sign * h[p + 1]!;
    const a0 = sign * h[p + 3]!;
    const b0 = sign * h[p + 6]!;
    v[o]! += w0;
    v[o + 1]! += w1;
    v[o + 2]! += sign * h[p + 2]!;
    v[o + 3]! += a0;
    v[o + 4]! += sign * h[p + 4]!;
    v[o + 5]! += sign * h[p + 5]!;
    v[o + 6]! += b0;
    v[o + 7]! += sign * h[p + 7]!;
    v[o + 8]! += sign * h[p + 8]!;
    v[o + 9]! += sign * h[p + 9]!;
    v[o + 10]! += dy * w0;
    v[o + 11]! += dd * w0;
    v[o + 12]! += dy * w1;
    v[o + 13]! += dy * a0;
    v[o + 14]! += dy * b0;
  }
}

/** Column sums about row y rather than y − 1 (every dy one less). */
function shiftDown(v: Float64Array, columns: number): void {
  for (let x = 0, o = 0; x < columns; x++, o += V) {
    const w0 = v[o]!;
    const y1 = v[o + 10]!;
    v[o + 11] = v[o + 11]! - 2 * y1 + w0;
    v[o + 10] = y1 - w0;
    v[o + 12]! -= v[o + 1]!;
    v[o + 13]! -= v[o + 3]!;
    v[o + 14]! -= v[o + 6]!;
  }
}

/** The `settle`d spreads of row y's `need` pixels in columns x0…(x0 + columns − 1). */
function settleRow(
  need: Uint8Array,
  v: Float64Array,
  width: number,
  y: number,
  x0: number,
  columns: number,
  out: Spreads,
): void {
  const row = y * width + x0;
  for (let x = 0; x < columns; x++) if (need[row + x]) settle(v, x * V, row + x, out);
}

/** `slideRange`'s row passes and column sums, grown as needed and kept from call to call (strip after strip). */
let ringScratch = new Float64Array(0);
let columnScratch = new Float64Array(0);

/** Fresh (zeroed) planes for `planeSpreads`. */
function spreadPlanes(n: number): Spreads {
  return { std: new Float32Array(n), refStd: new Float32Array(n), diffStd: new Float32Array(n) };
}

/**
 * Local spreads of today, the reference and their difference over the (2r+1)² window around each
 * `need` pixel (pixels of `weight` only), each about the plane that fits it best in the window. A ramp
 * across the window is the soft edge of a shadow or of a veil, not the ground's texture: the penumbra
 * of the previous date's cloud shadow made its reference look textured, and today's lit ground a
 * flatter, lighter copy of it, as under haze (seed 829304, 2025-04-14: cut by a survey strip, that arc
 * of false haze was kept as a cloud core, 78k px masked). `planeSpreadsDirect` within rounding. Into
 * `out` if given (zeroed planes of the block's size): only the `need` pixels are written.
 */
export function planeSpreads(
  lum: Float32Array,
  refLum: Float32Array,
  weight: Uint8Array,
  width: number,
  height: number,
  r: number,
  need: Uint8Array,
  out: Spreads = spreadPlanes(width * height),
): Spreads {
  // Per row of a tile, the first and last column to judge (-1: none) and how many.
  const first = new Int32Array(height);
  const last = new Int32Array(height);
  const count = new Int32Array(height);
  const side = 2 * r + 1;
  for (let tx = 0; tx < width; tx += TILE) {
    rowExtents(need, width, height, tx, Math.min(width, tx + TILE), first, last, count);
    for (let y = 0; y < height; ) {
      if (first[y]! < 0) {
        y++;
        continue;
      }
      // A range of rows to judge, across gaps no longer than a window (a fresh start costs a window's rows).
      let end = y;
      let x0 = first[y]!;
      let x1 = last[y]!;
      let pixels = count[y]!;
      for (let k = y + 1; k < height && k <= end + side; k++) {
        if (first[k]! < 0) continue;
        end = k;
        x0 = Math.min(x0, first[k]!);
        x1 = Math.max(x1, last[k]!);
        pixels += count[k]!;
      }
      const columns = x1 - x0 + 1;
      const rowsSummed = Math.min(height - 1, end + r) - Math.max(0, y - r) + 1;
      if (pixels * side * side < DIRECT_SHARE * columns * rowsSummed) {
        for (let k = y; k <= end; k++) {
          if (first[k]! >= 0) directRow(lum, refLum, weight, width, height, r, need, k, first[k]!, last[k]!, out);
        }
      } else slideRange(lum, refLum, weight, width, height, r, need, y, end, x0, columns, out);
      y = end + 1;
    }
  }
  return out;
}

/** Per row of `need`, its first and last set column in [x0, x1) (first −1 where none) and their count. */
function rowExtents(
  need: Uint8Array,
  width: number,
  height: number,
  x0: number,
  x1: number,
  first: Int32Array,
  last: Int32Array,
  count: Int32Array,
): void {
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let c = 0;
    let f = -1;
    let l = -1;
    for (let x = x0; x < x1; x++) {
      if (!need[row + x]) continue;
      if (f < 0) f = x;
      l = x;
      c++;
    }
    first[y] = f;
    last[y] = l;
    count[y] = c;
  }
}

/** The spreads of rows y0…y1's `need` pixels in `columns` columns from x0, by sliding sums. */
function slideRange(
  lum: Float32Array,
  refLum: Float32Array,
  weight: Uint8Array,
  width: number,
  height: number,
  r: number,
  need: Uint8Array,
  y0: number,
  y1: number,
  x0: number,
  columns: number,
  out: Spreads,
): void {
  // The row passes of the window's rows and the one before it, by row index modulo the ring's length.
  const ringRows = 2 * r + 2;
  const rowLength = columns * H;
  if (ringScratch.length < ringRows * rowLength) ringScratch = new Float64Array(ringRows * rowLength);
  if (columnScratch.length < columns * V) columnScratch = new Float64Array(columns * V);
  const ring = ringScratch;
  const v = columnScratch;
  const x1 = x0 + columns - 1;
  const pass = (j: number) =>
    rowPass(lum, refLum, weight, width, r, j, x0, x1, ring.subarray((j % ringRows) * rowLength));
  let passed = Math.max(0, y0 - r) - 1;
  for (let y = y0; y <= y1; y++) {
    const top = Math.max(0, y - r);
    const bottom = Math.min(height - 1, y + r);
    while (passed < bottom) pass(++passed);
    if (((y - y0) & (RESTART - 1)) === 0) {
      v.fill(0, 0, columns * V);
      for (let j = top; j <= bottom; j++) addRow(v, ring, (j % ringRows) * rowLength, columns, j - y, 1);
    } else {
      // From the window of y − 1: its first row (offset −r) goes, the row at offset r + 1 comes.
      const gone = y - 1 - r;
      if (gone >= 0) addRow(v, ring, (gone % ringRows) * rowLength, columns, -r, -1);
      if (y + r < height) addRow(v, ring, ((y + r) % ringRows) * rowLength, columns, r + 1, 1);
      shiftDown(v, columns);
    }
    settleRow(need, v, width, y, x0, columns, out);
  }
}
