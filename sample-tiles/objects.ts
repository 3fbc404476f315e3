/**
 * What stands in the port on each date: moored and anchored vessels, small boats, trains, stockpiles and a
 * construction site, evolved date by date as a seeded Markov chain (arrivals, departures, rafting).
 */
import type { BerthLine, Layout, Pt, Track } from './layout.ts';
import { pick, type Rng, randInt, rngFor, uniform } from './random.ts';
import { insideRing } from './raster.ts';

export type Rgb = readonly [number, number, number];
export type VesselKind = 'bulk' | 'general' | 'tanker' | 'container' | 'boat';

export interface Vessel {
  /** Stable while the vessel stays put; also its id in the change map. */
  uid: number;
  cx: number;
  cy: number;
  /** Long axis, radians from +x towards +y; the bow points along +angle. */
  angle: number;
  length: number;
  width: number;
  kind: VesselKind;
  deck: Rgb;
  /** Dark decks (black, red) are the hard case on dark water. */
  bright: boolean;
  hatch: Rgb;
  freeboard: number;
  superHeight: number;
  /** uid of the vessel it is rafted against (touching), if any. */
  raftedTo: number | null;
  /** Length of the foam wake behind a boat under way, metres (0 when still). */
  wake: number;
}

export type CarType = 'box' | 'tank' | 'hopper' | 'gondola' | 'flat';

export interface RailCar {
  uid: number;
  cx: number;
  cy: number;
  angle: number;
  length: number;
  width: number;
  type: CarType;
  colour: Rgb;
  trackId: string;
  zoneId: string;
}

export interface Heap {
  uid: number;
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  angle: number;
  material: 'coal' | 'ore' | 'sand';
}

/** How much may change into a date: nothing, only traffic (vessels, boats, trains), or also the ground. */
export type DateMode = 'quiet' | 'traffic' | 'construction';

export interface DateObjects {
  vessels: Vessel[];
  boats: Vessel[];
  cars: RailCar[];
  heaps: Heap[];
  /** 0 vacant lot, 1 foundations, 2 finished warehouse. */
  construction: 0 | 1 | 2;
  constructionUid: number;
}

/** Id ranges in the change map, so vessels, cars and ground changes never collide. */
const UID = { vessel: 1, car: 1_000_000, heap: 2_000_000, construction: 3_000_000 } as const;

interface Mooring {
  vessel: Vessel;
  line: BerthLine;
  /** Distance of the stern-most end along the line. */
  start: number;
  outer: Vessel | null;
}

interface Train {
  track: Track;
  start: number;
  cars: RailCar[];
}

const BRIGHT_DECKS: Rgb[] = [
  [0.8, 0.8, 0.78],
  [0.62, 0.64, 0.65],
  [0.7, 0.68, 0.62],
];
const DARK_DECKS: Rgb[] = [
  [0.07, 0.07, 0.08],
  [0.42, 0.12, 0.1],
  [0.3, 0.08, 0.07],
  [0.16, 0.26, 0.19],
];
const CAR_COLOURS: Record<CarType, Rgb[]> = {
  box: [
    [0.4, 0.24, 0.17],
    [0.32, 0.36, 0.4],
    [0.5, 0.3, 0.2],
  ],
  tank: [
    [0.1, 0.1, 0.1],
    [0.55, 0.55, 0.52],
  ],
  hopper: [
    [0.48, 0.47, 0.45],
    [0.36, 0.28, 0.22],
  ],
  gondola: [
    [0.35, 0.22, 0.15],
    [0.3, 0.3, 0.3],
  ],
  flat: [[0.3, 0.26, 0.22]],
};

