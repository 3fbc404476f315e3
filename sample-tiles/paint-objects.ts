/** Paints one date's objects (buildings, heaps, trains, vessels, boats, cranes) with sun-cast shadows. */

import { CONTAINER_COLOURS } from './clutter.ts';
import type { Building, Layout, Pt } from './layout.ts';
import type { DateObjects, Heap, RailCar, Vessel } from './objects.ts';
import { hash2, valueNoise } from './random.ts';
import { type Canvas, clamp01, paint, paintConvex, type Sample, smoothstep } from './raster.ts';

export interface Sun {
  azimuthDeg: number;
  elevationDeg: number;
}

/** Shadow displacement in pixels per metre of height: away from the sun, 1/tan(elevation) long. */
export function shadowVector(sun: Sun): Pt {
  const az = (sun.azimuthDeg * Math.PI) / 180;
  const k = 1 / Math.tan((sun.elevationDeg * Math.PI) / 180);
  return [-Math.sin(az) * k, Math.cos(az) * k];
}

// Shadows keep ~45 % of the light on water and ~50 % on land (skylight fills them in).
const WATER_SHADOW = [0.45, 0.47, 0.5] as const;
const LAND_SHADOW = [0.5, 0.52, 0.58] as const;

/** Paints every object of a date, in the order light and height require. */
export function paintObjects(canvas: Canvas, layout: Layout, objs: DateObjects, sun: Sun): void {
  const sv = shadowVector(sun);
  for (const b of layout.buildings) paintBuilding(canvas, b, sv);
  paintConstruction(canvas, layout.constructionLot, objs.construction, objs.constructionUid, sv);
  for (const h of objs.heaps) paintHeap(canvas, h, sv);
  for (const c of layout.clutter) paintBuilding(canvas, c, sv);
  for (const c of objs.cars) shadow(canvas, outline(c, 1), sv, 4, LAND_SHADOW);
  for (const c of objs.cars) paintCar(canvas, c);
  const ships = [...objs.vessels, ...objs.boats];
  for (const b of objs.boats) if (b.wake > 0) paintWake(canvas, b);
  for (const v of ships) shadow(canvas, outline(v, 1), sv, v.freeboard, WATER_SHADOW);
  for (const v of ships) paintHull(canvas, v);
  for (const v of ships) paintSuperstructure(canvas, v, sv);
  for (const c of layout.cranes) paintCrane(canvas, c, sv);
}

type Shape = Pick<Vessel, 'cx' | 'cy' | 'angle' | 'length' | 'width'>;

/** Half-beam at u (from −L/2 stern to +L/2 bow): a square stern, parallel body, and an elliptic bow. */
function halfBeam(u: number, length: number, width: number, boat = false): number {
  const t = (u + length / 2) / length;
  if (t < 0 || t > 1) return -1;
  const bowStart = boat ? 0.55 : 0.8;
  if (t > bowStart) {
    const k = (t - bowStart) / (1 - bowStart);
    return (width / 2) * Math.sqrt(Math.max(0, 1 - k * k));
  }
  if (t < 0.025) return (width / 2) * (0.85 + (0.15 * t) / 0.025);
  return width / 2;
}

/** The hull outline as pixel points (12 along each side), grown by `pad` pixels. */
function outline(s: Shape, pad = 0, boat = false): Pt[] {
  const c = Math.cos(s.angle);
  const sn = Math.sin(s.angle);
  const pts: Pt[] = [];
  for (let k = 0; k <= 12; k++) {
    const u = -s.length / 2 + (k / 12) * s.length;
    const hb = Math.max(0, halfBeam(u, s.length, s.width, boat)) + pad * 0.5;
    for (const v of [-hb, hb]) pts.push([s.cx + u * c - v * sn, s.cy + u * sn + v * c]);
  }
  return pts;
}

/** Shadow of a prism `height` m tall over `footprint`: hull of the footprint and its displaced copy. */
function shadow(canvas: Canvas, footprint: Pt[], sv: Pt, height: number, tone: readonly [number, number, number]) {
  const moved = footprint.map(([x, y]): Pt => [x + sv[0] * height, y + sv[1] * height]);
  paintConvex(canvas, [...footprint, ...moved], tone, 'multiply');
}

