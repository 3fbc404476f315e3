/**
 * Fast window reads of ordinary TIFFs. geotiff.js `readRasters` copies every sample through a
 * DataView getter called per value (~2 MP/s for RGB here); for the common layouts — chunky
 * samples of 8/16/32 bits, uncompressed, LZW, Deflate or PackBits — we let geotiff decode each
 * tile or strip and copy whole rows with typed arrays, byte-swapping big-endian data once.
 * Anything else returns null and the caller uses `readRasters`.
 */
import { getDecoder } from 'geotiff';
import type { NativeArray } from './decode.ts';
import { ProcessingError } from './errors.ts';
import type { OpenTiff } from './tiff.ts';
import type { Window } from './types.ts';

/** Compressions whose geotiff decoder takes only the default parameters. */
const SIMPLE_COMPRESSIONS = new Set([1, 5, 8, 32946, 32773]);

type Decoder = Awaited<ReturnType<typeof getDecoder>>;
const decoders = new WeakMap<OpenTiff, Promise<Decoder | null>>();

async function decoderFor(t: OpenTiff): Promise<Decoder | null> {
  const h = t.header;
  const fd = t.image.getFileDirectory();
  const compression = (fd.getValue('Compression') as number | undefined) ?? 1;
  const bits = h.bitsPerSample[0] ?? 0;
  const floatOk = h.sampleFormat !== 3 || bits === 32;
  if (t.image.planarConfiguration !== 1 || !SIMPLE_COMPRESSIONS.has(compression) || ![8, 16, 32].includes(bits)) {
    return null;
  }
  // YCbCr needs colour conversion (and may be subsampled): geotiff's readRGB handles it.
  if (!floatOk || h.photometric === 6 || h.bitsPerSample.some((b) => b !== bits)) return null;
  return getDecoder(compression, {
    tileWidth: h.tiled ? t.image.getTileWidth() : h.width,
    tileHeight: h.tiled ? t.image.getTileHeight() : h.blockHeight,
    planarConfiguration: 1,
    bitsPerSample: h.bitsPerSample,
    predictor: ((await fd.loadValue('Predictor')) as number | undefined) || 1,
  } as never);
}

/** All samples of window `w`, interleaved, at native depth; null when this layout needs readRasters. */
export async function readWindowFast(t: OpenTiff, w: Window, signal?: AbortSignal): Promise<NativeArray | null> {
  let pending = decoders.get(t);
  if (!pending) {
    pending = decoderFor(t);
    decoders.set(t, pending);
  }
  const decoder = await pending;
  if (!decoder) return null;
  const h = t.header;
  const image = t.image;
  const spp = h.samples;
  const bps = (h.bitsPerSample[0] ?? 8) / 8;
  const px = spp * bps;
  const bw = h.tiled ? image.getTileWidth() : h.width;
  const bh = h.tiled ? image.getTileHeight() : h.blockHeight;
  const out = new Uint8Array(w.width * w.height * px);
  const outRow = w.width * px;
  for (let by = Math.floor(w.y / bh); by * bh < w.y + w.height; by++) {
    for (let bx = Math.floor(w.x / bw); bx * bw < w.x + w.width; bx++) {
      if (signal?.aborted) throw new ProcessingError('aborted', 'analysis was cancelled');
      const block = new Uint8Array((await image.getTileOrStrip(bx, by, 0, decoder, signal)).data);
      const x0 = Math.max(w.x, bx * bw);
      const x1 = Math.min(w.x + w.width, (bx + 1) * bw, h.width);
      const y0 = Math.max(w.y, by * bh);
      const y1 = Math.min(w.y + w.height, (by + 1) * bh, h.height);
      const len = (x1 - x0) * px;
      for (let y = y0; y < y1; y++) {
        const from = ((y - by * bh) * bw + (x0 - bx * bw)) * px;
        if (from + len > block.length) {
          throw new ProcessingError('corrupt_image', `TIFF block ${bx},${by} decodes to too few bytes`, 'file');
        }
        out.set(block.subarray(from, from + len), (y - w.y) * outRow + (x0 - w.x) * px);
      }
    }
  }
  if (bps > 1 && !image.littleEndian) swapBytes(out, bps);
  if (bps === 1) return out;
  if (bps === 2) return h.sampleFormat === 2 ? new Int16Array(out.buffer) : new Uint16Array(out.buffer);
  if (h.sampleFormat === 3) return new Float32Array(out.buffer);
  return h.sampleFormat === 2 ? new Int32Array(out.buffer) : new Uint32Array(out.buffer);
}

/** Reverses the bytes of every `size`-byte sample in place (big-endian file → little-endian host). */
function swapBytes(b: Uint8Array, size: number): void {
  if (size === 2) {
    for (let i = 0; i + 1 < b.length; i += 2) {
      const t = b[i]!;
      b[i] = b[i + 1]!;
      b[i + 1] = t;
    }
    return;
  }
  for (let i = 0; i + 3 < b.length; i += 4) {
    const a = b[i]!;
    const c = b[i + 1]!;
    b[i] = b[i + 3]!;
    b[i + 1] = b[i + 2]!;
    b[i + 2] = c;
    b[i + 3] = a;
  }
}
