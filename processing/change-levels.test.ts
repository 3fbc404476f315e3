import { describe, expect, it } from 'vitest';
import {
  activeTiles,
  hysteresisLevels,
  inKernel,
  LEVEL_TILE,
  levelPlanes,
  NeededTiles,
  releaseLevelPlanes,
  tileSums,
} from './change-levels.ts';
import { mulberry32 } from './testing/scene.ts';

/** Sparse distances: faint noise everywhere, a few strong blobs; tile sums as the change code adds them. */
function scene(w: number, h: number, seed: number, noise = 0.02) {
  const rng = mulberry32(seed);
  const dist = new Float32Array(w * h);
  for (let i = 0; i < dist.length; i++) if (rng() < noise) dist[i] = 0.05 * rng();
  for (let k = 0; k < 4; k++) {
    const x0 = Math.floor(rng() * w);
    const y0 = Math.floor(rng() * h);
    for (let y = y0; y < Math.min(h, y0 + 6); y++)
      for (let x = x0; x < Math.min(w, x0 + 9); x++) dist[y * w + x] = 0.3 * rng();
  }
  const tiles = tileSums(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      tiles.sums[Math.floor(y / LEVEL_TILE) * tiles.tilesX + Math.floor(x / LEVEL_TILE)]! += dist[y * w + x]!;
    }
  }
  return { dist, tiles };
}

/** The levels from a direct mean over each clipped window. */
function direct(dist: Float32Array, valid: Uint8Array, w: number, h: number, r: number, low: number, high: number) {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let n = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
          s += dist[yy * w + xx]!;
          n++;
        }
      }
      const v = s / n;
      out[y * w + x] = valid[y * w + x]! * ((v > low ? 1 : 0) + (v > high ? 1 : 0));
    }
  }
  return out;
}

