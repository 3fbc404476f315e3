/** Paints the static ground of the port (sea, land cover, apron, roads, piers, tracks) once per scene. */
import type { Layout, Pt, Strip } from './layout.ts';
import { deriveSeed, fbm, valueNoise } from './random.ts';
import { type Canvas, clamp01, createCanvas, paint, smoothstep } from './raster.ts';

/** The static ground and which pixels are open water (waves and glint vary per date there). */
export interface Ground {
  canvas: Canvas;
  water: Uint8Array;
}

type Rgb = [number, number, number];

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

// Colours are display values 0..1, tuned against PlanetScope/Pleiades port chips (dark green-blue sea,
// pale concrete aprons, brownish bare ground).
const SEA: Rgb = [0.085, 0.165, 0.17];
const SHALLOW: Rgb = [0.2, 0.25, 0.2];
const CONCRETE: Rgb = [0.6, 0.59, 0.55];
const ASPHALT: Rgb = [0.24, 0.24, 0.25];
const SOIL: Rgb = [0.47, 0.42, 0.34];
const GRASS: Rgb = [0.27, 0.32, 0.17];
const FOREST: Rgb = [0.11, 0.17, 0.08];
const GRAVEL: Rgb = [0.45, 0.42, 0.38];
const TOWN: Rgb = [0.44, 0.42, 0.39];
const ROCK: Rgb = [0.36, 0.34, 0.31];

/** Paints the ground of `layout` (deterministic for `seed`). */
export function paintGround(layout: Layout, seed: number): Ground {
  const { width, height } = layout;
  const canvas = createCanvas(width, height);
  const water = new Uint8Array(width * height);
  const s1 = deriveSeed(seed, 'ground-1');
  const s2 = deriveSeed(seed, 'ground-2');
  const s3 = deriveSeed(seed, 'ground-3');
  const shore = new Float32Array(width);
  for (let x = 0; x < width; x++) shore[x] = layout.shoreY(x);
  const [ax0, , ax1] = [200, 0, 1850];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const sy = shore[x]!;
      const n1 = fbm(x, y, 64, 4, s1);
      const n2 = valueNoise(x, y, 3, s2);
      let c: Rgb;
      if (y + 0.5 >= sy) {
        // Sea: large-scale tone variation, lighter and greener over the shallows of natural shores.
        const natural = x < ax0 || x > ax1;
        const depth = y + 0.5 - sy;
        c = mix(SEA, [0.07, 0.15, 0.165], n1);
        if (natural) c = mix(SHALLOW, c, smoothstep(0, 45, depth + (n1 - 0.5) * 20));
        water[i] = 1;
      } else if (y >= 430 && x >= ax0 && x <= ax1) {
        // Concrete apron: 20 m slabs with dark joints and stains.
        const joint = x % 20 < 0.6 || y % 20 < 0.6 ? 0.96 : 1;
        const stain = 0.8 + 0.28 * fbm(x, y, 24, 3, s3);
        c = mix(CONCRETE, [0.5, 0.48, 0.44], n1 * 0.8);
        c = [c[0] * joint * stain, c[1] * joint * stain, c[2] * joint * stain];
      } else if (sy - y < 9 + n1 * 8) {
        c = mix(ROCK, [0.5, 0.48, 0.44], n2);
      } else if (x > 1600 - n1 * 120 && y < 340 - (x > 1900 ? (x - 1900) * 0.5 : 0)) {
        // Wooded hills east of the yard: canopy texture.
        const canopy = valueNoise(x, y, 4, s2) * 0.5 + valueNoise(x, y, 9, s3) * 0.5;
        c = mix(FOREST, [0.2, 0.27, 0.12], canopy * (0.6 + 0.8 * n1));
      } else if (x < 620 && y < 400) {
        c = mix(TOWN, GRASS, smoothstep(0.55, 0.75, n1) * 0.7);
      } else if (x > 560 && x < 1560 && y > 252 && y < 322) {
        c = GRAVEL;
      } else {
        // Bare ground and scrub, mottled at 10–15 m like rough lots seen from above.
        const mottle = valueNoise(x, y, 12, s3);
        c = mix(SOIL, GRASS, smoothstep(0.35, 0.7, n1 + (mottle - 0.5) * 0.3));
      }
      const grain = 0.94 + 0.12 * n2;
      canvas.r[i] = c[0] * grain;
      canvas.g[i] = c[1] * grain;
      canvas.b[i] = c[2] * grain;
    }
  }
  for (const [a, b, w] of layout.roads) paintRoad(canvas, a, b, w);
  for (const p of layout.piers) paintStrip(canvas, water, p, CONCRETE, s3);
  paintStrip(canvas, water, layout.breakwater, ROCK, s2, true);
  for (const t of layout.yardTracks) paintTrack(canvas, t.a, t.b, s1);
  paintTrack(canvas, layout.siding.a, layout.siding.b, s1);
  for (const [a, b] of layout.ladders) paintTrack(canvas, a, b, s1);
  return { canvas, water };
}

