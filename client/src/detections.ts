// Detections of the date on screen: vessels and rail cars as oriented boxes, styled apart.
import { type GeoJSONSource, type Map as MapLibreMap, Popup } from 'maplibre-gl';
import type { DetectionProperties } from '../../contract/index.ts';
import { api, type DetectionCollection } from './api.ts';
import { h } from './dom.ts';

/** What a detection's box says when clicked: its kind and zone, size, heading and confidence. */
export function describeDetection(p: DetectionProperties): string[] {
  return [
    `${p.kind === 'vessel' ? 'Vessel' : 'Rail car'} · ${p.zoneId}`,
    `${p.lengthM.toFixed(1)} m × ${p.widthM.toFixed(1)} m, heading ${Math.round(p.headingDeg)}°`,
    `confidence ${p.confidence.toFixed(2)}`,
  ];
}

export class DetectionsLayer {
  #map: MapLibreMap;
  #abort: AbortController | null = null;
  #cache = new Map<string, DetectionCollection>();
  /** Counts of the detections on screen, for the legend; null when none are shown (layer off, or not loaded). */
  counts: { vessel: number; railcar: number } | null = null;

  #popup: Popup | null = null;

  constructor(map: MapLibreMap) {
    this.#map = map;
    // A click on a box names what was found there (it also selects the zone under it, as any map click does).
    map.on('click', 'detections-fill', (e) => {
      const props = e.features?.[0]?.properties as DetectionProperties | undefined;
      if (!props) return;
      this.#popup?.remove();
      const lines = describeDetection(props);
      this.#popup = new Popup({ className: 'detection-popup', maxWidth: '280px' })
        .setLngLat(e.lngLat)
        .setDOMContent(h('div', {}, h('strong', {}, lines[0] ?? ''), ...lines.slice(1).map((l) => h('div', {}, l))))
        .addTo(map);
    });
    map.on('mouseenter', 'detections-fill', () => {
      map.getCanvas().style.cursor = 'pointer';
    });
  }

  /** Loads and draws the detections of one image (cached per image). */
  async show(imageId: string | null): Promise<void> {
    this.#abort?.abort();
    const source = this.#map.getSource<GeoJSONSource>('detections');
    this.#popup?.remove();
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
