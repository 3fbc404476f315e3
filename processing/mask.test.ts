import { describe, expect, it } from 'vitest';
import { bothValid, cloudMask, liftedShare, luminanceInto } from './mask.ts';
import { luminance } from './rgb-luminance.ts';
import { renderPort } from './synthetic-port.ts';
import { mulberry32 } from './testing/scene.ts';
import type { Block } from './types.ts';

const W = 240;
const H = 200;
const roof = (x: number, y: number) => x >= 20 && x < 60 && y >= 5 && y < 30;
const cloud = (x: number, y: number) => Math.hypot(x - 160, y - 120) < 30;
const at = (m: Uint8Array, x: number, y: number) => m[y * W + x];

function scene(withCloud: boolean, seed: number) {
  return renderPort({
    width: W,
    height: H,
    quayRow: 40,
    seed,
    hulls: [{ cx: 80, cy: 120, length: 110, width: 18, angle: 0.2, tone: 0.85 }],
    paint: (x, y, v) => {
      if (roof(x, y)) return 0.85;
      if (withCloud && cloud(x, y)) return 0.9 - 0.2 * (Math.hypot(x - 160, y - 120) / 30) ** 4;
      return v;
    },
  });
}

/** Thin haze over the top right: lifts the level and flattens the quay's texture. */
function hazeScene() {
  return renderPort({
    width: W,
    height: H,
    quayRow: 40,
    seed: 6,
    hulls: [],
    paint: (x, y, v) => (x > 120 && y < 100 ? 0.3 * v + 0.6 : v),
  });
}

/** Rows top … top + h − 1 of a block, as survey.ts reads a strip. */
function rows(b: Block, top: number, h: number): Block {
  const w = b.window.width;
  const cut = (p: Float32Array) => p.subarray(top * w, (top + h) * w);
  return {
    ...b,
    window: { x: 0, y: top, width: w, height: h },
    bands: b.bands.map(cut),
    valid: b.valid.subarray(top * w, (top + h) * w),
  };
}

/** `cloudMask` strip by strip with survey.ts's 8-row margin, each strip's own rows kept. */
function stripMask(now: Block, reference: Block, strip: number): Uint8Array {
  const { width, height } = now.window;
  const out = new Uint8Array(width * height);
  for (let y0 = 0; y0 < height; y0 += strip) {
    const top = Math.max(0, y0 - 8);
    const h = Math.min(height, y0 + strip + 8) - top;
    const m = cloudMask(rows(now, top, h), { reference: rows(reference, top, h), gsdM: 1 });
    const own = Math.min(strip, height - y0);
    out.set(m.subarray((y0 - top) * width, (y0 - top + own) * width), y0 * width);
  }
  return out;
}

