/**
 * Window reads of an original image file, any supported format. PNG/JPEG/WebP are decoded once,
 * sequentially, by sharp into a raw libvips `.v` temp file (bounded memory, one decode); TIFF
 * and GeoTIFF are read window by window with geotiff.js (tiles or strips, either byte order).
 */
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Bounds } from '../contract/index.ts';
import { checkVipsHeader, type RowStream, streamVips, V_HEADER } from './decode-stream.ts';
import { ProcessingError, throwIfAborted } from './errors.ts';
import { type OpenTiff, openTiff } from './tiff.ts';
import { readWindowFast } from './tiff-window.ts';
import type { Block, Window } from './types.ts';
import { DEFAULT_LIMITS, decodeError, type ImageProbe, type Limits, probeImage } from './validate.ts';

sharp.concurrency(os.availableParallelism());

export type NativeArray =
  | Uint8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** Source pixels at their native depth: `bands` data bands interleaved (alpha removed), plus validity. */
export interface NativeBlock {
  window: Window;
  bands: number;
  data: NativeArray;
  valid: Uint8Array;
}

export interface RasterSource {
  probe: ImageProbe;
  /** Planar 0..1 bands + valid (nodata/alpha → 0) for a window of the ORIGINAL pixel grid. */
  read(window: Window, signal?: AbortSignal): Promise<Block>;
  /** The same window at native depth, interleaved: what warp.ts resamples. */
  readNative(window: Window, signal?: AbortSignal): Promise<NativeBlock>;
  /** Rows per natural block of the file (TIFF strip/tile height; 1 for sharp formats). */
  readonly blockHeight: number;
  /** Columns per natural block (TIFF tile width; the image width for strips and sharp formats). */
  readonly blockWidth: number;
  close(): Promise<void>;
}

export interface OpenOptions {
  bounds?: Bounds;
  limits?: Partial<Limits>;
  /** Where sharp formats are decoded to (a temp dir is made inside and removed on close). */
  tempDir?: string;
  signal?: AbortSignal;
  /** Serve in-order reads of sharp formats from a FIFO instead of a temp file (default true). */
  streaming?: boolean;
}

/** Opens an image for window reads: probes it (throwing typed errors) and picks the decoder. */
export async function openRaster(path: string, opts: OpenOptions = {}): Promise<RasterSource> {
  const probe = await probeImage(path, { bounds: opts.bounds, limits: opts.limits, signal: opts.signal });
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  if (probe.format === 'tiff' || probe.format === 'geotiff') return tiffSource(path, probe, opts.signal);
  return sharpSource(path, probe, limits, opts.tempDir ?? os.tmpdir(), opts.streaming ?? true);
}

function checkWindow(probe: ImageProbe, w: Window): void {
  if (
    !(Number.isInteger(w.x) && Number.isInteger(w.y) && w.width > 0 && w.height > 0) ||
    w.x < 0 ||
    w.y < 0 ||
    w.x + w.width > probe.width ||
    w.y + w.height > probe.height
  ) {
    throw new RangeError(`window ${JSON.stringify(w)} is outside the ${probe.width} × ${probe.height} image`);
  }
}

/** Full-scale value of a native sample type, for 0..1 scaling and alpha thresholds. */
function fullScale(bitDepth: number, sampleFormat: number): number {
  if (sampleFormat === 3) return 1;
  if (sampleFormat === 2) return 2 ** (bitDepth - 1) - 1;
  return 2 ** bitDepth - 1;
}

/** Planar 0..1 floats from a native block (integers by full scale; floats as they are). */
export function toBlock(probe: ImageProbe, nb: NativeBlock): Block {
  const n = nb.window.width * nb.window.height;
  const scale = 1 / fullScale(probe.bitDepth, probe.sampleFormat);
  const bands = probe.roles.map(() => new Float32Array(n));
  const nbands = nb.bands;
  for (let b = 0; b < nbands; b++) {
    const out = bands[b]!;
    const d = nb.data;
    for (let i = 0, j = b; i < n; i++, j += nbands) out[i] = d[j]! * scale;
  }
  return { window: { ...nb.window }, roles: probe.roles, bands, valid: nb.valid };
}

