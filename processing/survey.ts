/**
 * Survey: one pass over the whole site grid in row strips — clouds, valid coverage and the change
 * mask against the previous date — accumulating per-zone pixel counts. Memory is bounded by the
 * strip size whatever the image size; the masks stream to raw files beside the image.
 */
import { closeSync, createWriteStream, openSync, readSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Zone } from '../contract/index.ts';
import { ReadScratch } from './analysis-raster.ts';
import { CHANGE_MARGIN_PX, type ChangeOptions, changeMask, MaskPlane } from './change.ts';
import { sunChangeOptions } from './change-shadow.ts';
import { throwIfAborted } from './errors.ts';
import { rasterizeZone, zoneWindow } from './georeference.ts';
import { cloudMask } from './mask.ts';
import { anySet } from './mask-loops.ts';
import { PlanePool } from './plane-pool.ts';
import type { Pool, PreparedSpec } from './pool.ts';
import type { PreparedImage } from './prepared.ts';
import type { SunPosition } from './sun-position.ts';
import type { Block, Grid, RunOptions, Window } from './types.ts';

export const CLOUD_FILE = 'obscured.raw';
export const CHANGE_FILE = 'change.raw';
const STRIP_ROWS = 256;
/**
 * A strip's float planes and the detectors' temporaries cost ~130 B per pixel: past ~2.6 MP per
 * strip (grids wider than 10,000 px) strips get fewer rows, so memory stays bounded whatever the width.
 */
const STRIP_PIXELS = 2.6e6;
const MIN_STRIP_ROWS = 64;
/** `stripRuns`: each run takes this share of the strips left, per thread, at most… */
const RUNS_PER_THREAD = 2;
/**
 * …and at most this many strips: a run's masks (2 bytes per pixel) wait to be written until it ends,
 * and the runs ahead of the one being written, so longer runs would hold more memory as images grow.
 */
const MAX_RUN_STRIPS = 4;

/** Rows per survey strip for a grid of this width. */
export function stripRows(grid: Grid): number {
  return Math.max(MIN_STRIP_ROWS, Math.min(STRIP_ROWS, Math.floor(STRIP_PIXELS / grid.width)));
}
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

/**
 * Reads `rows` of a 1-byte-per-pixel raw mask beside an image (obscured.raw or change.raw). Positional
 * reads of a file the page cache holds: synchronous ones (one per row, or one for full-width rows)
 * cost far less than a promise per row.
 */
