/**
 * A natural bank's shallows, which the hull candidates of water-berths.ts take for a hull moored at the
 * shore. Over a shelving bank the water lightens towards the land; the lightest strip next to the land
 * fails the water tests, and, land that juts from the shore for less than a ship's length and differs
 * from the rock behind it, passes for a faint hull (a dark green deck has nearly its colour). A hull
 * ends at its rim: the water a few metres beyond it is the open water's level. The bank does not end:
 * the water beyond the strip is still lighter than the open water farther out, lying on the way from
 * the water's colour to the strip's (same hue), the slope carrying on. The water a few metres out of a
 * hull is the water's own level (or its shade, darker), and where it is another hull of a raft its
 * colour leaves that line. Measured on the candidate patches of the synthetic port (bench: each patch of
 * berthedHulls alone): the bank at 656465's east quay (dates 0, 3, 5) carries 0.23–0.48 of the way, off
 * the line by 0.01–0.06, at 1.39–1.64 × the water; a dark green hull moored there 0.03 (1.44 ×); hulls
 * of a raft at 506327's pier 2 with a neighbour of another colour 0.6–1.1, far off the line; two
 * pieces of a hull at 271411's pier 3 (2025-04-14) 0.16 / 0.21, off by 0.11 / 0.14 (with 0.15 and 0.3
 * as the limits, dropped: two false:split more). vessel-errors (all) MAE / found / hit: 656465 0.384 /
 * 256 / 243 → 0.370 / 255 / 243 (the bank's two false:other on the first date gone, one false:split
 * more beside a hull at the quay), 20251 0.375 / 100 / 96 → 0.333 / 99 / 96 (the bank on 2025-05-14,
 * which vessel-fixed-shore.ts missed); 506327, 271411, 154862, 829304, 803377, 437051 identical.
 */
import { chessboardDistance } from './box-filter.ts';
import { labelComponents } from './components.ts';
import { upperMedian } from './median.ts';
import type { Block } from './types.ts';

export interface BankOptions {
  /** Ground size of a pixel, metres. */
  gsdM: number;
  /** The water just beyond a patch: this far from it, metres… */
  nearM?: [number, number];
  /** …and the open water farther out: this far. */
  farM?: [number, number];
  /** The near water lies this share of the way from the far water's colour to the patch's (projected on
   * that line), at least… */
  minCarry?: number;
  /** …and at most (more: the hull's own blur or a neighbour of its colour)… */
  maxCarry?: number;
  /** …off that line by at most this share of the patch's step from the water. */
  maxOffLine?: number;
  /** The patch is faint: its mean ratio to the far water over bands lies within this range. */
  ratio?: [number, number];
  /** Shallows over a lighter bottom are lighter than the open water in every band: by this ratio at
   * least in each (a red deck is darker in blue than the water). */
  minBandRatio?: number;
  /** The far water is the window's open water (mean ratio to its median within this range), not haze
   * or cloud over part of it. */
  farToOpen?: [number, number];
}

/** Per band, the median of `values` (one list per band). */
const medians = (values: number[][]): number[] => values.map(upperMedian);

/** What `bankStrips` measures of one patch (bench and tests). */
export interface BankMeasure {
  /** Share of the way from the far water's colour to the patch's that the near water lies. */
  carry: number;
  /** Distance of the near water from that line, in units of the patch's step from the far water. */
  offLine: number;
  /** Mean over bands of the patch's ratio to the far water. */
  ratio: number;
  /** Mean over bands of the far water's ratio to the window's open water. */
  farToOpen: number;
}

/**
 * Drops from `hulls` (1 = a hull candidate, edited in place) each 8-connected patch that is a bank's
 * shallows (see the module's comment): faint against the water beyond it, and the water just beyond
 * it lies between the patch's colour and the open water's farther out. `water`: the open water mask
 * (1 = water) the candidates were taken from. Returns the measures of the patches judged (for benches).
 */
