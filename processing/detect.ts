/**
 * Detect: vessels in berth/anchorage zones and rail cars on rail zones, window by window, as
 * contract Detection features in lon/lat with metric sizes. Large zones are tiled with an
 * overlap wider than a ship, keeping each detection once (centroid in the tile's core).
 */
import type { Detection, SiteSettings, Zone } from '../contract/index.ts';
import { ReadScratch } from './analysis-raster.ts';
import { detectRailcars, railGeometry } from './detect-railcars.ts';
import { detectVessels } from './detect-vessels.ts';
import { throwIfAborted } from './errors.ts';
import { boxMetrics, boxToPolygon, rasterizeZone, zoneWindow } from './georeference.ts';
import type { Pool, PreparedSpec } from './pool.ts';
import type { PreparedImage } from './prepared.ts';
import type { SunPosition } from './sun-position.ts';
import { CLOUD_FILE, clearMask, intersect, readMaskRows, specOf } from './survey.ts';
import type { Block, Grid, PixelBox, RunOptions, Window } from './types.ts';
import { releaseContrastPlanes } from './vessel-contrast.ts';
import { fixedShore } from './vessel-fixed-shore.ts';
import { type WaterOptions, waterMask } from './water.ts';
import {
  cropPlane,
  nextSightings,
  pastePlane,
  readWaterMemory,
  seenOnAtLeast,
  unseenOverDates,
  writeWaterSightings,
} from './water-memory.ts';

const TILE = 3072;
/** ≥ the longest ship at 1 m GSD, so a ship cut by one tile edge is whole in its neighbour. */
const OVERLAP = 400;
/** Pixels a zone's window reaches beyond its bounding box: context for the detectors' neighbourhoods. */
export const ZONE_WINDOW_MARGIN = 48;
/** The zone kinds whose objects are detected and scored (an `ignore` zone only masks). */
export const COUNTED_KINDS: readonly string[] = ['berth', 'anchorage', 'rail'];
/**
 * Tiles up to this many pixels are read into a thread's `ZoneScratch` (a berth's window is a fraction
 * of a megapixel at 1 m: fresh planes for every date of every zone were allocated, faulted in and
 * collected by the hundred); larger ones, few, into fresh planes, so the buffers kept stay small.
 */
const SCRATCH_MAX_PIXELS = 1.5e6;

/**
 * Read buffers for one thread's zone detections, one per date read (the image, then each other date).
 * Their planes lie in the thread's kernel memory (kernel-memory.ts): the shifted read's module reads the
 * stored bytes and writes each row's bands where they lie, and the box-sum kernels read the bands in place,
 * instead of copying every row in and out (100 MP detect, in-thread: ~0.6 of ~25 CPU s). That memory never
 * shrinks: an in-thread detection hands them back when it ends; a pool worker keeps them for its analysis.
 */
export type ZoneScratch = ReadScratch[];

export function zoneScratch(others: number): ZoneScratch {
  return Array.from({ length: 1 + others }, () => new ReadScratch({ kernel: true }));
}
/**
 * A place seen as open water on this many earlier dates counts as water (water-memory.ts): one
 * sighting is too few, as one date's stray water (a shadow on a quay taken for water) would then stay
 * water for good.
 */
export const WATER_MEMORY_SIGHTINGS = 2;

/**
 * What the site's memory (`sightings` over the water mask's window, null without one) tells the water
 * mask of a date that `otherDates` other dates vote with: the detector and the tools that redraw its
 * water mask take it from here, so they read the memory alike.
 */
export function memoryWaterOptions(
  sightings: Uint8Array | null,
  otherDates: number,
  holdsOthers: boolean,
): Pick<WaterOptions, 'seen' | 'neverSeen'> {
  if (!sightings) return {};
  const seen = seenOnAtLeast(sightings, WATER_MEMORY_SIGHTINGS);
  // "Never seen as water" speaks against the other dates' votes only where the memory holds those dates.
  return holdsOthers ? { seen, neverSeen: unseenOverDates(sightings, 2 * otherDates) } : { seen };
}

/**
 * Whether the memory (kept over `kept`) speaks, over `window`, for the dates the water mask votes with:
 * they are all earlier than this one (`holdsOthers`), and it kept the whole window — over a zone
 * redrawn wider since, the new part reads 0, and "never seen as water" would refuse their water there.
 */
