import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../sample-tiles/random.ts';
import { DeepShadows, type Rgb, type Sunward, walkSteps } from './change-shadow.ts';

const W = 40;
const H = 36;

/** What a distance pass marks (change.ts feeding DeepShadows) and what settles the marks. */
interface Marks {
  caster(i: number): void;
  shade(i: number): void;
  maybe(i: number): void;
  candidate(i: number, currentDarker: boolean, deep: number): void;
  /** Returns the walks made. */
  settle(dist: Float32Array, onChange: (i: number, before: number) => void): number;
}

type MarksOf = (
  sunward: { previous: Sunward | null; current: Sunward | null },
  reachPx: number,
  previous: Rgb,
  current: Rgb,
) => Marks;

/** Random planes, and `make`'s marks of a random distance pass (as change.ts feeds DeepShadows). */
function randomShadows(seed: number, make: MarksOf): { shadows: Marks; dist: Float32Array } {
  const rng = mulberry32(seed);
  const plane = () => Float32Array.from({ length: W * H }, () => rng());
  const previous: Rgb = { r: plane(), g: plane(), b: plane() };
  const current: Rgb = { r: plane(), g: plane(), b: plane() };
  const direction = (): Sunward => {
    const a = rng() * 2 * Math.PI;
    return { x: Math.cos(a), y: Math.sin(a) };
  };
  const sunward = { previous: rng() < 0.2 ? null : direction(), current: direction() };
  const shadows = make(sunward, 4 + Math.floor(rng() * 10), previous, current);
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

/**
 * DeepShadows' settle as it was before its walks were spared (change-shadow.ts before d8fa1bc), the
 * oracle of the fast one: every step of a walk rounded on its own, and every candidate left unsettled
 * by the first pass walked again in the second. Its rules' thresholds are change-shadow.ts's.
 */
class PlainShadows implements Marks {
  private readonly casters = new Uint8Array(W * H);
  private readonly candidates: number[] = [];
  private readonly deepValues: number[] = [];
  private readonly maybes: number[] = [];

  constructor(
    private readonly sunward: { previous: Sunward | null; current: Sunward | null },
    private readonly reachPx: number,
    private readonly previous: Rgb,
    private readonly current: Rgb,
  ) {}

  caster(i: number): void {
    this.casters[i] = CASTER;
  }

  shade(i: number): void {
    this.casters[i] = SHADE;
  }

  maybe(i: number): void {
    this.casters[i] = MAYBE;
    this.maybes.push(i);
  }

  candidate(i: number, currentDarker: boolean, deep: number): void {
    this.shade(i);
    if (!(currentDarker ? this.sunward.current : this.sunward.previous)) return;
    this.candidates.push(currentDarker ? i : -1 - i);
    this.deepValues.push(deep);
  }

  settle(dist: Float32Array, onChange: (i: number, before: number) => void): number {
    const settled = new Uint8Array(this.candidates.length);
    let walks = 0;
    const pass = () => {
      for (let k = 0; k < this.candidates.length; k++) {
        if (settled[k]) continue;
        const c = this.candidates[k]!;
        const i = c >= 0 ? c : -1 - c;
        walks++;
        if (!this.casterTowards(i, (c >= 0 ? this.sunward.current : this.sunward.previous)!, c >= 0)) continue;
        settled[k] = 1;
        this.casters[i] = SHADE;
        const before = dist[i]!;
        dist[i] = this.deepValues[k]!;
        onChange(i, before);
      }
    };
    pass();
    let objects = 0;
    for (const i of this.maybes) {
      if (this.casters[i] !== MAYBE) continue;
      this.casters[i] = CASTER;
      objects++;
    }
    if (objects > 0) pass();
    return walks;
  }

  private casterTowards(i: number, sun: Sunward, currentDark: boolean): boolean {
    const x0 = i % W;
    const y0 = (i - x0) / W;
    const dark = currentDark ? this.current : this.previous;
    let gaps = 0;
    for (let k = 1; k <= this.reachPx; k++) {
      const x = Math.round(x0 + k * sun.x);
      const y = Math.round(y0 + k * sun.y);
      if (x < 0 || y < 0 || x >= W || y >= H) return false;
      const j = y * W + x;
      const m = this.casters[j];
      if (m === CASTER) return contrast(dark, i, j) >= CASTER_CONTRAST;
      if (m === MAYBE || m === SHADE || (m === 0 && this.dimmedOn(j, currentDark))) continue;
      if (++gaps > MAX_GAPS) return false;
    }
    return false;
  }

  /** Every band of pixel j darker on the dark date, the summed bands by DIM_NOISE or more. */
  private dimmedOn(j: number, currentDark: boolean): boolean {
    const [lit, dark] = currentDark ? [this.previous, this.current] : [this.current, this.previous];
    const darker = dark.r[j]! < lit.r[j]! && dark.g[j]! < lit.g[j]! && dark.b[j]! < lit.b[j]!;
    return darker && lit.r[j]! + lit.g[j]! + lit.b[j]! - dark.r[j]! - dark.g[j]! - dark.b[j]! >= DIM_NOISE;
  }
}

const CASTER = 1;
const SHADE = 2;
const MAYBE = 3;
const CASTER_CONTRAST = 0.06;
const MAX_GAPS = 1;
const DIM_NOISE = 0.04;

function contrast(rgb: Rgb, i: number, j: number): number {
  return Math.hypot(rgb.r[i]! - rgb.r[j]!, rgb.g[i]! - rgb.g[j]!, rgb.b[i]! - rgb.b[j]!);
}

describe('DeepShadows.settle', () => {
  it('settles as the plain version does, sparing the walks that cannot end otherwise', () => {
    let spared = 0;
    let settled = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const plain = randomShadows(seed, (...a) => new PlainShadows(...a));
      const fast = randomShadows(seed, (...a) => new DeepShadows(W, H, ...a));
      const plainLog: number[] = [];
      const fastLog: number[] = [];
      const plainWalks = plain.shadows.settle(plain.dist, (i, before) => plainLog.push(i, before));
      const fastWalks = fast.shadows.settle(fast.dist, (i, before) => fastLog.push(i, before));
      expect(fast.dist).toEqual(plain.dist);
      expect(fastLog).toEqual(plainLog);
      expect(fastWalks).toBeLessThanOrEqual(plainWalks);
      spared += plainWalks - fastWalks;
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
