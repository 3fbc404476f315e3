/**
 * The site grid and everything that maps between it and the ground: lon/lat ↔ pixel, zone
 * checks, zone rasterisation, and oriented boxes → GeoJSON polygons with geodesic metrics.
 *
 * Pixel convention, everywhere in this module: (i, j) is the CENTRE of pixel column i, row j
 * (pixel i spans [i - 0.5, i + 0.5)). So a detector's mean of pixel indices is already a
 * pixel coordinate, and the grid's north-west corner is (-0.5, -0.5).
 */
import area from '@turf/area';
import distance from '@turf/distance';
import length from '@turf/length';
import type { LineString, MultiLineString, Polygon } from 'geojson';
import type { Bounds, Zone, ZoneCollection } from '../contract/index.ts';
import { crsTransform } from './crs.ts';
import { ProcessingError } from './errors.ts';
import { firstSelfIntersection } from './self-intersection.ts';
import type { Grid, PixelBox, Window } from './types.ts';
import type { ImageProbe } from './validate.ts';

/** A grid must stay addressable by 32-bit offsets of one plane; DESIGN's limit is 1,000 MP. */
const DEFAULT_MAX_GRID_PIXELS = 1_000e6;

/** Geodesic (great-circle, turf) metres between two lon/lat points. */
export function metresBetween(a: [number, number], b: [number, number]): number {
  return distance(a, b, { units: 'kilometers' }) * 1000;
}

/** Ground size of one step of `dLon` × `dLat` degrees at latitude `lat`, metres. */
function stepMetres(lon: number, lat: number, dLon: number, dLat: number): { x: number; y: number } {
  return {
    x: metresBetween([lon - dLon / 2, lat], [lon + dLon / 2, lat]),
    y: metresBetween([lon, lat - dLat / 2], [lon, lat + dLat / 2]),
  };
}

/** The grid with the given bounds and size (pixel metres measured at its centre). */
export function gridOf(bounds: Bounds, width: number, height: number): Grid {
  const [w, s, e, n] = bounds;
  const m = stepMetres((w + e) / 2, (s + n) / 2, (e - w) / width, (n - s) / height);
  return { bounds: [w, s, e, n], width, height, pixelWidthM: m.x, pixelHeightM: m.y };
}

/**
 * A grid equally spaced in lon/lat over `bounds` whose pixels measure about `gsdM` metres at
 * the centre. When that would exceed `maxPixels`, the pixels grow until it fits.
 */
export function siteGrid(bounds: Bounds, gsdM: number, opts: { maxPixels?: number } = {}): Grid {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_GRID_PIXELS;
  if (!(gsdM > 0) || !Number.isFinite(gsdM)) {
    throw new ProcessingError('bad_bounds', `ground sample distance must be a positive number of metres (got ${gsdM})`);
  }
  const [w, s, e, n] = bounds;
  const ground = stepMetres((w + e) / 2, (s + n) / 2, e - w, n - s);
  let gsd = gsdM;
  let width = Math.max(1, Math.round(ground.x / gsd));
  let height = Math.max(1, Math.round(ground.y / gsd));
  while (width * height > maxPixels) {
    gsd *= Math.sqrt((width * height) / maxPixels) * 1.001;
    width = Math.max(1, Math.round(ground.x / gsd));
    height = Math.max(1, Math.round(ground.y / gsd));
  }
  return gridOf(bounds, width, height);
}

/** The lon/lat grid an image placed by bounds (or in lon/lat without rotation) already is; else null. */
export function imageGrid(probe: ImageProbe): Grid | null {
  if (probe.transform) {
    const t = probe.transform;
    if (!probe.crs || !crsTransform(probe.crs).geographic || t[2] !== 0 || t[4] !== 0) return null;
  }
  return gridOf(probe.bounds, probe.width, probe.height);
}

/**
 * The site grid an image defines (a site's first image): over `siteBounds` at the image's GSD,
 * except that when the site bounds are the image's own footprint (within a pixel) the grid takes
 * the image's pixel count too, so the warp is an identity copy (or, for a projected image, a
 * resampling that moves no pixel by more than the projection's curvature).
 */
