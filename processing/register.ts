/** Co-registration: the sub-pixel translation between two images on the site grid, by phase correlation. */
import { throwIfAborted } from './errors.ts';
import { type CrossPower, crossPower, type Peak, peaks, refinePeak } from './register-correlate.ts';
import type { Block, BlockReader, RunOptions, Window } from './types.ts';

export interface RegistrationResult {
  dx: number;
  dy: number;
  /** 0..1: how sharp and how consistent the correlation peaks were. */
  confidence: number;
  trusted: boolean;
  /** Why the shift is not trusted (absent when trusted). */
  reason?: string;
}

export interface RegisterOptions extends RunOptions {
  /** Largest plausible residual shift after georeferencing, px; a larger peak is reported untrusted. */
  maxShiftPx?: number;
  /** Correlation window side, px (a power of two; shrunk to fit small images). */
  windowPx?: number;
  /** How many well-textured windows vote on the shift. */
  maxWindows?: number;
}

/**
 * A peak this many standard deviations above the correlation surface is a match. For two
 * unrelated windows (flat water with noise, cloud) the best of four full-resolution windows
 * measured 5–8σ, the best of 4–16 half-resolution ones 5.0–6.6σ; textured scenes under gain,
 * gamma, haze and noise up to 0.1 score 35–100σ.
 */
const MIN_PEAK_Z = 12;
/** Coarse peaks of two windows within this distance vote for the same shift, px (coarse peaks are ±1 px). */
const VOTE_PX = 2;
/** Peaks per window that may vote: a window's strongest peak can be a moved ship, its second the ground. */
const VOTE_PEAKS = 2;
/** Windows measured at full resolution after the vote (the strongest of those that voted for it). */
const FINE_WINDOWS = 6;
/** Fine shifts that differ from the windows' median by more than this disagree, px. */
const AGREE_PX = 0.5;
/** The fine pass searches this far around the voted whole-pixel shift, px. */
const FINE_RADIUS = 2;

/** One window's vote: its peaks (full-resolution px) on the coarse surface. */
interface Vote {
  win: Window;
  lum: Float64Array;
  peaks: Peak[];
}

/**
 * Shift to read `moving` with so it aligns to `reference`: content at reference (x, y) is at
 * moving (x + dx, y + dy).
 *
 * Up to `maxWindows` windows with the most 2-D structure in the reference are phase-correlated
 * (Kuglin & Hines 1975) at half resolution, and their peaks vote: the shift most windows agree on
 * within VOTE_PX wins. A window's strongest peak is not always the ground's: ships that moved,
 * construction, cloud and repeated structure (pier rows, tracks) give peaks of their own, which a
 * per-axis median of a few windows could not outvote (seed 283191, 2025-10-14: two of four windows
 * on piers with moved ships peaked 56 and 86 px away). The windows that voted for the winner are
 * then correlated at full resolution with the moving image moved by the whole-pixel shift (the
 * common Hann window biases phase correlation towards zero in proportion to the shift), their
 * sub-pixel shifts checked for agreement, and the agreeing windows' cross-power spectra summed and
 * refined to ~0.05 px by a local upsampled DFT (Guizar-Sicairos, Thurman & Fienup 2008).
 * Untrusted (with a reason, and the best shift found) when the images lack texture, the windows do
 * not agree, or the shift exceeds `maxShiftPx`.
 */
