/**
 * Shifted RGB reads resampled and normalised in WebAssembly (shifted.wat): the survey reads both
 * dates of every strip this way, and the JavaScript loop (`shiftedRgbNormalized`, kept as the
 * reference its test compares with) was a quarter of the survey's CPU at 10000². The module computes
 * the same double-precision operations in the same order, so the planes are bit for bit the same.
 * WebAssembly cannot touch JavaScript's arrays: each row's source bytes and validity are copied into
 * the module's memory (the thread's kernel memory, kernel-memory.ts), and its planes written straight
 * into the output planes where those lie there (the survey's reads), else into scratch and copied out
 * (memcpys, in cache). Each thread instantiates its own.
 */
import { readFileSync } from 'node:fs';
import { kernelAddress, kernelBuffer, kernelMemory, planesInKernel, ScratchRegion } from './kernel-memory.ts';
import { segmentFields } from './normalize.ts';

interface Exports {
  row(
    d0: number,
    d1: number,
    ox3: number,
    valid: number,
    n: number,
    own: number,
    own1: number,
    own2: number,
    out: number,
    out1: number,
    out2: number,
    keep: number,
    luts: number,
    steps: number,
    tabs: number,
    segs: number,
    segCount: number,
    z0: number,
    z1: number,
    z2: number,
  ): void;
}

/** Bilinear weights of a shift, over 255 (bytes to 0..1 in the same product). */
export interface ResampleWeights {
  k00: number;
  k10: number;
  k01: number;
  k11: number;
}

/** One output row: source row offsets (pixels), output offset, sampled span [xa, xb), x step to the right neighbour. */
export interface ResampleRow {
  r0: number;
  r1: number;
  o0: number;
  xa: number;
  xb: number;
  ox: number;
}

/** The normalisation of a read: per band its table and steps, what no data maps to, the row's local segments. */
export interface ResampleNorm {
  luts: Float32Array[];
  steps: Float64Array[];
  zero: number[];
  segments: Float64Array;
  segmentCount: number;
}

const wasm = new WebAssembly.Module(readFileSync(new URL('./shifted.wasm', import.meta.url)));
const LUTS_AT = 0;
/** 3 × 256 f32 tables, then 3 × 255 f64 steps, then the weights' products (4 × 256 f64), then segments. */
const STEPS_AT = 3 * 256 * 4;
const TABS_AT = STEPS_AT + 3 * 255 * 8 + 24;
const SEGS_AT = TABS_AT + 4 * 256 * 8;
const SEG_BYTES = 14 * 8;
/** Bytes reserved past a row's source bytes for the pairs' eight-byte loads (2 used: shifted.wat `row`). */
const OVERREAD = 8;

/** The module over the kernel memory, with its scratch region there (from `at`: tables, steps, segments, rows). */
class Kernel {
  readonly fn = new WebAssembly.Instance(wasm, { env: { memory: kernelMemory } }).exports as unknown as Exports;
  private readonly region = new ScratchRegion();
  u8 = new Uint8Array(kernelBuffer());
  f32 = new Float32Array(kernelBuffer());
  f64 = new Float64Array(kernelBuffer());
  /** The tables now in memory (a read's tables serve all its rows). */
  luts: Float32Array[] | null = null;
  steps: Float64Array[] | null = null;
  /** The weights whose products are in memory. */
  k: ResampleWeights | null = null;

  /** The scratch region's address. */
  get at(): number {
    return this.region.at;
  }

  /** A scratch region of at least `bytes` (its tables kept unless it is replaced); throws where the memory cannot grow. */
  reserve(bytes: number): void {
    if (this.region.reserve(bytes)) {
      this.luts = null;
      this.steps = null;
      this.k = null;
    }
    const buffer = kernelBuffer();
    if (this.u8.buffer !== buffer) {
      this.u8 = new Uint8Array(buffer);
      this.f32 = new Float32Array(buffer);
      this.f64 = new Float64Array(buffer);
    }
  }
}

let kernel: Kernel | null = null;

/**
 * `shiftedRgbNormalized` (analysis-raster.ts) in WebAssembly: row `row` of a shifted RGB read from the
 * interleaved bytes `d`, each valid sample bilinear (weights `k`) then through the row's local
 * correction segments and tables into `out` (and its own value into `own` if given); invalid ones 0
 * and `norm.zero`. Returns whether `d` and `valid` were read where they lie (nothing copied in): the
 * fast path's silent fallback is otherwise invisible to its tests.
 */
