/**
 * The tracks of a yard polygon, found from the image: parallel lines along the polygon's long axis,
 * their spacing and phase read from across-profiles of short stretches of the yard on every date.
 *
 * At 1 m the strip between two tracks is narrower than a pixel, so the bare yard is one dark band; what
 * shows the tracks is what stands on them. A car, whatever its colour, is a bump a car's width wide in
 * the across-profile, centred on its track: the bumps' centres, pooled over stretches and dates, pile
 * up on the track centres, and the regular comb that catches most of them gives spacing and phase.
 * (A power spectrum of the profiles did not do: cars brighter and darker than the bed give the comb
 * random signs, and seven tracks make a broad peak; the spacing it gave drifted by ±1 m between dates.)
 */
import type { Block } from './types.ts';

export interface YardInput {
  /** 1 inside the yard polygon (block pixels). */
  yard: Uint8Array;
  /** The date analysed, then other dates of the same window (registered, normalised). */
  dates: Block[];
  gsd: number;
  /** Track spacing sought, metres. */
  spacingRangeM: [number, number];
  /**
   * Today's shadow direction in block pixels (any length; shadowPerMetre over the grid's metres per
   * pixel), or null/undefined when the sun is unknown or too low: then the car comb alone sets the phase.
   */
  shadow?: { x: number; y: number } | null;
}

/** Half the width of a track's ballast bed, metres (a bed's top is about 3.5–4.5 m wide). */
const BED_HALF_M = 2;

/**
 * How far the comb's catch must lead the half-spacing-off comb's (times) for the yard's sunward edge not
 * to overrule it. Where cars crowd the yard, the ground between them is a bump like a car's and the comb
 * barely prefers the wrong phase: 1.00–1.21 on the 6 dates of 42 generated rail dev seeds (630 dates)
 * where the edge moved the lines onto the tracks, 1.06–1.12 in the coal-train yards of the tests. A train
 * of light cars on the sunward outer track on every date pooled is caught by the comb on every stretch,
 * but leaves the median profile as light as the ground there: the edge read is the train's shaded inner
 * side, and it moved the lines between the tracks where the comb led by 1.29–1.54 (242582 2025-03-15 and
 * 04-14, 825689 04-14, 868037 01-14).
 */
const SURE_LEAD = 1.25;

/** Across-profile bins per pixel. */
const BINS = 4;
/** Stretch length along the tracks, metres: about a car, so a stretch sees one car per track. */
const STRETCH_M = 20;

/** A yard's candidate track lines, and each line's share of the car response the comb's teeth caught. */
export interface YardLines {
  lines: Array<Array<[number, number]>>;
  /**
   * Per line, its tooth's catch over all the lines' teeth's: the polygon's margin of ground, where no car
   * stands, catches next to none; a track that held cars on the dates pooled, its part.
   */
  carShare: number[];
}