describe('cloudMask', () => {
  it('leaves ground the reference date masked and shows the same today, but masks a new cloud there', async () => {
    // A new concrete slab with pits, bright and grey: the date before took it for cloud, so its pixels
    // are not clear in the reference, though that date saw them.
    const slab = (x: number, y: number) => x >= 100 && x < 180 && y >= 50 && y < 110;
    const pit = (x: number, y: number) => x % 12 < 3 && y % 14 < 3;
    const paint = (x: number, y: number, v: number) => (slab(x, y) ? (pit(x, y) ? 0.55 : 0.76) : v);
    const spec = { width: W, height: H, quayRow: 150, hulls: [] };
    const now = await renderPort({ ...spec, seed: 7, paint });
    const reference = await renderPort({ ...spec, seed: 8, paint });
    const referenceSeen = reference.valid;
    const clear = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) clear[y * W + x] = slab(x, y) ? 0 : 1;
    const masked = { ...reference, valid: clear };
    // Without what the reference saw there, the slab is cloud again (and would be date after date).
    expect(at(cloudMask(now, { reference: masked, gsdM: 1 }), 140, 80)).toBe(1);
    expect(cloudMask(now, { reference: masked, referenceSeen, gsdM: 1 }).some((v) => v === 1)).toBe(false);
    // A cloud over the slab today is not what the reference saw: still masked.
    const cloudy = await renderPort({
      ...spec,
      seed: 9,
      paint: (x, y, v) => {
        const d = Math.hypot(x - 140, y - 80) / 45;
        return d < 1 ? 0.9 - 0.15 * d ** 4 : paint(x, y, v);
      },
    });
    expect(at(cloudMask(cloudy, { reference: masked, referenceSeen, gsdM: 1 }), 140, 80)).toBe(1);
  });

  it('does not take ground lit again where the reference lay in a soft shadow for haze, in strips or not', async () => {
    // Concrete with a gentle mottle; the reference saw it under a cloud's shadow with a 60 px penumbra.
    const S = 320;
    const ground = (x: number, y: number) => 0.5 + 0.03 * Math.sin(x / 9) * Math.cos(y / 11);
    const shade = (x: number, y: number) =>
      0.5 + 0.5 * Math.min(1, Math.max(0, (Math.hypot(x - 160, y - 160) - 70) / 60));
    const spec = { width: S, height: S, quayRow: S, hulls: [] };
    const now = await renderPort({ ...spec, seed: 3, paint: ground });
    const reference = await renderPort({ ...spec, seed: 4, paint: (x, y) => ground(x, y) * shade(x, y) });
    // The penumbra's ramp made the reference look textured and today's lit ground a flattened,
    // lifted copy of it: haze. As one block the arc was too slender to keep; cut by 64-row strips it
    // was kept (17,404 px masked).
    const one = cloudMask(now, { reference, gsdM: 1 });
    expect(one.some((v) => v === 1)).toBe(false);
    expect([...stripMask(now, reference, 64)]).toEqual([...one]);
  });

  it('masks a cloud but not the bright roof seen in the reference, nor a white ship', async () => {
    const now = await scene(true, 1);
    const reference = await scene(false, 2);
    const m = cloudMask(now, { reference, gsdM: 1 });
    expect(at(m, 160, 120)).toBe(1);
    expect(at(m, 160, 95)).toBe(1);
    expect(at(m, 40, 15)).toBe(0);
    expect(at(m, 80, 120)).toBe(0);
    let masked = 0;
    for (const v of m) masked += v;
    // The cloud covers ~2,800 px; with its soft fringe and 20 m margin, well under 11,000.
    expect(masked).toBeGreaterThan(2500);
    expect(masked).toBeLessThan(11000);
  });

  it('decides each call afresh: the planes it keeps between calls hold nothing of an earlier one', async () => {
    const now = await scene(true, 1);
    const reference = await scene(false, 2);
    const hazy = await hazeScene();
    const first = cloudMask(now, { reference, gsdM: 1 });
    // Haze candidates over the top right, where the cloud scene has none.
    expect(at(cloudMask(hazy, { reference, gsdM: 1 }), 180, 20)).toBe(1);
    const again = cloudMask(now, { reference, gsdM: 1 });
    expect(at(again, 180, 20)).toBe(0);
    expect([...again]).toEqual([...first]);
  });

  it('finds nothing on a clear date', async () => {
    const now = await scene(false, 3);
    const reference = await scene(false, 4);
    expect(cloudMask(now, { reference, gsdM: 1 }).some((v) => v === 1)).toBe(false);
  });

  it('masks thin haze that lifts the level and flattens the texture of the quay', async () => {
    const reference = await scene(false, 5);
    const hazy = await hazeScene();
    const m = cloudMask(hazy, { reference, gsdM: 1 });
    expect(at(m, 180, 20)).toBe(1);
    expect(at(m, 60, 20)).toBe(0);
  });

  it('leaves a clear yard that its dark trains left, lighter and flatter than the reference, but masks haze over the trains', async () => {
    const yard = (x: number, y: number) => x > 100 && y < 100;
    // Rows of dark cars on ballast, every 8 m.
    const train = (y: number) => y % 8 < 4;
    const reference = await renderPort({
      width: W,
      height: H,
      quayRow: 100,
      seed: 9,
      hulls: [],
      paint: (x, y, v) => (yard(x, y) ? (train(y) ? 0.1 : 0.4) : v),
    });
    const emptied = await renderPort({
      width: W,
      height: H,
      quayRow: 100,
      seed: 10,
      hulls: [],
      paint: (x, y, v) => (yard(x, y) ? 0.62 : v),
    });
    expect(cloudMask(emptied, { reference, gsdM: 1 }).some((v) => v === 1)).toBe(false);
    const hazy = await renderPort({
      width: W,
      height: H,
      quayRow: 100,
      seed: 10,
      hulls: [],
      paint: (x, y, v) => (yard(x, y) ? 0.5 * (train(y) ? 0.1 : 0.4) + 0.4 : v),
    });
    expect(at(cloudMask(hazy, { reference, gsdM: 1 }), 170, 50)).toBe(1);
  });

  it('leaves clear ground that lay in a shadow in the reference, but masks haze over textured ground', async () => {
    // A long winter shadow (a crane's, or the previous date's cloud's) over smooth concrete: dark and
    // flat in the reference; today the sun is on it, lighter by 0.27 with its faint texture back.
    const shade = (x: number, y: number) => x >= 40 && x < 200 && y >= 10 && y < 90;
    const concrete = (v: number) => 0.55 + 0.1 * (v - 0.45);
    const port = (seed: number, paint: (x: number, y: number, v: number) => number) =>
      renderPort({ width: W, height: H, quayRow: 100, seed, hulls: [], paint });
    const reference = await port(11, (x, y, v) => (shade(x, y) ? 0.5 * concrete(v) : concrete(v)));
    const spring = await port(12, (_x, _y, v) => concrete(v));
    expect(cloudMask(spring, { reference, gsdM: 1 }).some((v) => v === 1)).toBe(false);
    // Haze over the same ground where the reference saw its texture (no shadow): still haze.
    const textured = await port(11, (_x, _y, v) => v);
    const hazy = await port(12, (x, y, v) => (shade(x, y) ? 0.4 * v + 0.5 : v));
    expect(at(cloudMask(hazy, { reference: textured, gsdM: 1 }), 120, 50)).toBe(1);
  });

  it('keeps a soft fringe but not a lifted strip (a train come since the reference) that leads away from it', async () => {
    const d = (x: number, y: number) => Math.hypot(x - 170, y - 120);
    const reference = await renderPort({ width: W, height: H, quayRow: 40, seed: 7, hulls: [] });
    const now = await renderPort({
      width: W,
      height: H,
      quayRow: 40,
      seed: 8,
      hulls: [],
      paint: (x, y, v) => {
        if (d(x, y) < 30) return 0.9 - 0.2 * (d(x, y) / 30) ** 4;
        // Four metres wide, from the core to the image's edge.
        if (y >= 118 && y < 122 && x < 150) return v + 0.2;
        // A veil thinning over 25 m around the core.
        if (d(x, y) < 55) return v + 0.12 * ((55 - d(x, y)) / 25);
        return v;
      },
    });
    const m = cloudMask(now, { reference, gsdM: 1 });
    expect(at(m, 170, 120)).toBe(1);
    // In the veil (a third of the way out), and its 20 m margin beyond the core.
    expect(at(m, 170, 78)).toBe(1);
    // Along the strip, 60–120 m from the veil: clear.
    expect(at(m, 60, 120)).toBe(0);
    expect(at(m, 0, 120)).toBe(0);
  });

  it('masks a cloud cut into a band by the edge of the block, unlike a white hull of the same length', async () => {
    // 200 m × 50 m of cloud (L/B 4): the part of a large cloud a survey strip holds.
    const reference = await scene(false, 9);
    const now = await renderPort({
      width: W,
      height: H,
      quayRow: 40,
      seed: 10,
      hulls: [{ cx: 120, cy: 150, length: 200, width: 30, angle: 0, tone: 0.85 }],
      paint: (x, y, v) => (x >= 20 && x < 220 && y < 50 ? 0.88 : v),
    });
    const m = cloudMask(now, { reference, gsdM: 1 });
    expect(at(m, 120, 20)).toBe(1);
    expect(at(m, 120, 150)).toBe(0);
  });
});

