import { describe, expect, it } from 'vitest';
import { changeMask } from './change.ts';
import { lightGradient, lightGradientRuns } from './change-light.ts';
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

describe('lightGradientRuns', () => {
  it('answers as lightGradient (its oracle) on random blobs, dimmed evenly or not, at the edges, under cloud', () => {
    const rng = mulberry32(29);
    const w = 40;
    const h = 30;
    const n = w * h;
    const answers = { true: 0, false: 0 };
    for (let trial = 0; trial < 400; trial++) {
      const p: Rgb = { r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
      const c: Rgb = { r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
      // Evenly dimmed everywhere (light) or in the blob only, some pixels reddened (an object), some dark.
      const gain = 0.75 + 0.2 * rng();
      // Share of the ground outside the blob dimmed alike: about the share the test asks for.
      const aroundDimmed = 0.5 + 0.4 * rng();
      const uneven = rng() * 0.4;
      const cloud = 0.3 * rng();
      const x0 = Math.floor(rng() * w) - 4;
      const y0 = Math.floor(rng() * h) - 4;
      const x1 = Math.min(w, x0 + 3 + Math.floor(rng() * 20));
      const y1 = Math.min(h, y0 + 3 + Math.floor(rng() * 16));
      const level = new Uint8Array(n);
      const dist = new Float32Array(n);
      const valid = new Uint8Array(n).fill(1);
      const validC = new Uint8Array(n).fill(1);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const i = y * w + x;
          const v = rng() < 0.05 ? 0.05 : 0.2 + 0.6 * rng();
          p.r[i] = v;
          p.g[i] = v * (0.95 + 0.1 * rng());
          p.b[i] = v * (0.95 + 0.1 * rng());
          const inside = x >= x0 && x < x1 && y >= y0 && y < y1 && rng() > 0.08;
          const g = inside || rng() < aroundDimmed ? gain : 1 + 0.02 * (rng() - 0.5);
          c.r[i] = p.r[i]! * (inside && rng() < uneven ? 1.6 : g);
          c.g[i] = p.g[i]! * g;
          c.b[i] = p.b[i]! * g;
          if (inside) {
            level[i] = rng() < 0.5 ? 2 : 1;
            dist[i] = 0.03 + 0.1 * rng();
          }
          // Hidden ground keeps its light: counted dimmed for being hidden, not for its colours.
          if (!inside && rng() < cloud) {
            (rng() < 0.5 ? valid : validC)[i] = 0;
            c.r[i] = p.r[i]!;
            c.g[i] = p.g[i]!;
            c.b[i] = p.b[i]!;
          }
        }
      }
      // The blob's runs, as decide holds them (one component, rows in order).
      const start: number[] = [];
      const end: number[] = [];
      const row: number[] = [];
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if (level[y * w + x] === 0) continue;
          const s = x;
          while (x < w && level[y * w + x] !== 0) x++;
          start.push(s);
          end.push(x);
          row.push(y);
        }
      }
      if (row.length === 0) continue;
      const order = Int32Array.from(row, (_, k) => k);
      const runs = {
        order,
        start: Int32Array.from(start),
        end: Int32Array.from(end),
        row: Int32Array.from(row),
        from: 0,
        to: row.length,
      };
      const low = 0.06;
      let changed = 0;
      for (let i = 0; i < n; i++) if (level[i] !== 0 && dist[i]! >= low) changed++;
      const counts = rng() < 0.5 ? changed : undefined;
      const oracle = lightGradient(
        (visit) => {
          for (let k = 0; k < row.length; k++) {
            for (let i = row[k]! * w + start[k]!; i < row[k]! * w + end[k]!; i++) if (visit(i)) return;
          }
        },
        (i) => level[i] !== 0,
        (i) => dist[i]! >= low,
        p,
        c,
        valid,
        validC,
        w,
        h,
        counts,
      );
      expect(lightGradientRuns(runs, level, dist, low, p, c, valid, validC, w, h, counts)).toBe(oracle);
      answers[`${oracle}`]++;
    }
    // Both answers come up, so the ground-around pass is compared as well as the evenness pass.
    expect(answers.true).toBeGreaterThan(40);
    expect(answers.false).toBeGreaterThan(40);
  });
});
