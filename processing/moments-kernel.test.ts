import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../sample-tiles/random.ts';
import { maskedStd, maskedStdRows, setMomentsInWasm } from './box-filter.ts';
import { kernelAlloc } from './kernel-memory.ts';

// A file of its own: the kernel memory never shrinks, so every later allocation in this fork lies past 2 GiB.
describe('moments kernel', () => {
  it('gives the JavaScript std bit for bit with its scratch past 2 GiB of kernel memory, staged whole or by rows', () => {
    const rnd = mulberry32(3235);
    const w = 61;
    const h = 29;
    const r = 4;
    const n = w * h;
    const values = Float32Array.from({ length: n }, () => rnd() * 0.4);
    const weight = Uint8Array.from({ length: n }, () => (rnd() < 0.7 ? 1 : 0));
    const need = Uint8Array.from({ length: n }, () => (rnd() < 0.5 ? 1 : 0));
    const run = () => [maskedStd(values, weight, w, h, r), maskedStdRows(values, weight, w, h, r, need, 16)];
    setMomentsInWasm(false);
    const js = run();
    // Untouched pages: addresses from here on do not fit a signed i32.
    expect(kernelAlloc(2 ** 31)).toBeGreaterThanOrEqual(0);
    const bits = (p: Float32Array) => new Uint32Array(p.buffer, p.byteOffset, p.length);
    try {
      for (const stageMax of [n, 0]) {
        setMomentsInWasm(true, stageMax);
        const got = run();
        for (let k = 0; k < js.length; k++) expect(bits(got[k]!)).toEqual(bits(js[k]!));
      }
    } finally {
      setMomentsInWasm(true);
    }
  });
});