export function findYardLines({ yard, dates, gsd, spacingRangeM, shadow }: YardInput): YardLines {
  const none: YardLines = { lines: [], carShare: [] };
  const block = dates[0];
  if (!block) return none;
  const { width } = block.window;
  const axis = principalAxis(yard, width);
  if (!axis) return none;
  const { mx, my, ux, uy } = axis;
  const at = yardCoordinates(yard, width, axis);
  const { vMin, uMin, uMax } = at;
  const nb = Math.floor((at.vMax - vMin) * BINS) + 1;
  const stretchPx = STRETCH_M / gsd;
  const nStretch = Math.max(1, Math.ceil((uMax - uMin + 1) / stretchPx));
  // One across-profile per (date, stretch): the bands' mean, bin by bin.
  const profiles: Float64Array[] = [];
  for (const d of dates) stretchProfiles(d, block.bands.length, at, nb, stretchPx, nStretch, profiles);
  const comb = carComb(profiles, gsd, spacingRangeM);
  if (!comb) return none;
  const { period } = comb;
  const phase =
    comb.lead >= SURE_LEAD
      ? comb.phase
      : sunwardPhase(profiles, comb, gsd, shadow ? -shadow.x * uy + shadow.y * ux : 0);
  const teeth: number[] = [];
  for (let k = phase; k < nb; k += period) teeth.push(k);
  const lines: Array<Array<[number, number]>> = [];
  const caught: number[] = [];
  // Every tooth well inside the polygon is a candidate; the detector drops lines that never show bare bed
  // and caught no cars (the polygon's margin of ground).
  for (const k of teeth) {
    if (k < 0.25 * period || k > nb - 0.25 * period) continue;
    caught.push(toothCatch(comb.cum, comb.tol, k));
    const v = vMin + (k + 0.5) / BINS;
    const cx = mx - uy * v;
    const cy = my + ux * v;
    lines.push([
      [cx + ux * uMin, cy + uy * uMin],
      [cx + ux * uMax, cy + uy * uMax],
    ]);
  }
  const all = caught.reduce((a, b) => a + b, 0);
  return { lines, carShare: caught.map((c) => (all > 0 ? c / all : 0)) };
}

/**
 * The comb's phase, or the phase half a spacing off when the yard's sunward edge says so. In a busy yard
 * (cars on most tracks, summer: 561837 2025-08-19, 656465 08-14) the ground strip between two cars on
 * neighbouring tracks is a bump much like a car, and the comb can catch the strips instead of the cars
 * (8 lines between the 7 tracks, +41 and +46 cars). The yard's outer edge does not move with the cars:
 * seen across the yard, the bed, cars and their shadows are one band against the polygon's margin of
 * ground, and the outermost track's centre lies a bed's half-width inside the band's edge. On the side
 * away from today's shadows that edge is the bed's own (cars' shadows fall on the other side and widen
 * the band by up to metres in winter, which made both edges together choose wrongly on 5 of 95 dates);
 * the phase whose outermost tooth lies nearer a bed half-width inside the sunward edge is kept. The band
 * is read from the median of the profiles (cars come and go, the median is mostly bed), its edge where
 * that median has gone half-way from the margin's ground level to the band's. `across`: today's shadow
 * across the yard (toward increasing bin); 0 when unknown or along the tracks: the comb's phase stands.
 */
function sunwardPhase(
  profiles: Float64Array[],
  { period, phase }: { period: number; phase: number },
  gsd: number,
  across: number,
): number {
  if (!(Math.abs(across) > 0.1)) return phase;
  const nb = profiles[0]?.length ?? 0;
  const edge = Math.max(1, Math.round(BINS / gsd));
  if (nb < 4 * edge) return phase;
  const med = new Float64Array(nb);
  const col = new Float64Array(profiles.length);
  for (let k = 0; k < nb; k++) {
    for (let i = 0; i < profiles.length; i++) col[i] = profiles[i]![k]!;
    col.sort();
    med[k] = col[col.length >> 1]!;
  }
  const inner = Array.from(med.subarray(Math.floor(nb / 4), Math.ceil((3 * nb) / 4))).sort((a, b) => a - b);
  const band = inner[inner.length >> 1]!;
  // Sunward side: shadows fall toward increasing bins, so the sun is on the low-bin side, and vice versa.
  const fromLow = across > 0;
  const at = (j: number) => med[fromLow ? j : nb - 1 - j]!;
  let ground = 0;
  for (let j = 0; j < edge; j++) ground += at(j) / edge;
  // No band to read where the yard's median is as light as its margin (a yard full of light cars on
  // concrete): the bed is a third to a half darker than the ground on every date of the generated seeds.
  if (!(Math.abs(band - ground) >= 0.2 * Math.abs(ground))) return phase;
  let j = 0;
  while (j < nb && Math.abs(at(j) - ground) < 0.5 * Math.abs(band - ground)) j++;
  if (j >= nb / 2) return phase;
  const inset = (BED_HALF_M / gsd) * BINS;
  // Distance from the edge (j, in the sunward frame) to the first tooth inside the band, against a bed half-width.
  const miss = (ph: number) => {
    const first = fromLow ? ph : nb - 1 - (ph + Math.floor((nb - 1 - ph) / period) * period);
    const d = (((first - j) % period) + period) % period;
    return Math.abs(d - inset);
  };
  const alt = (phase + period / 2) % period;
  // Only an edge that puts the other phase's outer track where a bed's edge would be (within 0.6 m)
  // overrules the comb: a train of light cars standing on the outer track on every date pooled leaves the
  // median there as light as the ground, and the edge found is the next track's (no better fit then).
  const fit = (0.6 / gsd) * BINS;
  return miss(alt) < miss(phase) && miss(alt) <= fit ? alt : phase;
}