export function siteGridFor(siteBounds: Bounds, probe: ImageProbe, opts: { maxPixels?: number } = {}): Grid {
  const own = gridOf(probe.bounds, probe.width, probe.height);
  const same = gridOf(siteBounds, probe.width, probe.height);
  const tx = (probe.bounds[2] - probe.bounds[0]) / probe.width;
  const ty = (probe.bounds[3] - probe.bounds[1]) / probe.height;
  const near = siteBounds.every((v, k) => Math.abs(v - probe.bounds[k]!) <= (k % 2 === 0 ? tx : ty));
  if (near && probe.width * probe.height <= (opts.maxPixels ?? DEFAULT_MAX_GRID_PIXELS)) {
    return sameGrid(own, same) ? own : same;
  }
  return siteGrid(siteBounds, probe.gsdM, opts);
}

/** True when two grids are the same pixels, within a thousandth of a pixel. */
export function sameGrid(a: Grid, b: Grid): boolean {
  if (a.width !== b.width || a.height !== b.height) return false;
  const tx = ((a.bounds[2] - a.bounds[0]) / a.width) * 1e-3;
  const ty = ((a.bounds[3] - a.bounds[1]) / a.height) * 1e-3;
  return (
    Math.abs(a.bounds[0] - b.bounds[0]) <= tx &&
    Math.abs(a.bounds[2] - b.bounds[2]) <= tx &&
    Math.abs(a.bounds[1] - b.bounds[1]) <= ty &&
    Math.abs(a.bounds[3] - b.bounds[3]) <= ty
  );
}

/** Pixel coordinates (centre convention, see header) of a lon/lat. */
export function lonLatToPixel(grid: Grid, lon: number, lat: number): [number, number] {
  const [w, s, e, n] = grid.bounds;
  return [((lon - w) / (e - w)) * grid.width - 0.5, ((n - lat) / (n - s)) * grid.height - 0.5];
}

/** Lon/lat of pixel coordinates (centre convention, see header). */
export function pixelToLonLat(grid: Grid, x: number, y: number): [number, number] {
  const [w, s, e, n] = grid.bounds;
  return [w + ((x + 0.5) / grid.width) * (e - w), n - ((y + 0.5) / grid.height) * (n - s)];
}

type Ring = number[][];

/** Polygons of a zone as arrays of rings (empty for line zones). */
function polygonsOf(zone: Zone): Ring[][] {
  const g = zone.geometry;
  if (g.type === 'Polygon') return [g.coordinates];
  if (g.type === 'MultiPolygon') return g.coordinates;
  return [];
}

/** Lines of a zone (empty for areal zones). */
function linesOf(zone: Zone): number[][][] {
  const g = zone.geometry;
  if (g.type === 'LineString') return [g.coordinates];
  if (g.type === 'MultiLineString') return g.coordinates;
  return [];
}

function allPositions(zone: Zone): number[][] {
  return [...polygonsOf(zone).flat(2), ...linesOf(zone).flat(1)];
}

function zoneBbox(zone: Zone): Bounds {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const [lon = Number.NaN, lat = Number.NaN] of allPositions(zone)) {
    w = Math.min(w, lon);
    e = Math.max(e, lon);
    s = Math.min(s, lat);
    n = Math.max(n, lat);
  }
  return [w, s, e, n];
}

/**
 * Topology checks zod cannot make: rings closed, no self-intersection (as turf kinks finds them), non-zero
 * area or length, and inside the site bounds when given (a zone partly outside is clipped
 * later; one entirely outside can never be scored, so it is refused).
 * Throws ProcessingError('invalid_zone', …, 'zones.features[i]…').
 */
export function validateZones(zones: ZoneCollection, siteBounds?: Bounds): void {
  zones.features.forEach((zone, i) => {
    const field = `zones.features[${i}]`;
    const name = `zone "${zone.properties.id}"`;
    polygonsOf(zone).forEach((rings, p) => {
      rings.forEach((ring, r) => {
        const a = ring[0];
        const b = ring[ring.length - 1];
        if (!a || !b || a[0] !== b[0] || a[1] !== b[1]) {
          throw new ProcessingError(
            'invalid_zone',
            `${name}: ring ${r} of polygon ${p} is not closed (first and last positions differ)`,
            `${field}.geometry.coordinates`,
          );
        }
      });
    });
    const areal = zone.geometry.type === 'Polygon' || zone.geometry.type === 'MultiPolygon';
    if (areal) {
      const crossing = firstSelfIntersection(polygonsOf(zone).flat(1));
      if (crossing) {
        const [lon, lat] = crossing;
        throw new ProcessingError(
          'invalid_zone',
          `${name} intersects itself at ${lon.toFixed(6)}, ${lat.toFixed(6)}`,
          `${field}.geometry`,
        );
      }
      if (!(zoneAreaM2(zone) >= 1)) {
        throw new ProcessingError('invalid_zone', `${name} has zero area`, `${field}.geometry`);
      }
    } else if (!(lineLengthM(zone) > 0)) {
      throw new ProcessingError('invalid_zone', `${name} has zero length`, `${field}.geometry`);
    }
    if (siteBounds) {
      const [w, s, e, n] = zoneBbox(zone);
      const [sw, ss, se, sn] = siteBounds;
      if (w > se || e < sw || s > sn || n < ss) {
        throw new ProcessingError(
          'invalid_zone',
          `${name} lies entirely outside the site bounds [${siteBounds.join(', ')}]`,
          `${field}.geometry`,
        );
      }
    }
  });
}

