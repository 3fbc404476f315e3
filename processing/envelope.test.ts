import { describe, expect, it } from 'vitest';
import { boxMean, rangeDistance3At, rangeDistanceAt, rangeDistances3, SATURATED } from './envelope.ts';
import { mulberry32 } from './testing/scene.ts';

const W = 37;
const H = 23;

function random(seed: number): Float32Array {
  const rng = mulberry32(seed);
  // Below saturation: saturated values are censored (tested on their own).
  return Float32Array.from({ length: W * H }, () => 0.9 * rng());
}

/** Neighbourhood (clamped) values of pixel (x, y). */
function around(a: Float32Array, x: number, y: number, r: number): number[] {
  const out: number[] = [];
  for (let yy = Math.max(0, y - r); yy <= Math.min(H - 1, y + r); yy++) {
    for (let xx = Math.max(0, x - r); xx <= Math.min(W - 1, x + r); xx++) out.push(a[yy * W + xx]!);
  }
  return out;
}

/** The two-way distance of every pixel, from rangeDistanceAt (single band). */
function distances(p: Float32Array, c: Float32Array, t: number): Float32Array {
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[y * W + x] = rangeDistanceAt([p], [c], W, H, x, y, t);
  return out;
}

function directDistance(p: Float32Array, c: Float32Array, t: number, i: number): number {
  const x = i % W;
  const y = (i - x) / W;
  const side = (v: number, other: number[], centre: number) => {
    const lo = centre + t * (Math.min(...other) - centre);
    const hi = centre + t * (Math.max(...other) - centre);
    return Math.max(0, lo - v, v - hi);
  };
  return Math.min(side(c[i]!, around(p, x, y, 1), p[i]!), side(p[i]!, around(c, x, y, 1), c[i]!)) ** 2;
}

describe('rangeDistanceAt', () => {
  it('matches a direct two-way neighbourhood distance at every pixel, edges included', () => {
    const p = random(1);
    const c = random(2);
    for (const t of [0, 0.5, 1]) {
      const acc = distances(p, c, t);
      for (let i = 0; i < W * H; i++) expect(acc[i]).toBeCloseTo(directDistance(p, c, t, i), 5);
    }
  });

  it('sums the squared distances of all bands', () => {
    const [p, c, q, d] = [random(4), random(5), random(6), random(7)];
    const both = rangeDistanceAt([p, q], [c, d], W, H, 5, 6, 0.5);
    const one = rangeDistanceAt([p], [c], W, H, 5, 6, 0.5);
    const two = rangeDistanceAt([q], [d], W, H, 5, 6, 0.5);
    expect(both).toBeCloseTo(one + two, 6);
  });

  it('gives the same value through the three-band path, edges and saturated values included', () => {
    const [p0, p1, p2, c0, c1, c2] = [8, 9, 10, 11, 12, 13].map(random) as Float32Array[];
    p1![40] = 1;
    c2![W + 3] = 1;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const three = rangeDistance3At(p0!, p1!, p2!, c0!, c1!, c2!, W, H, x, y, 0.5);
        expect(three).toBe(rangeDistanceAt([p0!, p1!, p2!], [c0!, c1!, c2!], W, H, x, y, 0.5));
      }
    }
  });

  it('scores an edge moved by under half a pixel as unchanged, and a new object as changed', () => {
    const p = new Float32Array(W * H);
    const c = new Float32Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        // A vertical edge at x = 10 in p and at 10.4 in c (area-sampled), and a bright 3×3 object in c.
        p[y * W + x] = x < 10 ? 0 : 0.9;
        c[y * W + x] = x < 10 ? 0 : x === 10 ? 0.54 : 0.9;
        if (x >= 20 && x < 23 && y >= 5 && y < 8) c[y * W + x] = 0.9;
      }
    }
    for (let y = 0; y < H; y++) for (let x = 20; x < 23; x++) p[y * W + x] = y >= 5 && y < 8 ? 0.2 : 0.9;
    const acc = distances(p, c, 0.5);
    expect(Math.max(...Array.from({ length: H }, (_, y) => acc[y * W + 10]!))).toBe(0);
    expect(acc[6 * W + 21]).toBeGreaterThan(0.2);
  });

  it('treats a saturated value as at least the saturation floor, not as a change from a bright surface', () => {
    const p = new Float32Array(W * H).fill(0.6);
    const c = new Float32Array(W * H).fill(1);
    const dark = new Float32Array(W * H).fill(0.05);
    expect(Math.max(...distances(p, c, 0.5))).toBe(0);
    expect(Math.min(...distances(dark, c, 0.5))).toBeGreaterThan(0.1);
    expect(SATURATED).toBeLessThan(1);
  });
});

describe('rangeDistances3', () => {
  it('gives rangeDistance3At of each listed pixel: runs, lone pixels, edges, saturated and NaN values', () => {
    const planes = [14, 15, 16, 17, 18, 19].map(random);
    const [p0, p1, p2, c0, c1, c2] = planes as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    p1[40] = 1;
    c2[W + 3] = 1;
    p0[5 * W + 9] = Number.NaN; // a centre in a run
    c1[6 * W + 12] = Number.NaN; // a neighbour of a run
    for (const k of [-1, 0, 1]) p2[8 * W + 20 + k * W] = Number.NaN; // a whole column
    c0[10 * W + 4] = Number.POSITIVE_INFINITY;
    p1[10 * W + 6] = Number.NEGATIVE_INFINITY;
    // Negative values order in reverse of their bits; −0 and +0 compare equal.
    for (let y = 4; y <= 6; y++) c0.fill(-0.9, y * W + 14, y * W + 18);
    p0[5 * W + 15] = -0.3;
    p0[5 * W + 16] = -0.5;
    c2[5 * W + 17] = -0;
    c2[4 * W + 17] = 0;
    const rng = mulberry32(20);
    // Whole rows (edges and runs crossing them), then runs and lone pixels at random.
    const picked = new Set<number>();
    for (const y of [0, 5, 8, 10, H - 1]) for (let x = 0; x < W; x++) picked.add(y * W + x);
    for (let i = 0; i < W * H; i++) if (rng() < 0.3) picked.add(i);
    const list = Int32Array.from([...picked].sort((a, b) => a - b));
    const out = new Float64Array(list.length);
    rangeDistances3(p0, p1, p2, c0, c1, c2, W, H, 0.5, list, list.length, out);
    list.forEach((i, j) => {
      const y = Math.floor(i / W);
      expect(out[j]).toBe(rangeDistance3At(p0, p1, p2, c0, c1, c2, W, H, i - y * W, y, 0.5));
    });
  });
});

describe('boxMean', () => {
  it('matches a direct mean over clamped windows', () => {
    const a = random(3);
    for (const r of [1, 3]) {
      const out = boxMean(a, W, H, r);
      for (let i = 0; i < W * H; i++) {
        const x = i % W;
        const v = around(a, x, (i - x) / W, r);
        expect(out[i]).toBeCloseTo(v.reduce((s, q) => s + q, 0) / v.length, 4);
      }
    }
  });
});
