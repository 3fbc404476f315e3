// Detections of the date on screen: vessels and rail cars as oriented boxes, styled apart.
import { type GeoJSONSource, type Map as MapLibreMap, Popup } from 'maplibre-gl';
import type { DetectionKind, DetectionProperties, Image, ScoreRow } from '../../contract/index.ts';
import { api, type DetectionCollection } from './api.ts';
import { h } from './dom.ts';

/** A detection as drawn: `withheld` when its zone's count of its kind is withheld (too little of the zone seen). */
export type ShownDetectionProperties = DetectionProperties & { withheld: boolean; coverage: number | null };

type ShownDetection = Omit<DetectionCollection['features'][number], 'properties'> & {
  properties: ShownDetectionProperties;
};

export interface DetectionCounts {
  /** Detections that make up a zone's count. */
  vessel: number;
  railcar: number;
  /** Detections drawn in zones whose count is withheld: not part of any score. */
  withheld: Record<DetectionKind, number>;
}

/**
 * Marks each detection whose zone has no count of its kind for this date (coverage under half: the score
 * is null), and counts the rest. Those boxes are what was seen in the visible part of the zone, real but
 * not a count: the map draws them faint and the legend keeps them out of its numbers, as the scores do.
 */
export function markWithheld(
  fc: DetectionCollection,
  scores: ReadonlyMap<string, ScoreRow>,
): { features: ShownDetection[]; counts: DetectionCounts } {
  const counts: DetectionCounts = { vessel: 0, railcar: 0, withheld: { vessel: 0, railcar: 0 } };
  const features = fc.features.map((f): ShownDetection => {
    const row = scores.get(f.properties.zoneId);
    const count = row ? (f.properties.kind === 'vessel' ? row.vesselCount : row.railCarCount) : undefined;
    const withheld = count === null;
    if (withheld) counts.withheld[f.properties.kind]++;
    else counts[f.properties.kind]++;
    const properties: ShownDetectionProperties = { ...f.properties, withheld, coverage: row?.coverage ?? null };
    return { ...f, properties };
  });
  return { features, counts };
}

/**
 * What a detection's box says when clicked: its kind and zone (by the name the sidebar and chart use),
 * size, heading and confidence.
 */
export function describeDetection(
  p: DetectionProperties & Partial<ShownDetectionProperties>,
  zoneName: (id: string) => string = (id) => id,
): string[] {
  const lines = [
    `${p.kind === 'vessel' ? 'Vessel' : 'Rail car'} · ${zoneName(p.zoneId)}`,
    `${p.lengthM.toFixed(1)} m × ${p.widthM.toFixed(1)} m, heading ${Math.round(p.headingDeg)}°`,
    `confidence ${p.confidence.toFixed(2)}`,
  ];
  if (p.withheld) {
    const seen = typeof p.coverage === 'number' ? ` (${Math.round(p.coverage * 100)} % seen)` : '';
    lines.push(`not counted: zone too obscured to count${seen}`);
  }
  return lines;
}

/**
 * Each listed image's analysis revision (the server's own counter, bumped by every completed analysis, a
 * re-scoring too): detections fetched under one revision are stale under another.
 */
export function imageRevisions(dates: readonly Image[]): Map<string, number> {
  return new Map(dates.map((d) => [d.id, d.analysisRev]));
}

/** How many dates' detections are kept: a long session of scrubbing must not hold every date's boxes. */
export const CACHE_DATES = 50;

/** The legend's view of the layer: its counts, or why it has none. */
export type DetectionState = DetectionCounts | 'off' | 'loading' | 'failed';

export class DetectionsLayer {
  #map: MapLibreMap;
  #abort: AbortController | null = null;
  /** The in-flight key (image and revision) of the fetch `#abort` cancels. */
  #abortedId: string | null = null;
  /** By image, least recently used first (Map order), at most CACHE_DATES of them. */
  #cache = new Map<string, { revision: number | undefined; fc: DetectionCollection }>();
  /** Each image's revision as last listed (see `imageRevisions`): a cached entry is kept while it matches. */
  #revisions = new Map<string, number>();
  /** Fetches on their way, by image and the revision they were asked under (see `#key`). */
  #inflight = new Map<string, Promise<DetectionCollection>>();
  /** Counts show() calls: an answer that arrives after a later call is not drawn. */
  #calls = 0;
  /** Counts of the detections on screen, for the legend, or why there are none: off, loading, or failed. */
  counts: DetectionState = 'off';

  #popup: Popup | null = null;

  constructor(map: MapLibreMap, zoneName: (id: string) => string = (id) => id) {
    this.#map = map;
    // A click on a box names what was found there (it also selects the zone under it, as any map click does).
    map.on('click', 'detections-fill', (e) => {
      const props = e.features?.[0]?.properties as ShownDetectionProperties | undefined;
      if (!props) return;
      this.#popup?.remove();
      const lines = describeDetection(props, zoneName);
      this.#popup = new Popup({ className: 'detection-popup', maxWidth: '280px' })
        .setLngLat(e.lngLat)
        .setDOMContent(h('div', {}, h('strong', {}, lines[0] ?? ''), ...lines.slice(1).map((l) => h('div', {}, l))))
        .addTo(map);
    });
    map.on('mouseenter', 'detections-fill', () => {
      map.getCanvas().style.cursor = 'pointer';
    });
    // Without this a box that sticks out of its zone left the pointer on the bare map.
    map.on('mouseleave', 'detections-fill', () => {
      map.getCanvas().style.cursor = '';
    });
  }

