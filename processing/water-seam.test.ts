import { describe, expect, it } from 'vitest';
import { type Component, componentShape } from './components.ts';
import { mulberry32 } from './testing/scene.ts';
import type { Block } from './types.ts';
import { seamedHulls } from './water-seam.ts';

const W = 200;
type Rect = [x0: number, y0: number, x1: number, y1: number];
const CONCRETE = [0.5, 0.5, 0.48];
const SEAM = CONCRETE.map((c) => 0.4 * c);

/** berthedHulls' test: a beam of `minBeamPx` (6 m), 4 beams long, 0.8 of its box filled. */
const hullShapedAt = (minBeamPx: number) => (c: Component) => {
  const { major, minor } = componentShape(c);
  const [length, beam] = [Math.sqrt(12) * major, Math.sqrt(12) * minor];
  return beam >= minBeamPx && length >= 4 * beam && c.area >= 0.8 * length * beam;
};
/** At 1 m. */
const hullShaped = hullShapedAt(6);

interface Scene {
  /** Block height, pixels (the block is W wide). */
  height?: number;
  /** Rows of quay from the top. */
  quayRows?: number;
  /** Width of the seam along the strip's inboard side, pixels (0: none). */
  seamPx?: number;
  /** Relative amplitude of i.i.d. texture on the quay and strip (an apron's markings and vehicles). */
  texture?: number;
  /** More quay, of the quay's colour (a step of its face). */
  more?: Rect[];
}

/**
 * A quay (rows 0–99) with a strip `rect` of its colour built out south of it, a dark 2 px seam along the
 * strip's inboard side; the strip is the run candidates (`cand`) the colour step dropped.
 */
function quayWithStrip(rect: Rect, scene: Scene = {}, seed = 1) {
  const H = scene.height ?? 240;
  const quayRows = scene.quayRows ?? 100;
  const seamPx = scene.seamPx ?? 2;
  const texture = scene.texture ?? 0;
  const rnd = mulberry32(seed);
  const n = W * H;
  const water = new Uint8Array(n).fill(1);
  const cand = new Uint8Array(n);
  const bands = [0, 1, 2].map(() => new Float32Array(n).fill(0.08));
  const paint = ([x0, y0, x1, y1]: Rect, colour: number[], isCand: boolean) => {
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = y * W + x;
        water[i] = 0;
        if (isCand) cand[i] = 1;
        const grain = 1 + texture * (2 * rnd() - 1);
        bands.forEach((b, k) => {
          b[i] = colour[k]! * grain + 0.02 * Math.sin(0.7 * x + 1.3 * y);
        });
      }
    }
  };
  paint([0, 0, W, quayRows], CONCRETE, false);
  for (const r of scene.more ?? []) paint(r, CONCRETE, false);
  paint(rect, CONCRETE, true);
  if (seamPx) paint([rect[0], rect[1], rect[2], rect[1] + seamPx], SEAM, true);
  const block: Block = {
    window: { x: 0, y: 0, width: W, height: H },
    roles: ['red', 'green', 'blue'],
    bands,
    valid: new Uint8Array(n).fill(1),
  };
  return { block, water, cand };
}

/** The share of `rect`'s pixels set in the W-wide mask `m`. */
const share = (m: Uint8Array, [x0, y0, x1, y1]: Rect) => {
  let s = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) s += m[y * W + x]!;
  return s / ((x1 - x0) * (y1 - y0));
};

const OPTS = { minBeamPx: 6, maxBeamPx: 60, maxLengthPx: 400, gsdM: 1 };