function set(out: Sample, r: number, g: number, b: number, k = 1): void {
  out.r = clamp01(r * k);
  out.g = clamp01(g * k);
  out.b = clamp01(b * k);
  out.a = 1;
}

function paintHull(canvas: Canvas, v: Vessel): void {
  const boat = v.kind === 'boat';
  const { length: L, width: W, deck, hatch } = v;
  const rim = v.bright ? 0.72 : 1.9;
  const cargo0 = -L / 2 + 0.2 * L;
  const cargo1 = L / 2 - 0.16 * L;
  const nHatch = Math.max(2, Math.round((cargo1 - cargo0) / 24));
  const seg = (cargo1 - cargo0) / nHatch;
  paint(
    canvas,
    { cx: v.cx, cy: v.cy, angle: v.angle, halfU: L / 2, halfV: W / 2 },
    (u, vv, out) => {
      const hb = halfBeam(u, L, W, boat);
      const av = Math.abs(vv);
      if (av > hb) return;
      // Paint wear and rust: fine grain plus patches at ~8 m.
      const grain = (0.95 + 0.08 * valueNoise(u, vv, 2.5, v.uid)) * (0.9 + 0.16 * valueNoise(u, vv, 8, v.uid + 3));
      if (hb - av < 0.7) return set(out, deck[0] + 0.03, deck[1] + 0.03, deck[2] + 0.03, rim);
      if (boat) {
        const cabin = u > -L * 0.2 && u < L * 0.15 && av < W * 0.3;
        return cabin ? set(out, 0.9, 0.9, 0.88) : set(out, deck[0], deck[1], deck[2], grain);
      }
      if (u > cargo0 && u < cargo1) {
        const k = Math.floor((u - cargo0) / seg);
        const inSeg = u - cargo0 - k * seg;
        if (v.kind === 'container') {
          const bay = Math.floor((u - cargo0) / 12.2);
          const row = Math.floor((vv + W / 2) / 2.44);
          if (av < W / 2 - 1.2 && (u - cargo0) % 12.2 > 0.4) {
            const c = CONTAINER_COLOURS[Math.floor(hash2(bay, row, v.uid) * CONTAINER_COLOURS.length)]!;
            const rowLine = (vv + W / 2) % 2.44 < 0.15 ? 0.8 : 1;
            return set(out, c[0], c[1], c[2], rowLine * grain);
          }
        } else if (v.kind === 'tanker') {
          if (av < 0.7) return set(out, 0.7, 0.7, 0.68);
          if (Math.abs(u) < 1.5 && av < W * 0.35) return set(out, 0.6, 0.6, 0.58);
        } else if (inSeg > 2 && inSeg < seg - 1.5 && av < W * 0.34) {
          // Hatch covers with a seam down the middle.
          const seam = av < 0.25 ? 0.8 : 1;
          return set(out, hatch[0], hatch[1], hatch[2], seam * grain);
        }
      }
      if (u > L / 2 - 0.12 * L && av < W * 0.2) return set(out, deck[0], deck[1], deck[2], 0.85 * grain);
      set(out, deck[0], deck[1], deck[2], grain);
    },
    'over',
    v.uid,
  );
}

