/** Arrivals and departures: vessels of two dates paired by position and size, in metres on the ground. */

/** A vessel placed on the ground: centre in local metres (x east, y north or south, consistently). */
export interface Placed {
  cx: number;
  cy: number;
  lengthM: number;
  widthM: number;
  headingDeg: number;
}

export interface MatchOptions {
  /** A vessel that moved less than this (or half its length, if more) is the same vessel. Covers
   * residual misregistration and a ship warping along its berth. */
  maxShiftM?: number;
  /** Lengths may differ by at most this factor (detections of one hull vary with light and haze). */
  maxLengthRatio?: number;
}

/**
 * Pairs vessels present on both dates; `pairs` are [previousIndex, currentIndex]. Candidate pairs
 * within the gates are taken cheapest first (normalised distance + log length ratio): greedy
 * assignment, which equals the optimum whenever gated candidates do not compete, as is usual at
 * berths where hulls lie a hull's width or more apart.
 */
export function matchVessels(
  previous: Placed[],
  current: Placed[],
  { maxShiftM = 30, maxLengthRatio = 1.6 }: MatchOptions = {},
): { arrivals: number; departures: number; pairs: Array<[number, number]> } {
  const candidates: Array<[number, number, number]> = [];
  previous.forEach((a, i) => {
    current.forEach((b, j) => {
      const gate = Math.max(maxShiftM, 0.5 * Math.max(a.lengthM, b.lengthM));
      const d = Math.hypot(a.cx - b.cx, a.cy - b.cy);
      if (d > gate) return;
      const ratio = Math.abs(Math.log(Math.max(a.lengthM, 1e-6) / Math.max(b.lengthM, 1e-6)));
      if (ratio > Math.log(maxLengthRatio)) return;
      candidates.push([d / gate + ratio, i, j]);
    });
  });
  candidates.sort((x, y) => x[0] - y[0]);
  const usedPrev = new Uint8Array(previous.length);
  const usedCur = new Uint8Array(current.length);
  const pairs: Array<[number, number]> = [];
  for (const [, i, j] of candidates) {
    if (usedPrev[i] || usedCur[j]) continue;
    usedPrev[i] = 1;
    usedCur[j] = 1;
    pairs.push([i, j]);
  }
  return { arrivals: current.length - pairs.length, departures: previous.length - pairs.length, pairs };
}
