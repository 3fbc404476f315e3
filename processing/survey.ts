/**
 * Survey: one pass over the whole site grid in row strips — clouds, valid coverage and the change
 * mask against the previous date — accumulating per-zone pixel counts. Memory is bounded by the
 * strip size whatever the image size; the masks stream to raw files beside the image.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Zone } from '../contract/index.ts';
import { CHANGE_MARGIN_PX, changeMask } from './change.ts';
import { throwIfAborted } from './errors.ts';
import { rasterizeZone, zoneWindow } from './georeference.ts';
import { cloudMask } from './mask.ts';
import type { PreparedImage } from './prepared.ts';
import type { Block, Grid, RunOptions, Window } from './types.ts';

export const CLOUD_FILE = 'obscured.raw';
export const CHANGE_FILE = 'change.raw';
const STRIP_ROWS = 256;
const MIN_CHANGE_M2 = 30;

export interface ZoneCounts {
  /** Grid pixels inside the zone. */
  pixels: number;
  /** … of which valid and not obscured. */
  clear: number;
  /** … of which clear in both dates (the change denominator). */
  comparable: number;
  /** … of which changed. */
  changed: number;
}

export interface Survey {
  cloudFraction: number;
  coverage: number;
  zones: Map<string, ZoneCounts>;
  hasChange: boolean;
}

/** Reads `rows` of a 1-byte-per-pixel raw mask beside an image (obscured.raw or change.raw). */
export async function readMaskRows(dir: string, file: string, grid: Grid, window: Window): Promise<Uint8Array> {
  const out = new Uint8Array(window.width * window.height);
  const fh = await open(join(dir, file), 'r');
  try {
    for (let y = 0; y < window.height; y++) {
      const pos = (window.y + y) * grid.width + window.x;
      await fh.read(out, y * window.width, window.width, pos);
    }
  } finally {
    await fh.close();
  }
  return out;
}

