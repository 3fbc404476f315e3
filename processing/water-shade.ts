/**
 * Water that only shadows made: a ship's or a crane's shadow on the ground is dark and smooth as water
 * is, and one date's vote makes water (water.ts), so each date's water mask is kept from taking
 * another date's shadow across its quays for water.
 */
import { type Component, componentRuns, componentShape, labelComponents } from './components.ts';
import type { Block } from './types.ts';

/** Shade keeps this share of the light on land, in every band: skylight fills it in. */
export const SHADE_RATIO: [number, number] = [0.25, 0.7];

/**
 * The share a cast shadow keeps when only the water votes depend on it: the skylight, a fifth of the
 * light or more on a clear day (more in blue than in red), under a tall crane's or stack's shadow on
 * a lit apron, darker than a hull's shadow beside it. Any deeper, and open water is as dark beside a
 * white deck on another date (a floor of a tenth, without the site's memory of open water, took the
 * water between two hulls moored bow to stern for shade of their decks: seed 551177's pier-3,
 * 2025-08-14). A shade patch only drops notches in the land (dropShadeNotches): a hull on water that
 * another date saw juts into that water and is left.
 */
export const CAST_SHADOW_RATIO: [number, number] = [0.18, SHADE_RATIO[1]];

/**
 * Whether a pixel whose bands are `lo` to `hi` times those of the lit ground is that ground in shade:
 * every band dimmed within the two ratios, and by about one factor (shade keeps the ground's hue).
 */
export function isShade(lo: number, hi: number, [dimmest, faintest]: [number, number] = SHADE_RATIO): boolean {
  return lo >= dimmest && hi <= faintest && hi - lo <= 0.15 * hi + 0.05;
}

/**
 * Counts in `shaded`, per pixel, the dates whose water vote (`water[d]`, over `dates[d]`; `counts`
 * sums them) is only ground in shade there: another date that does not take the pixel for water sees
 * the same ground lit. A ship's or a crane's shadow across the apron is dark and smooth as water is, and one date's
 * vote makes water: shadows cut notches into the quay, which the detector then read as bright hulls
 * on water, and from which the moored-hull runs along the shore started on the lit apron (seed
 * 20251's east quay, 2025-03-15, from earlier dates' crane shadows; seed 218029's, 2025-12-14, from
 * that date's own long winter shadows of the stacks). Each date's bands are taken relative to those
 * of `dates[0]` on the land of both, as dates differ in overall light: shade is a dimming beyond the
 * date's own. Open water where a hull lies on the other date, or a hull of another hue, is no shade
 * of it.
 */
export function countShadeVotes(
  dates: Block[],
  water: Uint8Array[],
  { votes, seen }: VoteCounts,
  shaded: Uint8Array,
): void {
  const [first] = dates;
  if (!first) return;
  const nb = first.bands.length;
  const n = shaded.length;
  const d = dates.length;
  const gains = lightGains(dates, water);
  const valid = dates.map((date) => date.valid);
  const bands = dates.map((date) => date.bands);
  shadeVotes(votes, seen, water, valid, bands, gains, nb, n, d, shaded);
}

/**
 * countShadeVotes' pixel loop, a function of its own: as the loop of countShadeVotes, each call
 * compiled the whole function again for on-stack replacement (11 compiles over three 2048² detect runs).
 */
function shadeVotes(
  votes: Uint8Array,
  seen: Uint8Array,
  water: Uint8Array[],
  valid: Uint8Array[],
  bands: Float32Array[][],
  gains: number[][],
  nb: number,
  n: number,
  d: number,
  shaded: Uint8Array,
): void {
  for (let i = 0; i < n; i++) {
    // Only pixels the dates disagree on are judged.
    if (!votes[i] || votes[i] === seen[i]) continue;
    for (let k = 0; k < d; k++) {
      if (!water[k]![i] || !valid[k]![i]) continue;
      for (let e = 0; e < d; e++) {
        if (water[e]![i] || !valid[e]![i]) continue;
        if (shadeOf(nb, bands[k]!, gains[k]!, bands[e]!, gains[e]!, i)) {
          shaded[i]!++;
          break;
        }
      }
    }
  }
}

