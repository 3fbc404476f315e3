/**
 * Rail-car counts against the truth, zone by zone and date by date, to see where the error comes from.
 * Runs the whole pipeline once per seed (as bench/pipeline.eval.ts does) and keeps its work folder;
 * `--reuse` then re-runs only the rail detector on the prepared (registered, normalised) images, as
 * detect.ts calls it, so a detector change is measured in seconds.
 *   npx tsx bench/railcars.eval.ts --seed N [--seed M …] [--dates K] [--work DIR] [--reuse] [--verbose]
 *     [--date YYYY-MM-DD …] [--zone ID …] [--cloud-dir DIR] [--hide-half] [--no-sun]
 * Per zone and date it prints truth and found cars, truth and found occupancy, the cloud cover, the cars
 * estimated on the track hidden today beside the truth cars whose centre lies there, and (with --verbose)
 * each truth train (cars × length) beside the runs the detector found on that track.
 */

import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Zone } from '../contract/index.ts';
import { detectRailcars, railGeometry, shadowPx } from '../processing/detect-railcars.ts';
import { rasterizeZone, zoneWindow } from '../processing/georeference.ts';
import type { PreparedImage } from '../processing/prepared.ts';
import { openPrepared } from '../processing/prepared.ts';
import { findYardLines } from '../processing/rail-yard.ts';
import { type SunPosition, sunOverBounds } from '../processing/sun-position.ts';
import { CLOUD_FILE, readMaskRows } from '../processing/survey.ts';
import type { Block, Grid, Window } from '../processing/types.ts';
import { buildLayout } from '../sample-tiles/layout.ts';
import { type RailCar, simulateObjects } from '../sample-tiles/objects.ts';
import { DATE_COUNT, DEFAULT_SEED, generateSeries, type Series } from '../sample-tiles/scene.ts';
import { analyzeGenerated } from './analyze-generated.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', multiple: true },
    dates: { type: 'string' },
    work: { type: 'string' },
    reuse: { type: 'boolean' },
    /** Evaluate the dates a running (or interrupted) pipeline has already analysed in --work. */
    peek: { type: 'boolean' },
    verbose: { type: 'boolean' },
    /** Only these dates (YYYY-MM-DD) and zones: a quick look at one case. */
    date: { type: 'string', multiple: true },
    zone: { type: 'string', multiple: true },
    /**
     * Cloud masks written by bench/cloud-mask.eval.ts --out DIR (DIR/<seed>/<date>/obscured.raw) instead of
     * the pipeline's: a mask change measured on the rail counts without re-running the pipeline.
     */
    'cloud-dir': { type: 'string' },
    /**
     * Hide the eastern half of every date's window (as a cloud would): how well the hidden-track estimate
     * from other dates stands in for what the clear dates show.
     */
    'hide-half': { type: 'boolean' },
    'no-sun': { type: 'boolean' },
    /** Previous dates handed to the detector (the pipeline hands 3). */
    prev: { type: 'string' },
  },
});
const seeds = values.seed?.length ? values.seed.map(Number) : [DEFAULT_SEED];
const workRoot = values.work ?? join(tmpdir(), 'bw-railcars');

interface Row {
  date: string;
  zoneId: string;
  truth: number;
  found: number;
  truthOcc: number;
  foundOcc: number;
  cloud: number;
  /** Found plus the cars estimated on the track hidden today (what detect.ts reports if it adds `hidden.cars`). */
  extrapolated: number;
}

/** What this eval reads of a series: dates with their truth, zones, settings (not the images). */
interface SeriesTruth {
  zones: Series['zones'];
  site: Series['site'];
  dates: Array<Pick<Series['dates'][number], 'date' | 'mode' | 'zones'> & { acquiredAt?: string }>;
}

/**
 * The series, or only its truth: painting the images takes minutes, so with `--reuse` the truth saved
 * beside the prepared images is read instead.
 */
