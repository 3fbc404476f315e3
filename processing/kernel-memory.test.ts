import { describe, expect, it } from 'vitest';
import {
  KernelPlanes,
  kernelAddress,
  kernelAlloc,
  kernelFree,
  kernelMemory,
  kernelUsage,
  ScratchRegion,
} from './kernel-memory.ts';

describe('kernel memory', () => {
  it('reuses freed regions, merging neighbours, and hands the top back', () => {
    const before = kernelUsage();
    const a = kernelAlloc(1000);
    const b = kernelAlloc(64);
    const c = kernelAlloc(5000);
    expect(a).toBeGreaterThan(0);
    expect(new Set([a % 64, b % 64, c % 64])).toEqual(new Set([0]));
    expect(b).toBeGreaterThanOrEqual(a + 1000);
    expect(c).toBeGreaterThanOrEqual(b + 64);
    kernelFree(a, 1000);
    kernelFree(b, 64);
    // a and b merged: a region of their joint size fits where a was.
    expect(kernelAlloc(1000 + 64)).toBe(a);
    kernelFree(a, 1000 + 64);
    kernelFree(c, 5000);
    expect(kernelUsage()).toEqual(before);
  });

  it('keeps the planes it handed out valid, and where they were, when the memory grows', () => {
    const owner = new KernelPlanes();
    const plane = owner.floats(1000)!;
    expect(Array.from(plane.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    plane[999] = 7;
    const at = kernelAddress(plane);
    expect(at).toBeGreaterThan(0);
    const pages = kernelMemory.buffer.byteLength;
    const big = owner.floats(8 * 65536)!;
    expect(kernelMemory.buffer.byteLength).toBeGreaterThan(pages);
    // Not detached: same length, same value, same place.
    expect(plane.length).toBe(1000);
    expect(plane[999]).toBe(7);
    expect(new Float32Array(kernelMemory.buffer, at, 1000)[999]).toBe(7);
    expect(kernelAddress(big)).toBeGreaterThan(at);
    expect(kernelAddress(plane.subarray(10))).toBe(at + 40);
    expect(kernelAddress(new Float32Array(1000))).toBe(-1);
    const used = kernelUsage().used;
    owner.free(big);
    owner.freeAll();
    expect(kernelUsage().used).toBeLessThanOrEqual(used - 4 * (8 * 65536 + 1000));
  });

  it('starts planes of one size at different offsets within a cache set period', () => {
    const owner = new KernelPlanes();
    // 4096 floats: 16 KB, a multiple of every cache's set period; laid end to end they would all start at one offset mod 4 KB.
    const planes = Array.from({ length: 6 }, () => owner.floats(4096)!);
    const offsets = planes.map((p) => kernelAddress(p) % 4096);
    expect(new Set(offsets).size).toBe(6);
    for (const p of planes) expect(kernelAddress(p) % 64).toBe(0);
    owner.freeAll();
  });

  it('lays a scratch region out end to end, and lays it out again at its new place when it grows', () => {
    const region = new ScratchRegion();
    const first = region.layOut([32, 16, 48]);
    expect(first).toEqual([region.at, region.at + 32, region.at + 48]);
    expect(region.size).toBeGreaterThanOrEqual(96);
    const grown = region.layOut([4096, 64]);
    expect(grown).toEqual([region.at, region.at + 4096]);
    expect(region.size).toBeGreaterThanOrEqual(4160);
    // The same sizes again fit: no new region.
    const at = region.at;
    expect(region.layOut([64, 4096])).toEqual([at, at + 64]);
    expect(region.at).toBe(at);
    kernelFree(region.at, region.size);
  });
});
