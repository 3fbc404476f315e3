import { describe, expect, it } from 'vitest';
import { type Component, componentShape } from './components.ts';
import type { Block } from './types.ts';
import { seamedHulls } from './water-seam.ts';

const W = 200;
const H = 240;
type Rect = [x0: number, y0: number, x1: number, y1: number];
const CONCRETE = [0.5, 0.5, 0.48];
const SEAM = CONCRETE.map((c) => 0.4 * c);

/** berthedHulls' test at 1 m: a beam of 6 px, 4 beams long, 0.8 of its box filled. */
const hullShaped = (c: Component) => {
  const { major, minor } = componentShape(c);
  const [length, beam] = [Math.sqrt(12) * major, Math.sqrt(12) * minor];
  return beam >= 6 && length >= 4 * beam && c.area >= 0.8 * length * beam;
};

/**
 * A quay (rows 0–99) with a strip `rect` of its colour built out south of it, a dark 2 px seam along the
 * strip's inboard side; the strip is the run candidates (`cand`) the colour step dropped.
 */
function quayWithStrip(rect: Rect, more: Rect[] = []) {
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
        bands.forEach((b, k) => {
          b[i] = colour[k]! + 0.02 * Math.sin(0.7 * x + 1.3 * y);
        });
      }
    }
  };
  paint([0, 0, W, 100], CONCRETE, false);
  for (const r of more) paint(r, CONCRETE, false);
  paint(rect, CONCRETE, true);
  paint([rect[0], rect[1], rect[2], rect[1] + 2], SEAM, true);
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

const OPTS = { minBeamPx: 6, maxBeamPx: 60, maxLengthPx: 400 };

describe('seamedHulls', () => {
  it('takes the strip between the quay’s face and the water, along a seam, for a hull', () => {
    const { block, water, cand } = quayWithStrip([60, 100, 140, 112]);
    const hulls = new Uint8Array(W * H);
    seamedHulls(hulls, cand, water, block, OPTS, hullShaped);
    expect(share(hulls, [62, 102, 138, 111])).toBeGreaterThan(0.9);
    expect(share(hulls, [0, 0, W, 100])).toBe(0);
  });

  it('does not take a strip that runs out of the block, its end unseen (a strip of apron from the window’s edge)', () => {
    const { block, water, cand } = quayWithStrip([0, 100, 80, 112]);
    const hulls = new Uint8Array(W * H);
    seamedHulls(hulls, cand, water, block, OPTS, hullShaped);
    expect(share(hulls, [0, 100, 80, 112])).toBe(0);
  });

  it('reads a face that lies under a beam further out beyond one end as the same face', () => {
    // East of the strip the quay’s face is 7 px further out: read 4 px from the face west of it (over half
    // a beam, under a beam) along the frame the two sides tilt.
    const { block, water, cand } = quayWithStrip([30, 100, 170, 112], [[170, 100, W, 107]]);
    const hulls = new Uint8Array(W * H);
    seamedHulls(hulls, cand, water, block, OPTS, hullShaped);
    expect(share(hulls, [62, 102, 138, 111])).toBeGreaterThan(0.9);
  });
});
