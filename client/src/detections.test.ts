import type { Map as MapLibreMap } from 'maplibre-gl';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Image, ScoreRow } from '../../contract/index.ts';
import type { DetectionCollection } from './api.ts';
import { CACHE_DATES, DetectionsLayer, describeDetection, imageRevisions, markWithheld } from './detections.ts';
import { detectionKey, withheldNote } from './legend.ts';

const box = (kind: 'vessel' | 'railcar', zoneId: string): DetectionCollection['features'][number] => ({
  type: 'Feature',
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 0],
      ],
    ],
  },
  properties: { kind, zoneId, lengthM: 14, widthM: 3, headingDeg: 90, confidence: 0.8 },
});

const row = (zoneId: string, coverage: number, counts: Partial<ScoreRow>): ScoreRow => ({
  imageId: 'img_1',
  acquiredAt: '2025-09-13T00:00:00Z',
  zoneId,
  zoneKind: counts.railCarCount !== undefined ? 'rail' : 'berth',
  vesselCount: null,
  vesselAreaM2: null,
  arrivals: null,
  departures: null,
  railCarCount: null,
  railOccupancy: null,
  changeFraction: null,
  coverage,
  activity: null,
  ...counts,
});

describe('detections in zones whose count is withheld', () => {
  const fc: DetectionCollection = {
    type: 'FeatureCollection',
    features: [box('railcar', 'yard'), box('railcar', 'yard'), box('railcar', 'line'), box('vessel', 'pier')],
  };
  const scores = new Map([
    ['yard', row('yard', 0.49, { railCarCount: null })],
    ['line', row('line', 0.9, { railCarCount: 1 })],
    ['pier', row('pier', 1, { vesselCount: 1 })],
  ]);

  test('are marked and left out of the counts, as the scores leave them out', () => {
    const { features, counts } = markWithheld(fc, scores);
    expect(features.map((f) => f.properties.withheld)).toEqual([true, true, false, false]);
    expect(counts).toEqual({ vessel: 1, railcar: 1, withheld: { vessel: 0, railcar: 2 } });
    expect(describeDetection(features[0]!.properties).at(-1)).toBe(
      'not counted: zone too obscured to count (49 % seen)',
    );
    expect(describeDetection(features[2]!.properties)).toHaveLength(3);
  });

  test('name their zone as the sidebar does, by name rather than id', () => {
    const names = new Map([['pier-1', 'Pier 1 (north)']]);
    const lines = describeDetection(box('vessel', 'pier-1').properties, (id) => names.get(id) ?? id);
    expect(lines[0]).toBe('Vessel · Pier 1 (north)');
  });

  test('all count while the scores are not loaded yet', () => {
    expect(markWithheld(fc, new Map()).counts).toEqual({ vessel: 1, railcar: 3, withheld: { vessel: 0, railcar: 0 } });
  });

  test('the legend names them in a note, and none when there are none', () => {
    expect(withheldNote({ vessel: 0, railcar: 93 })).toMatch(/^Faint: 93 rail cars in zones too obscured to count/);
    expect(withheldNote({ vessel: 1, railcar: 2 })).toMatch(/^Faint: 1 vessel and 2 rail cars/);
    expect(withheldNote({ vessel: 0, railcar: 0 })).toBeNull();
    expect(withheldNote(undefined)).toBeNull();
  });
});

/** A stand-in for the map: records layer event handlers and the canvas cursor. */
function fakeMap() {
  const handlers = new Map<string, () => void>();
  const style = { cursor: '' };
  const map = {
    on: (type: string, layer: string, fn: () => void) => handlers.set(`${type} ${layer}`, fn),
    getCanvas: () => ({ style }),
  };
  return { map: map as unknown as MapLibreMap, handlers, style };
}

describe('the detection boxes', () => {
  test('show the pointer while hovered and give it back when the mouse leaves them', () => {
    const { map, handlers, style } = fakeMap();
    new DetectionsLayer(map);
    handlers.get('mouseenter detections-fill')?.();
    expect(style.cursor).toBe('pointer');
    handlers.get('mouseleave detections-fill')?.();
    expect(style.cursor).toBe('');
  });
});

describe('the legend’s detection keys', () => {
  test('say hidden only when the layer is off, and say so when the boxes are loading or failed to load', () => {
    expect(detectionKey('Vessel', 'vessel', 'off')).toBe('Vessel (hidden)');
    expect(detectionKey('Vessel', 'vessel', 'loading')).toBe('Vessel (loading…)');
    expect(detectionKey('Vessel', 'vessel', 'failed')).toBe('Vessel (failed to load)');
    const counts = { vessel: 4, railcar: 0, withheld: { vessel: 0, railcar: 0 } };
    expect(detectionKey('Rail car', 'railcar', counts)).toBe('Rail car (0)');
  });
});

