/** Windows of an in-memory block, and the bilinear sub-pixel shift every reader applies. */
import type { BandRole, Block, BlockReader, Shift, Window } from './types.ts';

/**
 * Resamples `src` (covering `srcWindow` of the source) at window `w` shifted by `shift`.
 * Bilinear: adequate for the sub-pixel residuals registration leaves, and cheap.
 * A sample needs all four neighbours valid, so shifted edges are marked invalid rather than smeared.
 */
export function sampleShifted(src: Block, w: Window, shift: Shift = { dx: 0, dy: 0 }): Block {
  const { x: sx0, y: sy0, width: sw, height: sh } = src.window;
  const n = w.width * w.height;
  const bands = src.bands.map(() => new Float32Array(n));
  const valid = new Uint8Array(n);
  const fx = shift.dx - Math.floor(shift.dx);
  const fy = shift.dy - Math.floor(shift.dy);
  const ix = Math.floor(shift.dx);
  const iy = Math.floor(shift.dy);
  const w00 = (1 - fx) * (1 - fy);
  const w10 = fx * (1 - fy);
  const w01 = (1 - fx) * fy;
  const w11 = fx * fy;
  for (let y = 0; y < w.height; y++) {
    const ry = w.y + y + iy - sy0;
    if (ry < 0 || ry >= sh) continue;
    const ry1 = fy > 0 ? ry + 1 : ry;
    if (ry1 >= sh) continue;
    for (let x = 0; x < w.width; x++) {
      const rx = w.x + x + ix - sx0;
      if (rx < 0 || rx >= sw) continue;
      const rx1 = fx > 0 ? rx + 1 : rx;
      if (rx1 >= sw) continue;
      const i00 = ry * sw + rx;
      const i10 = ry * sw + rx1;
      const i01 = ry1 * sw + rx;
      const i11 = ry1 * sw + rx1;
      if (!(src.valid[i00] && src.valid[i10] && src.valid[i01] && src.valid[i11])) continue;
      const o = y * w.width + x;
      valid[o] = 1;
      for (let b = 0; b < bands.length; b++) {
        const s = src.bands[b]!;
        bands[b]![o] = w00 * s[i00]! + w10 * s[i10]! + w01 * s[i01]! + w11 * s[i11]!;
      }
    }
  }
  return { window: { ...w }, roles: src.roles, bands, valid };
}

/** A BlockReader over a whole image held in memory: for tests and small images. */
export function memoryReader(image: Block): BlockReader {
  const { width, height } = image.window;
  return {
    width,
    height,
    roles: image.roles as BandRole[],
    async read(w: Window, options?: { shift?: Shift }): Promise<Block> {
      return sampleShifted(image, w, options?.shift);
    },
  };
}