/** Centroid and long axis of a mask, from its second moments. */
function principalAxis(mask: Uint8Array, width: number): { mx: number; my: number; ux: number; uy: number } | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    n++;
    sx += i % width;
    sy += (i / width) | 0;
  }
  if (n < 10) return null;
  const mx = sx / n;
  const my = sy / n;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const dx = (i % width) - mx;
    const dy = ((i / width) | 0) - my;
    xx += dx * dx;
    yy += dy * dy;
    xy += dx * dy;
  }
  const theta = 0.5 * Math.atan2(2 * xy, xx - yy);
  return { mx, my, ux: Math.cos(theta), uy: Math.sin(theta) };
}

/**
 * Each yard pixel's index and coordinates along (u) and across (v) the yard, and their extents. A loop
 * of its own, as is each of findYardLines' (stretchProfiles, carComb's): called once per yard, a
 * function holding them all was compiled anew, whole, for each loop it entered hot (OSR), and again
 * whenever one of its assumptions broke (35 compiles of ~0.1–0.2 s in one 100 MP detect).
 */
function yardCoordinates(
  yard: Uint8Array,
  width: number,
  { mx, my, ux, uy }: { mx: number; my: number; ux: number; uy: number },
): { idx: number[]; us: number[]; vs: number[]; uMin: number; uMax: number; vMin: number; vMax: number } {
  const idx: number[] = [];
  const us: number[] = [];
  const vs: number[] = [];
  let vMin = Number.POSITIVE_INFINITY;
  let vMax = Number.NEGATIVE_INFINITY;
  let uMin = Number.POSITIVE_INFINITY;
  let uMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < yard.length; i++) {
    if (!yard[i]) continue;
    const dx = (i % width) - mx;
    const dy = ((i / width) | 0) - my;
    const u = dx * ux + dy * uy;
    const v = -dx * uy + dy * ux;
    idx.push(i);
    us.push(u);
    vs.push(v);
    if (v < vMin) vMin = v;
    if (v > vMax) vMax = v;
    if (u < uMin) uMin = u;
    if (u > uMax) uMax = u;
  }
  return { idx, us, vs, uMin, uMax, vMin, vMax };
}

/**
 * Date `d`'s across-profiles of the yard's stretches (`nb` bins, each the mean of `nBands` bands), those
 * that tell something, onto `profiles`.
 */
