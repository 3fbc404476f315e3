/**
 * The resampling kernels of warp.ts: bilinear sampling of native source blocks on the source
 * pixel-centre lattice (per pixel for projected sources, separable tables for lon/lat ones),
 * and k × k block averaging when the grid is much coarser than the source.
 */
import type { NativeBlock, RasterSource } from './decode.ts';
import type { ByteLuts, Stretch } from './stretch.ts';
import type { Grid, Window } from './types.ts';
import type { ImageProbe } from './validate.ts';

/** Source lattice position of each output column or row: lower index, upper index, weight. */
export interface Axis {
  i0: Int32Array;
  i1: Int32Array;
  f: Float32Array;
  ok: Uint8Array;
}

/** Output pixel centres → source pixel-centre lattice along one axis (clamped, as sampleRow does). */
export function axis(n: number, size: number, coord: (k: number) => number): Axis {
  const a: Axis = { i0: new Int32Array(n), i1: new Int32Array(n), f: new Float32Array(n), ok: new Uint8Array(n) };
  for (let k = 0; k < n; k++) {
    const c = coord(k);
    if (!(c >= -0.5 && c <= size - 0.5)) continue;
    const cc = Math.min(Math.max(c, 0), size - 1);
    let i = Math.floor(cc);
    if (i >= size - 1) i = Math.max(0, size - 2);
    a.i0[k] = i;
    a.i1[k] = Math.min(i + 1, size - 1);
    a.f[k] = Math.min(1, cc - i);
    a.ok[k] = 1;
  }
  return a;
}

/**
 * Anti-aliasing: when the grid is 2× or more coarser than the source, bilinear sampling would
 * skip most source pixels (a 0.5 m image on a 3 m grid keeps one pixel in 36, and small hulls
 * flicker in and out). Instead k × k source blocks are averaged first (GDAL's "average"
 * resampling, in effect) and the bilinear sampling runs on that reduced lattice.
 */
export function reduction(map: (i: number, j: number) => [number, number], grid: Grid): number {
  const i = Math.floor(grid.width / 2);
  const j = Math.floor(grid.height / 2);
  const [u0, v0] = map(i, j);
  const [u1, v1] = map(i + 1, j);
  const [u2, v2] = map(i, j + 1);
  const scale = Math.sqrt(Math.abs((u1 - u0) * (v2 - v0) - (v1 - v0) * (u2 - u0)));
  return Number.isFinite(scale) && scale >= 2 ? Math.floor(scale) : 1;
}

/** Size of the source lattice after k × k reduction. */
export function lattice(probe: ImageProbe, k: number): { width: number; height: number } {
  return { width: Math.ceil(probe.width / k), height: Math.ceil(probe.height / k) };
}

/**
 * Reads window `w` of the k-reduced lattice: source pixels [w.x·k, (w.x + w.width)·k) averaged in
 * k × k blocks over their valid pixels; a block is valid when at least half of it is.
 */
export async function readReduced(
  source: RasterSource,
  w: Window,
  k: number,
  signal?: AbortSignal,
): Promise<NativeBlock> {
  const p = source.probe;
  if (k === 1) return source.readNative(w, signal);
  const x0 = w.x * k;
  const y0 = w.y * k;
  const fw = Math.min(p.width, (w.x + w.width) * k) - x0;
  const fh = Math.min(p.height, (w.y + w.height) * k) - y0;
  const nb = await source.readNative({ x: x0, y: y0, width: fw, height: fh }, signal);
  const bands = nb.bands;
  const sums = new Float64Array(w.width * w.height * bands);
  const counts = new Uint32Array(w.width * w.height);
  const totals = new Uint32Array(w.width * w.height);
  for (let y = 0; y < fh; y++) {
    const ry = Math.floor(y / k) * w.width;
    for (let x = 0; x < fw; x++) {
      const o = ry + Math.floor(x / k);
      totals[o]!++;
      const s = y * fw + x;
      if (!nb.valid[s]) continue;
      counts[o]!++;
      for (let b = 0; b < bands; b++) sums[o * bands + b]! += nb.data[s * bands + b]!;
    }
  }
  const data = new Float32Array(sums.length);
  const valid = new Uint8Array(counts.length);
  for (let o = 0; o < counts.length; o++) {
    const c = counts[o]!;
    if (c === 0 || 2 * c < totals[o]!) continue;
    valid[o] = 1;
    for (let b = 0; b < bands; b++) data[o * bands + b] = sums[o * bands + b]! / c;
  }
  return { window: { ...w }, bands, data, valid };
}

