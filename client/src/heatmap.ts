// The activity heat map of a period (DESIGN: GeoJSON cell centres with a weight 0..1), drawn as a
// MapLibre heatmap whose radius tracks the cell size on the ground at every zoom.
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { api, type HeatmapMetric } from './api.ts';

/** The server's default cell size (contract HeatmapQuery.cellM). */
const CELL_M = 50;

export class HeatmapLayer {
  #map: MapLibreMap;
  #abort: AbortController | null = null;
  #key = '';
  #max = 0;

  /** The largest cell weight of the period shown (0..1), for the legend. */
  get max(): number {
    return this.#max;
  }

  constructor(map: MapLibreMap) {
    this.#map = map;
  }

  /** Radius in px = cell size / metres-per-pixel, interpolated exponentially (base 2) so it is exact at every zoom. */
  #setRadius(lat: number): void {
    const mpp = (z: number) => (156_543.034 * Math.cos((lat * Math.PI) / 180)) / 2 ** z;
    this.#map.setPaintProperty('heat', 'heatmap-radius', [
      'interpolate',
      ['exponential', 2],
      ['zoom'],
      8,
      Math.max(1, (CELL_M / mpp(8)) * 1.5),
      20,
      (CELL_M / mpp(20)) * 1.5,
    ]);
  }

  /** Shows the heat map of `site` over [from, to] for `metric`, or hides it. */
  async show(site: string | null, on: boolean, metric: HeatmapMetric, from?: string, to?: string, lat = 0) {
    this.#map.setLayoutProperty('heat', 'visibility', on && site ? 'visible' : 'none');
    if (!on || !site) return;
    const key = `${site}|${metric}|${from}|${to}`;
    if (key === this.#key) return;
    this.#abort?.abort();
    const ctl = new AbortController();
    this.#abort = ctl;
    this.#setRadius(lat);
    try {
      const fc = await api.heatmap(site, metric, from, to, ctl.signal);
      // Weights are shares of images (often a few %): scaled by the period's maximum so the hottest
      // cell reaches the top of the ramp and the pattern is readable; the legend says "relative".
      let max = 0;
      for (const f of fc.features) max = Math.max(max, f.properties.weight);
      this.#map.setPaintProperty('heat', 'heatmap-weight', ['/', ['get', 'weight'], max > 0 ? max : 1]);
      this.#max = max;
      this.#map.getSource<GeoJSONSource>('heat')?.setData(fc);
      this.#key = key;
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    }
  }
}
