/**
 * The tracks of a yard polygon, found from the image: parallel lines along the polygon's long axis,
 * their spacing and phase read from across-profiles of short stretches of the yard on every date.
 *
 * At 1 m the strip between two tracks is narrower than a pixel, so the bare yard is one dark band; what
 * shows the tracks is what stands on them. Spacing: each stretch's across-profile is periodic at the
 * track spacing wherever cars stand side by side (whatever their colours), so the summed power spectrum
 * of the stretches peaks there. Phase: cars come and go and differ in colour, the ground between tracks
 * does not, so the profiles vary most (between stretches and dates) on the track centres.
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
}

/** Across-profile bins per pixel. */
const BINS = 4;
/** Stretch length along the tracks, metres: about a car, so a stretch sees one car per track. */
const STRETCH_M = 20;

export function findYardTracks({ yard, dates, gsd, spacingRangeM }: YardInput): Array<Array<[number, number]>> {
  const block = dates[0];
  if (!block) return [];
  const { width } = block.window;
  const axis = principalAxis(yard, width);
  if (!axis) return [];
  const { mx, my, ux, uy } = axis;
  // Each yard pixel's coordinates along (u) and across (v) the yard.
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
  const nb = Math.floor((vMax - vMin) * BINS) + 1;
  const stretchPx = STRETCH_M / gsd;
  const nStretch = Math.max(1, Math.ceil((uMax - uMin + 1) / stretchPx));
  const nBands = block.bands.length;
  // Profiles: one per (date, stretch, band), high-passed so the yard's overall shape drops out.
  const profiles: Float64Array[] = [];
  const hpHalf = Math.max(1, Math.round((spacingRangeM[1] / gsd) * BINS * 0.5));
  for (const d of dates) {
    const sum = Array.from({ length: nStretch * nBands }, () => new Float64Array(nb));
    const cnt = Array.from({ length: nStretch }, () => new Float64Array(nb));
    for (let p = 0; p < idx.length; p++) {
      const i = idx[p]!;
      if (!d.valid[i]) continue;
      const s = Math.min(nStretch - 1, Math.floor((us[p]! - uMin) / stretchPx));
      const k = Math.floor((vs[p]! - vMin) * BINS);
      cnt[s]![k]!++;
      for (let b = 0; b < nBands; b++) sum[s * nBands + b]![k]! += d.bands[b]![i]!;
    }
    for (let s = 0; s < nStretch; s++) {
      const c = cnt[s]!;
      // A stretch mostly outside the image or under cloud tells nothing.
      let filled = 0;
      for (let k = 0; k < nb; k++) if (c[k]! > 0) filled++;
      if (filled < 0.2 * (nb / BINS)) continue;
      for (let b = 0; b < nBands; b++) {
        const prof = fillGaps(sum[s * nBands + b]!, c);
        if (prof) profiles.push(highPass(prof, hpHalf));
      }
    }
  }
  if (profiles.length === 0) return [];
  const [sMin, sMax] = spacingRangeM;
  // Spacing: the highest peak of the summed power spectrum within the sought range (0.02 m steps), of
  // the profiles' slopes: shadows and the yard's edges put a rising trend into the spectrum of the
  // profiles themselves, which would make the range's long end win.
  const slopes = profiles.map((p) => p.map((v, k) => (k > 0 ? v - p[k - 1]! : 0)));
  const spectrum: Array<[number, number]> = [];
  for (let sM = sMin; sM <= sMax + 1e-9; sM += 0.02) {
    const { cos, sin } = basis(nb, (sM / gsd) * BINS);
    let power = 0;
    for (const prof of slopes) {
      let re = 0;
      let im = 0;
      for (let k = 0; k < nb; k++) {
        re += prof[k]! * cos[k]!;
        im += prof[k]! * sin[k]!;
      }
      power += re * re + im * im;
    }
    spectrum.push([sM, power]);
  }
  let bestS = (sMin + sMax) / 2;
  let bestP = -1;
  for (let k = 1; k + 1 < spectrum.length; k++) {
    const [sM, power] = spectrum[k]!;
    if (power > bestP && power >= spectrum[k - 1]![1] && power >= spectrum[k + 1]![1]) {
      bestP = power;
      bestS = sM;
    }
  }
  const period = (bestS / gsd) * BINS;
  // Phase: where the profiles vary most about their mean.
  const mean = new Float64Array(nb);
  for (const prof of profiles) for (let k = 0; k < nb; k++) mean[k]! += prof[k]! / profiles.length;
  const variance = new Float64Array(nb);
  for (const prof of profiles)
    for (let k = 0; k < nb; k++) variance[k]! += (prof[k]! - mean[k]!) ** 2 / profiles.length;
  const { re, im } = dft(variance, period);
  // dft uses e^{−iωk}: a peak at k0 gives angle −ωk0.
  const phase = ((-Math.atan2(im, re) / (2 * Math.PI)) * period + period) % period;
  // Teeth across the whole polygon; a tooth on the polygon's bare margin has no cars ever, so little variance.
  const teeth: Array<{ k: number; v: number }> = [];
  const half = Math.max(1, Math.round(BINS * 0.5));
  for (let k = phase; k < nb; k += period) {
    const c = Math.round(k);
    let acc = 0;
    let n = 0;
    for (let j = Math.max(0, c - half); j <= Math.min(nb - 1, c + half); j++) {
      acc += variance[j]!;
      n++;
    }
    teeth.push({ k, v: n ? acc / n : 0 });
  }
  const lines: Array<Array<[number, number]>> = [];
  // Every tooth well inside the polygon is a candidate; the detector drops lines that never show bare bed
  // (the polygon's margin of ground). Spread alone would not do: one bright train outweighs dark ones.
  for (const t of teeth) {
    if (t.k < 0.25 * period || t.k > nb - 0.25 * period) continue;
    const v = vMin + (t.k + 0.5) / BINS;
    const cx = mx - uy * v;
    const cy = my + ux * v;
    lines.push([
      [cx + ux * uMin, cy + uy * uMin],
      [cx + ux * uMax, cy + uy * uMax],
    ]);
  }
  return lines;
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

/** The profile less its moving average over ±half bins (the yard's band shape and lighting). */
function highPass(p: Float64Array, half: number): Float64Array {
  const n = p.length;
  const prefix = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) prefix[k + 1] = prefix[k]! + p[k]!;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = Math.max(0, k - half);
    const b = Math.min(n, k + half + 1);
    out[k] = p[k]! - (prefix[b]! - prefix[a]!) / (b - a);
  }
  return out;
}

/** Hann-windowed cosine and sine at `period` bins (the window keeps the yard's ends from leaking). */
function basis(n: number, period: number): { cos: Float64Array; sin: Float64Array } {
  const w = (2 * Math.PI) / period;
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * (k + 0.5)) / n);
    cos[k] = hann * Math.cos(w * k);
    sin[k] = -hann * Math.sin(w * k);
  }
  return { cos, sin };
}

/** One Fourier coefficient of `p` at `period` bins. */
function dft(p: Float64Array, period: number): { re: number; im: number } {
  const { cos, sin } = basis(p.length, period);
  let re = 0;
  let im = 0;
  for (let k = 0; k < p.length; k++) {
    re += p[k]! * cos[k]!;
    im += p[k]! * sin[k]!;
  }
  return { re, im };
}
