import type { KernelPlanes } from '../kernel-memory.ts';

/** Copies of `planes` placed in the kernel memory by `owner`: the same values, read in place by the kernels. */
export function copiesInKernel(owner: KernelPlanes, planes: Float32Array[]): Float32Array[] {
  return planes.map((a) => {
    const k = owner.floats(a.length);
    if (!k) throw new Error(`no room in the kernel memory for ${a.length} floats`);
    k.set(a);
    return k;
  });
}
