/** Drawing a zone's window for the debug tools: the image, clouds lifted, outside the zone dimmed, pixels marked. */
import type { Block } from '../processing/types.ts';

/**
 * The block as 8-bit RGB: cloud lifted towards grey, `tint` (band value 0..255 in, out) applied to clear
 * pixels, everything outside the zone dimmed.
 */
export function zoneBackdrop(
  block: Block,
  cloud: Uint8Array,
  inZone: Uint8Array,
  tint?: (i: number, band: number, v: number) => number,
): Buffer {
  const n = block.window.width * block.window.height;
  const rgb = Buffer.alloc(n * 3);
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < 3; b++) {
      let v = block.bands[b]![i]! * 255;
      if (cloud[i]) v = v * 0.4 + 100;
      else if (tint) v = tint(i, b, v);
      if (!inZone[i]) v *= 0.7;
      rgb[i * 3 + b] = Math.max(0, Math.min(255, v));
    }
  }
  return rgb;
}

/** Sets the pixel nearest (x, y) of an RGB image `width` × `height`, where it lies inside. */
export function plotter(rgb: Buffer, width: number, height: number) {
  return (x: number, y: number, c: [number, number, number]): void => {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi >= 0 && yi >= 0 && xi < width && yi < height) rgb.set(c, (yi * width + xi) * 3);
  };
}
