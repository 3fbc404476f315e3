import { describe, expect, it } from 'vitest';
import { type Component, componentRuns, componentShape, fillHoles, LabelPlane, labelComponents } from './components.ts';

/** Reference labelling by breadth-first flood fill, in raster order of first pixels. */
function floodFill(mask: Uint8Array, w: number, h: number, conn: 4 | 8): Int32Array {
  const labels = new Int32Array(w * h);
  const offs =
    conn === 8
      ? [
          [-1, -1],
          [0, -1],
          [1, -1],
          [-1, 0],
          [1, 0],
          [-1, 1],
          [0, 1],
          [1, 1],
        ]
      : [
          [0, -1],
          [-1, 0],
          [1, 0],
          [0, 1],
        ];
  let next = 0;
  for (let i = 0; i < w * h; i++) {
    if (!mask[i] || labels[i]) continue;
    next++;
    labels[i] = next;
    const queue = [i];
    while (queue.length) {
      const p = queue.pop()!;
      const x = p % w;
      const y = (p - x) / w;
      for (const [ox, oy] of offs) {
        const nx = x + ox!;
        const ny = y + oy!;
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const q = ny * w + nx;
        if (mask[q] && !labels[q]) {
          labels[q] = next;
          queue.push(q);
        }
      }
    }
  }
  return labels;
}

function randomMask(w: number, h: number, density: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  const m = new Uint8Array(w * h);
  for (let i = 0; i < m.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    m[i] = s / 2 ** 32 < density ? 1 : 0;
  }
  return m;
}

function stats(labels: Int32Array, w: number, label: number): Omit<Component, 'label'> {
  const c = {
    area: 0,
    minX: Infinity,
    minY: Infinity,
    maxX: -1,
    maxY: -1,
    sumX: 0,
    sumY: 0,
    sumXX: 0,
    sumYY: 0,
    sumXY: 0,
  };
  labels.forEach((l, i) => {
    if (l !== label) return;
    const x = i % w;
    const y = (i - x) / w;
    c.area++;
    c.minX = Math.min(c.minX, x);
    c.minY = Math.min(c.minY, y);
    c.maxX = Math.max(c.maxX, x);
    c.maxY = Math.max(c.maxY, y);
    c.sumX += x;
    c.sumY += y;
    c.sumXX += x * x;
    c.sumYY += y * y;
    c.sumXY += x * y;
  });
  return c;
}

