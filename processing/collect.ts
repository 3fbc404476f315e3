/**
 * The first pass of change detection: the pixels of a row whose squared plain colour distance
 * exceeds the noise floor. It reads every pixel of both dates and keeps a few per cent,
 * so it is run in WebAssembly SIMD (collect.wat), four pixels at a time: the same loop in JavaScript
 * cost as much CPU as OpenCV's whole 8-bit absdiff + threshold + connected components.
 * The module works in the thread's kernel memory (kernel-memory.ts): planes allocated there are read
 * in place; others are copied in, a row at a time (a memcpy, in cache for the kernel), into the
 * kernel's scratch region there, which holds one row's planes and lists, 8 bytes a band and 12 more
 * per pixel of a row. Each thread (pool worker) instantiates its own module.
 */
import { readFileSync } from 'node:fs';
import { kernelBuffer, kernelMemory, planesInKernel, ScratchRegion } from './kernel-memory.ts';

interface Exports {
  collect(
    p: number,
    stride: number,
    bands: number,
    n: number,
    base: number,
    floor2: number,
    pre: number,
    idx: number,
    out: number,
  ): number;
  collect3(
    p0: number,
    p1: number,
    p2: number,
    c0: number,
    c1: number,
    c2: number,
    n: number,
    base: number,
    floor2: number,
    pre: number,
    idx: number,
    out: number,
  ): number;
  envelopes(
    p0: number,
    p1: number,
    p2: number,
    c0: number,
    c1: number,
    c2: number,
    w: number,
    rows: number,
    origin: number,
    idx: number,
    k: number,
    t: number,
    env: number,
  ): void;
  judge3(
    planes: number,
    idx: number,
    plain2: number,
    env: number,
    k: number,
    out: number,
    invSat: number,
    naturalWeight: number,
    strong2: number,
    strong: number,
    shadowDiscount: number,
    maxGain: number,
  ): void;
}

const wasm = new WebAssembly.Module(readFileSync(new URL('./collect.wasm', import.meta.url)));

/**
 * An instance of collect.wasm over the kernel memory, with its scratch region there (grown by
 * `reserve`) and typed views over the memory.
 */
export class CollectKernel {
  readonly fn = new WebAssembly.Instance(wasm, { env: { memory: kernelMemory, atan2: Math.atan2 } })
    .exports as unknown as Exports;
  private readonly region = new ScratchRegion();
  f32 = new Float32Array(kernelBuffer());
  i32 = new Int32Array(kernelBuffer());
  f64 = new Float64Array(kernelBuffer());

  /**
   * The address of a scratch region of at least `bytes` (its contents are not kept), the views
   * renewed over the memory that holds it. Throws where the memory cannot grow.
   */
  reserve(bytes: number): number {
    this.region.reserve(bytes);
    const buffer = kernelBuffer();
    if (this.f32.buffer !== buffer) {
      this.f32 = new Float32Array(buffer);
      this.i32 = new Int32Array(buffer);
      this.f64 = new Float64Array(buffer);
    }
    return this.region.at;
  }
}

/**
 * The single-precision screen's level: its squared distances err by under 1e-6 relative (a rounding
 * per operation) plus subnormal steps, so no pixel over floor2 falls under this; far smaller floors
 * (none in practice) screen nothing.
 */
export function screenLevel(floor2: number): number {
  return floor2 >= 1e-30 ? Math.fround(floor2 * (1 - 1e-5)) : Number.NEGATIVE_INFINITY;
}

const kernel = new CollectKernel();

/**
 * Collects the pixels of [row, end) whose squared plain distance, the sum over bands of (C − P)² in
 * double precision and band order, exceeds `floor2` into idx, and that distance into plain2;
 * returns how many. Storing every pixel's distance cost a third of the pass; the few kept need it
 * again (tile bounds, the chromatic test).
 */
export function collect(
  P: Float32Array[],
  C: Float32Array[],
  row: number,
  end: number,
  floor2: number,
  idx: Int32Array,
  plain2: Float64Array,
): number {
  const n = end - row;
  const bands = P.length;
  const pre = screenLevel(floor2);
  const inP = planesInKernel(P);
  const inC = inP && planesInKernel(C);
  if (inP && inC) {
    // Read in place: only the lists in scratch.
    const at = kernel.reserve(12 * n) / 4;
    const b = 4 * row;
    const k = kernel.fn.collect3(
      inP[0] + b,
      inP[1] + b,
      inP[2] + b,
      inC[0] + b,
      inC[1] + b,
      inC[2] + b,
      n,
      row,
      floor2,
      pre,
      4 * (at + 2 * n),
      4 * at,
    );
    idx.set(kernel.i32.subarray(at + 2 * n, at + 2 * n + k));
    plain2.set(kernel.f64.subarray(at / 2, at / 2 + k));
    return k;
  }
  const planes = 2 * bands * n;
  // Layout (floats, from the scratch region's start): the previous date's bands, the current date's,
  // then the distances (8-aligned) and the indices.
  const out = planes + (planes & 1);
  const at = kernel.reserve(4 * (out + 3 * n)) / 4;
  const { f32, i32, f64 } = kernel;
  for (let b = 0; b < bands; b++) {
    f32.set(P[b]!.subarray(row, end), at + b * n);
    f32.set(C[b]!.subarray(row, end), at + (bands + b) * n);
  }
  const s = 4 * n;
  const k =
    bands === 3
      ? kernel.fn.collect3(
          4 * at,
          4 * at + s,
          4 * at + 2 * s,
          4 * at + 3 * s,
          4 * at + 4 * s,
          4 * at + 5 * s,
          n,
          row,
          floor2,
          pre,
          4 * (at + out + 2 * n),
          4 * (at + out),
        )
      : kernel.fn.collect(4 * at, s, bands, n, row, floor2, pre, 4 * (at + out + 2 * n), 4 * (at + out));
  idx.set(i32.subarray(at + out + 2 * n, at + out + 2 * n + k));
  plain2.set(f64.subarray((at + out) / 2, (at + out) / 2 + k));
  return k;
}
