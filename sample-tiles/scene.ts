/**
 * The synthetic Rajin-like port as pure functions: seed → dated images (encoded) + bounds + ground truth.
 * The sample set, the evaluation (bench/eval.ts) and tests all generate scenes through this module.
 */
import sharp from 'sharp';
import type { Bounds, SiteSettings, ZoneCollection } from '../contract/index.ts';
import { throwIfAborted } from '../processing/errors.ts';
import type { RunOptions } from '../processing/types.ts';
import { addClouds, addWaves, type Cloud, expose, NEUTRAL, type Radiometry } from './degrade.ts';
import { type Ground, paintGround } from './ground.ts';
import { buildLayout, type Layout } from './layout.ts';
import { type DateMode, type DateObjects, simulateObjects } from './objects.ts';
import { paintObjects, type Sun, shadowVector } from './paint-objects.ts';
import { rngFor, uniform } from './random.ts';
import { type Canvas, cloneCanvas } from './raster.ts';
import { changeMask, type ZoneTruth, zonePixels, zoneTruth } from './truth.ts';
import { zonesGeoJson } from './zones.ts';

export type { Radiometry } from './degrade.ts';
export type { VesselBox, ZoneTruth } from './truth.ts';
export { zonesGeoJson } from './zones.ts';

/** One date of the plan: when, how it is delivered, and what may change into it. */
interface DatePlan {
  date: string;
  mode: DateMode;
  format: 'webp' | 'jpeg';
  /** Cloud bank centre and radius in reference pixels, over part of a zone. */
  cloud?: [number, number, number];
  /** Extra haze on top of the random per-date haze. */
  haze?: number;
}

/**
 * A year of acquisitions, monthly plus a few revisits: 05-17 and 12-16 change nothing at all since the
 * date before (pure no-change pairs); 08-19 moves only traffic; 04, 07 and 10 bring ground changes.
 */
const PLAN: readonly DatePlan[] = [
  { date: '2025-01-14', mode: 'traffic', format: 'webp' },
  { date: '2025-02-13', mode: 'traffic', format: 'jpeg' },
  { date: '2025-03-15', mode: 'traffic', format: 'jpeg', cloud: [1040, 800, 240] },
  { date: '2025-04-14', mode: 'construction', format: 'jpeg' },
  { date: '2025-05-14', mode: 'traffic', format: 'jpeg' },
  { date: '2025-05-17', mode: 'quiet', format: 'jpeg' },
  { date: '2025-06-13', mode: 'traffic', format: 'jpeg', cloud: [1640, 1330, 300] },
  { date: '2025-07-15', mode: 'construction', format: 'jpeg' },
  { date: '2025-08-14', mode: 'traffic', format: 'jpeg' },
  { date: '2025-08-19', mode: 'traffic', format: 'jpeg', haze: 0.2 },
  { date: '2025-09-13', mode: 'traffic', format: 'webp', cloud: [1150, 290, 230] },
  { date: '2025-10-14', mode: 'construction', format: 'jpeg' },
  { date: '2025-11-13', mode: 'traffic', format: 'jpeg', haze: 0.1 },
  { date: '2025-12-14', mode: 'traffic', format: 'jpeg' },
  { date: '2025-12-16', mode: 'quiet', format: 'jpeg' },
];

export const SITE_ID = 'rajin';
/** Number of dates in a series (indices for `only` run 0..DATE_COUNT − 1). */
export const DATE_COUNT = PLAN.length;
export const DEFAULT_SEED = 20251;
const SETTINGS: SiteSettings = { minVesselLengthM: 20, railCarLengthM: 15 };
const JPEG_QUALITY = 85;

export interface SeriesOptions extends RunOptions {
  /** Indices of the dates to render (all by default); truth is computed for these only. */
  only?: readonly number[];
  minVesselLengthM?: number;
}

