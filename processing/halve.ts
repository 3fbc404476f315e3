/**
 * A block at half its resolution (each 2×2 of pixels averaged) and a half-resolution mask brought back
 * to the block's: for decisions about large, soft objects (clouds), which a quarter of the pixels make
 * as well as all of them.
 */
import { readFileSync } from 'node:fs';
import { kernelAddress, kernelMemory } from './kernel-memory.ts';
import { anySet } from './mask-loops.ts';
import type { PlanePool } from './plane-pool.ts';
import { rgbLuminanceInto } from './rgb-luminance.ts';
import type { Block } from './types.ts';

interface Exports {
  whole3(
    src: number,
    s1: number,
    s2: number,
    row: number,
    out: number,
    o1: number,
    o2: number,
    lum: number,
    pairs: number,
  ): void;
}
const wasm = new WebAssembly.Module(readFileSync(new URL('./halve.wasm', import.meta.url)));
let kernel: Exports | null = null;

/**
 * Where the three bands of a block, their halved planes and the luminance plane (if any) all lie in
 * the kernel memory (the survey's reads, the cloud mask's pool), the kernel addresses halve.wasm needs;
 * else null (the JavaScript loops do it all).
 */
function inKernel(
  bands: Float32Array[],
  halved: Float32Array[],
  lum: Float32Array | null,
): { src: number[]; out: number[]; lum: number } | null {
  if (bands.length !== 3) return null;
  const src = bands.map(kernelAddress);
  const out = halved.map(kernelAddress);
  const l = lum ? kernelAddress(lum) : 0;
  if (src.some((a) => a < 0) || out.some((a) => a < 0) || l < 0) return null;
  return { src, out, lum: l };
}

/**
 * The block's 2×2 means over its valid pixels (a pixel is valid where any of its four is). With a
 * `pool`, the planes are its slots `slot` … `slot + bands` (valid until those are asked for again).
 */
export function halveBlock(block: Block, pool: PlanePool | null = null, slot = 0): Block {
  return halveBlockWith(block, pool, slot, null).half;
}

/**
 * `halveBlock`, and with `lum` (of the halved block's size) and three visible bands, their luminance
 * into it (`lumDone`) as mask.ts `luminanceInto` takes it of the halved bands (`rgbLuminanceInto`):
 * each row of cells while its means are in cache, rather than in a pass of its own over the planes.
 */
