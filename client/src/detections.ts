// Detections of the date on screen: vessels and rail cars as oriented boxes, styled apart.
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { api, type DetectionCollection } from './api.ts';

export class DetectionsLayer {
  #map: MapLibreMap;
  #abort: AbortController | null = null;
  #cache = new Map<string, DetectionCollection>();
  /** Counts of the detections on screen, for the legend; null when none are shown (layer off, or not loaded). */
  counts: { vessel: number; railcar: number } | null = null;

  constructor(map: MapLibreMap) {
    this.#map = map;
  }

  /** Loads and draws the detections of one image (cached per image). */
  async show(imageId: string | null): Promise<void> {
    this.#abort?.abort();
    const source = this.#map.getSource<GeoJSONSource>('detections');
    if (!imageId) {
      this.counts = null;
      source?.setData({ type: 'FeatureCollection', features: [] });
      return;
    }
    let fc = this.#cache.get(imageId);
    if (!fc) {
      const ctl = new AbortController();
      this.#abort = ctl;
      try {
        fc = await api.detections(imageId, ctl.signal);
      } catch (err) {
        if ((err as Error).name === 'AbortError') return;
        // Not cached, and no count: an empty layer would read as "no vessels", and stay so for this date.
        this.counts = null;
        source?.setData({ type: 'FeatureCollection', features: [] });
        throw err;
      }
      this.#cache.set(imageId, fc);
    }
    const counts = { vessel: 0, railcar: 0 };
    for (const f of fc.features) counts[f.properties.kind]++;
    this.counts = counts;
    source?.setData(fc);
  }

  /** Prefetches a neighbour's detections so scrubbing stays smooth. */
  prefetch(imageId: string): void {
    if (this.#cache.has(imageId)) return;
    api
      .detections(imageId)
      .then((fc) => this.#cache.set(imageId, fc))
      .catch(() => {});
  }

  setVisible(on: boolean): void {
    for (const l of ['detections-fill', 'detections-line'])
      this.#map.setLayoutProperty(l, 'visibility', on ? 'visible' : 'none');
  }

  clear(): void {
    this.#cache.clear();
  }
}
