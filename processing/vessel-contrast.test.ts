import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../sample-tiles/random.ts';
import { kernelUsage } from './kernel-memory.ts';
import type { Block } from './types.ts';
import {
  contrastPlanesHeld,
  POOLED_MAX_PIXELS,
  releaseContrastPlanes,
  robustSigma,
  spreads,
  waterContrast,
} from './vessel-contrast.ts';

describe('waterContrast', () => {
  it('spreads gives each band’s robustSigma, three bands in one pass or any other number', () => {
    const rnd = mulberry32(7);
    const n = 5000;
    const plane = (scale: number) => Float32Array.from({ length: n }, () => scale * rnd());
    const mask = Uint8Array.from({ length: n }, () => (rnd() < 0.7 ? 1 : 0));
    for (const nb of [3, 2]) {
      const bands = Array.from({ length: nb }, (_, b) => plane(0.2 + 0.3 * b));
      const centres = bands.map((band) => band.map((v, i) => (i % 97 === 0 ? Number.NaN : v + 0.1 * (rnd() - 0.5))));
      const want = bands.map((band, b) => robustSigma(band, mask, centres[b]!));
      expect(spreads(bands, mask, centres)).toEqual(want);
      expect(want.every((s) => s > 0)).toBe(true);
    }
  });

  it('scores a bright hull on rippled water far above the water around it', () => {
    const [w, h] = [120, 90];
    const n = w * h;
    const rnd = mulberry32(3);
    const bands = [0.06, 0.09, 0.11].map((base) => Float32Array.from({ length: n }, () => base + 0.01 * rnd()));
    const hull = (i: number) => {
      const [x, y] = [i % w, Math.floor(i / w)];
      return x >= 50 && x < 80 && y >= 40 && y < 46;
    };
    for (const band of bands) for (let i = 0; i < n; i++) if (hull(i)) band[i] = 0.6;
    const block: Block = {
      window: { x: 0, y: 0, width: w, height: h },
      roles: ['red', 'green', 'blue'],
      bands,
      valid: new Uint8Array(n).fill(1),
    };
    const { a } = waterContrast(block, new Uint8Array(n).fill(1), 1, 200);
    let hullMin = Number.POSITIVE_INFINITY;
    let waterMax = 0;
    for (let i = 0; i < n; i++) {
      if (hull(i)) hullMin = Math.min(hullMin, a[i]!);
      else waterMax = Math.max(waterMax, a[i]!);
    }
    expect(hullMin).toBeGreaterThan(6);
    expect(waterMax).toBeLessThan(6);
  });

  it('keeps a small block’s sums in the thread’s planes, a large one’s not, until released', () => {
    const rnd = mulberry32(11);
    const blockOf = (w: number, h: number): Block => ({
      window: { x: 0, y: 0, width: w, height: h },
      roles: ['red', 'green', 'blue'],
      bands: [0.06, 0.09, 0.11].map((base) => Float32Array.from({ length: w * h }, () => base + 0.01 * rnd())),
      valid: new Uint8Array(w * h).fill(1),
    });
    const contrast = (b: Block) => {
      const n = b.window.width * b.window.height;
      return waterContrast(b, new Uint8Array(n).fill(1), 1, 30);
    };
    releaseContrastPlanes();
    const small = blockOf(150, 100);
    const first = contrast(small);
    // Eight float planes: two sweeps of three band sums and a count.
    expect(contrastPlanesHeld()).toBe(8 * 4 * 150 * 100);
    const large = blockOf(1300, 1200);
    expect(1300 * 1200).toBeGreaterThan(POOLED_MAX_PIXELS);
    contrast(large);
    expect(contrastPlanesHeld()).toBe(8 * 4 * 150 * 100);
    // The planes lie in the kernel memory, and the release hands them back to it.
    const used = kernelUsage().used;
    releaseContrastPlanes();
    expect(contrastPlanesHeld()).toBe(0);
    expect(kernelUsage().used).toBeLessThanOrEqual(used - 8 * 4 * 150 * 100);
    // Fresh planes after the release: the same contrast.
    expect(contrast(small)).toEqual(first);
  });
});