/**
 * Splits the alpha sample out of interleaved data and builds validity: alpha below half scale,
 * every band equal to the GDAL nodata value, or a NaN sample → invalid.
 */
function splitValidity(
  probe: ImageProbe,
  w: Window,
  src: NativeArray,
  channels: number,
  alphaIndex: number,
  nodata: number | null,
): NativeBlock {
  const n = w.width * w.height;
  const bands = probe.bandCount;
  const valid = new Uint8Array(n).fill(1);
  let data: NativeArray;
  if (channels === bands) {
    data = src;
  } else {
    data = new (src.constructor as new (k: number) => NativeArray)(n * bands);
    for (let i = 0, s = 0, d = 0; i < n; i++, s += channels, d += bands) {
      for (let b = 0; b < bands; b++) data[d + b] = src[s + b]!;
    }
  }
  if (alphaIndex >= 0) {
    const half = fullScale(probe.bitDepth, probe.sampleFormat) / 2;
    for (let i = 0, s = alphaIndex; i < n; i++, s += channels) if (!(src[s]! >= half)) valid[i] = 0;
  }
  const isFloat = probe.sampleFormat === 3;
  if (nodata !== null || isFloat) {
    for (let i = 0, d = 0; i < n; i++, d += bands) {
      let allNodata = nodata !== null;
      for (let b = 0; b < bands; b++) {
        const v = data[d + b]!;
        if (v !== nodata) allNodata = false;
        if (Number.isNaN(v)) valid[i] = 0;
      }
      if (allNodata) valid[i] = 0;
    }
  }
  return { window: { ...w }, bands, data, valid };
}

async function tiffSource(path: string, probe: ImageProbe, signal?: AbortSignal): Promise<RasterSource> {
  let t: OpenTiff;
  try {
    t = await openTiff(path, signal);
  } catch (err) {
    throw decodeError(err, probe.format);
  }
  const h = t.header;
  const dataSamples = Array.from({ length: h.samples }, (_, i) => i)
    .filter((i) => i !== h.alphaSample)
    .slice(0, probe.bandCount);
  const samples = h.alphaSample >= 0 ? [...dataSamples, h.alphaSample] : dataSamples;
  // The fast reader returns every sample: usable when the data bands lead and alpha follows them.
  const fastLayout = dataSamples.every((s, i) => s === i);
  const readNative = async (w: Window, sig?: AbortSignal): Promise<NativeBlock> => {
    checkWindow(probe, w);
    throwIfAborted(sig);
    let raw: NativeArray;
    try {
      if (fastLayout) {
        const all = await readWindowFast(t, w, sig);
        if (all) return splitValidity(probe, w, all, h.samples, h.alphaSample, h.nodata);
      }
      if (h.photometric === 6) {
        // YCbCr (JPEG-compressed orthophotos, GDAL's PHOTOMETRIC=YCBCR): geotiff converts to RGB.
        const rgb = (await t.image.readRGB({
          window: [w.x, w.y, w.x + w.width, w.y + w.height],
          interleave: true,
          signal: sig,
        })) as unknown as NativeArray;
        return splitValidity(probe, w, rgb, 3, -1, h.nodata);
      }
      raw = (await t.image.readRasters({
        window: [w.x, w.y, w.x + w.width, w.y + w.height],
        samples,
        interleave: true,
        signal: sig,
      })) as unknown as NativeArray;
    } catch (err) {
      if (err instanceof ProcessingError) throw err;
      if ((err as Error)?.name === 'AbortError') throw new ProcessingError('aborted', 'analysis was cancelled');
      throw decodeError(err, probe.format);
    }
    const alphaIndex = h.alphaSample >= 0 ? samples.length - 1 : -1;
    return splitValidity(probe, w, raw, samples.length, alphaIndex, h.nodata);
  };
  return {
    probe,
    blockHeight: h.tiled ? h.blockHeight : Math.max(1, h.blockHeight),
    blockWidth: h.tiled ? h.blockWidth : h.width,
    readNative,
    read: async (w, sig) => toBlock(probe, await readNative(w, sig)),
    close: () => t.close(),
  };
}

