/**
 * Water that only shadows made: a ship's or a crane's shadow on the ground is dark and smooth as water
 * is, and one date's vote makes water (water.ts), so each date's water mask is kept from taking
 * another date's shadow across its quays for water.
 */
import { type Component, componentShape, labelComponents } from './components.ts';
import type { Block } from './types.ts';

/** Shade keeps this share of the light on land, in every band: skylight fills it in. */
export const SHADE_RATIO: [number, number] = [0.25, 0.7];

/**
 * Whether a pixel whose bands are `lo` to `hi` times those of the lit ground is that ground in shade:
 * every band dimmed within the two ratios, and by about one factor (shade keeps the ground's hue).
 */
export function isShade(lo: number, hi: number, [dimmest, faintest]: [number, number] = SHADE_RATIO): boolean {
  return lo >= dimmest && hi <= faintest && hi - lo <= 0.15 * hi + 0.05;
}

/**
 * Counts in `shaded` the pixels of `water` (the vote of another date, `other`) that are this date's
 * ground in shade there. A ship's or a crane's shadow across the apron is dark and smooth as water is,
 * and one date's vote makes water: a shadow on any earlier date cut notches into the quay, which the
 * detector then read as bright hulls on water, and from which the moored-hull runs along the shore
 * started on the lit apron (seed 20251's east quay, 2025-03-15). Each band's ratio is taken relative
 * to that of the land of both dates (`ownVote` is this date's water), as dates differ in overall
 * light: shade is a dimming beyond the date's own. Open water under a hull lying there today, or a
 * hull of another hue, is no shade of today's pixel.
 */
export function countShadeOf(
  block: Block,
  ownVote: Uint8Array,
  other: Block,
  water: Uint8Array,
  shaded: Uint8Array,
): void {
  const nb = block.bands.length;
  const n = water.length;
  const gain = block.bands.map((today, b) => {
    const then = other.bands[b]!;
    let a = 0;
    let c = 0;
    for (let i = 0; i < n; i++) {
      if (ownVote[i] || water[i] || !block.valid[i] || !other.valid[i]) continue;
      a += then[i]!;
      c += today[i]!;
    }
    return a > 0 && c > 0 ? a / c : 1;
  });
  for (let i = 0; i < n; i++) {
    if (!water[i] || !block.valid[i]) continue;
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for (let b = 0; b < nb; b++) {
      const q = other.bands[b]![i]! / Math.max(block.bands[b]![i]!, 1e-4) / gain[b]!;
      if (q < lo) lo = q;
      if (q > hi) hi = q;
    }
    if (isShade(lo, hi)) shaded[i]!++;
  }
}

/**
 * Clears from `raw` the water that only shadows made (`byShadeOnly`) where it is a notch in the land:
 * a shadow across a quay's apron, which along the shore (the line where it meets other water) runs
 * into land at both ends. Such water that meets other water beyond an end along the shore juts out
 * from it as a hull does: a hull that stayed at its berth, in a neighbour's shadow on another date
 * (or rafted to another hull at its other end), and on water it is left.
 */
export function dropShadeNotches(
  raw: Uint8Array,
  width: number,
  height: number,
  byShadeOnly: (i: number) => boolean,
): void {
  const n = raw.length;
  const only = new Uint8Array(n);
  for (let i = 0; i < n; i++) only[i] = raw[i] && byShadeOnly(i) ? 1 : 0;
  const firm = raw.map((w, i) => w & (only[i]! ^ 1));
  const { labels, components } = labelComponents(only, width, height, { connectivity: 8 });
  const m = components.length + 1;
  // Each patch's mouth (the other water beside it, a pixel once per patch pixel it borders) as a
  // component of its own, for its direction.
  const mouths: Component[] = components.map((c) => ({
    ...c,
    area: 0,
    sumX: 0,
    sumY: 0,
    sumXX: 0,
    sumYY: 0,
    sumXY: 0,
  }));
  const addMouth = (mouth: Component, qx: number, qy: number) => {
    if (qx < 0 || qy < 0 || qx >= width || qy >= height || !firm[qy * width + qx]) return;
    mouth.area++;
    mouth.sumX += qx;
    mouth.sumY += qy;
    mouth.sumXX += qx * qx;
    mouth.sumXY += qx * qy;
    mouth.sumYY += qy * qy;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const l = labels[y * width + x]!;
      if (!l) continue;
      const mouth = mouths[l - 1]!;
      addMouth(mouth, x + 1, y);
      addMouth(mouth, x - 1, y);
      addMouth(mouth, x, y + 1);
      addMouth(mouth, x, y - 1);
    }
  }
  // Each patch's extent along its mouth's direction (u) and across it (v), from its centroid.
  const ux = new Float64Array(m);
  const uy = new Float64Array(m);
  for (const mouth of mouths) {
    if (mouth.area < 2) continue;
    const { angle } = componentShape(mouth);
    ux[mouth.label] = Math.cos(angle);
    uy[mouth.label] = Math.sin(angle);
  }
  const [tLo, tHi, vLo, vHi] = [1, -1, 1, -1].map((sign) => new Float64Array(m).fill(sign * Number.POSITIVE_INFINITY));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const l = labels[y * width + x]!;
      if (!l) continue;
      const c = components[l - 1]!;
      const dx = x - c.sumX / c.area;
      const dy = y - c.sumY / c.area;
      const t = dx * ux[l]! + dy * uy[l]!;
      const v = -dx * uy[l]! + dy * ux[l]!;
      if (t < tLo![l]!) tLo![l] = t;
      if (t > tHi![l]!) tHi![l] = t;
      if (v < vLo![l]!) vLo![l] = v;
      if (v > vHi![l]!) vHi![l] = v;
    }
  }
  // Other water beyond an end, within half the patch's breadth, at its middle or a quarter of its
  // breadth to either side.
  const notch = new Uint8Array(m);
  for (const c of components) {
    const l = c.label;
    if (mouths[l - 1]!.area < 2) {
      notch[l] = 1;
      continue;
    }
    const [cx, cy] = [c.sumX / c.area, c.sumY / c.area];
    const beam = vHi![l]! - vLo![l]! + 1;
    const mid = (vHi![l]! + vLo![l]!) / 2;
    let jutting = false;
    for (const [end, sign] of [
      [tHi![l]!, 1],
      [tLo![l]!, -1],
    ] as const) {
      for (let k = 1; k <= Math.max(2, beam / 2) && !jutting; k++) {
        for (const o of [mid - beam / 4, mid, mid + beam / 4]) {
          const t = end + sign * k;
          const x = Math.round(cx + t * ux[l]! - o * uy[l]!);
          const y = Math.round(cy + t * uy[l]! + o * ux[l]!);
          if (x >= 0 && y >= 0 && x < width && y < height && firm[y * width + x]) jutting = true;
        }
      }
    }
    notch[l] = jutting ? 0 : 1;
  }
  for (let i = 0; i < n; i++) if (notch[labels[i]!]) raw[i] = 0;
}