describe('labelComponents', () => {
  it('matches a flood fill on random masks, 4- and 8-connected, including moments', () => {
    for (const [density, seed] of [
      [0.3, 1],
      [0.5, 2],
      [0.62, 3],
      [0.05, 4],
    ] as const) {
      for (const conn of [4, 8] as const) {
        const w = 67;
        const h = 41;
        const mask = randomMask(w, h, density, seed);
        const { labels, components } = labelComponents(mask, w, h, { connectivity: conn });
        const ref = floodFill(mask, w, h, conn);
        expect(Array.from(labels)).toEqual(Array.from(ref));
        expect(components.length).toBe(Math.max(0, ...ref));
        for (const c of components.slice(0, 20)) {
          const { label, ...rest } = c;
          expect(rest).toEqual(stats(ref, w, label));
        }
      }
    }
  });

  it('labels the same through an unaligned view of the mask (no word skipping) as through an aligned one', () => {
    const w = 67;
    const h = 41;
    const mask = randomMask(w, h, 0.05, 5);
    const shifted = new Uint8Array(mask.length + 1);
    shifted.set(mask, 1);
    const aligned = labelComponents(mask, w, h);
    const unaligned = labelComponents(shifted.subarray(1), w, h);
    expect(Array.from(unaligned.labels)).toEqual(Array.from(aligned.labels));
    expect(Array.from(aligned.labels)).toEqual(Array.from(floodFill(mask, w, h, 8)));
  });

  it('finds lone pixels and runs at every byte of the empty stretches it skips a block of words at a time', () => {
    const w = 301;
    const h = 9;
    for (let offset = 0; offset < 40; offset++) {
      const mask = new Uint8Array(w * h);
      // A lone pixel, a run across a word boundary and one at the row's last bytes, each after a long empty stretch.
      mask[w + 64 + offset] = 1;
      mask.fill(1, 3 * w + 100 + offset, 3 * w + 107 + offset);
      mask[5 * w + w - 1 - (offset % 8)] = 1;
      mask[8 * w + 150 + offset] = 1;
      const { labels, components } = labelComponents(mask, w, h);
      expect(Array.from(labels)).toEqual(Array.from(floodFill(mask, w, h, 8)));
      expect(components.map((c) => c.area)).toEqual([1, 7, 1, 1]);
    }
  });

  it('labels into a kept plane as into a fresh one, call after call, reusing its memory', () => {
    const into = new LabelPlane();
    let buffer: ArrayBufferLike | null = null;
    // Dense then sparse masks, a narrower one between (the runs cleared are those of the last width).
    const sizes: Array<[number, number, number]> = [
      [61, 47, 0.45],
      [61, 47, 0.05],
      [40, 50, 0.3],
      [61, 47, 0.2],
      [64, 30, 0.6],
      [64, 30, 0],
    ];
    for (const [k, [w, h, density]] of sizes.entries()) {
      const mask = randomMask(w, h, density, 900 + k);
      const fresh = labelComponents(mask, w, h, { connectivity: 8 });
      const kept = labelComponents(mask, w, h, { connectivity: 8, into });
      expect(kept.labels.length).toBe(w * h);
      expect(kept.labels).toEqual(fresh.labels);
      expect(kept.components).toEqual(fresh.components);
      if (buffer) expect(kept.labels.buffer).toBe(buffer);
      buffer = kept.labels.buffer;
    }
  });

  it('joins diagonal neighbours only when 8-connected', () => {
    const mask = Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(labelComponents(mask, 3, 3).components).toHaveLength(1);
    expect(labelComponents(mask, 3, 3, { connectivity: 4 }).components).toHaveLength(3);
  });

  it('matches a flood fill on single pixels at the corners, border-touching blobs and anti-diagonal chains', () => {
    for (const [w, h] of [
      [1, 1],
      [1, 9],
      [9, 1],
      [13, 7],
      [16, 5],
    ] as const) {
      const mask = new Uint8Array(w * h);
      for (const i of [0, w - 1, (h - 1) * w, w * h - 1]) mask[i] = 1;
      // A blob along the left and bottom borders, and an anti-diagonal from the top right.
      for (let y = Math.floor(h / 2); y < h; y++) mask[y * w] = 1;
      for (let x = 0; x < Math.floor(w / 2); x++) mask[(h - 1) * w + x] = 1;
      for (let k = 1; k < Math.min(w, h) - 1; k++) mask[k * w + (w - 1 - k)] = 1;
      for (const conn of [4, 8] as const) {
        const { labels, components } = labelComponents(mask, w, h, { connectivity: conn });
        const ref = floodFill(mask, w, h, conn);
        expect(Array.from(labels)).toEqual(Array.from(ref));
        for (const c of components) {
          const { label, ...rest } = c;
          expect(rest).toEqual(stats(ref, w, label));
        }
      }
    }
  });

  it('merges a U shape whose arms meet only at the bottom row', () => {
    // biome-ignore format: the mask reads as a picture
    const mask = Uint8Array.from([
      1, 0, 1, 0, 1,
      1, 0, 1, 0, 1,
      1, 1, 1, 1, 1,
    ]);
    const { labels, components } = labelComponents(mask, 5, 3, { connectivity: 4 });
    expect(components).toHaveLength(1);
    expect(components[0]!.area).toBe(11);
    expect(new Set(Array.from(labels).filter((l) => l > 0))).toEqual(new Set([1]));
  });

  it('gives an empty mask no components and a full mask one', () => {
    expect(labelComponents(new Uint8Array(12), 4, 3).components).toEqual([]);
    const full = labelComponents(new Uint8Array(12).fill(1), 4, 3);
    expect(full.components).toHaveLength(1);
    expect(full.components[0]).toMatchObject({ area: 12, minX: 0, minY: 0, maxX: 3, maxY: 2 });
  });

  it('recovers the centroid and orientation of a tilted bar from its moments', () => {
    const w = 100;
    const h = 100;
    const mask = new Uint8Array(w * h);
    const angle = Math.PI / 6;
    const [ca, sa] = [Math.cos(angle), Math.sin(angle)];
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const u = (x - 50) * ca + (y - 40) * sa;
        const v = -(x - 50) * sa + (y - 40) * ca;
        if (Math.abs(u) <= 30 && Math.abs(v) <= 4) mask[y * w + x] = 1;
      }
    const { components } = labelComponents(mask, w, h);
    expect(components).toHaveLength(1);
    const s = componentShape(components[0]!);
    expect(s.cx).toBeCloseTo(50, 0);
    expect(s.cy).toBeCloseTo(40, 0);
    expect(Math.abs(s.angle - angle)).toBeLessThan(0.02);
    // A uniform bar of half-length 30 has std-dev 30/√3 along its axis.
    expect(s.major).toBeCloseTo(30 / Math.sqrt(3), 0);
  });

  it('refuses a mask whose length does not match its size', () => {
    expect(() => labelComponents(new Uint8Array(10), 4, 3)).toThrow(/mask has 10 pixels; expected 4×3 = 12/);
  });

  it('gives runs that cover each labelled pixel once, in raster order, with its label', () => {
    const w = 97;
    const h = 61;
    const mask = randomMask(w, h, 0.4, 9);
    const { labels } = labelComponents(mask, w, h);
    const runs = componentRuns(mask, w, h);
    const seen = new Int32Array(w * h);
    let last = -1;
    for (let r = 0; r < runs.count; r++) {
      const o = runs.row[r]! * w;
      expect(o + runs.start[r]!).toBeGreaterThan(last);
      last = o + runs.end[r]! - 1;
      for (let i = o + runs.start[r]!; i < o + runs.end[r]!; i++) seen[i] = runs.label[r]!;
    }
    expect(seen).toEqual(labels);
  });

  it('reads only the flagged tiles when given them: same runs where the mask is empty elsewhere, and nothing outside', () => {
    // Tiles of 8 px, the mask non-zero in a few of them (runs crossing from one flagged tile into
    // the next, blobs touching diagonally across tile corners, a partial tile at the right edge).
    const [w, h, size] = [61, 45, 8];
    const tilesX = Math.ceil(w / size);
    const flags = new Uint8Array(tilesX * Math.ceil(h / size));
    for (const t of [0, 1, 3, 7, 9, 10, 18, 25, 26, 27, 33, 47]) flags[t] = 1;
    const full = randomMask(w, h, 0.45, 11);
    const mask = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (flags[Math.floor(y / size) * tilesX + Math.floor(x / size)]) mask[y * w + x] = full[y * w + x]!;
      }
    }
    const plain = componentRuns(mask, w, h);
    expect(plain.count).toBeGreaterThan(20);
    const tiled = componentRuns(mask, w, h, { tiles: { size, flags } });
    expect(tiled).toEqual(plain);
    // A pixel in a tile not flagged is not read.
    const outside = Uint8Array.from(mask);
    outside[5 * size * w + 2 * size + 3] = 1; // tile (2, 5): not flagged
    expect(flags[5 * tilesX + 2]).toBe(0);
    expect(componentRuns(outside, w, h, { tiles: { size, flags } })).toEqual(plain);
    expect(componentRuns(outside, w, h).count).toBe(plain.count + 1);
  });
});

