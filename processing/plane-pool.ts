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

  /** Bytes of the planes kept. */
  get bytesHeld(): number {
    let sum = 0;
    for (const planes of [this.u8, this.f32, this.i32]) for (const b of planes) sum += b?.byteLength ?? 0;
    return sum;
  }

  /** Drops every plane kept (the next ask of a slot allocates afresh): once its caller's work is over. */
  release(): void {
    this.u8.length = 0;
    this.f32.length = 0;
    this.i32.length = 0;
  }
}
