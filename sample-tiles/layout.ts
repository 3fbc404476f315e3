/**
 * The static plan of the synthetic Rajin-like port, in pixels of the reference grid (x east, y south,
 * ~1 m per pixel): coast, piers, berth lines, tracks, roads, buildings, and the analyst's zones.
 */
import type { Bounds } from '../contract/index.ts';
import { placeClutter } from './clutter.ts';
import { metresPerDegree, type Pt, sceneBounds } from './geo.ts';
import { fbm, type Rng, randInt, rngFor, uniform } from './random.ts';
import { drawZones } from './zones.ts';

export type { Pt } from './geo.ts';

/** A straight structure from `root` along `angle` (radians from +x towards +y), `length` long, `width` wide. */
export interface Strip {
  id: string;
  root: Pt;
  angle: number;
  length: number;
  width: number;
}

/** A mooring line: vessels lie along it with a side against it, on the `normal` (water) side. */
export interface BerthLine {
  id: string;
  a: Pt;
  b: Pt;
  /** Unit vector from the line towards open water. */
  normal: Pt;
  /** The zone id vessels moored here are counted in. */
  zoneId: string;
}

/** A track centreline a–b on which cars stand. */
export interface Track {
  id: string;
  a: Pt;
  b: Pt;
  zoneId: string;
}

/** A building footprint: a rotated rectangle with a roof colour and height (for its shadow). */
export interface Building {
  cx: number;
  cy: number;
  w: number;
  h: number;
  angle: number;
  height: number;
  roof: readonly [number, number, number];
  /** `tank`: a round storage tank of diameter w; `tree`: a round canopy of diameter w; `shed`: a ridged roof along w. */
  shape: 'box' | 'shed' | 'tank' | 'tree' | 'crate';
}

export interface PixelZone {
  id: string;
  name: string;
  kind: 'berth' | 'anchorage' | 'rail' | 'water' | 'ignore';
  /** Polygon ring (closed) or, for the siding, a line. */
  ring?: Pt[];
  line?: Pt[];
}

export interface Layout {
  width: number;
  height: number;
  bounds: Bounds;
  /** Metres per pixel east–west and north–south at the centre. */
  gsdXM: number;
  gsdYM: number;
  /** y of the coastline at column x (land is y < shoreY), before piers and breakwater. */
  shoreY: (x: number) => number;
  piers: Strip[];
  breakwater: Strip;
  berthLines: BerthLine[];
  yardTracks: Track[];
  siding: Track;
  /** Ladder and lead tracks that carry no counted cars. */
  ladders: [Pt, Pt][];
  roads: [Pt, Pt, number][];
  buildings: Building[];
  /** Containers, trucks and cargo lots: static, so never change. */
  clutter: Building[];
  /** Apron areas where coal/ore heaps stand: [x0, y0, x1, y1]. */
  stockyard: [number, number, number, number];
  /** The lot where a warehouse is built during the year. */
  constructionLot: Building;
  cranes: Pt[];
  anchorage: Pt[];
  zones: PixelZone[];
}

function strip(id: string, root: Pt, angleDeg: number, length: number, width: number): Strip {
  return { id, root, angle: (angleDeg * Math.PI) / 180, length, width };
}

/** Berth lines on both long sides of a pier, from `skip` px off the quay to near its tip. */
function pierBerths(p: Strip, zoneId: string, skip = 8): BerthLine[] {
  const c = Math.cos(p.angle);
  const s = Math.sin(p.angle);
  const at = (u: number, v: number): Pt => [p.root[0] + u * c - v * s, p.root[1] + u * s + v * c];
  const h = p.width / 2;
  return [
    { id: `${p.id}-w`, a: at(skip, h), b: at(p.length - 4, h), normal: [-s, c], zoneId },
    { id: `${p.id}-e`, a: at(skip, -h), b: at(p.length - 4, -h), normal: [s, -c], zoneId },
  ];
}

