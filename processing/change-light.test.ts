import { describe, expect, it } from 'vitest';
import { changeMask } from './change.ts';
import { mulberry32 } from './testing/scene.ts';
import type { Block } from './types.ts';

const SIDE = 96;

/** Grey concrete with ±0.005 noise, each pixel's bands scaled by `gain(x, y)`; `valid(x, y)` false: cloud. */
function concrete(
  seed: number,
  gain: (x: number, y: number) => number,
  valid = (_x: number, _y: number) => true,
): Block {
  const n = SIDE * SIDE;
  const rng = mulberry32(seed);
  const bands = [0, 1, 2].map(() => new Float32Array(n));
  const ok = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = i % SIDE;
    const y = Math.floor(i / SIDE);
    [0.55, 0.54, 0.5].forEach((v, b) => {
      bands[b]![i] = v * gain(x, y) + (rng() - 0.5) * 0.01;
    });
    ok[i] = valid(x, y) ? 1 : 0;
  }
  return { window: { x: 0, y: 0, width: SIDE, height: SIDE }, roles: ['red', 'green', 'blue'], bands, valid: ok };
}

const count = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);

describe('changes of light', () => {
  it("leaves out the penumbra of a cloud's shadow: dimming that fades from the cloud over tens of pixels", () => {
    // The cloud (masked) over rows 0–15; its shadow's edge dims the concrete by 25 % at row 16,
    // fading to nothing by row 56.
    const before = concrete(1, () => 1);
    const after = concrete(
      2,
      (_x, y) => (y < 16 ? 0.6 : Math.min(1, 0.75 + (0.25 * (y - 16)) / 40)),
      (_x, y) => y >= 16,
    );
    expect(count(changeMask(before, after))).toBe(0);
  });

  it('keeps a darker grey roof with sharp edges on unchanged ground, dimmed as much', () => {
    const before = concrete(1, () => 1);
    const after = concrete(2, (x, y) => (x >= 30 && x < 60 && y >= 30 && y < 50 ? 0.75 : 1));
    expect(count(changeMask(before, after))).toBeGreaterThan(0.8 * 30 * 20);
  });
});
