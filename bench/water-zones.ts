/**
 * CPU seconds of the water mask alone over the vessel zones of a case analysis-cpu.ts prepared, called
 * as detectZone calls it: on each tile's outer window (detect.ts's tiles: cores of 3072 px read with
 * 400 px of overlap), read into the thread's zone scratch where detectZone reads it there, with the
 * other dates pipeline.ts hands the detectors; and a digest of the masks it made (water, this date's
 * own water, the berthed hulls): the A/B of a change to the water mask's code, free of the detectors.
 * Without --memory the zones are read without the site's memory of open water (the other dates are
 * still passed); with it, the previous date's memory is read as the pipeline's detect reads it (its
 * votes, and "never seen as water" where it holds the other dates). Only waterMask is on the clock: the reads and the memory's
 * planes are made before it. Reads the case and writes nothing.
 *   npx tsx bench/water-zones.ts --work /tmp/bw-cpu-10000 [--zones 0-0,1-1] [--runs K] [--memory]
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ZoneCollection } from '../contract/index.ts';
import { compileLean } from '../processing/compiler-flags.ts';
import {
  memoryHoldsOthers,
  memoryWaterOptions,
  tileScratch,
  tiles,
  type WaterMemoryDirs,
  ZONE_WINDOW_MARGIN,
  zoneScratch,
} from '../processing/detect.ts';
import { zoneWindow } from '../processing/georeference.ts';
import { memoryHoldsPooled, pooledOthers } from '../processing/pipeline.ts';
import { openPrepared } from '../processing/prepared.ts';
import type { Grid, Window } from '../processing/types.ts';
import { type WaterOptions, waterMask } from '../processing/water.ts';
import { cropPlane, readWaterMemory } from '../processing/water-memory.ts';
import { cpuSeconds } from './cpu-seconds.ts';
import { type BenchCase, timedRequest } from './pipeline.bench.ts';

const { values } = parseArgs({
  options: {
    work: { type: 'string' },
    zones: { type: 'string' },
    runs: { type: 'string' },
    memory: { type: 'boolean' },
  },
});
const work = values.work ?? '/tmp/bw-cpu-10000';
const runs = Number(values.runs ?? 3);
const only = values.zones?.split(',') ?? null;
const c = JSON.parse(await readFile(join(work, 'case.json'), 'utf8')) as BenchCase;
const grid = JSON.parse(await readFile(join(work, 'grid.json'), 'utf8')) as Grid;
const req = timedRequest(c, grid, work);
const zones = (req.site.zones as ZoneCollection).features.filter(
  (z) =>
    (z.properties.kind === 'berth' || z.properties.kind === 'anchorage') &&
    (!only || only.some((s) => z.properties.id.endsWith(`-${s}`))),
);
const current = await openPrepared(req.dir);
const pooled = pooledOthers(req);
const others = await Promise.all(pooled.map((o) => openPrepared(o.dir)));
// detectZone's memory: read from the previous date's folder (the written one plays no part here).
const memory: WaterMemoryDirs | undefined = values.memory
  ? { from: req.previous?.dir ?? null, to: null, holdsOthers: memoryHoldsPooled(pooled, req.image.acquiredAt) }
  : undefined;
// Each zone's tiles, with what the memory tells their water masks (as detectZone works it out).
const cases: Array<{ outer: Window; memoryWater: Pick<WaterOptions, 'seen' | 'neverSeen'> }> = [];
for (const zone of zones) {
  const window = zoneWindow(zone, grid, ZONE_WINDOW_MARGIN);
  if (!window) continue;
  const kept = readWaterMemory(memory?.from ?? null, zone.properties.id, window);
  const holdsOthers = kept !== null && memoryHoldsOthers(memory, kept.kept, window);
  for (const { outer } of tiles(window)) {
    const sightings = kept && cropPlane(kept.counts, window, outer);
    cases.push({ outer, memoryWater: memoryWaterOptions(sightings, others.length, holdsOthers) });
  }
}
const gsdM = (grid.pixelWidthM + grid.pixelHeightM) / 2;
const scratch = zoneScratch(others.length);
compileLean();
for (let run = 0; run < runs; run++) {
  const digest = createHash('sha256');
  let seconds = 0;
  for (const { outer, memoryWater } of cases) {
    // Read as detectZone reads a tile (the planes are valid until the next tile's reads).
    const lend = tileScratch(outer, scratch);
    const block = await current.read(outer, { scratch: lend?.[0] });
    const o = await Promise.all(others.map((d, k) => d.read(outer, { scratch: lend?.[k + 1] })));
    const dateWater = new Uint8Array(block.valid.length);
    const berthed = new Uint8Array(block.valid.length);
    const c0 = cpuSeconds();
    const water = waterMask(block, { others: o, gsdM, ...memoryWater, dateWater, berthed });
    seconds += cpuSeconds() - c0;
    digest.update(water).update(dateWater).update(berthed);
  }
  console.log(
    `water ${zones.length} zones, ${cases.length} tiles${memory ? ', memory' : ''}: ${seconds.toFixed(2)} CPU s; digest ${digest.digest('hex').slice(0, 16)}`,
  );
}
for (const s of scratch) s.release();