export function sampleSeparableRow(
  nb: NativeBlock,
  cols: Axis,
  r0: number,
  r1: number,
  fy: number,
  xa: number,
  stretch: Stretch,
  l: ByteLuts | null,
  out: Uint8Array,
  outValid: Uint8Array,
  o0: number,
  W: number,
): void {
  const ww = nb.window.width;
  const bands = nb.bands;
  const d = nb.data;
  const valid = nb.valid;
  const b0 = r0 * ww - xa;
  const b1 = r1 * ww - xa;
  const { i0, i1, f, ok } = cols;
  const lut0 = l?.luts[0];
  const lut1 = l?.luts[1];
  const lut2 = l?.luts[2];
  const off = l?.offset ?? 0;
  for (let i = 0; i < W; i++) {
    if (!ok[i]) continue;
    const p00 = b0 + i0[i]!;
    const p10 = b0 + i1[i]!;
    const p01 = b1 + i0[i]!;
    const p11 = b1 + i1[i]!;
    if (!(valid[p00]! & valid[p10]! & valid[p01]! & valid[p11]!)) continue;
    const o = o0 + i;
    outValid[o] = 1;
    const fx = f[i]!;
    const w00 = (1 - fx) * (1 - fy);
    const w10 = fx * (1 - fy);
    const w01 = (1 - fx) * fy;
    const w11 = fx * fy;
    if (lut0 && bands === 3) {
      const q00 = p00 * 3;
      const q10 = p10 * 3;
      const q01 = p01 * 3;
      const q11 = p11 * 3;
      out[o * 3] = lut0[((w00 * d[q00]! + w10 * d[q10]! + w01 * d[q01]! + w11 * d[q11]! + 0.5) | 0) + off]!;
      out[o * 3 + 1] =
        lut1![((w00 * d[q00 + 1]! + w10 * d[q10 + 1]! + w01 * d[q01 + 1]! + w11 * d[q11 + 1]! + 0.5) | 0) + off]!;
      out[o * 3 + 2] =
        lut2![((w00 * d[q00 + 2]! + w10 * d[q10 + 2]! + w01 * d[q01 + 2]! + w11 * d[q11 + 2]! + 0.5) | 0) + off]!;
    } else {
      for (let b = 0; b < bands; b++) {
        const val =
          w00 * d[p00 * bands + b]! + w10 * d[p10 * bands + b]! + w01 * d[p01 * bands + b]! + w11 * d[p11 * bands + b]!;
        if (l) {
          out[o * bands + b] = l.luts[b]![((val + 0.5) | 0) + off]!;
        } else {
          const { lo, hi } = stretch[b]!;
          const byte = Math.round(((val - lo) * 255) / (hi - lo));
          out[o * bands + b] = byte < 0 ? 0 : Math.min(byte, 255);
        }
      }
    }
  }
}

