import { describe, expect, it } from 'vitest';
import type { Block } from './types.ts';
import { dropBankStrips } from './water-bank.ts';

// A 1 m scene after the synthetic port's east quay: land north of row 60; east of column 120 a natural
// shore whose shallows lighten towards it (the generator's smoothstep over 45 m), west of it a quay
// face with deep water. The shallows' lightest strip (within 20 m of the shore, two fifths of the way
// out to the open water's colour) fails the water tests and is a hull candidate, as water-berths.ts
// takes it at the synthetic port's east quay (656465, 506327, 154862); so is a hull moored at the quay.
const W = 240;
const H = 160;
const SEA = [0.085, 0.165, 0.17];
const SHALLOW = [0.2, 0.25, 0.2];
const LAND = [0.5, 0.48, 0.44];
/** A dark green deck: nearly the shallows' colour, and as faint against the water. */
const GREEN_DECK = [0.16, 0.26, 0.19];
const RED_DECK = [0.42, 0.12, 0.1];
type Rect = [x0: number, y0: number, x1: number, y1: number];
const inRect = ([x0, y0, x1, y1]: Rect, x: number, y: number) => x >= x0 && x < x1 && y >= y0 && y < y1;
const STRIP: Rect = [130, 60, 230, 80];
const smoothstep = (a: number, b: number, v: number) => {
  const t = Math.min(1, Math.max(0, (v - a) / (b - a)));
  return t * t * (3 - 2 * t);
};

/** The block, the open water mask and the hull candidates (the strip and `hulls`, painted in their colours). */
function scene(hulls: Array<{ rect: Rect; colour: number[] }>) {
  const n = W * H;
  const bands = [0, 1, 2].map(() => new Float32Array(n));
  const water = new Uint8Array(n);
  const cand = new Uint8Array(n);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const hull = hulls.find((h) => inRect(h.rect, x, y));
      let c: number[];
      if (hull) {
        c = hull.colour;
        cand[i] = 1;
      } else if (y < 60) c = LAND;
      else {
        const t = x < 120 ? 1 : smoothstep(0, 45, y + 0.5 - 60);
        c = SHALLOW.map((s, k) => s + (SEA[k]! - s) * t);
        if (inRect(STRIP, x, y)) cand[i] = 1;
        else water[i] = 1;
      }
      // Ripples and grain, so nothing depends on exact ties.
      c.forEach((v, k) => {
        bands[k]![i] = v * (1 + 0.04 * Math.sin(0.9 * x + 1.7 * y + k));
      });
    }
  }
  const block: Block = {
    window: { x: 0, y: 0, width: W, height: H },
    roles: ['red', 'green', 'blue'],
    bands,
    valid: new Uint8Array(n).fill(1),
  };
  return { block, water, cand };
}

const kept = (m: Uint8Array, r: Rect) => m.reduce((s, v, i) => s + (v && inRect(r, i % W, (i / W) | 0) ? 1 : 0), 0);
const area = ([x0, y0, x1, y1]: Rect) => (x1 - x0) * (y1 - y0);

describe('dropBankStrips', () => {
  it("drops the bank's lightest strip, keeps a dark green hull of nearly its colour moored at the quay", () => {
    const hull: Rect = [20, 60, 90, 71];
    const { block, water, cand } = scene([{ rect: hull, colour: GREEN_DECK }]);
    const ms = dropBankStrips(cand, block, water, { gsdM: 1 });
    expect(kept(cand, STRIP)).toBe(0);
    expect(kept(cand, hull)).toBe(area(hull));
    // The strip's water carries on its lightness; the hull's ends at its rim.
    expect(ms.map((m) => m.carry > 0.2)).toEqual([false, true]);
  });

  it('keeps hulls rafted abreast whose outer one is a colour of its own, and a red deck', () => {
    const inner: Rect = [10, 60, 80, 71];
    const outer: Rect = [10, 71, 80, 82];
    const red: Rect = [90, 60, 115, 66];
    const { block, water, cand } = scene([
      { rect: inner, colour: GREEN_DECK },
      { rect: outer, colour: RED_DECK },
      { rect: red, colour: RED_DECK },
    ]);
    // The rafted hulls are one patch here; apart (as the detector's split leaves them), the green one
    // has the red one beside it in place of water.
    const water2 = water.slice();
    for (let i = 0; i < water2.length; i++) if (inRect(outer, i % W, (i / W) | 0)) water2[i] = 1;
    const onlyInner = cand.map((v, i) => (v && !inRect(outer, i % W, (i / W) | 0) ? 1 : 0));
    dropBankStrips(onlyInner, block, water2, { gsdM: 1 });
    expect(kept(onlyInner, inner)).toBe(area(inner));
    dropBankStrips(cand, block, water, { gsdM: 1 });
    expect(kept(cand, inner) + kept(cand, outer)).toBe(area(inner) + area(outer));
    expect(kept(cand, red)).toBe(area(red));
    expect(kept(cand, STRIP)).toBe(0);
  });
});
