/**
 * The analysis of one dated image of a site, as a table of contents:
 * prepare (decode → warp onto the site grid → register → normalise) → survey (clouds, coverage,
 * change against the previous date) → detect (vessels, rail cars) → match (arrivals, departures)
 * → score → persist. Everything it writes lives in `req.dir`.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type {
  Bounds,
  Detection,
  Registration,
  ScoreFields,
  SiteSettings,
  ZoneCollection,
  ZoneKind,
} from '../contract/index.ts';
import { compileLean } from './compiler-flags.ts';
import { detectInZones, type PlacedVessel } from './detect.ts';
import { siteGridFor } from './georeference.ts';
import { matchVessels } from './match.ts';
import { OTHER_DATES } from './other-dates.ts';
import { createPool } from './pool.ts';
import { prepareImage } from './prepare.ts';
import { openPrepared, type PreparedImage } from './prepared.ts';
import { scaled } from './progress.ts';
import { MIN_COVERAGE, scoreZone } from './score.ts';
import { sunOverBounds } from './sun-position.ts';
import { CHANGE_FILE, type Survey, surveyImage } from './survey.ts';
import type { BandRole, Grid, RunOptions } from './types.ts';
import type { Limits } from './validate.ts';
import { probeImage } from './validate.ts';

export interface SiteInput {
  id: string;
  bounds: Bounds;
  settings: SiteSettings;
  zones: ZoneCollection;
  /** The site's analysis grid; null until its first image defines it. */
  grid: Grid | null;
  /** The bands its analyses read, by role; null (or absent) until its first analysis sets them. */
  bands?: readonly BandRole[] | null;
}

export interface PriorImage {
  id: string;
  /** That image's analysis dir. */
  dir: string;
  acquiredAt: string;
}

export interface AnalyzeRequest {
  site: SiteInput;
  image: { id: string; path: string; bounds?: Bounds; acquiredAt: string };
  dir: string;
  /** The site's reference image (null: this image is the reference). */
  reference: PriorImage | null;
  /** The previous image by date (null: the site's first image). */
  previous: PriorImage | null;
  /** A few other dates of the site: water is water on every date, ships move. */
  others?: PriorImage[];
  limits?: Partial<Limits>;
}

/** The other dates the detectors read for `req`: the first OTHER_DATES it lists. */
export function pooledOthers(req: Pick<AnalyzeRequest, 'others'>): PriorImage[] {
  return (req.others ?? []).slice(0, OTHER_DATES);
}

/**
 * Whether the site's memory of open water, which runs up to the previous date, holds the other dates
 * `pooled`: only when they are all earlier than the one analysed (WaterMemoryDirs.holdsOthers).
 */
export function memoryHoldsPooled(pooled: PriorImage[], acquiredAt: string): boolean {
  return pooled.every((o) => Date.parse(o.acquiredAt) < Date.parse(acquiredAt));
}

export type ScoreRowFields = { zoneId: string; zoneKind: ZoneKind } & ScoreFields;

export interface ImageAnalysis {
  grid: Grid;
  /** The bands this image was read as: the site's from now on when it had none. */
  bands: BandRole[];
  image: { cloudFraction: number; coverage: number; registration: Registration | null };
  scores: ScoreRowFields[];
  detections: Detection[];
}

/** What analysis.json holds: the result plus what the next date needs to compare against it. */
interface Persisted extends ImageAnalysis {
  vessels: PlacedVessel[];
  registrationNote: string | null;
}

const ANALYSIS_FILE = 'analysis.json';
/** Above this many pixels the change PNG is produced on request, not eagerly (it is encoded whole in memory). */
const EAGER_PNG_MAX_PIXELS = 256e6;

/**
 * Below this many grid pixels the survey and detection run in this thread. Measured (pipeline bench,
 * load ~4–5): each worker loads and JIT-compiles the detectors anew, ~3 s of CPU; at 4 MP the pool
 * doubled the CPU and the wall time, at 16 MP it broke even.
 */
const POOL_MIN_PIXELS = 30e6;

export interface AnalyzeOptions extends RunOptions {
  /**
   * Worker threads for the survey and detection (default: one per core). The server, which already
   * runs one analysis per worker thread, passes its share of the cores so threads are not oversubscribed.
   */
  threads?: number;
}

