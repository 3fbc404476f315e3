/**
 * CPU seconds of the rail detector alone on the rail zones of a case analysis-cpu.ts prepared (its --work
 * folder), with a digest of its results: the tiles are read once, then `detectRailcars` runs --runs times
 * over all of them. With --compare, a second copy of the detector (e.g. the base commit's, its imports
 * pointed at processing/) runs in the same process, alternating with this one round by round, so both
 * share the machine's load: the A/B of a rail change on a busy machine, and proof its results did not move.
 *   npx tsx bench/rail-cpu.ts --work /tmp/bw-cpu-10000 [--runs K] [--compare bench/scratch/rail-base.ts]
 *   (a base copy: git show HEAD:processing/detect-railcars.ts | sed "s#from '\./#from '../../processing/#;
 *    s#from '\.\./contract/#from '../../contract/#" > bench/scratch/rail-base.ts)
 * Prints, per version, the CPU seconds summed over its runs and the digest of its results.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ZoneCollection } from '../contract/index.ts';
import { detectRailcars, type RailInput, railGeometry } from '../processing/detect-railcars.ts';
import { rasterizeZone, zoneWindow } from '../processing/georeference.ts';
import { pooledOthers } from '../processing/pipeline.ts';
import { openPrepared } from '../processing/prepared.ts';
import { sunOverBounds } from '../processing/sun-position.ts';
import { CLOUD_FILE, readMaskRows } from '../processing/survey.ts';
import type { Grid } from '../processing/types.ts';
import { cpuSeconds } from './cpu-seconds.ts';
import { type BenchCase, timedRequest } from './pipeline.bench.ts';

const { values } = parseArgs({
  options: { work: { type: 'string' }, runs: { type: 'string' }, compare: { type: 'string' } },
});
const work = values.work ?? '/tmp/bw-cpu-10000';
const runs = Number(values.runs ?? 3);
type Detector = typeof detectRailcars;
const versions: Array<[string, Detector]> = [['this', detectRailcars]];
if (values.compare) {
  const other = (await import(pathToFileURL(resolve(values.compare)).href)) as { detectRailcars: Detector };
  versions.push([values.compare, other.detectRailcars]);
}

const c = JSON.parse(await readFile(join(work, 'case.json'), 'utf8')) as BenchCase;
const grid = JSON.parse(await readFile(join(work, 'grid.json'), 'utf8')) as Grid;
const req = timedRequest(c, grid, work);
const current = await openPrepared(req.dir);
const others = await Promise.all(pooledOthers(req).map((o) => openPrepared(o.dir)));
const sun = sunOverBounds(req.image.acquiredAt, grid.bounds);
// Each rail zone's window as detect.ts reads it (zones this small are one tile; ignore zones not cut out).
const inputs: RailInput[] = [];
for (const zone of (req.site.zones as ZoneCollection).features.filter((z) => z.properties.kind === 'rail')) {
  const w = zoneWindow(zone, grid, 48);
  if (!w) continue;
  const block = await current.read(w);
  const cloud = await readMaskRows(req.dir, CLOUD_FILE, grid, w);
  const valid = new Uint8Array(block.valid.length);
  for (let i = 0; i < valid.length; i++) valid[i] = block.valid[i]! & (cloud[i]! ^ 1);
  inputs.push({
    ...railGeometry(zone, grid, w, rasterizeZone(zone, grid, w)),
    others: await Promise.all(others.map((o) => o.read(w))),
    block,
    valid,
    gsdM: { x: grid.pixelWidthM, y: grid.pixelHeightM },
    railCarLengthM: req.site.settings.railCarLengthM,
    sun,
  });
}

const seconds = versions.map(() => 0);
const digests = versions.map(() => '');
for (let run = 0; run < runs; run++) {
  // Alternating which goes first: neither always runs on the other's garbage.
  const order = versions.map((_, i) => i);
  if (run % 2) order.reverse();
  for (const i of order) {
    const c0 = cpuSeconds();
    const out = inputs.map((input) => versions[i]![1](input));
    seconds[i]! += cpuSeconds() - c0;
    digests[i] = createHash('sha256').update(JSON.stringify(out)).digest('hex').slice(0, 16);
  }
}
for (const [i, [name]] of versions.entries()) {
  console.log(
    `${name}: ${seconds[i]!.toFixed(2)} CPU s over ${runs} runs of ${inputs.length} rail zones; digest ${digests[i]}`,
  );
}
