/**
 * Zeroed planes kept from one call to the next, by slot: a caller's temporaries that never leave it
 * (the cloud mask's, strip after strip). Fresh planes of a strip's size cost their page faults and
 * collection each time (~a third of the mask's passes at 100 MP); a plane handed out is valid until
 * its slot is asked for again.
 */
import { KernelPlanes } from './kernel-memory.ts';

export class PlanePool {
  private readonly u8: Uint8Array[] = [];
  private readonly f32: Float32Array[] = [];
  private readonly i32: Int32Array[] = [];
  /**
   * With `kernel`, float planes in the thread's kernel memory (kernel-memory.ts), where WebAssembly
   * kernels read and write them in place (halve.ts); the memory never shrinks, and a pool lives as long as its caller.
   */
  private readonly kernel: KernelPlanes | null;

  constructor(opts: { kernel?: boolean } = {}) {
    this.kernel = opts.kernel ? new KernelPlanes() : null;
  }

  /** A new float plane for `slot` (zeroed), the one it replaces handed back. */
  private newFloats(slot: number, n: number): Float32Array {
    const old = this.f32[slot];
    if (old) this.kernel?.free(old);
    const b = this.kernel?.floats(n) ?? new Float32Array(n);
    this.f32[slot] = b;
    return b;
  }

  /** `bytes`, `floats`, `ints` not zeroed (contents undefined): for callers that write every element. */
  bytesAsIs(slot: number, n: number): Uint8Array {
    let b = this.u8[slot];
    if (!b || b.length < n) this.u8[slot] = b = new Uint8Array(n);
    return b.subarray(0, n);
  }

  floatsAsIs(slot: number, n: number): Float32Array {
    let b = this.f32[slot];
    if (!b || b.length < n) b = this.newFloats(slot, n);
    return b.subarray(0, n);
  }

  intsAsIs(slot: number, n: number): Int32Array {
    let b = this.i32[slot];
    if (!b || b.length < n) this.i32[slot] = b = new Int32Array(n);
    return b.subarray(0, n);
  }

  bytes(slot: number, n: number): Uint8Array {
    let b = this.u8[slot];
    if (!b || b.length < n) this.u8[slot] = b = new Uint8Array(n);
    else b.fill(0, 0, n);
    return b.subarray(0, n);
  }

  floats(slot: number, n: number): Float32Array {
    let b = this.f32[slot];
    if (!b || b.length < n) b = this.newFloats(slot, n);
    else b.fill(0, 0, n);
    return b.subarray(0, n);
  }

  ints(slot: number, n: number): Int32Array {
    let b = this.i32[slot];
    if (!b || b.length < n) this.i32[slot] = b = new Int32Array(n);
    else b.fill(0, 0, n);
    return b.subarray(0, n);
  }

  /** Bytes of the planes kept. */
  get bytesHeld(): number {
    let sum = 0;
    for (const planes of [this.u8, this.f32, this.i32]) for (const b of planes) sum += b?.byteLength ?? 0;
    return sum;
  }

  /** Drops every plane kept (the next ask of a slot allocates afresh): once its caller's work is over. */
  release(): void {
    // Kernel planes go back to the kernel memory now: the owner holds them until it is collected.
    this.kernel?.freeAll();
    this.u8.length = 0;
    this.f32.length = 0;
    this.i32.length = 0;
  }
}