/** The integer pixel window covering the zone plus `marginPx`, clipped to the grid; null if outside. */
export function zoneWindow(zone: Zone, grid: Grid, marginPx = 0): Window | null {
  const [w, s, e, n] = zoneBbox(zone);
  const [x0, y0] = lonLatToPixel(grid, w, n);
  const [x1, y1] = lonLatToPixel(grid, e, s);
  const left = Math.max(0, Math.floor(x0) - marginPx);
  const top = Math.max(0, Math.floor(y0) - marginPx);
  const right = Math.min(grid.width, Math.ceil(x1) + 1 + marginPx);
  const bottom = Math.min(grid.height, Math.ceil(y1) + 1 + marginPx);
  if (right <= left || bottom <= top) return null;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Half-width of a rail corridor: a car is ~3 m wide; 4 m leaves room for misregistration. */
const RAIL_HALF_WIDTH_M = 4;

/**
 * 1 where a pixel centre of `window` lies inside the zone: polygons by even-odd scanline fill
 * (holes excluded), track lines as a corridor of ±4 m (at least ±1.5 px) around the centreline.
 */
export function rasterizeZone(
  zone: Zone,
  grid: Grid,
  window: Window,
  opts: { railHalfWidthM?: number } = {},
): Uint8Array {
  const out = new Uint8Array(window.width * window.height);
  for (const rings of polygonsOf(zone)) fillPolygon(out, rings, grid, window);
  const lines = linesOf(zone);
  if (lines.length > 0) {
    const pxM = Math.min(grid.pixelWidthM, grid.pixelHeightM);
    const r = Math.max(1.5, (opts.railHalfWidthM ?? RAIL_HALF_WIDTH_M) / pxM);
    for (const line of trackPolylines(zone, grid)) strokeLine(out, line, r, window);
  }
  return out;
}

function fillPolygon(out: Uint8Array, rings: Ring[], grid: Grid, win: Window): void {
  const pxRings = rings.map((ring) => ring.map(([lon = 0, lat = 0]) => lonLatToPixel(grid, lon, lat)));
  const xs: number[] = [];
  for (let row = 0; row < win.height; row++) {
    const y = win.y + row;
    xs.length = 0;
    for (const ring of pxRings) {
      for (let k = 0; k + 1 < ring.length; k++) {
        const [ax, ay] = ring[k]!;
        const [bx, by] = ring[k + 1]!;
        // Half-open rule on y so a vertex on the scanline is counted once.
        if (ay <= y !== by <= y) xs.push(ax + ((y - ay) / (by - ay)) * (bx - ax));
      }
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(win.x, Math.ceil(xs[k]!));
      const to = Math.min(win.x + win.width - 1, Math.ceil(xs[k + 1]!) - 1);
      if (to >= from) out.fill(1, row * win.width + from - win.x, row * win.width + to - win.x + 1);
    }
  }
}

function strokeLine(out: Uint8Array, line: Array<[number, number]>, r: number, win: Window): void {
  for (let k = 0; k + 1 < line.length; k++) {
    const [ax, ay] = line[k]!;
    const [bx, by] = line[k + 1]!;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const x0 = Math.max(win.x, Math.floor(Math.min(ax, bx) - r));
    const x1 = Math.min(win.x + win.width - 1, Math.ceil(Math.max(ax, bx) + r));
    const y0 = Math.max(win.y, Math.floor(Math.min(ay, by) - r));
    const y1 = Math.min(win.y + win.height - 1, Math.ceil(Math.max(ay, by) + r));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
        const ex = ax + t * dx - x;
        const ey = ay + t * dy - y;
        if (ex * ex + ey * ey <= r * r) out[(y - win.y) * win.width + (x - win.x)] = 1;
      }
    }
  }
}

