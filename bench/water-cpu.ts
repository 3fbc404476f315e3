/**
 * CPU seconds of `waterMask` alone over the vessel zones' windows of a case analysis-cpu.ts prepared
 * (its --work folder), as detect.ts reads them (one tile per zone window up to 3072 px; larger windows
 * are skipped and counted), with a digest of the masks and of the moored hulls (`berthed`): the A/B of a
 * change to the water mask, free of the rest of the detect stage. Blocks are read once, before timing.
 *   npx tsx bench/water-cpu.ts --work /tmp/bw-cpu-2048 [--runs K]
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ZoneCollection } from '../contract/index.ts';
import { compileLean } from '../processing/compiler-flags.ts';
import { ZONE_WINDOW_MARGIN } from '../processing/detect.ts';
import { zoneWindow } from '../processing/georeference.ts';
import { pooledOthers } from '../processing/pipeline.ts';
import { openPrepared } from '../processing/prepared.ts';
import type { Block, Grid } from '../processing/types.ts';
import { waterMask } from '../processing/water.ts';
import { cpuSeconds } from './cpu-seconds.ts';
import { type BenchCase, timedRequest } from './pipeline.bench.ts';

const { values } = parseArgs({ options: { work: { type: 'string' }, runs: { type: 'string' } } });
const work = values.work ?? '/tmp/bw-cpu-2048';
const runs = Number(values.runs ?? 1);
const c = JSON.parse(await readFile(join(work, 'case.json'), 'utf8')) as BenchCase;
const grid = JSON.parse(await readFile(join(work, 'grid.json'), 'utf8')) as Grid;
const req = timedRequest(c, grid, work);
const zones = (req.site.zones as ZoneCollection).features.filter((z) =>
  ['berth', 'anchorage'].includes(z.properties.kind),
);
const current = await openPrepared(req.dir);
const others = await Promise.all(pooledOthers(req).map((o) => openPrepared(o.dir)));
// detect.ts's tile side: a wider zone runs there in tiles, which bench/water-zones.ts times.
const TILE = 3072;
const cases: Array<{ block: Block; others: Block[] }> = [];
let skipped = 0;
for (const zone of zones) {
  const w = zoneWindow(zone, grid, ZONE_WINDOW_MARGIN);
  if (!w) continue;
  if (w.width > TILE || w.height > TILE) {
    skipped++;
    continue;
  }
  cases.push({ block: await current.read(w), others: await Promise.all(others.map((o) => o.read(w))) });
}
compileLean();
const gsdM = (grid.pixelWidthM + grid.pixelHeightM) / 2;
for (let run = 0; run < runs; run++) {
  const digest = createHash('sha256');
  let seconds = 0;
  for (const k of cases) {
    const berthed = new Uint8Array(k.block.valid.length);
    const c0 = cpuSeconds();
    const water = waterMask(k.block, { others: k.others, gsdM, berthed });
    seconds += cpuSeconds() - c0;
    digest.update(water);
    digest.update(berthed);
  }
  console.log(
    `waterMask ${grid.width}×${grid.height}, ${cases.length} windows${skipped ? ` (${skipped} skipped)` : ''}: ${seconds.toFixed(2)} CPU s; digest ${digest.digest('hex').slice(0, 16)}`,
  );
}
