/**
 * The change stage pixel by pixel, to trace false change: over a rectangle of one zone's window,
 * each pixel's weighted two-way distance (before the box mean, ×100), whether the mask keeps it (#)
 * and whether the generator changed it (T); then both dates' normalised R/G/B (×100, previous >
 * current). Reads the analysed series that bench/change-replay.ts keeps under `--cache` (run that
 * first). The zone window alone is compared, with the pipeline's options and sun but without cloud
 * masks, so the mask may differ from the survey's where clouds lie.
 *   npx tsx bench/change-pixels.ts --seed N --zone Z --date D --rect x0,y0,x1,y1 [--cache DIR]
 * The rectangle is in the zone window's pixels (as in change-replay's `--dump` PNGs).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { changeMask, changeScore } from '../processing/change.ts';
import { sunChangeOptions } from '../processing/change-shadow.ts';
import { zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import { sunOverBounds } from '../processing/sun-position.ts';
import type { Block, Grid } from '../processing/types.ts';
import { generateSeries } from '../sample-tiles/scene.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    zone: { type: 'string' },
    date: { type: 'string' },
    rect: { type: 'string' },
    cache: { type: 'string' },
  },
});
const seed = Number(values.seed);
const work = join(values.cache ?? join('/tmp', `bw-change-cache-${seed}-all`), 'work');
const series = await generateSeries(seed, {});
const ordered = [...series.dates].sort((a, b) => Date.parse(a.acquiredAt) - Date.parse(b.acquiredAt));
const k = ordered.findIndex((d) => d.date === values.date);
if (k < 1) throw new Error(`no date ${values.date} after the first in seed ${seed}`);
const [before, after] = [ordered[k - 1]!, ordered[k]!];
const grid: Grid = JSON.parse(await readFile(join(work, after.date, 'analysis.json'), 'utf8')).grid;
const zone = series.zones.features.find((z) => z.properties.id === values.zone);
const w = zone && zoneWindow(zone, grid, 8);
if (!w) throw new Error(`no zone ${values.zone} on the grid`);
const cur = await (await openPrepared(join(work, after.date))).readBoth(w);
const prev = await (await openPrepared(join(work, before.date))).readBoth(w);
const bounds = series.site.bounds;
const opts = {
  chroma: { previous: prev.own, current: cur.own },
  minAreaPx: Math.max(4, Math.round(30 / (grid.pixelWidthM * grid.pixelHeightM))),
  ...sunChangeOptions(
    { previous: sunOverBounds(before.acquiredAt, bounds), current: sunOverBounds(after.acquiredAt, bounds) },
    (grid.pixelWidthM + grid.pixelHeightM) / 2,
  ),
};
const dist = changeScore(prev.normalized, cur.normalized, { ...opts, smoothPx: 0 });
const mask = changeMask(prev.normalized, cur.normalized, opts);
const [x0, y0, x1, y1] = (values.rect ?? '0,0,16,16').split(',').map(Number) as [number, number, number, number];
const rows = (cell: (i: number, g: number) => string) => {
  for (let y = y0; y < y1; y++) {
    const cells = [];
    for (let x = x0; x < x1; x++) cells.push(cell(y * w.width + x, (w.y + y) * grid.width + w.x + x));
    console.log(`${String(y).padStart(4)} ${cells.join(' ')}`);
  }
};
const rgb = (b: Block, i: number) => b.bands.map((p) => Math.round(100 * p[i]!)).join('/');
console.log(`seed ${seed} ${values.zone} ${before.date} → ${after.date}, columns ${x0}…${x1 - 1}`);
rows(
  (i, g) =>
    `${after.changeMask?.[g] ? 'T' : ' '}${mask[i] ? '#' : ' '}${String(Math.round(100 * dist[i]!)).padStart(3)}`,
);
rows((i) => `${rgb(prev.normalized, i)}>${rgb(cur.normalized, i)}`);