export async function register(
  reference: BlockReader,
  moving: BlockReader,
  opts: RegisterOptions = {},
): Promise<RegistrationResult> {
  const { signal, onProgress, maxShiftPx = 16, maxWindows = 12 } = opts;
  const w = Math.min(reference.width, moving.width);
  const h = Math.min(reference.height, moving.height);
  let n = opts.windowPx ?? 512;
  while (n > 32 && (n > w || n > h)) n /= 2;
  if (n > w || n > h) return untrusted(`image is ${w}×${h} px; registration needs at least 32×32`);
  // The vote needs whole pixels only: half resolution quarters its cost, and small windows keep enough texture.
  const factor = n >= 128 ? 2 : 1;

  // Candidate windows on a grid; rank by the reference's 2-D structure.
  const along = (size: number) => {
    const k = Math.min(4, Math.max(1, Math.floor(size / n)));
    return Array.from({ length: k }, (_, i) => (k === 1 ? (size - n) >> 1 : Math.round((i * (size - n)) / (k - 1))));
  };
  const candidates: { win: Window; lum: Float64Array; texture: number }[] = [];
  for (const y of along(h)) {
    for (const x of along(w)) {
      throwIfAborted(signal);
      const win = { x, y, width: n, height: n };
      const lum = luminance(await reference.read(win));
      if (!lum) continue;
      candidates.push({ win, lum, texture: structure(lum, n) });
    }
  }
  if (candidates.length === 0) return untrusted('no window of the reference is at least 90 % valid');
  candidates.sort((a, b) => b.texture - a.texture);
  const chosen = candidates.slice(0, maxWindows);

  const votes: Vote[] = [];
  for (const [i, c] of chosen.entries()) {
    throwIfAborted(signal);
    const mov = luminance(await moving.read(c.win));
    if (mov) {
      const nc = n / factor;
      const cp = crossPower(downsample(c.lum, n, factor), downsample(mov, n, factor), nc);
      const found = peaks(cp, VOTE_PEAKS).map((p) => ({ ...p, dx: p.dx * factor, dy: p.dy * factor }));
      votes.push({ win: c.win, lum: c.lum, peaks: found });
    }
    onProgress?.((0.5 * (i + 1)) / chosen.length, 'register');
  }
  if (votes.length === 0)
    return untrusted('the moving image has no window at least 90 % valid where the reference does');

  const strong = votes.filter((v) => (v.peaks[0]?.z ?? 0) >= MIN_PEAK_Z);
  if (strong.length === 0) {
    const bestZ = Math.max(0, ...votes.map((v) => v.peaks[0]?.z ?? 0));
    return untrusted(
      `no correlation peak stands out (best ${bestZ.toFixed(1)}σ, need ${MIN_PEAK_Z}σ): too little shared texture (water, cloud or haze?)`,
      0,
      0,
      Math.min(0.2, bestZ / MIN_PEAK_Z / 5),
    );
  }
  const vote = elect(strong);
  // Windows that do not back the winner mostly scatter (each moved ship or changed plot peaks at its
  // own shift), so the test is the winner's margin over the strongest rival, not a majority of all
  // windows: seed 90417, 2025-08-14, six windows on ground agreed at 53–83σ while the other six
  // peaked at six different shifts (ships on water, at 12–50σ). Two rival shifts of similar backing
  // (two halves moved differently) cannot be told apart.
  const voteShare = vote.voters.length / (vote.voters.length + vote.rivalVoters);
  if (vote.voters.length < 2 * vote.rivalVoters || (vote.voters.length < 2 && strong.length > 1)) {
    return untrusted(
      `windows disagree: ${vote.voters.length} of ${strong.length} agree within ${VOTE_PX} px on one shift, ${vote.rivalVoters} on another`,
      vote.dx,
      vote.dy,
      0.5 * voteShare * sharpness(vote.voters.map((v) => v.peak.z)),
    );
  }

  // Full resolution, moving image moved by the voted whole-pixel shift: only a residual is left to measure.
  const ix = Math.round(vote.dx);
  const iy = Math.round(vote.dy);
  const fineVoters = [...vote.voters].sort((a, b) => b.peak.z - a.peak.z).slice(0, FINE_WINDOWS);
  const fine: { cp: CrossPower; peak: Peak }[] = [];
  for (const [i, v] of fineVoters.entries()) {
    throwIfAborted(signal);
    const mov = luminance(await moving.read(v.vote.win, { shift: { dx: ix, dy: iy } }));
    if (mov) {
      const cp = crossPower(v.vote.lum, mov, n);
      const [peak] = peaks(cp, 1, { within: FINE_RADIUS });
      if (peak && peak.z >= MIN_PEAK_Z) fine.push({ cp, peak });
    }
    onProgress?.(0.5 + (0.5 * (i + 1)) / fineVoters.length, 'register');
  }
  if (fine.length === 0) {
    return untrusted(
      `no full-resolution peak near the voted shift (${vote.dx.toFixed(1)}, ${vote.dy.toFixed(1)}) px`,
      vote.dx,
      vote.dy,
      0.1 * voteShare,
    );
  }
  const mx = median(fine.map((f) => f.peak.dx));
  const my = median(fine.map((f) => f.peak.dy));
  const agreeing = fine.filter((f) => Math.hypot(f.peak.dx - mx, f.peak.dy - my) <= AGREE_PX);
  const confidence = Math.max(
    0,
    Math.min(1, sharpness(agreeing.map((f) => f.peak.z)) * voteShare * (agreeing.length / fine.length)),
  );
  if (agreeing.length * 2 <= fine.length) {
    return untrusted(
      `windows disagree at full resolution: only ${agreeing.length} of ${fine.length} within ${AGREE_PX} px`,
      ix + mx,
      iy + my,
      0.5 * confidence,
    );
  }
  const [rx, ry] = refineTogether(agreeing.map((f) => f.cp));
  const dx = ix + rx;
  const dy = iy + ry;
  if (Math.abs(dx) > maxShiftPx || Math.abs(dy) > maxShiftPx) {
    return untrusted(
      `shift (${dx.toFixed(2)}, ${dy.toFixed(2)}) px exceeds maxShiftPx ${maxShiftPx}`,
      dx,
      dy,
      Math.min(confidence, 0.1),
    );
  }
  return { dx, dy, confidence, trusted: true };
}

function untrusted(reason: string, dx = 0, dy = 0, confidence = 0): RegistrationResult {
  return { dx, dy, confidence: Number.isFinite(confidence) ? confidence : 0, trusted: false, reason };
}