export function dropBankStrips(
  hulls: Uint8Array,
  block: Block,
  water: Uint8Array,
  {
    gsdM,
    nearM = [3, 8],
    farM = [14, 24],
    minCarry = 0.2,
    maxCarry = 0.6,
    maxOffLine = 0.1,
    ratio = [1.15, 2.1],
    minBandRatio = 1.02,
    farToOpen = [0.8, 1.25],
  }: BankOptions,
): BankMeasure[] {
  const { width, height } = block.window;
  const { labels, components } = labelComponents(hulls, width, height, { connectivity: 8 });
  const out: BankMeasure[] = [];
  if (!components.length) return out;
  const near = nearM.map((m) => Math.max(1, Math.round(m / gsdM)));
  const far = farM.map((m) => Math.max(near[1]! + 1, Math.round(m / gsdM)));
  const reach = far[1]!;
  const nb = block.bands.length;
  let open: number[] | undefined;
  for (const c of components) {
    const x0 = Math.max(0, c.minX - reach);
    const y0 = Math.max(0, c.minY - reach);
    const x1 = Math.min(width - 1, c.maxX + reach);
    const y1 = Math.min(height - 1, c.maxY + reach);
    const w = x1 - x0 + 1;
    const h = y1 - y0 + 1;
    const own = new Uint8Array(w * h);
    for (let y = c.minY; y <= c.maxY; y++) {
      for (let x = c.minX; x <= c.maxX; x++) if (labels[y * width + x] === c.label) own[(y - y0) * w + x - x0] = 1;
    }
    const dist = chessboardDistance(own, w, h);
    const patch: number[][] = Array.from({ length: nb }, () => []);
    const nearW: number[][] = Array.from({ length: nb }, () => []);
    const farW: number[][] = Array.from({ length: nb }, () => []);
    gatherRings(block, water, dist, x0, y0, w, h, near, far, patch, nearW, farW);
    if (!patch[0]!.length || !nearW[0]!.length || !farW[0]!.length) continue;
    const p = medians(patch);
    const nw = medians(nearW);
    const f = medians(farW);
    let dot = 0;
    let step2 = 0;
    let q = 0;
    let lighter = true;
    for (let k = 0; k < nb; k++) {
      dot += (nw[k]! - f[k]!) * (p[k]! - f[k]!);
      step2 += (p[k]! - f[k]!) ** 2;
      const r = p[k]! / Math.max(1e-4, f[k]!);
      q += r / nb;
      if (r < minBandRatio) lighter = false;
    }
    if (step2 <= 0) continue;
    const carry = dot / step2;
    let off = 0;
    for (let k = 0; k < nb; k++) off += (nw[k]! - f[k]! - carry * (p[k]! - f[k]!)) ** 2;
    const offLine = Math.sqrt(off / step2);
    // The window's open water, read only for a patch that passes the rest (a sample of every 7th pixel).
    const passes =
      lighter && carry >= minCarry && carry <= maxCarry && offLine <= maxOffLine && q >= ratio[0] && q <= ratio[1];
    if (passes) open ??= openWaterLevels(block, water);
    const fo = open ? f.reduce((s, v, k) => s + v / Math.max(1e-4, open![k]!) / nb, 0) : Number.NaN;
    out.push({ carry, offLine, ratio: q, farToOpen: fo });
    if (!passes || !(fo >= farToOpen[0] && fo <= farToOpen[1])) continue;
    for (let y = c.minY; y <= c.maxY; y++) {
      for (let x = c.minX; x <= c.maxX; x++) if (labels[y * width + x] === c.label) hulls[y * width + x] = 0;
    }
  }
  return out;
}

/**
 * Each band's values, over the valid pixels of the crop (x0, y0, w × h) around a patch, of the patch
 * (`dist` 0), the water `near` it and the water `far` from it (`dist` within those ranges). A loop of
 * its own, not inside dropBankStrips: compiled once, where as part of it V8 compiled the whole function
 * again for each (on-stack replacement).
 */
function gatherRings(
  block: Block,
  water: Uint8Array,
  dist: Uint16Array,
  x0: number,
  y0: number,
  w: number,
  h: number,
  near: number[],
  far: number[],
  patch: number[][],
  nearW: number[][],
  farW: number[][],
): void {
  const { width } = block.window;
  const nb = block.bands.length;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = dist[y * w + x]!;
      const i = (y + y0) * width + x + x0;
      if (!block.valid[i]) continue;
      const into =
        d === 0
          ? patch
          : water[i] && d >= near[0]! && d <= near[1]!
            ? nearW
            : water[i] && d >= far[0]! && d <= far[1]!
              ? farW
              : null;
      if (into) for (let k = 0; k < nb; k++) into[k]!.push(block.bands[k]![i]!);
    }
  }
}

/** Per band, the median of the valid open water of the window (every 7th pixel). */
function openWaterLevels(block: Block, water: Uint8Array): number[] {
  const v: number[][] = block.bands.map(() => []);
  for (let i = 0; i < water.length; i += 7) {
    if (!water[i] || !block.valid[i]) continue;
    for (let k = 0; k < block.bands.length; k++) v[k]!.push(block.bands[k]![i]!);
  }
  return v[0]!.length ? medians(v) : block.bands.map(() => Number.NaN);
}
