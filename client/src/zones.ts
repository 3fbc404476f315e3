// Zones on the map: outlines and fills coloured by the current date's activity, click to select.
import type { GeoJSONSource, MapGeoJSONFeature, Map as MapLibreMap } from 'maplibre-gl';
import type { ScoreRow, ZoneCollection } from '../../contract/index.ts';

const LAYERS = ['zones-fill', 'zones-casing', 'zones-line', 'zones-selected'] as const;

export class ZonesLayer {
  #map: MapLibreMap;
  #ids: string[] = [];

  /** `describe` gives the hover label of a zone (name, kind, the current date's numbers). */
  constructor(map: MapLibreMap, onSelect: (zoneId: string | null) => void, describe: (zoneId: string) => string) {
    this.#map = map;
    const tip = document.createElement('div');
    tip.className = 'map-tip';
    tip.setAttribute('aria-hidden', 'true');
    tip.hidden = true;
    map.getContainer().append(tip);
    map.on('mousemove', (e) => {
      const hits = map.queryRenderedFeatures(e.point, { layers: ['zones-fill', 'zones-line'] });
      const id = hits[0] ? String(hits[0].properties.id) : null;
      tip.hidden = !id;
      if (!id) return;
      tip.textContent = describe(id);
      tip.style.transform = `translate(${e.point.x + 14}px, ${e.point.y + 14}px)`;
    });
    map.getCanvas().addEventListener('mouseleave', () => {
      tip.hidden = true;
    });
    const pick = (features: MapGeoJSONFeature[]) => {
      // Topmost first (MapLibre's order); berths paint above anchorages and water, so they win.
      return features[0] ? String(features[0].properties.id) : null;
    };
    map.on('click', (e) => {
      const hits = map.queryRenderedFeatures(e.point, { layers: ['zones-fill', 'zones-line'] });
      const id = pick(hits);
      if (id) onSelect(id);
    });
    for (const layer of ['zones-fill', 'zones-line']) {
      map.on('mouseenter', layer, () => {
        map.getCanvas().style.cursor = 'pointer';
      });
      map.on('mouseleave', layer, () => {
        map.getCanvas().style.cursor = '';
      });
    }
  }

  setZones(zones: ZoneCollection): void {
    // Scored zones above water/ignore areas so the smaller, meaningful ones win clicks and paint last.
    const order = { water: 0, ignore: 1, anchorage: 2, rail: 3, berth: 4 } as const;
    const features = [...zones.features].sort((a, b) => order[a.properties.kind] - order[b.properties.kind]);
    this.#ids = features.map((f) => f.properties.id);
    this.#map.getSource<GeoJSONSource>('zones')?.setData({ type: 'FeatureCollection', features });
  }

  /** Colours each zone by its activity on one date; zones with no row (or null activity) turn grey. */
  setScores(rows: Map<string, ScoreRow>): void {
    for (const id of this.#ids) {
      const activity = rows.get(id)?.activity ?? null;
      this.#map.setFeatureState({ source: 'zones', id }, { activity });
    }
  }

  setSelected(zoneId: string | null): void {
    for (const id of this.#ids) this.#map.setFeatureState({ source: 'zones', id }, { selected: id === zoneId });
    this.#map.setFilter('zones-selected', zoneId ? ['==', ['get', 'id'], zoneId] : ['boolean', false]);
  }

  setVisible(on: boolean): void {
    for (const l of LAYERS) this.#map.setLayoutProperty(l, 'visibility', on ? 'visible' : 'none');
  }
}