/** Per pixel, how many of the dates vote it water (`votes`) and how many saw it (`seen`). */
export interface VoteCounts {
  votes: Uint8Array;
  seen: Uint8Array;
}

/** Pixels of shared land listed at a time (lightGains). */
const RUN = 4096;

/**
 * Per date, each band's light over that on `dates[0]`, on the land both see (1 where they share
 * none): the overall dimming of the date, which is no shade.
 */
export function lightGains(dates: Block[], water: Uint8Array[]): number[][] {
  const [first] = dates;
  if (!first) return [];
  // That land's pixels, listed a run at a time for all the bands; each band's sums still run over
  // the pixels in order.
  const land = new Int32Array(RUN);
  // The first date over itself is 1 in every band (a sum of float32 planes is finite).
  return dates.map((date, k) =>
    k === 0 ? first.bands.map(() => 1) : gainOver(first, date, water[0]!, water[k]!, land),
  );
}

/**
 * `lightGains` of one `date` over `first`. A function of its own, not the map's closure: its pixel
 * loops compile alone (as the closure they read the planes through its context).
 */
function gainOver(first: Block, date: Block, w0: Uint8Array, wk: Uint8Array, land: Int32Array): number[] {
  const n = first.valid.length;
  const nb = first.bands.length;
  const then = new Float64Array(nb);
  const now = new Float64Array(nb);
  const v0 = first.valid;
  const vk = date.valid;
  for (let start = 0; start < n; start += RUN) {
    const end = Math.min(n, start + RUN);
    const m = listLand(w0, wk, v0, vk, start, end, land);
    for (let b = 0; b < nb; b++) {
      const lit = date.bands[b]!;
      const own = first.bands[b]!;
      let a = then[b]!;
      let c = now[b]!;
      for (let j = 0; j < m; j++) {
        const i = land[j]!;
        a += lit[i]!;
        c += own[i]!;
      }
      then[b] = a;
      now[b] = c;
    }
  }
  return Array.from(then, (a, b) => (a > 0 && now[b]! > 0 ? a / now[b]! : 1));
}

/** Into `land`, the pixels of [start, end) both dates see as valid land; how many. */
function listLand(
  w0: Uint8Array,
  wk: Uint8Array,
  v0: Uint8Array,
  vk: Uint8Array,
  start: number,
  end: number,
  land: Int32Array,
): number {
  let m = 0;
  for (let i = start; i < end; i++) if (!w0[i] && !wk[i] && v0[i] && vk[i]) land[m++] = i;
  return m;
}

/**
 * Whether pixel `i` of bands `lit` (over their date's `gain`) is that of `ground` in shade
 * (CAST_SHADOW_RATIO). A band outside the ratios settles it: most pairs are far from shade.
 */
function shadeOf(
  nb: number,
  lit: Float32Array[],
  gain: number[],
  ground: Float32Array[],
  groundGain: number[],
  i: number,
): boolean {
  const [dimmest, faintest] = CAST_SHADOW_RATIO;
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (let b = 0; b < nb; b++) {
    const q = lit[b]![i]! / gain[b]! / Math.max(ground[b]![i]! / groundGain[b]!, 1e-4);
    if (q < dimmest || q > faintest) return false;
    if (q < lo) lo = q;
    if (q > hi) hi = q;
  }
  return isShade(lo, hi, CAST_SHADOW_RATIO);
}

/** Into `only`, the water of `raw` that `byShadeOnly` says shadows alone made; the rest into `firm`. Whether any is. */
function splitShadeOnly(raw: Uint8Array, byShadeOnly: Uint8Array, only: Uint8Array, firm: Uint8Array): boolean {
  let patches = false;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] && byShadeOnly[i]) {
      only[i] = 1;
      patches = true;
    } else firm[i] = raw[i]!;
  }
  return patches;
}

/**
 * Clears from `raw` the water that only shadows made (`byShadeOnly`) where it is a notch in the land:
 * a shadow across a quay's apron, which along the shore (the line where it meets other water) runs
 * into land at both ends. Such water that meets other water beyond an end along the shore juts out
 * from it as a hull does: a hull that stayed at its berth, in a neighbour's shadow on another date
 * (or rafted to another hull at its other end), and on water it is left.
 */