/** Source window (pixel bounds + bilinear margin, clipped) covering a strip's mesh; null if disjoint. */
export function sourceWindow(mesh: Float64Array[], probe: { width: number; height: number }): Window | null {
  let minU = Infinity;
  let minV = Infinity;
  let maxU = -Infinity;
  let maxV = -Infinity;
  for (const row of mesh) {
    for (let k = 0; k < row.length; k += 2) {
      const a = row[k]!;
      const b = row[k + 1]!;
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      minU = Math.min(minU, a);
      maxU = Math.max(maxU, a);
      minV = Math.min(minV, b);
      maxV = Math.max(maxV, b);
    }
  }
  // 2 px margin: bilinear needs the next pixel, and the mesh interpolation errs by a fraction.
  const x0 = Math.max(0, Math.floor(minU) - 2);
  const y0 = Math.max(0, Math.floor(minV) - 2);
  const x1 = Math.min(probe.width, Math.ceil(maxU) + 3);
  const y1 = Math.min(probe.height, Math.ceil(maxV) + 3);
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Source coordinates of every pixel of output row j, bilinear between mesh nodes. */
export function interpolateRow(
  meshX: number[],
  meshY: number[],
  mesh: Float64Array[],
  j: number,
  u: Float64Array,
  v: Float64Array,
): void {
  let m = 0;
  while (m + 1 < meshY.length - 1 && meshY[m + 1]! <= j) m++;
  const ja = meshY[m]!;
  const jb = meshY[Math.min(m + 1, meshY.length - 1)]!;
  const fy = jb > ja ? (j - ja) / (jb - ja) : 0;
  const ra = mesh[m]!;
  const rb = mesh[Math.min(m + 1, mesh.length - 1)]!;
  const last = meshX.length - 1;
  for (let k = 0; k <= last; k++) {
    const k2 = Math.min(k + 1, last);
    const ia = meshX[k]!;
    const ib = meshX[k2]!;
    const ua0 = ra[2 * k]! + fy * (rb[2 * k]! - ra[2 * k]!);
    const va0 = ra[2 * k + 1]! + fy * (rb[2 * k + 1]! - ra[2 * k + 1]!);
    const ua1 = ra[2 * k2]! + fy * (rb[2 * k2]! - ra[2 * k2]!);
    const va1 = ra[2 * k2 + 1]! + fy * (rb[2 * k2 + 1]! - ra[2 * k2 + 1]!);
    const span = ib - ia;
    // Each segment fills [ia, ib); the final one also fills its end node.
    const end = k2 === last ? ib : ib - 1;
    for (let i = ia; i <= end; i++) {
      const fx = span > 0 ? (i - ia) / span : 0;
      u[i] = ua0 + fx * (ua1 - ua0);
      v[i] = va0 + fx * (va1 - va0);
    }
    if (k2 === last) break;
  }
}

/**
 * Bilinear samples of one output row; a sample needs all four neighbours valid. The hot loop of
 * the resampling path: integer maths on the lattice, one lookup table per band for the byte
 * mapping (identity for 8-bit data), and a straight-line body for the usual 1 and 3 bands.
 */
export function sampleRow(
  nb: NativeBlock,
  probe: { width: number; height: number },
  u: Float64Array,
  v: Float64Array,
  stretch: Stretch,
  l: ByteLuts | null,
  out: Uint8Array,
  outValid: Uint8Array,
  o0: number,
  W: number,
): void {
  const { x: wx, y: wy, width: ww, height: wh } = nb.window;
  const bands = nb.bands;
  const d = nb.data;
  const valid = nb.valid;
  const sw = probe.width;
  const sh = probe.height;
  const lut0 = l?.luts[0];
  const lut1 = l?.luts[1];
  const lut2 = l?.luts[2];
  const off = l?.offset ?? 0;
  const linear = stretch.map(({ lo, hi }) => ({ lo, k: 255 / (hi - lo) }));
  for (let i = 0; i < W; i++) {
    let su = u[i]!;
    let sv = v[i]!;
    if (!(su >= -0.5 && su <= sw - 0.5 && sv >= -0.5 && sv <= sh - 0.5)) continue;
    // Clamp into the pixel-centre lattice: the outer half pixel repeats the edge pixel.
    su = (su < 0 ? 0 : Math.min(su, sw - 1)) - wx;
    sv = (sv < 0 ? 0 : Math.min(sv, sh - 1)) - wy;
    if (su < 0 || sv < 0) continue;
    let x0 = su | 0;
    let y0 = sv | 0;
    if (x0 >= ww - 1) x0 = ww > 1 ? ww - 2 : 0;
    if (y0 >= wh - 1) y0 = wh > 1 ? wh - 2 : 0;
    const dx = ww > 1 ? 1 : 0;
    const dy = wh > 1 ? ww : 0;
    let fx = su - x0;
    let fy = sv - y0;
    fx = Math.min(fx, 1);
    fy = Math.min(fy, 1);
    const p00 = y0 * ww + x0;
    if (!(valid[p00]! & valid[p00 + dx]! & valid[p00 + dy]! & valid[p00 + dy + dx]!)) continue;
    const o = o0 + i;
    outValid[o] = 1;
    const w00 = (1 - fx) * (1 - fy);
    const w10 = fx * (1 - fy);
    const w01 = (1 - fx) * fy;
    const w11 = fx * fy;
    const q00 = p00 * bands;
    const q10 = (p00 + dx) * bands;
    const q01 = (p00 + dy) * bands;
    const q11 = (p00 + dy + dx) * bands;
    if (lut0 && bands === 3) {
      out[o * 3] = lut0[((w00 * d[q00]! + w10 * d[q10]! + w01 * d[q01]! + w11 * d[q11]! + 0.5) | 0) + off]!;
      out[o * 3 + 1] =
        lut1![((w00 * d[q00 + 1]! + w10 * d[q10 + 1]! + w01 * d[q01 + 1]! + w11 * d[q11 + 1]! + 0.5) | 0) + off]!;
      out[o * 3 + 2] =
        lut2![((w00 * d[q00 + 2]! + w10 * d[q10 + 2]! + w01 * d[q01 + 2]! + w11 * d[q11 + 2]! + 0.5) | 0) + off]!;
    } else if (lut0 && bands === 1) {
      out[o] = lut0[((w00 * d[q00]! + w10 * d[q10]! + w01 * d[q01]! + w11 * d[q11]! + 0.5) | 0) + off]!;
    } else {
      for (let b = 0; b < bands; b++) {
        const val = w00 * d[q00 + b]! + w10 * d[q10 + b]! + w01 * d[q01 + b]! + w11 * d[q11 + b]!;
        if (l) {
          out[o * bands + b] = l.luts[b]![Math.round(val) + off]!;
        } else {
          const { lo, k } = linear[b]!;
          const byte = Math.round((val - lo) * k);
          out[o * bands + b] = byte < 0 ? 0 : Math.min(byte, 255);
        }
      }
    }
  }
}