export function halveBlockWith(
  block: Block,
  pool: PlanePool | null,
  slot: number,
  lum: Float32Array | null,
): { half: Block; lumDone: boolean; kernelRows: number } {
  const { x, y, width, height } = block.window;
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const valid = block.valid;
  // The pool's planes as they are (not zeroed): every cell of each is written below.
  const count = pool ? pool.bytesAsIs(slot, cw * ch) : new Uint8Array(cw * ch);
  // Per row of cells, the span [whole[2cy], whole[2cy + 1]) of cells whose four pixels are all valid,
  // found by a word scan: nearly all of a strip's cells (only the columns a shift left without data and
  // the holes of a cloud mask are not). Their count is 4 and their mean needs no test; the rest take
  // the per-cell counts and tests.
  const whole = pool ? pool.intsAsIs(slot, 2 * ch) : new Int32Array(2 * ch);
  for (let cy = 0; cy < ch; cy++) {
    const r0 = 2 * cy * width;
    const r1 = 2 * cy + 1 < height ? r0 + width : -1;
    const o = cy * cw;
    if (r1 < 0) {
      // The block's last odd row: no cell has four pixels.
      whole[2 * cy] = 0;
      whole[2 * cy + 1] = 0;
    }
    const a = r1 >= 0 ? wholeCells(valid, r0, r1, width, whole, 2 * cy) : 0;
    const b = whole[2 * cy + 1]!;
    if (a < b) {
      countRow(valid, r0, r1, 2 * a, count, o);
      count.fill(4, o + a, o + b);
      countRow(valid, r0 + 2 * b, r1 + 2 * b, width - 2 * b, count, o + b);
    } else countRow(valid, r0, r1, width, count, o);
  }
  const cvalid = pool ? pool.bytesAsIs(slot + 1, cw * ch) : new Uint8Array(cw * ch);
  anyValid(count, cvalid);
  const bands = block.bands.map((_, b) => (pool ? pool.floatsAsIs(slot + b, cw * ch) : new Float32Array(cw * ch)));
  const visible = block.roles.flatMap((role, b) => (role !== 'nir' ? [b] : []));
  const lumDone = lum !== null && visible.length === 3 && block.bands.length === block.roles.length;
  const [l0, l1, l2] = visible.map((b) => bands[b]!) as [Float32Array, Float32Array, Float32Array];
  // Three bands in the kernel memory (the survey's): their whole cells two at a time in halve.wasm, with
  // their luminance if asked (visible bands 0, 1, 2).
  const at = inKernel(block.bands, bands, lumDone ? lum : null);
  // Rows of cells whose whole cells halve.wasm took: its path and the loops' give the same planes, so
  // only this count tells a test the kernel ran.
  let kernelRows = 0;
  // Row of cells by row of cells, every band: the luminance reads the row's means while they are in cache.
  for (let cy = 0; cy < ch; cy++) {
    const a = whole[2 * cy]!;
    const pairs = at ? (whole[2 * cy + 1]! - a) >> 1 : 0;
    if (pairs > 0) {
      const o = cy * cw;
      const src = 4 * (2 * cy * width + 2 * a);
      const out = 4 * (o + a);
      kernel ??= new WebAssembly.Instance(wasm, { env: { memory: kernelMemory } }).exports as unknown as Exports;
      kernel.whole3(
        at!.src[0]! + src,
        at!.src[1]! - at!.src[0]!,
        at!.src[2]! - at!.src[0]!,
        4 * width,
        at!.out[0]! + out,
        at!.out[1]! - at!.out[0]!,
        at!.out[2]! - at!.out[0]!,
        lumDone ? at!.lum + out : 0,
        pairs,
      );
      kernelRows++;
      // The rest of the row's cells as below.
      for (let b = 0; b < 3; b++)
        halveRow(block.bands[b]!, valid, width, height, cw, whole, count, bands[b]!, cy, a + 2 * pairs);
      if (lumDone) {
        rgbLuminanceInto(l0, l1, l2, lum!, o, o + a);
        rgbLuminanceInto(l0, l1, l2, lum!, o + a + 2 * pairs, o + cw);
      }
      continue;
    }
    for (let b = 0; b < bands.length; b++)
      halveRow(block.bands[b]!, valid, width, height, cw, whole, count, bands[b]!, cy);
    if (lumDone) rgbLuminanceInto(l0, l1, l2, lum!, cy * cw, (cy + 1) * cw);
  }
  return {
    half: {
      window: { x: Math.floor(x / 2), y: Math.floor(y / 2), width: cw, height: ch },
      roles: block.roles,
      bands,
      valid: cvalid,
    },
    lumDone,
    kernelRows,
  };
}

/** A cell is valid where any of its pixels is. */
export function anyValid(count: Uint8Array, cvalid: Uint8Array): void {
  let i = 0;
  if (count.byteOffset % 4 === 0 && cvalid.byteOffset % 4 === 0) {
    // Four cells a step: a count is 0…4 (bits 0–2), so a byte's bit 0 of c | c >> 1 | c >> 2 is c > 0
    // (the shifts bring a byte's own bits 1 and 2 to its bit 0; the bits they bring in from the next byte land higher).
    const words = count.length >> 2;
    const c = new Uint32Array(count.buffer, count.byteOffset, words);
    const v = new Uint32Array(cvalid.buffer, cvalid.byteOffset, words);
    for (let k = 0; k < words; k++) {
      const w = c[k]!;
      v[k] = (w | (w >>> 1) | (w >>> 2)) & 0x01010101;
    }
    i = words << 2;
  }
  for (; i < cvalid.length; i++) cvalid[i] = count[i]! > 0 ? 1 : 0;
}

/**
 * One band's 2×2 means over row `cy` of cells (`halveBlock`): the cells of `whole` without tests, the
 * others by `count`; of the whole cells, those from `from` on (halve.wasm did the others).
 */
function halveRow(
  band: Float32Array,
  valid: Uint8Array,
  width: number,
  height: number,
  cw: number,
  whole: Int32Array,
  count: Uint8Array,
  out: Float32Array,
  cy: number,
  from = whole[2 * cy]!,
): void {
  const r0 = 2 * cy * width;
  const r1 = 2 * cy + 1 < height ? r0 + width : -1;
  const o = cy * cw;
  const a = whole[2 * cy]!;
  const b = whole[2 * cy + 1]!;
  if (a < b) {
    meanRow(band, valid, r0, r1, 2 * a, count, out, o);
    wholeRow(band, r0, r1, from, b, out, o);
    meanRow(band, valid, r0 + 2 * b, r1 + 2 * b, width - 2 * b, count, out, o + b);
  } else meanRow(band, valid, r0, r1, width, count, out, o);
}