/** Evolves the objects over `modes.length` dates; date 0 starts from a busy port. */
export function simulateObjects(layout: Layout, seed: number, modes: readonly DateMode[]): DateObjects[] {
  const rng = rngFor(seed, 'objects');
  let uid = UID.vessel;
  let carUid = UID.car;
  let heapUid = UID.heap;
  const newUid = () => uid++;
  const moorings: Mooring[] = [];
  let anchored: Vessel[] = [];
  let trains: Train[] = [];
  let heaps: Heap[] = initialHeaps(rng, layout, () => heapUid++);
  let construction: 0 | 1 | 2 = 0;
  let boats: Vessel[] = [];
  const out: DateObjects[] = [];
  for (const [d, mode] of modes.entries()) {
    if (d === 0 || mode !== 'quiet') {
      if (d > 0) {
        // Departures: a berthed vessel leaves with its raft; an outer raft may leave alone.
        for (let k = moorings.length - 1; k >= 0; k--) {
          const m = moorings[k]!;
          if (rng() < 0.38) moorings.splice(k, 1);
          else if (m.outer && rng() < 0.45) m.outer = null;
        }
        anchored = anchored.filter(() => rng() > 0.45);
        trains = trains.filter(() => rng() > 0.5);
      }
      const attempts = d === 0 ? 14 : 6;
      for (let a = 0; a < attempts; a++) moor(rng, layout, moorings, newUid);
      for (const m of moorings) if (!m.outer && rng() < (d === 0 ? 0.3 : 0.15)) raft(rng, m, newUid);
      for (let a = 0; a < (d === 0 ? 4 : 2); a++) anchor(rng, layout, anchored, newUid);
      for (const t of [...layout.yardTracks, layout.siding]) {
        const tries = t === layout.siding ? 1 : d === 0 ? 3 : 2;
        for (let a = 0; a < tries; a++) if (rng() < 0.45) addTrain(rng, t, trains, () => carUid++);
      }
      boats = placeBoats(rng, layout, [...moorings.flatMap((m) => mooredVessels(m)), ...anchored], newUid);
      if (mode === 'construction') {
        if (construction < 2 && (construction === 0 ? rng() < 0.7 : true)) construction = construction === 0 ? 1 : 2;
        heaps = changeHeaps(rng, layout, heaps, () => heapUid++);
      }
    }
    out.push({
      vessels: [...moorings.flatMap((m) => mooredVessels(m)), ...anchored],
      boats: [...boats],
      cars: trains.flatMap((t) => t.cars),
      heaps: [...heaps],
      construction,
      constructionUid: UID.construction + construction,
    });
  }
  return out;
}

function mooredVessels(m: Mooring): Vessel[] {
  return m.outer ? [m.vessel, m.outer] : [m.vessel];
}

/** Hull proportions of merchant ships: beam ≈ L/6.5, within the brief's 8–35 m. */
function makeVessel(rng: Rng, uid: number, length: number, maxWidth = 35): Vessel {
  const bright = rng() < 0.5;
  const kind: VesselKind = pick(rng, ['bulk', 'general', 'tanker', 'container', 'bulk'] as const);
  const width = Math.min(maxWidth, Math.max(8, length / uniform(rng, 5.6, 7.2)));
  const deck = pick(rng, bright ? BRIGHT_DECKS : DARK_DECKS);
  const hatch: Rgb = pick(rng, [
    [deck[0] * 0.75, deck[1] * 0.75, deck[2] * 0.75],
    [0.35, 0.14, 0.1],
    [0.2, 0.3, 0.22],
    [0.55, 0.55, 0.55],
  ] as const);
  return {
    uid,
    cx: 0,
    cy: 0,
    angle: 0,
    length,
    width,
    kind,
    deck,
    bright,
    hatch,
    freeboard: 3 + length * 0.04,
    superHeight: 10 + length * 0.08,
    raftedTo: null,
    wake: 0,
  };
}

/** A length between 40 and 200 m, most of them feeder-sized. */
function vesselLength(rng: Rng, max: number): number {
  return Math.min(max, 40 + 160 * rng() ** 1.6);
}

function lineFrame(line: BerthLine) {
  const len = Math.hypot(line.b[0] - line.a[0], line.b[1] - line.a[1]);
  return { len, ux: (line.b[0] - line.a[0]) / len, uy: (line.b[1] - line.a[1]) / len };
}

/** Places vessel `v` along its line at `start` with its side `offset` pixels off the line. */
function placeAlong(v: Vessel, line: BerthLine, start: number, offset: number, bowForward: boolean): void {
  const { ux, uy } = lineFrame(line);
  const along = start + v.length / 2;
  v.cx = line.a[0] + ux * along + line.normal[0] * offset;
  v.cy = line.a[1] + uy * along + line.normal[1] * offset;
  v.angle = Math.atan2(uy, ux) + (bowForward ? 0 : Math.PI);
}

