import { describe, expect, it } from 'vitest';
import { changeMask } from './change.ts';
import { lightGradient } from './change-light.ts';
import type { Rgb } from './change-shadow.ts';
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

describe('lightGradient', () => {
  /**
   * A 10×10 blob at (10, 10) in a 30×30 scene of grey ground, dimmed by 15 % all round; `even` of
   * the blob's 100 pixels (in raster order) dimmed evenly as well, the rest reddened (an object).
   * Returns the answer and how many reads of the current date's red band it took.
   */
  function blob(even: number, changedCount?: number) {
    const w = 30;
    const n = w * w;
    const plane = (v: number) => new Float32Array(n).fill(v);
    const p: Rgb = { r: plane(0.5), g: plane(0.5), b: plane(0.5) };
    const c: Rgb = { r: plane(0.425), g: plane(0.425), b: plane(0.425) };
    const inside: number[] = [];
    for (let y = 10; y < 20; y++) for (let x = 10; x < 20; x++) inside.push(y * w + x);
    inside.forEach((i, k) => {
      if (k >= even) {
        c.r[i] = 0.8;
        c.g[i] = 0.3;
      }
    });
    let reads = 0;
    const counted: Rgb = {
      r: new Proxy(c.r, {
        get(t, k) {
          if (typeof k === 'string' && /^\d+$/.test(k)) reads++;
          return Reflect.get(t, k, t);
        },
      }),
      g: c.g,
      b: c.b,
    };
    const set = new Set(inside);
    const valid = new Uint8Array(n).fill(1);
    let changedTests = 0;
    const answer = lightGradient(
      (visit) => {
        for (const i of inside) if (visit(i)) return;
      },
      (i) => set.has(i),
      () => {
        changedTests++;
        return true;
      },
      p,
      counted,
      valid,
      valid,
      w,
      w,
      changedCount,
    );
    return { answer, reads, changedTests };
  }

  it('takes the count of changed pixels from its caller when given, without a pass of its own', () => {
    for (const even of [100, 85, 79, 0]) {
      const own = blob(even);
      const given = blob(even, 100);
      expect(given.answer).toBe(own.answer);
      expect(given.reads).toBe(own.reads);
      // The evenness pass still tests each pixel it reads; the counting pass (100 tests) is gone.
      expect(given.changedTests).toBe(own.changedTests - 100);
    }
  });

  it('tells dimmed light from an object as the full count does, and stops reading colours once the blob cannot be even', () => {
    expect(blob(100).answer).toBe(true);
    expect(blob(85).answer).toBe(true);
    expect(blob(79).answer).toBe(false);
    // An object: uneven from its first pixels, settled after 21 of its 100 (a full count reads all).
    const object = blob(0);
    expect(object.answer).toBe(false);
    expect(object.reads).toBeLessThan(30);
  });
});
