/**
 * Per-zone scores from the measurements of one image (DESIGN "Score definitions"), including the
 * `activity` index. Pure: the pipeline measures, this module only combines and applies the rules
 * (kind-specific nulls, the obscured rule, the first-image rule).
 */
import type { ScoreFields, ZoneKind } from '../contract/index.ts';

/** A zone with less valid coverage than this is "obscured": its counts are null, never 0. */
export const MIN_COVERAGE = 0.5;

/** Saturation constants of the activity terms — see README "Activity index". */
const ACTIVITY = {
  /** vessels present at which the presence term reaches 1 − 1/e (≈ 63 %). */
  vesselScale: 3,
  /** arrivals + departures at which the turnover term reaches 1 − 1/e. */
  turnoverScale: 2,
  /** changed fraction of the zone at which the change term saturates. */
  changeSaturation: 0.2,
  weights: { presence: 0.4, turnover: 0.3, change: 0.3 },
} as const;

export interface ZoneMeasurements {
  kind: ZoneKind;
  /** Fraction 0..1 of the zone with valid, unclouded pixels in this image. */
  coverage: number;
  /** Vessels (length ≥ minimum, centroid in zone) and their summed hull area, for berth/anchorage zones. */
  vessels?: { count: number; areaM2: number };
  /** Null on a site's first image or when either date is obscured. */
  turnover?: { arrivals: number; departures: number } | null;
  rail?: { cars: number; occupancy: number };
  /** Changed share of the zone's valid area; null on the first image. */
  changeFraction: number | null;
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

/** Combines one zone's measurements into its score row fields. */
export function scoreZone(m: ZoneMeasurements): ScoreFields {
  const coverage = round(Math.min(1, Math.max(0, m.coverage)), 4);
  const obscured = coverage < MIN_COVERAGE;
  const isVessel = m.kind === 'berth' || m.kind === 'anchorage';
  const isRail = m.kind === 'rail';
  const vessels = isVessel && !obscured && m.vessels ? m.vessels : null;
  const rail = isRail && !obscured && m.rail ? m.rail : null;
  const turnover = isVessel && !obscured && m.turnover ? m.turnover : null;
  const changeFraction =
    m.kind === 'ignore' || obscured || m.changeFraction === null ? null : round(clamp01(m.changeFraction), 4);
  return {
    vesselCount: vessels ? vessels.count : null,
    vesselAreaM2: vessels ? Math.round(vessels.areaM2) : null,
    arrivals: turnover ? turnover.arrivals : null,
    departures: turnover ? turnover.departures : null,
    railCarCount: rail ? rail.cars : null,
    railOccupancy: rail ? round(clamp01(rail.occupancy), 4) : null,
    changeFraction,
    coverage,
    activity: m.kind === 'ignore' || obscured ? null : activityIndex(m.kind, vessels, turnover, rail, changeFraction),
  };
}

/**
 * Activity 0..100: a weighted mean of saturating terms in [0, 1] — presence (vessels, or rail
 * occupancy), turnover (arrivals + departures) and change — over the terms available for the
 * zone and date. It depends only on this date's measurements and fixed constants, so it is
 * comparable across the dates of one zone, and it rises with each of its inputs.
 */
export function activityIndex(
  kind: ZoneKind,
  vessels: { count: number } | null,
  turnover: { arrivals: number; departures: number } | null,
  rail: { occupancy: number } | null,
  changeFraction: number | null,
): number | null {
  const terms: Array<[weight: number, value: number]> = [];
  const w = ACTIVITY.weights;
  if (vessels) terms.push([w.presence, 1 - Math.exp(-vessels.count / ACTIVITY.vesselScale)]);
  if (rail) terms.push([w.presence, clamp01(rail.occupancy)]);
  if (turnover) {
    terms.push([w.turnover, 1 - Math.exp(-(turnover.arrivals + turnover.departures) / ACTIVITY.turnoverScale)]);
  }
  if (changeFraction !== null) terms.push([w.change, clamp01(changeFraction / ACTIVITY.changeSaturation)]);
  if (terms.length === 0) return kind === 'water' ? null : 0;
  const total = terms.reduce((s, [wt]) => s + wt, 0);
  const value = terms.reduce((s, [wt, v]) => s + wt * v, 0) / total;
  return round(100 * value, 1);
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}
