/**
 * A block at half its resolution (each 2×2 of pixels averaged) and a half-resolution mask brought back
 * to the block's: for decisions about large, soft objects (clouds), which a quarter of the pixels make
 * as well as all of them.
 */
import type { Block } from './types.ts';

/** The block's 2×2 means over its valid pixels (a pixel is valid where any of its four is). */
export function halveBlock(block: Block): Block {
  const { x, y, width, height } = block.window;
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const valid = block.valid;
  const count = new Uint8Array(cw * ch);
  const cvalid = new Uint8Array(cw * ch);
  const full = allOnes(valid);
  if (full) {
    // Every pixel valid (nearly every strip): four per 2×2, fewer only along an odd last column or row.
    count.fill(4);
    if (width & 1) for (let i = cw - 1; i < count.length; i += cw) count[i] = 2;
    if (height & 1) count.fill(2, (ch - 1) * cw, ch * cw);
    if (width & 1 && height & 1) count[count.length - 1] = 1;
    cvalid.fill(1);
  } else {
    for (let cy = 0; cy < ch; cy++) {
      const r0 = 2 * cy * width;
      const r1 = 2 * cy + 1 < height ? r0 + width : -1;
      countRow(valid, r0, r1, width, count, cy * cw);
    }
    for (let i = 0; i < cvalid.length; i++) cvalid[i] = count[i]! > 0 ? 1 : 0;
  }
  const bands = block.bands.map((band) => {
    const out = new Float32Array(cw * ch);
    for (let cy = 0; cy < ch; cy++) {
      const r0 = 2 * cy * width;
      const r1 = 2 * cy + 1 < height ? r0 + width : -1;
      if (full && r1 >= 0) {
        // Whole 2×2s but for an odd last column: meanRow's four-valid sum, without its count test.
        const pairs = width >> 1;
        const o = cy * cw;
        for (let c = 0, fx = 0; c < pairs; c++, fx += 2) {
          out[o + c] = (band[r0 + fx]! + band[r0 + fx + 1]! + band[r1 + fx]! + band[r1 + fx + 1]!) * 0.25;
        }
        if (width & 1) meanRow(band, valid, r0 + width - 1, r1 + width - 1, 1, count, out, o + pairs);
      } else meanRow(band, valid, r0, r1, width, count, out, cy * cw);
    }
    return out;
  });
  return {
    window: { x: Math.floor(x / 2), y: Math.floor(y / 2), width: cw, height: ch },
    roles: block.roles,
    bands,
    valid: cvalid,
  };
}

/** Whether every byte of `a` is 1 (four at a time where the bytes are word-aligned). */
function allOnes(a: Uint8Array): boolean {
  let i = 0;
  if (a.byteOffset % 4 === 0) {
    const words = new Uint32Array(a.buffer, a.byteOffset, a.length >> 2);
    for (let k = 0; k < words.length; k++) if (words[k] !== 0x01010101) return false;
    i = words.length << 2;
  }
  for (; i < a.length; i++) if (a[i] !== 1) return false;
  return true;
}

/** Valid pixels of each 2×2 of fine rows r0 and r1 (−1: none, the block's last odd row). */
function countRow(valid: Uint8Array, r0: number, r1: number, width: number, count: Uint8Array, o: number): void {
  for (let fx = 0; fx < width; fx += 2) {
    const two = fx + 1 < width;
    let c = valid[r0 + fx]!;
    if (two) c += valid[r0 + fx + 1]!;
    if (r1 >= 0) {
      c += valid[r1 + fx]!;
      if (two) c += valid[r1 + fx + 1]!;
    }
    count[o + (fx >> 1)] = c;
  }
}

function meanRow(
  band: Float32Array,
  valid: Uint8Array,
  r0: number,
  r1: number,
  width: number,
  count: Uint8Array,
  out: Float32Array,
  o: number,
): void {
  for (let fx = 0; fx < width; fx += 2) {
    const c = count[o + (fx >> 1)]!;
    if (c === 4) {
      // All four valid (nearly every pixel): no tests.
      out[o + (fx >> 1)] = (band[r0 + fx]! + band[r0 + fx + 1]! + band[r1 + fx]! + band[r1 + fx + 1]!) * 0.25;
      continue;
    }
    if (!c) continue;
    const two = fx + 1 < width;
    let s = valid[r0 + fx] ? band[r0 + fx]! : 0;
    if (two && valid[r0 + fx + 1]) s += band[r0 + fx + 1]!;
    if (r1 >= 0) {
      if (valid[r1 + fx]) s += band[r1 + fx]!;
      if (two && valid[r1 + fx + 1]) s += band[r1 + fx + 1]!;
    }
    out[o + (fx >> 1)] = s / c;
  }
}

/** A 0/1 mask of `halveBlock(block)` at the block's resolution, kept only where the block is valid. */
export function doubleMask(half: Uint8Array, width: number, height: number, valid: Uint8Array): Uint8Array {
  const cw = (width + 1) >> 1;
  const out = new Uint8Array(width * height);
  // Most strips hold no cloud: an empty mask needs no pass at full resolution.
  if (half.indexOf(1) < 0) return out;
  for (let y = 0; y < height; y++) {
    const c = (y >> 1) * cw;
    const r = y * width;
    for (let x = 0; x < width; x++) out[r + x] = half[c + (x >> 1)]! & valid[r + x]!;
  }
  return out;
}
