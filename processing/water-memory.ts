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
import type { Window } from './types.ts';

export const WATER_SEEN_DIR = 'water-seen';
const MAGIC = 0x31575742; // 'BWW1'
const HEADER = 20;
const MAX_COUNT = 255;

const fileOf = (dir: string, zoneId: string) => join(dir, WATER_SEEN_DIR, `${zoneId}.raw`);

/**
 * The sightings over `w` kept by the analysis in `dir` for `zoneId` (0 outside the window it kept), or
 * null when it kept none (no previous date, or an analysis from before this file existed).
 */
export function readWaterSightings(dir: string | null, zoneId: string, w: Window): Uint8Array | null {
  return readWaterMemory(dir, zoneId, w)?.counts ?? null;
}

/** `readWaterSightings`, with the window the memory was kept over (a zone may have been redrawn since). */
export function readWaterMemory(
  dir: string | null,
  zoneId: string,
  w: Window,
): { counts: Uint8Array; kept: Window } | null {
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
    const [x, y, width, height] = [4, 8, 12, 16].map((o) => head.readUInt32LE(o)) as [number, number, number, number];
    const kept = { x, y, width, height };
    const counts = new Uint8Array(w.width * w.height).fill(0);
    // Only the overlap of the two windows is known.
    const x0 = Math.max(w.x, kept.x);
    const x1 = Math.min(w.x + w.width, kept.x + kept.width);
    const y0 = Math.max(w.y, kept.y);
    const y1 = Math.min(w.y + w.height, kept.y + kept.height);
    for (let r = y0; r < y1 && x0 < x1; r++) {
      const row = counts.subarray((r - w.y) * w.width + (x0 - w.x), (r - w.y) * w.width + (x1 - w.x));
      readSync(fd, row, 0, row.length, HEADER + (r - kept.y) * kept.width + (x0 - kept.x));
    }
    return { counts, kept };
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

/** 1 where open water was seen on at least `min` dates. */
export function seenOnAtLeast(sightings: Uint8Array, min: number): Uint8Array {
  const out = new Uint8Array(sightings.length);
  for (let i = 0; i < sightings.length; i++) out[i] = sightings[i]! >= min ? 1 : 0;
  return out;
}

/**
 * 1 where `sightings` never saw open water, once they hold at least `dates` dates (the place seen most
 * often was seen that often: open water in a water zone's window is seen on nearly every date); else
 * undefined. A short memory speaks for few dates, each judged once on its own thresholds: at 506327
 * pier-3 on the series' second date, the first date's own analysis had left out dark water beside a
 * hull that the vote of the two took for water, and two hulls were lost.
 */
export function unseenOverDates(sightings: Uint8Array, dates: number): Uint8Array | undefined {
  let most = 0;
  for (let i = 0; i < sightings.length; i++) if (sightings[i]! > most) most = sightings[i]!;
  if (most < Math.max(1, dates)) return undefined;
  const out = new Uint8Array(sightings.length);
  for (let i = 0; i < sightings.length; i++) out[i] = sightings[i] ? 0 : 1;
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
