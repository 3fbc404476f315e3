/** Ground truth of one date: per-zone counts, boxes, occupancy, cloud cover and change, from the placed objects. */
import { toLonLat } from './geo.ts';
import type { Layout, PixelZone } from './layout.ts';
import type { DateObjects, RailCar, Vessel } from './objects.ts';
import { insideRing, segmentDistance } from './raster.ts';

/** An oriented vessel box: pixels of the reference grid (angle: long axis, radians from +x towards +y) and lon/lat. */
export interface VesselBox {
  uid: number;
  lengthM: number;
  widthM: number;
  /** Long axis, degrees clockwise from north, 0..180 (DESIGN: a box has no bow). */
  headingDeg: number;
  px: { cx: number; cy: number; length: number; width: number; angle: number };
  /** Closed ring of the four corners, [lon, lat]. */
  polygon: [number, number][];
}

export interface ZoneTruth {
  kind: PixelZone['kind'];
  /** Vessels ≥ minVesselLengthM with centroid in the zone (berth/anchorage), else null. */
  vessels: number | null;
  vesselBoxes: VesselBox[] | null;
  /** Vessels present now and not on the previous date (and the reverse); null on the first date. */
  arrivals: number | null;
  departures: number | null;
  /** Boats under minVesselLengthM in the zone: present, and never to be counted. */
  smallBoats: number | null;
  railCars: number | null;
  /** Summed car length over the zone's track length, 0..1 (rail zones). */
  railOccupancy: number | null;
  /** Fraction of the zone's area (line zones: length) under cloud (cloud mask 255). */
  cloudCoverage: number;
  /** Fraction of the zone's cloud-free area (in both dates) that changed since the previous date; null first. */
  changeFraction: number | null;
}

/** Pixel indices of each zone on the reference grid: polygon interiors by pixel centre, lines ±2 px. */
export function zonePixels(layout: Layout): Map<string, Int32Array> {
  const out = new Map<string, Int32Array>();
  for (const z of layout.zones) {
    const idx: number[] = [];
    const pts = z.ring ?? z.line ?? [];
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    const x0 = Math.max(0, Math.floor(Math.min(...xs)) - 3);
    const x1 = Math.min(layout.width - 1, Math.ceil(Math.max(...xs)) + 3);
    const y0 = Math.max(0, Math.floor(Math.min(...ys)) - 3);
    const y1 = Math.min(layout.height - 1, Math.ceil(Math.max(...ys)) + 3);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5;
        const py = y + 0.5;
        let hit = false;
        if (z.ring) hit = insideRing(px, py, z.ring);
        else {
          for (let k = 1; k < pts.length && !hit; k++) {
            const a = pts[k - 1]!;
            const b = pts[k]!;
            hit = segmentDistance(px, py, a[0], a[1], b[0], b[1]) <= 2;
          }
        }
        if (hit) idx.push(y * layout.width + x);
      }
    }
    out.set(z.id, Int32Array.from(idx));
  }
  return out;
}

/** Change mask between two id maps: 255 where the object standing on a pixel differs. */
export function changeMask(prev: Int32Array, cur: Int32Array): Uint8Array {
  const out = new Uint8Array(cur.length);
  for (let i = 0; i < cur.length; i++) out[i] = prev[i] !== cur[i] ? 255 : 0;
  return out;
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;

function box(layout: Layout, v: Vessel): VesselBox {
  const c = Math.cos(v.angle);
  const s = Math.sin(v.angle);
  const hu = v.length / 2;
  const hv = v.width / 2;
  const corners: [number, number][] = [
    [v.cx - hu * c + hv * s, v.cy - hu * s - hv * c],
    [v.cx + hu * c + hv * s, v.cy + hu * s - hv * c],
    [v.cx + hu * c - hv * s, v.cy + hu * s + hv * c],
    [v.cx - hu * c - hv * s, v.cy - hu * s + hv * c],
  ];
  const ring = corners.map(([x, y]) => toLonLat(layout, x, y));
  ring.push(ring[0]!);
  // Fold the bow direction away: a box's axis is undirected, and angle is measured in y-down pixels.
  let axis = v.angle % Math.PI;
  if (axis < 0) axis += Math.PI;
  const heading = (((90 + (axis * 180) / Math.PI) % 180) + 180) % 180;
  return {
    uid: v.uid,
    lengthM: r3(v.length * layout.gsdYM),
    widthM: r3(v.width * layout.gsdXM),
    headingDeg: r3(heading),
    px: { cx: r3(v.cx), cy: r3(v.cy), length: r3(v.length), width: r3(v.width), angle: r3(axis) },
    polygon: ring,
  };
}

export interface TruthInput {
  layout: Layout;
  zonePx: Map<string, Int32Array>;
  objects: DateObjects;
  previous: DateObjects | null;
  change: Uint8Array | null;
  cloud: Uint8Array;
  prevCloud: Uint8Array | null;
  minVesselLengthM: number;
}

/** Per-zone truth of one date. */
export function zoneTruth(input: TruthInput): Record<string, ZoneTruth> {
  const { layout, objects, previous, change, cloud, prevCloud, minVesselLengthM } = input;
  const out: Record<string, ZoneTruth> = {};
  const counted = (v: Vessel) => v.length * layout.gsdYM >= minVesselLengthM;
  for (const z of layout.zones) {
    const px = input.zonePx.get(z.id) ?? new Int32Array(0);
    const within = (v: Vessel) => z.ring !== undefined && insideRing(v.cx, v.cy, z.ring);
    const ships = z.kind === 'berth' || z.kind === 'anchorage';
    const rail = z.kind === 'rail';
    const here = ships ? [...objects.vessels, ...objects.boats].filter(within) : [];
    const big = here.filter(counted);
    const before = ships && previous ? [...previous.vessels, ...previous.boats].filter(within).filter(counted) : null;
    const nowIds = new Set(big.map((v) => v.uid));
    const prevIds = new Set(before?.map((v) => v.uid) ?? []);
    const cars = rail ? objects.cars.filter((c) => c.zoneId === z.id) : [];
    let clouded = 0;
    let valid = 0;
    let changed = 0;
    for (const i of px) {
      if (cloud[i] === 255) clouded++;
      if (change && cloud[i] === 0 && prevCloud?.[i] === 0) {
        valid++;
        if (change[i] === 255) changed++;
      }
    }
    out[z.id] = {
      kind: z.kind,
      vessels: ships ? big.length : null,
      vesselBoxes: ships ? big.map((v) => box(layout, v)) : null,
      arrivals: ships && before ? big.filter((v) => !prevIds.has(v.uid)).length : null,
      departures: ships && before ? before.filter((v) => !nowIds.has(v.uid)).length : null,
      smallBoats: ships ? here.length - big.length : null,
      railCars: rail ? cars.length : null,
      railOccupancy: rail ? r3(occupancy(layout, z.id, cars)) : null,
      cloudCoverage: r3(px.length ? clouded / px.length : 0),
      changeFraction: change ? r3(valid ? changed / valid : 0) : null,
    };
  }
  return out;
}

function occupancy(layout: Layout, zoneId: string, cars: RailCar[]): number {
  const tracks = [...layout.yardTracks, layout.siding].filter((t) => t.zoneId === zoneId);
  const total = tracks.reduce((s, t) => s + Math.hypot(t.b[0] - t.a[0], t.b[1] - t.a[1]), 0);
  return total > 0 ? Math.min(1, cars.reduce((s, c) => s + c.length, 0) / total) : 0;
}
