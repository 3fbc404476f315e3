// The app's one state object and its change notifications; modules read it and call `set`.
import type { Image, ScoreRow, Site } from '../../contract/index.ts';
import type { HeatmapMetric } from './api.ts';

export type ChartMetric = 'activity' | 'vesselCount' | 'railCarCount' | 'changeFraction';

export interface AppState {
  sites: Site[];
  site: Site | null;
  /** Every image of the site, oldest first (any status). */
  images: Image[];
  /** Images with status `ready`: the slider's dates, oldest first. */
  dates: Image[];
  /** Index into `dates` of the date on screen. */
  index: number;
  scores: ScoreRow[];
  zoneId: string | null;
  chartMetric: ChartMetric;
  playing: boolean;
  compare: { on: boolean; leftId: string | null; position: number };
  heatmap: { on: boolean; metric: HeatmapMetric; fromId: string | null; toId: string | null };
  layers: { zones: boolean; detections: boolean; change: boolean };
}

export type Key = keyof AppState;
type Listener = (state: AppState, changed: ReadonlySet<Key>) => void;

/** A tiny observable store: `set` merges a patch and tells listeners which keys changed. */
export class Store {
  #state: AppState;
  #listeners: Listener[] = [];

  constructor(initial: AppState) {
    this.#state = initial;
  }

  get state(): AppState {
    return this.#state;
  }

  set(patch: Partial<AppState>): void {
    const changed = new Set<Key>();
    for (const k of Object.keys(patch) as Key[]) if (patch[k] !== this.#state[k]) changed.add(k);
    if (changed.size === 0) return;
    this.#state = { ...this.#state, ...patch };
    for (const l of this.#listeners) {
      // One failing view must not stop the others from following the state.
      try {
        l(this.#state, changed);
      } catch (err) {
        console.error(err);
      }
    }
  }

  /** Calls `fn` whenever one of `keys` changes (and once now). */
  watch(keys: Key[], fn: (state: AppState) => void): void {
    this.#listeners.push((s, changed) => {
      if (keys.some((k) => changed.has(k))) fn(s);
    });
    fn(this.#state);
  }
}

export function initialState(): AppState {
  return {
    sites: [],
    site: null,
    images: [],
    dates: [],
    index: 0,
    scores: [],
    zoneId: null,
    chartMetric: 'activity',
    playing: false,
    compare: { on: false, leftId: null, position: 0.5 },
    heatmap: { on: false, metric: 'change', fromId: null, toId: null },
    layers: { zones: true, detections: true, change: false },
  };
}

/** The image on screen, if any. */
export function currentImage(s: AppState): Image | null {
  return s.dates[s.index] ?? null;
}

/** Score rows of one image keyed by zone id. */
export function scoresOf(s: AppState, imageId: string | undefined): Map<string, ScoreRow> {
  const m = new Map<string, ScoreRow>();
  if (!imageId) return m;
  for (const r of s.scores) if (r.imageId === imageId) m.set(r.zoneId, r);
  return m;
}
