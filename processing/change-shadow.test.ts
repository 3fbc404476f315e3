import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../sample-tiles/random.ts';
import { DeepShadows, type Rgb, type Sunward, walkSteps } from './change-shadow.ts';

const W = 40;
const H = 36;

/** Random planes, and a DeepShadows fed the marks of a random distance pass (as change.ts feeds it). */
function randomShadows(seed: number): { shadows: DeepShadows; dist: Float32Array } {
  const rng = mulberry32(seed);
  const plane = () => Float32Array.from({ length: W * H }, () => rng());
  const previous: Rgb = { r: plane(), g: plane(), b: plane() };
  const current: Rgb = { r: plane(), g: plane(), b: plane() };
  const direction = (): Sunward => {
    const a = rng() * 2 * Math.PI;
    return { x: Math.cos(a), y: Math.sin(a) };
  };
  const sunward = { previous: rng() < 0.2 ? null : direction(), current: direction() };
  const shadows = new DeepShadows(W, H, sunward, 4 + Math.floor(rng() * 10), previous, current);
  const dist = new Float32Array(W * H);
  for (let i = 0; i < W * H; i++) {
    const u = rng();
    dist[i] = rng();
    if (u < 0.15) shadows.caster(i);
    else if (u < 0.4) shadows.shade(i);
    else if (u < 0.5) {
      // An uneven dark change, a candidate itself or not.
      if (rng() < 0.5) shadows.candidate(i, rng() < 0.5, rng() * 0.1);
      shadows.maybe(i);
    } else if (u < 0.7) shadows.candidate(i, rng() < 0.5, rng() * 0.1);
  }
  return { shadows, dist };
}

describe('DeepShadows.settle', () => {
  it('settles as the plain second pass does, re-walking only the candidates whose walk crossed an uneven pixel', () => {
    let spared = 0;
    let settled = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const plain = randomShadows(seed);
      const fast = randomShadows(seed);
      const plainLog: number[] = [];
      const fastLog: number[] = [];
      plain.shadows.settle(plain.dist, (i, before) => plainLog.push(i, before), true);
      fast.shadows.settle(fast.dist, (i, before) => fastLog.push(i, before));
      expect(fast.dist).toEqual(plain.dist);
      expect(fastLog).toEqual(plainLog);
      expect(fast.shadows.walks).toBeLessThanOrEqual(plain.shadows.walks);
      spared += plain.shadows.walks - fast.shadows.walks;
      settled += plainLog.length / 2;
    }
    // The second pass is spared walks (none when every walk is taken again).
    expect(spared).toBeGreaterThan(100);
    expect(settled).toBeGreaterThan(100);
  });
});

describe('walkSteps', () => {
  it("gives every start the pixels a walk rounding each step's position reaches, or null", () => {
    const rng = mulberry32(7);
    const suns: Sunward[] = [
      { x: 0, y: -1 },
      { x: Math.SQRT1_2, y: -Math.SQRT1_2 },
      ...Array.from({ length: 200 }, () => {
        const a = rng() * 2 * Math.PI;
        return { x: Math.cos(a), y: Math.sin(a) };
      }),
    ];
    let checked = 0;
    let differ = 0;
    for (const sun of suns) {
      const steps = walkSteps(sun, 40);
      if (!steps) continue;
      for (let t = 0; t < 200; t++) {
        const x0 = t < 100 ? t : Math.floor(rng() * 60000);
        const y0 = Math.floor(rng() * 60000);
        for (let k = 1; k <= 40; k++) {
          // !== rather than toBe: Math.round gives −0 for x0 = 0 and −0.3, a pixel index all the same.
          if (x0 + steps.dx[k]! !== Math.round(x0 + k * sun.x)) differ++;
          if (y0 + steps.dy[k]! !== Math.round(y0 + k * sun.y)) differ++;
        }
        checked++;
      }
    }
    expect(differ).toBe(0);
    expect(checked).toBeGreaterThan(30000);
    // A step half a pixel off the grid rounds by its start (up from x0 + 0.5 only in exact sums): null.
    expect(walkSteps({ x: 0.5, y: -Math.sqrt(0.75) }, 3)).toBeNull();
    expect(walkSteps({ x: 0.3, y: -Math.sqrt(0.91) }, 5)).toBeNull();
  });
});
