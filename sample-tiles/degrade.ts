/**
 * Turns a clean ground canvas into what a sensor delivers on one date: waves, clouds and their shadows,
 * misregistration (sub-pixel shift), gain, tint, gamma, haze and noise, quantised to 8-bit RGB.
 */
import type { Pt } from './layout.ts';
import { deriveSeed, fbm, gaussian, mulberry32, valueNoise } from './random.ts';
import { type Canvas, smoothstep } from './raster.ts';

/** A cloud bank: soft fractal blob of radius `radius` pixels around (cx, cy), `height` m above the sea. */
export interface Cloud {
  cx: number;
  cy: number;
  radius: number;
  height: number;
  seed: number;
}

/** Per-date radiometry: out = h·hazeColour + (1 − h)·(gain·tint·v)^gamma + noise, h = haze ± 45 % patchiness. */
export interface Radiometry {
  gain: number;
  gamma: number;
  tint: readonly [number, number, number];
  haze: number;
  /** Sensor noise, standard deviation in 8-bit digital numbers. */
  noiseDn: number;
}

export const NEUTRAL: Radiometry = { gain: 1, gamma: 1, tint: [1, 1, 1], haze: 0, noiseDn: 0 };

/** Opacity at which a pixel counts as obscured in truth (cloud mask 255) or shadowed (128). */
const CLOUD_OPACITY = 0.2;

/** Gentle wind waves and a date-specific tone over open water (water = 1). */
export function addWaves(canvas: Canvas, water: Uint8Array, seed: number): void {
  const rng = mulberry32(deriveSeed(seed, 'waves'));
  const dir = rng() * Math.PI;
  const k1 = (2 * Math.PI) / (7 + rng() * 8);
  const k2 = k1 * 1.7;
  const amp = 0.004 + rng() * 0.008;
  const ph = rng() * 100;
  const cs = Math.cos(dir);
  const sn = Math.sin(dir);
  const cs2 = Math.cos(dir + 0.6);
  const sn2 = Math.sin(dir + 0.6);
  const tone = deriveSeed(seed, 'tone');
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) {
      const i = y * canvas.width + x;
      if (!water[i]) continue;
      const m = valueNoise(x, y, 40, tone);
      const w = amp * m * (Math.sin(k1 * (x * cs + y * sn) + ph) + 0.6 * Math.sin(k2 * (x * cs2 + y * sn2)));
      const t = 1 + (valueNoise(x, y, 350, tone + 1) - 0.5) * 0.08;
      canvas.r[i] = canvas.r[i]! * t + w;
      canvas.g[i] = canvas.g[i]! * t + w;
      canvas.b[i] = canvas.b[i]! * t + w * 1.1;
    }
  }
}

/**
 * Paints clouds and their shadows (displaced by `shadowPerM` × height) and returns the truth mask on the
 * same grid: 255 cloud, 128 cloud shadow, 0 clear.
 */
export function addClouds(canvas: Canvas, clouds: readonly Cloud[], shadowPerM: Pt): Uint8Array {
  const { width, height } = canvas;
  const mask = new Uint8Array(width * height);
  for (const c of clouds) {
    const ox = shadowPerM[0] * c.height;
    const oy = shadowPerM[1] * c.height;
    const opacity = (x: number, y: number) => {
      const e = 1 - Math.hypot(x - c.cx, y - c.cy) / c.radius;
      if (e <= -0.2) return 0;
      return smoothstep(0.42, 0.72, fbm(x, y, 160, 5, c.seed) * 0.6 + e * 0.7);
    };
    const pad = c.radius * 1.25;
    const x0 = Math.max(0, Math.floor(Math.min(c.cx, c.cx + ox) - pad));
    const x1 = Math.min(width - 1, Math.ceil(Math.max(c.cx, c.cx + ox) + pad));
    const y0 = Math.max(0, Math.floor(Math.min(c.cy, c.cy + oy) - pad));
    const y1 = Math.min(height - 1, Math.ceil(Math.max(c.cy, c.cy + oy) + pad));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const i = y * width + x;
        const s = opacity(x - ox, y - oy);
        if (s > 0) {
          const k = 1 - 0.55 * s;
          canvas.r[i] = canvas.r[i]! * k;
          canvas.g[i] = canvas.g[i]! * k;
          canvas.b[i] = canvas.b[i]! * k * 1.05;
          if (s >= CLOUD_OPACITY && mask[i] === 0) mask[i] = 128;
        }
        const a = opacity(x, y);
        if (a > 0) {
          const body = 0.8 + 0.16 * fbm(x, y, 30, 3, c.seed + 7);
          canvas.r[i] = canvas.r[i]! * (1 - a) + body * a;
          canvas.g[i] = canvas.g[i]! * (1 - a) + body * a;
          canvas.b[i] = canvas.b[i]! * (1 - a) + (body + 0.03) * a;
          if (a >= CLOUD_OPACITY) mask[i] = 255;
        }
      }
    }
  }
  return mask;
}

const NOISE_TABLE = 1 << 16;
const LUT = 8192;
/** Largest linear value the radiometry table covers (gain up to ~1.3 on reflectance ≤ 1, plus cloud tops). */
const LUT_MAX = 2;

/** Standard normal deviates drawn once per image, then indexed at random: Box–Muller per pixel costs 3×. */
function gaussianTable(rng: () => number): Float32Array {
  return Float32Array.from({ length: NOISE_TABLE }, () => gaussian(rng));
}