export function shiftedRgbNormalizedWasm(
  d: Uint8Array,
  valid: Uint8Array,
  row: ResampleRow,
  k: ResampleWeights,
  own: Float32Array[] | null,
  out: Float32Array[],
  norm: ResampleNorm,
): boolean {
  const { r0, r1, o0, xa, xb, ox } = row;
  const n = xb - xa;
  if (n <= 0) return false;
  kernel ??= new Kernel();
  const K = kernel;
  const seg = norm.segments;
  const rec = segmentFields(3);
  // Layout: tables, segments, own planes, normalised planes, validity, source rows.
  const ownAt = (SEGS_AT + norm.segmentCount * SEG_BYTES + 15) & ~15;
  // Planes in the kernel memory are written where they lie: no scratch planes, nothing copied out.
  const outIn = planesInKernel(out);
  const ownIn = own ? planesInKernel(own) : null;
  const direct = outIn !== null && (own === null || ownIn !== null);
  const outAt = direct ? ownAt : ownAt + 12 * n;
  const validAt = direct ? ownAt : outAt + 12 * n;
  const d0At = (validAt + n + 15) & ~15;
  // Rows r0 and r1 are adjacent (or the same): one copy of both.
  const rows = r1 === r0 ? 1 : 2;
  const rowBytes = 3 * (n + ox);
  const srcStride = r1 - r0;
  const srcLen = rows === 1 ? rowBytes : 3 * srcStride + rowBytes;
  // Source bytes and validity that lie in the kernel memory (the survey's ReadScratch) are read where
  // they lie: nothing copied in. The module's eight-byte loads end up to 2 bytes past a row's last
  // (shifted.wat `row`; their values unused): those must lie in the memory too (OVERREAD a margin over that).
  const dIn = kernelAddress(d);
  const validIn = kernelAddress(valid);
  const inPlace = dIn >= 0 && validIn >= 0 && dIn + d.length + OVERREAD <= kernelBuffer().byteLength;
  K.reserve(inPlace ? validAt : d0At + srcLen + OVERREAD);
  const { u8, f32, f64, at } = K;
  if (K.luts !== norm.luts || K.steps !== norm.steps) {
    for (let b = 0; b < 3; b++) {
      f32.set(norm.luts[b]!, (at + LUTS_AT) / 4 + b * 256);
      f64.set(norm.steps[b]!, (at + STEPS_AT) / 8 + b * 255);
    }
    K.luts = norm.luts;
    K.steps = norm.steps;
  }
  if (K.k === null || K.k.k00 !== k.k00 || K.k.k10 !== k.k10 || K.k.k01 !== k.k01 || K.k.k11 !== k.k11) {
    // The products the module looks up: the same doubles it multiplied before (weight × byte).
    const t = (at + TABS_AT) / 8;
    for (let b = 0; b < 256; b++) {
      f64[t + b] = k.k00 * b;
      f64[t + 256 + b] = k.k10 * b;
      f64[t + 512 + b] = k.k01 * b;
      f64[t + 768 + b] = k.k11 * b;
    }
    K.k = { ...k };
  }
  // The segments over [xa, xb): first x and end relative to xa, offsets and gains at the first x
  // (the same arithmetic as the JavaScript loop's).
  let x = xa;
  let count = 0;
  for (let s = 0; s < norm.segmentCount && x < xb; s++) {
    const q = s * rec;
    const end = Math.min(xb, seg[q + 1]!);
    if (end <= x) continue;
    const t = x - seg[q]!;
    const w = (at + SEGS_AT) / 8 + count++ * 14;
    f64[w] = x - xa;
    f64[w + 1] = end - xa;
    for (let b = 0; b < 3; b++) {
      const f = q + 2 + 4 * b;
      const da = seg[f + 1]!;
      const dg = seg[f + 3]!;
      f64[w + 2 + 4 * b] = seg[f]! + t * da;
      f64[w + 3 + 4 * b] = da;
      f64[w + 4 + 4 * b] = seg[f + 2]! + t * dg;
      f64[w + 5 + 4 * b] = dg;
    }
    x = end;
  }
  const from = (r0 + xa) * 3;
  if (!inPlace) {
    u8.set(d.subarray(from, from + srcLen), at + d0At);
    u8.set(valid.subarray(o0 + xa, o0 + xb), at + validAt);
  }
  const d0 = inPlace ? dIn + from : at + d0At;
  const keep = own !== null;
  const [z0, z1, z2] = norm.zero as [number, number, number];
  // Where each band's row goes: own planes then normalised ones.
  const first = 4 * (o0 + xa);
  const scratch = (base: number) => [0, 1, 2].map((b) => at + base + 4 * b * n);
  const [v0, v1, v2] = direct && ownIn ? ownIn.map((a) => a + first) : scratch(ownAt);
  const [w0, w1, w2] = direct ? outIn.map((a) => a + first) : scratch(outAt);
  K.fn.row(
    d0,
    d0 + 3 * srcStride,
    ox * 3,
    inPlace ? validIn + o0 + xa : at + validAt,
    n,
    v0!,
    v1!,
    v2!,
    w0!,
    w1!,
    w2!,
    keep ? 1 : 0,
    at + LUTS_AT,
    at + STEPS_AT,
    at + TABS_AT,
    at + SEGS_AT,
    count,
    z0,
    z1,
    z2,
  );
  if (direct) return inPlace;
  for (let b = 0; b < 3; b++) {
    const o = (at + ownAt) / 4;
    const p = (at + outAt) / 4;
    if (own) own[b]!.set(f32.subarray(o + b * n, o + (b + 1) * n), o0 + xa);
    out[b]!.set(f32.subarray(p + b * n, p + (b + 1) * n), o0 + xa);
  }
  return inPlace;
}