describe('hysteresisLevels', () => {
  it('gives the same levels in the WebAssembly kernel (levelPlanes) as in JavaScript, and hands the planes back zeroed', () => {
    const rng = mulberry32(11);
    let kernelTiles = 0;
    for (const [w, h, r, seed] of [
      [70, 53, 3, 5],
      [129, 64, 3, 6],
      [40, 90, 1, 7],
      [100, 37, LEVEL_TILE + 4, 8],
      [5, 4, 3, 9],
      [70, 53, 3, 10],
    ] as const) {
      const { dist, tiles } = scene(w, h, seed, 0.3);
      // Distances of every scale, and a few that are not finite (their tiles are summed afresh).
      for (let i = 0; i < dist.length; i++) if (rng() < 0.01) dist[i] = dist[i]! * 1e6;
      if (seed % 2 === 0) {
        const i = Math.floor(rng() * dist.length);
        dist[i] = [Number.NaN, Number.POSITIVE_INFINITY][seed % 4 === 0 ? 0 : 1]!;
        tiles.sums[Math.floor(i / w / LEVEL_TILE) * tiles.tilesX + Math.floor((i % w) / LEVEL_TILE)] = dist[i]!;
      }
      const validA = Uint8Array.from({ length: w * h }, () => (rng() < 0.9 ? 1 : 0));
      const validB = Uint8Array.from({ length: w * h }, () => (rng() < 0.95 ? 1 : 0));
      const want = hysteresisLevels(dist, tiles, validA, validB, w, h, r, 0.02, 0.05);
      const planes = levelPlanes(w * h, r);
      if (!planes) throw new Error('the kernel memory should hold a small scene');
      // Planes come zeroed, whatever the scene before left.
      expect(planes.dist.every((v) => v === 0) && planes.level.every((v) => v === 0)).toBe(true);
      expect(inKernel(planes.dist, planes.level, w * h)).toBe(true);
      planes.dist.set(dist);
      const active = activeTiles(tiles, w, h, r, 0.02);
      kernelTiles += active.filter((a) => a === 1).length;
      const got = hysteresisLevels(planes.dist, tiles, validA, validB, w, h, r, 0.02, 0.05, planes.level, active);
      expect(got).toBe(planes.level);
      expect(Array.from(got)).toEqual(Array.from(want));
      // Handed back zeroed as change.ts does (the kernel's scratch, past the planes, is left dirty and
      // lies within the next, larger scene's planes), or never, as by a call that threw: the next
      // planes are zeroed either way.
      if (seed % 3 !== 0) {
        planes.dist.fill(0);
        planes.level.fill(0);
        releaseLevelPlanes(w * h);
      }
    }
    expect(kernelTiles).toBeGreaterThan(20);
  });

  it('matches thresholds of the direct box mean, with quiet tiles skipped, for radii within and beyond a tile', () => {
    for (const [w, h, r, seed] of [
      [70, 53, 3, 1],
      [40, 90, 1, 2],
      [100, 37, LEVEL_TILE + 4, 3],
      [5, 4, 3, 4],
    ] as const) {
      const { dist, tiles } = scene(w, h, seed);
      const valid = new Uint8Array(w * h).fill(1);
      valid.fill(0, 0, w); // an invalid first row
      const got = hysteresisLevels(dist, tiles, valid, valid, w, h, r, 0.02, 0.05);
      const want = direct(dist, valid, w, h, r, 0.02, 0.05);
      expect(got).toEqual(want);
      // The small-radius scenes must exercise both levels, or the comparison proves little.
      if (r <= 3 && w > 10) expect(want.includes(1) && want.includes(2)).toBe(true);
    }
  });

  it('sums afresh the windows beside a distance that is not a number: only those windows drop to 0', () => {
    const [w, h, r] = [70, 53, 3];
    const { dist } = scene(w, h, 1);
    // Inside a blob's tile: a running sum would carry the NaN along the rest of its rows.
    let at = 0;
    for (let i = 0; i < dist.length; i++) if (dist[i]! > dist[at]!) at = i;
    dist[at] = Number.NaN;
    const tiles = tileSums(w, h);
    for (let i = 0; i < dist.length; i++) {
      const t = Math.floor(Math.floor(i / w) / LEVEL_TILE) * tiles.tilesX + Math.floor((i % w) / LEVEL_TILE);
      tiles.sums[t]! += dist[i]!;
    }
    const valid = new Uint8Array(w * h).fill(1);
    const got = hysteresisLevels(dist, tiles, valid, valid, w, h, r, 0.02, 0.05);
    expect(got).toEqual(direct(dist, valid, w, h, r, 0.02, 0.05));
    expect(got.includes(2)).toBe(true);
  });
  it('writes only the pixels above the low level: the rest of the plane is left as it was (zero)', () => {
    const [w, h, r] = [70, 53, 3];
    const { dist, tiles } = scene(w, h, 1);
    const valid = new Uint8Array(w * h).fill(1);
    valid.fill(0, 20 * w, 21 * w); // an invalid row through the blobs' tiles
    const want = direct(dist, valid, w, h, r, 0.02, 0.05);
    // A plane marked where nothing should be written: 0 and invalid pixels keep the mark.
    const marked = new Uint8Array(w * h).fill(9);
    const got = hysteresisLevels(dist, tiles, valid, valid, w, h, r, 0.02, 0.05, marked);
    for (let i = 0; i < w * h; i++) expect(got[i]).toBe(want[i] === 0 ? 9 : want[i]);
    expect(want.includes(0) && want.includes(1) && want.includes(2)).toBe(true);
  });
});

describe('NeededTiles', () => {
  it('leaves every level unchanged when distances outside the needed tiles are unknown, settled row by row or at once', () => {
    for (const [w, h, r, seed] of [
      [70, 53, 3, 1],
      [300, 200, 3, 6],
      [300, 210, 1, 5],
      [100, 37, LEVEL_TILE + 4, 3],
      [5, 4, 3, 4],
    ] as const) {
      const { dist, tiles } = scene(w, h, seed, 0.005);
      const valid = new Uint8Array(w * h).fill(1);
      // Above the noise's box means, as the change levels are.
      const LOW = 0.04;
      const want = hysteresisLevels(dist, tiles, valid, valid, w, h, r, LOW, 0.1);
      // Bounds above the true sums, loose by up to half of them.
      const rng = mulberry32(seed + 100);
      const bound = tileSums(w, h);
      for (let t = 0; t < bound.sums.length; t++) bound.sums[t] = tiles.sums[t]! * (1 + 0.5 * rng());
      const atOnce = new NeededTiles(bound, w, h, r, LOW, 0);
      expect(atOnce.advance(bound.tilesY)).toBe(bound.tilesY);
      const rowByRow = new NeededTiles(bound, w, h, r, LOW, 0);
      let settled = 0;
      for (let t = 1; t <= bound.tilesY; t++) {
        const now = rowByRow.advance(t);
        expect(now).toBeGreaterThanOrEqual(settled);
        // Rows reported settled never change later.
        expect(rowByRow.needed.subarray(0, now * bound.tilesX)).toEqual(atOnce.needed.subarray(0, now * bound.tilesX));
        settled = now;
      }
      expect(settled).toBe(bound.tilesY);
      // Needed: the tiles within one tile (the spread without deep shadows) of a tile the bounds leave active.
      const active = activeTiles(bound, w, h, r, LOW);
      const spread = Math.max(1, Math.ceil(r / LEVEL_TILE));
      const { tilesX, tilesY } = bound;
      const near = (tx: number, ty: number) => {
        for (let j = Math.max(0, ty - spread); j <= Math.min(tilesY - 1, ty + spread); j++)
          for (let i = Math.max(0, tx - spread); i <= Math.min(tilesX - 1, tx + spread); i++)
            if (active[j * tilesX + i]) return 1;
        return 0;
      };
      const wantNeeded = Array.from({ length: tilesX * tilesY }, (_, t) => near(t % tilesX, Math.floor(t / tilesX)));
      expect(Array.from(atOnce.needed)).toEqual(wantNeeded);
      const known = Float32Array.from(dist);
      const knownTiles = tileSums(w, h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const t = Math.floor(y / LEVEL_TILE) * bound.tilesX + Math.floor(x / LEVEL_TILE);
          if (!atOnce.needed[t]) known[y * w + x] = 0;
          knownTiles.sums[t]! += known[y * w + x]!;
        }
      }
      expect(hysteresisLevels(known, knownTiles, valid, valid, w, h, r, LOW, 0.1)).toEqual(want);
      // The scenes must leave some tiles unneeded, or the test proves little.
      if (w >= 300) expect(atOnce.needed.includes(0)).toBe(true);
    }
  });
});

