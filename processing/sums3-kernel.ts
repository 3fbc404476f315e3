/**
 * The passes of box-filter.ts `maskedBoxSums3` in WebAssembly (sums3.wat): the vessel contrast's two
 * sweeps of three bands' masked sums were the detect stage's heaviest JavaScript loops at 10000² (row
 * and column passes ~7 % of its CPU). The module computes the same operations in the same order (each
 * pixel's four sums in two f64x2), so the planes are bit for bit the JavaScript loop's (kept as the
 * reference its test compares with), but for a NaN's sign bit (NaN or ±Inf in masked-in pixels give NaN
 * in both, its sign not always the same). Its memory is the thread's kernel memory (kernel-memory.ts): each
 * row the row pass reads is copied into its scratch first; the sums are written where they lie when
 * their planes are in the kernel memory (vessel-contrast.ts's pooled planes), else each output row is
 * copied out after its step. The scratch is ~(2r + 2) · 16 + 80 bytes a column. Each thread
 * instantiates its own.
 */
import { readFileSync } from 'node:fs';
import { kernelBuffer, kernelMemory, paddedRegion, ScratchRegion } from './kernel-memory.ts';

interface Exports {
  layout(
    b0: number,
    b1: number,
    b2: number,
    mask: number,
    v: number,
    ring: number,
    col: number,
    s0: number,
    s1: number,
    s2: number,
    sc: number,
  ): void;
  row(width: number, r: number, o: number): void;
  step(
    oa: number,
    od: number,
    width: number,
    write: number,
    dst: number,
    mean: number,
    minCount: number,
    fb0: number,
    fb1: number,
    fb2: number,
  ): void;
}

const wasm = new WebAssembly.Module(readFileSync(new URL('./sums3.wasm', import.meta.url)));

/** The module over the kernel memory, its scratch laid out for a width and ring rows. */
export class Sums3Kernel {
  readonly fn = new WebAssembly.Instance(wasm, { env: { memory: kernelMemory } }).exports as unknown as Exports;
  private readonly region = new ScratchRegion();
  u8 = new Uint8Array(kernelBuffer());
  f32 = new Float32Array(kernelBuffer());
  f64 = new Float64Array(kernelBuffer());
  /** Element offsets (f32) of the staged band rows and the output rows; byte offset of the mask row. */
  bands: [number, number, number] = [0, 0, 0];
  mask = 0;
  out: [number, number, number, number] = [0, 0, 0, 0];
  /** Element offset (f64) of the column sums. */
  col = 0;

  /**
   * Lays the scratch out for rows of `width` and `R` ring rows, the outputs written to the four planes at
   * `direct` (kernel addresses) or else to rows of scratch; false (nothing laid out) where the kernel
   * memory cannot grow to hold the scratch.
   */
  prepare(width: number, R: number, direct: readonly number[] | null): boolean {
    const sizes = [
      4 * width, // three band rows
      4 * width,
      4 * width,
      width, // mask row
      16 * (width + 4), // masked row, interleaved (its last step writes up to 3 pixels past it)
      16 * R * width, // ring
      32 * width, // column sums
      4 * width, // four output rows
      4 * width,
      4 * width,
      4 * width,
    ].map(paddedRegion);
    let at: Parameters<Exports['layout']>;
    try {
      at = this.region.layOut(sizes) as Parameters<Exports['layout']>;
    } catch {
      return false;
    }
    const buffer = kernelBuffer();
    if (this.u8.buffer !== buffer) {
      this.u8 = new Uint8Array(buffer);
      this.f32 = new Float32Array(buffer);
      this.f64 = new Float64Array(buffer);
    }
    if (direct) for (let k = 0; k < 4; k++) at[7 + k] = direct[k]!;
    this.fn.layout(...at);
    const [b0, b1, b2, mask, , , col, s0, s1, s2, sc] = at;
    this.bands = [b0 >>> 2, b1 >>> 2, b2 >>> 2];
    this.mask = mask;
    this.col = col >>> 3;
    this.out = [s0 >>> 2, s1 >>> 2, s2 >>> 2, sc >>> 2];
    this.f64.fill(0, this.col, this.col + 4 * width);
    return true;
  }
}

let kernel: Sums3Kernel | null = null;

/** This thread's kernel. */
export function sums3Kernel(): Sums3Kernel {
  kernel ??= new Sums3Kernel();
  return kernel;
}
