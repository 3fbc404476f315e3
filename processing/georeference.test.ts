import { describe, expect, it } from 'vitest';
import type { Bounds, Zone, ZoneCollection } from '../contract/index.ts';
import { ProcessingError } from './errors.ts';
import {
  boxMetrics,
  boxToPolygon,
  gridOf,
  lineLengthM,
  lonLatToPixel,
  pixelToLonLat,
  rasterizeZone,
  siteGrid,
  siteGridFor,
  trackPolylines,
  validateZones,
  zoneAreaM2,
  zoneWindow,
} from './georeference.ts';
import type { ImageProbe } from './validate.ts';

/** Rajin harbour, roughly. */
const SITE: Bounds = [130.29, 42.235, 130.33, 42.265];
const rect = (w: number, s: number, e: number, n: number): number[][] => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
];
const zone = (id: string, geometry: Zone['geometry'], kind: Zone['properties']['kind'] = 'berth'): Zone =>
  ({ type: 'Feature', properties: { id, name: id, kind }, geometry }) as Zone;
const fc = (...features: Zone[]): ZoneCollection => ({ type: 'FeatureCollection', features });

function refusal(f: () => void): ProcessingError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ProcessingError);
    return err as ProcessingError;
  }
  throw new Error('expected a ProcessingError');
}

describe('siteGrid', () => {
  it('sizes a grid to the requested ground sample distance', () => {
    const g = siteGrid(SITE, 2);
    // 0.04° of longitude at 42.25°N ≈ 3,296 m; 0.03° of latitude ≈ 3,336 m.
    expect(g.width).toBeGreaterThan(1640);
    expect(g.width).toBeLessThan(1655);
    expect(g.height).toBeGreaterThan(1660);
    expect(g.height).toBeLessThan(1675);
    expect(g.pixelWidthM).toBeCloseTo(2, 1);
    expect(g.pixelHeightM).toBeCloseTo(2, 1);
  });

  it('grows pixels rather than exceed the pixel limit', () => {
    const g = siteGrid(SITE, 0.3, { maxPixels: 1e6 });
    expect(g.width * g.height).toBeLessThanOrEqual(1e6);
    expect(g.width * g.height).toBeGreaterThan(0.95e6);
  });

  it('takes the image pixel grid when the site is the image footprint', () => {
    const probe = { bounds: SITE, width: 1000, height: 1200, gsdM: 3.1 } as ImageProbe;
    const g = siteGridFor([...SITE] as Bounds, probe);
    expect([g.width, g.height]).toEqual([1000, 1200]);
    const other = siteGridFor([130.2, 42.2, 130.4, 42.3], probe);
    expect(other.width).not.toBe(1000);
  });
});

describe('pixel ↔ lon/lat', () => {
  const g = gridOf(SITE, 400, 300);
  it('puts pixel centres at integers and the north-west corner at (-0.5, -0.5)', () => {
    expect(lonLatToPixel(g, SITE[0], SITE[3])).toEqual([-0.5, -0.5]);
    const [lon, lat] = pixelToLonLat(g, 0, 0);
    expect(lon).toBeCloseTo(SITE[0] + 0.04 / 800, 12);
    expect(lat).toBeCloseTo(SITE[3] - 0.03 / 600, 12);
  });
  it('round-trips', () => {
    const [x, y] = lonLatToPixel(g, ...pixelToLonLat(g, 123.25, 77.75));
    expect(x).toBeCloseTo(123.25, 9);
    expect(y).toBeCloseTo(77.75, 9);
  });
});

describe('validateZones', () => {
  it('accepts good zones', () => {
    expect(() =>
      validateZones(
        fc(
          zone('pier-1', { type: 'Polygon', coordinates: [rect(130.3, 42.24, 130.31, 42.25)] } as Zone['geometry']),
          zone(
            'rail',
            {
              type: 'LineString',
              coordinates: [
                [130.3, 42.24],
                [130.32, 42.25],
              ],
            } as Zone['geometry'],
            'rail',
          ),
        ),
        SITE,
      ),
    ).not.toThrow();
  });

  it('refuses a self-intersecting polygon, naming where', () => {
    const bowtie = [
      [130.3, 42.24],
      [130.31, 42.25],
      [130.31, 42.24],
      [130.3, 42.25],
      [130.3, 42.24],
    ];
    const ok = zone('ok', { type: 'Polygon', coordinates: [rect(130.3, 42.24, 130.31, 42.25)] } as Zone['geometry']);
    const err = refusal(() =>
      validateZones(fc(ok, zone('bowtie', { type: 'Polygon', coordinates: [bowtie] } as Zone['geometry'])), SITE),
    );
    expect(err.code).toBe('invalid_zone');
    expect(err.field).toBe('zones.features[1].geometry');
    expect(err.message).toMatch(/zone "bowtie" intersects itself at 130\.305000, 42\.245000/);
  });

  it('refuses a zone outside the site', () => {
    const far = zone('far', { type: 'Polygon', coordinates: [rect(131, 43, 131.01, 43.01)] } as Zone['geometry']);
    const err = refusal(() => validateZones(fc(far), SITE));
    expect(err.code).toBe('invalid_zone');
    expect(err.message).toMatch(/entirely outside the site bounds/);
  });

  it('refuses zero area and unclosed rings', () => {
    const flat = [
      [130.3, 42.24],
      [130.31, 42.24],
      [130.32, 42.24],
      [130.3, 42.24],
    ];
    expect(
      refusal(() => validateZones(fc(zone('flat', { type: 'Polygon', coordinates: [flat] } as Zone['geometry']))))
        .message,
    ).toMatch(/zero area|intersects itself/);
    const open = rect(130.3, 42.24, 130.31, 42.25).slice(0, 4);
    open.push([130.3, 42.2401]);
    expect(
      refusal(() => validateZones(fc(zone('open', { type: 'Polygon', coordinates: [open] } as Zone['geometry']))))
        .message,
    ).toMatch(/not closed/);
  });
});

