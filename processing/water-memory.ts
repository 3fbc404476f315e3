/**
 * A site's memory of open water: for each pixel of a counted zone's window, on how many dates it was
 * seen as open water. A ship that stays at its berth for more dates than the detector is given
 * (three) looks like fixed structure to the water tests; a place seen as open water on any earlier date
 * is not fixed structure, however long a ship has lain on it since.
 *
 * Each analysis keeps one file per zone in its folder, `water-seen/<zoneId>.raw`: a 20-byte header
 * (magic, then the window's x, y, width, height as uint32 LE) and one byte per window pixel: on how
 * many dates up to this one it was seen as open water (saturating at 255). Each date reads only its
 * previous date's file and writes its own, so the memory reaches back over all earlier dates at the
 * cost of one window-sized byte plane read and written per zone and date.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Block, Window } from './types.ts';

export const WATER_SEEN_DIR = 'water-seen';
const MAGIC = 0x31575742; // 'BWW1'
const HEADER = 20;
const MAX_COUNT = 255;
/** Least distance between water's and land's hue (shares of red and blue) for hue to tell them
 * apart: generated harbours' water lies 0.16 from their grey quays, noise on one grey moves it < 0.01. */
const MIN_HUE_GAP = 0.05;
const HUE_BINS = 1024;
/** Fewer sampled pixels than this of either class give no hue to compare with. */
const MIN_CLASS_PX = 25;
const HUE_STRIDE = 3;

const fileOf = (dir: string, zoneId: string) => join(dir, WATER_SEEN_DIR, `${zoneId}.raw`);

/**
 * The sightings over `w` kept by the analysis in `dir` for `zoneId` (0 outside the window it kept), or
 * null when it kept none (no previous date, or an analysis from before this file existed).
 */
