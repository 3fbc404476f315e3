/**
 * CPU seconds of the water mask alone over the vessel zones of a case analysis-cpu.ts prepared (as
 * detectZone calls it: the zone window's block, its other dates), with a digest of the masks it made
 * (water, this date's own water, the berthed hulls): the A/B of a change to the water mask's code,
 * free of the detectors. Reads the case and writes nothing.
 *   npx tsx bench/water-zones.ts --work /tmp/bw-cpu-10000 [--zones 0-0,1-1] [--runs K]
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ZoneCollection } from '../contract/index.ts';
import { compileLean } from '../processing/compiler-flags.ts';
import { ZONE_WINDOW_MARGIN } from '../processing/detect.ts';
import { zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import type { Block, Grid } from '../processing/types.ts';
import { waterMask } from '../processing/water.ts';
import { cpuSeconds } from './cpu-seconds.ts';
import { type BenchCase, timedRequest } from './pipeline.bench.ts';

const { values } = parseArgs({
  options: { work: { type: 'string' }, zones: { type: 'string' }, runs: { type: 'string' } },
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
const others = await Promise.all((req.others ?? []).slice(0, 3).map((o) => openPrepared(o.dir)));
// Every zone's blocks read once, before the clock runs (the detectors read them in the pipeline).
const cases: Array<{ block: Block; others: Block[] }> = [];
for (const zone of zones) {
  const w = zoneWindow(zone, grid, ZONE_WINDOW_MARGIN);
  if (!w) continue;
  cases.push({ block: await current.read(w), others: await Promise.all(others.map((o) => o.read(w))) });
}
const gsdM = (grid.pixelWidthM + grid.pixelHeightM) / 2;
compileLean();
for (let run = 0; run < runs; run++) {
  const digest = createHash('sha256');
  let seconds = 0;
  for (const { block, others: o } of cases) {
    const dateWater = new Uint8Array(block.valid.length);
    const berthed = new Uint8Array(block.valid.length);
    const c0 = cpuSeconds();
    const water = waterMask(block, { others: o, gsdM, dateWater, berthed });
    seconds += cpuSeconds() - c0;
    digest.update(water).update(dateWater).update(berthed);
  }
  console.log(`water ${cases.length} zones: ${seconds.toFixed(2)} CPU s; digest ${digest.digest('hex').slice(0, 16)}`);
}
