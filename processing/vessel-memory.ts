/**
 * Hulls hidden today (under cloud, off the image): the last view of each hidden spot stands for it.
 * A zone just under half clouded still gets a count, and without an estimate that count is of its
 * visible part only (an anchorage of four hulls read as none). As the rail path estimates the cars on
 * hidden track from the other dates, each vessel zone carries its "last known hulls" from date to date:
 * today's detections, plus the earlier known hulls whose centre lies in today's hidden part. Those
 * carried hulls are today's estimate of what the cloud hides; nothing was seen, so they are counted in
 * the zone's vessel count but drawn as no detection.
 *
 * Each analysis keeps one file per zone in its folder, `vessels-known/<zoneId>.json`; each date reads
 * its previous date's file only, so a spot hidden on several dates in a row keeps its last clear view.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const VESSELS_KNOWN_DIR = 'vessels-known';

/** A hull known at a zone: centre in grid pixels, size, and on how many dates in a row it was hidden. */
export interface KnownVessel {
  cx: number;
  cy: number;
  lengthM: number;
  widthM: number;
  headingDeg: number;
  areaM2: number;
  /** 0 when seen on its date; +1 for each later date it was carried hidden. */
  hiddenFor: number;
}

/**
 * A hull unseen for this many dates in a row is no longer assumed to be there: ships leave, and a
 * spot clouded month after month would otherwise keep a hull for good.
 */
export const MAX_HIDDEN_DATES = 2;

const fileOf = (dir: string, zoneId: string) => join(dir, VESSELS_KNOWN_DIR, `${zoneId}.json`);

/** The hulls known at `zoneId` after the analysis in `dir`, or null when it kept none. */
export function readKnownVessels(dir: string | null, zoneId: string): KnownVessel[] | null {
  if (!dir) return null;
  try {
    const v = JSON.parse(readFileSync(fileOf(dir, zoneId), 'utf8')) as unknown;
    return Array.isArray(v) ? (v as KnownVessel[]) : null;
  } catch {
    return null;
  }
}

/** Keeps the hulls known at `zoneId` in `dir`, atomically. */
export async function writeKnownVessels(dir: string, zoneId: string, known: KnownVessel[]): Promise<void> {
  await mkdir(join(dir, VESSELS_KNOWN_DIR), { recursive: true });
  const path = fileOf(dir, zoneId);
  await writeFile(`${path}.tmp`, JSON.stringify(known));
  await rename(`${path}.tmp`, path);
}

/**
 * The earlier known hulls that today's image cannot show: centre on a hidden pixel of the zone
 * (`hiddenAt`, grid pixels) and not overlapped by a hull seen today (a hull cut by the cloud's edge
 * may be seen with its centre shifted onto the clear side). Each comes back one date older; those
 * hidden too long are dropped.
 */
export function hiddenVessels(
  known: KnownVessel[],
  hiddenAt: (x: number, y: number) => boolean,
  seen: Array<{ cx: number; cy: number; lengthM: number }>,
  gsdM: number,
): KnownVessel[] {
  return known.flatMap((k) => {
    if (k.hiddenFor + 1 > MAX_HIDDEN_DATES || !hiddenAt(Math.round(k.cx), Math.round(k.cy))) return [];
    const reach = (l: number) => l / 2 / gsdM;
    const overlapped = seen.some((s) => Math.hypot(s.cx - k.cx, s.cy - k.cy) < reach(Math.max(s.lengthM, k.lengthM)));
    return overlapped ? [] : [{ ...k, hiddenFor: k.hiddenFor + 1 }];
  });
}