export function readWaterSightings(dir: string | null, zoneId: string, w: Window): Uint8Array | null {
  if (!dir) return null;
  let fd: number;
  try {
    fd = openSync(fileOf(dir, zoneId), 'r');
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(HEADER);
    if (readSync(fd, head, 0, HEADER, 0) !== HEADER || head.readUInt32LE(0) !== MAGIC) return null;
    const [sx, sy, sw, sh] = [4, 8, 12, 16].map((o) => head.readUInt32LE(o)) as [number, number, number, number];
    const out = new Uint8Array(w.width * w.height).fill(0);
    // The zone may have been redrawn since: only the overlap of the two windows is known.
    const x0 = Math.max(w.x, sx);
    const x1 = Math.min(w.x + w.width, sx + sw);
    const y0 = Math.max(w.y, sy);
    const y1 = Math.min(w.y + w.height, sy + sh);
    for (let y = y0; y < y1 && x0 < x1; y++) {
      const row = out.subarray((y - w.y) * w.width + (x0 - w.x), (y - w.y) * w.width + (x1 - w.x));
      readSync(fd, row, 0, row.length, HEADER + (y - sy) * sw + (x0 - sx));
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** This date's sightings: one more where `open` (this date's own open water), saturating. */
export function nextSightings(previous: Uint8Array | null, open: Uint8Array): Uint8Array {
  const out = new Uint8Array(open.length);
  for (let i = 0; i < open.length; i++) out[i] = Math.min(MAX_COUNT, (previous ? previous[i]! : 0) + open[i]!);
  return out;
}

/**
 * Drops from `water` (this date's own open water, 1/0 over `block`) the pixels whose hue is nearer
 * the land's than the water's. A ship's shadow on a pier or quay is dark and smooth like water, but
 * shade dims every band by about one factor and keeps the ground's hue (grey concrete stays grey),
 * while open water, lit or shaded, keeps water's hue (red well under green). A ship that lay at a
 * pier for the series' first two dates cast its shadow on the pier on both: kept as sightings, that
 * patch of pier was water for good (seed 551177; on other seeds, slivers along pier faces).
 * Hue is the colour's share in red and in blue (green's follows); each class's hue is its median
 * over the block. Without the three bands, without both classes, or where water and land share a hue,
 * `water` is left as it is.
 */
export function keepWaterHued(block: Block, water: Uint8Array): void {
  const bands = (['red', 'green', 'blue'] as const).map((r) => block.bands[block.roles.indexOf(r)]);
  if (bands.some((b) => !b)) return;
  const [r, g, b] = bands as [Float32Array, Float32Array, Float32Array];
  const n = water.length;
  // Each class's hue: medians by histogram over every HUE_STRIDE-th pixel, which a median needs no
  // more of (sorting every pixel's shares took 0.5 s CPU per 3072² tile; this 0.11–0.16 s).
  const hist = [0, 1].map(() => [new Uint32Array(HUE_BINS), new Uint32Array(HUE_BINS)] as const);
  const count = [0, 0];
  for (let i = 0; i < n; i += HUE_STRIDE) {
    const s = r[i]! + g[i]! + b[i]!;
    if (!block.valid[i] || !(s > 1e-6)) continue;
    const cls = water[i]!;
    hist[cls]![0][Math.min(HUE_BINS - 1, Math.floor((r[i]! / s) * HUE_BINS))]!++;
    hist[cls]![1][Math.min(HUE_BINS - 1, Math.floor((b[i]! / s) * HUE_BINS))]!++;
    count[cls]!++;
  }
  const median = (h: Uint32Array, total: number): number => {
    let seen = 0;
    for (let k = 0; k < HUE_BINS; k++) {
      seen += h[k]!;
      if (2 * seen >= total) return (k + 0.5) / HUE_BINS;
    }
    return 1;
  };
  if (count[0]! < MIN_CLASS_PX || count[1]! < MIN_CLASS_PX) return;
  const [lr, lb] = [median(hist[0]![0], count[0]!), median(hist[0]![1], count[0]!)];
  const [wr, wb] = [median(hist[1]![0], count[1]!), median(hist[1]![1], count[1]!)];
  // Water as grey as the land (haze, a grey sea): hue tells nothing here.
  if (Math.hypot(wr - lr, wb - lb) < MIN_HUE_GAP) return;
  for (let i = 0; i < n; i++) {
    if (!water[i]) continue;
    const s = r[i]! + g[i]! + b[i]!;
    if (!(s > 1e-6)) continue;
    const sr = r[i]! / s;
    const sb = b[i]! / s;
    if ((sr - lr) ** 2 + (sb - lb) ** 2 < (sr - wr) ** 2 + (sb - wb) ** 2) water[i] = 0;
  }
}

/** 1 where open water was seen on at least `min` dates. */
export function seenOnAtLeast(sightings: Uint8Array, min: number): Uint8Array {
  const out = new Uint8Array(sightings.length);
  for (let i = 0; i < sightings.length; i++) out[i] = sightings[i]! >= min ? 1 : 0;
  return out;
}

/** Keeps `sightings` over `w` for `zoneId` in `dir`, atomically (a reader sees the old file or the new one). */
export async function writeWaterSightings(
  dir: string,
  zoneId: string,
  w: Window,
  sightings: Uint8Array,
): Promise<void> {
  await mkdir(join(dir, WATER_SEEN_DIR), { recursive: true });
  const head = Buffer.alloc(HEADER);
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt32LE(w.x, 4);
  head.writeUInt32LE(w.y, 8);
  head.writeUInt32LE(w.width, 12);
  head.writeUInt32LE(w.height, 16);
  const path = fileOf(dir, zoneId);
  await writeFile(`${path}.tmp`, Buffer.concat([head, sightings]));
  await rename(`${path}.tmp`, path);
}

/** The part of `plane` (over `from`) that lies in `to` (inside `from`). */
export function cropPlane(plane: Uint8Array, from: Window, to: Window): Uint8Array {
  const out = new Uint8Array(to.width * to.height);
  for (let y = 0; y < to.height; y++) {
    const s = (to.y - from.y + y) * from.width + (to.x - from.x);
    out.set(plane.subarray(s, s + to.width), y * to.width);
  }
  return out;
}

/** Copies `part` (over `at`, inside `into`) into `plane` (over `into`). */
export function pastePlane(plane: Uint8Array, into: Window, part: Uint8Array, at: Window): void {
  for (let y = 0; y < at.height; y++) {
    const d = (at.y - into.y + y) * into.width + (at.x - into.x);
    plane.set(part.subarray(y * at.width, (y + 1) * at.width), d);
  }
}
