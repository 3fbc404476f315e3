/**
 * The first pass of change detection: the pixels of a row whose squared plain colour distance over
 * three bands exceeds the noise floor. It reads every pixel of both dates and keeps a few per cent,
 * so it is run in WebAssembly SIMD (collect.wat), four pixels at a time: the same loop in JavaScript
 * cost as much CPU as OpenCV's whole 8-bit absdiff + threshold + connected components.
 * WebAssembly cannot read JavaScript's arrays, so each row is copied into the module's memory
 * (a memcpy, in cache for the kernel); the memory holds one row's planes and lists, ~36 bytes a pixel
 * of a row. Each thread (pool worker) instantiates its own module.
 */
import { readFileSync } from 'node:fs';

interface Kernel {
  memory: WebAssembly.Memory;
  collect3(
    p: number,
    stride: number,
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
 * Collects the pixels of [row, end) whose squared plain distance, (c0 − p0)² + (c1 − p1)² +
 * (c2 − p2)² in double precision, exceeds `floor2` into idx, and that distance into plain2; returns
 * how many. Storing every pixel's distance cost a third of the pass; the few kept need it again
 * (tile bounds, the chromatic test).
 */
export function collect3(
  p0: Float32Array,
  p1: Float32Array,
  p2: Float32Array,
  c0: Float32Array,
  c1: Float32Array,
  c2: Float32Array,
  row: number,
  end: number,
  floor2: number,
  idx: Int32Array,
  plain2: Float64Array,
): number {
  const n = end - row;
  // Layout (bytes): six planes of n floats, the distances (8-aligned at 24n), the indices at 32n.
  reserve(36 * n);
  const planes = [p0, p1, p2, c0, c1, c2];
  for (let b = 0; b < 6; b++) f32.set(planes[b]!.subarray(row, end), b * n);
  // The single-precision screen's level: its squared distances err by under 1e-6 relative (five
  // roundings) plus subnormal steps, so no pixel over floor2 falls under this; far smaller floors
  // (none in practice) screen nothing.
  const pre = floor2 >= 1e-30 ? Math.fround(floor2 * (1 - 1e-5)) : Number.NEGATIVE_INFINITY;
  const k = kernel.collect3(0, 4 * n, n, row, floor2, pre, 32 * n, 24 * n);
  idx.set(i32.subarray(8 * n, 8 * n + k));
  plain2.set(f64.subarray(3 * n, 3 * n + k));
  return k;
}
