/**
 * Cheap checks of an uploaded file before anything is committed: format by magic bytes,
 * size limits, structure (truncation), bands, georeference or bounds. Never decodes a big image.
 */
import { open, stat } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import type { Bounds } from '../contract/index.ts';
import { crsTransform } from './crs.ts';
import { ProcessingError, throwIfAborted } from './errors.ts';
import { metresBetween } from './georeference.ts';
import { type GeoTransform, openTiff, type TiffHeader } from './tiff.ts';
import type { BandRole } from './types.ts';

export interface Limits {
  maxBytes: number;
  maxSide: number;
  maxPixels: number;
}

/** DESIGN's limits: 2 GiB per file, 40,000 px per side, 1,000 MP. */
export const DEFAULT_LIMITS: Limits = { maxBytes: 2 * 1024 ** 3, maxSide: 40_000, maxPixels: 1_000e6 };

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'tiff' | 'geotiff';

export interface ImageProbe {
  format: ImageFormat;
  width: number;
  height: number;
  /** Data bands, alpha excluded (it becomes validity). */
  bandCount: number;
  bitDepth: number;
  roles: BandRole[];
  georeferenced: boolean;
  /** 'EPSG:32652' for a georeferenced image; null when placed by `bounds`. */
  crs: string | null;
  /** EPSG:4326 envelope of the image. */
  bounds: Bounds;
  /** Ground size of a pixel at the image centre, metres (mean of x and y). */
  gsdM: number;
  /** Pixel-edge → CRS affine transform (GDAL order); null when placed by `bounds`. */
  transform: GeoTransform | null;
  /** Whether the source has an alpha band (→ validity). */
  hasAlpha: boolean;
  /** GDAL_NODATA value (→ invalid where every band equals it), or null. */
  nodata: number | null;
  /** TIFF SampleFormat: 1 unsigned, 2 signed, 3 float. */
  sampleFormat: number;
}

/** Images up to this many pixels are decoded in full at upload, so damaged data is refused there. */
const DEEP_CHECK_PIXELS = 4e6;
/** Pixels a TIFF deep check decodes per read (whole rows), so its memory stays small. */
const DEEP_CHECK_CHUNK = 1 << 20;

export interface ProbeOptions {
  bounds?: Bounds;
  limits?: Partial<Limits>;
  signal?: AbortSignal;
  /** Fully decode images up to this many pixels, to catch corrupt data at upload time. */
  deepCheckPixels?: number;
}

const SHARP_FORMATS = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP', tiff: 'TIFF' } as const;

/** Format by magic bytes; null when it is none we read. */
function sniffFormat(head: Uint8Array): 'png' | 'jpeg' | 'webp' | 'tiff' | null {
  const b = (i: number) => head[i] ?? -1;
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return 'png';
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (String.fromCharCode(...head.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...head.subarray(8, 12)) === 'WEBP')
    return 'webp';
  if (
    (b(0) === 0x49 && b(1) === 0x49 && (b(2) === 42 || b(2) === 43) && b(3) === 0) ||
    (b(0) === 0x4d && b(1) === 0x4d && b(2) === 0 && (b(3) === 42 || b(3) === 43))
  )
    return 'tiff';
  return null;
}

/** Sanity of user-given bounds: finite, ordered, non-empty, within ±180/±90. */
function checkBounds(bounds: Bounds, field = 'bounds'): void {
  const [w, s, e, n] = bounds;
  if (bounds.length !== 4 || ![w, s, e, n].every(Number.isFinite)) {
    throw new ProcessingError('bad_bounds', 'bounds must be four finite numbers [west, south, east, north]', field);
  }
  if (w < -180 || e > 180 || s < -90 || n > 90) {
    throw new ProcessingError(
      'bad_bounds',
      `bounds [${bounds.join(', ')}] lie beyond ±180° longitude / ±90° latitude`,
      field,
    );
  }
  if (w >= e) throw new ProcessingError('bad_bounds', `west (${w}) must be less than east (${e})`, field);
  if (s >= n) throw new ProcessingError('bad_bounds', `south (${s}) must be less than north (${n})`, field);
}