describe('fillHoles', () => {
  // A 9 × 7 ring (1s) round a 5 × 3 hole, in an 11 × 9 mask; a gap in the ring opens it to the edge.
  const W = 11;
  const H = 9;
  const ring = (gap = false) => {
    const m = new Uint8Array(W * H);
    for (let y = 1; y < 8; y++) for (let x = 1; x < 10; x++) m[y * W + x] = x > 2 && x < 8 && y > 2 && y < 6 ? 0 : 1;
    if (gap) m[4 * W + 1] = m[4 * W + 2] = 0;
    return m;
  };
  const holeAt = (m: Uint8Array) => m[4 * W + 5];

  it('fills a hole that does not touch the edge, up to maxArea, and not one open to the edge', () => {
    const m = ring();
    expect(fillHoles(m, W, H, 15)).toBe(true);
    expect(holeAt(m)).toBe(1);
    const small = ring();
    expect(fillHoles(small, W, H, 14)).toBe(false);
    expect(holeAt(small)).toBe(0);
    const open = ring(true);
    expect(fillHoles(open, W, H, Number.POSITIVE_INFINITY)).toBe(false);
    expect(holeAt(open)).toBe(0);
  });

  it('fills a hole only where it lies wholly within `within`', () => {
    const within = new Uint8Array(W * H).fill(1);
    const m = ring();
    expect(fillHoles(m, W, H, Number.POSITIVE_INFINITY, within)).toBe(true);
    within[3 * W + 7] = 0;
    const partly = ring();
    expect(fillHoles(partly, W, H, Number.POSITIVE_INFINITY, within)).toBe(false);
    expect(holeAt(partly)).toBe(0);
  });
});