function moor(rng: Rng, layout: Layout, moorings: Mooring[], newUid: () => number): void {
  const line = pick(rng, layout.berthLines);
  const { len } = lineFrame(line);
  const taken = moorings
    .filter((m) => m.line === line)
    .map((m) => [m.start, m.start + Math.max(m.vessel.length, m.outer?.length ?? 0)] as const)
    .sort((a, b) => a[0] - b[0]);
  const gaps: [number, number][] = [];
  let cursor = 0;
  for (const [s, e] of taken) {
    if (s - cursor > 0) gaps.push([cursor, s - 8]);
    cursor = Math.max(cursor, e + 8);
  }
  gaps.push([cursor, len]);
  const room = gaps.filter(([s, e]) => e - s >= 40);
  if (room.length === 0) return;
  const [s, e] = pick(rng, room);
  const v = makeVessel(rng, newUid(), vesselLength(rng, e - s));
  const start = s + rng() * (e - s - v.length);
  placeAlong(v, line, start, v.width / 2 + 1, rng() < 0.5);
  moorings.push({ vessel: v, line, start, outer: null });
}

/** A second vessel moored against the first, hull to hull (touching), as rafted ships lie. */
function raft(rng: Rng, m: Mooring, newUid: () => number): void {
  const len = Math.min(vesselLength(rng, 200), m.vessel.length);
  const v = makeVessel(rng, newUid(), len);
  v.raftedTo = m.vessel.uid;
  const { len: lineLen } = lineFrame(m.line);
  const start = Math.max(0, Math.min(lineLen - len, m.start + (m.vessel.length - len) * rng()));
  placeAlong(v, m.line, start, m.vessel.width + 1 + v.width / 2, rng() < 0.5);
  m.outer = v;
}

function anchor(rng: Rng, layout: Layout, anchored: Vessel[], newUid: () => number): void {
  const xs = layout.anchorage.map((p) => p[0]);
  const ys = layout.anchorage.map((p) => p[1]);
  const v = makeVessel(rng, newUid(), vesselLength(rng, 200));
  for (let t = 0; t < 20; t++) {
    v.cx = uniform(rng, Math.min(...xs) + 110, Math.max(...xs) - 110);
    v.cy = uniform(rng, Math.min(...ys) + 110, Math.max(...ys) - 110);
    // At anchor a ship swings to the wind: headings cluster around one direction.
    v.angle = uniform(rng, 0.3, 1.3) + (rng() < 0.5 ? Math.PI : 0);
    const clear = anchored.every((o) => Math.hypot(o.cx - v.cx, o.cy - v.cy) > (o.length + v.length) / 2 + 40);
    if (clear && insideRing(v.cx, v.cy, layout.anchorage as Pt[])) {
      anchored.push(v);
      return;
    }
  }
}

/** 5–15 m boats in the basins and the anchorage: they must never be counted as vessels. */
function placeBoats(rng: Rng, layout: Layout, vessels: Vessel[], newUid: () => number): Vessel[] {
  const boats: Vessel[] = [];
  const n = randInt(rng, 5, 10);
  for (let t = 0; t < 200 && boats.length < n; t++) {
    const x = uniform(rng, 230, 1950);
    const y = uniform(rng, 640, 1450);
    if (!openWater(layout, x, y)) continue;
    const clear = [...vessels, ...boats].every((o) => Math.hypot(o.cx - x, o.cy - y) > o.length / 2 + 20);
    if (!clear) continue;
    const b = makeVessel(rng, newUid(), uniform(rng, 5, 15), 4.5);
    b.kind = 'boat';
    b.width = Math.max(2, b.length / uniform(rng, 2.8, 3.8));
    b.deck = pick(rng, [
      [0.85, 0.85, 0.83],
      [0.6, 0.62, 0.62],
      [0.2, 0.3, 0.45],
      [0.75, 0.35, 0.15],
    ] as const);
    b.freeboard = 1.2;
    b.superHeight = 2.5;
    b.cx = x;
    b.cy = y;
    b.angle = uniform(rng, 0, 2 * Math.PI);
    // A third of the boats are under way: a boat of 10 m trails 40–100 m of foam, which must not make it a vessel.
    if (rng() < 0.35) {
      const wake = b.length * uniform(rng, 4, 10);
      const clearAft = [0.25, 0.5, 0.75, 1].every((k) => {
        const d = b.length / 2 + k * wake;
        const wx = x - Math.cos(b.angle) * d;
        const wy = y - Math.sin(b.angle) * d;
        return openWater(layout, wx, wy) && vessels.every((o) => Math.hypot(o.cx - wx, o.cy - wy) > o.length / 2 + 15);
      });
      if (clearAft) b.wake = wake;
    }
    boats.push(b);
  }
  return boats;
}

