/** Small synthetic port scenes with known vessels and rail cars, for the detection tests. */
import sharp from 'sharp';
import { mulberry32 } from '../sample-tiles/random.ts';
import type { Block } from './types.ts';

export interface Hull {
  cx: number;
  cy: number;
  length: number;
  width: number;
  /** Radians, from +x towards +y. */
  angle: number;
  /** Gray level 0..1 (water is ~0.12). */
  tone: number;
}

export interface SceneSpec {
  width: number;
  height: number;
  /** Rows at or above this are land (a quay), the rest water. */
  quayRow: number;
  hulls: Hull[];
  /** Dark oriented rectangles (shadows, seams). */
  shadows?: Hull[];
  /** Gaussian noise σ, 0..1 units. */
  noise?: number;
  seed?: number;
  /** Extra per-pixel paint after the hulls (rail cars, clouds…). */
  paint?: (x: number, y: number, value: number) => number;
}

/** True when pixel centre (x, y) lies inside the oriented rectangle. */
export function inside(h: Hull, x: number, y: number): boolean {
  const dx = x - h.cx;
  const dy = y - h.cy;
  const c = Math.cos(h.angle);
  const s = Math.sin(h.angle);
  return Math.abs(dx * c + dy * s) <= h.length / 2 && Math.abs(-dx * s + dy * c) <= h.width / 2;
}

/**
 * Renders a gray port scene as RGB, encodes it as PNG and decodes it again with sharp, so tests
 * see 8-bit quantised real image bytes rather than ideal floats.
 */
export async function renderPort(spec: SceneSpec): Promise<Block> {
  const { width, height, quayRow, hulls, shadows = [], noise = 0.01, seed = 1, paint } = spec;
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Land: textured concrete and roofs; water: dark and smooth.
      let v = y <= quayRow ? 0.45 + 0.15 * Math.sin(x * 0.7) * Math.cos(y * 0.9) : 0.12;
      for (const s of shadows) if (inside(s, x, y)) v = s.tone;
      for (const h of hulls) if (inside(h, x, y)) v = h.tone;
      if (paint) v = paint(x, y, v);
      v += noise * gauss();
      const b = Math.max(0, Math.min(255, Math.round(v * 255)));
      const o = (y * width + x) * 3;
      rgb[o] = b;
      rgb[o + 1] = b;
      rgb[o + 2] = Math.min(255, Math.round(b * 1.08));
    }
  }
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  const raw = await sharp(png).raw().toBuffer();
  const n = width * height;
  const bands = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) for (let b = 0; b < 3; b++) bands[b]![i] = raw[i * 3 + b]! / 255;
  return {
    window: { x: 0, y: 0, width, height },
    roles: ['red', 'green', 'blue'],
    bands,
    valid: new Uint8Array(n).fill(1),
  };
}
