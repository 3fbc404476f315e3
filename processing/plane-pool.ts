/**
 * Zeroed planes kept from one call to the next, by slot: a caller's temporaries that never leave it
 * (the cloud mask's, strip after strip). Fresh planes of a strip's size cost their page faults and
 * collection each time (~a third of the mask's passes at 100 MP); a plane handed out is valid until
 * its slot is asked for again.
 */
export class PlanePool {
  private readonly u8: Uint8Array[] = [];
  private readonly f32: Float32Array[] = [];
  private readonly i32: Int32Array[] = [];

  /** `bytes`, `floats`, `ints` not zeroed (contents undefined): for callers that write every element. */
  bytesAsIs(slot: number, n: number): Uint8Array {
    let b = this.u8[slot];
    if (!b || b.length < n) this.u8[slot] = b = new Uint8Array(n);
    return b.subarray(0, n);
  }

  floatsAsIs(slot: number, n: number): Float32Array {
    let b = this.f32[slot];
    if (!b || b.length < n) this.f32[slot] = b = new Float32Array(n);
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
    if (!b || b.length < n) this.f32[slot] = b = new Float32Array(n);
    else b.fill(0, 0, n);
    return b.subarray(0, n);
  }

  ints(slot: number, n: number): Int32Array {
    let b = this.i32[slot];
    if (!b || b.length < n) this.i32[slot] = b = new Int32Array(n);
    else b.fill(0, 0, n);
    return b.subarray(0, n);
  }
}