function frameOf(a: Pt, b: Pt, halfV: number) {
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
  return {
    cx: (a[0] + b[0]) / 2,
    cy: (a[1] + b[1]) / 2,
    angle: Math.atan2(b[1] - a[1], b[0] - a[0]),
    halfU: len / 2,
    halfV,
  };
}

function paintRoad(canvas: Canvas, a: Pt, b: Pt, width: number): void {
  const f = frameOf(a, b, width / 2);
  paint(canvas, f, (u, v, out) => {
    // A faint centre marking on wide roads.
    const mark = width >= 10 && Math.abs(v) < 0.3 && Math.floor(u / 6) % 2 === 0 ? 0.2 : 0;
    out.r = ASPHALT[0] + mark;
    out.g = ASPHALT[1] + mark;
    out.b = ASPHALT[2] + mark;
    out.a = 1;
  });
}

/** A pier or breakwater: concrete deck with a dark fender line, or rubble with block texture. */
function paintStrip(canvas: Canvas, water: Uint8Array, s: Strip, c: Rgb, seed: number, rubble = false): void {
  const f = {
    cx: s.root[0] + (Math.cos(s.angle) * s.length) / 2,
    cy: s.root[1] + (Math.sin(s.angle) * s.length) / 2,
    angle: s.angle,
    halfU: s.length / 2,
    halfV: s.width / 2,
  };
  paint(canvas, f, (u, v, out) => {
    const edge = s.width / 2 - Math.abs(v);
    let k = 0.94 + 0.1 * valueNoise(u, v, 5, seed);
    if (rubble) {
      k = 0.7 + 0.6 * valueNoise(u, v, 1.6, seed) * smoothstep(0, 6, edge + 2);
    } else {
      if (edge < 0.8) k *= 0.55; // fender / coping line along the edge
      if (Math.abs(v) < 3 && Math.abs(((u + 40) % 80) - 40) < 0.5) k *= 0.85;
    }
    out.r = c[0] * k;
    out.g = c[1] * k;
    out.b = c[2] * k;
    out.a = 1;
  });
  // Piers are not water: clear the mask under them.
  const c0 = Math.cos(s.angle);
  const s0 = Math.sin(s.angle);
  const x0 = Math.floor(Math.min(s.root[0], s.root[0] + c0 * s.length) - s.width);
  const x1 = Math.ceil(Math.max(s.root[0], s.root[0] + c0 * s.length) + s.width);
  const y0 = Math.floor(Math.min(s.root[1], s.root[1] + s0 * s.length) - s.width);
  const y1 = Math.ceil(Math.max(s.root[1], s.root[1] + s0 * s.length) + s.width);
  for (let y = Math.max(0, y0); y <= Math.min(canvas.height - 1, y1); y++) {
    for (let x = Math.max(0, x0); x <= Math.min(canvas.width - 1, x1); x++) {
      const px = x + 0.5 - s.root[0];
      const py = y + 0.5 - s.root[1];
      const u = px * c0 + py * s0;
      const v = -px * s0 + py * c0;
      if (u >= -0.5 && u <= s.length + 0.5 && Math.abs(v) <= s.width / 2 + 0.5) water[y * canvas.width + x] = 0;
    }
  }
}

/** Ballast bed with sleepers and two rails; 1 m pixels blur it to a dark band with a faint stripe. */
function paintTrack(canvas: Canvas, a: Pt, b: Pt, seed: number): void {
  const f = frameOf(a, b, 2.2);
  paint(canvas, f, (u, v, out) => {
    const av = Math.abs(v);
    const bed = 1 - smoothstep(1.6, 2.2, av);
    const sleeper = Math.abs(((u % 0.6) + 0.6) % 0.6) < 0.25 && av < 1.3 ? 0.75 : 1;
    const rail = Math.abs(av - 0.72) < 0.08 ? 1.5 : 1;
    const k = sleeper * rail * (0.9 + 0.2 * valueNoise(u, v, 2, seed));
    out.r = clamp01(0.27 * k);
    out.g = clamp01(0.25 * k);
    out.b = clamp01(0.23 * k);
    out.a = bed;
  });
}
