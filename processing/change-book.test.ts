import { describe, expect, it } from 'vitest';
import { addBounds, countUnder, keepNeeded, zeroTiles } from './change.ts';
import { LEVEL_TILE } from './change-levels.ts';
import { mulberry32 } from './testing/scene.ts';

/** A sorted list of distinct global indices in rows [y0, y1) of a w-wide plane, about `share` of its pixels. */
function listOf(rng: () => number, w: number, y0: number, y1: number, share: number): Int32Array {
  const out: number[] = [];
  for (let i = y0 * w; i < y1 * w; i++) if (rng() < share) out.push(i);
  return Int32Array.from(out);
}

describe("distances' per-tile-row bookkeeping (change.ts)", () => {
  it('addBounds adds each pixel’s rounded plain distance to its tile, in list order, as the per-pixel division does', () => {
    const rng = mulberry32(31);
    for (const w of [1, 15, 16, 17, 50, 333]) {
      for (const share of [0.02, 0.3, 1]) {
        const tilesX = Math.ceil(w / LEVEL_TILE);
        const y0 = LEVEL_TILE * Math.floor(rng() * 4);
        const idx = listOf(rng, w, y0, y0 + LEVEL_TILE, share);
        const plain2 = Float64Array.from(idx, () => rng() * 3);
        const tileRow = (y0 / LEVEL_TILE) * tilesX;
        const sums = new Float64Array(tilesX * 8).map(() => rng());
        const plain = Float64Array.from(sums);
        for (let j = 0; j < idx.length; j++) {
          const i = idx[j]!;
          const x = i - ((i / w) | 0) * w;
          plain[tileRow + ((x / LEVEL_TILE) | 0)]! += Math.fround(Math.sqrt(plain2[j]!));
        }
        addBounds(idx, plain2, idx.length, sums, tileRow, y0 * w, w);
        expect(sums).toEqual(plain);
      }
    }
  });

  it('countUnder and keepNeeded keep the pixels under the end in needed tiles, with their values, in order', () => {
    const rng = mulberry32(32);
    for (const w of [1, 15, 16, 17, 50, 333]) {
      for (const share of [0, 0.02, 0.3, 1]) {
        const tilesX = Math.ceil(w / LEVEL_TILE);
        const h = 4 * LEVEL_TILE + 3;
        const needed = Uint8Array.from({ length: tilesX * Math.ceil(h / LEVEL_TILE) }, () => (rng() < 0.5 ? 1 : 0));
        const kept = listOf(rng, w, 0, h, share);
        const n = kept.length;
        const end = Math.floor(rng() * (w * h + 1));
        const kept2 = Float64Array.from(kept, () => rng());
        const keptE = Float64Array.from(kept, () => rng());
        const under = kept.filter((i) => i < end).length;
        expect(countUnder(kept, n, end)).toBe(under);
        const keep = [...kept.subarray(0, under)]
          .map((i, j) => ({ i, j }))
          .filter(({ i }) => {
            const y = (i / w) | 0;
            return needed[((y / LEVEL_TILE) | 0) * tilesX + (((i - y * w) / LEVEL_TILE) | 0)] === 1;
          });
        const wantE = keep.map(({ j }) => keptE[j]!);
        const want2 = keep.map(({ j }) => kept2[j]!);
        const m = keepNeeded(kept, kept2, keptE, under, needed, w, tilesX);
        expect(m).toBe(keep.length);
        expect([...kept.subarray(0, m)]).toEqual(keep.map(({ i }) => i));
        expect([...kept2.subarray(0, m)]).toEqual(want2);
        expect([...keptE.subarray(0, m)]).toEqual(wantE);
      }
    }
  });
});

describe('zeroTiles (change.ts)', () => {
  it('zeroes the pixels of the flagged tiles, narrow runs and wide, and leaves the rest', () => {
    const rng = mulberry32(33);
    for (const [w, h] of [
      [1, 1],
      [17, 5],
      [16, 16],
      [100, 37],
      [333, 50],
    ] as const) {
      const tilesX = Math.ceil(w / LEVEL_TILE);
      const tilesY = Math.ceil(h / LEVEL_TILE);
      for (const share of [0, 0.2, 0.7, 1]) {
        const flags = Float64Array.from({ length: tilesX * tilesY }, () => (rng() < share ? rng() + 0.1 : 0));
        const floats = Float32Array.from({ length: w * h }, () => rng() + 0.5);
        const bytes = Uint8Array.from({ length: w * h }, () => 1 + Math.floor(rng() * 255));
        const wantF = Float32Array.from(floats);
        const wantB = Uint8Array.from(bytes);
        for (let i = 0; i < w * h; i++) {
          const y = (i / w) | 0;
          const x = i - y * w;
          if (flags[((y / LEVEL_TILE) | 0) * tilesX + ((x / LEVEL_TILE) | 0)] !== 0) {
            wantF[i] = 0;
            wantB[i] = 0;
          }
        }
        zeroTiles(floats, flags, w, h);
        zeroTiles(
          bytes,
          Uint8Array.from(flags, (f) => (f !== 0 ? 1 : 0)),
          w,
          h,
        );
        expect(floats).toEqual(wantF);
        expect(bytes).toEqual(wantB);
      }
    }
  });

  it('zeroes the same pixels of planes at any offset in their buffer, and nothing beside them', () => {
    const rng = mulberry32(34);
    for (const [w, h] of [
      [1, 1],
      [7, 3],
      [17, 18],
      [100, 37],
    ] as const) {
      const tilesX = Math.ceil(w / LEVEL_TILE);
      const tilesY = Math.ceil(h / LEVEL_TILE);
      const flags = Uint8Array.from({ length: tilesX * tilesY }, () => (rng() < 0.5 ? 1 : 0));
      flags[0] = 1;
      const zeroed = (i: number) =>
        flags[((((i / w) | 0) / LEVEL_TILE) | 0) * tilesX + (((i % w) / LEVEL_TILE) | 0)] !== 0;
      for (let offset = 0; offset < 8; offset++) {
        // Bytes at any offset; floats at offsets a multiple of 4 (as typed arrays allow).
        const bytesBuffer = new Uint8Array(w * h + 16).fill(9);
        const bytes = bytesBuffer.subarray(offset, offset + w * h);
        zeroTiles(bytes, flags, w, h);
        for (let i = 0; i < w * h; i++) expect(bytes[i]).toBe(zeroed(i) ? 0 : 9);
        expect(
          [...bytesBuffer.subarray(0, offset), ...bytesBuffer.subarray(offset + w * h)].every((v) => v === 9),
        ).toBe(true);
        if (offset % 4 !== 0) continue;
        const floatsBuffer = new Float32Array(w * h + 4).fill(0.5);
        const floats = floatsBuffer.subarray(offset / 4, offset / 4 + w * h);
        zeroTiles(floats, flags, w, h);
        for (let i = 0; i < w * h; i++) expect(floats[i]).toBe(zeroed(i) ? 0 : 0.5);
        expect(
          [...floatsBuffer.subarray(0, offset / 4), ...floatsBuffer.subarray(offset / 4 + w * h)].every(
            (v) => v === 0.5,
          ),
        ).toBe(true);
      }
    }
  });
});
