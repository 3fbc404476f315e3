import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../sample-tiles/random.ts';
import { maskedBoxMeans3, setSums3InWasm } from './box-filter.ts';
import { kernelAddress, kernelAlloc, kernelUsage } from './kernel-memory.ts';
import { PlanePool } from './plane-pool.ts';

// A file of its own: the kernel memory never shrinks, so every later allocation in this fork lies past 2 GiB.
describe('sums3 kernel', () => {
  // A failed comparison must not leave the later tests (and files in this fork) on the JavaScript sweep.
  afterEach(() => setSums3InWasm(true));

  it('gives the JavaScript means bit for bit with its scratch and planes past 2 GiB of kernel memory', () => {
    const rnd = mulberry32(3234);
    const w = 57;
    const h = 23;
    const r = 3;
    const n = w * h;
    const band = () => Float32Array.from({ length: n }, () => rnd() * 0.4);
    const bands: [Float32Array, Float32Array, Float32Array] = [band(), band(), band()];
    // Sparse: most windows hold under 8 masked pixels, so most means are the fallback's.
    const mask = Uint8Array.from({ length: n }, () => (rnd() < 0.08 ? 1 : 0));
    const fallback: [Float32Array, Float32Array, Float32Array] = [band(), band(), band()];
    setSums3InWasm(false);
    const js = maskedBoxMeans3(bands, mask, w, h, r, fallback);
    setSums3InWasm(true);
    // Untouched pages: addresses from here on do not fit a signed i32.
    expect(kernelAlloc(2 ** 31)).toBeGreaterThanOrEqual(0);
    const bits = (p: Float32Array) => new Uint32Array(p.buffer, p.byteOffset, p.length);
    // Planes outside the kernel memory: only the scratch lies past 2 GiB.
    const copied = maskedBoxMeans3(bands, mask, w, h, r, fallback);
    // Planes and fallback in the kernel memory past 2 GiB: the means taken in the column step.
    const pool = new PlanePool({ kernel: true });
    const fb = fallback.map((p, b) => {
      const k = pool.floatsAsIs(8 + b, n);
      k.set(p);
      return k;
    }) as typeof fallback;
    const direct = maskedBoxMeans3(bands, mask, w, h, r, fb, pool, 0);
    expect(kernelAddress(fb[0])).toBeGreaterThanOrEqual(2 ** 31);
    expect(kernelAddress(direct.count)).toBeGreaterThanOrEqual(2 ** 31);
    for (const got of [copied, direct]) {
      for (let b = 0; b < 3; b++) expect(bits(got.means[b]!)).toEqual(bits(js.means[b]!));
      expect(bits(got.count)).toEqual(bits(js.count));
    }
    pool.release();
  });

  it('falls back to the JavaScript sweep where the kernel memory cannot hold its scratch', () => {
    const rnd = mulberry32(3236);
    const w = 300;
    const h = 90;
    const r = 30;
    const n = w * h;
    const band = () => Float32Array.from({ length: n }, () => rnd() * 0.4);
    const bands: [Float32Array, Float32Array, Float32Array] = [band(), band(), band()];
    const mask = Uint8Array.from({ length: n }, () => (rnd() < 0.5 ? 1 : 0));
    setSums3InWasm(false);
    const js = maskedBoxMeans3(bands, mask, w, h, r, null);
    setSums3InWasm(true);
    // All but 64 KiB of the kernel memory's 4 GiB taken: a scratch of ~(2r + 2) · 16 bytes a column does not fit.
    expect(kernelAlloc(2 ** 32 - kernelUsage().top - 65536)).toBeGreaterThanOrEqual(0);
    const got = maskedBoxMeans3(bands, mask, w, h, r, null);
    const bits = (p: Float32Array) => new Uint32Array(p.buffer, p.byteOffset, p.length);
    for (let b = 0; b < 3; b++) expect(bits(got.means[b]!)).toEqual(bits(js.means[b]!));
    expect(bits(got.count)).toEqual(bits(js.count));
  });
});