/**
 * The sensor's point-spread function: a separable [0.15, 0.7, 0.15] kernel (σ ≈ 0.55 px), so edges and
 * sub-metre gaps soften as in real 1 m imagery instead of staying render-crisp. Returns a new plane.
 */
function blur(p: Float32Array, width: number, height: number): Float32Array {
  const tmp = new Float32Array(p.length);
  const out = new Float32Array(p.length);
  const a = 0.15;
  const c = 1 - 2 * a;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const l = x > 0 ? x - 1 : 0;
      const r = x < width - 1 ? x + 1 : x;
      tmp[row + x] = a * p[row + l]! + c * p[row + x]! + a * p[row + r]!;
    }
  }
  for (let y = 0; y < height; y++) {
    const up = (y > 0 ? y - 1 : 0) * width;
    const row = y * width;
    const dn = (y < height - 1 ? y + 1 : y) * width;
    for (let x = 0; x < width; x++) out[row + x] = a * tmp[up + x]! + c * tmp[row + x]! + a * tmp[dn + x]!;
  }
  return out;
}

/** Catmull-Rom (Keys a = −0.5) weights for fractional offset t. */
function cubicWeights(t: number, w: Float64Array): void {
  const t2 = t * t;
  const t3 = t2 * t;
  w[0] = -0.5 * t3 + t2 - 0.5 * t;
  w[1] = 1.5 * t3 - 2.5 * t2 + 1;
  w[2] = -1.5 * t3 + 2 * t2 + 0.5 * t;
  w[3] = 0.5 * t3 - 0.5 * t2;
}

/**
 * Applies misregistration and radiometry and quantises to interleaved 8-bit RGB. Content moves by
 * (+dx, +dy): image pixel (x, y) shows reference pixel (x − dx, y − dy), so reading the image with
 * shift {dx, dy} re-aligns it. Bicubic, edges clamped (the outer 5 px smear, as resampled imagery does).
 */
export function expose(canvas: Canvas, shift: { dx: number; dy: number }, radio: Radiometry, seed: number): Buffer {
  const { width, height } = canvas;
  const out = Buffer.alloc(width * height * 3);
  const rng = mulberry32(deriveSeed(seed, 'noise'));
  const ix = Math.floor(-shift.dx);
  const iy = Math.floor(-shift.dy);
  const wx = new Float64Array(4);
  const wy = new Float64Array(4);
  cubicWeights(-shift.dx - ix, wx);
  cubicWeights(-shift.dy - iy, wy);
  const exact = shift.dx === 0 && shift.dy === 0;
  const planes = [canvas.r, canvas.g, canvas.b].map((p) => blur(p, width, height));
  const hazeColour = [0.78, 0.8, 0.84];
  const sigma = radio.noiseDn / 255;
  const clamp = (v: number, n: number) => (v < 0 ? 0 : v >= n ? n - 1 : v);
  // Source columns of the four taps, per output column (rows are per output row).
  const cols = [0, 1, 2, 3].map((k) => Int32Array.from({ length: width }, (_, x) => clamp(x + ix - 1 + k, width)));
  const [c0, c1, c2, c3] = cols as [Int32Array, Int32Array, Int32Array, Int32Array];
  const [w0, w1, w2, w3] = wx as unknown as [number, number, number, number];
  const noise = gaussianTable(rng);
  // Gamma through a table: pow per sample dominated the time. Step 0.12 DN, below quantisation.
  const gains = radio.tint.map((t) => (radio.gain * t * (LUT - 1)) / LUT_MAX);
  const lut = Float32Array.from({ length: LUT }, (_, k) => ((k / (LUT - 1)) * LUT_MAX) ** radio.gamma);
  // Haze is patchy: its thickness drifts ±45 % over ~600 m, so no single offset normalises a whole image.
  const hazeSeed = deriveSeed(seed, 'haze');
  const hz = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    const rows = [0, 1, 2, 3].map((k) => clamp(y + iy - 1 + k, height) * width);
    if (radio.haze > 0)
      for (let x = 0; x < width; x++) hz[x] = radio.haze * (0.55 + 0.9 * valueNoise(x, y, 600, hazeSeed));
    for (let b = 0; b < 3; b++) {
      const p = planes[b]!;
      const gain = gains[b]!;
      const hc = hazeColour[b]!;
      for (let x = 0; x < width; x++) {
        let v: number;
        if (exact) v = p[y * width + x]!;
        else {
          const a0 = c0[x]!;
          const a1 = c1[x]!;
          const a2 = c2[x]!;
          const a3 = c3[x]!;
          v = 0;
          for (let j = 0; j < 4; j++) {
            const row = rows[j]!;
            v += wy[j]! * (w0 * p[row + a0]! + w1 * p[row + a1]! + w2 * p[row + a2]! + w3 * p[row + a3]!);
          }
        }
        const k = gain * v;
        const h = hz[x]!;
        let s = h * hc + (1 - h) * lut[k <= 0 ? 0 : k >= LUT - 1 ? LUT - 1 : Math.round(k)]!;
        if (sigma > 0) s += sigma * noise[(rng() * NOISE_TABLE) | 0]!;
        const q = Math.round(s * 255);
        out[(y * width + x) * 3 + b] = Math.max(0, Math.min(255, q));
      }
    }
  }
  return out;
}
