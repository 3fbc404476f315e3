/**
 * How much of each vessel zone's window a coarse water/land pass could settle: the share of its pixels
 * farther than 35, 70 and 140 px (chessboard) from the water mask's water/land boundary, on the timed
 * date of a case analysis-cpu.ts prepared (its --work folder). The fine passes of a band-limited detect
 * would still run within the band; this is the upper bound of what they could skip. Reads only.
 *   npx tsx bench/water-band-share.ts --work /tmp/bw-cpu-2048
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ZoneCollection } from '../contract/index.ts';
import { chessboardDistance } from '../processing/box-filter.ts';
import { ZONE_WINDOW_MARGIN } from '../processing/detect.ts';
import { zoneWindow } from '../processing/georeference.ts';
import { pooledOthers } from '../processing/pipeline.ts';
import { openPrepared } from '../processing/prepared.ts';
import type { Grid } from '../processing/types.ts';
import { waterMask } from '../processing/water.ts';
import { type BenchCase, timedRequest } from './pipeline.bench.ts';

const { values } = parseArgs({ options: { work: { type: 'string' } } });
const work = values.work ?? '/tmp/bw-cpu-2048';
const c = JSON.parse(await readFile(join(work, 'case.json'), 'utf8')) as BenchCase;
const grid = JSON.parse(await readFile(join(work, 'grid.json'), 'utf8')) as Grid;
const req = timedRequest(c, grid, work);
const zones = (req.site.zones as ZoneCollection).features;
const current = await openPrepared(req.dir);
const others = await Promise.all(pooledOthers(req).map((o) => openPrepared(o.dir)));
const gsdM = (grid.pixelWidthM + grid.pixelHeightM) / 2;
for (const z of zones) {
  if (!['berth', 'anchorage'].includes(z.properties.kind)) continue;
  const w = zoneWindow(z, grid, ZONE_WINDOW_MARGIN);
  if (!w) continue;
  const block = await current.read(w);
  const water = waterMask(block, { others: await Promise.all(others.map((o) => o.read(w))), gsdM });
  const n = w.width * w.height;
  // The boundary: pixels whose right or lower neighbour is of the other class.
  const edge = new Uint8Array(n);
  for (let y = 0; y < w.height; y++) {
    for (let x = 0; x < w.width; x++) {
      const i = y * w.width + x;
      if ((x + 1 < w.width && water[i + 1] !== water[i]) || (y + 1 < w.height && water[i + w.width] !== water[i]))
        edge[i] = 1;
    }
  }
  const d = chessboardDistance(edge, w.width, w.height);
  const far = (b: number) => {
    let k = 0;
    for (let i = 0; i < n; i++) if (d[i]! > b) k++;
    return (k / n).toFixed(2);
  };
  let wet = 0;
  for (let i = 0; i < n; i++) wet += water[i]!;
  console.log(
    `${z.properties.id} (${z.properties.kind}) ${w.width}×${w.height}: water ${(wet / n).toFixed(2)}, farther than 35 px ${far(35)}, 70 px ${far(70)}, 140 px ${far(140)}`,
  );
}