/** The port plan for a width×height grid; the same for every seed except building details and zone wobble. */
export function buildLayout(seed: number, width = 2048, height = 1536): Layout {
  const rng = rngFor(seed, 'layout');
  const quayY = 600;
  const shoreSeed = randInt(rng, 1, 1e6);
  const shoreY = (x: number): number => {
    const wobble = (fbm(x, 0, 90, 4, shoreSeed) - 0.5) * 36;
    if (x < 200) return quayY + (200 - x) * 1.9 + wobble * Math.min(1, (200 - x) / 40);
    if (x > 1850) return quayY - (x - 1850) * 1.3 + wobble * Math.min(1, (x - 1850) / 40);
    return quayY;
  };
  // Piers point south (90°); pier 3 leans west like Rajin's third pier.
  const piers = [
    strip('pier-1', [560, quayY - 2], 90, 360, 50),
    strip('pier-2', [1020, quayY - 2], 90, 430, 70),
    strip('pier-3', [1480, quayY - 2], 102, 330, 45),
  ];
  const breakwater = strip('breakwater', [10, 1010], 25, 450, 18);
  const berthLines: BerthLine[] = [
    ...pierBerths(piers[0]!, 'pier-1'),
    ...pierBerths(piers[1]!, 'pier-2'),
    ...pierBerths(piers[2]!, 'pier-3'),
    { id: 'east-quay', a: [1625, quayY], b: [1845, quayY], normal: [0, 1], zoneId: 'east-quay' },
  ];
  const yardTracks: Track[] = [];
  for (let k = 0; k < 7; k++) {
    const y = 270 + 5.5 * k;
    yardTracks.push({ id: `yard-${k + 1}`, a: [660, y], b: [1460, y], zoneId: 'rail-yard' });
  }
  const siding: Track = { id: 'siding', a: [215, 586], b: [1840, 586], zoneId: 'quay-siding' };
  const ladders: [Pt, Pt][] = [];
  for (const t of yardTracks) {
    ladders.push([t.b, [1560, 286.5]]);
    ladders.push([t.a, [560, 286.5]]);
  }
  ladders.push([
    [1560, 286.5],
    [1700, 286.5],
  ]);
  ladders.push([
    [560, 286.5],
    [470, 286.5],
  ]);
  const roads: [Pt, Pt, number][] = [
    [[0, 406], [1900, 406], 12],
    [[1900, 406], [2048, 300], 12],
    [[300, 0], [300, 406], 9],
    [[1560, 0], [1560, 406], 9],
    [[620, 0], [620, 250], 8],
    [[1000, 412], [1000, 432], 10],
  ];
  for (let y = 15; y < 380; y += 70) roads.push([[0, y], [600, y], 6]);
  for (let x = 15; x < 600; x += 80) if (Math.abs(x - 300) > 40) roads.push([[x, 0], [x, 400], 6]);
  const buildings = placeBuildings(rng);
  const clutter = placeClutter(rngFor(seed, 'clutter'), piers);
  const constructionLot: Building = {
    cx: 1630,
    cy: 478,
    w: 120,
    h: 56,
    angle: 0,
    height: 14,
    roof: [0.62, 0.64, 0.66],
    shape: 'shed',
  };
  const cranes: Pt[] = [
    [1020, 720],
    [1020, 790],
    [1020, 860],
  ];
  const anchorage: Pt[] = [
    [1290, 1160],
    [1990, 1110],
    [2025, 1505],
    [1250, 1510],
  ];
  const zones = drawZones(rng, piers, anchorage, yardTracks, siding);
  const bounds = sceneBounds(width, height);
  const m = metresPerDegree((bounds[1] + bounds[3]) / 2);
  return {
    width,
    height,
    bounds,
    gsdXM: ((bounds[2] - bounds[0]) * m.lon) / width,
    gsdYM: ((bounds[3] - bounds[1]) * m.lat) / height,
    shoreY,
    piers,
    breakwater,
    berthLines,
    yardTracks,
    siding,
    ladders,
    roads,
    buildings,
    clutter,
    stockyard: [225, 440, 490, 565],
    constructionLot,
    cranes,
    anchorage,
    zones,
  };
}

const ROOFS: readonly (readonly [number, number, number])[] = [
  [0.55, 0.3, 0.24],
  [0.62, 0.62, 0.6],
  [0.45, 0.5, 0.55],
  [0.72, 0.7, 0.66],
  [0.35, 0.38, 0.4],
  [0.5, 0.42, 0.33],
  [0.28, 0.42, 0.5],
];

function placeBuildings(rng: Rng): Building[] {
  const out: Building[] = [];
  const roof = () => ROOFS[Math.floor(rng() * ROOFS.length)]!;
  // Town west of the yard: blocks of long walk-up apartment rows (as in Rajin), courtyards with trees.
  const muted: (readonly [number, number, number])[] = [
    [0.62, 0.62, 0.6],
    [0.7, 0.69, 0.66],
    [0.5, 0.52, 0.54],
    [0.56, 0.4, 0.34],
    [0.46, 0.5, 0.52],
  ];
  for (let by = 20; by < 370; by += 70) {
    for (let bx = 20; bx < 600; bx += 80) {
      if (Math.abs(bx + 30 - 300) < 40) continue; // the north road
      for (const row of [14, 42]) {
        if (rng() < 0.15) continue; // a vacant plot
        const w = uniform(rng, 34, 60);
        out.push({
          cx: bx + 4 + w / 2 + uniform(rng, 0, 62 - w),
          cy: by + row + uniform(rng, -1.5, 1.5),
          w,
          h: uniform(rng, 10, 13),
          angle: 0,
          height: uniform(rng, 12, 18),
          roof: muted[Math.floor(rng() * muted.length)]!,
          shape: rng() < 0.4 ? 'shed' : 'box',
        });
      }
      for (let t = randInt(rng, 2, 7); t > 0; t--) {
        out.push({
          cx: bx + uniform(rng, 4, 66),
          cy: by + uniform(rng, 24, 32),
          w: uniform(rng, 4, 9),
          h: 0,
          angle: 0,
          height: uniform(rng, 5, 9),
          roof: [0.13, 0.2, 0.09],
          shape: 'tree',
        });
      }
    }
  }
  // Industrial belt north of the yard: sheds and a tank farm.
  for (let x = 660; x < 1400; x += uniform(rng, 110, 160)) {
    out.push({
      cx: x + 50,
      cy: uniform(rng, 175, 215),
      w: uniform(rng, 70, 100),
      h: uniform(rng, 30, 45),
      angle: 0,
      height: uniform(rng, 10, 16),
      roof: roof(),
      shape: 'shed',
    });
  }
  for (let k = 0; k < 8; k++) {
    out.push({
      cx: 700 + (k % 4) * 42,
      cy: 60 + Math.floor(k / 4) * 45,
      w: uniform(rng, 24, 32),
      h: 0,
      angle: 0,
      height: 14,
      roof: [0.82, 0.82, 0.8],
      shape: 'tank',
    });
  }
  // Quay warehouses on the apron.
  for (const [x0, x1] of [
    [620, 770],
    [805, 955],
    [1110, 1280],
    [1315, 1450],
  ] as const) {
    out.push({
      cx: (x0 + x1) / 2,
      cy: 472,
      w: x1 - x0,
      h: uniform(rng, 50, 62),
      angle: 0,
      height: uniform(rng, 12, 18),
      roof: roof(),
      shape: 'shed',
    });
  }
  return out;
}
