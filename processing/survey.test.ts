import { describe, expect, it } from 'vitest';
import { clearMask, cutOut, stripRuns, sumAnd, sumBytes } from './survey.ts';
import { mulberry32 } from './testing/scene.ts';

describe('stripRuns', () => {
  it('cuts the strips into runs of consecutive ones, in order, shrinking to single strips at the end', () => {
    const starts = Array.from({ length: 40 }, (_, i) => i * 256);
    const runs = stripRuns(starts, 2);
    expect(runs.flat()).toEqual(starts);
    const lengths = runs.map((r) => r.length);
    // Each run a quarter of the strips left (two per thread's turn), 4 at most: then shorter ones.
    expect(lengths).toEqual([4, 4, 4, 4, 4, 4, 4, 3, 3, 2, 1, 1, 1, 1]);
    for (const r of runs) for (let i = 1; i < r.length; i++) expect(r[i]! - r[i - 1]!).toBe(256);
  });

  it('gives every strip a run of its own when there are fewer strips than turns', () => {
    expect(stripRuns([0, 256, 512], 2)).toEqual([[0], [256], [512]]);
    expect(stripRuns([], 2)).toEqual([]);
  });
});

describe('sumBytes', () => {
  it('counts the ones of a 0/1 plane, at any length and offset, long runs of ones included', () => {
    const random = mulberry32(7);
    for (const length of [0, 1, 3, 4, 5, 255, 256, 257, 1023, 4096, 10001]) {
      for (const offset of [0, 1, 2, 3, 4]) {
        for (const density of [0, 0.3, 1]) {
          const buffer = new Uint8Array(length + 8);
          const plane = buffer.subarray(offset, offset + length);
          let expected = 0;
          for (let i = 0; i < length; i++) {
            plane[i] = random() < density ? 1 : 0;
            expected += plane[i]!;
          }
          expect(sumBytes(plane)).toBe(expected);
        }
      }
    }
  });
});

describe('clearMask', () => {
  it('is valid and not cloud, pixel by pixel, at any length and offset (the word loop and the tail)', () => {
    const random = mulberry32(11);
    for (const length of [0, 1, 5, 64, 1001]) {
      for (const offset of [0, 1, 3, 4]) {
        const plane = () => {
          const p = new Uint8Array(length + 8).subarray(offset, offset + length);
          for (let i = 0; i < length; i++) p[i] = random() < 0.5 ? 1 : 0;
          return p;
        };
        const valid = plane();
        const cloud = plane();
        const block = { window: { x: 0, y: 0, width: length, height: 1 }, roles: [], bands: [], valid };
        const want = Array.from(valid, (v, i) => v & (cloud[i]! ^ 1));
        expect(Array.from(clearMask(block, cloud))).toEqual(want);
        const out = new Uint8Array(length + 8).subarray(offset, offset + length);
        clearMask(block, cloud, out);
        expect(Array.from(out)).toEqual(want);
      }
    }
  });
});

describe('sumAnd and cutOut', () => {
  it('count and cut by the ANDs of 0/1 planes, at any length and offsets (the word loops and the tails)', () => {
    const random = mulberry32(13);
    for (const length of [0, 1, 3, 4, 5, 255, 256, 257, 1023, 10001]) {
      for (const [oa, ob] of [
        [0, 0],
        [1, 1],
        [0, 4],
        [3, 0],
      ] as const) {
        for (const density of [0.3, 1]) {
          const plane = (offset: number) => {
            const p = new Uint8Array(length + 8).subarray(offset, offset + length);
            for (let i = 0; i < length; i++) p[i] = random() < density ? 1 : 0;
            return p;
          };
          const a = plane(oa);
          const b = plane(ob);
          let expected = 0;
          for (let i = 0; i < length; i++) expected += a[i]! & b[i]!;
          expect(sumAnd(a, b)).toBe(expected);
          const want = Array.from(a, (v, i) => v & (b[i]! ^ 1));
          cutOut(a, b);
          expect(Array.from(a)).toEqual(want);
        }
      }
    }
  });
});