  /** Loads and draws the detections of one image (cached per image), faint where `scores` withhold the count. */
  async show(imageId: string | null, scores: ReadonlyMap<string, ScoreRow> = new Map()): Promise<void> {
    if (this.#abort) {
      this.#abort.abort();
      // Gone at once, so a prefetch of that date (now a neighbour) right after this call asks afresh.
      if (this.#abortedId) this.#inflight.delete(this.#abortedId);
      this.#abort = null;
    }
    const call = ++this.#calls;
    const source = this.#map.getSource<GeoJSONSource>('detections');
    this.#popup?.remove();
    if (!imageId) {
      this.counts = 'off';
      source?.setData({ type: 'FeatureCollection', features: [] });
      return;
    }
    let fc = this.#cached(imageId);
    if (!fc) {
      // Set before the first await, so a legend drawn right after this call says the boxes are on their way.
      this.counts = 'loading';
      const revision = this.#revisions.get(imageId);
      try {
        // A prefetch of this date under this revision already on its way is waited for, not asked again.
        const key = this.#key(imageId, revision);
        const inflight = this.#inflight.get(key);
        if (inflight) fc = await inflight;
        else {
          const ctl = new AbortController();
          this.#abort = ctl;
          this.#abortedId = key;
          fc = await this.#load(imageId, ctl.signal);
          if (this.#abort === ctl) this.#abort = null;
        }
      } catch (err) {
        if ((err as Error).name === 'AbortError' || call !== this.#calls) return;
        // Not cached, and no count: an empty layer would read as "no vessels", and stay so for this date.
        this.counts = 'failed';
        source?.setData({ type: 'FeatureCollection', features: [] });
        throw err;
      }
      // Another date was asked for meanwhile: its boxes own the layer. Or the image was re-analysed while
      // these were on their way: they are an old revision's, and the refresh that said so draws anew.
      if (call !== this.#calls || this.#revisions.get(imageId) !== revision) return;
    }
    const { features, counts } = markWithheld(fc, scores);
    this.counts = counts;
    source?.setData({ type: 'FeatureCollection', features });
  }

  /** Prefetches a neighbour's detections so scrubbing stays smooth. */
  prefetch(imageId: string): void {
    if (this.#cached(imageId) || this.#inflight.has(this.#key(imageId, this.#revisions.get(imageId)))) return;
    this.#load(imageId).catch(() => {});
  }

  #key(imageId: string, revision: number | undefined): string {
    return `${imageId}@${revision ?? '?'}`;
  }

  /** The cached detections of `imageId` under its current revision, marked as just used. */
  #cached(imageId: string): DetectionCollection | undefined {
    const entry = this.#cache.get(imageId);
    if (!entry || entry.revision !== this.#revisions.get(imageId)) return undefined;
    this.#cache.delete(imageId);
    this.#cache.set(imageId, entry);
    return entry.fc;
  }

  /** Fetches an image's detections, known as in flight (under the revision asked) until they arrive. */
  #load(imageId: string, signal?: AbortSignal): Promise<DetectionCollection> {
    const revision = this.#revisions.get(imageId);
    const key = this.#key(imageId, revision);
    const loading = api.detections(imageId, signal).then((fc) => {
      this.#remember(imageId, revision, fc);
      return fc;
    });
    this.#inflight.set(key, loading);
    const done = () => {
      if (this.#inflight.get(key) === loading) this.#inflight.delete(key);
    };
    loading.then(done, done);
    return loading;
  }

  /** Caches an answer unless the image was re-listed with another revision while it was on its way. */
  #remember(imageId: string, revision: number | undefined, fc: DetectionCollection): void {
    if (this.#revisions.get(imageId) !== revision) return;
    this.#cache.delete(imageId);
    this.#cache.set(imageId, { revision, fc });
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= CACHE_DATES) break;
      this.#cache.delete(oldest);
    }
  }

  /**
   * Takes the revisions of the images as listed now: cached detections of an image whose revision is
   * unchanged are kept (the 3 s refresh while a site is analysed used to empty the cache, and each step
   * then waited a round trip for its boxes); those of a re-analysed or removed image are dropped.
   */
  setRevisions(revisions: ReadonlyMap<string, number>): void {
    this.#revisions = new Map(revisions);
    for (const [id, entry] of this.#cache) if (revisions.get(id) !== entry.revision) this.#cache.delete(id);
  }

  setVisible(on: boolean): void {
    for (const l of ['detections-fill', 'detections-line'])
      this.#map.setLayoutProperty(l, 'visibility', on ? 'visible' : 'none');
  }

  clear(): void {
    this.#cache.clear();
    this.#inflight.clear();
    this.#revisions.clear();
  }
}