type Voter = { vote: Vote; peak: Peak };

/**
 * The shift most windows have a peak near (ties: the larger summed peak height), as the
 * z-weighted mean of each voter's nearest peak; and how many windows back the strongest rival
 * shift, one more than 2·VOTE_PX away.
 */
function elect(votes: Vote[]): { dx: number; dy: number; voters: Voter[]; rivalVoters: number } {
  const clusters: { dx: number; dy: number; voters: Voter[]; score: number }[] = [];
  for (const v of votes) {
    for (const cand of v.peaks) {
      if (cand.z < MIN_PEAK_Z) continue;
      const voters: Voter[] = [];
      for (const o of votes) {
        let near: Peak | null = null;
        for (const p of o.peaks) {
          if (p.z < MIN_PEAK_Z || Math.hypot(p.dx - cand.dx, p.dy - cand.dy) > VOTE_PX) continue;
          if (!near || p.z > near.z) near = p;
        }
        if (near) voters.push({ vote: o, peak: near });
      }
      const zs = voters.reduce((s, x) => s + x.peak.z, 0);
      clusters.push({
        dx: voters.reduce((s, x) => s + x.peak.dx * x.peak.z, 0) / zs,
        dy: voters.reduce((s, x) => s + x.peak.dy * x.peak.z, 0) / zs,
        voters,
        score: voters.length * 1e6 + zs,
      });
    }
  }
  // Every strong window has a peak of at least MIN_PEAK_Z, so there is a cluster.
  const best = clusters.reduce((a, b) => (b.score > a.score ? b : a));
  let rivalVoters = 0;
  for (const c of clusters) {
    if (Math.hypot(c.dx - best.dx, c.dy - best.dy) > 2 * VOTE_PX) rivalVoters = Math.max(rivalVoters, c.voters.length);
  }
  return { dx: best.dx, dy: best.dy, voters: best.voters, rivalVoters };
}

/**
 * The shift of the summed cross-power spectra of windows that agree: their average correlation
 * surface, one refinement instead of one per window.
 */
function refineTogether(cps: CrossPower[]): [number, number] {
  const n = cps[0]!.n;
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  const surface = new Float64Array(n * n);
  for (const cp of cps) {
    for (let i = 0; i < n * n; i++) {
      re[i]! += cp.re[i]!;
      im[i]! += cp.im[i]!;
      surface[i]! += cp.surface[i]!;
    }
  }
  const [peak] = peaks({ n, surface, mean: 0, sd: 1 }, 1, { within: FINE_RADIUS });
  return peak ? refinePeak(re, im, n, peak.ix, peak.iy) : [0, 0];
}

/** 0 at the significance threshold, 1 at 4× it, from the median peak height. */
function sharpness(z: number[]): number {
  if (z.length === 0) return 0;
  return Math.max(0, Math.min(1, Math.log(median(z) / MIN_PEAK_Z) / Math.log(4)));
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Mean of the visible bands (NIR left out), or null when under 90 % of the window is valid. Invalid → window mean. */
function luminance(block: Block): Float64Array | null {
  const size = block.valid.length;
  const bands = block.bands.filter((_, i) => block.roles[i] !== 'nir');
  const use = bands.length > 0 ? bands : block.bands;
  const lum = new Float64Array(size);
  let count = 0;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    if (!block.valid[i]) continue;
    let s = 0;
    for (const b of use) s += b[i]!;
    lum[i] = s / use.length;
    sum += lum[i]!;
    count++;
  }
  if (count < 0.9 * size) return null;
  const mean = sum / count;
  for (let i = 0; i < size; i++) lum[i] = block.valid[i] ? lum[i]! - mean : 0;
  return lum;
}

/** Mean of `factor`×`factor` blocks of an n×n window. */
function downsample(lum: Float64Array, n: number, factor: number): Float64Array {
  if (factor === 1) return lum;
  const m = n / factor;
  const out = new Float64Array(m * m);
  const k = 1 / (factor * factor);
  for (let y = 0; y < n; y++) {
    const row = Math.floor(y / factor) * m;
    for (let x = 0; x < n; x++) out[row + Math.floor(x / factor)]! += lum[y * n + x]! * k;
  }
  return out;
}

/**
 * The smaller eigenvalue of the window's summed structure tensor: high only where gradients run
 * in more than one direction, so a window of parallel edges (a quay, rail tracks), which fixes
 * the shift across them but not along, ranks low.
 */
function structure(lum: Float64Array, n: number): number {
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let y = 0; y < n - 1; y++) {
    for (let x = 0; x < n - 1; x++) {
      const i = y * n + x;
      const gx = lum[i + 1]! - lum[i]!;
      const gy = lum[i + n]! - lum[i]!;
      xx += gx * gx;
      yy += gy * gy;
      xy += gx * gy;
    }
  }
  return (xx + yy) / 2 - Math.hypot((xx - yy) / 2, xy);
}