/** Analyses one image against its site's reference and previous date. */
export async function analyzeImage(req: AnalyzeRequest, opts: AnalyzeOptions = {}): Promise<ImageAnalysis> {
  const { signal, onProgress, threads = availableParallelism() } = opts;
  compileLean();
  await mkdir(req.dir, { recursive: true });
  const grid = req.site.grid ?? (await defineGrid(req));
  const zones = req.site.zones.features;
  // Started first: the workers load their modules while this thread decodes and warps.
  const pool = threads > 1 && grid.width * grid.height >= POOL_MIN_PIXELS ? createPool(threads) : null;
  let prepared: Awaited<ReturnType<typeof prepareImage>>;
  try {
    prepared = await prepareImage(
      {
        path: req.image.path,
        bounds: req.image.bounds,
        grid,
        dir: req.dir,
        referenceDir: req.reference?.dir ?? null,
        bands: req.site.bands ?? null,
        limits: req.limits,
      },
      { signal, onProgress: scaled(onProgress, 0, 0.5) },
    );
  } catch (err) {
    await pool?.close();
    throw err;
  }
  let previous: PreparedImage | null = null;
  let others: PreparedImage[] = [];
  let changePng: Promise<void> | null = null;
  const pooled = pooledOthers(req);
  try {
    previous = req.previous ? await openPrepared(req.previous.dir) : null;
    others = await Promise.all(pooled.map((o) => openPrepared(o.dir)));
    // Where shadows fall on each date: they are told from dark objects by it.
    const sunAt = (acquiredAt: string) => sunOverBounds(acquiredAt, grid.bounds);
    const sun = sunAt(req.image.acquiredAt);
    const survey = await surveyImage(
      prepared.image,
      req.dir,
      previous && req.previous ? { image: previous, dir: req.previous.dir } : null,
      zones,
      grid,
      {
        signal,
        onProgress: scaled(onProgress, 0.5, 0.8),
        pool,
        sun: { previous: req.previous ? sunAt(req.previous.acquiredAt) : null, current: sun },
      },
    );
    // The change PNG is encoded while the detectors run, not after them: the mask is final once the
    // survey ends, and the encoder (libvips, on libuv's threads) takes the cores the detection leaves
    // idle instead of adding a serial tail (1.3 CPU s at 100 MP).
    changePng =
      survey.hasChange && grid.width * grid.height <= EAGER_PNG_MAX_PIXELS ? writeChangePng(req.dir, grid) : null;
    changePng?.catch(() => undefined);
    const found = await detectInZones(prepared.image, req.dir, others, zones, req.site.settings, grid, {
      signal,
      onProgress: scaled(onProgress, 0.8, 0.97),
      pool,
      sun,
      othersSun: pooled.map((o) => sunAt(o.acquiredAt)),
      // The site's memory of open water runs from date to date through each previous analysis.
      memory: {
        from: req.previous?.dir ?? null,
        to: req.dir,
        holdsOthers: memoryHoldsPooled(pooled, req.image.acquiredAt),
      },
    });
    const before = req.previous ? await readPersisted(req.previous.dir) : null;
    const scores = zones.map((zone) => {
      const id = zone.properties.id;
      const counts = survey.zones.get(id)!;
      const zf = found.zones.get(id);
      const coverage = counts.pixels > 0 ? counts.clear / counts.pixels : 0;
      return {
        zoneId: id,
        zoneKind: zone.properties.kind,
        ...scoreZone({
          kind: zone.properties.kind,
          coverage,
          vessels: zf && {
            count: zf.vessels.length,
            areaM2: zf.vessels.reduce((s, v) => s + v.areaM2, 0),
          },
          turnover: turnover(id, zf?.vessels ?? [], before, grid),
          rail: zf?.rail
            ? {
                cars: zf.rail.cars,
                occupancy: zf.rail.trackLengthM > 0 ? zf.rail.occupiedLengthM / zf.rail.trackLengthM : 0,
              }
            : undefined,
          changeFraction: changeFraction(survey, id),
        }),
      };
    });
    const result: ImageAnalysis = {
      grid,
      bands: [...prepared.image.roles],
      image: {
        cloudFraction: round(survey.cloudFraction),
        coverage: round(survey.coverage),
        registration: prepared.registration,
      },
      scores,
      detections: found.detections,
    };
    const persisted: Persisted = {
      ...result,
      vessels: [...found.zones.values()].flatMap((z) => z.vessels),
      registrationNote: prepared.registrationNote,
    };
    await changePng;
    await writeAtomic(join(req.dir, ANALYSIS_FILE), JSON.stringify(persisted));
    onProgress?.(1, 'done');
    return result;
  } finally {
    // Settled before the folder is handed back, whether the analysis succeeded or not.
    await changePng?.catch(() => undefined);
    await Promise.all([prepared.image.close(), previous?.close(), ...others.map((o) => o.close()), pool?.close()]);
  }
}

/** The first image of a site defines its grid: the site bounds at the image's ground resolution. */
async function defineGrid(req: AnalyzeRequest): Promise<Grid> {
  const probe = await probeImage(req.image.path, { bounds: req.image.bounds, limits: req.limits });
  return siteGridFor(req.site.bounds, probe);
}

function changeFraction(survey: Survey, zoneId: string): number | null {
  if (!survey.hasChange) return null;
  const c = survey.zones.get(zoneId)!;
  return c.comparable > 0 ? c.changed / c.comparable : null;
}

/** Arrivals and departures against the previous date; null on the first image or if either date is obscured. */
function turnover(zoneId: string, current: PlacedVessel[], before: Persisted | null, grid: Grid) {
  if (!before) return null;
  const prevScore = before.scores.find((s) => s.zoneId === zoneId);
  if (!prevScore || prevScore.coverage < MIN_COVERAGE) return null;
  const place = (v: PlacedVessel) => ({
    cx: v.cx * grid.pixelWidthM,
    cy: v.cy * grid.pixelHeightM,
    lengthM: v.lengthM,
    widthM: v.widthM,
    headingDeg: v.headingDeg,
  });
  const prev = before.vessels.filter((v) => v.zoneId === zoneId).map(place);
  const { arrivals, departures } = matchVessels(prev, current.map(place));
  return { arrivals, departures };
}

/** Reads the persisted analysis of an earlier image. */
async function readPersisted(dir: string): Promise<Persisted> {
  return JSON.parse(await readFile(join(dir, ANALYSIS_FILE), 'utf8')) as Persisted;
}

/** The full-resolution change mask as a 0/255 PNG on the site grid. */
async function writeChangePng(dir: string, grid: Grid): Promise<void> {
  const raw = await readFile(join(dir, CHANGE_FILE));
  const tmp = join(dir, 'change.png.tmp');
  await sharp(raw, { raw: { width: grid.width, height: grid.height, channels: 1 }, limitInputPixels: false })
    .linear(255, 0)
    .png({ compressionLevel: 6, palette: false })
    .toFile(tmp);
  await rename(tmp, join(dir, 'change.png'));
}

async function writeAtomic(path: string, data: string): Promise<void> {
  await writeFile(`${path}.tmp`, data);
  await rename(`${path}.tmp`, path);
}

const round = (v: number) => Math.round(v * 10000) / 10000;