function stretchProfiles(
  d: Block,
  nBands: number,
  { idx, us, vs, uMin, vMin }: { idx: number[]; us: number[]; vs: number[]; uMin: number; vMin: number },
  nb: number,
  stretchPx: number,
  nStretch: number,
  profiles: Float64Array[],
): void {
  const sum: Float64Array[] = [];
  const cnt: Float64Array[] = [];
  for (let s = 0; s < nStretch; s++) {
    sum.push(new Float64Array(nb));
    cnt.push(new Float64Array(nb));
  }
  for (let p = 0; p < idx.length; p++) {
    const i = idx[p]!;
    if (!d.valid[i]) continue;
    const s = Math.min(nStretch - 1, Math.floor((us[p]! - uMin) / stretchPx));
    const k = Math.floor((vs[p]! - vMin) * BINS);
    cnt[s]![k]!++;
    let v = 0;
    for (let b = 0; b < nBands; b++) v += d.bands[b]![i]!;
    sum[s]![k]! += v / nBands;
  }
  for (let s = 0; s < nStretch; s++) {
    const c = cnt[s]!;
    // A stretch mostly outside the image or under cloud tells nothing.
    let filled = 0;
    for (let k = 0; k < nb; k++) if (c[k]! > 0) filled++;
    if (filled < 0.2 * (nb / BINS)) continue;
    const prof = fillGaps(sum[s]!, c);
    if (prof) {
      profiles.push(prof);
    }
  }
}

/** Bin means, empty bins linearly interpolated from their filled neighbours; null if none is filled. */
function fillGaps(sum: Float64Array, cnt: Float64Array): Float64Array | null {
  const n = sum.length;
  const out = new Float64Array(n);
  let last = -1;
  for (let k = 0; k < n; k++) {
    if (!cnt[k]) continue;
    out[k] = sum[k]! / cnt[k]!;
    if (last < 0) for (let j = 0; j < k; j++) out[j] = out[k]!;
    else for (let j = last + 1; j < k; j++) out[j] = out[last]! + ((out[k]! - out[last]!) * (j - last)) / (k - last);
    last = k;
  }
  if (last < 0) return null;
  for (let j = last + 1; j < n; j++) out[j] = out[last]!;
  return out;
}

/**
 * A comb of track lines (bins), how many times the half-spacing-off comb's catch its own catch is, and the
 * pooled car response it was fitted to (`cum`: prefix sums; `tol`: a tooth's reach, bins).
 */
interface Comb {
  period: number;
  phase: number;
  lead: number;
  cum: Float64Array;
  tol: number;
}

/** Width of a rail car, metres (freight cars are 2.8–3.2 m wide). */
export const CAR_WIDTH_M = 3;

/**
 * Track spacing and phase (bins) from where cars stand. In each across-profile, a car is a bump a car's
 * width wide, brighter or darker than the ground either side: the contrast of the profile's mean over a
 * car's width against its mean over 1 m either side is largest on the car's centre. That contrast,
 * squared and pooled over stretches and dates, piles up on the track centres; the comb (spacing, phase)
 * that catches the most of it within ±0.5 m of its teeth, beyond what a comb of its spacing would catch
 * by chance, is the yard's. Null when the profiles show no contrast at all.
 */
function carComb(profiles: Float64Array[], gsd: number, [sMin, sMax]: [number, number]): Comb | null {
  const nb = profiles[0]?.length ?? 0;
  const half = Math.max(1, Math.round((CAR_WIDTH_M / 2 / gsd) * BINS));
  const flank = Math.max(1, Math.round((1 / gsd) * BINS));
  const hist = new Float64Array(nb);
  const prefix = new Float64Array(nb + 1);
  const response = new Float64Array(nb);
  for (const p of profiles) addCarResponse(p, half, flank, prefix, response, hist);
  let total = 0;
  for (let k = 0; k < nb; k++) total += hist[k]!;
  if (!(total > 0)) return null;
  const cum = new Float64Array(nb + 1);
  for (let k = 0; k < nb; k++) cum[k + 1] = cum[k]! + hist[k]!;
  const tol = Math.max(1, Math.round((0.5 / gsd) * BINS));
  const best = bestComb(cum, total, tol, gsd, sMin, sMax);
  // Half a spacing off, the comb sits on the ground between tracks, which profiles with cars on both sides
  // also show as a bump, though a narrower and weaker one than a car's: the comb's own catch tells them
  // apart. It chose the tracks' phase on every date of nine generated seeds (135 dates as the pipeline
  // runs them; 125 of 135 from each date alone). A tie-break by how much the profiles vary along the yard
  // at either phase (cars come and go on tracks) did no better (133 and 124): a low winter sun's long
  // shadows of the cars come and go over the light ground between tracks more than the cars over the dark
  // bed (seed 239554, 2025-01-14 and 02-13: the catch 1.38 and 1.32 times the other phase's, the variance
  // there 2.2 and 1.5 times the tracks'; lines between the tracks, 120 cars found of 68).
  return best && { ...best, cum, tol };
}

