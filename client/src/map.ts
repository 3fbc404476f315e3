// The MapLibre map: a dark style with no basemap (the site's own imagery is the base), and the
// fixed overlay layers (change, heat map, zones, detections) that other modules fill with data.
import { Map as MapLibreMap, type StyleSpecification, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { activityColorExpression, HEAT_STOPS, RAILCAR, VESSEL } from './colors.ts';

setWorkerUrl(workerUrl);

/** Imagery layers are inserted below this hidden marker layer, overlays above it. */
export const IMAGERY_SLOT = 'slot-imagery';
export const CHANGE_SLOT = 'slot-change';
const BACKGROUND = '#0b0f14';

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

/** The base style: background, slots, and empty overlay sources. No glyphs, no sprites, nothing external. */
function baseStyle(): StyleSpecification {
  const heatColor: (number | string)[] = [];
  for (const [t, c] of HEAT_STOPS) heatColor.push(t, c);
  return {
    version: 8,
    sources: {
      zones: { type: 'geojson', data: EMPTY, promoteId: 'id' },
      detections: { type: 'geojson', data: EMPTY },
      heat: { type: 'geojson', data: EMPTY },
    },
    layers: [
      { id: 'bg', type: 'background', paint: { 'background-color': BACKGROUND } },
      { id: IMAGERY_SLOT, type: 'background', layout: { visibility: 'none' } },
      { id: CHANGE_SLOT, type: 'background', layout: { visibility: 'none' } },
      {
        id: 'heat',
        type: 'heatmap',
        source: 'heat',
        layout: { visibility: 'none' },
        paint: {
          'heatmap-weight': ['get', 'weight'],
          'heatmap-intensity': 1,
          'heatmap-opacity': 0.85,
          'heatmap-color': ['interpolate', ['linear'], ['heatmap-density'], ...heatColor] as never,
        },
      },
      {
        id: 'zones-fill',
        type: 'fill',
        source: 'zones',
        filter: ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]],
        paint: {
          'fill-color': activityColorExpression(),
          'fill-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 0.42, 0.26],
        },
      },
      {
        id: 'zones-casing',
        type: 'line',
        source: 'zones',
        paint: {
          'line-color': '#05080c',
          'line-opacity': 0.7,
          'line-width': ['case', ['==', ['geometry-type'], 'LineString'], 8, 4],
        },
      },
      {
        id: 'zones-line',
        type: 'line',
        source: 'zones',
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: {
          'line-color': activityColorExpression(),
          'line-width': ['case', ['==', ['geometry-type'], 'LineString'], 5, 2],
        },
      },
      {
        id: 'zones-selected',
        type: 'line',
        source: 'zones',
        filter: ['boolean', false],
        layout: { 'line-join': 'round' },
        paint: { 'line-color': '#ffffff', 'line-width': 2.5, 'line-dasharray': [3, 1.5] },
      },
      {
        id: 'detections-fill',
        type: 'fill',
        source: 'detections',
        paint: {
          'fill-color': ['match', ['get', 'kind'], 'railcar', RAILCAR, VESSEL],
          // Boxes in a zone whose count is withheld stay visible as evidence, faint so they do not read as a count.
          'fill-opacity': [
            'case',
            ['boolean', ['get', 'withheld'], false],
            0.08,
            ['match', ['get', 'kind'], 'railcar', 0.55, 0.18],
          ],
        },
      },
      {
        id: 'detections-line',
        type: 'line',
        source: 'detections',
        paint: {
          'line-color': ['match', ['get', 'kind'], 'railcar', RAILCAR, VESSEL],
          'line-width': ['match', ['get', 'kind'], 'railcar', 1, 1.6],
          'line-opacity': ['case', ['boolean', ['get', 'withheld'], false], 0.4, 1],
        },
      },
    ],
  };
}

/** Creates the map in `container`; `preserveDrawingBuffer` so screenshots and pixel checks can read the canvas. */
export function createMap(container: HTMLElement, interactive = true): MapLibreMap {
  return new MapLibreMap({
    container,
    style: baseStyle(),
    interactive,
    attributionControl: false,
    maplibreLogo: false,
    fadeDuration: 0,
    maxZoom: 20,
    dragRotate: false,
    pitchWithRotate: false,
    canvasContextAttributes: { preserveDrawingBuffer: true, antialias: false },
  });
}