async function sharpSource(
  path: string,
  probe: ImageProbe,
  limits: Limits,
  tempRoot: string,
  streaming: boolean,
): Promise<RasterSource> {
  const channels = probe.bandCount + (probe.hasAlpha ? 1 : 0);
  const bytes = probe.bitDepth === 16 ? 2 : 1;
  const layout = { width: probe.width, height: probe.height, channels, bytes };
  const gray = probe.bandCount === 1;
  const space = probe.bitDepth === 16 ? (gray ? 'grey16' : 'rgb16') : gray ? 'b-w' : 'srgb';
  const pipeline = () =>
    sharp(path, { limitInputPixels: limits.maxPixels, failOn: 'warning', sequentialRead: true }).toColourspace(space);
  const toError = (err: unknown) => decodeError(err, probe.format);
  // Sequential readers (the warp) are served from a FIFO; anything else from a temp file.
  let stream: Promise<RowStream | null> | null = streaming ? null : Promise.resolve(null);
  let decoded: Promise<FileHandle> | null = null;
  let dirToRemove: string | null = null;
  const decode = async (): Promise<FileHandle> => {
    const dir = await mkdtemp(join(tempRoot, 'berthwatch-decode-'));
    dirToRemove = dir;
    const file = join(dir, 'pixels.v');
    try {
      await pipeline().toFile(file);
    } catch (err) {
      throw toError(err);
    }
    const fh = await open(file, 'r');
    const head = Buffer.alloc(V_HEADER);
    await fh.read(head, 0, V_HEADER, 0);
    try {
      checkVipsHeader(head, layout);
    } catch (err) {
      await fh.close();
      throw err;
    }
    return fh;
  };
  const readSpan = async (start: number, end: number, keepFrom: number): Promise<Buffer> => {
    stream ??= streamVips(pipeline(), layout, tempRoot, toError);
    const s = await stream;
    if (s) {
      const span = await s.read(start, end, keepFrom);
      if (span) return span;
      await s.close();
      stream = Promise.resolve(null);
    }
    decoded ??= decode();
    const fh = await decoded;
    const span = Buffer.allocUnsafe(end - start);
    let done = 0;
    while (done < span.length) {
      const { bytesRead } = await fh.read(span, done, span.length - done, V_HEADER + start + done);
      if (bytesRead === 0) throw new ProcessingError('truncated_image', 'decoded pixels ended early', 'file');
      done += bytesRead;
    }
    return span;
  };
  const readNative = async (w: Window, sig?: AbortSignal): Promise<NativeBlock> => {
    checkWindow(probe, w);
    throwIfAborted(sig);
    const rowBytes = probe.width * channels * bytes;
    const start = w.y * rowBytes + w.x * channels * bytes;
    const end = (w.y + w.height - 1) * rowBytes + (w.x + w.width) * channels * bytes;
    const span = await readSpan(start, end, w.y * rowBytes);
    const winRow = w.width * channels;
    const n = winRow * w.height;
    let raw: NativeArray;
    if (bytes === 1) {
      raw = w.width === probe.width ? new Uint8Array(span.buffer, span.byteOffset, n) : new Uint8Array(n);
      if (w.width !== probe.width) {
        for (let y = 0; y < w.height; y++) raw.set(span.subarray(y * rowBytes, y * rowBytes + winRow), y * winRow);
      }
    } else {
      // Copy row by row: the span's byte offset need not be 2-aligned for a Uint16Array view.
      const u16 = new Uint16Array(n);
      const bytesView = new Uint8Array(u16.buffer);
      for (let y = 0; y < w.height; y++)
        bytesView.set(span.subarray(y * rowBytes, y * rowBytes + winRow * 2), y * winRow * 2);
      raw = u16;
    }
    return splitValidity(probe, w, raw, channels, probe.hasAlpha ? channels - 1 : -1, null);
  };
  return {
    probe,
    blockHeight: 1,
    blockWidth: probe.width,
    readNative,
    read: async (w, sig) => toBlock(probe, await readNative(w, sig)),
    close: async () => {
      const s = await stream?.catch(() => null);
      await s?.close();
      const fh = await decoded?.catch(() => null);
      await fh?.close();
      if (dirToRemove) await rm(dirToRemove, { recursive: true, force: true });
    },
  };
}