/** Water at least 25 m off the shore and 12 m off any pier or the breakwater. */
function openWater(layout: Layout, x: number, y: number): boolean {
  if (x < 0 || x >= layout.width || y < 0 || y >= layout.height || y < layout.shoreY(x) + 25) return false;
  return ![...layout.piers, layout.breakwater].some((p) => {
    const dx = x - p.root[0];
    const dy = y - p.root[1];
    const u = dx * Math.cos(p.angle) + dy * Math.sin(p.angle);
    const v = -dx * Math.sin(p.angle) + dy * Math.cos(p.angle);
    return u > -10 && u < p.length + 15 && Math.abs(v) < p.width / 2 + 12;
  });
}

function addTrain(rng: Rng, track: Track, trains: Train[], carUid: () => number): void {
  const len = Math.hypot(track.b[0] - track.a[0], track.b[1] - track.a[1]);
  const taken = trains
    .filter((t) => t.track === track)
    .map((t) => [t.start, t.start + trainLength(t)] as const)
    .sort((a, b) => a[0] - b[0]);
  const gaps: [number, number][] = [];
  let cursor = 2;
  for (const [s, e] of taken) {
    if (s - 10 > cursor) gaps.push([cursor, s - 10]);
    cursor = Math.max(cursor, e + 10);
  }
  if (len - 2 > cursor) gaps.push([cursor, len - 2]);
  const room = gaps.filter(([s, e]) => e - s > 40);
  if (room.length === 0) return;
  const [s, e] = pick(rng, room);
  const type: CarType = pick(rng, ['box', 'tank', 'hopper', 'gondola', 'flat'] as const);
  const carLen = uniform(rng, 14, 20);
  const maxCars = Math.floor((e - s) / (carLen + 1));
  const n = Math.min(maxCars, randInt(rng, 3, 32));
  if (n < 1) return;
  const ux = (track.b[0] - track.a[0]) / len;
  const uy = (track.b[1] - track.a[1]) / len;
  const start = s + rng() * (e - s - n * (carLen + 1));
  const cars: RailCar[] = [];
  let u = start;
  const colour = pick(rng, CAR_COLOURS[type]);
  for (let k = 0; k < n; k++) {
    // Couplers keep cars 0.35–0.9 m apart: less than one 1 m pixel, so a train reads as one strip.
    const mixed = rng() < 0.15;
    const t: CarType = mixed ? pick(rng, ['box', 'tank', 'hopper', 'gondola', 'flat'] as const) : type;
    const along = u + carLen / 2;
    cars.push({
      uid: carUid(),
      cx: track.a[0] + ux * along,
      cy: track.a[1] + uy * along,
      angle: Math.atan2(uy, ux),
      length: carLen,
      width: uniform(rng, 2.9, 3.2),
      type: t,
      colour: mixed ? pick(rng, CAR_COLOURS[t]) : colour,
      trackId: track.id,
      zoneId: track.zoneId,
    });
    u += carLen + uniform(rng, 0.35, 0.9);
  }
  trains.push({ track, start, cars });
}

function trainLength(t: Train): number {
  const first = t.cars[0];
  const last = t.cars[t.cars.length - 1];
  if (!first || !last) return 0;
  return Math.hypot(last.cx - first.cx, last.cy - first.cy) + (first.length + last.length) / 2;
}

function initialHeaps(rng: Rng, layout: Layout, newUid: () => number): Heap[] {
  const [x0, y0, x1, _y1] = layout.stockyard;
  const heaps: Heap[] = [];
  for (let k = 0; k < 4; k++) {
    heaps.push({
      uid: newUid(),
      cx: x0 + 40 + (k % 2) * ((x1 - x0) / 2) + uniform(rng, 0, 40),
      cy: y0 + 30 + Math.floor(k / 2) * 60 + uniform(rng, -5, 5),
      rx: uniform(rng, 30, 55),
      ry: uniform(rng, 14, 22),
      angle: uniform(rng, -0.1, 0.1),
      material: pick(rng, ['coal', 'ore', 'coal', 'sand'] as const),
    });
  }
  return heaps;
}

/** A real ground change: one heap is removed, regrown or reshaped. */
function changeHeaps(rng: Rng, layout: Layout, heaps: Heap[], newUid: () => number): Heap[] {
  const k = randInt(rng, 0, heaps.length - 1);
  return heaps.map((h, i) => {
    if (i !== k) return h;
    const [x0, , x1] = layout.stockyard;
    const rx = Math.min(h.rx * uniform(rng, 0.5, 1.6), (x1 - x0) / 4);
    return { ...h, uid: newUid(), rx, ry: Math.max(8, h.ry * uniform(rng, 0.6, 1.3)) };
  });
}
