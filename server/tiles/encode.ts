/**
 * Tile PNGs, lossless and small. A cached tile is sent again and again, and every byte of it costs
 * the socket and the client each time (on one machine, the same cores), so it is encoded once as
 * tightly as a cheap encode allows:
 * - at most 256 colours (change overlays, the empty tile, flat or masked areas): an indexed PNG of
 *   the fewest bits per pixel, exact colours in PLTE and alpha in tRNS;
 * - otherwise truecolour with a filter chosen per row (imagery compresses poorly unfiltered), and
 *   RGB rather than RGBA when every pixel is opaque, or when the transparent ones (outside the image)
 *   all have one colour that no opaque pixel has: that colour is then keyed transparent with tRNS.
 */
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import sharp from 'sharp';
import { pngChunk } from '../../processing/fixtures/png-chunk.ts';

const deflateAsync = promisify(deflate);
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/**
 * zlib level of truecolour tiles. On the 99 tiles of the http bench (sample image, z 15-17, palette
 * tiles included) with the colour key: level 6 43.4 KiB on average for about 12 ms of CPU a tile,
 * 7 41.7 KiB for 16 ms, 9 41.2 KiB for 34 ms (without the key, level 6 was 45.6 KiB).
 */
const TRUECOLOUR_LEVEL = 7;

interface Palette {
  /** RGBA of each palette entry, translucent entries first (tRNS then only needs those). */
  colours: Uint8Array;
  /** Entries with alpha < 255 (the length of tRNS). */
  translucent: number;
  /** Palette index of each pixel. */
  index: Uint8Array;
}

/** The tile's palette, or null when it has more than 256 colours (found early: imagery stops within a few rows). */
function paletteOf(rgba: Uint8Array): Palette | null {
  const n = rgba.length >> 2;
  const seen = new Map<number, number>();
  const order: number[] = [];
  const first = new Uint8Array(n);
  let prev = -1;
  let prevIdx = 0;
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    const key = ((rgba[o]! << 24) | (rgba[o + 1]! << 16) | (rgba[o + 2]! << 8) | rgba[o + 3]!) >>> 0;
    if (key !== prev) {
      let idx = seen.get(key);
      if (idx === undefined) {
        if (order.length === 256) return null;
        idx = order.length;
        seen.set(key, idx);
        order.push(key);
      }
      prev = key;
      prevIdx = idx;
    }
    first[i] = prevIdx;
  }
  // Reorder: translucent colours first, so tRNS can stop where the opaque ones begin.
  const ranked = order
    .map((key, idx) => ({ key, idx }))
    .sort((a, b) => Number((a.key & 255) === 255) - Number((b.key & 255) === 255));
  const remap = new Uint8Array(order.length);
  const colours = new Uint8Array(order.length * 4);
  let translucent = 0;
  ranked.forEach(({ key, idx }, k) => {
    remap[idx] = k;
    colours[k * 4] = key >>> 24;
    colours[k * 4 + 1] = (key >>> 16) & 255;
    colours[k * 4 + 2] = (key >>> 8) & 255;
    colours[k * 4 + 3] = key & 255;
    if ((key & 255) !== 255) translucent++;
  });
  for (let i = 0; i < n; i++) first[i] = remap[first[i]!]!;
  return { colours, translucent, index: first };
}

/** An indexed PNG (colour type 3) of `width`×`height` pixels at 1, 2, 4 or 8 bits per pixel. */
async function indexedPng(p: Palette, width: number, height: number): Promise<Buffer> {
  const count = p.colours.length / 4;
  const bits = count <= 2 ? 1 : count <= 4 ? 2 : count <= 16 ? 4 : 8;
  const rowBytes = Math.ceil((width * bits) / 8);
  const raw = Buffer.alloc(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    // Filter byte 0 (none): neighbouring palette indices are not magnitudes, so the PNG filters do not help.
    const row = y * (rowBytes + 1) + 1;
    for (let x = 0; x < width; x++) {
      const bit = x * bits;
      raw[row + (bit >> 3)]! |= p.index[y * width + x]! << (8 - bits - (bit & 7));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bits;
  ihdr[9] = 3;
  const plte = Buffer.alloc(count * 3);
  const trns = Buffer.alloc(p.translucent);
  for (let k = 0; k < count; k++) {
    plte[k * 3] = p.colours[k * 4]!;
    plte[k * 3 + 1] = p.colours[k * 4 + 1]!;
    plte[k * 3 + 2] = p.colours[k * 4 + 2]!;
    if (k < p.translucent) trns[k] = p.colours[k * 4 + 3]!;
  }
  return Buffer.concat([
    SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('PLTE', plte),
    ...(p.translucent > 0 ? [pngChunk('tRNS', trns)] : []),
    pngChunk('IDAT', await deflateAsync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * How the alpha channel can be written: 'opaque' (none needed), the 0xRRGGBB colour of every
 * transparent pixel when alpha is only 0 or 255 and no opaque pixel has that colour (RGB with that
 * colour keyed by tRNS decodes to exactly these pixels), or null (RGBA needed).
 */
function alphaKey(rgba: Uint8Array): 'opaque' | number | null {
  let key = -1;
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3]!;
    if (a === 255) continue;
    if (a !== 0) return null;
    const rgb = (rgba[i]! << 16) | (rgba[i + 1]! << 8) | rgba[i + 2]!;
    if (key < 0) key = rgb;
    else if (rgb !== key) return null;
  }
  if (key < 0) return 'opaque';
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i + 3] === 255 && ((rgba[i]! << 16) | (rgba[i + 1]! << 8) | rgba[i + 2]!) === key) return null;
  }
  return key;
}

/** `png` (colour type 2) with `key` transparent: a tRNS chunk just before the first IDAT. */
function withKey(png: Buffer, key: number): Buffer {
  let at = SIGNATURE.length;
  while (png.toString('latin1', at + 4, at + 8) !== 'IDAT') at += 12 + png.readUInt32BE(at);
  const trns = Buffer.alloc(6);
  trns.writeUInt16BE(key >>> 16, 0);
  trns.writeUInt16BE((key >>> 8) & 255, 2);
  trns.writeUInt16BE(key & 255, 4);
  return Buffer.concat([png.subarray(0, at), pngChunk('tRNS', trns), png.subarray(at)]);
}

/** `rgba` (width × height × 4 bytes) as the smallest of the lossless encodings above. */
export async function encodeTilePng(rgba: Uint8Array, width: number, height: number): Promise<Buffer> {
  const palette = paletteOf(rgba);
  if (palette) return indexedPng(palette, width, height);
  const key = alphaKey(rgba);
  const img = sharp(rgba, { raw: { width, height, channels: 4 } });
  const png = await (key === null ? img : img.removeAlpha())
    .png({ compressionLevel: TRUECOLOUR_LEVEL, adaptiveFiltering: true })
    .toBuffer();
  return typeof key === 'number' ? withKey(png, key) : png;
}