export function memoryHoldsOthers(memory: WaterMemoryDirs | undefined, kept: Window, window: Window): boolean {
  return (
    memory?.holdsOthers === true &&
    kept.x <= window.x &&
    kept.y <= window.y &&
    kept.x + kept.width >= window.x + window.width &&
    kept.y + kept.height >= window.y + window.height
  );
}

/** Where the site's memory of open water is read from (the previous date's folder) and written to. */
export interface WaterMemoryDirs {
  from: string | null;
  to: string | null;
  /**
   * Whether the memory read `from` holds the dates the water mask votes with: it runs up to the
   * previous date, so only when they are all earlier than this one (a date analysed after later ones,
   * e.g. imagery uploaded out of order, votes with dates the memory has not seen).
   */
  holdsOthers: boolean;
}

export interface PlacedVessel {
  zoneId: string;
  /** Centre in grid pixels (aligned to the reference). */
  cx: number;
  cy: number;
  lengthM: number;
  widthM: number;
  headingDeg: number;
  areaM2: number;
}

export interface ZoneFindings {
  vessels: PlacedVessel[];
  rail: { cars: number; occupiedLengthM: number; trackLengthM: number } | null;
}

export interface Findings {
  detections: Detection[];
  zones: Map<string, ZoneFindings>;
}

/** One zone's detection as a pool worker receives it. */
export interface DetectZoneTask {
  image: PreparedSpec;
  dir: string;
  others: PreparedSpec[];
  zone: Zone;
  ignores: Zone[];
  settings: SiteSettings;
  grid: Grid;
  sun?: SunPosition;
  /** The sun on each of `others`' dates (same order). */
  othersSun?: Array<SunPosition | undefined>;
  memory?: WaterMemoryDirs;
}

interface ZoneResult {
  findings: ZoneFindings;
  detections: Detection[];
}

/**
 * Runs the detectors over every counted zone. `others`: a few other dates (help the water mask).
 * With a `pool`, zones are detected by its workers in parallel; results keep the zones' order.
 */
export async function detectInZones(
  image: PreparedImage,
  dir: string,
  others: PreparedImage[],
  zones: Zone[],
  settings: SiteSettings,
  grid: Grid,
  opts: RunOptions & {
    pool?: Pool | null;
    sun?: SunPosition;
    othersSun?: Array<SunPosition | undefined>;
    memory?: WaterMemoryDirs;
  } = {},
): Promise<Findings> {
  const { pool, sun, othersSun, memory } = opts;
  const ignores = zones.filter((z) => z.properties.kind === 'ignore');
  const counted = zones.filter((z) => COUNTED_KINDS.includes(z.properties.kind));
  let done = 0;
  // In this thread, zones one at a time: one set of buffers serves them all.
  const scratch = pool ? null : zoneScratch(others.length);
  const one = async (zone: Zone): Promise<ZoneResult> => {
    throwIfAborted(opts.signal);
    const r = pool
      ? await pool.run<ZoneResult>('detect-zone', {
          image: specOf(image),
          dir,
          others: others.map(specOf),
          zone,
          ignores,
          settings,
          grid,
          sun,
          othersSun,
          memory,
        } satisfies DetectZoneTask)
      : await detectZone(image, dir, others, zone, ignores, settings, grid, { sun, othersSun }, memory, scratch);
    opts.onProgress?.(++done / counted.length, 'detect');
    return r;
  };
  const results: ZoneResult[] = [];
  if (pool) {
    // All zones queued at once: the pool runs `size` at a time, and a zone's result is small.
    const all = counted.map(one);
    const settled = await Promise.allSettled(all);
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
    for (const s of settled) if (s.status === 'fulfilled') results.push(s.value);
  } else {
    try {
      for (const zone of counted) results.push(await one(zone));
    } finally {
      // This thread's detection is over: its contrast planes would otherwise stay until the next one.
      releaseContrastPlanes();
      // …and its read buffers go back to the kernel memory for the next analysis in this thread.
      for (const s of scratch ?? []) s.release();
    }
  }
  const found = new Map<string, ZoneFindings>();
  for (const [i, zone] of counted.entries()) found.set(zone.properties.id, results[i]!.findings);
  return { detections: results.flatMap((r) => r.detections), zones: found };
}

/** Entry point of a pool worker's 'detect-zone' task: opens the images and detects in one zone. */
export async function detectZoneTask(
  t: DetectZoneTask,
  open: (spec: PreparedSpec) => Promise<PreparedImage>,
  scratch: ZoneScratch | null,
): Promise<ZoneResult> {
  const image = await open(t.image);
  const others = await Promise.all(t.others.map(open));
  const suns = { sun: t.sun, othersSun: t.othersSun };
  return detectZone(image, t.dir, others, t.zone, t.ignores, t.settings, t.grid, suns, t.memory, scratch);
}

