/**
 * Synthetic image pairs with exactly known sub-pixel shift, illumination and change, for the
 * registration, normalisation and change tests and benches. A scene is band-limited, so shifting
 * it by a phase ramp in the Fourier domain is exact (no interpolation error in the truth).
 */

import { mulberry32 } from '../../sample-tiles/random.ts';
import { fft2d } from '../fft.ts';
import type { BandRole, Block } from '../types.ts';

/** The seeded PRNG of the sample generator, re-exported for tests. */
export { mulberry32 };

/** Per-band radiometric change applied to the moving image: v' = gain·v^gamma + haze. */
export interface Illumination {
  gain: [number, number, number];
  gamma: number;
  haze: number;
}

const NO_ILLUMINATION: Illumination = { gain: [1, 1, 1], gamma: 1, haze: 0 };

/** A rectangle (reference pixels) with an RGB colour: a changed object. */
export interface Patch {
  x: number;
  y: number;
  width: number;
  height: number;
  rgb: [number, number, number];
}

export interface PairOptions {
  /** Side of the square scene, a power of two. */
  size?: number;
  seed?: number;
  /** Content at reference (x, y) is at moving (x + dx, y + dy). */
  dx?: number;
  dy?: number;
  illumination?: Illumination;
  /** Std-dev of Gaussian noise added to every band of both images (0..1 units). */
  noise?: number;
  /** Objects present only in the moving image (reference coordinates). */
  changes?: Patch[];
  /** Make the whole scene flat water (no texture but noise). */
  flat?: boolean;
}

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
}

/** Planar RGB layers of a port-like scene: fractal texture, water, piers and buildings. */
function sceneLayers(n: number, seed: number, flat: boolean): Float64Array[] {
  const rng = mulberry32(seed);
  const bands = [0, 1, 2].map(() => new Float64Array(n * n));
  if (flat) {
    for (const b of bands) b.fill(0.2);
    return bands;
  }
  // 1/f^1.6 texture: a terrain-like field.
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let v = 0; v < n; v++) {
    for (let u = 0; u < n; u++) {
      const fu = u < n / 2 ? u : u - n;
      const fv = v < n / 2 ? v : v - n;
      const f = Math.hypot(fu, fv);
      if (f === 0) continue;
      const amp = f ** -1.6;
      re[v * n + u] = amp * gaussian(rng);
      im[v * n + u] = amp * gaussian(rng);
    }
  }
  fft2d(re, im, n, true);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of re) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const tint = [0.9, 1.0, 0.8];
  for (let i = 0; i < n * n; i++) {
    const t = (re[i]! - lo) / (hi - lo);
    for (let b = 0; b < 3; b++) bands[b]![i] = 0.15 + 0.5 * t * tint[b]!;
  }
  // Water in the lower third, then piers and buildings on top.
  const water = [0.08, 0.12, 0.16];
  for (let y = Math.floor((2 * n) / 3); y < n; y++) {
    for (let x = 0; x < n; x++) for (let b = 0; b < 3; b++) bands[b]![y * n + x] = water[b]! + 0.02 * re[y * n + x]!;
  }
  const rects = Math.round((n * n) / 4000);
  for (let k = 0; k < rects; k++) {
    const w = 4 + Math.floor(rng() * 40);
    const h = 4 + Math.floor(rng() * 40);
    const x0 = Math.floor(rng() * (n - w));
    const y0 = Math.floor(rng() * (n - h));
    const grey = 0.2 + 0.7 * rng();
    const rgb = [grey * (0.8 + 0.4 * rng()), grey, grey * (0.8 + 0.4 * rng())];
    paint(bands, n, { x: x0, y: y0, width: w, height: h, rgb: rgb as [number, number, number] });
  }
  return bands;
}

function paint(bands: Float64Array[], n: number, p: Patch): void {
  for (let y = Math.max(0, p.y); y < Math.min(n, p.y + p.height); y++) {
    for (let x = Math.max(0, p.x); x < Math.min(n, p.x + p.width); x++) {
      for (let b = 0; b < 3; b++) bands[b]![y * n + x] = p.rgb[b]!;
    }
  }
}

/** Band-limits a layer (Gaussian optics blur, σ ≈ 0.6 px) and shifts it by (dx, dy) exactly. */
function blurShift(layer: Float64Array, n: number, dx: number, dy: number): Float64Array {
  const re = Float64Array.from(layer);
  const im = new Float64Array(n * n);
  fft2d(re, im, n);
  const sigmaF = 1 / (2 * Math.PI * 0.6); // cycles/px
  for (let v = 0; v < n; v++) {
    const fv = (v < n / 2 ? v : v - n) / n;
    for (let u = 0; u < n; u++) {
      const fu = (u < n / 2 ? u : u - n) / n;
      const g = Math.exp(-(fu * fu + fv * fv) / (2 * sigmaF * sigmaF));
      // Content at x moves to x + d: multiply by e^{-2πi f·d}.
      const a = -2 * Math.PI * (fu * dx + fv * dy);
      const c = Math.cos(a) * g;
      const s = Math.sin(a) * g;
      const i = v * n + u;
      const r = re[i]!;
      re[i] = r * c - im[i]! * s;
      im[i] = r * s + im[i]! * c;
    }
  }
  fft2d(re, im, n, true);
  return re;
}

function toBlock(bands: Float64Array[], n: number, ill: Illumination, noise: number, rng: () => number): Block {
  const out = bands.map((b, bi) => {
    const f = new Float32Array(n * n);
    for (let i = 0; i < n * n; i++) {
      const v = Math.max(0, Math.min(1, b[i]!));
      const w = ill.gain[bi]! * v ** ill.gamma + ill.haze + noise * gaussian(rng);
      f[i] = Math.max(0, Math.min(1, w));
    }
    return f;
  });
  const roles: BandRole[] = ['red', 'green', 'blue'];
  return { window: { x: 0, y: 0, width: n, height: n }, roles, bands: out, valid: new Uint8Array(n * n).fill(1) };
}

/**
 * A reference image and a moving image of the same synthetic scene: the moving one shifted by
 * (dx, dy), relit by `illumination`, with `changes` painted in; both with noise. `truth` marks
 * the changed pixels in reference coordinates.
 */
export function syntheticPair(opts: PairOptions = {}): { reference: Block; moving: Block; truth: Uint8Array } {
  const { size = 512, seed = 1, dx = 0, dy = 0, illumination = NO_ILLUMINATION, noise = 0.01 } = opts;
  const n = size;
  const layers = sceneLayers(n, seed, opts.flat ?? false);
  const after = layers.map((l) => Float64Array.from(l));
  const truth = new Uint8Array(n * n);
  for (const p of opts.changes ?? []) {
    paint(after, n, p);
    for (let y = Math.max(0, p.y); y < Math.min(n, p.y + p.height); y++)
      truth.fill(1, y * n + Math.max(0, p.x), y * n + Math.min(n, p.x + p.width));
  }
  const rng = mulberry32(seed ^ 0x5bd1e995);
  const reference = toBlock(
    layers.map((l) => blurShift(l, n, 0, 0)),
    n,
    NO_ILLUMINATION,
    noise,
    rng,
  );
  const moving = toBlock(
    after.map((l) => blurShift(l, n, dx, dy)),
    n,
    illumination,
    noise,
    rng,
  );
  return { reference, moving, truth };
}
