import { describe, expect, it } from 'vitest';
import type { PixelBox } from './types.ts';
import { centredOn, waterBeyond } from './vessel-cover.ts';

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

  it('takes a part off the side that reaches on past the hull’s end for a piece in line with it', () => {
    // 271411: 38 × 11 px centred 42 px along an 83 × 15 px detection, half of it beyond its end.
    const stern = box(0, 0, 83, 15);
    expect(centredOn(stern, box(-42, 8, 38, 11), 3, 6)).toBe(true);
    expect(centredOn(stern, box(-25, 8, 30, 11), 3, 6)).toBe(false);
  });

  it('takes any part within the pad as the hull’s at coarse pixels (no beam to tell a hull by)', () => {
    expect(centredOn(hull, box(-10, 12.2, 24, 7.3), 3, null)).toBe(true);
  });

  it('takes nothing beyond the hull’s ends and pad as part of it', () => {
    expect(centredOn(hull, box(70, 0, 20, 8), 3, 6)).toBe(false);
    expect(centredOn(hull, box(0, 14, 20, 4), 3, 6)).toBe(false);
  });
});

describe('waterBeyond', () => {
  // A 100 × 20 grid: land (0) in rows y < 4, water below; a 60 × 8 px hull along x centred at y = 12.
  const W = 100;
  const H = 30;
  const water = new Uint8Array(W * H);
  for (let y = 4; y < H; y++) for (let x = 0; x < W; x++) water[y * W + x] = 1;
  const hull = box(50, 12, 60, 8);

  it('finds water beyond a part lying outboard of the hull (a hull rafted alongside)', () => {
    expect(waterBeyond(hull, box(45, 18, 24, 7), water, W, H, 3)).toBe(true);
  });

  it('finds land beyond a strip on the hull’s quay side (a piece of the hull, not a hull)', () => {
    // The strip's far side at y = 4.5; 3 px beyond lies the quay.
    expect(waterBeyond(hull, box(70, 8, 22, 7), water, W, H, 3)).toBe(false);
  });

  it('reads the side from the part’s offset in a turned hull’s frame', () => {
    const turned = box(50, 12, 60, 8, Math.PI);
    expect(waterBeyond(turned, box(45, 18, 24, 7, Math.PI), water, W, H, 3)).toBe(true);
    expect(waterBeyond(turned, box(70, 8, 22, 7, Math.PI), water, W, H, 3)).toBe(false);
  });
});
