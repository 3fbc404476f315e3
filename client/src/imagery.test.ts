import type { Map as MapLibreMap } from 'maplibre-gl';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { Imagery, preloadWindow, travelDirection } from './imagery.ts';

/** A stand-in for the map: keeps sources and layers by id; a source is loaded once the test says so. */
function fakeMap() {
  const sources = new Set<string>();
  const layers: { id: string }[] = [];
  const loaded = new Set<string>();
  const map = {
    on: () => {},
    getSource: (id: string) => (sources.has(id) ? {} : undefined),
    addSource: (id: string) => sources.add(id),
    removeSource: (id: string) => sources.delete(id),
    addLayer: (l: { id: string }) => layers.push({ id: l.id }),
    removeLayer: (id: string) =>
      layers.splice(
        layers.findIndex((l) => l.id === id),
        1,
      ),
    getLayer: (id: string) => layers.find((l) => l.id === id),
    moveLayer: () => {},
    setPaintProperty: () => {},
    getStyle: () => ({ layers: [...layers] }),
    isSourceLoaded: (id: string) => loaded.has(id),
  };
  return { map: map as unknown as MapLibreMap, sources, loaded };
}

const dates = Array.from({ length: 10 }, (_, i) => ({ id: `d${i}` }));
const images = dates as unknown as Parameters<Imagery['show']>[0];

describe('preloading the dates around the shown one', () => {
  test('before a step, two either side, nearest first', () => {
    expect(preloadWindow(dates, 5, 0).map((d) => d.id)).toEqual(['d6', 'd4', 'd7', 'd3']);
  });

  test('the direction of travel: 0 before a step or on the same date, else the sign of the step', () => {
    expect(travelDirection(dates, null, 5)).toBe(0);
    expect(travelDirection(dates, 'd5', 5)).toBe(0);
    expect(travelDirection(dates, 'gone', 5)).toBe(0);
    expect(travelDirection(dates, 'd2', 5)).toBe(1);
    expect(travelDirection(dates, 'd7', 5)).toBe(-1);
  });

  test('once stepping, three ahead in the direction of travel and one behind', () => {
    expect(preloadWindow(dates, 5, 1).map((d) => d.id)).toEqual(['d6', 'd4', 'd7', 'd8']);
    expect(preloadWindow(dates, 5, -1).map((d) => d.id)).toEqual(['d4', 'd6', 'd3', 'd2']);
    expect(preloadWindow(dates, 9, 1).map((d) => d.id)).toEqual(['d8']);
  });
});

describe('keys pressed faster than the imagery loads', () => {
  afterEach(() => vi.unstubAllGlobals());

  test('neighbours never compete with the asked date: none is asked for before it is in', () => {
    vi.stubGlobal('window', { setInterval: () => 0, clearInterval: () => {} });
    const { map, sources, loaded } = fakeMap();
    const imagery = new Imagery(map);
    loaded.add('img-d0');
    imagery.show(images, 0); // in at once: its neighbours d1, d2 load
    expect([...sources].sort()).toEqual(['img-d0', 'img-d1', 'img-d2']);
    // Three quick steps right, none of them loaded before the next key: only the asked dates are added.
    imagery.show(images, 1);
    imagery.show(images, 2);
    imagery.show(images, 3);
    expect(sources.has('img-d3')).toBe(true);
    expect(sources.has('img-d4')).toBe(false);
  });
});