export function dropShadeNotches(raw: Uint8Array, width: number, height: number, byShadeOnly: Uint8Array): void {
  const n = raw.length;
  const only = new Uint8Array(n);
  const firm = new Uint8Array(n);
  const patches = splitShadeOnly(raw, byShadeOnly, only, firm);
  // Most tiles have no water that only shadows made, and nothing to label.
  if (!patches) return;
  // The patches as runs, visited in raster order: they are few and small, the tile is large.
  const runs = componentRuns(only, width, height, { connectivity: 8 });
  const { components } = runs;
  const m = components.length + 1;
  // Each patch's mouth (the other water beside it, a pixel once per patch pixel it borders) as a
  // component of its own, for its direction. Only water at least as large as the patch makes its
  // mouth: a few stray pixels beside a shadow across the apron (where one band did not dim as shade
  // does, or another date's rail car stood) would turn the mouth's direction across the shore, and
  // its 'end' would then lie in the water.
  const pools = labelComponents(firm, width, height, { connectivity: 8 });
  const mouths: Component[] = components.map((c) => ({
    ...c,
    area: 0,
    sumX: 0,
    sumY: 0,
    sumXX: 0,
    sumYY: 0,
    sumXY: 0,
  }));
  const at: MouthWater = { pools, components, width, height };
  for (let r = 0; r < runs.count; r++) {
    const l = runs.label[r]!;
    const y = runs.row[r]!;
    for (let x = runs.start[r]!; x < runs.end[r]!; x++) {
      const mouth = mouths[l - 1]!;
      addMouth(at, mouth, x + 1, y);
      addMouth(at, mouth, x - 1, y);
      addMouth(at, mouth, x, y + 1);
      addMouth(at, mouth, x, y - 1);
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
  for (let r = 0; r < runs.count; r++) {
    const l = runs.label[r]!;
    const y = runs.row[r]!;
    for (let x = runs.start[r]!; x < runs.end[r]!; x++) {
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
  // Other water beyond an end, within half the patch's breadth, at its middle or at a quarter of its
  // breadth to both sides. (At one side only, it is the water the patch opens onto: a shadow across
  // the whole apron reaches the shore, whose line wavers by a pixel or two, more than the patch's
  // direction says, along its length.)
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
      const hit = [false, false, false];
      for (let k = 1; k <= Math.max(2, beam / 2); k++) {
        for (const [j, o] of [mid - beam / 4, mid, mid + beam / 4].entries()) {
          const t = end + sign * k;
          const x = Math.round(cx + t * ux[l]! - o * uy[l]!);
          const y = Math.round(cy + t * uy[l]! + o * ux[l]!);
          if (waterFor(at, l, x, y)) hit[j] = true;
        }
      }
      if (hit[1] || (hit[0] && hit[2])) jutting = true;
    }
    notch[l] = jutting ? 0 : 1;
  }
  for (let r = 0; r < runs.count; r++) {
    const row = runs.row[r]! * width;
    if (notch[runs.label[r]!]) raw.fill(0, row + runs.start[r]!, row + runs.end[r]!);
  }
}

/** dropShadeNotches' other water (`pools`) and shadow-only patches (`components`), for `waterFor`. */
interface MouthWater {
  pools: { labels: Int32Array; components: Component[] };
  components: Component[];
  width: number;
  height: number;
}

/** Whether (qx, qy) is other water at least as large as patch `l` (functions of their own, not closures made per call). */
function waterFor(w: MouthWater, l: number, qx: number, qy: number): boolean {
  const { width, height } = w;
  if (qx < 0 || qy < 0 || qx >= width || qy >= height) return false;
  const pool = w.pools.labels[qy * width + qx]!;
  return pool > 0 && w.pools.components[pool - 1]!.area >= w.components[l - 1]!.area;
}

/** Adds (qx, qy) to a patch's mouth when it is such water. */
function addMouth(w: MouthWater, mouth: Component, qx: number, qy: number): void {
  if (!waterFor(w, mouth.label, qx, qy)) return;
  mouth.area++;
  mouth.sumX += qx;
  mouth.sumY += qy;
  mouth.sumXX += qx * qx;
  mouth.sumXY += qx * qy;
  mouth.sumYY += qy * qy;
}