export async function readMaskRows(
  dir: string,
  file: string,
  grid: Grid,
  window: Window,
  into: Uint8Array | null = null,
): Promise<Uint8Array> {
  // `into`: zeroed, of the window's size.
  const out = into ?? new Uint8Array(window.width * window.height);
  const fd = openSync(join(dir, file), 'r');
  try {
    if (window.x === 0 && window.width === grid.width) readAt(fd, out, window.y * grid.width);
    else {
      for (let y = 0; y < window.height; y++) {
        readAt(fd, out.subarray(y * window.width, (y + 1) * window.width), (window.y + y) * grid.width + window.x);
      }
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** Fills `buf` from `position`; bytes past the end of the file stay 0 (as the asynchronous reads left them). */
function readAt(fd: number, buf: Uint8Array, position: number): void {
  let done = 0;
  while (done < buf.length) {
    const n = readSync(fd, buf, done, buf.length - done, position + done);
    if (n === 0) return;
    done += n;
  }
}

/** What one strip of the survey needs: the images, the zones and the grid-derived constants. */
export interface StripContext {
  current: PreparedImage;
  previous: { image: PreparedImage; dir: string } | null;
  zones: Zone[];
  grid: Grid;
  /** Buffers to read the strip into (reused by the next strip); null: fresh planes. */
  scratch?: StripScratch | null;
  /** The sun of each date (null: unknown): deep shadows of objects that changed are not change. */
  sun?: SunPair | null;
}

export interface SunPair {
  previous: SunPosition | null;
  current: SunPosition | null;
}

/** Widest strip margin for a shadow's reach: a low sun's longer shadows lose only their far caster. */
const MAX_SHADOW_MARGIN_PX = 32;

/** One strip's share of the survey: its core rows' masks and the counts over them. */
export interface StripResult {
  y0: number;
  cloud: Uint8Array;
  changed: Uint8Array | null;
  valid: number;
  cloudy: number;
  /** Per zone (in `zones` order): pixels, clear, comparable, changed. */
  counts: Float64Array;
}

/** Row strips of the survey: the y of each strip's first core row. */
export function stripStarts(grid: Grid): number[] {
  const rows = stripRows(grid);
  return Array.from({ length: Math.ceil(grid.height / rows) }, (_, i) => i * rows);
}

/**
 * The strips in runs of consecutive ones, each run surveyed in one go by one thread: its strips read
 * through one scratch, and each keeps the rows its margin shares with the strip above (`ReadScratch`)
 * rather than reading them again. Runs shrink as the strips left do (a share of what is left per
 * thread's turn, `MAX_RUN_STRIPS` at most), so the threads still end together: the last runs are single strips.
 */
export function stripRuns(starts: number[], threads: number): number[][] {
  const runs: number[][] = [];
  for (let i = 0; i < starts.length; ) {
    const share = Math.ceil((starts.length - i) / (RUNS_PER_THREAD * threads));
    const length = Math.max(1, Math.min(MAX_RUN_STRIPS, share));
    runs.push(starts.slice(i, i + length));
    i += length;
  }
  return runs;
}

/**
 * Clouds, coverage and change over the whole grid; writes obscured.raw and (with a previous date)
 * change.raw. With a `pool`, runs of strips (`stripRuns`) are surveyed by its workers (each opens the
 * rasters itself) and written here in order; at most two runs per worker are in flight, so memory stays bounded.
 */
export async function surveyImage(
  current: PreparedImage,
  currentDir: string,
  previous: { image: PreparedImage; dir: string } | null,
  zones: Zone[],
  grid: Grid,
  opts: RunOptions & { pool?: Pool | null; sun?: SunPair } = {},
): Promise<Survey> {
  const { signal, onProgress, pool } = opts;
  const sun = opts.sun ?? null;
  const counts = new Map(zones.map((z) => [z.properties.id, { pixels: 0, clear: 0, comparable: 0, changed: 0 }]));
  const cloudOut = createWriteStream(join(currentDir, CLOUD_FILE));
  const changeOut = previous ? createWriteStream(join(currentDir, CHANGE_FILE)) : null;
  let valid = 0;
  let cloudy = 0;
  // Strips run one at a time in this thread (ahead = 1 below), so one set of buffers serves them all.
  const ctx: StripContext = { current, previous, zones, grid, scratch: pool ? null : stripScratch(), sun };
  const task = pool
    ? {
        current: specOf(current),
        previous: previous && { ...specOf(previous.image), dir: previous.dir },
        zones,
        grid,
        sun,
      }
    : null;
  const run = async (y0s: number[]): Promise<StripResult[]> => {
    if (pool && task) return (await pool.run<{ strips: StripResult[] }>('survey-strips', { ...task, y0s })).strips;
    const out: StripResult[] = [];
    for (const y0 of y0s) out.push(await surveyStrip(ctx, y0));
    return out;
  };
  // In this thread, strips one at a time: they share one scratch whatever the runs.
  const runs = pool ? stripRuns(stripStarts(grid), pool.size) : stripStarts(grid).map((y0) => [y0]);
  const ahead = pool ? 2 * pool.size : 1;
  const inFlight: Array<Promise<StripResult[]>> = [];
  try {
    let next = 0;
    for (let k = 0; k < runs.length; k++) {
      throwIfAborted(signal);
      while (next < runs.length && next < k + ahead) {
        const p = run(runs[next++]!);
        // Settled later in order; a rejection is observed there (no unhandled rejection meanwhile).
        p.catch(() => undefined);
        inFlight.push(p);
      }
      for (const r of await inFlight.shift()!) {
        valid += r.valid;
        cloudy += r.cloudy;
        for (const [zi, zone] of zones.entries()) {
          const c = counts.get(zone.properties.id)!;
          c.pixels += r.counts[zi * 4]!;
          c.clear += r.counts[zi * 4 + 1]!;
          c.comparable += r.counts[zi * 4 + 2]!;
          c.changed += r.counts[zi * 4 + 3]!;
        }
        await write(cloudOut, r.cloud);
        if (changeOut && r.changed) await write(changeOut, r.changed);
        onProgress?.(Math.min(grid.height, r.y0 + stripRows(grid)) / grid.height, 'survey');
      }
    }
  } finally {
    await Promise.allSettled(inFlight);
    if (ctx.scratch) releaseStripScratch(ctx.scratch);
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

/** How a worker reopens a prepared image. */
export function specOf(image: PreparedImage): PreparedSpec {
  return { rasterDir: image.raster.dir, alignment: image.alignment };
}

/**
 * Read buffers for a survey's strips, one set per date, kept from strip to strip: strips repeat their
 * size, and their planes never leave `surveyStrip` (its results are copies). One survey's strips in one
 * thread run one at a time, so one set serves them all; it is dropped with the survey.
 */
export interface StripScratch {
  current: ReadScratch;
  previous: ReadScratch;
  /** The strip's byte planes that never leave it: the previous date's clouds, both dates' clear masks. */
  masks: PlanePool;
  /** The strip's change mask (its core is copied out): cleared by the next strip's changeMask. */
  change: MaskPlane;
}

export function stripScratch(): StripScratch {
  // Float planes in the kernel memory: change detection's first pass reads both dates' there in place.
  return {
    current: new ReadScratch({ kernel: true }),
    previous: new ReadScratch({ kernel: true }),
    masks: new PlanePool(),
    change: new MaskPlane(),
  };
}

/** Gives a strip scratch's kernel planes back (kernel-memory.ts) once its survey is over. */
export function releaseStripScratch(s: StripScratch): void {
  s.current.release();
  s.previous.release();
}

/** `StripScratch.masks` slots. */
const PREVIOUS_CLOUD = 0;
const PREVIOUS_CLEAR = 1;
const CURRENT_CLEAR = 2;

/**
 * changeMask's options for a survey's strips of `grid` under `sun`, all but the strip's own chroma
 * planes, and the margin rows each strip reads around its core. Exported so change.bench times the
 * stage with the options the survey builds.
 */
export function stripChangeOptions(grid: Grid, sun: SunPair | null): { margin: number; options: ChangeOptions } {
  const gsdM = (grid.pixelWidthM + grid.pixelHeightM) / 2;
  const shade = sun ? sunChangeOptions(sun, gsdM) : null;
  const margin = Math.max(CHANGE_MARGIN_PX, 8, Math.min(shade?.tallShadowReachPx ?? 0, MAX_SHADOW_MARGIN_PX));
  /** Smallest changed blob: ~30 m², a car-sized object, whatever the resolution. */
  const minAreaPx = Math.max(4, Math.round(MIN_CHANGE_M2 / (grid.pixelWidthM * grid.pixelHeightM)));
  return { margin, options: { minAreaPx, ...shade } };
}

/** Clouds, validity, change and zone counts of the strip whose core starts at row `y0`. */
export async function surveyStrip(ctx: StripContext, y0: number): Promise<StripResult> {
  const { current, previous, zones, grid } = ctx;
  const gsdM = (grid.pixelWidthM + grid.pixelHeightM) / 2;
  const { margin, options: changeOptions } = stripChangeOptions(grid, ctx.sun ?? null);
  const windows = zones.map((z) => ({ zone: z, window: zoneWindow(z, grid, 0) }));
  const ignores = windows.filter((z) => z.zone.properties.kind === 'ignore');
  const core: Window = { x: 0, y: y0, width: grid.width, height: Math.min(stripRows(grid), grid.height - y0) };
  const top = Math.max(0, y0 - margin);
  const outer: Window = {
    x: 0,
    y: top,
    width: grid.width,
    height: Math.min(grid.height, y0 + core.height + margin) - top,
  };
  const { own: curOwn, normalized: cur } = await current.readBoth(outer, ctx.scratch?.current);
  let before: { own: Block; normalized: Block; clear: Uint8Array } | null = null;
  if (previous) {
    const { own, normalized } = await previous.image.readBoth(outer, ctx.scratch?.previous);
    const n = outer.width * outer.height;
    const masks = ctx.scratch?.masks;
    const prevCloud = await readMaskRows(previous.dir, CLOUD_FILE, grid, outer, masks?.bytes(PREVIOUS_CLOUD, n));
    // No await below: the pooled planes are this strip's until it returns.
    before = { own, normalized, clear: clearOf(normalized, prevCloud, masks, PREVIOUS_CLEAR) };
  }
  // The previous date's clear pixels tell bright roofs and quays (bright then too) from cloud.
  const curCloud = cloudMask(cur, {
    gsdM,
    // …and where its mask took ground for cloud, the ground it saw there is not cloud today either.
    ...(before
      ? { reference: { ...before.normalized, valid: before.clear }, referenceSeen: before.normalized.valid }
      : {}),
  });
  const curClear = clearOf(cur, curCloud, ctx.scratch?.masks, CURRENT_CLEAR);
  const prevClear = before?.clear ?? null;
  // Greyness (man-made vs natural surfaces) is judged in each date's own radiometry: per-band
  // normalisation shifts hues where land cover changed.
  const changed = before
    ? changeMask(
        { ...before.normalized, valid: before.clear },
        { ...cur, valid: curClear },
        { chroma: { previous: before.own, current: curOwn }, ...changeOptions },
        ctx.scratch?.change,
      )
    : null;
  // Crop the margins away: counts and files cover each row once.
  const off = (y0 - top) * grid.width;
  const n = core.width * core.height;
  const coreClear = curClear.subarray(off, off + n);
  // Copies: the results leave this strip (written out, or transferred from a worker).
  const coreCloud = curCloud.slice(off, off + n);
  const coreValid = cur.valid.subarray(off, off + n);
  const corePrevClear = prevClear?.subarray(off, off + n) ?? null;
  const coreChanged = changed?.slice(off, off + n) ?? null;
  const valid = sumBytes(coreValid);
  // Most strips hold no cloud.
  const cloudy = curClear === cur.valid || !anySet(coreCloud) ? 0 : sumAnd(coreValid, coreCloud);
  const ignored = maskOf(ignores, grid, core);
  if (coreChanged && ignored) cutOut(coreChanged, ignored);
  const counts = new Float64Array(zones.length * 4);
  for (const [zi, { zone, window }] of windows.entries()) {
    const part = window && intersect(window, core);
    if (!part) continue;
    const inZone = rasterizeZone(zone, grid, part);
    // Ignore zones are cut out of the others.
    const cut = zone.properties.kind !== 'ignore' ? ignored : null;
    countZone(inZone, part, core, cut, coreClear, corePrevClear, coreChanged, counts, zi * 4);
  }
  return { y0, cloud: coreCloud, changed: coreChanged, valid, cloudy, counts };
}

/** `changed[i] = 0` where `ignored[i]` (both 0/1). */
export function cutOut(changed: Uint8Array, ignored: Uint8Array): void {
  let i = 0;
  if (changed.byteOffset % 4 === 0 && ignored.byteOffset % 4 === 0) {
    // Four pixels a step: in 0/1 bytes, c & (g ^ 1) is c & ~g.
    const words = changed.length >> 2;
    const c = new Uint32Array(changed.buffer, changed.byteOffset, words);
    const g = new Uint32Array(ignored.buffer, ignored.byteOffset, words);
    for (let k = 0; k < words; k++) c[k] = c[k]! & ~g[k]!;
    i = words << 2;
  }
  for (; i < changed.length; i++) changed[i]! &= ignored[i]! ^ 1;
}

/**
 * A zone's pixels, clear, comparable and changed pixels over window `part` of the strip's core (its
 * pixels `inZone`, those of `cut` left out) into `counts[at…at + 3]`. A function of its own: a loop in
 * `surveyStrip` made V8 compile all of it again on on-stack replacement, strip after strip. Each row's
 * runs of zone pixels are counted by `countRun` (four pixels a step where the planes allow it).
 */
export function countZone(
  inZone: Uint8Array,
  part: Window,
  core: Window,
  cut: Uint8Array | null,
  coreClear: Uint8Array,
  corePrevClear: Uint8Array | null,
  coreChanged: Uint8Array | null,
  counts: Float64Array,
  at: number,
): void {
  const sums = RUN_SUMS.fill(0);
  // Word views of the core's planes where they share coreClear's phase modulo 4 (strips of a width
  // that is a multiple of 4: always), else null (byte loops).
  const phase = coreClear.byteOffset & 3;
  const inPhase = (a: Uint8Array | null) => a === null || (a.byteOffset & 3) === phase;
  const words =
    inPhase(cut) && inPhase(corePrevClear) && inPhase(coreChanged)
      ? wordViews(coreClear, cut, corePrevClear, coreChanged)
      : null;
  const zoneWords =
    inZone.byteOffset % 4 === 0 ? new Uint32Array(inZone.buffer, inZone.byteOffset, inZone.length >> 2) : null;
  for (let y = 0; y < part.height; y++) {
    const row = (part.y - core.y + y) * core.width + (part.x - core.x);
    const k0 = y * part.width;
    const k1 = k0 + part.width;
    let k = k0;
    while (k < k1) {
      // The row's next run of zone pixels [s, e).
      const s = skipWhile(inZone, zoneWords, k, k1, 0);
      if (s >= k1) break;
      const e = skipWhile(inZone, zoneWords, s, k1, 1);
      countRun(row + (s - k0), row + (e - k0), cut, coreClear, corePrevClear, coreChanged, words, sums);
      k = e;
    }
  }
  counts[at] = sums[0]!;
  counts[at + 1] = sums[1]!;
  counts[at + 2] = sums[2]!;
  counts[at + 3] = sums[3]!;
}

/**
 * The first index from `from` (`to` at most) where `a` is not `v` (0 or 1): four bytes a step over the
 * whole words of `words` (`a`'s, if word-aligned).
 */
function skipWhile(a: Uint8Array, words: Uint32Array | null, from: number, to: number, v: number): number {
  let i = from;
  if (words && to - i >= 16) {
    for (; i & 3; i++) if (a[i] !== v) return i;
    const word = v * 0x01010101;
    let k = i >> 2;
    const k1 = to >> 2;
    while (k < k1 && words[k] === word) k++;
    i = k << 2;
  }
  while (i < to && a[i] === v) i++;
  return i;
}

/** `countZone`'s sums of pixels, clear, comparable and changed pixels. */
const RUN_SUMS = new Float64Array(4);

interface WordViews {
  /** Index of coreClear's first word-aligned byte (0…3), the word views starting there. */
  head: number;
  clear: Uint32Array;
  cut: Uint32Array | null;
  prev: Uint32Array | null;
  changed: Uint32Array | null;
}

function wordViews(
  clear: Uint8Array,
  cut: Uint8Array | null,
  prev: Uint8Array | null,
  changed: Uint8Array | null,
): WordViews {
  const head = (4 - (clear.byteOffset & 3)) & 3;
  const words = Math.max(0, (clear.length - head) >> 2);
  const view = (a: Uint8Array | null) => (a ? new Uint32Array(a.buffer, a.byteOffset + head, words) : null);
  return { head, clear: view(clear)!, cut: view(cut), prev: view(prev), changed: view(changed) };
}

/**
 * Into `sums`, over core pixels [i0, i1): pixels not `cut`, of those clear, of those clear on the
 * previous date too (comparable), of those changed; the last two only with a previous date. Sums of
 * the masks' 0/1 products rather than a branch per test: the tests' outcomes vary from pixel to pixel
 * along cloud, shore and change edges. Four pixels a step over whole words (`words`): byte lanes of 0/1
 * sums, folded every 64 words before they could carry into the next lane.
 */
function countRun(
  i0: number,
  i1: number,
  cut: Uint8Array | null,
  clear: Uint8Array,
  prev: Uint8Array | null,
  changed: Uint8Array | null,
  words: WordViews | null,
  sums: Float64Array,
): void {
  let i = i0;
  if (words && i1 - i0 >= 16) {
    // Bytes up to the first whole word, then whole words, then the bytes after the last.
    const k0 = (i0 - words.head + 3) >> 2;
    const k1 = (i1 - words.head) >> 2;
    countBytes(i, words.head + 4 * k0, cut, clear, prev, changed, sums);
    countWords(k0, k1, words, sums);
    i = words.head + 4 * k1;
  }
  countBytes(i, i1, cut, clear, prev, changed, sums);
}

/** countRun's sums over whole words [k0, k1): byte lanes of 0/1 sums, folded every 64 words. */
function countWords(k0: number, k1: number, words: WordViews, sums: Float64Array): void {
  const { clear: cw, cut: gw, prev: pw, changed: hw } = words;
  let lp = 0;
  let lc = 0;
  let lb = 0;
  let lh = 0;
  for (let k = k0, n = 0; k < k1; k++) {
    const counted = gw ? ~gw[k]! & 0x01010101 : 0x01010101;
    const isClear = counted & cw[k]!;
    lp = (lp + counted) | 0;
    lc = (lc + isClear) | 0;
    if (pw) {
      const both = isClear & pw[k]!;
      lb = (lb + both) | 0;
      lh = (lh + (both & hw![k]!)) | 0;
    }
    if (++n === 64) {
      addLanes(sums, lp, lc, lb, lh);
      lp = lc = lb = lh = 0;
      n = 0;
    }
  }
  addLanes(sums, lp, lc, lb, lh);
}

function addLanes(sums: Float64Array, lp: number, lc: number, lb: number, lh: number): void {
  sums[0]! += laneSum(lp);
  sums[1]! += laneSum(lc);
  sums[2]! += laneSum(lb);
  sums[3]! += laneSum(lh);
}

/** countRun's sums over [i0, i1) a pixel at a time: the bytes before and after its whole words. */
function countBytes(
  i0: number,
  i1: number,
  cut: Uint8Array | null,
  clear: Uint8Array,
  prev: Uint8Array | null,
  changed: Uint8Array | null,
  sums: Float64Array,
): void {
  let pixels = 0;
  let clearCount = 0;
  let comparable = 0;
  let changedCount = 0;
  for (let i = i0; i < i1; i++) {
    const counted = cut ? cut[i]! ^ 1 : 1;
    const isClear = counted & clear[i]!;
    pixels += counted;
    clearCount += isClear;
    if (!prev) continue;
    const both = isClear & prev[i]!;
    comparable += both;
    changedCount += both & changed![i]!;
  }
  sums[0]! += pixels;
  sums[1]! += clearCount;
  sums[2]! += comparable;
  sums[3]! += changedCount;
}

/**
 * `clearMask` (into the pool's `slot`, if a pool), but where `cloud` holds no cloud (most strips) the
 * block's validity itself: the clear mask equals it then, and neither is written into after.
 */
function clearOf(block: Block, cloud: Uint8Array, pool: PlanePool | undefined, slot: number): Uint8Array {
  if (!anySet(cloud)) return block.valid;
  return clearMask(block, cloud, pool?.bytesAsIs(slot, cloud.length));
}

/** Valid and not cloud (both 0/1 masks); into `out` if given (of the block's size). */
export function clearMask(
  block: Block,
  cloud: Uint8Array,
  out: Uint8Array = new Uint8Array(block.valid.length),
): Uint8Array {
  const valid = block.valid;
  const n = valid.length;
  let i = 0;
  if (valid.byteOffset % 4 === 0 && cloud.byteOffset % 4 === 0 && out.byteOffset % 4 === 0) {
    // Four pixels per step: validity is 0 or 1, so valid & ~cloud is valid & (cloud ^ 1) in every byte.
    const words = n >> 2;
    const v = new Uint32Array(valid.buffer, valid.byteOffset, words);
    const c = new Uint32Array(cloud.buffer, cloud.byteOffset, words);
    const o = new Uint32Array(out.buffer, out.byteOffset, words);
    for (let k = 0; k < words; k++) o[k] = v[k]! & ~c[k]!;
    i = words << 2;
  }
  for (; i < n; i++) out[i] = valid[i]! & (cloud[i]! ^ 1);
  return out;
}

/** The sum of 0/1 bytes, four at a time where `a` is word-aligned. */
export function sumBytes(a: Uint8Array): number {
  let sum = 0;
  let i = 0;
  if (a.byteOffset % 4 === 0) {
    const words = new Uint32Array(a.buffer, a.byteOffset, a.length >> 2);
    let lanes = 0;
    for (let k = 0; k < words.length; k++) {
      lanes = (lanes + words[k]!) | 0;
      // Each lane holds at most 64 after 64 words: folded before it could carry into the next.
      if ((k & 63) === 63) {
        sum += laneSum(lanes);
        lanes = 0;
      }
    }
    sum += laneSum(lanes);
    i = words.length << 2;
  }
  for (; i < a.length; i++) sum += a[i]!;
  return sum;
}

/**
 * The sum of a word's four byte lanes, each a count of 0/1 bytes added in it: `sumBytes` and `sumAnd`
 * fold every 64 words, when a lane holds at most 64, before it could carry into the next.
 */
function laneSum(lanes: number): number {
  return (lanes & 0xff) + ((lanes >>> 8) & 0xff) + ((lanes >>> 16) & 0xff) + (lanes >>> 24);
}

/** The sum of `a[i] & b[i]` over 0/1 bytes. */
export function sumAnd(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  let i = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    // As `sumBytes`, over the words' AND (still 0/1 bytes).
    const words = a.length >> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    let lanes = 0;
    for (let k = 0; k < words; k++) {
      lanes = (lanes + (wa[k]! & wb[k]!)) | 0;
      if ((k & 63) === 63) {
        sum += laneSum(lanes);
        lanes = 0;
      }
    }
    sum += laneSum(lanes);
    i = words << 2;
  }
  for (; i < a.length; i++) sum += a[i]! & b[i]!;
  return sum;
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
  // No copy: each strip's masks are its own (sliced out of the strip buffers) and never reused.
  return new Promise((resolve, reject) => {
    stream.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength), (err) => (err ? reject(err) : resolve()));
  });
}

function finish(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
  });
}