export interface SeriesDate {
  index: number;
  date: string;
  /** The date this one is compared with (change, arrivals), or null for the first. */
  previous: string | null;
  /** RFC 3339 UTC. */
  acquiredAt: string;
  sensor: string;
  format: 'webp' | 'jpeg';
  /** Path of the image relative to the site folder. */
  file: string;
  bounds: Bounds;
  /** Misregistration applied: content moved by (+dx, +dy) px; reading with this shift re-aligns it. */
  shiftPx: { dx: number; dy: number };
  sun: Sun;
  radiometry: Radiometry;
  mode: DateMode;
  /** Ground changed (construction, stockpiles) since the previous date, beyond traffic. */
  realChange: boolean;
  image: Buffer;
  /** 255 where the ground changed since the previous date, on the reference grid; null on the first date. */
  changeMask: Uint8Array | null;
  /** 255 cloud, 128 cloud shadow, 0 clear, on the reference grid. */
  cloudMask: Uint8Array;
  /** The previous date's cloud mask (exclude both from change scoring); null on the first date. */
  previousCloudMask: Uint8Array | null;
  zones: Record<string, ZoneTruth>;
}

export interface Series {
  seed: number;
  site: { id: string; name: string; bounds: Bounds; settings: SiteSettings };
  width: number;
  height: number;
  gsdM: number;
  zones: ZoneCollection;
  dates: SeriesDate[];
}

/** Sun position at Rajin for a UTC date-time (Cooper's declination; accurate to ~1°, ample for shadows). */
export function sunAt(iso: string, lat = 42.25, lon = 130.25): Sun {
  const t = new Date(iso);
  const doy = (t.getTime() - Date.UTC(t.getUTCFullYear(), 0, 0)) / 86400000;
  const decl = ((23.44 * Math.PI) / 180) * Math.sin((2 * Math.PI * (284 + doy)) / 365);
  const solarHours = t.getUTCHours() + t.getUTCMinutes() / 60 + lon / 15;
  const h = ((solarHours - 12) * 15 * Math.PI) / 180;
  const p = (lat * Math.PI) / 180;
  const sinEl = Math.sin(p) * Math.sin(decl) + Math.cos(p) * Math.cos(decl) * Math.cos(h);
  const el = Math.asin(sinEl);
  const cosAz = (Math.sin(decl) - Math.sin(el) * Math.sin(p)) / (Math.cos(el) * Math.cos(p));
  let az = (Math.acos(Math.max(-1, Math.min(1, cosAz))) * 180) / Math.PI;
  if (h > 0) az = 360 - az;
  return { azimuthDeg: Math.round(az * 10) / 10, elevationDeg: Math.round(((el * 180) / Math.PI) * 10) / 10 };
}

interface DateSetup {
  plan: DatePlan;
  acquiredAt: string;
  sun: Sun;
  shift: { dx: number; dy: number };
  radiometry: Radiometry;
  clouds: Cloud[];
  sensor: string;
}

function setupDates(seed: number): DateSetup[] {
  return PLAN.map((plan, d) => {
    const rng = rngFor(seed, `date-${d}`);
    const minute = Math.floor(uniform(rng, 0, 40));
    const acquiredAt = `${plan.date}T01:${String(minute + 15).padStart(2, '0')}:00Z`;
    const r = d === 0 ? 0 : uniform(rng, 0.4, 5);
    const th = uniform(rng, 0, 2 * Math.PI);
    const q = (v: number) => Math.round(v * 1000) / 1000 || 0;
    const radiometry: Radiometry =
      d === 0
        ? { ...NEUTRAL, haze: 0.02, noiseDn: 1.5 }
        : {
            gain: q(uniform(rng, 0.78, 1.22)),
            gamma: q(uniform(rng, 0.85, 1.18)),
            tint: [q(uniform(rng, 0.94, 1.06)), q(uniform(rng, 0.95, 1.05)), q(uniform(rng, 0.93, 1.07))],
            haze: q(uniform(rng, 0, 0.06) + (plan.haze ?? 0)),
            noiseDn: q(uniform(rng, 1, 3.5)),
          };
    const clouds: Cloud[] = plan.cloud
      ? [
          {
            cx: plan.cloud[0],
            cy: plan.cloud[1],
            radius: plan.cloud[2],
            height: uniform(rng, 150, 350),
            seed: d * 7919 + seed,
          },
        ]
      : [];
    return {
      plan,
      acquiredAt,
      sun: sunAt(acquiredAt),
      shift: { dx: q(r * Math.cos(th)), dy: q(r * Math.sin(th)) },
      radiometry,
      clouds,
      sensor: d % 3 === 1 ? 'SynthSat-2 (1 m RGB)' : 'SynthSat-1 (1 m RGB)',
    };
  });
}