describe('seamedHulls', () => {
  it('takes the strip between the quay’s face and the water, along a seam, for a hull', () => {
    const { block, water, cand } = quayWithStrip([60, 100, 140, 112]);
    const hulls = new Uint8Array(water.length);
    seamedHulls(hulls, cand, water, block, OPTS, hullShaped);
    expect(share(hulls, [62, 102, 138, 111])).toBeGreaterThan(0.9);
    expect(share(hulls, [0, 0, W, 100])).toBe(0);
  });

  it('does not take a strip that runs out of the block, its end unseen (a strip of apron from the window’s edge)', () => {
    // Long enough that its one visible end does not tilt the frame off the face: only the unseen end
    // rejects it.
    const { block, water, cand } = quayWithStrip([0, 100, 120, 112]);
    const hulls = new Uint8Array(water.length);
    seamedHulls(hulls, cand, water, block, OPTS, hullShaped);
    expect(share(hulls, [0, 100, 120, 112])).toBe(0);
  });

  it('finds a hull whose outer side lies within a raft’s reach of the block’s seaward edge', () => {
    // The walk across starts 66 px out, off the block: it walks in until it meets the water.
    const { block, water, cand } = quayWithStrip([60, 100, 140, 112], { height: 162 });
    const hulls = new Uint8Array(water.length);
    seamedHulls(hulls, cand, water, block, OPTS, hullShaped);
    expect(share(hulls, [62, 102, 138, 111])).toBeGreaterThan(0.9);
  });

  it('does not take a strip of textured apron built out from the quay, with no seam along one line', () => {
    // ±30 % grain: a dark pixel lies beside the face at most stations, but not along one line.
    for (let seed = 1; seed <= 20; seed++) {
      const { block, water, cand } = quayWithStrip([60, 100, 140, 112], { seamPx: 0, texture: 0.3 }, seed);
      const hulls = new Uint8Array(water.length);
      seamedHulls(hulls, cand, water, block, OPTS, hullShaped);
      expect(share(hulls, [60, 100, 140, 112])).toBe(0);
    }
  });

  it('still takes a textured hull whose seam runs along one line', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const { block, water, cand } = quayWithStrip([60, 100, 140, 112], { texture: 0.3 }, seed);
      const hulls = new Uint8Array(water.length);
      seamedHulls(hulls, cand, water, block, OPTS, hullShaped);
      expect(share(hulls, [62, 102, 138, 111])).toBeGreaterThan(0.9);
    }
  });

  it('reads a 3 m seam at 0.5 m as at 1 m (the seam band and the light beside it in metres)', () => {
    // The unit scene at 0.5 m: an 80 × 12 m hull, a 3 m (6 px) seam.
    const { block, water, cand } = quayWithStrip([20, 100, 180, 124], { seamPx: 6 });
    const hulls = new Uint8Array(water.length);
    const opts = { minBeamPx: 12, maxBeamPx: 120, maxLengthPx: 800, gsdM: 0.5 };
    seamedHulls(hulls, cand, water, block, opts, hullShapedAt(12));
    expect(share(hulls, [24, 104, 176, 123])).toBeGreaterThan(0.9);
  });

  it('does not mark pixels without data as hull', () => {
    const { block, water, cand } = quayWithStrip([60, 100, 140, 112]);
    const valid = block.valid;
    for (let y = 100; y < 112; y++) for (let x = 96; x < 100; x++) valid[y * W + x] = 0;
    const hulls = new Uint8Array(water.length);
    seamedHulls(hulls, cand, water, block, OPTS, hullShaped);
    expect(share(hulls, [62, 102, 94, 111])).toBeGreaterThan(0.9);
    expect(share(hulls, [96, 100, 100, 112])).toBe(0);
  });

  it('reads a face that lies under a beam further out beyond one end as the same face', () => {
    // East of the strip the quay’s face is 7 px further out: read 4 px from the face west of it (over half
    // a beam, under a beam) along the frame the two sides tilt.
    const { block, water, cand } = quayWithStrip([30, 100, 170, 112], { more: [[170, 100, W, 107]] });
    const hulls = new Uint8Array(water.length);
    seamedHulls(hulls, cand, water, block, OPTS, hullShaped);
    expect(share(hulls, [62, 102, 138, 111])).toBeGreaterThan(0.9);
  });
});
