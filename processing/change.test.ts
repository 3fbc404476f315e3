import { describe, expect, it } from 'vitest';
import { memoryReader } from './block-reader.ts';
import { changeDistances, changeMask, MaskPlane } from './change.ts';
import { sunChangeOptions } from './change-shadow.ts';
import { labelComponents } from './components.ts';
import { KernelPlanes, kernelAddress } from './kernel-memory.ts';
import { applyNormalization, fitNormalization } from './normalize.ts';
import { copiesInKernel } from './testing/kernel-copies.ts';
import { type Illumination, mulberry32, type Patch, syntheticPair } from './testing/scene.ts';
import type { Block, Shift } from './types.ts';

/** The pipeline's order on a synthetic pair: read the moving image with a (slightly wrong) shift, normalise, compare. */
async function detect(opts: {
  seed: number;
  shift: Shift;
  error: Shift;
  illumination: Illumination;
  noise: number;
  changes?: Patch[];
}): Promise<{ mask: Uint8Array; truth: Uint8Array; window: Block['window'] }> {
  const { reference, moving, truth } = syntheticPair({ ...opts, ...opts.shift });
  const used = { dx: opts.shift.dx + opts.error.dx, dy: opts.shift.dy + opts.error.dy };
  const norm = await fitNormalization(memoryReader(reference), memoryReader(moving), used);
  // Stay clear of the band the shift leaves without data.
  const window = { x: 16, y: 16, width: 480, height: 480 };
  const prev = await memoryReader(reference).read(window);
  const cur = applyNormalization(await memoryReader(moving).read(window, { shift: used }), norm);
  return { mask: changeMask(prev, cur), truth, window };
}

const share = (m: Uint8Array) => m.reduce((s, v) => s + v, 0) / m.length;

/** A `size`² RGB block, every pixel valid. */
function rgbBlock(size: number, bands: Float32Array[]): Block {
  return {
    window: { x: 0, y: 0, width: size, height: size },
    roles: ['red', 'green', 'blue'],
    bands,
    valid: new Uint8Array(size * size).fill(1),
  };
}

/**
 * changeDistances with the planes in the kernel memory (the WebAssembly judge over most pixels) gives
 * JavaScript's distances and sums bit for bit under each option set, over a range of distances.
 */
function expectKernelJudgesAsJs(
  size: number,
  prev: Float32Array[],
  cur: Float32Array[],
  optionSets: Array<Parameters<typeof changeDistances>[2]>,
): void {
  const owner = new KernelPlanes();
  for (const opts of optionSets) {
    const js = changeDistances(rgbBlock(size, prev), rgbBlock(size, cur), opts);
    const wasm = changeDistances(
      rgbBlock(size, copiesInKernel(owner, prev)),
      rgbBlock(size, copiesInKernel(owner, cur)),
      opts,
    );
    expect(js.trace.kernel).toBe(0);
    expect(wasm.trace.js).toBe(0);
    expect(wasm.trace.kernel).toBeGreaterThan((size * size) / 2);
    expect(new Set(js.dist).size).toBeGreaterThan(1000);
    expect(Array.from(wasm.dist)).toEqual(Array.from(js.dist));
    expect(Array.from(wasm.sums)).toEqual(Array.from(js.sums));
  }
  owner.freeAll();
}

/** A 64×64 RGB block of one colour with ±0.005 noise, and `patch` painted by `paint` over x 20–49, y 28–35. */
function plainBlock(rgb: [number, number, number], seed: number, paint?: (rgb: number[]) => number[]): Block {
  const n = 64 * 64;
  const rng = mulberry32(seed);
  const bands = [0, 1, 2].map(() => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    const x = i % 64;
    const y = Math.floor(i / 64);
    const inside = x >= 20 && x < 50 && y >= 28 && y < 36;
    const c = inside && paint ? paint(rgb) : rgb;
    for (let b = 0; b < 3; b++) bands[b]![i] = c[b]! + (rng() - 0.5) * 0.01;
  }
  return {
    window: { x: 0, y: 0, width: 64, height: 64 },
    roles: ['red', 'green', 'blue'],
    bands,
    valid: new Uint8Array(n).fill(1),
  };
}

/**
 * A new red container (rows 20–27) and, south of it (rows 28–35), ground dimmed per band by `dim`:
 * with the sun to the north that is the container's shadow and only the container counts; without
 * the sun, or with it to the south, the dim patch is an object too.
 */
function expectShadowBesideOnly(dim: [number, number, number], seed: number): void {
  const ground: [number, number, number] = [0.45, 0.43, 0.38];
  const before = plainBlock(ground, seed);
  const after = plainBlock(ground, seed + 1);
  for (let y = 20; y < 36; y++) {
    for (let x = 20; x < 50; x++) {
      const rgb = y < 28 ? [0.6, 0.2, 0.15] : ground.map((v, k) => v * dim[k]!);
      for (let k = 0; k < 3; k++) after.bands[k]![y * 64 + x] = rgb[k]!;
    }
  }
  const object = (30 * 8) / (64 * 64);
  const sun = (y: number) => ({ sunward: { previous: null, current: { x: 0, y } }, shadowReachPx: 10 });
  const withSun = share(changeMask(before, after, sun(-1)));
  expect(withSun).toBeGreaterThan(0.8 * object);
  expect(withSun).toBeLessThan(1.3 * object);
  expect(share(changeMask(before, after))).toBeGreaterThan(1.7 * object);
  expect(share(changeMask(before, after, sun(1)))).toBeGreaterThan(1.7 * object);
}

