import { describe, expect, it } from 'vitest';
import {
  andInPlace,
  andOfThree,
  andOrInPlace,
  anySet,
  atLeast,
  notMask,
  orInPlace,
  setWhereLabel,
  sumByLabel,
} from './mask-loops.ts';
import { mulberry32 } from './testing/scene.ts';

// Each loop against the expression it replaced in berthedHulls, waterMask, dropPierDeck, dropUnchanged,
// keepWholeHulls, dropShade and detectVessels, written out per pixel.
describe('mask loops', () => {
  const rand = mulberry32(27);
  const n = 997;
  const mask = (share: number) => Uint8Array.from({ length: n }, () => (rand() < share ? 1 : 0));
  const [a, b, c, d] = [mask(0.5), mask(0.3), mask(0.7), mask(0.1)];
  const labels = Int32Array.from({ length: n }, () => Math.floor(rand() * 6));
  const flag = Uint8Array.from([0, 1, 0, 1, 1, 0]);

  it('and, or, and-or in place', () => {
    const x = a.slice();
    andInPlace(x, b);
    expect(Array.from(x)).toEqual(Array.from(a, (v, i) => v & b[i]!));
    // Four bytes a step where word-aligned, byte by byte elsewhere: at offsets, and over any byte values.
    for (const [oa, ob] of [
      [1, 0],
      [4, 4],
      [3, 2],
    ] as const) {
      // A view at byte offset oa into a copy (slice(oa) would start a new buffer at offset 0).
      const xa = a.slice().subarray(oa);
      andInPlace(xa, b.subarray(ob, ob + xa.length));
      expect(Array.from(xa)).toEqual(Array.from(a.subarray(oa), (v, i) => v & b[ob + i]!));
    }
    // A shorter b reads as 0 past its end, word-aligned or not.
    const short = a.slice();
    andInPlace(short, b.subarray(0, 500));
    expect(Array.from(short)).toEqual(Array.from(a, (v, i) => (i < 500 ? v & b[i]! : 0)));
    const bytes = Uint8Array.from({ length: 37 }, (_, i) => (i * 97) & 255);
    const other = Uint8Array.from({ length: 37 }, (_, i) => (i * 31 + 5) & 255);
    const anded = bytes.slice();
    andInPlace(anded, other);
    expect(Array.from(anded)).toEqual(Array.from(bytes, (v, i) => v & other[i]!));
    const y = a.slice();
    orInPlace(y, b);
    expect(Array.from(y)).toEqual(Array.from(a, (v, i) => v | b[i]!));
    const z = a.slice();
    andOrInPlace(z, b, d);
    expect(Array.from(z)).toEqual(Array.from(a, (v, i) => (v & b[i]!) | d[i]!));
  });

  it('by label: set where flagged, sums', () => {
    const x = d.slice();
    setWhereLabel(x, labels, flag);
    expect(Array.from(x)).toEqual(Array.from(d, (v, i) => (flag[labels[i]!] ? 1 : v)));
    const sums = new Float64Array(6);
    sumByLabel(sums, labels, a);
    const want = new Float64Array(6);
    for (let i = 0; i < n; i++) want[labels[i]!]! += a[i]!;
    expect(Array.from(sums)).toEqual(Array.from(want));
  });

  it('and of three (with whether it meets a fourth), threshold, complement', () => {
    const out = new Uint8Array(n);
    const want = Array.from(a, (v, i) => v & b[i]! & c[i]!);
    expect(andOfThree(a, b, c, d, out)).toBe(want.some((v, i) => v && d[i]));
    expect(Array.from(out)).toEqual(want);
    expect(andOfThree(a, b, c, new Uint8Array(n), out)).toBe(false);
    const v = Float32Array.from({ length: n }, () => rand() * 4 - 2);
    const t = Math.fround(0.37);
    atLeast(v, t, out);
    expect(Array.from(out)).toEqual(Array.from(v, (s) => (s >= t ? 1 : 0)));
    expect(Array.from(notMask(a))).toEqual(Array.from(a, (s) => (s ? 0 : 1)));
  });
});

describe('anySet', () => {
  it('is whether any byte is set, at every offset and length, in the head, words and tail', () => {
    const buffer = new Uint8Array(64);
    for (let off = 0; off < 4; off++) {
      for (let len = 0; len < 40; len++) {
        const a = buffer.subarray(off, off + len);
        expect(anySet(a)).toBe(false);
        for (let i = 0; i < len; i++) {
          a[i] = 1;
          expect(anySet(a)).toBe(true);
          a[i] = 0;
        }
        // A set byte just outside the view is not in it.
        buffer[off + len] = 1;
        expect(anySet(a)).toBe(false);
        buffer[off + len] = 0;
      }
    }
  });
});
