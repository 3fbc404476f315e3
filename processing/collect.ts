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

interface Kernel {
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
}

const kernel = new WebAssembly.Instance(
  new WebAssembly.Module(readFileSync(new URL('./collect.wasm', import.meta.url))),
).exports as unknown as Kernel;

let f32 = new Float32Array(kernel.memory.buffer);
let i32 = new Int32Array(kernel.memory.buffer);
let f64 = new Float64Array(kernel.memory.buffer);

/** Grows the module's memory to at least `bytes` (views are renewed: growing detaches the old buffer). */
function reserve(bytes: number): void {
  const have = kernel.memory.buffer.byteLength;
  if (bytes <= have) return;
  kernel.memory.grow(Math.ceil((bytes - have) / 65536));
  f32 = new Float32Array(kernel.memory.buffer);
  i32 = new Int32Array(kernel.memory.buffer);
  f64 = new Float64Array(kernel.memory.buffer);
}

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
  reserve(4 * (out + 3 * n));
  for (let b = 0; b < bands; b++) {
    f32.set(P[b]!.subarray(row, end), b * n);
    f32.set(C[b]!.subarray(row, end), (bands + b) * n);
  }
  // The single-precision screen's level: its squared distances err by under 1e-6 relative (a
  // rounding per operation) plus subnormal steps, so no pixel over floor2 falls under this; far
  // smaller floors (none in practice) screen nothing.
  const pre = floor2 >= 1e-30 ? Math.fround(floor2 * (1 - 1e-5)) : Number.NEGATIVE_INFINITY;
  const k = kernel.collect(0, 4 * n, bands, n, row, floor2, pre, 4 * (out + 2 * n), 4 * out);
  idx.set(i32.subarray(out + 2 * n, out + 2 * n + k));
  plain2.set(f64.subarray(out / 2, out / 2 + k));
  return k;
}