async function seriesOf(seed: number, count: number, dir: string): Promise<SeriesTruth | Series> {
  const file = join(dir, 'truth.json');
  if (values.reuse && existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as SeriesTruth;
  const series = await generateSeries(seed, { only: Array.from({ length: count }, (_, i) => i) });
  if (!values.peek && existsSync(join(dir, 'grid.json'))) await saveTruth(series, file);
  return series;
}

async function saveTruth(series: Series, file: string): Promise<void> {
  const truth: SeriesTruth = {
    zones: series.zones,
    site: series.site,
    dates: series.dates.map(({ date, mode, zones, acquiredAt }) => ({ date, mode, zones, acquiredAt })),
  };
  await writeFile(file, JSON.stringify(truth));
}

/** Runs the pipeline into `dir` unless `--reuse` and it is already there. */
async function prepare(series: SeriesTruth | Series, dir: string): Promise<Grid> {
  const marker = join(dir, 'grid.json');
  if (values.reuse && existsSync(marker)) return JSON.parse(await readFile(marker, 'utf8')) as Grid;
  if (!('width' in series)) throw new Error(`${dir}: saved truth without prepared images (run without --reuse)`);
  if (values.peek) {
    const first = join(dir, 'work', series.dates[0]!.date, 'analysis.json');
    return (JSON.parse(await readFile(first, 'utf8')) as { grid: Grid }).grid;
  }
  const results = await analyzeGenerated(series, dir, join(dir, 'work'));
  const grid = results[0]!.analysis.grid;
  await writeFile(marker, JSON.stringify(grid));
  await saveTruth(series, join(dir, 'truth.json'));
  return grid;
}

/** The rail detector on one zone of one date, exactly as detect.ts feeds it (one tile: rail zones are small). */
async function detectOne(
  dir: string,
  dates: string[],
  i: number,
  zone: Zone,
  ignores: Zone[],
  grid: Grid,
  carM: number,
  /** The sun on date k of `dates`. */
  sunAt: (k: number) => SunPosition | undefined,
) {
  const image = await openPrepared(join(dir, 'work', dates[i]!));
  // series.ts hands each date the three dates before it (--prev: how many, to see what more would buy).
  const prev = Number(values.prev ?? 3);
  const from = Math.max(0, i - prev);
  const others = await Promise.all(dates.slice(from, i).map((d) => openPrepared(join(dir, 'work', d))));
  try {
    const window = zoneWindow(zone, grid, 48)!;
    const block = await clearBlock(image, dir, dates[i]!, grid, window);
    if (values['hide-half'])
      for (let p = 0; p < block.valid.length; p++) if (p % window.width >= window.width / 2) block.valid[p] = 0;
    const clear = block.valid;
    const inZone = zoneMask(zone, ignores, grid, window);
    const geometry = railGeometry(zone, grid, window, inZone);
    const otherBlocks = await Promise.all(others.map((o) => o.read(window)));
    const t0 = performance.now();
    const r = detectRailcars({
      ...geometry,
      others: otherBlocks,
      block,
      valid: clear,
      gsdM: { x: grid.pixelWidthM, y: grid.pixelHeightM },
      railCarLengthM: carM,
      sun: sunAt(i),
      othersSun: others.map((_, k) => sunAt(from + k)),
    });
    const ms = performance.now() - t0;
    // Where the yard's tracks were put (mean y of each line, grid pixels): for horizontal yards.
    const lines = !geometry.yard
      ? []
      : findYardLines({
          yard: inZone,
          dates: [block, ...otherBlocks],
          gsd: Math.sqrt(grid.pixelWidthM * grid.pixelHeightM),
          spacingRangeM: SPACING_M,
          shadow: shadowPx(sunAt(i), { x: grid.pixelWidthM, y: grid.pixelHeightM }),
        }).lines.map((l) => (l[0]![1] + l[l.length - 1]![1]) / 2 + window.y);
    return { ...r, ms, window, lines, others: otherBlocks.length, clear };
  } finally {
    await Promise.all([image.close(), ...others.map((o) => o.close())]);
  }
}

/**
 * The sun at a date's acquisition over the grid's centre, as the pipeline passes it; caches written
 * before acquiredAt was saved give the date alone, which sunAtCapture reads as a date without a time.
 * `--no-sun` leaves it out (the detector then guesses the shadow side).
 */
function sunOf(d: { date: string; acquiredAt?: string }, grid: Grid): SunPosition | undefined {
  if (values['no-sun']) return undefined;
  return sunOverBounds(d.acquiredAt ?? `${d.date}T00:00:00Z`, grid.bounds);
}

/** The detector's default track spacing range in a yard, metres. */
const SPACING_M: [number, number] = [4.2, 7];

/** A date's block over `window` with its cloud-free mask as `valid` (as detect.ts reads it). */
async function clearBlock(image: PreparedImage, dir: string, date: string, grid: Grid, window: Window): Promise<Block> {
  const block = await image.read(window);
  const cloudDir = values['cloud-dir']
    ? join(values['cloud-dir'], dir.split('/').at(-2)!, date)
    : join(dir, 'work', date);
  const cloud = await readMaskRows(cloudDir, CLOUD_FILE, grid, window);
  const clear = new Uint8Array(block.valid.length);
  for (let p = 0; p < clear.length; p++) clear[p] = block.valid[p]! & (cloud[p]! ^ 1);
  return { ...block, valid: clear };
}

/** The zone over `window` less its ignore zones. */
function zoneMask(zone: Zone, ignores: Zone[], grid: Grid, window: Window): Uint8Array {
  const inZone = rasterizeZone(zone, grid, window);
  for (const ig of ignores) {
    const m = rasterizeZone(ig, grid, window);
    for (let p = 0; p < m.length; p++) if (m[p]) inZone[p] = 0;
  }
  return inZone;
}

/** Truth trains of a zone: cars of one track whose ends lie within 2 m, as (cars, car length, start, end) in pixels. */
function trains(cars: RailCar[]) {
  const byTrack = new Map<string, RailCar[]>();
  for (const c of cars) byTrack.set(c.trackId, [...(byTrack.get(c.trackId) ?? []), c]);
  const out: { track: string; n: number; len: number; x0: number; x1: number; y: number; type: string }[] = [];
  for (const [track, cs] of byTrack) {
    cs.sort((a, b) => a.cx - b.cx);
    let cur: RailCar[] = [];
    const flush = () => {
      if (!cur.length) return;
      const a = cur[0]!;
      const z = cur[cur.length - 1]!;
      // The train's car type (a few cars of a mixed train may be of another).
      const type = cur.filter((c) => c.type === a.type).length * 2 > cur.length ? a.type : (cur[1] ?? a).type;
      out.push({
        track,
        n: cur.length,
        len: a.length,
        x0: a.cx - a.length / 2,
        x1: z.cx + z.length / 2,
        y: a.cy,
        type,
      });
      cur = [];
    };
    for (const c of cs) {
      const last = cur[cur.length - 1];
      if (last && c.cx - c.length / 2 - (last.cx + last.length / 2) > 2) flush();
      cur.push(c);
    }
    flush();
  }
  return out.sort((a, b) => a.y - b.y || a.x0 - b.x0);
}

/** The n-th date folder of a work dir (folders are named by date, so they sort in date order). */
function dateOf(dir: string, n: number): string | undefined {
  const work = join(dir, 'work');
  return existsSync(work) ? readdirSync(work).sort()[n] : undefined;
}

let allErr = 0;
let allErrX = 0;
let allTruth = 0;
for (const seed of seeds) {
  const dir = join(workRoot, String(seed), values.dates ?? String(DATE_COUNT));
  let count = values.dates ? Number(values.dates) : DATE_COUNT;
  if (values.peek) {
    // Dates come in order: those with their analysis written are done.
    let done = 0;
    while (done < count && existsSync(join(dir, 'work', dateOf(dir, done) ?? '', 'analysis.json'))) done++;
    count = done;
  }
  const series = await seriesOf(seed, count, dir);
  const t0 = performance.now();
  const grid = await prepare(series, dir);
  const prepS = (performance.now() - t0) / 1000;
  const layout = buildLayout(seed);
  const objects = simulateObjects(
    layout,
    seed,
    series.dates.map((d) => d.mode),
  );
  const zones = series.zones.features;
  const ignores = zones.filter((z) => z.properties.kind === 'ignore');
  const rail = zones.filter((z) => z.properties.kind === 'rail');
  const dates = series.dates.map((d) => d.date);
  const rows: Row[] = [];
  let ms = 0;
  for (const [i, d] of series.dates.entries()) {
    if (values.peek && !existsSync(join(dir, 'work', d.date, 'analysis.json'))) break;
    if (values.date && !values.date.includes(d.date)) continue;
    for (const zone of rail) {
      const id = zone.properties.id;
      if (values.zone && !values.zone.includes(id)) continue;
      const t = d.zones[id]!;
      if (t.railCars === null) continue;
      const r = await detectOne(dir, dates, i, zone, ignores, grid, series.site.settings.railCarLengthM, (k) =>
        sunOf(series.dates[k]!, grid),
      );
      ms += r.ms;
      // Truth cars whose centre lies where the detector sees nothing today: what the hidden estimate stands for.
      const truthHidden = objects[i]!.cars.filter((c) => {
        if (c.zoneId !== id) return false;
        const x = Math.round(c.cx) - r.window.x;
        const y = Math.round(c.cy) - r.window.y;
        return !(x >= 0 && y >= 0 && x < r.window.width && y < r.window.height && r.clear[y * r.window.width + x]);
      }).length;
      const row: Row = {
        date: d.date,
        zoneId: id,
        truth: t.railCars,
        found: r.cars.length,
        truthOcc: t.railOccupancy ?? 0,
        foundOcc: r.trackLengthM > 0 ? r.occupiedLengthM / r.trackLengthM : 0,
        cloud: t.cloudCoverage,
        extrapolated: r.cars.length + r.hidden.cars,
      };
      rows.push(row);
      const flag = t.cloudCoverage >= 0.5 ? ' (obscured: not scored)' : '';
      console.log(
        `${d.date} ${id.padEnd(12)} truth ${String(row.truth).padStart(3)} found ${String(row.found).padStart(3)}  ` +
          `occ ${row.truthOcc.toFixed(3)} → ${row.foundOcc.toFixed(3)}  track ${r.trackLengthM.toFixed(0)} m` +
          (r.hidden.trackLengthM > 0
            ? ` (hidden ${r.hidden.trackLengthM.toFixed(0)} m: ${r.hidden.cars} more cars estimated there, truth ${truthHidden})`
            : '') +
          `  cloud ${row.cloud.toFixed(2)}${flag}`,
      );
      if (values.verbose) {
        if (r.lines.length)
          console.log(`    lines (${r.others} other dates): ${r.lines.map((y) => y.toFixed(1)).join(' ')}`);
        const truthTrains = trains(objects[i]!.cars.filter((c) => c.zoneId === id));
        // Found cars on no truth train: what the detector took for cars.
        const stray = r.cars.filter((c) => {
          const x = c.cx + r.window.x;
          const y = c.cy + r.window.y;
          return !truthTrains.some((tr) => Math.abs(y - tr.y) < 2.75 && x > tr.x0 - 3 && x < tr.x1 + 3);
        });
        if (stray.length) {
          console.log(
            `    stray ${stray.length}: ${stray.map((c) => `(${(c.cx + r.window.x).toFixed(0)},${(c.cy + r.window.y).toFixed(0)})`).join(' ')}`,
          );
        }
        for (const tr of truthTrains) {
          // Found cars on this train's stretch (grid pixels ≈ reference pixels, up to registration).
          const mine = r.cars.filter((c) => {
            const x = c.cx + r.window.x;
            const y = c.cy + r.window.y;
            return Math.abs(y - tr.y) < 2.75 && x > tr.x0 - 3 && x < tr.x1 + 3;
          });
          const span = mine.reduce((s, c) => s + c.length, 0);
          console.log(
            `    ${tr.track.padEnd(8)} x ${tr.x0.toFixed(0).padStart(4)}–${tr.x1.toFixed(0).padEnd(4)} ${String(tr.n).padStart(2)} × ${tr.len.toFixed(1)} m = ${(tr.x1 - tr.x0).toFixed(0).padStart(3)} m ${tr.type.padEnd(7)}` +
              ` | found ${String(mine.length).padStart(2)} over ${span.toFixed(0).padStart(3)} px${mine.length !== tr.n ? '  ✗' : ''}`,
          );
        }
      }
    }
  }
  const scored = rows.filter((r) => r.cloud < 0.5);
  const err = scored.reduce((s, r) => s + Math.abs(r.found - r.truth), 0);
  const truth = scored.reduce((s, r) => s + r.truth, 0);
  const errX = scored.reduce((s, r) => s + Math.abs(r.extrapolated - r.truth), 0);
  allErr += err;
  allErrX += errX;
  allTruth += truth;
  const byZone = new Map<string, { err: number; errX: number; truth: number; signed: number }>();
  for (const r of scored) {
    const z = byZone.get(r.zoneId) ?? { err: 0, errX: 0, truth: 0, signed: 0 };
    z.err += Math.abs(r.found - r.truth);
    z.errX += Math.abs(r.extrapolated - r.truth);
    z.signed += r.found - r.truth;
    z.truth += r.truth;
    byZone.set(r.zoneId, z);
  }
  console.log(
    `seed ${seed}: rail-car count error ${((100 * err) / Math.max(1, truth)).toFixed(2)} % of ${truth} cars` +
      ` (pipeline ${prepS.toFixed(0)} s${values.reuse ? ', reused' : ''}; rail detector ${(ms / 1000).toFixed(2)} s)` +
      `; with hidden cars ${((100 * errX) / Math.max(1, truth)).toFixed(2)} %`,
  );
  for (const [id, z] of byZone) {
    console.log(
      `    ${id.padEnd(12)} ${((100 * z.err) / Math.max(1, z.truth)).toFixed(1)} % of ${z.truth} (net ${z.signed >= 0 ? '+' : ''}${z.signed})` +
        `; with hidden cars ${((100 * z.errX) / Math.max(1, z.truth)).toFixed(1)} %`,
    );
  }
}
if (seeds.length > 1)
  console.log(
    `all seeds: ${((100 * allErr) / Math.max(1, allTruth)).toFixed(2)} % of ${allTruth} cars` +
      `; with hidden cars ${((100 * allErrX) / Math.max(1, allTruth)).toFixed(2)} %`,
  );
