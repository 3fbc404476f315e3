/**
 * The first pass of change detection: the pixels of a row whose squared plain colour distance
 * exceeds the noise floor. It reads every pixel of both dates and keeps a few per cent,
 * so it is run in WebAssembly SIMD (collect.wat), four pixels at a time: the same loop in JavaScript
 * cost as much CPU as OpenCV's whole 8-bit absdiff + threshold + connected components.
 * WebAssembly cannot read JavaScript's arrays, so each row is copied into the module's memory
 * (a memcpy, in cache for the kernel); the memory holds one row's planes and lists, 8 bytes a band
 * and 12 more per pixel of a row. Each thread (pool worker) instantiates its own module.
 */
import { readFileSync } from 'node:fs';

interface Exports {
  memory: WebAssembly.Memory;
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
  envelopes(
    p: number,
    stride: number,
    w: number,
    rows: number,
    origin: number,
    idx: number,
    k: number,
    t: number,
    env: number,
  ): void;
}

const wasm = new WebAssembly.Module(readFileSync(new URL('./collect.wasm', import.meta.url)));

/** An instance of collect.wasm, with its own memory and typed views over it. */
export class CollectKernel {
  readonly fn = new WebAssembly.Instance(wasm).exports as unknown as Exports;
  f32 = new Float32Array(this.fn.memory.buffer);
  i32 = new Int32Array(this.fn.memory.buffer);
  f64 = new Float64Array(this.fn.memory.buffer);

  /** Grows the memory to at least `bytes` (views are renewed: growing detaches the old buffer). */
  reserve(bytes: number): void {
    const memory = this.fn.memory;
    const have = memory.buffer.byteLength;
    if (bytes <= have) return;
    memory.grow(Math.ceil((bytes - have) / 65536));
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
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
  const planes = 2 * bands * n;
  // Layout (floats): the previous date's bands, the current date's, then the distances (8-aligned)
  // and the indices.
  const out = planes + (planes & 1);
  kernel.reserve(4 * (out + 3 * n));
  const { f32, i32, f64 } = kernel;
  for (let b = 0; b < bands; b++) {
    f32.set(P[b]!.subarray(row, end), b * n);
    f32.set(C[b]!.subarray(row, end), (bands + b) * n);
  }
  const k = kernel.fn.collect(0, 4 * n, bands, n, row, floor2, screenLevel(floor2), 4 * (out + 2 * n), 4 * out);
  idx.set(i32.subarray(out + 2 * n, out + 2 * n + k));
  plain2.set(f64.subarray(out / 2, out / 2 + k));
  return k;
}
