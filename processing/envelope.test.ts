import { describe, expect, it } from 'vitest';
import { addRangeDistance, boxMean, rangeScratch, SATURATED } from './envelope.ts';
import { mulberry32 } from './testing/scene.ts';

const W = 37;
const H = 23;

function random(seed: number): Float32Array {
  const rng = mulberry32(seed);
  return Float32Array.from({ length: W * H }, () => rng());
}

/** Neighbourhood (clamped) values of pixel (x, y). */
function around(a: Float32Array, x: number, y: number, r: number): number[] {
  const out: number[] = [];
  for (let yy = Math.max(0, y - r); yy <= Math.min(H - 1, y + r); yy++) {
    for (let xx = Math.max(0, x - r); xx <= Math.min(W - 1, x + r); xx++) out.push(a[yy * W + xx]!);
  }
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

describe('addRangeDistance', () => {
  it('matches a direct two-way neighbourhood distance, strip by strip', () => {
    const p = random(1);
    const c = random(2);
    for (const t of [0, 0.5, 1]) {
      const acc = new Float32Array(W * H);
      const scratch = rangeScratch(W, 5);
      for (let y0 = 0; y0 < H; y0 += 5) addRangeDistance(p, c, W, H, y0, Math.min(H, y0 + 5), t, false, acc, scratch);
      for (let i = 0; i < W * H; i++) expect(acc[i]).toBeCloseTo(directDistance(p, c, t, i), 5);
    }
  });

  it('scores an edge moved by under half a pixel as unchanged, and a new object as changed', () => {
    const p = new Float32Array(W * H);
    const c = new Float32Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        // A vertical edge at x = 10 in p and at 10.4 in c (area-sampled), and a bright 3×3 object in c.
        p[y * W + x] = x < 10 ? 0 : 1;
        c[y * W + x] = x < 10 ? 0 : x === 10 ? 0.6 : 1;
        if (x >= 20 && x < 23 && y >= 5 && y < 8) c[y * W + x] = 1;
      }
    }
    for (let y = 0; y < H; y++) for (let x = 20; x < 23; x++) p[y * W + x] = y >= 5 && y < 8 ? 0.2 : 1;
    const acc = new Float32Array(W * H);
    addRangeDistance(p, c, W, H, 0, H, 0.5, false, acc, rangeScratch(W, H));
    expect(Math.max(...Array.from({ length: H }, (_, y) => acc[y * W + 10]!))).toBe(0);
    expect(acc[6 * W + 21]).toBeGreaterThan(0.3);
  });

  it('treats a saturated value as at least the saturation floor, not as a change from a bright surface', () => {
    const p = new Float32Array(W * H).fill(0.6);
    const c = new Float32Array(W * H).fill(1);
    const dark = new Float32Array(W * H).fill(0.05);
    const acc = new Float32Array(W * H);
    addRangeDistance(p, c, W, H, 0, H, 0.5, true, acc, rangeScratch(W, H));
    expect(Math.max(...acc)).toBe(0);
    addRangeDistance(dark, c, W, H, 0, H, 0.5, true, acc, rangeScratch(W, H));
    expect(Math.min(...acc)).toBeGreaterThan(0.1);
    expect(SATURATED).toBeLessThan(1);
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
