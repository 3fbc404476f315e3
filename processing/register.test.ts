import { describe, expect, it } from 'vitest';
import { memoryReader } from './block-reader.ts';
import { register } from './register.ts';
import { mulberry32, syntheticPair } from './testing/scene.ts';
import type { Block } from './types.ts';

/** Seven bright hulls with dark shadows at (x0, y0) + a seeded layout + (ox, oy): a fleet that can move. */
function paintFleet(b: Block, x0: number, y0: number, seed: number, ox = 0, oy = 0): void {
  const n = b.window.width;
  const rng = mulberry32(seed);
  for (let k = 0; k < 7; k++) {
    const x = x0 + Math.floor(rng() * 150) + ox;
    const y = y0 + Math.floor(rng() * 200) + oy;
    const length = 50 + Math.floor(rng() * 40);
    const beam = 10 + Math.floor(rng() * 6);
    for (let yy = Math.max(0, y); yy < Math.min(n, y + beam + 4); yy++) {
      for (let xx = Math.max(0, x); xx < Math.min(n, x + length); xx++) {
        for (const band of b.bands) band[yy * n + xx] = yy < y + beam ? 0.95 : 0.02;
      }
    }
  }
}

describe('register', () => {
  it('recovers random sub-pixel shifts up to ±8 px within 0.3 px under gain, gamma, tint, haze and noise', async () => {
    const rng = mulberry32(2026);
    const errors: number[] = [];
    for (let k = 0; k < 4; k++) {
      const dx = (rng() * 2 - 1) * 8;
      const dy = (rng() * 2 - 1) * 8;
      const illumination = {
        gain: [0.6 + 0.9 * rng(), 0.6 + 0.9 * rng(), 0.6 + 0.9 * rng()] as [number, number, number],
        gamma: 0.7 + 0.7 * rng(),
        haze: 0.15 * rng(),
      };
      const { reference, moving } = syntheticPair({ seed: 10 + k, dx, dy, illumination, noise: 0.04 });
      const r = await register(memoryReader(reference), memoryReader(moving), { windowPx: 256 });
      expect(r.trusted, r.reason).toBe(true);
      expect(r.confidence).toBeGreaterThan(0.5);
      errors.push(Math.hypot(r.dx - dx, r.dy - dy));
    }
    expect(Math.max(...errors)).toBeLessThan(0.3);
  }, 180_000);

  it('measures the shift with the default 512 px windows on a larger image', async () => {
    const { reference, moving } = syntheticPair({ size: 1024, seed: 3, dx: -3.37, dy: 5.81, noise: 0.03 });
    const r = await register(memoryReader(reference), memoryReader(moving));
    expect(r.trusted).toBe(true);
    expect(Math.hypot(r.dx + 3.37, r.dy - 5.81)).toBeLessThan(0.3);
  }, 180_000);

  it('aligns the images: reading the moving image with the shift reproduces the reference', async () => {
    const { reference, moving } = syntheticPair({ seed: 5, dx: 2.5, dy: -1.25, noise: 0 });
    const r = await register(memoryReader(reference), memoryReader(moving), { windowPx: 256 });
    const win = { x: 100, y: 100, width: 200, height: 200 };
    const aligned = await memoryReader(moving).read(win, { shift: { dx: r.dx, dy: r.dy } });
    const unaligned = await memoryReader(moving).read(win);
    const ref = await memoryReader(reference).read(win);
    const mad = (b: Float32Array) => b.reduce((s, v, i) => s + Math.abs(v - ref.bands[1]![i]!), 0) / b.length;
    expect(mad(aligned.bands[1]!)).toBeLessThan(0.002);
    expect(mad(unaligned.bands[1]!)).toBeGreaterThan(5 * mad(aligned.bands[1]!));
  });

  it('is not led off by ships that moved between the dates in three of the windows', async () => {
    // Bright moved hulls dominate their windows' correlation (their peak is the fleet's move, 25–40 px
    // off); the per-axis median of the four most textured windows then found no agreement at all.
    const dx = 2.6;
    const dy = -4.3;
    const { reference, moving } = syntheticPair({ size: 1024, seed: 2, dx, dy, noise: 0.03 });
    for (const [i, [x, y]] of [
      [20, 20],
      [276, 20],
      [532, 276],
    ].entries()) {
      paintFleet(reference, x!, y!, 20 + i);
      paintFleet(moving, x!, y!, 20 + i, 37, -23 + 10 * i);
    }
    const r = await register(memoryReader(reference), memoryReader(moving), { windowPx: 256 });
    expect(r.trusted, r.reason).toBe(true);
    expect(Math.hypot(r.dx - dx, r.dy - dy)).toBeLessThan(0.3);
    expect(r.confidence).toBeGreaterThan(0.5);
  }, 180_000);

  it('reports, untrusted, the shift of one half when the two halves of the image moved differently', async () => {
    const { reference, moving } = syntheticPair({ size: 1024, seed: 3, dx: 6, dy: 0, noise: 0.02 });
    // Right half: the reference moved by a whole (−4, 3) px, so moving(x, y) = reference(x + 4, y − 3).
    for (const [k, band] of moving.bands.entries()) {
      const ref = reference.bands[k]!;
      for (let y = 3; y < 1024; y++) {
        for (let x = 512; x < 1020; x++) band[y * 1024 + x] = ref[(y - 3) * 1024 + x + 4]!;
      }
    }
    const r = await register(memoryReader(reference), memoryReader(moving), { windowPx: 256 });
    expect(r.trusted).toBe(false);
    expect(r.reason).toMatch(/windows disagree/);
    const offLeft = Math.hypot(r.dx - 6, r.dy);
    const offRight = Math.hypot(r.dx + 4, r.dy - 3);
    expect(Math.min(offLeft, offRight)).toBeLessThan(0.5);
    expect(r.confidence).toBeGreaterThanOrEqual(0);
    expect(r.confidence).toBeLessThan(0.5);
  }, 180_000);

  it('does not trust a shift between two images of flat water', async () => {
    const { reference, moving } = syntheticPair({ seed: 4, flat: true, dx: 1, dy: 2, noise: 0.02 });
    const r = await register(memoryReader(reference), memoryReader(moving), { windowPx: 256 });
    expect(r.trusted).toBe(false);
    expect(r.reason).toMatch(/no correlation peak/);
    expect(r.confidence).toBeLessThan(0.3);
  });

  it('does not trust a shift when clouds cover the moving image', async () => {
    const { reference } = syntheticPair({ seed: 6 });
    const { moving } = syntheticPair({ seed: 7, flat: true, noise: 0.02 });
    for (const b of moving.bands) for (let i = 0; i < b.length; i++) b[i] = b[i]! + 0.7;
    const r = await register(memoryReader(reference), memoryReader(moving), { windowPx: 256 });
    expect(r.trusted).toBe(false);
    expect(r.confidence).toBeLessThan(0.3);
  });

  it('reports a shift beyond maxShiftPx as untrusted, with the shift it found', async () => {
    const { reference, moving } = syntheticPair({ seed: 8, dx: 30, dy: -5 });
    const r = await register(memoryReader(reference), memoryReader(moving), { windowPx: 256 });
    expect(r.trusted).toBe(false);
    expect(r.reason).toMatch(/exceeds maxShiftPx 16/);
    expect(r.dx).toBeCloseTo(30, 0);
  });

  it('refuses an image too small to correlate', async () => {
    const { reference } = syntheticPair({ size: 16, seed: 1 });
    const r = await register(memoryReader(reference), memoryReader(reference));
    expect(r.trusted).toBe(false);
    expect(r.reason).toMatch(/at least 32×32/);
  });

  it('stops when the signal is aborted', async () => {
    const { reference, moving } = syntheticPair({ seed: 9 });
    const controller = new AbortController();
    controller.abort();
    await expect(
      register(memoryReader(reference), memoryReader(moving), { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'aborted' });
  });
});
