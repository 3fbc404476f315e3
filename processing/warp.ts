/**
 * Resamples an original image onto the site grid, strip by strip, into an analysis raster on
 * disk: an identity fast path when the image already is the site grid, otherwise proj4 on a
 * coarse mesh interpolated bilinearly (GDAL's approximate transformer) and bilinear sampling.
 * Non-8-bit data is mapped to bytes by a robust per-band percentile stretch recorded in meta.
 */
import { type AnalysisRasterMeta, createAnalysisRaster } from './analysis-raster.ts';
import { crsTransform } from './crs.ts';
import type { NativeBlock, RasterSource } from './decode.ts';
import { throwIfAborted } from './errors.ts';
import { imageGrid, sameGrid } from './georeference.ts';
import type { Grid, RunOptions, Window } from './types.ts';
import type { ImageProbe } from './validate.ts';

export interface WarpOptions extends RunOptions {
  /** Percentiles of the stretch for non-8-bit data (GDAL/QGIS-style robust min/max). */
  percentiles?: [number, number];
  /** Native bytes per strip read: bounds memory whatever the image size. */
  stripBytes?: number;
  /** Mesh spacing of the approximate transformer, output pixels (GDAL uses ~the same order). */
  meshStep?: number;
}

type Stretch = Array<{ lo: number; hi: number }>;

/**
 * Decodes `source` and resamples it onto `grid`, writing an analysis raster into `outDir`.
 * Memory stays bounded by strip size (default 32 MB of native pixels per read).
 */
