/**
 * Resamples an original image onto the site grid, strip by strip, into an analysis raster on
 * disk: an identity fast path when the image already is the site grid, otherwise proj4 on a
 * coarse mesh interpolated bilinearly (GDAL's approximate transformer) and bilinear sampling.
 * Non-8-bit data is mapped to bytes by a robust per-band percentile stretch recorded in meta
 * (stretch.ts); the sampling kernels live in resample.ts.
 */
import { type AnalysisRasterMeta, createAnalysisRaster } from './analysis-raster.ts';
import { crsTransform } from './crs.ts';
import type { RasterSource } from './decode.ts';
import { throwIfAborted } from './errors.ts';
import { imageGrid, sameGrid } from './georeference.ts';
import {
  axis,
  interpolateRow,
  lattice,
  readReduced,
  reduction,
  sampleRow,
  sampleSeparableRow,
  sourceWindow,
} from './resample.ts';
import { refuseOutsideSite, refuseTooCoarse } from './site-checks.ts';
import { byteLuts, computeStretch, type Stretch, toBytes } from './stretch.ts';
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
  // Refused before decoding anything.
  refuseOutsideSite(probe.bounds, grid.bounds);
  refuseTooCoarse(probe);
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

function maxSourcePixels(probe: ImageProbe, opts: WarpOptions): number {
  return Math.max(
    65_536,
    Math.floor((opts.stripBytes ?? 32 * 2 ** 20) / ((probe.bandCount + 1) * bytesPerSample(probe))),
  );
}
