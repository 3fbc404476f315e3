/**
 * One WebAssembly memory per thread for the kernels that read planes where they lie (collect.wasm),
 * and the planes they read. WebAssembly cannot read JavaScript's arrays: a plane in a JavaScript
 * buffer is copied into a kernel's memory before every pass (change.ts's first pass copied six
 * float planes, ~30 ms at 4096², as long as the pass itself). A plane allocated here
 * (`KernelPlanes.floats`) is read in place.
 *
 * The memory is shared (a SharedArrayBuffer): growing it never detaches the views handed out (an
 * unshared memory's growth would empty every one of them), so planes and the kernels' scratch can
 * live side by side and grow independently. It is not shared with other threads: each thread (pool
 * worker) has its own, and its planes must not be posted to another (they would be shared, not copied).
 * The memory never shrinks; regions freed are reused (first fit, neighbours merged).
 */

const PAGE = 65536;
/** Regions start on cache lines (and so on every SIMD load's natural alignment). */
const ALIGN = 64;

export const kernelMemory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });

/** The buffers of the memory views were made on (each growth gives a new one; the old stay valid). */
const buffers = new WeakSet<ArrayBufferLike>([kernelMemory.buffer]);

/** Free regions [at, at + size), sorted by address, none adjacent; everything from `top` on is free too. */
const free: Array<{ at: number; size: number }> = [];
let top = ALIGN; // address 0 is never handed out

/** The current buffer (covering every region allocated so far). */
export function kernelBuffer(): ArrayBufferLike {
  const b = kernelMemory.buffer;
  buffers.add(b);
  return b;
}

/** A region of at least `bytes` bytes (contents undefined); -1 where the memory cannot grow to hold it. */
export function kernelAlloc(bytes: number): number {
  const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  for (let k = 0; k < free.length; k++) {
    const f = free[k]!;
    if (f.size < size) continue;
    const at = f.at;
    if (f.size === size) free.splice(k, 1);
    else {
      f.at += size;
      f.size -= size;
    }
    return at;
  }
  const end = top + size;
  const have = kernelMemory.buffer.byteLength;
  if (end > have) {
    try {
      kernelMemory.grow(Math.ceil((end - have) / PAGE));
    } catch {
      return -1;
    }
  }
  const at = top;
  top = end;
  return at;
}

/** Hands back the region of `bytes` bytes at `at` (kernelAlloc's), for later allocations. */
export function kernelFree(at: number, bytes: number): void {
  const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  let k = 0;
  while (k < free.length && free[k]!.at < at) k++;
  free.splice(k, 0, { at, size });
  // Merge with the next region, then with the previous one.
  const next = free[k + 1];
  if (next && at + size === next.at) {
    free[k]!.size += next.size;
    free.splice(k + 1, 1);
  }
  const prev = free[k - 1];
  if (prev && prev.at + prev.size === at) {
    prev.size += free[k]!.size;
    free.splice(k, 1);
    k--;
  }
  // A region reaching the top is the top's.
  const last = free[free.length - 1];
  if (last && last.at + last.size === top) {
    top = last.at;
    free.pop();
  }
}

/** Bytes of a scratch region of `bytes`, with 16 bytes of slack, rounded to 16 (the moments and sums kernels lay theirs out so). */
export const paddedRegion = (bytes: number) => Math.ceil((bytes + 16) / 16) * 16;

/**
 * A kernel's scratch region in the kernel memory, grown by doubling; its contents are not kept when it
 * grows. The new region is taken before the old is freed, so a failed growth leaves the old one held.
 */
export class ScratchRegion {
  at = 0;
  size = 0;

  /** At least `bytes` from `at`; true where the region was replaced. Throws where the memory cannot grow. */
  reserve(bytes: number): boolean {
    if (bytes <= this.size) return false;
    const size = Math.max(bytes, 2 * this.size);
    const at = kernelAlloc(size);
    if (at < 0) throw new RangeError(`the kernel memory cannot hold ${size} more bytes`);
    if (this.size > 0) kernelFree(this.at, this.size);
    this.at = at;
    this.size = size;
    return true;
  }

