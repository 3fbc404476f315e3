/**
 * The summed-area tables of water-berths.ts `edgeTensor` and `cornerMoment` in WebAssembly (tensor.wat):
 * at 10000² these full-window sweeps were a fifth of `berthedHulls`, though the gradient they sum is 0
 * away from the water's edge. The module takes the same integers (bit for bit the JavaScript loops',
 * kept as the reference their test compares with) and adds the row's running sum to the row above four
 * lanes at a time where the neighbourhood is flat. It works a band of rows at a time in the thread's
 * kernel memory (kernel-memory.ts): each band's input rows (and the rows either side its gradient reads)
 * are copied in, its table rows copied out into the caller's tables, so the scratch stays a few MB
 * whatever the window. berthedHulls' own tables (windows up to 1 MP) stay in the kernel memory instead,
 * reused from call to call (`tensorTablesInKernel`): about 20 MB a thread at 10000² (detect's peak RSS
 * in this thread ~300 → ~335 MB). Each thread instantiates its own.
 */
import { readFileSync } from 'node:fs';
import { kernelBuffer, kernelMemory, ScratchRegion } from './kernel-memory.ts';

interface Exports {
  rows(
    mode: number,
    width: number,
    height: number,
    y0: number,
    rows: number,
    src: number,
    skip: number,
    p0: number,
    p1: number,
    p2: number,
  ): void;
}

/** What the tables are of (tensor.wat's modes). */
export const TensorMode = {
  /** Central differences of a binary mask: gx², gx·gy, gy². */
  plain: 0,
  /** The Sobel gradient of the mask's 3×3 sums: gx², gx·gy, gy². */
  smooth: 1,
  /** That gradient's orientation moment of order four: its cos and sin parts. */
  corner: 2,
} as const;
export type TensorMode = (typeof TensorMode)[keyof typeof TensorMode];

const wasm = new WebAssembly.Module(readFileSync(new URL('./tensor.wasm', import.meta.url)));

/** Pixels of a band: its scratch (about 18 bytes a pixel) stays within the cache's reach. */
const BAND_PIXELS = 1 << 16;
/**
 * Rows staged either side of a band's: the gradient reads one, and the flat test of a row's last run
 * reads past its end into the first column of the row two below.
 */
const HALO = 2;

/** Bytes of a region of `bytes`, with 64 bytes of slack (the flat tests read past a row's end) and rounded to 16. */
const padded = (bytes: number) => Math.ceil((bytes + 64) / 16) * 16;

class TensorKernel {
  readonly fn = new WebAssembly.Instance(wasm, { env: { memory: kernelMemory } }).exports as unknown as Exports;
  private readonly region = new ScratchRegion();
  u8 = new Uint8Array(kernelBuffer());
  f32 = new Float32Array(kernelBuffer());
  i32 = new Int32Array(kernelBuffer());

  /** Views over the memory's current buffer (each growth gives a new one). */
  refresh(): void {
    const buffer = kernelBuffer();
    if (this.u8.buffer !== buffer) {
      this.u8 = new Uint8Array(buffer);
      this.f32 = new Float32Array(buffer);
      this.i32 = new Int32Array(buffer);
    }
  }

  /** Byte addresses of the staged input, the staged skip mask and the three planes, for `rows` rows of `width`. */
  prepare(width: number, rows: number): { src: number; skip: number; planes: [number, number, number] } {
    const sizes = [
      4 * width * (rows + 2 * HALO),
      width * rows,
      4 * (width + 1) * (rows + 1),
      4 * (width + 1) * (rows + 1),
      4 * (width + 1) * (rows + 1),
    ].map(padded);
    const at = this.region.layOut(sizes);
    this.refresh();
    return { src: at[0]!, skip: at[1]!, planes: [at[2]!, at[3]!, at[4]!] };
  }
}

let kernel: TensorKernel | null = null;

/** Windows up to this many pixels get their tables in the kernel memory (`tensorTablesInKernel`); zone windows are smaller. */
const KEPT_MAX_PIXELS = 1 << 20;

/** The kept tables' regions, by slot, and the staged input and skip mask of the last call. */
const keptRegions: ScratchRegion[] = [];
const keptStage = new ScratchRegion();