describe('changeMask', () => {
  it('flags at most 2 % of a no-change pair under illumination change, 0.3 px residual misregistration and noise', async () => {
    const rng = mulberry32(7);
    for (let k = 0; k < 4; k++) {
      const angle = rng() * 2 * Math.PI;
      const illumination: Illumination = {
        gain: [0.6 + 0.9 * rng(), 0.6 + 0.9 * rng(), 0.6 + 0.9 * rng()],
        gamma: 0.7 + 0.7 * rng(),
        haze: 0.15 * rng(),
      };
      const { mask } = await detect({
        seed: 50 + k,
        shift: { dx: (rng() - 0.5) * 10, dy: (rng() - 0.5) * 10 },
        error: { dx: 0.3 * Math.cos(angle), dy: 0.3 * Math.sin(angle) },
        illumination,
        noise: 0.02,
      });
      expect(share(mask)).toBeLessThan(0.02);
    }
    // Four 512² pairs through normalisation: ~40 s alone, past the default minute on a loaded machine.
  }, 180_000);

  it('finds new vessels and sheds against the unchanged background', async () => {
    const changes: Patch[] = [
      { x: 60, y: 380, width: 40, height: 10, rgb: [0.8, 0.8, 0.75] },
      { x: 200, y: 400, width: 60, height: 14, rgb: [0.55, 0.3, 0.25] },
      { x: 300, y: 100, width: 30, height: 30, rgb: [0.9, 0.9, 0.9] },
      { x: 120, y: 150, width: 24, height: 16, rgb: [0.1, 0.1, 0.12] },
    ];
    const { mask, truth, window } = await detect({
      seed: 61,
      shift: { dx: 3.2, dy: -1.7 },
      error: { dx: 0.2, dy: -0.1 },
      illumination: { gain: [1.2, 1.1, 0.9], gamma: 0.9, haze: 0.05 },
      noise: 0.02,
      changes,
    });
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let y = 0; y < window.height; y++) {
      for (let x = 0; x < window.width; x++) {
        const m = mask[y * window.width + x]!;
        const t = truth[(y + window.y) * 512 + x + window.x]!;
        tp += m & t;
        fp += m & (1 - t);
        fn += (1 - m) & t;
      }
    }
    expect(tp / (tp + fn)).toBeGreaterThan(0.85);
    expect(tp / (tp + fp)).toBeGreaterThan(0.85);
  });

  it('never marks a pixel changed where either image is invalid', () => {
    const { reference, moving } = syntheticPair({
      size: 64,
      seed: 3,
      changes: [{ x: 10, y: 10, width: 40, height: 40, rgb: [1, 1, 1] }],
    });
    const before = changeMask(reference, moving);
    expect(share(before)).toBeGreaterThan(0.2);
    reference.valid.fill(0, 0, 32 * 64);
    moving.valid.fill(0, 32 * 64);
    expect(share(changeMask(reference, moving))).toBe(0);
  });

  it('gives a pair the same mask whatever was computed before on blocks of its size (scratch planes come back zeroed)', () => {
    const pair = (seed: number, changes: Patch[]) => syntheticPair({ size: 128, seed, changes });
    const { reference, moving } = pair(5, [{ x: 20, y: 40, width: 30, height: 12, rgb: [1, 1, 1] }]);
    // A first call on another size leaves no scratch plane this size could reuse.
    const other = syntheticPair({ size: 64, seed: 6 });
    changeMask(other.reference, other.moving);
    const fresh = changeMask(reference, moving);
    expect(share(fresh)).toBeGreaterThan(0);
    // Changes in many tiles, side by side and apart, leave distances and levels in the scratch planes.
    const busy = pair(7, [
      { x: 0, y: 0, width: 128, height: 10, rgb: [1, 1, 1] },
      { x: 8, y: 30, width: 50, height: 40, rgb: [0, 0, 0] },
      { x: 70, y: 60, width: 20, height: 30, rgb: [1, 0, 0] },
      { x: 100, y: 100, width: 20, height: 20, rgb: [0, 0, 1] },
    ]);
    expect(share(changeMask(busy.reference, busy.moving))).toBeGreaterThan(0.2);
    expect(Array.from(changeMask(reference, moving))).toEqual(Array.from(fresh));
  });

  it('gives a kept MaskPlane the mask a fresh plane gets, call after call of other sizes and contents, labelled alike over its tiles', () => {
    /** The w × h window at (x0, y0) of a square block, in planes of its own. */
    const crop = (b: Block, x0: number, y0: number, w: number, h: number): Block => {
      const s = b.window.width;
      const take = <T extends Float32Array | Uint8Array>(p: T, out: T): T => {
        for (let y = 0; y < h; y++) out.set(p.subarray((y0 + y) * s + x0, (y0 + y) * s + x0 + w), y * w);
        return out;
      };
      return {
        window: { x: 0, y: 0, width: w, height: h },
        roles: b.roles,
        bands: b.bands.map((band) => take(band, new Float32Array(w * h))),
        valid: take(b.valid, new Uint8Array(w * h)),
      };
    };
    const busy = syntheticPair({
      size: 128,
      seed: 7,
      changes: [
        { x: 0, y: 0, width: 128, height: 10, rgb: [1, 1, 1] },
        { x: 8, y: 30, width: 50, height: 40, rgb: [0, 0, 0] },
        { x: 70, y: 60, width: 20, height: 30, rgb: [1, 0, 0] },
        { x: 100, y: 100, width: 20, height: 20, rgb: [0, 0, 1] },
        { x: 60, y: 0, width: 6, height: 128, rgb: [1, 1, 1] },
      ],
    });
    const quiet = syntheticPair({
      size: 128,
      seed: 5,
      changes: [{ x: 20, y: 40, width: 30, height: 12, rgb: [1, 1, 1] }],
    });
    // Big after small (the plane grows), small after big (a part of it), odd widths, one row, one
    // column, the busy pair before the quiet one at the same size (what it wrote must be cleared).
    const calls: [ReturnType<typeof syntheticPair>, number, number, number, number][] = [
      [quiet, 0, 0, 64, 64],
      [busy, 0, 0, 128, 128],
      [quiet, 0, 0, 128, 128],
      [busy, 3, 5, 97, 61],
      [busy, 0, 0, 128, 128],
      [busy, 61, 0, 1, 128],
      [busy, 0, 4, 128, 1],
      [busy, 1, 2, 125, 77],
      [quiet, 1, 2, 125, 77],
      [busy, 0, 0, 128, 128],
      [quiet, 0, 0, 1, 1],
      [quiet, 0, 0, 128, 128],
    ];
    const plane = new MaskPlane();
    let changed = 0;
    for (const [pair, x0, y0, w, h] of calls) {
      const p = crop(pair.reference, x0, y0, w, h);
      const c = crop(pair.moving, x0, y0, w, h);
      const fresh = changeMask(p, c);
      const kept = changeMask(p, c, {}, plane);
      expect(kept.length).toBe(w * h);
      expect(Array.from(kept)).toEqual(Array.from(fresh));
      // Labelled over the tiles the plane says may be set, the mask gives the labels of a whole scan.
      const tiles = plane.tiles();
      expect(tiles).not.toBeNull();
      const whole = labelComponents(fresh, w, h);
      const tiled = labelComponents(kept, w, h, { tiles });
      expect(tiled.components).toEqual(whole.components);
      expect(Array.from(tiled.labels)).toEqual(Array.from(whole.labels));
      changed += share(fresh) > 0 ? 1 : 0;
    }
    // Most calls changed something: the plane had pixels to clear.
    expect(changed).toBeGreaterThanOrEqual(8);
  });

  it('gives blocks whose planes lie in the kernel memory (read in place) the mask of their copies', () => {
    const { reference, moving } = syntheticPair({
      size: 128,
      seed: 9,
      changes: [
        { x: 20, y: 40, width: 30, height: 12, rgb: [1, 1, 1] },
        { x: 90, y: 10, width: 8, height: 30, rgb: [0.1, 0.1, 0.1] },
      ],
    });
    const owner = new KernelPlanes();
    const inKernel = (b: Block): Block => ({ ...b, bands: copiesInKernel(owner, b.bands) });
    const a = inKernel(reference);
    const b = inKernel(moving);
    expect(kernelAddress(a.bands[0]!)).toBeGreaterThan(0);
    const want = changeMask(reference, moving);
    expect(share(want)).toBeGreaterThan(0.02);
    expect(Array.from(changeMask(a, b))).toEqual(Array.from(want));
    owner.freeAll();
  });

  it('judges in the kernel (collect.wat judge3) as in JavaScript: hue turns, shadows, grey gains, saturated, NaN, deep shadows', () => {
    // A textured chromatic ground; on the current date, patches of each kind the judge tells apart.
    const size = 96;
    const n = size * size;
    const rng = mulberry32(31);
    const prev = [0, 1, 2].map(() => new Float32Array(n));
    for (let i = 0; i < n; i++) {
      const x = i % size;
      const y = (i - x) / size;
      prev[0]![i] = 0.35 + 0.15 * Math.sin(x / 6) + 0.02 * rng();
      prev[1]![i] = 0.3 + 0.1 * Math.cos(y / 5) + 0.02 * rng();
      prev[2]![i] = 0.2 + 0.05 * Math.sin((x + y) / 9) + 0.02 * rng();
    }
    const cur = prev.map((a) => a.map((v) => v + (rng() - 0.5) * 0.06));
    const patch = (
      x0: number,
      y0: number,
      w: number,
      h: number,
      f: (c: number[], x: number, y: number) => number[],
    ) => {
      for (let y = y0; y < y0 + h; y++) {
        for (let x = x0; x < x0 + w; x++) {
          const i = y * size + x;
          const v = f([cur[0]![i]!, cur[1]![i]!, cur[2]![i]!], x, y);
          for (let b = 0; b < 3; b++) cur[b]![i] = v[b]!;
        }
      }
    };
    patch(5, 5, 20, 10, ([r, g, b]) => [b!, r!, g! + 0.3]); // hue turned
    patch(40, 5, 12, 20, (c) => c.map((v) => v * 0.5)); // a shadow
    patch(60, 5, 15, 12, (c) => c.map((v) => v * 0.2)); // a deep one
    patch(5, 30, 18, 18, (c) => c.map(() => 0.5 + 0.1 * rng())); // grey roofs
    patch(30, 30, 20, 8, () => [0.999, 1, 0.999]); // saturated white
    patch(55, 30, 20, 20, () => [0.06 + 0.03 * rng(), 0.06 + 0.03 * rng(), 0.06 + 0.03 * rng()]); // dark, any hue
    patch(5, 60, 40, 12, (c, x) => (x % 3 === 0 ? c.map((v) => v * 1.08) : c)); // grey-ish gains, stripes
    patch(50, 60, 30, 25, ([r, g, b]) => [g! * 1.4, b! * 1.4, r! * 1.4]);
    // Lit in every band, up to levels bright enough that a shadow would not be this light (change-shadow.ts).
    patch(80, 5, 14, 50, (c, _x, y) => c.map((v) => v + 0.15 + 0.006 * (y - 5)));
    cur[1]![70 * size + 60] = Number.NaN;
    prev[0]![75 * size + 65] = Number.NaN;
    const block = (bands: Float32Array[]) => rgbBlock(size, bands);
    // The chroma dates: other planes (the survey's un-normalised reads).
    const own = (bands: Float32Array[]) => bands.map((a) => a.map((v) => v * 0.9 + 0.03));
    const owner = new KernelPlanes();
    const inKernel = (bands: Float32Array[]) => copiesInKernel(owner, bands);
    const options = [
      {},
      { minAreaPx: 1, minFill: 0, edgeShare: 0, threshold: 0.03, lowThreshold: 0.02 },
      {
        sunward: { previous: { x: 0.6, y: -0.8 }, current: { x: -1, y: 0 } },
        shadowReachPx: 10,
        tallShadowReachPx: 20,
      },
      { naturalWeight: 0.3, maxGain: 1.3, lowThreshold: 0.03 },
    ];
    // The first pixel (or tile) whose value differs bit for bit, -1 if none: NaN equals NaN, 0 is not −0.
    const firstDiff = (a: Float32Array | Float64Array, b: Float32Array | Float64Array) => {
      const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      const v = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      if (u.length !== v.length) return 0;
      for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return Math.floor(i / a.BYTES_PER_ELEMENT);
      return -1;
    };
    let left = 0;
    for (const opts of options) {
      for (const chroma of [false, true]) {
        const c = chroma ? { chroma: { previous: block(own(prev)), current: block(own(cur)) } } : {};
        const want = changeMask(block(prev), block(cur), { ...opts, ...c });
        const k = chroma
          ? { chroma: { previous: block(inKernel(own(prev))), current: block(inKernel(own(cur))) } }
          : {};
        const got = changeMask(block(inKernel(prev)), block(inKernel(cur)), { ...opts, ...k });
        expect(share(want)).toBeGreaterThan(0.01);
        expect(Array.from(got)).toEqual(Array.from(want));
        // The judge's outputs themselves (every judged pixel's weighted distance, after the deep
        // shadows settled, and the tile sums), not only the mask they lead to; and each from its path.
        const js = changeDistances(block(prev), block(cur), { ...opts, ...c });
        const wasm = changeDistances(block(inKernel(prev)), block(inKernel(cur)), { ...opts, ...k });
        expect(js.trace.kernel).toBe(0);
        expect(js.trace.js).toBeGreaterThan(500);
        expect(wasm.trace.js).toBe(0);
        expect(wasm.trace.kernel).toBeGreaterThan(500);
        left += wasm.trace.left;
        expect(js.dist.some((v) => v > 0.1)).toBe(true);
        expect(firstDiff(wasm.dist, js.dist)).toBe(-1);
        expect(firstDiff(wasm.sums, js.sums)).toBe(-1);
      }
    }
    // Pixels beside the NaN values: the kernel leaves them to the JavaScript.
    expect(left).toBeGreaterThan(0);
    owner.freeAll();
  });

  it('judges hue turns near 135° in the kernel as in JavaScript (judge3 settles clear ones without atan2)', () => {
    // A constant chromatic previous date; on the current one, each pixel's hue turned from it by an
    // angle of a ladder: 80°–180° over most rows, and a fine one around 135° (steps down to 1e-9 rad,
    // under the planes' single-precision rounding) over the rest. Neighbours turn alike, so each
    // pixel's two-way distance is its own change and its weight the turn (both dates saturated).
    const size = 64;
    const n = size * size;
    const base = 0.35;
    const colour = (hue: number): number[] => {
      const x = 0.6 * Math.cos(hue);
      const y = 0.6 * Math.sin(hue);
      const r = 0.45 + x / 3;
      return [r, (3 * 0.45 - r + y / Math.sqrt(3)) / 2, (3 * 0.45 - r - y / Math.sqrt(3)) / 2];
    };
    const turnAt = (i: number): number => {
      const fine = 40 * size;
      if (i < fine) return ((80 + (100 * i) / fine) * Math.PI) / 180;
      const k = i - fine;
      const step = 10 ** -(1 + (k % 9)); // 1e-1 … 1e-9 rad
      const side = Math.floor(k / 9) % 2 === 0 ? 1 : -1;
      return (3 * Math.PI) / 4 + side * step * (1 + Math.floor(k / 18) / 64);
    };
    const prev = [0, 1, 2].map(() => new Float32Array(n));
    const cur = [0, 1, 2].map(() => new Float32Array(n));
    const p = colour(base);
    for (let i = 0; i < n; i++) {
      const c = colour(base + turnAt(i));
      for (let b = 0; b < 3; b++) {
        prev[b]![i] = p[b]!;
        cur[b]![i] = c[b]!;
      }
    }
    // The turns as the judge sees them (from the single-precision planes): some within 1e-6 rad of
    // 135° on either side, where the kernel's settling test must leave the pixel to atan2.
    const hue = (bands: Float32Array[], i: number) =>
      Math.atan2(Math.sqrt(3) * (bands[1]![i]! - bands[2]![i]!), 2 * bands[0]![i]! - bands[1]![i]! - bands[2]![i]!);
    let under = 0;
    let over = 0;
    for (let i = 0; i < n; i++) {
      let turn = Math.abs(hue(prev, i) - hue(cur, i));
      if (turn > Math.PI) turn = 2 * Math.PI - turn;
      const off = turn - (3 * Math.PI) / 4;
      if (off < 0 && off > -1e-6) under++;
      if (off > 0 && off < 1e-6) over++;
    }
    expect(under).toBeGreaterThan(20);
    expect(over).toBeGreaterThan(20);
    // Turns under 135° weigh under 1: distances on both sides of it.
    expectKernelJudgesAsJs(size, prev, cur, [{}, { naturalWeight: 0.3 }]);
  });

  it('judges hue turns on greyish pixels in the kernel as in JavaScript (judge3 skips turns greyness outweighs)', () => {
    // Hue turns of 90°–180° across x; the saturation of each date across y (in opposite
    // directions), so that greyness (a, c) runs from 0 to 1 on each and crosses the turn's
    // cap min(1 − a, 1 − c) everywhere along it.
    const size = 64;
    const n = size * size;
    const colour = (hue: number, m: number): number[] => {
      const r = 0.45 + (m * Math.cos(hue)) / 3;
      const s = (m * Math.sin(hue)) / Math.sqrt(3);
      return [r, (3 * 0.45 - r + s) / 2, (3 * 0.45 - r - s) / 2];
    };
    const prev = [0, 1, 2].map(() => new Float32Array(n));
    const cur = [0, 1, 2].map(() => new Float32Array(n));
    for (let i = 0; i < n; i++) {
      const x = i % size;
      const y = (i - x) / size;
      const turn = ((90 + (90 * x) / size) * Math.PI) / 180;
      const p = colour(0.3, 0.02 + (0.5 * y) / size);
      const c = colour(0.3 + turn, 0.52 - (0.5 * y) / size);
      for (let b = 0; b < 3; b++) {
        prev[b]![i] = p[b]!;
        cur[b]![i] = c[b]!;
      }
    }
    expectKernelJudgesAsJs(size, prev, cur, [{}, { naturalWeight: 0.3 }, { chromaticSaturation: 0.5 }]);
  });

  it('judges ties, signed zeros and shadow-like dimming in the kernel as in JavaScript (judge3 pairs dates and bands in vector lanes)', () => {
    // Band values drawn often from a few levels, so that bands tie within a date (r = g, g = b: the
    // greyness's and ratios' choices), with −0 and values just under 0 and about the lit level; the
    // current date often the previous one dimmed or brightened evenly (the shadow scores), else new.
    const size = 96;
    const n = size * size;
    const rng = mulberry32(77);
    const levels = [-0, 0, -0.004, 0.004, 0.1, 0.3, 0.3, 0.5, 0.69, 0.7, 0.72, 0.998, 1];
    const level = () => (rng() < 0.6 ? levels[Math.floor(rng() * levels.length)]! : rng());
    const prev = [0, 1, 2].map(() => new Float32Array(n));
    const cur = [0, 1, 2].map(() => new Float32Array(n));
    for (let i = 0; i < n; i++) {
      const factor = [0.2, 0.45, 0.6, 0.68, 1.3][Math.floor(rng() * 5)]!;
      const even = rng() < 0.5;
      for (let b = 0; b < 3; b++) {
        prev[b]![i] = level();
        cur[b]![i] = even ? prev[b]![i]! * factor : level();
      }
    }
    expectKernelJudgesAsJs(size, prev, cur, [
      {},
      { naturalWeight: 0.3, maxGain: 1.3 },
      { sunward: { previous: { x: 0.6, y: -0.8 }, current: { x: -1, y: 0 } }, shadowReachPx: 10, shadowDiscount: 0.7 },
    ]);
  });

  it('ignores a changed speck smaller than the minimum blob size', () => {
    const { reference, moving } = syntheticPair({
      size: 64,
      seed: 4,
      noise: 0,
      changes: [{ x: 30, y: 30, width: 4, height: 4, rgb: [1, 1, 1] }],
    });
    // The blob a 4×4 speck makes on the smoothed score covers under 100 px.
    expect(share(changeMask(reference, moving, { minAreaPx: 100 }))).toBe(0);
    expect(share(changeMask(reference, moving, { minAreaPx: 1 }))).toBeGreaterThan(0);
  });

  it('works on grey single-band and RGB+NIR blocks', () => {
    const { reference, moving, truth } = syntheticPair({
      size: 64,
      seed: 5,
      changes: [{ x: 20, y: 20, width: 20, height: 12, rgb: [0.95, 0.95, 0.95] }],
    });
    const grey = (b: Block): Block => ({ ...b, roles: ['gray'], bands: [b.bands[1]!] });
    const withNir = (b: Block): Block => ({ ...b, roles: [...b.roles, 'nir'], bands: [...b.bands, b.bands[0]!] });
    const truthShare = share(truth);
    for (const [p, c] of [
      [grey(reference), grey(moving)],
      [withNir(reference), withNir(moving)],
    ] as const) {
      const mask = changeMask(p, c);
      expect(share(mask)).toBeGreaterThan(0.7 * truthShare);
      expect(share(mask)).toBeLessThan(1.5 * truthShare);
    }
  });

  it('ignores a shadow newly cast across unchanged ground, unless told not to', () => {
    // The generator's land shadow tone: every band dimmed by about half, blue a little less.
    const ground: [number, number, number] = [0.45, 0.43, 0.38];
    const before = plainBlock(ground, 11);
    const after = plainBlock(ground, 12, (c) => [c[0]! * 0.5, c[1]! * 0.52, c[2]! * 0.58]);
    expect(share(changeMask(before, after))).toBe(0);
    expect(share(changeMask(before, after, { shadowDiscount: 0 }))).toBeGreaterThan(0.03);
  });

  it('ignores a blue-tinged shadow (skylight only) across ground, but not a dark object dimming the other way', () => {
    // Measured on the rail yard's new car shadows: red kept ~0.5, green ~0.57, blue ~0.65 of the lit ground.
    const ground: [number, number, number] = [0.38, 0.37, 0.34];
    const before = plainBlock(ground, 15);
    const shade = plainBlock(ground, 16, (c) => [c[0]! * 0.5, c[1]! * 0.57, c[2]! * 0.65]);
    expect(share(changeMask(before, shade))).toBe(0);
    // The same spread in the opposite order is no skylight: a brown object, found in full.
    const object = plainBlock(ground, 17, (c) => [c[0]! * 0.65, c[1]! * 0.57, c[2]! * 0.5]);
    expect(share(changeMask(before, object))).toBeGreaterThan((0.8 * 30 * 8) / (64 * 64));
  });

  it('finds a dark red hull that left blue-green water, though both surfaces are chromatic', () => {
    const water: [number, number, number] = [0.1, 0.18, 0.19];
    const before = plainBlock(water, 13, () => [0.3, 0.09, 0.08]);
    const after = plainBlock(water, 14);
    const hull = (30 * 8) / (64 * 64);
    const found = share(changeMask(before, after));
    expect(found).toBeGreaterThan(0.8 * hull);
    expect(found).toBeLessThan(1.3 * hull);
  });

  it('takes a grey surface up to 10 % brighter in every band for light, not a brighter object', () => {
    // Concrete left brighter by a global normalisation (seed 830566's east quay: 1.1–1.2×).
    const concrete: [number, number, number] = [0.8, 0.8, 0.8];
    const before = plainBlock(concrete, 18);
    const lighter = plainBlock(concrete, 19, (c) => c.map((v) => v * 1.1));
    const patch = (30 * 8) / (64 * 64);
    expect(share(changeMask(before, lighter, { maxGain: 1 }))).toBeGreaterThan(0.8 * patch);
    expect(share(changeMask(before, lighter))).toBe(0);
    // Twice that (a lighter roof or hull) is found.
    const roof = plainBlock(concrete, 20, (c) => c.map((v) => v * 1.2));
    expect(share(changeMask(before, roof))).toBeGreaterThan(0.8 * patch);
  });

  it('ignores a deep shadow beside a new object on its side away from the sun, and only there', () => {
    // Where two shadows overlap: every band kept a quarter of the lit ground, darker than a shadow
    // alone is taken for.
    expectShadowBesideOnly([0.24, 0.25, 0.28], 21);
  });

  it('ignores an unevenly dimmed shadow beside a new object, and only there', () => {
    // A low winter sun's shade after a hazy date, normalised per band (seed 380228, 2025-12-14):
    // red kept far less than green and blue, wider apart than a shadow alone is taken for.
    expectShadowBesideOnly([0.37, 0.62, 0.64], 25);
  });

  it('ignores a deep shadow whose caster is a dark object dimmed unevenly, settled only once that object is told from shade', () => {
    // A dark object (rows 20–27) dims the ground unevenly, as shade beside a caster may but with no
    // caster of its own; south of it (rows 28–35) the ground keeps a quarter of the light in every
    // band. The shadow's walk towards the sun crosses the dark object, taken for shade at first and
    // for an object once nothing settled it (DeepShadows.settle's second pass).
    const ground: [number, number, number] = [0.45, 0.43, 0.38];
    const before = plainBlock(ground, 29);
    const after = plainBlock(ground, 30);
    for (let y = 20; y < 36; y++) {
      for (let x = 20; x < 50; x++) {
        const dim = y < 28 ? [0.37, 0.62, 0.64] : [0.24, 0.25, 0.28];
        for (let k = 0; k < 3; k++) after.bands[k]![y * 64 + x] = ground[k]! * dim[k]!;
      }
    }
    const object = (30 * 8) / (64 * 64);
    const north = { sunward: { previous: null, current: { x: 0, y: -1 } }, shadowReachPx: 10 };
    const withSun = share(changeMask(before, after, north));
    expect(withSun).toBeGreaterThan(0.8 * object);
    expect(withSun).toBeLessThan(1.3 * object);
    expect(share(changeMask(before, after))).toBeGreaterThan(1.7 * object);
  });

  it("ignores a superstructure's long double shadow beside its new block, past the common objects' reach", () => {
    // A white accommodation block (rows 6–9) arrived; its shadow over the hull's own (rows 10–37,
    // longer than common objects cast) keeps a quarter of the light (seed 347615, east quay).
    const { before, after } = newBlockWithDoubleShadow(35);
    const shadow = (30 * 28) / (64 * 64);
    const north = { sunward: { previous: null, current: { x: 0, y: -1 } }, shadowReachPx: 8 };
    expect(share(changeMask(before, after, { ...north, tallShadowReachPx: 32 }))).toBeLessThan(1.3 * NEW_BLOCK);
    expect(share(changeMask(before, after, north))).toBeGreaterThan(0.5 * shadow);
    // Two rows of lit ground break the walk: not one shadow.
    for (const y of [20, 21])
      for (let x = 20; x < 50; x++) for (let k = 0; k < 3; k++) after.bands[k]![y * 64 + x] = QUAY[k]!;
    expect(share(changeMask(before, after, { ...north, tallShadowReachPx: 32 }))).toBeGreaterThan(0.4 * shadow);
  });

  it('ignores a double shadow beyond a dark kerb it crosses, though the kerb changes too little to be judged', () => {
    // The quay's dark edge (rows 20–21) dims within noise under the shadow of a new block (rows
    // 6–9), but on the same date and in every band: the shadow runs on across it.
    const { before, after } = newBlockWithDoubleShadow(37, [20, 21]);
    const north = { sunward: { previous: null, current: { x: 0, y: -1 } }, shadowReachPx: 32 };
    expect(share(changeMask(before, after, north))).toBeLessThan(1.3 * NEW_BLOCK);
  });

  it('ignores a shadow beside a new object that changed by less than a seed, as a car 1–2 px wide does', () => {
    // The object (rows 25–27) only turned a little warmer, under the seed level; its shadow (rows
    // 28–35) dims as a low winter sun's shade after a hazy date does.
    const ground: [number, number, number] = [0.45, 0.45, 0.45];
    const before = plainBlock(ground, 27);
    const after = plainBlock(ground, 28);
    for (let y = 25; y < 36; y++) {
      for (let x = 20; x < 50; x++) {
        const rgb = y < 28 ? [0.5, 0.45, 0.4] : ground.map((v, k) => v * [0.37, 0.62, 0.64][k]!);
        for (let k = 0; k < 3; k++) after.bands[k]![y * 64 + x] = rgb[k]!;
      }
    }
    const shadow = (30 * 8) / (64 * 64);
    const north = { sunward: { previous: null, current: { x: 0, y: -1 } }, shadowReachPx: 10 };
    expect(share(changeMask(before, after, north))).toBeLessThan(0.2 * shadow);
    expect(share(changeMask(before, after))).toBeGreaterThan(0.8 * shadow);
  });

  it('finds a grey hull that left dark water, though it dims like a deep shadow beside its changed rim', () => {
    // Hatches (rows 28–35) inside a white rim (row 27); the water left is about a quarter as bright
    // in every band. On the date it is dark, the hull's place and the rim's are both water: one
    // surface, not a shadow beside its caster.
    const water: [number, number, number] = [0.12, 0.125, 0.13];
    const before = plainBlock(water, 23, () => [0.5, 0.5, 0.52]);
    for (let x = 20; x < 50; x++) for (let k = 0; k < 3; k++) before.bands[k]![27 * 64 + x] = 0.85;
    const after = plainBlock(water, 24);
    const north = { sunward: { previous: null, current: { x: 0, y: -1 } }, shadowReachPx: 10 };
    expect(share(changeMask(before, after, north))).toBeGreaterThan((0.8 * 30 * 8) / (64 * 64));
  });

  it("leaves out a departed car's shadow fringe, dimmed too little for a shadow on its own", () => {
    // A column across a light rail car that left dark ballast (seed 961630, quay-siding, 2025-08-14;
    // ×100, earlier > later): the car (rows 28–30; row 27, changing by under half as much the same
    // way, its blurred edge) and, away from the sun, its shadow's blurred edge (rows 25–26, 0.65–0.77
    // of the ground: too little for a shadow on its own).
    const column = [
      '49/47/45>49/47/44',
      '50/49/46>48/46/43',
      '48/46/44>52/49/47',
      '40/39/37>53/50/47',
      '33/33/31>49/46/43',
      '45/43/41>34/32/29',
      '67/65/62>29/27/24',
      '68/66/62>28/26/24',
      '48/47/44>33/31/28',
      '54/52/49>50/47/44',
      '55/54/51>54/52/49',
    ].map((row) => row.split('>').map((rgb) => rgb.split('/').map((v) => Number(v) / 100)));
    const ground: [number, number, number] = [0.49, 0.47, 0.45];
    const before = plainBlock(ground, 31);
    const after = plainBlock(ground, 32);
    column.forEach(([p, c], k) => {
      for (let x = 20; x < 50; x++) {
        for (let b = 0; b < 3; b++) {
          before.bands[b]![(22 + k) * 64 + x] = p![b]!;
          after.bands[b]![(22 + k) * 64 + x] = c![b]!;
        }
      }
    });
    const car = (30 * 3) / (64 * 64);
    const south = { sunward: { previous: { x: 0, y: 1 }, current: null }, shadowReachPx: 10 };
    const withSun = share(changeMask(before, after, south));
    expect(withSun).toBeGreaterThan(0.9 * car);
    expect(withSun).toBeLessThan(1.15 * car);
    expect(share(changeMask(before, after))).toBeGreaterThan(1.3 * car);
  });

  it('leaves out the blurred rims of a departed white car where a dark one now stands', () => {
    // A column across the cars (seed 656465, rail-yard, 2025-11-13; ×100, earlier > later): the
    // cars (rows 27–29) and the rows either side, each date's car blended with the ground there,
    // changing by under a fifth of the cars' change in the same direction.
    const column = [
      '21/20/20>21/22/20',
      '24/24/23>23/23/22',
      '28/27/26>20/20/17',
      '63/62/59>16/16/13',
      '71/72/67>16/15/16',
      '57/59/56>17/16/17',
      '24/23/24>19/18/19',
      '21/21/21>22/22/21',
    ].map((row) => row.split('>').map((rgb) => rgb.split('/').map((v) => Number(v) / 100)));
    const ground: [number, number, number] = [0.22, 0.22, 0.21];
    const before = plainBlock(ground, 33);
    const after = plainBlock(ground, 34);
    column.forEach(([p, c], k) => {
      for (let x = 20; x < 50; x++) {
        for (let b = 0; b < 3; b++) {
          before.bands[b]![(24 + k) * 64 + x] = p![b]!;
          after.bands[b]![(24 + k) * 64 + x] = c![b]!;
        }
      }
    });
    const mask = changeMask(before, after);
    const rows = (y: number) => mask.subarray(y * 64 + 20, y * 64 + 50).reduce((s, v) => s + v, 0);
    for (const y of [27, 28, 29]) expect(rows(y)).toBeGreaterThan(27);
    for (const y of [26, 30]) expect(rows(y)).toBeLessThan(3);
  });

  it("points each date towards its sun on a north-up grid, and reaches as far as the tallest objects' shadows", () => {
    // South-east at 45°: shadows fall north-west, one metre per metre of height.
    const o = sunChangeOptions({ previous: { azimuthDeg: 135, elevationDeg: 45 }, current: null }, 2);
    expect(o.sunward.previous!.x).toBeCloseTo(Math.SQRT1_2, 6);
    expect(o.sunward.previous!.y).toBeCloseTo(Math.SQRT1_2, 6);
    expect(o.sunward.current).toBeNull();
    expect(o.shadowReachPx).toBe(4);
    expect(o.tallShadowReachPx).toBe(8);
    expect(
      sunChangeOptions({ previous: { azimuthDeg: 90, elevationDeg: -5 }, current: null }, 2).sunward.previous,
    ).toBeNull();
  });

  it('gives planes in the kernel the distances, tile sums and mask of their JavaScript copies at any width, whatever ran before (kept lists and envelopes reused)', () => {
    // Odd widths, one row, one column, a plane with every pixel changed and one with none: the
    // kernel's results are written along rows followed as the indices rise, into lists kept from
    // call to call (a wider call before leaves them longer and holding its pixels).
    const pairOf = (w: number, h: number, seed: number, changed: number) => {
      const rng = mulberry32(seed);
      const n = w * h;
      const prev = [0, 1, 2].map(() => Float32Array.from({ length: n }, () => 0.2 + 0.5 * rng()));
      const cur = prev.map((band) => band.map((v) => (rng() < changed ? rng() : v + (rng() - 0.5) * 0.02)));
      return { prev, cur };
    };
    const block = (w: number, h: number, bands: Float32Array[]): Block => ({
      window: { x: 0, y: 0, width: w, height: h },
      roles: ['red', 'green', 'blue'],
      bands,
      valid: new Uint8Array(w * h).fill(1),
    });
    const shapes: Array<[number, number, number]> = [
      [37, 29, 0.3],
      [1, 70, 0.5],
      [70, 1, 0.5],
      [131, 45, 0.05],
      [50, 40, 1],
      [50, 40, 0],
    ];
    const owner = new KernelPlanes();
    const results = () =>
      shapes.map(([w, h, changed], k) => {
        const { prev, cur } = pairOf(w, h, 300 + k, changed);
        const js = [block(w, h, prev), block(w, h, cur)] as const;
        const inKernel = [block(w, h, copiesInKernel(owner, prev)), block(w, h, copiesInKernel(owner, cur))] as const;
        const want = changeDistances(...js);
        const got = changeDistances(...inKernel);
        if (w > 2 && h > 2 && changed > 0) expect(got.trace.kernel).toBeGreaterThan(0);
        expect(Array.from(got.dist)).toEqual(Array.from(want.dist));
        expect(Array.from(got.sums)).toEqual(Array.from(want.sums));
        const mask = changeMask(...inKernel);
        expect(Array.from(mask)).toEqual(Array.from(changeMask(...js)));
        return mask;
      });
    const first = results();
    expect(first[4]!.some((v) => v === 1)).toBe(true);
    expect(first[5]!.every((v) => v === 0)).toBe(true);
    // A wide, busy pair grows the kept lists past what the shapes need (in the kernel, and as JavaScript
    // planes: their envelopes are listed as collected); the shapes' masks stay theirs.
    const busy = pairOf(700, 64, 9, 0.5);
    changeMask(block(700, 64, copiesInKernel(owner, busy.prev)), block(700, 64, copiesInKernel(owner, busy.cur)));
    changeMask(block(700, 64, busy.prev), block(700, 64, busy.cur));
    const again = results();
    for (let k = 0; k < shapes.length; k++) expect(Array.from(again[k]!)).toEqual(Array.from(first[k]!));
    owner.freeAll();
  });

  it('with deep shadows, gives planes in the kernel (envelopes taken as collected, judged in the kernel) the distances, tile sums and mask of their JavaScript copies', () => {
    // Shadow-like dimming (every band by one factor) beside brightened objects, so that deep-shadow
    // candidates, casters and their settling all occur; widths not a multiple of a tile.
    const sun = {
      sunward: { previous: { x: 0.6, y: -0.8 }, current: { x: -0.6, y: -0.8 } },
      shadowReachPx: 6,
      tallShadowReachPx: 20,
    };
    const owner = new KernelPlanes();
    for (const [w, h, seed] of [
      [77, 61, 5],
      [150, 40, 6],
    ] as const) {
      const rng = mulberry32(seed);
      const n = w * h;
      const prev = [0, 1, 2].map(() => Float32Array.from({ length: n }, () => 0.3 + 0.3 * rng()));
      const cur = prev.map((band) => band.map((v) => v + (rng() - 0.5) * 0.02));
      // Objects turned bright, each with a patch dimmed alike in every band (a deep shadow's look)
      // beside it, on either side.
      // Two of them in the corners: border pixels' envelopes must come from the collect too.
      for (let k = 0; k < 14; k++) {
        const x0 = k === 12 ? 0 : k === 13 ? w - 24 : Math.floor(rng() * (w - 24));
        const y0 = k === 12 ? 0 : k === 13 ? h - 8 : Math.floor(rng() * (h - 10));
        const side = rng() < 0.5 ? 0 : 12;
        for (let y = y0; y < y0 + 8; y++) {
          for (let x = x0; x < x0 + 24; x++) {
            const i = y * w + x;
            const lit = x - x0 < 12 === (side === 0);
            for (let b = 0; b < 3; b++) cur[b]![i] = lit ? 0.95 : prev[b]![i]! * 0.22;
          }
        }
      }
      const block = (bands: Float32Array[]): Block => ({
        window: { x: 0, y: 0, width: w, height: h },
        roles: ['red', 'green', 'blue'],
        bands,
        valid: new Uint8Array(n).fill(1),
      });
      const js = [block(prev), block(cur)] as const;
      const inKernel = [block(copiesInKernel(owner, prev)), block(copiesInKernel(owner, cur))] as const;
      const want = changeDistances(...js, sun);
      const got = changeDistances(...inKernel, sun);
      expect(got.trace.kernel).toBeGreaterThan(0);
      expect(want.trace.kernel).toBe(0);
      // No envelope is left to compute after the collect (before: those of pixels at the border).
      expect(got.trace.left).toBe(0);
      expect(Array.from(got.dist)).toEqual(Array.from(want.dist));
      expect(Array.from(got.sums)).toEqual(Array.from(want.sums));
      const mask = changeMask(...inKernel, sun);
      expect(mask.some((v) => v === 1)).toBe(true);
      expect(Array.from(mask)).toEqual(Array.from(changeMask(...js, sun)));
      // The deep shadows were settled: without the sun's direction the mask differs.
      expect(Array.from(mask)).not.toEqual(Array.from(changeMask(...js)));
    }
    owner.freeAll();
  });

  it('refuses blocks of different sizes', () => {
    const a = syntheticPair({ size: 32, seed: 1 }).reference;
    const b = syntheticPair({ size: 64, seed: 1 }).reference;
    expect(() => changeMask(a, b)).toThrow(/blocks differ in size: previous 32×32, current 64×64/);
  });
});

