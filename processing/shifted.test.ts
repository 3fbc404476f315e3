import { describe, expect, it } from 'vitest';
import { shiftedRgbNormalized } from './analysis-raster.ts';
import { KernelPlanes } from './kernel-memory.ts';
import { segmentFields } from './normalize.ts';
import { shiftedRgbNormalizedWasm } from './shifted.ts';
import { mulberry32 } from './testing/scene.ts';

/** Tables like a fitted normalisation's: increasing, 256 entries, and their steps. */
function tables(rnd: () => number) {
  const luts = [0, 1, 2].map(() => {
    const gamma = 0.8 + 0.4 * rnd();
    const lut = new Float32Array(256);
    for (let i = 0; i < 256; i++) lut[i] = (i / 255) ** gamma;
    return lut;
  });
  const steps = luts.map((lut) => {
    const step = new Float64Array(255);
    for (let k = 0; k < 255; k++) step[k] = lut[k + 1]! - lut[k]!;
    return step;
  });
  return { luts, steps, zero: [0.01, 0.02, 0.03] };
}

/** Local-correction segments over [0, width): `count` of them, offsets and gains sloped, some steep enough to clamp. */
function segments(rnd: () => number, width: number, count: number) {
  const rec = segmentFields(3);
  const seg = new Float64Array((count + 2) * rec);
  for (let s = 0; s < count; s++) {
    const q = s * rec;
    seg[q] = Math.round((s * width) / count);
    seg[q + 1] = Math.round(((s + 1) * width) / count);
    for (let b = 0; b < 3; b++) {
      seg[q + 2 + 4 * b] = -0.3 + 0.6 * rnd();
      seg[q + 3 + 4 * b] = (rnd() - 0.5) * 0.01;
      seg[q + 4 + 4 * b] = 0.6 + 0.9 * rnd();
      seg[q + 5 + 4 * b] = (rnd() - 0.5) * 0.01;
    }
  }
  return seg;
}

describe('shiftedRgbNormalizedWasm', () => {
  it('writes the planes of the JavaScript loop, bit for bit', () => {
    const rnd = mulberry32(20251);
    const sw = 97;
    const rowsIn = 6;
    const d = new Uint8Array(sw * rowsIn * 3);
    // Saturated and near-saturated bytes (around the tables' 1), dark ones and noise.
    for (let i = 0; i < d.length; i++)
      d[i] = rnd() < 0.3 ? 254 + Math.floor(rnd() * 2) : rnd() < 0.1 ? 0 : Math.floor(rnd() * 256);
    let cases = 0;
    for (const [fx, fy] of [
      [0.3, 0.7],
      [0, 0.45],
      [0.6, 0],
      [0.999, 0.001],
    ] as Array<[number, number]>) {
      const ox = fx > 0 ? 1 : 0;
      const oy = fy > 0 ? 1 : 0;
      const k = {
        k00: ((1 - fx) * (1 - fy)) / 255,
        k10: (fx * (1 - fy)) / 255,
        k01: ((1 - fx) * fy) / 255,
        k11: (fx * fy) / 255,
      };
      for (const keepOwn of [true, false]) {
        for (const segCount of [1, 4]) {
          const t = tables(rnd);
          const width = sw + 5;
          const norm = {
            ...t,
            local: null,
            row: [],
            segments: segments(rnd, width, segCount),
            segmentCount: segCount,
          };
          // Output rows of `width` pixels; [xa, xb) sampled from source columns x − xa.
          const xa = 3;
          const xb = xa + sw - ox;
          const n = width * 3;
          const valid = new Uint8Array(n);
          for (let i = 0; i < n; i++) valid[i] = rnd() < 0.9 ? 1 : 0;
          const planes = () => [0, 1, 2].map(() => new Float32Array(n).fill(-7));
          // The same planes in the kernel memory, written there in place (the survey's reads).
          const owner = new KernelPlanes();
          const kernelPlanes = () => [0, 1, 2].map(() => owner.floats(n)!.fill(-7));
          const want = { own: keepOwn ? planes() : null, out: planes() };
          const got = { own: keepOwn ? planes() : null, out: planes() };
          const inPlace = { own: keepOwn ? kernelPlanes() : null, out: kernelPlanes() };
          // …and the source bytes and validity there too, read where they lie (the survey's ReadScratch).
          const kernelBytes = (a: Uint8Array) => {
            const home = owner.floats(Math.ceil(a.length / 4))!;
            const bytes = new Uint8Array(home.buffer, home.byteOffset, a.length);
            bytes.set(a);
            return bytes;
          };
          const dIn = kernelBytes(d);
          const validIn = kernelBytes(valid);
          const allIn = { own: keepOwn ? kernelPlanes() : null, out: kernelPlanes() };
          for (let y = 0; y < 3; y++) {
            const r0 = (y + 1) * sw - xa;
            const row = { r0, r1: r0 + oy * sw, o0: y * width, xa, xb, ox };
            shiftedRgbNormalized(d, valid, row, k, want.own, want.out, norm);
            expect(shiftedRgbNormalizedWasm(d, valid, row, k, got.own, got.out, norm)).toBe(false);
            expect(shiftedRgbNormalizedWasm(d, valid, row, k, inPlace.own, inPlace.out, norm)).toBe(false);
            // Read in place, not copied in (both paths give the same planes: only this tells them apart).
            expect(shiftedRgbNormalizedWasm(dIn, validIn, row, k, allIn.own, allIn.out, norm)).toBe(true);
          }
          for (let b = 0; b < 3; b++) {
            expect(Buffer.from(got.out[b]!.buffer).equals(Buffer.from(want.out[b]!.buffer))).toBe(true);
            if (keepOwn) expect(Buffer.from(got.own![b]!.buffer).equals(Buffer.from(want.own![b]!.buffer))).toBe(true);
            const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
            expect(bytes(inPlace.out[b]!).equals(bytes(want.out[b]!))).toBe(true);
            if (keepOwn) expect(bytes(inPlace.own![b]!).equals(bytes(want.own![b]!))).toBe(true);
            expect(bytes(allIn.out[b]!).equals(bytes(want.out[b]!))).toBe(true);
            if (keepOwn) expect(bytes(allIn.own![b]!).equals(bytes(want.own![b]!))).toBe(true);
          }
          owner.freeAll();
          // The samples really went through the tables (not all invalid, saturated or clamped).
          const distinct = new Set(want.out[0]!);
          expect(distinct.size).toBeGreaterThan(50);
          cases++;
        }
      }
    }
    expect(cases).toBe(16);
  });
});
