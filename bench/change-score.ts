/** A change mask scored against the generator's truth, zone by zone, as every change eval counts it. */
import type { SeriesDate } from '../sample-tiles/scene.ts';

/** Changed pixels found and truly changed (tp), found only (fp), missed (fn), over all zones so far. */
export interface ChangeTally {
  tp: number;
  fp: number;
  fn: number;
}

/**
 * Adds one zone's pixels to `tally` and returns the zone's share of false change. Only pixels clear on
 * both dates count: under a cloud there is nothing to compare. Null when no such pixel is in the zone.
 */
export function scoreZoneChange(
  zoneMask: Uint8Array,
  truth: Pick<SeriesDate, 'changeMask' | 'cloudMask' | 'previousCloudMask'>,
  ours: Uint8Array,
  tally: ChangeTally,
): number | null {
  const real = truth.changeMask!;
  const prevCloud = truth.previousCloudMask ?? truth.cloudMask;
  let area = 0;
  let falsePos = 0;
  for (let p = 0; p < zoneMask.length; p++) {
    if (!zoneMask[p] || truth.cloudMask[p] || prevCloud[p]) continue;
    area++;
    const t = real[p]! > 0;
    const o = ours[p]! > 0;
    if (o && t) tally.tp++;
    else if (o) {
      tally.fp++;
      falsePos++;
    } else if (t) tally.fn++;
  }
  return area > 0 ? falsePos / area : null;
}