/** Clouds, coverage and change over the whole grid; writes obscured.raw and (with a previous date) change.raw. */
export async function surveyImage(
  current: PreparedImage,
  currentDir: string,
  previous: { image: PreparedImage; dir: string } | null,
  zones: Zone[],
  grid: Grid,
  opts: RunOptions = {},
): Promise<Survey> {
  const { signal, onProgress } = opts;
  const margin = Math.max(CHANGE_MARGIN_PX, 8);
  const gsdM = (grid.pixelWidthM + grid.pixelHeightM) / 2;
  /** Smallest changed blob: ~30 m², a car-sized object, whatever the resolution. */
  const minAreaPx = Math.max(4, Math.round(MIN_CHANGE_M2 / (grid.pixelWidthM * grid.pixelHeightM)));
  const windows = zones.map((z) => ({ zone: z, window: zoneWindow(z, grid, 0) }));
  const ignores = windows.filter((z) => z.zone.properties.kind === 'ignore');
  const counts = new Map(zones.map((z) => [z.properties.id, { pixels: 0, clear: 0, comparable: 0, changed: 0 }]));
  const cloudOut = createWriteStream(join(currentDir, CLOUD_FILE));
  const changeOut = previous ? createWriteStream(join(currentDir, CHANGE_FILE)) : null;
  let valid = 0;
  let cloudy = 0;
  try {
    for (let y0 = 0; y0 < grid.height; y0 += STRIP_ROWS) {
      throwIfAborted(signal);
      const core: Window = { x: 0, y: y0, width: grid.width, height: Math.min(STRIP_ROWS, grid.height - y0) };
      const top = Math.max(0, y0 - margin);
      const outer: Window = {
        x: 0,
        y: top,
        width: grid.width,
        height: Math.min(grid.height, y0 + core.height + margin) - top,
      };
      const { own: curOwn, normalized: cur } = await current.readBoth(outer);
      const curCloud = cloudMask(cur, { gsdM });
      const curClear = clearMask(cur, curCloud);
      let changed: Uint8Array | null = null;
      let prevClear: Uint8Array | null = null;
      if (previous) {
        const { own: prevOwn, normalized: prev } = await previous.image.readBoth(outer);
        const prevCloud = await readMaskRows(previous.dir, CLOUD_FILE, grid, outer);
        prevClear = clearMask(prev, prevCloud);
        // Greyness (man-made vs natural surfaces) is judged in each date's own radiometry: per-band
        // normalisation shifts hues where land cover changed.
        changed = changeMask(
          { ...prev, valid: prevClear },
          { ...cur, valid: curClear },
          { chroma: { previous: prevOwn, current: curOwn }, minAreaPx },
        );
      }
      // Crop the margins away: counts and files cover each row once.
      const off = (y0 - top) * grid.width;
      const n = core.width * core.height;
      const coreClear = curClear.subarray(off, off + n);
      const coreCloud = curCloud.subarray(off, off + n);
      const coreValid = cur.valid.subarray(off, off + n);
      const corePrevClear = prevClear?.subarray(off, off + n) ?? null;
      const coreChanged = changed?.subarray(off, off + n) ?? null;
      for (let i = 0; i < n; i++) {
        valid += coreValid[i]!;
        cloudy += coreValid[i]! & coreCloud[i]!;
      }
      const ignored = maskOf(ignores, grid, core);
      if (coreChanged && ignored) for (let i = 0; i < n; i++) coreChanged[i]! &= ignored[i]! ^ 1;
      for (const { zone, window } of windows) {
        const part = window && intersect(window, core);
        if (!part) continue;
        const inZone = rasterizeZone(zone, grid, part);
        const c = counts.get(zone.properties.id)!;
        for (let y = 0; y < part.height; y++) {
          const row = (part.y - core.y + y) * core.width + (part.x - core.x);
          for (let x = 0; x < part.width; x++) {
            if (!inZone[y * part.width + x]) continue;
            const i = row + x;
            if (ignored?.[i] && zone.properties.kind !== 'ignore') continue;
            c.pixels++;
            if (!coreClear[i]) continue;
            c.clear++;
            if (!corePrevClear?.[i]) continue;
            c.comparable++;
            c.changed += coreChanged![i]!;
          }
        }
      }
      await write(cloudOut, coreCloud);
      if (changeOut && coreChanged) await write(changeOut, coreChanged);
      onProgress?.((y0 + core.height) / grid.height, 'survey');
    }
  } finally {
    await Promise.all([finish(cloudOut), changeOut ? finish(changeOut) : Promise.resolve()]);
  }
  const total = grid.width * grid.height;
  return {
    cloudFraction: valid > 0 ? cloudy / valid : 0,
    coverage: total > 0 ? (valid - cloudy) / total : 0,
    zones: counts,
    hasChange: previous !== null,
  };
}

function clearMask(block: Block, cloud: Uint8Array): Uint8Array {
  const out = new Uint8Array(block.valid.length);
  for (let i = 0; i < out.length; i++) out[i] = block.valid[i]! & (cloud[i]! ^ 1);
  return out;
}

function maskOf(zones: Array<{ zone: Zone; window: Window | null }>, grid: Grid, core: Window): Uint8Array | null {
  let out: Uint8Array | null = null;
  for (const { zone, window } of zones) {
    const part = window && intersect(window, core);
    if (!part) continue;
    out ??= new Uint8Array(core.width * core.height);
    const inZone = rasterizeZone(zone, grid, part);
    for (let y = 0; y < part.height; y++) {
      const row = (part.y - core.y + y) * core.width + (part.x - core.x);
      for (let x = 0; x < part.width; x++) out[row + x]! |= inZone[y * part.width + x]!;
    }
  }
  return out;
}

export function intersect(a: Window, b: Window): Window | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const w = Math.min(a.x + a.width, b.x + b.width) - x;
  const h = Math.min(a.y + a.height, b.y + b.height) - y;
  return w > 0 && h > 0 ? { x, y, width: w, height: h } : null;
}

function write(stream: WriteStream, data: Uint8Array): Promise<void> {
  // Copy: the strip buffers are reused views, and a stream may hold a chunk past this call.
  return new Promise((resolve, reject) => {
    stream.write(Buffer.from(data), (err) => (err ? reject(err) : resolve()));
  });
}

function finish(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
  });
}