  /** Reserves `sizes` laid end to end from `at`; their addresses, in order. Throws as `reserve` does. */
  layOut(sizes: number[]): number[] {
    this.reserve(sizes.reduce((a, b) => a + b, 0));
    let p = this.at;
    return sizes.map((size) => {
      const a = p;
      p += size;
      return a;
    });
  }
}

/** Bytes allocated and not freed, and in how many free regions the rest below the top lies (for tests). */
export function kernelUsage(): { used: number; top: number; freeRegions: number } {
  return { used: top - ALIGN - free.reduce((s, f) => s + f.size, 0), top, freeRegions: free.length };
}

/** Where `a` lies in the kernel memory (its byte address), or -1 if it lies elsewhere. */
export function kernelAddress(a: ArrayBufferView): number {
  return buffers.has(a.buffer) ? a.byteOffset : -1;
}

/** The kernel addresses of the three planes, or null unless all lie in the kernel memory. */
export function planesInKernel(planes: Float32Array[]): [number, number, number] | null {
  if (planes.length !== 3) return null;
  const a = planes.map(kernelAddress);
  return a[0]! >= 0 && a[1]! >= 0 && a[2]! >= 0 ? [a[0]!, a[1]!, a[2]!] : null;
}

/** Planes handed out so far by this thread, and how their starts are staggered: by STAGGER_STEP lines a plane, within 4 KB (a first-level cache's set period). */
let staggered = 0;
const STAGGER_LINE = 64;
const STAGGER_STEP = 3;
const STAGGER_SLOTS = 4096 / STAGGER_LINE;

/** Owners' regions: freed when an owner is collected without having freed them. */
const registry = new FinalizationRegistry<Map<Float32Array, { at: number; bytes: number }>>((held) => {
  for (const { at, bytes } of held.values()) kernelFree(at, bytes);
  held.clear();
});

/**
 * An owner of zeroed float planes in the kernel memory: each is freed by `free` (or `freeAll`), or
 * else when its owner is collected. `floats` gives null where the memory cannot hold a plane (the
 * caller allocates its own). A plane, and any view of it, is valid until freed, and only while its owner
 * is reachable: the regions go with the owner, not with the planes (a subarray does not keep its plane
 * alive either), so whoever keeps a plane keeps its owner too.
 */
export class KernelPlanes {
  /** Address and size of each region held, by plane. */
  private readonly held = new Map<Float32Array, { at: number; bytes: number }>();

  /** A zeroed plane of n floats, or null. */
  floats(n: number): Float32Array | null {
    // Planes of one size laid end to end start at the same offset modulo every power of two up to
    // their size (a 4096² plane is 64 MB), so the same pixel of each falls in the same set of every
    // cache level: the kernels that read one pixel of six to eighteen planes (collect.wat's judge3
    // and envelopes) then evict their own lines. Each plane starts a few lines further into its
    // region than the last (change.bench's pair, six 4096² planes: changeMask + labelComponents ~10 % less CPU).
    const skew = STAGGER_LINE * ((staggered++ * STAGGER_STEP) % STAGGER_SLOTS);
    const bytes = 4 * n + skew;
    const at = kernelAlloc(bytes);
    if (at < 0) return null;
    const plane = new Float32Array(kernelBuffer(), at + skew, n);
    plane.fill(0);
    this.held.set(plane, { at, bytes });
    return plane;
  }

  /** Frees a plane `floats` handed out (its views, and subarrays of it, must no longer be used). */
  free(plane: Float32Array): void {
    const r = this.held.get(plane);
    if (!r) return;
    this.held.delete(plane);
    kernelFree(r.at, r.bytes);
  }

  /** Frees every plane held. */
  freeAll(): void {
    for (const plane of [...this.held.keys()]) this.free(plane);
  }

  constructor() {
    registry.register(this, this.held, this);
  }
}
