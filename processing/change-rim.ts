/** Rims of changed objects: the pixels an object covers in part, whose change is the object's, diluted. */

import type { Rgb } from './change-shadow.ts';

/**
 * Whether changed pixel (x, y) is the blurred rim of a neighbour that changed strongly (`dist` at
 * least `strong`): its change of colour is that neighbour's, scaled by under `share`, give or take
 * `noise` (colour distance). An object covers such a pixel in part on both dates, or on one date
 * with the same footprint as another object on the other (a departed white car where a dark one
 * now stands): the pixel changes only by the covered share of the object's change, so it is the
 * object's edge blended with unchanged ground, not ground that changed. Read on the plain colours:
 * a thin object's own pixels keep their full change there, however the envelope test lowered it.
 */
export function dilutedRim(
  p: Rgb,
  c: Rgb,
  dist: Float32Array,
  w: number,
  h: number,
  x: number,
  y: number,
  strong: number,
  share: number,
  noise: number,
): boolean {
  const i = y * w + x;
  const dr = c.r[i]! - p.r[i]!;
  const dg = c.g[i]! - p.g[i]!;
  const db = c.b[i]! - p.b[i]!;
  const noise2 = noise * noise;
  for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
    for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
      const j = yy * w + xx;
      if (j === i || dist[j]! < strong) continue;
      const er = c.r[j]! - p.r[j]!;
      const eg = c.g[j]! - p.g[j]!;
      const eb = c.b[j]! - p.b[j]!;
      const e2 = er * er + eg * eg + eb * eb;
      if (e2 === 0) continue;
      // The share of the neighbour's change that best explains this pixel's (least squares).
      const a = (dr * er + dg * eg + db * eb) / e2;
      if (a < 0 || a >= share) continue;
      if ((dr - a * er) ** 2 + (dg - a * eg) ** 2 + (db - a * eb) ** 2 <= noise2) return true;
    }
  }
  return false;
}