/** activeTiles as it was written before its inner tiles' 3×3 sums were unrolled: the oracle. */
function activeTilesPlain(
  sums: Float64Array,
  tilesX: number,
  tilesY: number,
  w: number,
  h: number,
  r: number,
  low: number,
) {
  const active = new Uint8Array(tilesX * tilesY);
  const reach = Math.ceil(r / LEVEL_TILE);
  const span1 = (v: number, n: number) => Math.min(n - 1, v + r) - Math.max(0, v - r) + 1;
  const skip = low * (1 - 1e-4);
  for (let ty = 0; ty < tilesY; ty++) {
    const y0 = ty * LEVEL_TILE;
    const rows = Math.min(span1(y0, h), span1(Math.min(h, y0 + LEVEL_TILE) - 1, h));
    for (let tx = 0; tx < tilesX; tx++) {
      const x0 = tx * LEVEL_TILE;
      const cols = Math.min(span1(x0, w), span1(Math.min(w, x0 + LEVEL_TILE) - 1, w));
      let near = 0;
      for (let j = Math.max(0, ty - reach); j <= Math.min(tilesY - 1, ty + reach); j++) {
        for (let i = Math.max(0, tx - reach); i <= Math.min(tilesX - 1, tx + reach); i++) near += sums[j * tilesX + i]!;
      }
      if (!(near <= skip * rows * cols)) active[ty * tilesX + tx] = Number.isFinite(near) ? 1 : 2;
    }
  }
  return active;
}

describe('activeTiles', () => {
  it('flags the same tiles as the plain loops, borders, odd sizes, radii beyond a tile and sums not finite included', () => {
    const rng = mulberry32(31);
    let checked = 0;
    let flagged = 0;
    for (const [w, h] of [
      [1, 1],
      [16, 16],
      [17, 33],
      [48, 48],
      [49, 50],
      [100, 37],
      [257, 129],
      [300, 300],
    ] as const) {
      for (const r of [1, 3, 8, 16, 17, 40]) {
        const tiles = tileSums(w, h);
        const { sums, tilesX, tilesY } = tiles;
        for (let k = 0; k < sums.length; k++) {
          const u = rng();
          // Mostly quiet tiles, sums near the thresholds, a few that are not finite.
          sums[k] =
            u < 0.4
              ? 0
              : u < 0.97
                ? rng() * rng() * 60
                : [Number.NaN, Number.POSITIVE_INFINITY][Math.floor(rng() * 2)]!;
        }
        for (const low of [0.02, 0.06, 0.1]) {
          const got = activeTiles(tiles, w, h, r, low);
          const want = activeTilesPlain(sums, tilesX, tilesY, w, h, r, low);
          expect(Array.from(got)).toEqual(Array.from(want));
          checked++;
          flagged += want.filter((a) => a !== 0).length;
        }
      }
    }
    expect(checked).toBe(8 * 6 * 3);
    // Both answers must occur, or the comparison proves little.
    expect(flagged).toBeGreaterThan(100);
  });
});
