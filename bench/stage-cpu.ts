/**
 * CPU seconds of the survey or the detect stage alone, in this thread (no pool), on the timed date of a
 * case analysis-cpu.ts prepared (its --work folder), with a digest of what the stage produced: the A/B
 * of a change to one stage, free of the other stages and of the pool's scheduling, and proof that its
 * results did not move. Reads the case and writes nothing. With --threads N, detect runs on a pool of N
 * workers as the pipeline's does from 30 MP (the CPU of every thread counts): what the pool adds. With
 * --memory, detect reads the site's memory of open water from the previous date's folder and writes
 * this date's to a temporary folder, as the pipeline's detect does: without it the water mask skips the
 * memory's votes and this date's own water (keepWaterHued alone is 3 % of the water mask's CPU at
 * 100 MP), and the digest does not cover them. A case without a previous date runs as the pipeline
 * runs the site's first image (no change mask, no memory read).
 *   npx tsx bench/stage-cpu.ts --work /tmp/bw-cpu-10000 --stage survey|detect [--runs K] [--threads N] [--memory]
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ZoneCollection } from '../contract/index.ts';
import { compileLean } from '../processing/compiler-flags.ts';
import { detectInZones } from '../processing/detect.ts';
import { memoryHoldsPooled, pooledOthers } from '../processing/pipeline.ts';
import { createPool } from '../processing/pool.ts';
import { openPrepared } from '../processing/prepared.ts';
import { sunOverBounds } from '../processing/sun-position.ts';
import { CHANGE_FILE, CLOUD_FILE, surveyImage } from '../processing/survey.ts';
import type { Grid } from '../processing/types.ts';
import { WATER_SEEN_DIR } from '../processing/water-memory.ts';
import { cpuSeconds } from './cpu-seconds.ts';
import { type BenchCase, timedRequest } from './pipeline.bench.ts';

const { values } = parseArgs({
  options: {
    work: { type: 'string' },
    stage: { type: 'string' },
    runs: { type: 'string' },
    threads: { type: 'string' },
    memory: { type: 'boolean' },
  },
});
const work = values.work ?? '/tmp/bw-cpu-10000';
const stage = values.stage ?? 'survey';
const runs = Number(values.runs ?? 1);
const threads = Number(values.threads ?? 0);
if (values.memory && stage !== 'detect') throw new Error('--memory is for --stage detect (the survey reads no memory)');
const c = JSON.parse(await readFile(join(work, 'case.json'), 'utf8')) as BenchCase;
const grid = JSON.parse(await readFile(join(work, 'grid.json'), 'utf8')) as Grid;
// The inputs pipeline.ts hands each stage for the timed request of pipeline.bench.ts.
const req = timedRequest(c, grid, work);
const zones = (req.site.zones as ZoneCollection).features;
const sunAt = (acquiredAt: string) => sunOverBounds(acquiredAt, grid.bounds);
const current = await openPrepared(req.dir);
// The previous date, opened once: its image and folder for the survey, its sun.
const prior = req.previous
  ? { image: await openPrepared(req.previous.dir), dir: req.previous.dir, sun: sunAt(req.previous.acquiredAt) }
  : null;
const pooled = pooledOthers(req);
const others = await Promise.all(pooled.map((o) => openPrepared(o.dir)));
// As analyzeImage compiles the stages it runs.
compileLean();
for (let run = 0; run < runs; run++) {
  const digest = createHash('sha256');
  const c0 = cpuSeconds();
  if (stage === 'survey') {
    const out = await mkdtemp(join(tmpdir(), 'bw-stage-'));
    try {
      const s = await surveyImage(current, out, prior ? { image: prior.image, dir: prior.dir } : null, zones, grid, {
        sun: {
          previous: prior?.sun ?? null,
          current: sunAt(req.image.acquiredAt),
        },
      });
      const seconds = cpuSeconds() - c0;
      digest.update(JSON.stringify({ ...s, zones: [...s.zones] }));
      // Without a previous date the survey writes no change mask.
      for (const f of prior ? [CLOUD_FILE, CHANGE_FILE] : [CLOUD_FILE]) digest.update(await readFile(join(out, f)));
      report(seconds);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  } else if (stage === 'detect') {
    // The clear masks the timed analysis wrote (analysis-cpu.ts), as the pipeline's detect reads them.
    const to = values.memory ? await mkdtemp(join(tmpdir(), 'bw-stage-')) : null;
    const memory = to
      ? { from: req.previous?.dir ?? null, to, holdsOthers: memoryHoldsPooled(pooled, req.image.acquiredAt) }
      : undefined;
    try {
      // A pool's start (its workers load the modules) counts, as it does in the pipeline's stages.
      const pool = threads ? createPool(threads) : null;
      const found = await detectInZones(current, req.dir, others, zones, req.site.settings, grid, {
        sun: sunAt(req.image.acquiredAt),
        othersSun: pooled.map((o) => sunAt(o.acquiredAt)),
        pool,
        memory,
      }).finally(() => pool?.close());
      const seconds = cpuSeconds() - c0;
      digest.update(JSON.stringify({ detections: found.detections, zones: [...found.zones] }));
      // A site whose zones are all rail keeps no memory: its folder is never made.
      if (to)
        for (const f of (await readdir(join(to, WATER_SEEN_DIR)).catch(() => [])).sort()) {
          digest.update(f).update(await readFile(join(to, WATER_SEEN_DIR, f)));
        }
      report(seconds);
    } finally {
      if (to) await rm(to, { recursive: true, force: true });
    }
  } else throw new Error(`--stage survey|detect, not ${stage}`);

  function report(seconds: number) {
    console.log(
      `${stage} ${grid.width}×${grid.height}: ${seconds.toFixed(2)} CPU s; digest ${digest.digest('hex').slice(0, 16)}`,
    );
  }
}