/** The last scene's static parts: tests and evaluations render several dates or pairs of one seed. */
let staticCache: { seed: number; layout: Layout; ground: Ground } | null = null;

function staticScene(seed: number): { layout: Layout; ground: Ground } {
  if (staticCache?.seed !== seed) {
    const layout = buildLayout(seed);
    staticCache = { seed, layout, ground: paintGround(layout, seed) };
  }
  return staticCache;
}

/** Paints a date's clean scene (ground, waves, objects) on a copy of the ground. */
function paintDate(ground: Ground, layout: Layout, objs: DateObjects, sun: Sun, waveSeed: number): Canvas {
  const canvas = cloneCanvas(ground.canvas);
  addWaves(canvas, ground.water, waveSeed);
  paintObjects(canvas, layout, objs, sun);
  return canvas;
}

async function encode(rgb: Buffer, width: number, height: number, format: 'png' | 'webp' | 'jpeg'): Promise<Buffer> {
  const img = sharp(rgb, { raw: { width, height, channels: 3 } });
  // Lossless WebP for the exact dates: ~⅔ of a PNG's size, which keeps the committed set lean.
  if (format === 'png') return img.png({ compressionLevel: 9 }).toBuffer();
  return format === 'webp'
    ? img.webp({ lossless: true, effort: 4 }).toBuffer()
    : img.jpeg({ quality: JPEG_QUALITY, chromaSubsampling: '4:2:0' }).toBuffer();
}