/**
 * `tensorTables` into tables that lie in the kernel memory, reused from call to call: the tables of
 * slot `slot` (one region a slot) are valid until the next call with that slot, and each thread has its
 * own. The input is staged whole and the tables are written in place, one pass: no table is allocated,
 * zeroed by the allocator or copied out (at 10000² these took more than the kernel's sweep). Null where
 * the window is larger than KEPT_MAX_PIXELS (the caller takes new tables).
 */
export function tensorTablesInKernel(
  mode: TensorMode,
  input: Uint8Array | Float32Array,
  width: number,
  height: number,
  skip: Uint8Array | null,
  slot: number,
): Int32Array[] | null {
  const n = width * height;
  if (n === 0 || n > KEPT_MAX_PIXELS) return null;
  kernel ??= new TensorKernel();
  const K = kernel;
  const planes = mode === TensorMode.corner ? 2 : 3;
  const size = (width + 1) * (height + 1);
  const tableBytes = padded(4 * size);
  keptRegions[slot] ??= new ScratchRegion();
  const region = keptRegions[slot]!;
  // The corner mode writes two tables; its third address is passed but never written.
  region.reserve(planes * tableBytes);
  keptStage.reserve(padded(4 * n) + padded(n));
  K.refresh();
  const floats = input instanceof Float32Array;
  const src = keptStage.at;
  const skipAt = src + padded(4 * n);
  if (floats) K.f32.set(input.subarray(0, n), src >> 2);
  else K.u8.set(input.subarray(0, n), src);
  if (skip) K.u8.set(skip.subarray(0, n), skipAt);
  const at: [number, number, number] = [region.at, region.at + tableBytes, region.at + 2 * tableBytes];
  const tables: Int32Array[] = [];
  for (let p = 0; p < planes; p++) {
    // The first table row is the row above image row 0; the kernel writes every other row whole.
    K.i32.fill(0, at[p]! >> 2, (at[p]! >> 2) + width + 1);
    tables.push(new Int32Array(K.i32.buffer, at[p]!, size));
  }
  K.fn.rows(mode, width, height, 0, height, src, skip ? skipAt : 0, ...at);
  return tables;
}

/**
 * Into `out` (two or three tables of (width + 1) × (height + 1), zero in their first row and column,
 * as new ones are), the tables of `mode` over `input` (the binary mask for `plain`, its 3×3 sums for
 * `smooth` and `corner`), with the pixels of `skip` left out (not in `corner`).
 */
export function tensorTables(
  mode: TensorMode,
  input: Uint8Array | Float32Array,
  width: number,
  height: number,
  skip: Uint8Array | null,
  out: Int32Array[],
): void {
  if (width === 0 || height === 0) return;
  kernel ??= new TensorKernel();
  const K = kernel;
  const band = Math.max(1, Math.floor(BAND_PIXELS / width));
  const at = K.prepare(width, Math.min(band, height));
  const w1 = width + 1;
  const planes = mode === TensorMode.corner ? 2 : 3;
  const floats = input instanceof Float32Array;
  // Row y0 of the staged input lies HALO rows into it.
  const src = at.src + HALO * width * (floats ? 4 : 1);
  for (let p = 0; p < planes; p++) K.i32.fill(0, at.planes[p]! >> 2, (at.planes[p]! >> 2) + w1);
  for (let y0 = 0; y0 < height; y0 += band) {
    const rows = Math.min(band, height - y0);
    const lo = Math.max(0, y0 - HALO);
    const hi = Math.min(height, y0 + rows + HALO);
    if (floats) K.f32.set(input.subarray(lo * width, hi * width), (src >> 2) + (lo - y0) * width);
    else K.u8.set(input.subarray(lo * width, hi * width), src + (lo - y0) * width);
    if (skip) K.u8.set(skip.subarray(y0 * width, (y0 + rows) * width), at.skip);
    K.fn.rows(mode, width, height, y0, rows, src, skip ? at.skip : 0, ...at.planes);
    for (let p = 0; p < planes; p++) {
      const base = at.planes[p]! >> 2;
      out[p]!.set(K.i32.subarray(base + w1, base + (rows + 1) * w1), (y0 + 1) * w1);
      // The band's last table row is the next band's row above.
      K.i32.copyWithin(base, base + rows * w1, base + (rows + 1) * w1);
    }
  }
}