/** Accommodation block near the stern (white, tall) with its funnel, and its shadow across deck and water. */
function paintSuperstructure(canvas: Canvas, v: Vessel, sv: Pt): void {
  if (v.kind === 'boat') return;
  const L = v.length;
  const len = Math.max(7, 0.1 * L);
  const u0 = -L / 2 + 0.035 * L;
  const block: Shape = { cx: 0, cy: 0, angle: v.angle, length: len, width: v.width * 0.82 };
  const c = Math.cos(v.angle);
  const s = Math.sin(v.angle);
  const uc = u0 + len / 2;
  block.cx = v.cx + uc * c;
  block.cy = v.cy + uc * s;
  const corners = rectCorners(block);
  const moved = corners.map(([x, y]): Pt => [x + sv[0] * v.superHeight, y + sv[1] * v.superHeight]);
  const off = corners.map(([x, y]): Pt => [x + sv[0] * v.freeboard, y + sv[1] * v.freeboard]);
  paintConvex(canvas, [...off, ...moved], WATER_SHADOW, 'multiply');
  paint(
    canvas,
    { cx: block.cx, cy: block.cy, angle: v.angle, halfU: len / 2, halfV: block.width / 2 },
    (u, vv, out) => {
      const funnel = Math.abs(u + len * 0.2) < len * 0.15 && Math.abs(vv) < block.width * 0.14;
      if (funnel) return set(out, 0.15, 0.12, 0.12);
      const bridgeWing = u > len * 0.35 ? 0.9 : 1;
      set(out, 0.86, 0.86, 0.84, bridgeWing);
    },
    'over',
    v.uid,
  );
}

function rectCorners(s: Shape): Pt[] {
  const c = Math.cos(s.angle);
  const sn = Math.sin(s.angle);
  const hu = s.length / 2;
  const hv = s.width / 2;
  return [
    [s.cx - hu * c + hv * sn, s.cy - hu * sn - hv * c],
    [s.cx + hu * c + hv * sn, s.cy + hu * sn - hv * c],
    [s.cx + hu * c - hv * sn, s.cy + hu * sn + hv * c],
    [s.cx - hu * c - hv * sn, s.cy - hu * sn + hv * c],
  ];
}

function paintCar(canvas: Canvas, car: RailCar): void {
  const { length: L, width: W, colour: c } = car;
  paint(
    canvas,
    { cx: car.cx, cy: car.cy, angle: car.angle, halfU: L / 2, halfV: W / 2 },
    (u, v, out) => {
      const au = Math.abs(u);
      const av = Math.abs(v);
      const end = L / 2 - au < 0.4 ? 0.8 : 1;
      switch (car.type) {
        case 'tank': {
          // A cylinder lit from above: bright crest, darker flanks, a dome at mid-length.
          const crest = Math.cos((av / (W / 2)) * 1.2);
          if (au < 1 && av < 0.8) return set(out, c[0] + 0.15, c[1] + 0.15, c[2] + 0.15);
          return set(out, c[0] + 0.18 * crest, c[1] + 0.18 * crest, c[2] + 0.18 * crest, end);
        }
        case 'gondola':
          if (W / 2 - av < 0.35 || L / 2 - au < 0.35) return set(out, c[0] + 0.1, c[1] + 0.1, c[2] + 0.1);
          return set(out, 0.09, 0.09, 0.1);
        case 'hopper': {
          const bay = Math.abs(((u + L / 2) % (L / 4)) - L / 8) < 1.1 && av < W * 0.3;
          return set(out, c[0], c[1], c[2], bay ? 0.55 : end);
        }
        case 'flat': {
          const box = au < L / 2 - 1 && av < 1.2;
          const k = Math.floor(hash2(Math.floor((u + L / 2) / 6.1), car.uid, 7) * CONTAINER_COLOURS.length);
          const ct = CONTAINER_COLOURS[k]!;
          return box ? set(out, ct[0], ct[1], ct[2]) : set(out, c[0], c[1], c[2], end);
        }
        default: {
          const rib = (u + 50) % 1.2 < 0.2 ? 0.9 : 1;
          const ridge = av < 0.3 ? 1.1 : 1;
          return set(out, c[0], c[1], c[2], rib * ridge * end);
        }
      }
    },
    'over',
    car.uid,
  );
}