/** Maps a sharp/libvips decode failure to a typed error. */
export function decodeError(err: unknown, format: ImageFormat): ProcessingError {
  if (err instanceof ProcessingError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const name = format === 'geotiff' ? 'GeoTIFF' : SHARP_FORMATS[format];
  if (/pixel limit/i.test(msg)) {
    return new ProcessingError('image_too_large', `${name} exceeds the pixel limit: ${msg}`, 'file');
  }
  if (/premature|truncat|end of (stream|file|data)|unexpected end|not enough data|short read|out of data/i.test(msg)) {
    return new ProcessingError('truncated_image', `${name} data ends early (the file is truncated): ${msg}`, 'file');
  }
  return new ProcessingError(
    'corrupt_image',
    `${name} data is damaged and could not be decoded: ${msg.split('\n')[0]}`,
    'file',
  );
}

function rolesFor(bands: number): BandRole[] {
  if (bands === 1) return ['gray'];
  if (bands === 3) return ['red', 'green', 'blue'];
  return ['red', 'green', 'blue', 'nir'];
}

function checkBandCount(bands: number, what: string): void {
  if (bands === 2) {
    throw new ProcessingError('bad_bands', `${what} has 2 bands and no alpha; expected 1, 3 or more`, 'file');
  }
  if (bands < 1) throw new ProcessingError('bad_bands', `${what} has no bands`, 'file');
}

function checkSize(width: number, height: number, limits: Limits): void {
  if (!(width > 0 && height > 0)) {
    throw new ProcessingError('corrupt_image', `image declares ${width} × ${height} px`, 'file');
  }
  const side = Math.max(width, height);
  if (side > limits.maxSide) {
    throw new ProcessingError(
      'image_too_large',
      `image is ${width} × ${height} px; the limit is ${limits.maxSide} px per side`,
      'file',
    );
  }
  if (width * height > limits.maxPixels) {
    throw new ProcessingError(
      'image_too_large',
      `image is ${((width * height) / 1e6).toFixed(0)} MP (${width} × ${height}); the limit is ${(limits.maxPixels / 1e6).toFixed(0)} MP`,
      'file',
    );
  }
}

/**
 * Magic bytes → format, size/pixel limits, decodability (header, structure, a small read),
 * bounds required unless georeferenced, bounds sanity. Throws ProcessingError with a precise
 * code, message and field.
 */
export async function probeImage(path: string, opts: ProbeOptions = {}): Promise<ImageProbe> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  return probeFile(path, limits, opts);
}

