import type { PixelBox } from './types.ts';

/**
 * Share of an off-side part's length that must run alongside the hull for it to stand as a hull
 * rafted there: a piece reaching on past the hull's end lies in line with it, its stern or bow cut
 * off by the contrast at a slight angle (271411: a 38 × 11 m stern piece of a 154 m hull found as
 * 83 × 15 m, half of it beyond that detection's end, counted as a second hull).
 */
const ALONGSIDE_SHARE = 2 / 3;

/** `b`'s centre in `o`'s frame: `u` along `o`'s axis, `v` across it (px). */
export function frameOf(o: PixelBox, b: PixelBox): { u: number; v: number } {
  const c = Math.cos(o.angle);
  const s = Math.sin(o.angle);
  return { u: (b.cx - o.cx) * c + (b.cy - o.cy) * s, v: -(b.cx - o.cx) * s + (b.cy - o.cy) * c };
}

/** Share of `b`'s length that lies within `o`'s length, `u` its centre's offset along `o`'s axis. */
function alongsideShare(o: PixelBox, b: PixelBox, u: number): number {
  const overlap = Math.min(o.length / 2, u + b.length / 2) - Math.max(-o.length / 2, u - b.length / 2);
  return Math.max(0, overlap) / b.length;
}

/**
 * Whether detection `b` is a part of the stronger detection `o` it lies on: its centre within `o`'s
 * box padded by `pad` px (a sliver cut off a hull's side, a superstructure cut off by its colour).
 * With `minBeamPx` (fine pixels, where hulls rafted alongside show as parts of their own, and the
 * part has water beyond it: `waterBeyond`), a part at least that wide, centred beyond `o`'s side and
 * running alongside it, is not one: most of it lies outside `o`, as a hull moored alongside does,
 * and the pad would drop it for `o`'s (168177, 132971: a 40 m hull rafted outside a 141 or 130 m
 * one, found as a 25 × 8 m part centred 1.5–2 px off the long hull's box, or off a skewed box taking
 * in both, was dropped as a piece of it).
 */
export function centredOn(o: PixelBox, b: PixelBox, pad: number, minBeamPx: number | null): boolean {
  const { u, v: across } = frameOf(o, b);
  const v = Math.abs(across);
  if (Math.abs(u) > o.length / 2 + pad) return false;
  if (minBeamPx !== null && b.width >= minBeamPx && v > o.width / 2 && alongsideShare(o, b, u) >= ALONGSIDE_SHARE) {
    return false;
  }
  return v <= o.width / 2 + pad;
}

/**
 * Whether water lies just beyond `b`'s far side from `o` (`reach` px out, across `o`'s axis), at two
 * of three points along `b`: a hull rafted alongside lies outboard, on the water, while a strip cut
 * off a hull's quay side has the quay beyond it (163451: a 22 × 7 m strip of a 104 m hull's stern on
 * its quay side, its centre just off the hull's narrower detection, counted as a hull).
 */
export function waterBeyond(
  o: PixelBox,
  b: PixelBox,
  water: Uint8Array,
  width: number,
  height: number,
  reach: number,
): boolean {
  const c = Math.cos(o.angle);
  const s = Math.sin(o.angle);
  const { u, v } = frameOf(o, b);
  const side = v < 0 ? -1 : 1;
  const far = Math.abs(v) + b.width / 2 + reach;
  let wet = 0;
  for (const t of [-0.25, 0, 0.25]) {
    const along = u + t * b.length;
    const x = Math.round(o.cx + along * c - side * far * s);
    const y = Math.round(o.cy + along * s + side * far * c);
    if (x >= 0 && y >= 0 && x < width && y < height && water[y * width + x]) wet++;
  }
  return wet >= 2;
}
