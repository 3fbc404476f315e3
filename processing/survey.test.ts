import { describe, expect, it } from 'vitest';
import { clearMask, countZone, cutOut, stripRuns, sumAnd, sumBytes } from './survey.ts';
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

describe('countZone', () => {
  /** The per-pixel sums countZone's runs and words replace. */
  function naive(
    inZone: Uint8Array,
    part: { x: number; y: number; width: number; height: number },
    coreWidth: number,
    coreY: number,
    cut: Uint8Array | null,
    clear: Uint8Array,
    prev: Uint8Array | null,
    changed: Uint8Array | null,
  ): number[] {
    const s = [0, 0, 0, 0];
    for (let y = 0; y < part.height; y++) {
      for (let x = 0; x < part.width; x++) {
        if (!inZone[y * part.width + x]) continue;
        const i = (part.y - coreY + y) * coreWidth + part.x + x;
        if (cut?.[i]) continue;
        s[0]! += 1;
        if (!clear[i]) continue;
        s[1]! += 1;
        if (!prev?.[i]) continue;
        s[2]! += 1;
        s[3]! += changed![i]!;
      }
    }
    return s;
  }

  it('counts as pixel by pixel, over every phase of the planes, with and without cut and previous date', () => {
    const rng = mulberry32(29);
    for (let trial = 0; trial < 48; trial++) {
      const width = 37 + Math.floor(rng() * 300);
      const height = 3 + Math.floor(rng() * 6);
      const n = width * height;
      // Planes at every byte offset of their buffers: countZone takes core subarrays.
      const plane = (p: number, shift: number) => {
        const a = new Uint8Array(n + shift).subarray(shift);
        // Long runs (whole words of ones and zeros) as well as pixel-by-pixel noise.
        let v = 0;
        for (let i = 0; i < n; i++) {
          if (rng() < 0.1) v = rng() < p ? 1 : 0;
          a[i] = rng() < 0.05 ? 1 - v : v;
        }
        return a;
      };
      const shift = trial % 4;
      const clear = plane(0.8, shift);
      const cut = trial % 3 === 0 ? null : plane(0.2, trial % 5 === 0 ? (shift + 1) % 4 : shift);
      const prev = trial % 2 === 0 ? null : plane(0.8, shift);
      const changed = prev ? plane(0.3, shift) : null;
      const px = Math.floor(rng() * 20);
      const part = { x: px, y: 1, width: width - px - Math.floor(rng() * 20), height: height - 1 };
      const inZone = new Uint8Array(part.width * part.height);
      for (let y = 0; y < part.height; y++) {
        // A run or two per row, or a noisy row.
        const a = Math.floor(rng() * part.width);
        const b = a + Math.floor(rng() * (part.width - a + 1));
        for (let x = a; x < b; x++) inZone[y * part.width + x] = y === 1 && rng() < 0.3 ? 0 : 1;
      }
      const core = { x: 0, y: 0, width, height };
      const counts = new Float64Array(8).fill(-1);
      countZone(inZone, part, core, cut, clear, prev, changed, counts, 4);
      const want = naive(inZone, part, width, 0, cut, clear, prev, changed);
      expect([...counts.subarray(4)]).toEqual(want);
      expect([...counts.subarray(0, 4)]).toEqual([-1, -1, -1, -1]);
    }
  });
});
