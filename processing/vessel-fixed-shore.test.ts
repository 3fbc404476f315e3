import { describe, expect, it } from 'vitest';
import { mulberry32 } from './testing/scene.ts';
import type { Block } from './types.ts';
import { boxPixels, fixedShore } from './vessel-fixed-shore.ts';

const W = 160;
const H = 120;
const QUAY = 30;
type Rect = [x0: number, y0: number, x1: number, y1: number];
const inRect = (x: number, y: number, [x0, y0, x1, y1]: Rect) => x >= x0 && x < x1 && y >= y0 && y < y1;

/** The strip of a bank's slope along the quay's face, and a hull moored off it. */
const STRIP: Rect = [40, QUAY, 100, QUAY + 2];
const HULL: Rect = [40, 45, 110, 57];

/**
 * One date: a quay (north) on water whose level is `level` (water varies between dates), the strip
 * at `stripRatio` of that level when given, the hull at its own `hullTone` when given.
 */
function date(level: number, stripRatio: number | null, hullTone: number | null): Block {
  const n = W * H;
  const bands = [0, 1, 2].map(() => new Float32Array(n));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const ripple = 1 + 0.03 * Math.sin(0.9 * x + 1.7 * y);
      let v = [level, level * 1.1, level * 1.3].map((c) => c * ripple);
      if (y < QUAY) v = [0.45, 0.45, 0.43];
      else if (stripRatio !== null && inRect(x, y, STRIP)) v = v.map((c) => c * stripRatio);
      else if (hullTone !== null && inRect(x, y, HULL)) v = [hullTone, hullTone * 0.95, hullTone * 0.9];
      bands.forEach((b, k) => {
        b[i] = v[k]!;
      });
    }
  }
  return {
    window: { x: 0, y: 0, width: W, height: H },
    roles: ['red', 'green', 'blue'],
    bands,
    valid: new Uint8Array(n).fill(1),
  };
}

const water = new Uint8Array(W * H);
for (let i = QUAY * W; i < W * H; i++) water[i] = 1;
const strip = { cx: 70, cy: QUAY + 0.5, length: 60, width: 3, angle: 0 };
const hull = { cx: 75, cy: 51, length: 70, width: 12, angle: 0 };

describe('fixedShore', () => {
  it('takes a faint strip along the shore that keeps its ratio to the water on earlier dates for the shore', () => {
    const today = date(0.08, 1.4, 0.6);
    const others = [date(0.06, 1.4, 0.6), date(0.11, 1.4, 0.6), date(0.09, 1.4, 0.6)];
    // The hull stayed at its berth, the same grey on every date: its ratio to the water shifts with
    // the water's level, so it is no fixed feature of the shore.
    expect(fixedShore([strip, hull], today, others, water)).toEqual([true, false]);
  });

  it('keeps a dark-decked hull that stayed, and the strip where it is new or the dates too few', () => {
    const dark = date(0.08, 1.4, 0.03);
    const othersDark = [date(0.06, 1.4, 0.03), date(0.11, 1.4, 0.03)];
    expect(fixedShore([hull], dark, othersDark, water)).toEqual([false]);
    // A strip that was not there before (something moored that reads faint) stays.
    expect(fixedShore([strip], dark, [date(0.06, null, 0.03), date(0.11, null, 0.03)], water)).toEqual([false]);
    // A faint hull that stayed off the shore (its pale deck as faint as the strip) is no part of it.
    const faint = (level: number) => date(level, 1.4, level * 1.4);
    expect(fixedShore([hull], faint(0.08), [faint(0.06), faint(0.11)], water)).toEqual([false]);
    // One earlier date is too few to call it fixed.
    expect(fixedShore([strip], dark, [date(0.06, 1.4, 0.03)], water)).toEqual([false]);
  });

  it('judges each box alone, so the detector asks only about the boxes it counts', () => {
    const today = date(0.08, 1.4, 0.6);
    const others = [date(0.06, 1.4, 0.6), date(0.11, 1.4, 0.6), date(0.09, 1.4, 0.6)];
    const boxes = [hull, strip, { ...strip, cx: 60, length: 40 }, { ...hull, cy: 80, angle: 0.3 }, strip];
    const all = fixedShore(boxes, today, others, water);
    expect(all).toEqual([false, true, true, false, true]);
    for (const [k, b] of boxes.entries()) expect(fixedShore([b], today, others, water)).toEqual([all[k]]);
    expect(fixedShore([boxes[3]!, boxes[1]!], today, others, water)).toEqual([all[3], all[1]]);
  });
});

describe('boxPixels', () => {
  /** The pixels of the box's bounding square that pass its test, row by row: the reference. */
  const square = (
    b: { cx: number; cy: number; length: number; width: number; angle: number },
    w: number,
    h: number,
  ) => {
    const c = Math.cos(b.angle);
    const s = Math.sin(b.angle);
    const r = Math.ceil(Math.hypot(b.length / 2, b.width / 2));
    const out: number[] = [];
    for (let y = Math.max(0, Math.floor(b.cy - r)); y <= Math.min(h - 1, Math.ceil(b.cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(b.cx - r)); x <= Math.min(w - 1, Math.ceil(b.cx + r)); x++) {
        const u = (x - b.cx) * c + (y - b.cy) * s;
        const v = -(x - b.cx) * s + (y - b.cy) * c;
        if (Math.abs(u) <= b.length / 2 && Math.abs(v) <= b.width / 2) out.push(y * w + x);
      }
    }
    return out;
  };

  it("gives the square scan's pixels in its order, at every angle, on pixel centres and edges, clipped", () => {
    const rand = mulberry32(5);
    const angles = [0, Math.PI / 2, -Math.PI / 2, Math.PI, Math.PI / 4, 1e-12, Math.PI / 2 + 1e-12, 0.3];
    for (let k = 0; k < 300; k++) {
      const b = {
        // Whole and half pixels put edges exactly on pixel centres.
        cx: k % 3 ? Math.round(rand() * 200) / 2 : rand() * 100,
        cy: k % 3 ? Math.round(rand() * 160) / 2 : rand() * 80,
        length: k % 2 ? Math.round(rand() * 120) : rand() * 120 + 1,
        width: k % 2 ? Math.round(rand() * 30) : rand() * 30 + 1,
        angle: k < angles.length ? angles[k]! : (rand() - 0.5) * 2 * Math.PI,
      };
      expect(boxPixels(b, 100, 80), JSON.stringify(b)).toEqual(square(b, 100, 80));
    }
  });
});