/**
 * Rail centrelines in grid pixel coordinates (centre convention). A yard drawn as a Polygon has
 * no centrelines: callers count cars inside its rasterised area instead.
 */
export function trackPolylines(zone: Zone, grid: Grid): Array<Array<[number, number]>> {
  return linesOf(zone).map((line) => line.map(([lon = 0, lat = 0]) => lonLatToPixel(grid, lon, lat)));
}

/** Corners of an oriented box in pixel coordinates, in order around it. */
function boxCorners(box: PixelBox): Array<[number, number]> {
  const ux = Math.cos(box.angle) * (box.length / 2);
  const uy = Math.sin(box.angle) * (box.length / 2);
  const vx = -Math.sin(box.angle) * (box.width / 2);
  const vy = Math.cos(box.angle) * (box.width / 2);
  return [
    [box.cx - ux - vx, box.cy - uy - vy],
    [box.cx + ux - vx, box.cy + uy - vy],
    [box.cx + ux + vx, box.cy + uy + vy],
    [box.cx - ux + vx, box.cy - uy + vy],
  ];
}

/** The box as a closed GeoJSON Polygon in lon/lat, counter-clockwise (RFC 7946 right-hand rule). */
export function boxToPolygon(grid: Grid, box: PixelBox): Polygon {
  const ring = boxCorners(box).map(([x, y]) => pixelToLonLat(grid, x, y));
  let twiceArea = 0;
  for (let k = 0; k < ring.length; k++) {
    const [ax, ay] = ring[k]!;
    const [bx, by] = ring[(k + 1) % ring.length]!;
    twiceArea += ax * by - bx * ay;
  }
  if (twiceArea < 0) ring.reverse();
  ring.push([ring[0]![0], ring[0]![1]]);
  return { type: 'Polygon', coordinates: [ring] };
}

/**
 * Ground size of a box: long and short axis in metres, the long axis's compass bearing folded
 * to 0..180° (a hull axis has no direction), and area. Pixel metres are taken at the box's own
 * latitude (an east-west pixel shrinks with cos(latitude) across a tall site).
 */
export function boxMetrics(
  grid: Grid,
  box: PixelBox,
): { lengthM: number; widthM: number; headingDeg: number; areaM2: number } {
  const [, lat] = pixelToLonLat(grid, box.cx, box.cy);
  const latC = (grid.bounds[1] + grid.bounds[3]) / 2;
  const mx = (grid.pixelWidthM * Math.cos((lat * Math.PI) / 180)) / Math.cos((latC * Math.PI) / 180);
  const my = grid.pixelHeightM;
  // Axis vectors in metres: east = +x, north = -y.
  const ax = Math.cos(box.angle) * box.length * mx;
  const an = -Math.sin(box.angle) * box.length * my;
  const bx = -Math.sin(box.angle) * box.width * mx;
  const bn = -Math.cos(box.angle) * box.width * my;
  const lengthM = Math.hypot(ax, an);
  const widthM = Math.hypot(bx, bn);
  let headingDeg = (Math.atan2(ax, an) * 180) / Math.PI;
  headingDeg = ((headingDeg % 180) + 180) % 180;
  return { lengthM, widthM, headingDeg, areaM2: Math.abs(ax * bn - an * bx) };
}

/** Geodesic area of a zone's polygons, m² (0 for line zones). */
export function zoneAreaM2(zone: Zone): number {
  const g = zone.geometry;
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') return 0;
  return area(g);
}

/**
 * Geodesic length of a zone's track centrelines, m. For a yard drawn as a Polygon, half its
 * outer perimeter: the long side of an elongated yard, a fair stand-in for its track length.
 */
export function lineLengthM(zone: Zone): number {
  const g = zone.geometry;
  if (g.type === 'LineString' || g.type === 'MultiLineString') return lengthKm(g) * 1000;
  return polygonsOf(zone).reduce(
    (sum, rings) => sum + lengthKm({ type: 'LineString', coordinates: rings[0] ?? [] }) * 500,
    0,
  );
}

function lengthKm(geometry: LineString | MultiLineString): number {
  return length({ type: 'Feature', properties: {}, geometry }, { units: 'kilometers' });
}