function paintBuilding(canvas: Canvas, b: Building, sv: Pt): void {
  const fp: Shape = {
    cx: b.cx,
    cy: b.cy,
    angle: b.angle,
    length: b.w,
    width: b.shape === 'tank' || b.shape === 'tree' ? b.w : b.h,
  };
  const round = b.shape === 'tank' || b.shape === 'tree';
  const corners = round
    ? Array.from({ length: 16 }, (_, k): Pt => {
        const a = (k / 16) * 2 * Math.PI;
        return [b.cx + (Math.cos(a) * b.w) / 2, b.cy + (Math.sin(a) * b.w) / 2];
      })
    : rectCorners(fp);
  shadow(canvas, corners, sv, b.height, LAND_SHADOW);
  const [r, g, bl] = b.roof;
  const lit = sv[1] < 0 ? 1 : -1; // sun in the south lights the south-facing roof slope
  paint(canvas, { cx: b.cx, cy: b.cy, angle: b.angle, halfU: fp.length / 2, halfV: fp.width / 2 }, (u, v, out) => {
    if (b.shape === 'tree') {
      const rr = Math.hypot(u, v) / (b.w / 2);
      if (rr > 1 + 0.25 * (valueNoise(u, v, 1.5, b.cx) - 0.5)) return;
      return set(out, r, g, bl, 0.75 + 0.5 * valueNoise(u, v, 1.2, b.cy) - 0.2 * rr);
    }
    if (b.shape === 'tank') {
      const rr = Math.hypot(u, v) / (b.w / 2);
      if (rr > 1) return;
      return set(out, r, g, bl, rr > 0.92 ? 0.75 : 1 - 0.08 * rr);
    }
    const edge = Math.min(fp.length / 2 - Math.abs(u), fp.width / 2 - Math.abs(v));
    if (b.shape === 'shed') {
      const slope = Math.sign(v) === lit ? 1.08 : 0.86;
      const corrugation = (u + 100) % 1.5 < 0.3 ? 0.93 : 1;
      return set(out, r, g, bl, (Math.abs(v) < 0.4 ? 0.8 : slope) * corrugation);
    }
    if (b.shape === 'crate') {
      // Containers and cargo: a flat top with corrugation across it and a faint dark seam at the ends.
      const rib = (u + 100) % 0.9 < 0.2 ? 0.92 : 1;
      const seam = fp.length / 2 - Math.abs(u) < 0.25 ? 0.75 : 1;
      return set(out, r, g, bl, rib * seam * (0.94 + 0.1 * valueNoise(u, v, 2, b.cy)));
    }
    const unit = hash2(Math.floor(u / 4), Math.floor(v / 4), Math.round(b.cx)) > 0.93 && edge > 2 ? 0.7 : 1;
    set(out, r, g, bl, edge < 0.8 ? 0.7 : unit);
  });
}

/** The lot east of the warehouses: bare ground, then a foundation slab with pits, then a warehouse. */
function paintConstruction(canvas: Canvas, b: Building, stage: 0 | 1 | 2, uid: number, sv: Pt): void {
  const fp: Shape = { cx: b.cx, cy: b.cy, angle: 0, length: b.w, width: b.h };
  if (stage === 2) {
    paintBuilding(canvas, b, sv);
    return;
  }
  if (stage === 0) return;
  paint(
    canvas,
    { cx: b.cx, cy: b.cy, angle: 0, halfU: fp.length / 2, halfV: fp.width / 2 },
    (u, v, out) => {
      const pit = Math.abs(((u + 200) % 12) - 6) < 1.2 && Math.abs(((v + 200) % 14) - 7) < 1.2;
      set(out, 0.72, 0.71, 0.68, pit ? 0.45 : 0.95 + 0.1 * valueNoise(u, v, 3, 11));
    },
    'over',
    uid,
  );
}

const HEAP_COLOURS = { coal: [0.1, 0.1, 0.1], ore: [0.42, 0.24, 0.17], sand: [0.66, 0.6, 0.48] } as const;

