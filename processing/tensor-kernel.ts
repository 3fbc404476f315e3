/**
 * The summed-area tables of water-berths.ts `edgeTensor` and `cornerMoment` in WebAssembly (tensor.wat):
 * at 10000² these full-window sweeps were a fifth of `berthedHulls`, though the gradient they sum is 0
 * away from the water's edge. The module takes the same integers (bit for bit the JavaScript loops',
 * kept as the reference their test compares with) and adds the row's running sum to the row above four
 * lanes at a time where the neighbourhood is flat. It works a band of rows at a time in the thread's
 * kernel memory (kernel-memory.ts): each band's input rows (and the rows either side its gradient reads)
 * are copied in, its table rows copied out into the caller's tables, so the scratch stays a few MB
 * whatever the window. Each thread instantiates its own.
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
/** Rows the gradient reads either side of a band's. */
const HALO = 2;

/** Bytes of a region of `bytes`, with 64 bytes of slack (the flat tests read past a row's end) and rounded to 16. */
const padded = (bytes: number) => Math.ceil((bytes + 64) / 16) * 16;

class TensorKernel {
  readonly fn = new WebAssembly.Instance(wasm, { env: { memory: kernelMemory } }).exports as unknown as Exports;
  private readonly region = new ScratchRegion();
  u8 = new Uint8Array(kernelBuffer());
  f32 = new Float32Array(kernelBuffer());
  i32 = new Int32Array(kernelBuffer());

  /** Byte addresses of the staged input, the staged skip mask and the three planes, for `rows` rows of `width`. */
  prepare(width: number, rows: number): { src: number; skip: number; planes: [number, number, number] } {
    const sizes = [
      4 * width * (rows + 2 * HALO),
      width * rows,
      4 * (width + 1) * (rows + 1),
      4 * (width + 1) * (rows + 1),
      4 * (width + 1) * (rows + 1),
    ].map(padded);
    this.region.reserve(sizes.reduce((a, b) => a + b, 0));
    const buffer = kernelBuffer();
    if (this.u8.buffer !== buffer) {
      this.u8 = new Uint8Array(buffer);
      this.f32 = new Float32Array(buffer);
      this.i32 = new Int32Array(buffer);
    }
    let p = this.region.at;
    const at = sizes.map((size) => {
      const a = p;
      p += size;
      return a;
    });
    return { src: at[0]!, skip: at[1]!, planes: [at[2]!, at[3]!, at[4]!] };
  }
}

let kernel: TensorKernel | null = null;

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
