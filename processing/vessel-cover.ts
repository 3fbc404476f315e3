import type { PixelBox } from './types.ts';

/**
 * Whether detection `b` is a part of the stronger detection `o` it lies on: its centre within `o`'s
 * box padded by `pad` px (a sliver cut off a hull's side, a superstructure cut off by its colour).
 * With `minBeamPx` (fine pixels, where hulls rafted alongside show as parts of their own), a part at
 * least that wide whose centre lies beyond `o`'s side is not one: most of it lies outside `o`, as a
 * hull moored alongside does, and the pad would drop it for `o`'s (168177, 132971: a 40 m hull rafted
 * outside a 141 or 130 m one, found as a 25 × 8 m part centred 1.5–2 px off the long hull's box, or
 * off a skewed box taking in both, was dropped as a piece of it).
 */
export function centredOn(o: PixelBox, b: PixelBox, pad: number, minBeamPx: number | null): boolean {
  const c = Math.cos(o.angle);
  const s = Math.sin(o.angle);
  const u = (b.cx - o.cx) * c + (b.cy - o.cy) * s;
  const v = Math.abs(-(b.cx - o.cx) * s + (b.cy - o.cy) * c);
  if (Math.abs(u) > o.length / 2 + pad) return false;
  if (minBeamPx !== null && b.width >= minBeamPx && v > o.width / 2) return false;
  return v <= o.width / 2 + pad;
}