/** Encodes a one-band 0/128/255 mask as a grey PNG. */
export function encodeMask(mask: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(Buffer.from(mask.buffer, mask.byteOffset, mask.byteLength), { raw: { width, height, channels: 1 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/**
 * Generates the dated series of the port for `seed`: encoded images, their bounds and misregistration,
 * per-zone truth, change masks and cloud masks. Deterministic: the same seed gives the same bytes.
 */
export async function generateSeries(seed: number = DEFAULT_SEED, opts: SeriesOptions = {}): Promise<Series> {
  const { layout, ground } = staticScene(seed);
  const setups = setupDates(seed);
  const objects = simulateObjects(
    layout,
    seed,
    setups.map((s) => s.plan.mode),
  );
  const zonePx = zonePixels(layout);
  const { width, height } = layout;
  for (const i of opts.only ?? []) {
    if (!Number.isInteger(i) || i < 0 || i >= PLAN.length) {
      throw new RangeError(`only: date index ${i} is outside 0..${PLAN.length - 1}`);
    }
  }
  const wanted = new Set(opts.only ?? setups.map((_, d) => d));
  const dates: SeriesDate[] = [];
  let last: { index: number; ids: Int32Array; cloud: Uint8Array } | null = null;
  let done = 0;
  for (const [d, s] of setups.entries()) {
    if (!wanted.has(d)) continue;
    throwIfAborted(opts.signal);
    opts.onProgress?.(done / wanted.size, `date ${s.plan.date}`);
    const objs = objects[d]!;
    const canvas = paintDate(ground, layout, objs, s.sun, seed * 31 + d);
    const cloudMask = addClouds(canvas, s.clouds, shadowVector(s.sun));
    const rgb = expose(canvas, s.shift, s.radiometry, seed * 31 + d);
    let change: Uint8Array | null = null;
    let prevCloud: Uint8Array | null = null;
    if (d > 0) {
      // The previous date's object map and clouds: kept from the last loop when it was rendered.
      if (last?.index !== d - 1) {
        const p = setups[d - 1]!;
        const prev = paintDate(ground, layout, objects[d - 1]!, p.sun, seed * 31 + d - 1);
        last = { index: d - 1, ids: prev.ids, cloud: addClouds(prev, p.clouds, shadowVector(p.sun)) };
      }
      prevCloud = last.cloud;
      change = changeMask(last.ids, canvas.ids);
    }
    last = { index: d, ids: canvas.ids, cloud: cloudMask };
    const zones = zoneTruth({
      layout,
      zonePx,
      objects: objs,
      previous: d > 0 ? objects[d - 1]! : null,
      change,
      cloud: cloudMask,
      prevCloud,
      minVesselLengthM: opts.minVesselLengthM ?? SETTINGS.minVesselLengthM,
    });
    const ext = s.plan.format === 'webp' ? 'webp' : 'jpg';
    dates.push({
      index: d,
      date: s.plan.date,
      previous: d > 0 ? setups[d - 1]!.plan.date : null,
      acquiredAt: s.acquiredAt,
      sensor: s.sensor,
      format: s.plan.format,
      file: `images/${s.plan.date}.${ext}`,
      bounds: layout.bounds,
      shiftPx: s.shift,
      sun: s.sun,
      radiometry: s.radiometry,
      mode: s.plan.mode,
      realChange: s.plan.mode === 'construction',
      image: await encode(rgb, width, height, s.plan.format),
      changeMask: change,
      cloudMask,
      previousCloudMask: prevCloud,
      zones,
    });
    done++;
  }
  opts.onProgress?.(1, 'done');
  return {
    seed,
    site: { id: SITE_ID, name: 'Rajin port, Rason (synthetic)', bounds: layout.bounds, settings: SETTINGS },
    width,
    height,
    gsdM: Math.round(((layout.gsdXM + layout.gsdYM) / 2) * 1e4) / 1e4,
    zones: zonesGeoJson(layout),
    dates,
  };
}

export interface ShiftPair {
  width: number;
  height: number;
  bounds: Bounds;
  /** The shift applied to `moved`: its content is displaced by (+dx, +dy) px against `reference`. */
  shift: { dx: number; dy: number };
  reference: Buffer;
  moved: Buffer;
}

/**
 * Two PNGs of the same scene (the first date's objects, no clouds) for co-registration tests: `moved` is
 * shifted by a known sub-pixel (dx, dy) and lit differently (`illumination`: a gain, or full radiometry).
 * `window` crops both (in reference pixels) to keep tests fast.
 */
export async function shiftOnly(
  seed: number,
  dx: number,
  dy: number,
  illumination: number | Partial<Radiometry> = 0.8,
  window: { x: number; y: number; width: number; height: number } = { x: 0, y: 0, width: 2048, height: 1536 },
): Promise<ShiftPair> {
  const { layout, ground } = staticScene(seed);
  const objs = simulateObjects(layout, seed, ['traffic'])[0]!;
  const sun = sunAt('2025-01-14T01:30:00Z');
  const full = paintDate(ground, layout, objs, sun, seed);
  const canvas = crop(full, window);
  const radio: Radiometry =
    typeof illumination === 'number'
      ? { ...NEUTRAL, gain: illumination, gamma: 1.1, haze: 0.04, noiseDn: 1.5 }
      : { ...NEUTRAL, noiseDn: 1.5, ...illumination };
  const ref = expose(canvas, { dx: 0, dy: 0 }, { ...NEUTRAL, noiseDn: 1.5 }, seed);
  const moved = expose(canvas, { dx, dy }, radio, seed + 1);
  const [w, s, e, n] = layout.bounds;
  const bx = (x: number) => w + (x / layout.width) * (e - w);
  const by = (y: number) => n - (y / layout.height) * (n - s);
  return {
    width: window.width,
    height: window.height,
    bounds: [bx(window.x), by(window.y + window.height), bx(window.x + window.width), by(window.y)],
    shift: { dx, dy },
    reference: await encode(ref, window.width, window.height, 'png'),
    moved: await encode(moved, window.width, window.height, 'png'),
  };
}

function crop(c: Canvas, w: { x: number; y: number; width: number; height: number }): Canvas {
  if (w.x === 0 && w.y === 0 && w.width === c.width && w.height === c.height) return c;
  if (w.x < 0 || w.y < 0 || w.x + w.width > c.width || w.y + w.height > c.height || w.width < 1 || w.height < 1) {
    throw new RangeError(`window ${JSON.stringify(w)} is outside the ${c.width}×${c.height} scene`);
  }
  const n = w.width * w.height;
  const out: Canvas = {
    width: w.width,
    height: w.height,
    r: new Float32Array(n),
    g: new Float32Array(n),
    b: new Float32Array(n),
    ids: new Int32Array(n),
  };
  for (let y = 0; y < w.height; y++) {
    const from = (w.y + y) * c.width + w.x;
    out.r.set(c.r.subarray(from, from + w.width), y * w.width);
    out.g.set(c.g.subarray(from, from + w.width), y * w.width);
    out.b.set(c.b.subarray(from, from + w.width), y * w.width);
    out.ids.set(c.ids.subarray(from, from + w.width), y * w.width);
  }
  return out;
}