/** A stockpile as a lit mound: brighter on the sun side, darker away, with a soft shadow. */
function paintHeap(canvas: Canvas, h: Heap, sv: Pt): void {
  const [r, g, b] = HEAP_COLOURS[h.material];
  const sl = Math.hypot(sv[0], sv[1]) || 1;
  const lx = -sv[0] / sl;
  const ly = -sv[1] / sl;
  paint(
    canvas,
    { cx: h.cx, cy: h.cy, angle: h.angle, halfU: h.rx, halfV: h.ry },
    (u, v, out) => {
      const d = (u / h.rx) ** 2 + (v / h.ry) ** 2;
      // Ragged toe: the outline wanders by ±15 % at a 12 m scale.
      const wob = 0.3 * (valueNoise(u, v, 12, h.uid) - 0.5);
      if (d > 1 + wob) return;
      const nx = u / h.rx;
      const ny = v / h.ry;
      const facing = (nx * lx + ny * ly) * 0.35;
      // Stacker-reclaimer ridges run along the pile; grain breaks them up.
      const ridge = 0.93 + 0.07 * Math.sin(v * 1.3 + 3 * valueNoise(u, v, 8, h.uid + 1));
      const toe = 0.82 + 0.18 * smoothstep(1 + wob, 0.55, d);
      const k = (1 + facing) * ridge * toe * (0.85 + 0.3 * valueNoise(u, v, 1.2, h.uid));
      set(out, r, g, b, k);
      out.a = smoothstep(1 + wob, 0.9 + wob, d);
    },
    'over',
    h.uid,
  );
}

/** A gantry crane on pier 2 seen from above: portal legs, machinery house and boom, all casting long shadows. */
function paintCrane(canvas: Canvas, at: Pt, sv: Pt): void {
  // Pier 2 runs north-south: legs straddle the crane rails, the boom is luffed down along the pier.
  const [x, y] = at;
  const h = Math.PI / 2;
  const parts: [Shape, number][] = [
    [{ cx: x - 8, cy: y, angle: h, length: 14, width: 1.4 }, 18],
    [{ cx: x + 8, cy: y, angle: h, length: 14, width: 1.4 }, 18],
    [{ cx: x, cy: y - 6, angle: 0, length: 18, width: 1.5 }, 20],
    [{ cx: x, cy: y + 6, angle: 0, length: 18, width: 1.5 }, 20],
    [{ cx: x, cy: y, angle: 0, length: 10, width: 8 }, 24],
    [{ cx: x, cy: y + 22, angle: h, length: 30, width: 1.8 }, 27],
  ];
  for (const [s, height] of parts) {
    const c = rectCorners(s);
    paintConvex(
      canvas,
      c.map(([x, y]): Pt => [x + sv[0] * height, y + sv[1] * height]),
      LAND_SHADOW,
      'multiply',
    );
  }
  for (const [s] of parts) {
    paint(canvas, { cx: s.cx, cy: s.cy, angle: s.angle, halfU: s.length / 2, halfV: s.width / 2 }, (_u, _v, out) =>
      set(out, 0.78, 0.62, 0.16),
    );
  }
}

/**
 * Foam behind a boat under way: a turbulent centre wake fading with distance and the two arms of the Kelvin
 * wedge (half-angle 19.5°, drawn a little narrower as foam lines). Water only; not change in the truth.
 */
function paintWake(canvas: Canvas, b: Vessel): void {
  const len = b.wake;
  const c = Math.cos(b.angle);
  const s = Math.sin(b.angle);
  const back = b.length / 2 + len / 2;
  const spread = 0.3;
  paint(
    canvas,
    { cx: b.cx - back * c, cy: b.cy - back * s, angle: b.angle, halfU: len / 2, halfV: len * spread + 2 },
    (u, v, out) => {
      const d = len / 2 - u; // distance behind the stern
      const av = Math.abs(v);
      const fade = Math.exp(-d / (len * 0.45));
      const core = Math.max(0, 1 - av / (b.width * 0.5 + d * 0.04));
      const arm = Math.max(0, 1 - Math.abs(av - d * spread) / (0.8 + d * 0.015)) * 0.5;
      const foam = 0.6 + 0.8 * valueNoise(u, v, 1.5, b.uid);
      const a = Math.min(0.85, (core + arm) * fade * foam * 0.6);
      if (a <= 0.01) return;
      set(out, 0.72, 0.78, 0.78);
      out.a = a;
    },
  );
}
