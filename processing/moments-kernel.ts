/**
 * The passes of box-filter.ts `maskedMoments` in WebAssembly (moments.wat): the water mask's texture
 * (`maskedStd` of the dates' median, `maskedStdRows` of each date's luminance) was its heaviest sweep at
 * 10000². The module computes the same operations in the same order (the column pass two pixels a step in
 * f64x2 lanes), so the std is bit for bit the JavaScript loop's (kept as the reference its test compares
 * with). Its memory is the thread's kernel memory (kernel-memory.ts); planes up to 1.5 MP (box-filter.ts
 * STAGED_MAX_PIXELS, a zone window) are copied into its scratch whole, once for all of a call's bands;
 * larger ones a row at a time (each row's values and weights copied in before its row pass, each output
 * row copied out after its step). Staged whole, the scratch is 10 bytes a pixel (15 MB at 1.5 MP); its
 * region grows by doubling and the kernel memory never shrinks, so up to twice that stays reserved in each
 * thread that ever staged such a plane. Each thread instantiates its own.
 */
import { readFileSync } from 'node:fs';
import { kernelBuffer, kernelMemory, paddedRegion, ScratchRegion } from './kernel-memory.ts';

interface Exports {
  layout(
    val: number,
    wgt: number,
    v: number,
    v2: number,
    rs: number,
    rs2: number,
    rc: number,
    cs: number,
    cs2: number,
    cc: number,
    std: number,
    need: number,
  ): void;
  row(width: number, r: number, lo: number, hi: number, x0: number, x1: number, o: number, src: number): void;
  addRow(o: number, bw: number): void;
  step(oa: number, od: number, bw: number, minCount: number, useNeed: number, dst: number): void;
}

const wasm = new WebAssembly.Module(readFileSync(new URL('./moments.wasm', import.meta.url)));

/** The module over the kernel memory, its scratch laid out for a width, a band width and ring rows. */
export class MomentsKernel {
  readonly fn = new WebAssembly.Instance(wasm, { env: { memory: kernelMemory } }).exports as unknown as Exports;
  private readonly region = new ScratchRegion();
  u8 = new Uint8Array(kernelBuffer());
  f32 = new Float32Array(kernelBuffer());
  f64 = new Float64Array(kernelBuffer());
  /** Element offsets (f32) of the staged values and std; byte offsets of the staged weights and need. */
  val = 0;
  wgt = 0;
  std = 0;
  need = 0;
  /** Element offsets (f64) of the three column sums. */
  cs = 0;
  cs2 = 0;
  cc = 0;

  /**
   * Lays the scratch out for `staged` pixels of values, weights, std and need (a row's, or a whole
   * plane's), rows of `width`, bands of up to `bw` columns and `R` ring rows; throws where the memory
   * cannot grow.
   */
  prepare(staged: number, width: number, bw: number, R: number): void {
    const sizes = [
      4 * staged, // values
      staged, // weights
      4 * width, // masked values
      4 * width, // squares
      4 * R * bw, // three ring planes
      4 * R * bw,
      4 * R * bw,
      8 * (bw + 2), // three column sums
      8 * (bw + 2),
      8 * (bw + 2),
      4 * staged, // std
      staged, // need
    ].map(paddedRegion);
    const at = this.region.layOut(sizes) as Parameters<Exports['layout']>;
    const buffer = kernelBuffer();
    if (this.u8.buffer !== buffer) {
      this.u8 = new Uint8Array(buffer);
      this.f32 = new Float32Array(buffer);
      this.f64 = new Float64Array(buffer);
    }
    this.fn.layout(...at);
    const [val, wgt, , , , , , cs, cs2, cc, std, need] = at;
    // Unsigned: past 2 GiB of kernel memory a signed shift gives a negative offset.
    this.val = val >>> 2;
    this.wgt = wgt;
    this.std = std >>> 2;
    this.need = need;
    this.cs = cs >>> 3;
    this.cs2 = cs2 >>> 3;
    this.cc = cc >>> 3;
  }

  /** Zeroes the column sums (bw columns and their pad). */
  clearColumns(bw: number): void {
    this.f64.fill(0, this.cs, this.cs + bw + 2);
    this.f64.fill(0, this.cs2, this.cs2 + bw + 2);
    this.f64.fill(0, this.cc, this.cc + bw + 2);
  }
}

let kernel: MomentsKernel | null = null;

/** This thread's kernel. */
export function momentsKernel(): MomentsKernel {
  kernel ??= new MomentsKernel();
  return kernel;
}
