/** The pool's worker thread: runs survey strips and zone detections on handles it opens itself. */
import { parentPort } from 'node:worker_threads';
import type { Zone } from '../contract/index.ts';
import { openAnalysisRaster } from './analysis-raster.ts';
import { type DetectZoneTask, detectZoneTask, type ZoneScratch, zoneScratch } from './detect.ts';
import { ProcessingError } from './errors.ts';
import type { PreparedSpec, WorkerError } from './pool.ts';
import { alignedReader, type PreparedImage } from './prepared.ts';
import {
  releaseStripScratch,
  type StripResult,
  type StripScratch,
  type SunPair,
  stripScratch,
  surveyStrip,
} from './survey.ts';
import type { Grid } from './types.ts';

/** Open images by raster folder: a pool lives for one analysis, so each is opened once. */
const opened = new Map<string, Promise<PreparedImage>>();
function open(spec: PreparedSpec): Promise<PreparedImage> {
  let p = opened.get(spec.rasterDir);
  if (!p) {
    p = openAnalysisRaster(spec.rasterDir).then((raster) => alignedReader(raster, spec.alignment));
    opened.set(spec.rasterDir, p);
  }
  return p;
}

interface SurveyStripsTask {
  current: PreparedSpec;
  previous: (PreparedSpec & { dir: string }) | null;
  zones: Zone[];
  grid: Grid;
  /** A run of consecutive strips (`stripRuns`), surveyed in order. */
  y0s: number[];
  sun: SunPair | null;
}

/**
 * This worker's strip buffers: it runs one task at a time, and strips repeat their size. Released once
 * detection starts (the survey is over): their float planes lie in the kernel memory (ReadScratch),
 * which never shrinks, so they are handed back for reuse at once rather than whenever collected.
 */
let scratch: StripScratch | null = null;

/** This worker's zone read buffers (`ZoneScratch`): it detects one zone at a time. */
let zoneReads: ZoneScratch | null = null;

async function surveyStripsTask(t: SurveyStripsTask): Promise<{ strips: StripResult[] }> {
  const current = await open(t.current);
  const previous = t.previous ? { image: await open(t.previous), dir: t.previous.dir } : null;
  scratch ??= stripScratch();
  const ctx = { current, previous, zones: t.zones, grid: t.grid, scratch, sun: t.sun };
  const strips: StripResult[] = [];
  for (const y0 of t.y0s) strips.push(await surveyStrip(ctx, y0));
  return { strips };
}

/** The buffers a result owns whole (its own typed arrays, and those of the objects in its arrays). */
function transferables(result: unknown): ArrayBuffer[] {
  if (!result || typeof result !== 'object') return [];
  const out: ArrayBuffer[] = [];
  for (const v of Object.values(result)) {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && v.byteLength === v.buffer.byteLength) {
      out.push(v.buffer);
    } else if (Array.isArray(v)) for (const item of v) out.push(...transferables(item));
  }
  return out;
}

const port = parentPort!;
port.on('message', async (m: { id: number; kind: string; task: unknown }) => {
  if (m.kind === 'close') {
    await Promise.all([...opened.values()].map(async (p) => (await p).close().catch(() => undefined)));
    process.exit(0);
  }
  try {
    let result: unknown;
    if (m.kind === 'survey-strips') result = await surveyStripsTask(m.task as SurveyStripsTask);
    else if (m.kind === 'detect-zone') {
      if (scratch) releaseStripScratch(scratch);
      scratch = null;
      const t = m.task as DetectZoneTask;
      zoneReads ??= zoneScratch(t.others.length);
      result = await detectZoneTask(t, open, zoneReads);
    } else throw new Error(`unknown pool task ${m.kind}`);
    port.postMessage({ id: m.id, result }, transferables(result));
  } catch (err) {
    const e = err as Error;
    const error: WorkerError =
      e instanceof ProcessingError
        ? { message: e.message, code: e.code, ...(e.field ? { field: e.field } : {}) }
        : { message: e.stack ?? e.message };
    port.postMessage({ id: m.id, error });
  }
});