async function probeFile(path: string, limits: Limits, opts: ProbeOptions): Promise<ImageProbe> {
  const { size } = await stat(path);
  if (size === 0) throw new ProcessingError('empty_file', 'file is empty (0 bytes)', 'file');
  if (size > limits.maxBytes) {
    throw new ProcessingError(
      'file_too_large',
      `file is ${size} bytes; the limit is ${limits.maxBytes} bytes (${(limits.maxBytes / 1024 ** 3).toFixed(2)} GiB)`,
      'file',
    );
  }
  const fh = await open(path, 'r');
  const head = new Uint8Array(16);
  const tail = new Uint8Array(Math.min(size, 4096));
  try {
    await fh.read(head, 0, Math.min(16, size), 0);
    await fh.read(tail, 0, tail.length, size - tail.length);
  } finally {
    await fh.close();
  }
  const kind = sniffFormat(head);
  if (!kind) {
    const hex = Array.from(head.subarray(0, 8), (x) => x.toString(16).padStart(2, '0')).join(' ');
    throw new ProcessingError(
      'unsupported_format',
      `file is not a PNG, JPEG, WebP or TIFF image (it starts with bytes ${hex})`,
      'file',
    );
  }
  throwIfAborted(opts.signal);
  if (kind === 'tiff') return probeTiff(path, size, limits, opts);
  checkTail(kind, head, tail, size);
  let meta: Metadata;
  try {
    meta = await sharp(path, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw decodeError(err, kind);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  checkSize(width, height, limits);
  const channels = meta.channels ?? 0;
  const hasAlpha = meta.hasAlpha === true || channels === 2;
  // CMYK (print JPEGs) is converted to RGB on decode: three bands, not RGB + NIR.
  const bands = meta.space === 'cmyk' ? 3 : channels - (hasAlpha ? 1 : 0);
  checkBandCount(bands, `${SHARP_FORMATS[kind]} image`);
  const bitDepth = meta.depth === 'ushort' || meta.depth === 'short' ? 16 : 8;
  if (width * height <= (opts.deepCheckPixels ?? DEEP_CHECK_PIXELS)) {
    try {
      await sharp(path, { limitInputPixels: limits.maxPixels, failOn: 'warning' }).raw().toBuffer();
    } catch (err) {
      throw decodeError(err, kind);
    }
  }
  const bounds = placeByBounds(opts.bounds, width, height);
  return {
    format: kind,
    width,
    height,
    bandCount: Math.min(bands, 4),
    bitDepth,
    roles: rolesFor(bands),
    georeferenced: false,
    crs: null,
    bounds,
    gsdM: gsdOfBounds(bounds, width, height),
    transform: null,
    hasAlpha,
    nodata: null,
    sampleFormat: 1,
  };
}

/** Structure checks sharp's header read does not make: is the file cut short? */
function checkTail(kind: 'png' | 'jpeg' | 'webp', head: Uint8Array, tail: Uint8Array, size: number): void {
  const name = SHARP_FORMATS[kind];
  if (kind === 'png') {
    const text = Buffer.from(tail).toString('latin1');
    if (!text.includes('IEND')) {
      throw new ProcessingError('truncated_image', `PNG ends before its IEND chunk (file is ${size} bytes)`, 'file');
    }
  } else if (kind === 'jpeg') {
    let eoi = false;
    for (let i = tail.length - 2; i >= 0 && !eoi; i--) eoi = tail[i] === 0xff && tail[i + 1] === 0xd9;
    if (!eoi) {
      throw new ProcessingError('truncated_image', `JPEG has no end-of-image marker (file is ${size} bytes)`, 'file');
    }
  } else {
    const riff = Buffer.from(head).readUInt32LE(4) + 8;
    if (riff > size) {
      throw new ProcessingError('truncated_image', `${name} declares ${riff} bytes but the file has ${size}`, 'file');
    }
  }
}

function placeByBounds(bounds: Bounds | undefined, width: number, height: number): Bounds {
  if (!bounds) {
    throw new ProcessingError(
      'missing_bounds',
      'image is not georeferenced: give its bounds [west, south, east, north] in EPSG:4326',
      'bounds',
    );
  }
  checkBounds(bounds);
  const [w, s, e, n] = bounds;
  const c: [number, number] = [(w + e) / 2, (s + n) / 2];
  const px = metresBetween([c[0] - (e - w) / width / 2, c[1]], [c[0] + (e - w) / width / 2, c[1]]);
  const py = metresBetween([c[0], c[1] - (n - s) / height / 2], [c[0], c[1] + (n - s) / height / 2]);
  // North-up imagery has near-square pixels; 4:1 means the bounds do not belong to this image
  // (swapped lon/lat, a typo in a digit) and every length we measured would be wrong.
  if (px / py > 4 || py / px > 4) {
    throw new ProcessingError(
      'bad_bounds',
      `bounds give ${width} × ${height} px pixels of ${px.toFixed(2)} m × ${py.toFixed(2)} m; pixels should be near square (are west/south/east/north swapped?)`,
      'bounds',
    );
  }
  return [w, s, e, n];
}

function gsdOfBounds(bounds: Bounds, width: number, height: number): number {
  const [w, s, e, n] = bounds;
  const c: [number, number] = [(w + e) / 2, (s + n) / 2];
  const px = metresBetween([c[0] - (e - w) / width / 2, c[1]], [c[0] + (e - w) / width / 2, c[1]]);
  const py = metresBetween([c[0], c[1] - (n - s) / height / 2], [c[0], c[1] + (n - s) / height / 2]);
  return (px + py) / 2;
}

async function probeTiff(path: string, size: number, limits: Limits, opts: ProbeOptions): Promise<ImageProbe> {
  const t = await openTiff(path, opts.signal);
  try {
    const h = t.header;
    checkSize(h.width, h.height, limits);
    if (h.dataEnd > size) {
      throw new ProcessingError(
        'truncated_image',
        `TIFF pixel data runs to byte ${h.dataEnd} but the file has ${size} bytes (the file is truncated)`,
        'file',
      );
    }
    checkTiffSamples(h);
    const hasAlpha = h.alphaSample >= 0;
    const bands = h.samples - (hasAlpha ? 1 : 0);
    checkBandCount(bands, 'TIFF');
    // Up to the size other formats are fully decoded at, every block is decoded as the analysis will decode
    // it (a damaged tile otherwise passed the upload and failed only in its job: 0.2 s CPU at 2048 × 1536);
    // above it, one block, proving the compression is one we can decode (a full read of 100 MP costs ~6 s).
    const full = h.width * h.height <= (opts.deepCheckPixels ?? DEEP_CHECK_PIXELS);
    const rows = full ? Math.max(1, Math.floor(DEEP_CHECK_CHUNK / h.width)) : Math.min(h.height, 8);
    try {
      for (let y = 0; y < (full ? h.height : rows); y += rows) {
        const window = [0, y, full ? h.width : Math.min(h.width, 8), Math.min(h.height, y + rows)];
        await t.image.readRasters({ window, signal: opts.signal });
      }
    } catch (err) {
      throw decodeError(err, h.georef ? 'geotiff' : 'tiff');
    }
    const base = {
      width: h.width,
      height: h.height,
      bandCount: Math.min(bands, 4),
      bitDepth: h.bitsPerSample[0] ?? 8,
      roles: rolesFor(bands),
      hasAlpha,
      nodata: h.nodata,
      sampleFormat: h.sampleFormat,
    };
    if (!h.georef || (h.georef.crs === null && opts.bounds)) {
      const bounds = placeByBounds(opts.bounds, h.width, h.height);
      return {
        ...base,
        format: 'tiff',
        georeferenced: false,
        crs: null,
        bounds,
        gsdM: gsdOfBounds(bounds, h.width, h.height),
        transform: null,
      };
    }
    if (!h.georef.crs) {
      throw new ProcessingError(
        'unsupported_crs',
        'GeoTIFF has a user-defined coordinate reference system with no EPSG code; reproject it to EPSG:4326, EPSG:3857 or a UTM zone',
        'file',
      );
    }
    const { bounds, gsdM } = georefEnvelope(h.georef.crs, h.georef.transform, h.width, h.height);
    return {
      ...base,
      format: 'geotiff',
      georeferenced: true,
      crs: h.georef.crs,
      bounds,
      gsdM,
      transform: h.georef.transform,
    };
  } finally {
    await t.close();
  }
}

function checkTiffSamples(h: TiffHeader): void {
  if (h.bitsPerSample.length !== h.samples) {
    throw new ProcessingError(
      'bad_bands',
      `TIFF declares ${h.samples} samples per pixel but ${h.bitsPerSample.length} bit depths`,
      'file',
    );
  }
  const bits = h.bitsPerSample[0] ?? 0;
  if (!h.bitsPerSample.every((b) => b === bits) || ![8, 16, 32].includes(bits)) {
    throw new ProcessingError(
      'bad_bands',
      `TIFF has ${h.bitsPerSample.join('/')}-bit samples; expected 8 or 16 bits (or 32-bit float) for every band`,
      'file',
    );
  }
  if (h.photometric === 3) {
    throw new ProcessingError('bad_bands', 'TIFF is palette-coloured; expand it to RGB first', 'file');
  }
}

/** EPSG:4326 envelope (edges densified, as projected edges curve) and centre GSD of a georeferenced image. */
function georefEnvelope(crs: string, t: GeoTransform, width: number, height: number): { bounds: Bounds; gsdM: number } {
  const tr = crsTransform(crs);
  const toLonLat = (col: number, row: number) =>
    tr.toLonLat(t[0] + t[1] * col + t[2] * row, t[3] + t[4] * col + t[5] * row);
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const steps = 32;
  for (let k = 0; k <= steps; k++) {
    const f = k / steps;
    for (const [col, row] of [
      [f * width, 0],
      [f * width, height],
      [0, f * height],
      [width, f * height],
    ] as const) {
      const [lon, lat] = toLonLat(col, row);
      w = Math.min(w, lon);
      e = Math.max(e, lon);
      s = Math.min(s, lat);
      n = Math.max(n, lat);
    }
  }
  const bounds: Bounds = [w, s, e, n];
  if (![w, s, e, n].every(Number.isFinite) || w < -180 || e > 180 || s < -90 || n > 90 || w >= e || s >= n) {
    throw new ProcessingError(
      'bad_bounds',
      `the file's georeference (${crs}) places it at [${bounds.map((v) => v.toFixed(4)).join(', ')}], outside the globe`,
      'file',
    );
  }
  const cc = width / 2;
  const cr = height / 2;
  const o = toLonLat(cc, cr);
  const gx = metresBetween(o, toLonLat(cc + 1, cr));
  const gy = metresBetween(o, toLonLat(cc, cr + 1));
  return { bounds, gsdM: (gx + gy) / 2 };
}
