import { describe, expect, it } from 'vitest';
import type { PixelBox } from './types.ts';
import { centredOn } from './vessel-cover.ts';

const box = (cx: number, cy: number, length: number, width: number, angle = 0): PixelBox => ({
  cx,
  cy,
  length,
  width,
  angle,
  confidence: 1,
});

describe('centredOn', () => {
  // A 132 × 20 px hull along x at 1 m pixels: its side at y = 10, the pad 3 px beyond it.
  const hull = box(0, 0, 132, 20);

  it('keeps a part a beam wide centred just beyond a hull’s side apart from it (a hull rafted alongside)', () => {
    // 132971: a 40 m dark hull outside a 130 m one, found as 24 × 7 px centred 12 px off its axis.
    expect(centredOn(hull, box(-10, 12.2, 24, 7.3), 3, 6)).toBe(false);
  });

  it('keeps a part beyond the side of a skewed box that took in a hull and the one alongside it', () => {
    // 168177: an 86 × 20 px box across a dark 141 m hull toward a 40 m one rafted outside it.
    const skewed = box(1482, 795, 86, 20, -1.09);
    const rafted = box(1492.5, 799.5, 25, 7.5, -1.36);
    expect(centredOn(skewed, rafted, 3, 6)).toBe(false);
  });

  it('takes a sliver under a beam wide within the pad, and any part centred on the hull, as the hull’s', () => {
    expect(centredOn(hull, box(-1, 12.4, 32, 4.5), 3, 6)).toBe(true);
    expect(centredOn(hull, box(20, 8, 30, 9), 3, 6)).toBe(true);
  });

  it('takes any part within the pad as the hull’s at coarse pixels (no beam to tell a hull by)', () => {
    expect(centredOn(hull, box(-10, 12.2, 24, 7.3), 3, null)).toBe(true);
  });

  it('takes nothing beyond the hull’s ends and pad as part of it', () => {
    expect(centredOn(hull, box(70, 0, 20, 8), 3, 6)).toBe(false);
    expect(centredOn(hull, box(0, 14, 20, 4), 3, 6)).toBe(false);
  });
});