describe('rasterizeZone', () => {
  const g = gridOf([0, 0, 0.01, 0.01], 100, 100);
  it('fills pixel centres inside a polygon and leaves its hole empty', () => {
    const z = zone('z', {
      type: 'Polygon',
      coordinates: [rect(0.002, 0.002, 0.008, 0.008), rect(0.004, 0.004, 0.006, 0.006)],
    } as Zone['geometry']);
    const m = rasterizeZone(z, g, { x: 0, y: 0, width: 100, height: 100 });
    const count = m.reduce((s, v) => s + v, 0);
    expect(count).toBe(60 * 60 - 20 * 20);
    expect(m[50 * 100 + 50]).toBe(0);
    expect(m[25 * 100 + 25]).toBe(1);
    expect(m[10 * 100 + 10]).toBe(0);
  });

  it('rasterises into an offset window', () => {
    const z = zone('z', { type: 'Polygon', coordinates: [rect(0.002, 0.002, 0.008, 0.008)] } as Zone['geometry']);
    const m = rasterizeZone(z, g, { x: 10, y: 15, width: 20, height: 10 });
    // Inside: columns 20..29 of the window's 10..29, rows 20..24 of its 15..24.
    expect(m.reduce((s, v) => s + v, 0)).toBe(10 * 5);
  });

  it('draws rail lines as a corridor a few pixels wide', () => {
    const z = zone(
      'r',
      {
        type: 'LineString',
        coordinates: [
          [0.001, 0.005],
          [0.009, 0.005],
        ],
      } as Zone['geometry'],
      'rail',
    );
    const m = rasterizeZone(z, g, { x: 0, y: 0, width: 100, height: 100 });
    const col = Array.from({ length: 100 }, (_, y) => m[y * 100 + 50]);
    const rows = col.reduce((s, v) => s! + v!, 0);
    // Pixels are ~11 m: the ±4 m corridor is held at the ±1.5 px minimum around y = 49.5 → rows 48..51.
    expect(rows).toBe(4);
    expect(trackPolylines(z, g)[0]![0]).toEqual([9.5, 49.5]);
  });
});

describe('zoneWindow', () => {
  const g = gridOf([0, 0, 0.01, 0.01], 100, 100);
  it('covers the zone, clipped to the grid, and is null outside', () => {
    const z = zone('z', { type: 'Polygon', coordinates: [rect(0.0095, 0.002, 0.02, 0.008)] } as Zone['geometry']);
    const w = zoneWindow(z, g, 2)!;
    expect(w.x + w.width).toBe(100);
    expect(w.x).toBeLessThanOrEqual(94);
    const out = zone('o', { type: 'Polygon', coordinates: [rect(0.02, 0.02, 0.03, 0.03)] } as Zone['geometry']);
    expect(zoneWindow(out, g)).toBeNull();
  });
});

describe('boxes', () => {
  // ~1 m pixels at the equator: 1e-5° ≈ 1.11195 m on turf's sphere (R = 6,371,008.8 m).
  const g = gridOf([0, 0, 0.001, 0.001], 100, 100);
  it('measures a 60 × 20 px box lying east-west', () => {
    const m = boxMetrics(g, { cx: 50, cy: 50, length: 60, width: 20, angle: 0, confidence: 1 });
    expect(m.lengthM).toBeCloseTo(60 * 1.11195, 2);
    expect(m.widthM).toBeCloseTo(20 * 1.11195, 2);
    expect(m.headingDeg).toBeCloseTo(90, 6);
    expect(m.areaM2).toBeCloseTo(m.lengthM * m.widthM, 3);
  });
  it('gives the long axis bearing folded to 0..180', () => {
    // angle +90° is +y, i.e. south: a north-south hull → 0°.
    expect(
      boxMetrics(g, { cx: 50, cy: 50, length: 30, width: 5, angle: Math.PI / 2, confidence: 1 }).headingDeg,
    ).toBeCloseTo(0, 6);
    // angle −45° points north-east → 45°.
    expect(
      boxMetrics(g, { cx: 50, cy: 50, length: 30, width: 5, angle: -Math.PI / 4, confidence: 1 }).headingDeg,
    ).toBeCloseTo(45, 6);
  });
  it('turns a box into a closed counter-clockwise lon/lat polygon of the same area', () => {
    const box = { cx: 40, cy: 60, length: 30, width: 10, angle: 0.3, confidence: 1 };
    const poly = boxToPolygon(g, box);
    const ring = poly.coordinates[0]!;
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
    let twice = 0;
    for (let k = 0; k < 4; k++) twice += ring[k]![0]! * ring[k + 1]![1]! - ring[k + 1]![0]! * ring[k]![1]!;
    expect(twice).toBeGreaterThan(0);
    const area = zoneAreaM2(zone('b', poly as Zone['geometry']));
    expect(area).toBeCloseTo(boxMetrics(g, box).areaM2, -1);
  });
});

describe('geodesic sizes', () => {
  it('measures zone area and track length', () => {
    const sq = zone('s', { type: 'Polygon', coordinates: [rect(0, 0, 0.01, 0.01)] } as Zone['geometry']);
    expect(zoneAreaM2(sq) / 1e6).toBeCloseTo(1.2364, 2);
    const line = zone(
      'l',
      {
        type: 'LineString',
        coordinates: [
          [0, 0],
          [0.01, 0],
        ],
      } as Zone['geometry'],
      'rail',
    );
    expect(lineLengthM(line)).toBeCloseTo(1111.95, 0);
  });
});