/** meanRow's four-valid sum over cells [a, b) of fine rows r0 and r1, without its count test. */
function wholeRow(
  band: Float32Array,
  r0: number,
  r1: number,
  a: number,
  b: number,
  out: Float32Array,
  o: number,
): void {
  for (let c = a, fx = 2 * a; c < b; c++, fx += 2) {
    out[o + c] = (band[r0 + fx]! + band[r0 + fx + 1]! + band[r1 + fx]! + band[r1 + fx + 1]!) * 0.25;
  }
}

/**
 * Cells [a, b) of fine rows r0 and r1 whose four pixels are all valid, into `into[at]`, `into[at + 1]`
 * (a = b = 0 when there is no such span): the columns between the first and the last valid in both
 * rows, if every one of them is. Returns a.
 */
function wholeCells(valid: Uint8Array, r0: number, r1: number, width: number, into: Int32Array, at: number): number {
  let s = 0;
  while (s < width && !(valid[r0 + s]! & valid[r1 + s]!)) s++;
  let e = width;
  while (e > s && !(valid[r0 + e - 1]! & valid[r1 + e - 1]!)) e--;
  let a = (s + 1) >> 1;
  let b = e >> 1;
  if (a >= b || !onesIn(valid, r0 + s, r0 + e) || !onesIn(valid, r1 + s, r1 + e)) {
    a = 0;
    b = 0;
  }
  into[at] = a;
  into[at + 1] = b;
  return a;
}

/** Whether every byte of `a` from `from` to `to` (excluded) is 1, four at a time where word-aligned. */
function onesIn(a: Uint8Array, from: number, to: number): boolean {
  let i = from;
  for (; i < to && (a.byteOffset + i) % 4 !== 0; i++) if (a[i] !== 1) return false;
  const words = (to - i) >> 2;
  if (words > 0) {
    const w = new Uint32Array(a.buffer, a.byteOffset + i, words);
    for (let k = 0; k < words; k++) if (w[k] !== 0x01010101) return false;
    i += words << 2;
  }
  for (; i < to; i++) if (a[i] !== 1) return false;
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
    if (!c) {
      // No valid pixel: 0 (the planes are not zeroed beforehand).
      out[o + (fx >> 1)] = 0;
      continue;
    }
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

/** Whether any byte of `a` in [from, to) is set. */
function anyIn(a: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (a[i]) return true;
  return false;
}

/** A 0/1 mask of `halveBlock(block)` at the block's resolution, kept only where the block is valid. */
export function doubleMask(half: Uint8Array, width: number, height: number, valid: Uint8Array): Uint8Array {
  const cw = (width + 1) >> 1;
  const out = new Uint8Array(width * height);
  // Most strips hold no cloud: an empty mask needs no pass at full resolution.
  if (!anySet(half)) return out;
  const ch = (height + 1) >> 1;
  for (let cy = 0; cy < ch; cy++) {
    const c = cy * cw;
    // Rows of cells without cloud (most of a cloudy strip's) stay 0.
    if (!anyIn(half, c, c + cw)) continue;
    doubleRow(half, c, cw, valid, 2 * cy * width, width, out);
    if (2 * cy + 1 < height) doubleRow(half, c, cw, valid, (2 * cy + 1) * width, width, out);
  }
  return out;
}

/**
 * `out[r + x] = half[c + (x >> 1)] & valid[r + x]` over one fine row, cell by cell: cells without
 * cloud (0) leave their pixels 0 (`out` zeroed).
 */
function doubleRow(
  half: Uint8Array,
  c: number,
  cw: number,
  valid: Uint8Array,
  r: number,
  width: number,
  out: Uint8Array,
): void {
  // Cells whose two pixels are both in the row; then the odd width's last one.
  const pairs = width >> 1;
  for (let cx = 0; cx < pairs; cx++) {
    const h = half[c + cx]!;
    if (!h) continue;
    const x = r + 2 * cx;
    out[x] = h & valid[x]!;
    out[x + 1] = h & valid[x + 1]!;
  }
  if (pairs < cw) {
    const x = r + 2 * pairs;
    out[x] = half[c + pairs]! & valid[x]!;
  }
}
