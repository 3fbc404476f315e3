import type { Block } from './types.ts';

/**
 * The luminance of three visible bands, in one home: the water mask takes it of every tile, the cloud
 * mask of every strip and of its halved blocks (halve.ts, row by row as it halves), and the cloud
 * mask's tests compare those planes with one another, so all must hold the same floats to the bit.
 */

/**
 * `out[i]` = the mean of `b0[i]`, `b1[i]`, `b2[i]` for i in [from, to): each partial sum rounded to a
 * float as the band-by-band accumulation into a Float32Array stored it (the same values in one pass).
 */
export function rgbLuminanceInto(
  b0: Float32Array,
  b1: Float32Array,
  b2: Float32Array,
  out: Float32Array,
  from = 0,
  to = out.length,
): Float32Array {
  const k = 1 / 3;
  for (let i = from; i < to; i++) out[i] = Math.fround(Math.fround(b0[i]! + b1[i]!) + b2[i]!) * k;
  return out;
}

/** Mean of the visible bands (or the single gray band). */
export function luminance(block: Block): Float32Array {
  const n = block.valid.length;
  const idx = block.roles.flatMap((r, i) => (r === 'nir' ? [] : [i]));
  const use = idx.length ? idx : block.roles.map((_, i) => i);
  const out = new Float32Array(n);
  const k = 1 / use.length;
  if (use.length === 3) {
    const [b0, b1, b2] = use.map((b) => block.bands[b]!) as [Float32Array, Float32Array, Float32Array];
    return rgbLuminanceInto(b0, b1, b2, out);
  }
  for (const b of use) {
    const band = block.bands[b]!;
    for (let i = 0; i < n; i++) out[i]! += band[i]!;
  }
  for (let i = 0; i < n; i++) out[i]! *= k;
  return out;
}