export async function warpToGrid(
  source: RasterSource,
  grid: Grid,
  outDir: string,
  opts: WarpOptions = {},
): Promise<AnalysisRasterMeta> {
  const probe = source.probe;
  const stretch = await computeStretch(source, opts);
  const writer = await createAnalysisRaster(outDir, { grid, roles: probe.roles, stretch });
  try {
    const own = imageGrid(probe);
    if (own && sameGrid(own, grid)) await warpIdentity(source, grid, stretch, writer.writeRows, opts);
    else await warpMesh(source, grid, stretch, writer.writeRows, opts);
    throwIfAborted(opts.signal);
    return await writer.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

type WriteRows = (y0: number, rows: number, data: Uint8Array, valid: Uint8Array) => Promise<void>;

function bytesPerSample(probe: ImageProbe): number {
  return probe.bitDepth <= 8 ? 1 : probe.bitDepth <= 16 ? 2 : 4;
}

/** Rows per strip: ~stripBytes of native data, a multiple of the file's block height. */
function stripRows(source: RasterSource, width: number, opts: WarpOptions): number {
  const p = source.probe;
  const rowBytes = width * (p.bandCount + 1) * bytesPerSample(p);
  const rows = Math.max(1, Math.floor((opts.stripBytes ?? 32 * 2 ** 20) / rowBytes));
  const bh = source.blockHeight;
  return rows >= bh ? rows - (rows % bh) : rows;
}

/** Per-band lookup from native value to byte, for integer data; null for floats. */
function byteLuts(probe: ImageProbe, stretch: Stretch): { luts: Uint8Array[]; offset: number } | null {
  if (probe.sampleFormat === 3 || probe.bitDepth > 16) return null;
  const signed = probe.sampleFormat === 2;
  const size = 2 ** probe.bitDepth;
  const offset = signed ? size / 2 : 0;
  const luts = stretch.map(({ lo, hi }) => {
    const lut = new Uint8Array(size);
    const k = 255 / (hi - lo);
    for (let i = 0; i < size; i++) lut[i] = Math.min(255, Math.max(0, Math.round((i - offset - lo) * k)));
    return lut;
  });
  return { luts, offset };
}

function toBytes(probe: ImageProbe, stretch: Stretch, nb: NativeBlock): Uint8Array {
  const bands = nb.bands;
  const n = nb.window.width * nb.window.height * bands;
  if (nb.data instanceof Uint8Array && stretch.every((s) => s.lo === 0 && s.hi === 255)) return nb.data;
  const out = new Uint8Array(n);
  const l = byteLuts(probe, stretch);
  const d = nb.data;
  for (let b = 0; b < bands; b++) {
    if (l) {
      const lut = l.luts[b]!;
      for (let i = b; i < n; i += bands) out[i] = lut[d[i]! + l.offset]!;
    } else {
      const { lo, hi } = stretch[b]!;
      const k = 255 / (hi - lo);
      for (let i = b; i < n; i += bands) out[i] = Math.min(255, Math.max(0, Math.round((d[i]! - lo) * k)));
    }
  }
  return out;
}

async function warpIdentity(
  source: RasterSource,
  grid: Grid,
  stretch: Stretch,
  write: WriteRows,
  opts: WarpOptions,
): Promise<void> {
  const rows = stripRows(source, grid.width, opts);
  for (let y0 = 0; y0 < grid.height; y0 += rows) {
    throwIfAborted(opts.signal);
    const h = Math.min(rows, grid.height - y0);
    const nb = await source.readNative({ x: 0, y: y0, width: grid.width, height: h }, opts.signal);
    await write(y0, h, toBytes(source.probe, stretch, nb), nb.valid);
    opts.onProgress?.((y0 + h) / grid.height, 'warp');
  }
}

/** Maps output grid pixel centres to source pixel-centre coordinates (u, v). */
function makeMapper(probe: ImageProbe, grid: Grid): (i: number, j: number) => [number, number] {
  const [gw, gs, ge, gn] = grid.bounds;
  const dlon = (ge - gw) / grid.width;
  const dlat = (gn - gs) / grid.height;
  const t = probe.transform;
  if (!t || !probe.crs) {
    const [bw, bs, be, bn] = probe.bounds;
    const sx = probe.width / (be - bw);
    const sy = probe.height / (bn - bs);
    return (i, j) => [(gw + (i + 0.5) * dlon - bw) * sx - 0.5, (bn - (gn - (j + 0.5) * dlat)) * sy - 0.5];
  }
  const tr = crsTransform(probe.crs);
  const det = t[1] * t[5] - t[2] * t[4];
  return (i, j) => {
    const [x, y] = tr.fromLonLat(gw + (i + 0.5) * dlon, gn - (j + 0.5) * dlat);
    const dx = x - t[0];
    const dy = y - t[3];
    return [(t[5] * dx - t[2] * dy) / det - 0.5, (-t[4] * dx + t[1] * dy) / det - 0.5];
  };
}

async function warpMesh(
  source: RasterSource,
  grid: Grid,
  stretch: Stretch,
  write: WriteRows,
  opts: WarpOptions,
): Promise<void> {
  const probe = source.probe;
  const t = probe.transform;
  if (!t || (probe.crs && crsTransform(probe.crs).geographic && t[2] === 0 && t[4] === 0)) {
    return warpSeparable(source, grid, stretch, write, opts);
  }
  const full = makeMapper(probe, grid);
  const k = reduction(full, grid);
  const lat = lattice(probe, k);
  // Mesh coordinates live on the (possibly k-reduced) source lattice.
  const map = (i: number, j: number): [number, number] => {
    const [u, v] = full(i, j);
    return [(u + 0.5) / k - 0.5, (v + 0.5) / k - 0.5];
  };
  const step = opts.meshStep ?? 16;
  const W = grid.width;
  const meshX: number[] = [];
  for (let i = 0; i < W - 1; i += step) meshX.push(i);
  meshX.push(W - 1);
  const nodes = meshX.length;
  const maxSrcPixels = Math.max(1024, Math.floor(maxSourcePixels(probe, opts) / (k * k)));
  let rows = Math.max(1, stripRows(source, W, opts));
  const u = new Float64Array(W);
  const v = new Float64Array(W);
  const l = byteLuts(probe, stretch);
  for (let y0 = 0; y0 < grid.height; ) {
    throwIfAborted(opts.signal);
    let h = Math.min(rows, grid.height - y0);
    // Mesh rows for this strip, and the source window they need.
    let meshY: number[];
    let mesh: Array<Float64Array>;
    let win: Window | null;
    for (;;) {
      meshY = [];
      for (let j = y0; j < y0 + h - 1; j += step) meshY.push(j);
      meshY.push(y0 + h - 1);
      mesh = meshY.map((j) => {
        const row = new Float64Array(nodes * 2);
        meshX.forEach((i, k) => {
          const [a, b] = map(i, j);
          row[2 * k] = a;
          row[2 * k + 1] = b;
        });
        return row;
      });
      win = sourceWindow(mesh, lat);
      if (!win || win.width * win.height <= maxSrcPixels || h === 1) break;
      h = Math.max(1, Math.floor(h / 2));
      rows = h;
    }
    const outBytes = new Uint8Array(W * h * probe.bandCount);
    const outValid = new Uint8Array(W * h);
    if (win) {
      const nb = await readReduced(source, win, k, opts.signal);
      for (let r = 0; r < h; r++) {
        const j = y0 + r;
        interpolateRow(meshX, meshY, mesh, j, u, v);
        sampleRow(nb, lat, u, v, stretch, l, outBytes, outValid, r * W, W);
      }
    }
    await write(y0, h, outBytes, outValid);
    y0 += h;
    opts.onProgress?.(y0 / grid.height, 'warp');
  }
}

/** Source lattice position of each output column or row: lower index, upper index, weight. */
interface Axis {
  i0: Int32Array;
  i1: Int32Array;
  f: Float32Array;
  ok: Uint8Array;
}

/** Output pixel centres → source pixel-centre lattice along one axis (clamped, as sampleRow does). */
function axis(n: number, size: number, coord: (k: number) => number): Axis {
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
 * Resampling when source and grid are both north-up lon/lat-linear (images placed by bounds,
 * EPSG:4326 GeoTIFFs): the mapping separates into a column table and a row table, so the inner
 * loop is lookups and multiply-adds only.
 */
async function warpSeparable(
  source: RasterSource,
  grid: Grid,
  stretch: Stretch,
  write: WriteRows,
  opts: WarpOptions,
): Promise<void> {
  const probe = source.probe;
  const map = makeMapper(probe, grid);
  const k = reduction(map, grid);
  const lat = lattice(probe, k);
  const W = grid.width;
  const cols = axis(W, lat.width, (i) => (map(i, 0)[0] + 0.5) / k - 0.5);
  const rowsAxis = axis(grid.height, lat.height, (j) => (map(0, j)[1] + 0.5) / k - 0.5);
  let xa = Number.POSITIVE_INFINITY;
  let xb = -1;
  for (let i = 0; i < W; i++) {
    if (!cols.ok[i]) continue;
    xa = Math.min(xa, cols.i0[i]!);
    xb = Math.max(xb, cols.i1[i]!);
  }
  const l = byteLuts(probe, stretch);
  const bands = probe.bandCount;
  // Strip height: about maxSourcePixels of source per read, however much coarser the grid is.
  const scaleY = Math.max(1, probe.height / grid.height);
  const rows = Math.max(1, Math.min(grid.height, Math.floor(maxSourcePixels(probe, opts) / (scaleY * probe.width))));
  for (let y0 = 0; y0 < grid.height; y0 += rows) {
    throwIfAborted(opts.signal);
    const h = Math.min(rows, grid.height - y0);
    const outBytes = new Uint8Array(W * h * bands);
    const outValid = new Uint8Array(W * h);
    let ya = Number.POSITIVE_INFINITY;
    let yb = -1;
    for (let j = y0; j < y0 + h; j++) {
      if (!rowsAxis.ok[j]) continue;
      ya = Math.min(ya, rowsAxis.i0[j]!);
      yb = Math.max(yb, rowsAxis.i1[j]!);
    }
    if (xb >= 0 && yb >= 0) {
      const nb = await readReduced(source, { x: xa, y: ya, width: xb - xa + 1, height: yb - ya + 1 }, k, opts.signal);
      for (let j = y0; j < y0 + h; j++) {
        if (!rowsAxis.ok[j]) continue;
        sampleSeparableRow(
          nb,
          cols,
          rowsAxis.i0[j]! - ya,
          rowsAxis.i1[j]! - ya,
          rowsAxis.f[j]!,
          xa,
          stretch,
          l,
          outBytes,
          outValid,
          (j - y0) * W,
          W,
        );
      }
    }
    await write(y0, h, outBytes, outValid);
    opts.onProgress?.((y0 + h) / grid.height, 'warp');
  }
}

/**
 * Anti-aliasing: when the grid is 2× or more coarser than the source, bilinear sampling would
 * skip most source pixels (a 0.5 m image on a 3 m grid keeps one pixel in 36, and small hulls
 * flicker in and out). Instead k × k source blocks are averaged first (GDAL's "average"
 * resampling, in effect) and the bilinear sampling runs on that reduced lattice.
 */
function reduction(map: (i: number, j: number) => [number, number], grid: Grid): number {
  const i = Math.floor(grid.width / 2);
  const j = Math.floor(grid.height / 2);
  const [u0, v0] = map(i, j);
  const [u1, v1] = map(i + 1, j);
  const [u2, v2] = map(i, j + 1);
  const scale = Math.sqrt(Math.abs((u1 - u0) * (v2 - v0) - (v1 - v0) * (u2 - u0)));
  return Number.isFinite(scale) && scale >= 2 ? Math.floor(scale) : 1;
}

/** Size of the source lattice after k × k reduction. */
function lattice(probe: ImageProbe, k: number): { width: number; height: number } {
  return { width: Math.ceil(probe.width / k), height: Math.ceil(probe.height / k) };
}

function maxSourcePixels(probe: ImageProbe, opts: WarpOptions): number {
  return Math.max(
    65_536,
    Math.floor((opts.stripBytes ?? 32 * 2 ** 20) / ((probe.bandCount + 1) * bytesPerSample(probe))),
  );
}

/**
 * Reads window `w` of the k-reduced lattice: source pixels [w.x·k, (w.x + w.width)·k) averaged in
 * k × k blocks over their valid pixels; a block is valid when at least half of it is.
 */
async function readReduced(source: RasterSource, w: Window, k: number, signal?: AbortSignal): Promise<NativeBlock> {
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

function sampleSeparableRow(
  nb: NativeBlock,
  cols: Axis,
  r0: number,
  r1: number,
  fy: number,
  xa: number,
  stretch: Stretch,
  l: { luts: Uint8Array[]; offset: number } | null,
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
function sourceWindow(mesh: Float64Array[], probe: { width: number; height: number }): Window | null {
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
function interpolateRow(
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
function sampleRow(
  nb: NativeBlock,
  probe: { width: number; height: number },
  u: Float64Array,
  v: Float64Array,
  stretch: Stretch,
  l: { luts: Uint8Array[]; offset: number } | null,
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

/**
 * Per-band stretch: identity for 8-bit data (its radiometry is kept; normalisation comes later),
 * else the [0.5, 99.5] percentiles of valid pixels from ~32 strips spread over the image.
 */
export async function computeStretch(source: RasterSource, opts: WarpOptions = {}): Promise<Stretch> {
  const p = source.probe;
  if (p.bitDepth === 8 && p.sampleFormat === 1) return p.roles.map(() => ({ lo: 0, hi: 255 }));
  const [pLo, pHi] = opts.percentiles ?? [0.5, 99.5];
  const bh = Math.max(1, source.blockHeight);
  const strips = Math.min(32, Math.ceil(p.height / bh));
  const rowsPer = Math.max(1, Math.min(bh, Math.floor(262_144 / p.width)));
  const values: number[][] = p.roles.map(() => []);
  const perStrip = Math.ceil(65_536 / strips);
  for (let k = 0; k < strips; k++) {
    throwIfAborted(opts.signal);
    let y = Math.floor(((k + 0.5) * p.height) / strips);
    y -= y % bh;
    const h = Math.min(rowsPer, p.height - y);
    const nb = await source.readNative({ x: 0, y, width: p.width, height: h }, opts.signal);
    const n = p.width * h;
    const stride = Math.max(1, Math.floor(n / perStrip));
    for (let i = 0; i < n; i += stride) {
      if (!nb.valid[i]) continue;
      for (let b = 0; b < nb.bands; b++) values[b]!.push(nb.data[i * nb.bands + b]!);
    }
  }
  return values.map((vals) => {
    if (vals.length === 0) return { lo: 0, hi: 1 };
    const sorted = Float64Array.from(vals).sort();
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((q / 100) * (sorted.length - 1))))]!;
    const lo = at(pLo);
    let hi = at(pHi);
    if (!(hi > lo)) hi = lo + (p.sampleFormat === 3 ? 1e-6 : 1);
    return { lo, hi };
  });
}