describe('the detections cache across a refresh of the image list', () => {
  const image = (id: string, analysisRev = 1): Image => ({
    id,
    siteId: 'port',
    acquiredAt: '2025-09-13T00:00:00.000Z',
    sensor: null,
    bounds: [0, 0, 1, 1],
    gsdM: 10,
    width: 10,
    height: 10,
    sha256: '0'.repeat(64),
    status: 'ready',
    registration: null,
    cloudFraction: 0,
    coverage: 1,
    createdAt: '2025-09-14T00:00:00.000Z',
    error: null,
    errorCode: null,
    analysisRev,
  });

  function counting() {
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      asked.push(url);
      return new Response(JSON.stringify({ type: 'FeatureCollection', features: [box('vessel', 'pier')] }));
    });
    const map = {
      on: () => {},
      getSource: () => ({ setData: () => {} }),
    } as unknown as MapLibreMap;
    return { asked, layer: new DetectionsLayer(map) };
  }
  afterEach(() => vi.unstubAllGlobals());

  test('keeps the boxes of images whose revision did not change, and refetches the re-analysed', async () => {
    const { asked, layer } = counting();
    const a = image('img_a');
    const b = image('img_b');
    layer.setRevisions(imageRevisions([a, b]));
    await layer.show('img_a');
    await layer.show('img_b');
    expect(asked).toHaveLength(2);
    // A refresh while a third image is analysed: a and b unchanged.
    layer.setRevisions(imageRevisions([a, b, image('img_c', 0)]));
    await layer.show('img_a');
    await layer.show('img_b');
    expect(asked).toHaveLength(2);
    // img_a re-analysed (the server bumped its revision): its cached boxes are stale, img_b's are not.
    layer.setRevisions(imageRevisions([image('img_a', 2), b]));
    await layer.show('img_a');
    await layer.show('img_b');
    expect(asked.map((u) => u.split('/')[3])).toEqual(['img_a', 'img_b', 'img_a']);
  });

  test('drops an answer that arrives after its image was re-listed with another revision', async () => {
    const { asked, layer } = counting();
    layer.setRevisions(imageRevisions([image('img_a')]));
    layer.prefetch('img_a');
    layer.setRevisions(imageRevisions([image('img_a', 2)]));
    await new Promise((r) => setTimeout(r, 10));
    await layer.show('img_a');
    expect(asked).toHaveLength(2);
  });

  test('never draws an old revision’s answer that a show() was waiting for', async () => {
    const drawn: number[] = [];
    let release: () => void = () => {};
    vi.stubGlobal('fetch', async () => {
      await new Promise<void>((r) => {
        release = r;
      });
      return new Response(JSON.stringify({ type: 'FeatureCollection', features: [box('vessel', 'pier')] }));
    });
    const map = {
      on: () => {},
      getSource: () => ({ setData: (fc: { features: unknown[] }) => drawn.push(fc.features.length) }),
    } as unknown as MapLibreMap;
    const layer = new DetectionsLayer(map);
    layer.setRevisions(imageRevisions([image('img_a')]));
    const shown = layer.show('img_a');
    await new Promise((r) => setTimeout(r, 0));
    // Re-analysed while the answer was on its way.
    layer.setRevisions(imageRevisions([image('img_a', 2)]));
    release();
    await shown;
    expect(drawn).toEqual([]);
  });

  test('keeps at most CACHE_DATES dates, dropping the least recently shown', async () => {
    const { asked, layer } = counting();
    const dates = Array.from({ length: CACHE_DATES + 1 }, (_, i) => image(`img_${i}`));
    layer.setRevisions(imageRevisions(dates));
    await layer.show('img_0');
    for (const d of dates.slice(1, CACHE_DATES)) await layer.show(d.id);
    await layer.show('img_0'); // used again: now the most recent
    await layer.show(`img_${CACHE_DATES}`); // one over the cap: img_1 goes
    expect(asked).toHaveLength(CACHE_DATES + 1);
    await layer.show('img_0');
    expect(asked).toHaveLength(CACHE_DATES + 1);
    await layer.show('img_1');
    expect(asked).toHaveLength(CACHE_DATES + 2);
  });
});
