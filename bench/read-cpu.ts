/**
 * CPU seconds of the survey's reads alone: both dates' strips read registered and normalised
 * (`readBoth` through a kernel ReadScratch, the windows `surveyStrip` reads), on a stage-cpu work
 * folder, with a digest of the planes read (proof a faster read kernel reads the same values).
 *   npx tsx bench/read-cpu.ts --work /tmp/bw-cpu-2048 [--runs K] [--margin M]
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ReadScratch } from '../processing/analysis-raster.ts';
import { compileLean } from '../processing/compiler-flags.ts';
import { openPrepared } from '../processing/prepared.ts';
import { stripRows, stripStarts } from '../processing/survey.ts';
import type { Grid } from '../processing/types.ts';
import { cpuSeconds } from './cpu-seconds.ts';

const { values } = parseArgs({
  options: { work: { type: 'string' }, runs: { type: 'string' }, margin: { type: 'string' } },
});
const work = values.work ?? '/tmp/bw-cpu-2048';
const runs = Number(values.runs ?? 1);
const margin = Number(values.margin ?? 32);
const grid = JSON.parse(await readFile(join(work, 'grid.json'), 'utf8')) as Grid;
const dates = [await openPrepared(join(work, 'c')), await openPrepared(join(work, 'b'))];
compileLean();
for (let run = 0; run < runs; run++) {
  const digest = createHash('sha256');
  let seconds = 0;
  const scratches = dates.map(() => new ReadScratch({ kernel: true }));
  for (const y0 of stripStarts(grid)) {
    const top = Math.max(0, y0 - margin);
    const bottom = Math.min(grid.height, y0 + stripRows(grid) + margin);
    const outer = { x: 0, y: top, width: grid.width, height: bottom - top };
    for (const [i, date] of dates.entries()) {
      const c0 = cpuSeconds();
      const { own, normalized } = await date.readBoth(outer, scratches[i]);
      seconds += cpuSeconds() - c0;
      // The core rows only: each row once.
      const a = (y0 - top) * grid.width;
      const b = a + Math.min(stripRows(grid), grid.height - y0) * grid.width;
      for (const p of [...own.bands, ...normalized.bands])
        digest.update(new Uint8Array(p.buffer, p.byteOffset + 4 * a, 4 * (b - a)));
      digest.update(own.valid.subarray(a, b));
    }
  }
  for (const s of scratches) s.release();
  console.log(
    `read ${grid.width}×${grid.height}: ${seconds.toFixed(2)} CPU s; digest ${digest.digest('hex').slice(0, 16)}`,
  );
}