describe('luminanceInto', () => {
  it('is luminance to the bit, for RGB, RGB with NIR and a single band', () => {
    const random = mulberry32(3);
    const n = 1000;
    const plane = () => Float32Array.from({ length: n }, () => random() * 1.2);
    for (const roles of [['red', 'green', 'blue'], ['red', 'green', 'blue', 'nir'], ['gray']] as const) {
      const block = {
        window: { x: 0, y: 0, width: n, height: 1 },
        roles: [...roles],
        bands: roles.map(plane),
        valid: new Uint8Array(n).fill(1),
      };
      const vis = block.bands.filter((_, i) => block.roles[i] !== 'nir');
      expect([...luminanceInto(block, vis, new Float32Array(n))]).toEqual([...luminance(block)]);
    }
  });
});

describe('bothValid', () => {
  it('is valid & refValid at any length and offset (four bytes a step where word-aligned)', () => {
    const rnd = mulberry32(5);
    for (const length of [0, 3, 8, 61]) {
      for (const offset of [0, 1, 4]) {
        const mk = () => Uint8Array.from({ length: length + offset }, () => (rnd() < 0.6 ? 1 : 0)).subarray(offset);
        const a = mk();
        const b = mk();
        const out = new Uint8Array(length + offset).fill(9).subarray(offset);
        bothValid(a, b, out);
        expect([...out]).toEqual([...a].map((v, i) => v & b[i]!));
      }
    }
  });
});

describe('liftedShare', () => {
  it('decides from one packed box sum (lifted + base × compared) as from the two sums', () => {
    // Every count pair a window of side 2r + 1 can hold, for the radii of the survey's resolutions.
    for (const r of [1, 5, 10, 17, 31]) {
      const side = 2 * r + 1;
      const base = side * side + 1;
      const step = r > 10 ? 7 : 1;
      for (let c = 0; c < base; c += step) {
        for (let l = 0; l <= c; l += step) {
          const two = liftedShare(Float32Array.of(l), Float32Array.of(c), 0, 0);
          expect(liftedShare(Float32Array.of(l + base * c), new Float32Array(0), base, 0)).toBe(two);
        }
      }
    }
  });
});