/** Vessels or rail cars in one zone, tile by tile. */
async function detectZone(
  image: PreparedImage,
  dir: string,
  others: PreparedImage[],
  zone: Zone,
  ignores: Zone[],
  settings: SiteSettings,
  grid: Grid,
  { sun, othersSun }: { sun?: SunPosition; othersSun?: Array<SunPosition | undefined> },
  memory: WaterMemoryDirs | undefined,
  scratch: ZoneScratch | null,
): Promise<ZoneResult> {
  const detections: Detection[] = [];
  const gsdM = { x: grid.pixelWidthM, y: grid.pixelHeightM };
  const id = zone.properties.id;
  const result: ZoneFindings = { vessels: [], rail: zone.properties.kind === 'rail' ? emptyRail() : null };
  const window = zoneWindow(zone, grid, ZONE_WINDOW_MARGIN);
  if (!window) return { findings: result, detections };
  // Each ignore zone is rasterised only where its box meets the tile (a site may have hundreds);
  // the box is widened by a rail corridor's half-width in case an ignore zone is drawn as a line.
  const reach = Math.ceil(Math.max(1.5, 4 / Math.min(grid.pixelWidthM, grid.pixelHeightM))) + 2;
  const ignoreWindows = ignores.map((ig) => ({ zone: ig, window: zoneWindow(ig, grid, reach) }));
  const isVessel = zone.properties.kind !== 'rail';
  // Water zones' windows: the site's memory of open water, and this date's own (tile cores partition
  // the window, so each pixel is written once).
  const kept = isVessel ? readWaterMemory(memory?.from ?? null, id, window) : null;
  const sightings = kept?.counts ?? null;
  const holdsOthers = kept !== null && memoryHoldsOthers(memory, kept.kept, window);
  const open = isVessel && memory?.to ? new Uint8Array(window.width * window.height) : null;
  for (const tile of tiles(window)) {
    const lend = tileScratch(tile.outer, scratch);
    // The planes are valid until the next tile's reads: nothing of a tile's is kept past it.
    const readOthers = () => Promise.all(others.map((o, k) => o.read(tile.outer, { scratch: lend?.[k + 1] })));
    const block = await image.read(tile.outer, { scratch: lend?.[0] });
    const clear = await clearOf(block, dir, grid, tile.outer);
    const inZone = rasterizeZone(zone, grid, tile.outer);
    for (const ig of ignoreWindows) {
      const part = ig.window && intersect(ig.window, tile.outer);
      if (!part) continue;
      const mask = rasterizeZone(ig.zone, grid, part);
      for (let y = 0; y < part.height; y++) {
        const row = (part.y - tile.outer.y + y) * tile.outer.width + (part.x - tile.outer.x);
        for (let x = 0; x < part.width; x++) if (mask[y * part.width + x]) inZone[row + x] = 0;
      }
    }
    const toGrid = (b: PixelBox): PixelBox => ({ ...b, cx: b.cx + tile.outer.x, cy: b.cy + tile.outer.y });
    const inCore = (b: PixelBox) => contains(tile.core, b.cx, b.cy);
    if (zone.properties.kind === 'rail') {
      // Other dates show the track bed where today's trains stand.
      const otherBlocks = await readOthers();
      const r = detectRailcars({
        ...railGeometry(zone, grid, tile.outer, inZone),
        others: otherBlocks,
        block,
        valid: clear,
        gsdM,
        railCarLengthM: settings.railCarLengthM,
        sun,
        othersSun,
        // Tiles overlap: each one measures the track of its core only, so no stretch counts twice.
        countWithin: { ...tile.core, x: tile.core.x - tile.outer.x, y: tile.core.y - tile.outer.y },
      });
      const rail = result.rail!;
      // Track under cloud or off the image counts with its estimated cars (no detections are drawn for
      // them): otherwise a partly clouded yard would read as a quieter one.
      rail.occupiedLengthM += r.occupiedLengthM + r.hidden.occupiedLengthM;
      rail.trackLengthM += r.trackLengthM;
      rail.cars += r.hidden.cars;
      for (const car of r.cars.map(toGrid)) {
        rail.cars++;
        detections.push(feature(grid, car, 'railcar', id));
      }
    } else {
      const otherBlocks = await readOthers();
      const memoryWater = memoryWaterOptions(
        sightings && cropPlane(sightings, window, tile.outer),
        others.length,
        holdsOthers,
      );
      const dateWater = open ? new Uint8Array(block.valid.length) : undefined;
      const berthed = new Uint8Array(block.valid.length);
      const water = waterMask(block, {
        others: otherBlocks,
        gsdM: (gsdM.x + gsdM.y) / 2,
        ...memoryWater,
        dateWater,
        berthed,
      });
      if (open && dateWater) pastePlane(open, window, cropPlane(dateWater, tile.outer, tile.core), tile.core);
      const boxes = detectVessels({
        block,
        zone: inZone,
        water,
        valid: clear,
        gsdM,
        minVesselLengthM: settings.minVesselLengthM,
        sun,
        berthed,
      });
      // What this tile counts: centroid in its core and in the zone, a vessel's length at least.
      const counted = boxes.flatMap((local) => {
        const box = toGrid(local);
        if (!inCore(box) || !inZone[Math.round(local.cy) * tile.outer.width + Math.round(local.cx)]) return [];
        const m = boxMetrics(grid, box);
        return m.lengthM < settings.minVesselLengthM ? [] : [{ local, box, m }];
      });
      // A faint strip along the shore that keeps its ratio to the water on the earlier dates is the
      // shore's own (a bank's slope), not a hull (processing/vessel-fixed-shore.ts). Each box is judged
      // alone, so only those counted here are.
      const fixed = fixedShore(
        counted.map((c) => c.local),
        block,
        otherBlocks,
        water,
      );
      for (const [k, { box, m }] of counted.entries()) {
        if (fixed[k]) continue;
        result.vessels.push({ zoneId: id, cx: box.cx, cy: box.cy, ...m });
        detections.push(feature(grid, box, 'vessel', id));
      }
    }
  }
  if (open && memory?.to) await writeWaterSightings(memory.to, id, window, nextSightings(sightings, open));
  return { findings: result, detections };
}