/** The quay the double-shadow tests build on. */
const QUAY: [number, number, number] = [0.45, 0.43, 0.38];
/** Share of the 64² test block that the new white block (rows 6–9, columns 20–49) covers. */
const NEW_BLOCK = (30 * 4) / (64 * 64);

/**
 * A quay (noise seeds `seed`, `seed` + 1) where a white block arrived (rows 6–9, columns 20–49) and its
 * shadow doubles another south of it (rows 10–37: a quarter of the light). `kerb` rows are dark on
 * both dates, under the same shadow on the second.
 */
function newBlockWithDoubleShadow(seed: number, kerb: number[] = []): { before: Block; after: Block } {
  const before = plainBlock(QUAY, seed);
  const after = plainBlock(QUAY, seed + 1);
  for (let y = 6; y < 38; y++) {
    const lit = kerb.includes(y) ? [0.03, 0.03, 0.03] : QUAY;
    const rgb = y < 10 ? [0.86, 0.86, 0.84] : lit.map((v, k) => v * [0.22, 0.23, 0.26][k]!);
    for (let x = 20; x < 50; x++) {
      for (let k = 0; k < 3; k++) {
        if (lit !== QUAY) before.bands[k]![y * 64 + x] = lit[k]!;
        after.bands[k]![y * 64 + x] = rgb[k]!;
      }
    }
  }
  return { before, after };
}