/**
 * Profile `p`'s car response (its mean over a car's width against its mean over `flank` bins either
 * side), squared, added to `hist`. `prefix` and `response`: scratch of `p`'s length + 1 and length.
 */
function addCarResponse(
  p: Float64Array,
  half: number,
  flank: number,
  prefix: Float64Array,
  response: Float64Array,
  hist: Float64Array,
): void {
  const nb = p.length;
  for (let k = 0; k < nb; k++) prefix[k + 1] = prefix[k]! + p[k]!;
  response.fill(0);
  for (let k = half + flank; k + half + flank < nb; k++) {
    const body = rangeMean(prefix, k - half, k + half + 1);
    const sides =
      0.5 * (rangeMean(prefix, k - half - flank, k - half) + rangeMean(prefix, k + half + 1, k + half + 1 + flank));
    response[k] = Math.abs(body - sides);
  }
  // Squared, so that the few strong car-centred responses outweigh the many weak ones of ground and
  // shadow edges (picking each response's peak instead split 3-pixel cars into two peaks at 1 m).
  for (let k = 0; k < nb; k++) hist[k]! += response[k]! ** 2;
}

/** Mean of bins `a` to `b` − 1 from their prefix sums. */
function rangeMean(prefix: Float64Array, a: number, b: number): number {
  return (prefix[b]! - prefix[a]!) / (b - a);
}

/**
 * The comb (spacing from `sMin` to `sMax` m by 0.02 m, phase by half a bin) that catches the most of the
 * pooled response beyond chance, with its lead over the comb half a spacing off; `cum`: the response's prefix
 * sums, `total` its sum, `tol` a tooth's reach.
 */
function bestComb(
  cum: Float64Array,
  total: number,
  tol: number,
  gsd: number,
  sMin: number,
  sMax: number,
): Omit<Comb, 'cum' | 'tol'> | null {
  let best = Number.NEGATIVE_INFINITY;
  let out: { period: number; phase: number } | null = null;
  for (let sM = sMin; sM <= sMax + 1e-9; sM += 0.02) {
    const period = (sM / gsd) * BINS;
    // A comb of this spacing covers this share of the profile: what it would catch by chance.
    const chance = total * Math.min(1, (2 * tol + 1) / period);
    for (let phase = 0; phase < period; phase += 0.5) {
      const caught = combCatch(cum, tol, period, phase);
      if (caught - chance > best) {
        best = caught - chance;
        out = { period, phase };
      }
    }
  }
  if (!out) return null;
  const { period, phase } = out;
  return {
    period,
    phase,
    lead: combCatch(cum, tol, period, phase) / combCatch(cum, tol, period, (phase + period / 2) % period),
  };
}

/** The pooled response (`cum`: its prefix sums) within `tol` bins of the comb's teeth. */
function combCatch(cum: Float64Array, tol: number, period: number, phase: number): number {
  const nb = cum.length - 1;
  let caught = 0;
  for (let t = phase; t < nb; t += period) caught += toothCatch(cum, tol, t);
  return caught;
}

/** The pooled response (`cum`: its prefix sums) within `tol` bins of one tooth at bin `t`. */
function toothCatch(cum: Float64Array, tol: number, t: number): number {
  const nb = cum.length - 1;
  const c = Math.round(t);
  return cum[Math.min(nb, c + tol + 1)]! - cum[Math.max(0, c - tol)]!;
}
