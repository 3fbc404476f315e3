// Colour scales: viridis for activity (perceptually uniform, readable with every common colour-vision
// deficiency), Okabe & Ito's palette for categories (Okabe & Ito 2008, "Color Universal Design").
import type { ExpressionSpecification } from 'maplibre-gl';

/** Viridis from 0.15 up: its darkest purple vanishes on dark imagery. Stops at 0, 12.5 … 100. */
export const ACTIVITY_STOPS: readonly string[] = [
  '#482475',
  '#414487',
  '#355f8d',
  '#2a788e',
  '#21918c',
  '#22a884',
  '#44bf70',
  '#7ad151',
  '#fde725',
];

/** Obscured (coverage < 0.5) or no score yet: neutral grey, hatched in the legend. */
export const NO_DATA = '#8a919c';

export const VESSEL = '#ff7ac8';
export const RAILCAR = '#ffb000';

/** Categorical colours for zone lines in the chart (Okabe-Ito, then Tol's muted). */
const CATEGORICAL: readonly string[] = [
  '#56b4e9',
  '#e69f00',
  '#009e73',
  '#f0e442',
  '#cc79a7',
  '#d55e00',
  '#0072b2',
  '#88ccee',
  '#ddcc77',
  '#aa4499',
  '#44aa99',
  '#999933',
];

export function categorical(i: number): string {
  return CATEGORICAL[i % CATEGORICAL.length] ?? '#cccccc';
}

/** CSS gradient of the activity scale, for the legend. */
export function activityGradient(): string {
  return `linear-gradient(to right, ${ACTIVITY_STOPS.join(', ')})`;
}

/** A MapLibre expression colouring by the `activity` feature-state, grey when null. */
export function activityColorExpression(): ExpressionSpecification {
  const stops: (number | string)[] = [];
  ACTIVITY_STOPS.forEach((c, i) => {
    stops.push((i * 100) / (ACTIVITY_STOPS.length - 1), c);
  });
  return [
    'case',
    ['==', ['typeof', ['feature-state', 'activity']], 'number'],
    ['interpolate', ['linear'], ['feature-state', 'activity'], ...stops] as unknown as ExpressionSpecification,
    NO_DATA,
  ];
}

/**
 * Heat map ramp: the upper half of inferno (monotone lightness, colour-blind safe), so even rare
 * cells stay visible over dark water; transparent at zero density.
 */
export const HEAT_STOPS: readonly [number, string][] = [
  [0, 'rgba(0,0,0,0)'],
  [0.04, 'rgba(120,28,109,0.45)'],
  [0.25, 'rgba(188,55,84,0.65)'],
  [0.5, 'rgba(237,105,37,0.8)'],
  [0.75, 'rgba(251,180,26,0.9)'],
  [1, 'rgba(252,255,164,0.95)'],
];
