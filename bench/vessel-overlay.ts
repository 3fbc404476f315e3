/**
 * A PNG to look at vessel detections on a real scene: true colour, land (off the water mask) tinted
 * tan, label boxes green, detections as their long axis, yellow when they hit a label and red when not.
 */
import sharp from 'sharp';
import type { Block, PixelBox } from '../processing/types.ts';

export interface OverlayBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** True when the detection's centre lies in the label's box (± slack px), as the evaluation matches. */
export function hits(d: PixelBox, l: OverlayBox, slack = 1): boolean {
  return d.cx >= l.x - slack && d.cx <= l.x + l.w + slack && d.cy >= l.y - slack && d.cy <= l.y + l.h + slack;
}

/**
 * Renders the overlay, `scale` times enlarged (nearest neighbour, so mixed pixels stay visible).
 * The stretch is a square root to the 99th percentile of each band, since raw sensor scales differ.
 */
export async function writeVesselOverlay(
  file: string,
  block: Block,
  water: Uint8Array,
  labels: OverlayBox[],
  dets: PixelBox[],
  scale = 1,
): Promise<void> {
  const { width: W, height: H } = block.window;
  const n = W * H;
  const pick = (role: 'red' | 'green' | 'blue') => {
    const k = block.roles.indexOf(role);
    // Without red (San Francisco has blue and green only) green stands in for it.
    return block.bands[k >= 0 ? k : Math.max(0, block.roles.indexOf('green'))]!;
  };
  const rgb = [pick('red'), pick('green'), pick('blue')].map((band) => {
    const sorted = Float32Array.from(band).sort();
    const top = Math.max(1e-6, sorted[Math.floor(0.99 * (sorted.length - 1))]!);
    return (i: number) => Math.min(255, Math.round(Math.sqrt(Math.max(0, band[i]!) / top) * 255));
  });
  const out = Buffer.alloc(n * 3);
  for (let i = 0; i < n; i++) {
    const [r, g, b] = rgb.map((f) => f(i)) as [number, number, number];
    const land = !water[i];
    out[i * 3] = land ? Math.min(255, Math.round(r * 0.75 + 70)) : r;
    out[i * 3 + 1] = land ? Math.round(g * 0.75 + 20) : g;
    out[i * 3 + 2] = land ? Math.round(b * 0.75) : b;
  }
  const put = (x: number, y: number, c: [number, number, number]) => {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= W || yi >= H) return;
    out.set(c, (yi * W + xi) * 3);
  };
  for (const l of labels) {
    for (let x = l.x - 1; x <= l.x + l.w; x++) {
      put(x, l.y - 1, [0, 255, 0]);
      put(x, l.y + l.h, [0, 255, 0]);
    }
    for (let y = l.y - 1; y <= l.y + l.h; y++) {
      put(l.x - 1, y, [0, 255, 0]);
      put(l.x + l.w, y, [0, 255, 0]);
    }
  }
  for (const d of dets) {
    const c: [number, number, number] = labels.some((l) => hits(d, l)) ? [255, 255, 0] : [255, 0, 0];
    for (let t = -d.length / 2; t <= d.length / 2; t += 0.5) {
      put(d.cx + Math.cos(d.angle) * t, d.cy + Math.sin(d.angle) * t, c);
    }
  }
  await sharp(out, { raw: { width: W, height: H, channels: 3 } })
    .resize(W * scale, H * scale, { kernel: 'nearest' })
    .png()
    .toFile(file);
}