function emptyRail() {
  return { cars: 0, occupiedLengthM: 0, trackLengthM: 0 };
}

function feature(grid: Grid, box: PixelBox, kind: 'vessel' | 'railcar', zoneId: string): Detection {
  const m = boxMetrics(grid, box);
  return {
    type: 'Feature',
    geometry: {
      type: 'Polygon',
      coordinates: boxToPolygon(grid, box).coordinates.map((ring) => ring.map(([lon, lat]) => [lon!, lat!])),
    },
    properties: {
      kind,
      zoneId,
      lengthM: round(m.lengthM, 1),
      widthM: round(m.widthM, 1),
      headingDeg: round(m.headingDeg, 1),
      confidence: round(Math.min(1, Math.max(0, box.confidence)), 3),
    },
  };
}

async function clearOf(block: Block, dir: string, grid: Grid, w: Window): Promise<Uint8Array> {
  const cloud = await readMaskRows(dir, CLOUD_FILE, grid, w);
  // A loop of its own (survey.ts's, four pixels a step): in this async function, each on-stack
  // replacement of a loop here compiled its state machine.
  return clearMask(block, cloud);
}

/** The read buffers a tile borrows: the thread's for a small one (SCRATCH_MAX_PIXELS), none for a large one. */
export function tileScratch(outer: Window, scratch: ZoneScratch | null): ZoneScratch | null {
  return outer.width * outer.height <= SCRATCH_MAX_PIXELS ? scratch : null;
}

/** Tiles covering `w`: each core is read with OVERLAP around it (clipped to `w`). */
export function* tiles(w: Window): Generator<{ core: Window; outer: Window }> {
  for (let y = w.y; y < w.y + w.height; y += TILE) {
    for (let x = w.x; x < w.x + w.width; x += TILE) {
      const core = { x, y, width: Math.min(TILE, w.x + w.width - x), height: Math.min(TILE, w.y + w.height - y) };
      const grown = {
        x: x - OVERLAP,
        y: y - OVERLAP,
        width: core.width + 2 * OVERLAP,
        height: core.height + 2 * OVERLAP,
      };
      yield { core, outer: intersect(grown, w)! };
    }
  }
}

function contains(w: Window, x: number, y: number): boolean {
  return x >= w.x && x < w.x + w.width && y >= w.y && y < w.y + w.height;
}

const round = (v: number, d: number) => Number(v.toFixed(d));
