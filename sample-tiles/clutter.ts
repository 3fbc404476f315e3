/** Static clutter of a working port: a container stack yard, trucks on the apron and cargo lots on the piers. */
import type { Building, Strip } from './layout.ts';
import { pick, type Rng, uniform } from './random.ts';

type Rgb = readonly [number, number, number];

/** Shipping-container paints, shared by stacks on land and deck cargo. */
export const CONTAINER_COLOURS: readonly Rgb[] = [
  [0.62, 0.18, 0.14],
  [0.18, 0.3, 0.55],
  [0.75, 0.75, 0.72],
  [0.2, 0.45, 0.3],
  [0.7, 0.5, 0.2],
  [0.45, 0.45, 0.47],
];
const CARGO: readonly Rgb[] = [
  [0.45, 0.42, 0.38],
  [0.52, 0.4, 0.28],
  [0.35, 0.36, 0.38],
  [0.6, 0.58, 0.52],
];
const CABS: readonly Rgb[] = [
  [0.8, 0.8, 0.78],
  [0.55, 0.15, 0.12],
  [0.2, 0.35, 0.55],
  [0.3, 0.45, 0.3],
];

function crate(cx: number, cy: number, w: number, h: number, angle: number, height: number, roof: Rgb): Building {
  return { cx, cy, w, h, angle, height, roof, shape: 'crate' };
}

/** Clutter for the plan: stays put all year (it is not change), but its shadows follow the sun. */
export function placeClutter(rng: Rng, piers: readonly Strip[]): Building[] {
  const out: Building[] = [];
  // Container stacks south of the building lot: 40 ft boxes in rows of blocks, 1–3 high.
  for (let x = 1476; x + 12.2 < 1840; x += 14) {
    for (const y0 of [518, 546]) {
      if (rng() < 0.2) continue;
      const colour = pick(rng, CONTAINER_COLOURS);
      const tiers = 1 + Math.floor(rng() * 3);
      for (let r = 0; r < 8; r++) {
        if (rng() < 0.15) continue;
        const c = rng() < 0.6 ? colour : pick(rng, CONTAINER_COLOURS);
        out.push(crate(x + 6.1, y0 + r * 2.6 + 1.3, 12.2, 2.44, 0, 2.6 * tiers, c));
      }
    }
  }
  // Trucks parked on the apron between the warehouses and the quay edge.
  const trucks: [number, number][] = [];
  for (let t = 0; t < 200 && trucks.length < 16; t++) {
    const x = uniform(rng, 505, 1440);
    const y = uniform(rng, 514, 574);
    if (trucks.some(([a, b]) => Math.abs(a - x) < 20 && Math.abs(b - y) < 6)) continue;
    trucks.push([x, y]);
    const len = uniform(rng, 9, 16);
    const angle = (rng() < 0.8 ? 0 : Math.PI / 2) + uniform(rng, -0.05, 0.05);
    out.push(crate(x, y, len, 2.5, angle, 3.8, rng() < 0.5 ? pick(rng, CABS) : pick(rng, CARGO)));
  }
  // Cargo lots (steel, timber, bagged goods) on the decks of piers 1 and 3, clear of the edges.
  for (const p of piers) {
    if (p.id === 'pier-2') continue; // its deck carries the crane rails
    const c = Math.cos(p.angle);
    const s = Math.sin(p.angle);
    for (let k = 0; k < 12; k++) {
      const w = uniform(rng, 6, 14);
      const h = uniform(rng, 4, 9);
      const u = uniform(rng, 25, p.length - 25);
      const v = uniform(rng, -(p.width / 2 - 5 - h / 2), p.width / 2 - 5 - h / 2);
      out.push(
        crate(
          p.root[0] + u * c - v * s,
          p.root[1] + u * s + v * c,
          w,
          h,
          p.angle,
          uniform(rng, 1.5, 4),
          pick(rng, CARGO),
        ),
      );
    }
  }
  return out;
}
