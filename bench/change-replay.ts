/**
 * Change masks recomputed on a cached analysis: the pipeline eval analyses a whole series (minutes
 * on a busy machine) to score one change mask; this keeps the analysed series of a seed under
 * `--cache` and reruns only the survey strips (clouds + change) with the current code, scoring
 * them as bench/pipeline.eval.ts does. `--dump zone` writes the two normalised images and the
 * mask of that zone's worst no-change pair as PNG, to look at.
 *   npx tsx bench/change-replay.ts --seed N [--dates K] [--cache DIR] [--dump ZONE] [--out DIR] [--date D] [--no-sun]
 * The survey gets each date's sun as the pipeline passes it (the deep-shadow test of change-shadow.ts);
 * `--no-sun` leaves it out, to compare.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { rasterizeZone, zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import { sunOverBounds } from '../processing/sun-position.ts';
import { type SunPair, stripStarts, surveyStrip } from '../processing/survey.ts';
import type { Block, Grid } from '../processing/types.ts';
import { generateSeries } from '../sample-tiles/scene.ts';
import { analyzeGenerated } from './analyze-generated.ts';
import { type ChangeTally, scoreZoneChange } from './change-score.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    dates: { type: 'string' },
    cache: { type: 'string' },
    dump: { type: 'string' },
    out: { type: 'string' },
    date: { type: 'string' },
    'no-sun': { type: 'boolean' },
  },
});
const seed = Number(values.seed ?? 20251);
const dates = values.dates ? Number(values.dates) : undefined;
const cache = values.cache ?? join('/tmp', `bw-change-cache-${seed}-${dates ?? 'all'}`);
const only = dates ? Array.from({ length: dates }, (_, i) => i) : undefined;
const series = await generateSeries(seed, only ? { only } : {});
const work = join(cache, 'work');
if (!existsSync(join(cache, 'done'))) {
  console.log(`analysing seed ${seed} into ${cache}…`);
  await analyzeGenerated(series, cache, work);
  await mkdir(join(cache, 'done'), { recursive: true });
}
const ordered = [...series.dates].sort((a, b) => Date.parse(a.acquiredAt) - Date.parse(b.acquiredAt));
const grid: Grid = JSON.parse(await readFile(join(work, ordered[0]!.date, 'analysis.json'), 'utf8')).grid;
const zones = series.zones.features;
const zoneMasks = new Map(
  zones.map((z) => [z.properties.id, rasterizeZone(z, grid, { x: 0, y: 0, width: grid.width, height: grid.height })]),
);

const tally: ChangeTally = { tp: 0, fp: 0, fn: 0 };
const byZone = new Map<string, number[]>();
let worst: { zone: string; share: number; i: number } | null = null;
const t0 = process.cpuUsage();
for (let i = 1; i < ordered.length; i++) {
  const truth = ordered[i]!;
  if (!truth.changeMask || (values.date && truth.date !== values.date)) continue;
  const current = await openPrepared(join(work, truth.date));
  const previous = {
    image: await openPrepared(join(work, ordered[i - 1]!.date)),
    dir: join(work, ordered[i - 1]!.date),
  };
  const ours = new Uint8Array(grid.width * grid.height);
  const sun = values['no-sun'] ? null : sunPair(ordered[i - 1]!.acquiredAt, truth.acquiredAt);
  for (const y0 of stripStarts(grid)) {
    const r = await surveyStrip({ current, previous, zones, grid, scratch: null, sun }, y0);
    ours.set(r.changed!, y0 * grid.width);
  }
  for (const [zoneId, mask] of zoneMasks) {
    const kind = zones.find((z) => z.properties.id === zoneId)!.properties.kind;
    if (kind === 'ignore') continue;
    const share = scoreZoneChange(mask, truth, ours, tally);
    if (share !== null && !truth.realChange) {
      byZone.set(zoneId, [...(byZone.get(zoneId) ?? []), share]);
      if (values.dump === zoneId && (!worst || share > worst.share)) worst = { zone: zoneId, share, i };
    }
  }
  if (values.dump && worst?.i === i) await dump(values.out ?? cache, current, previous.image, ours, truth, truth.date);
  await current.close();
  await previous.image.close();
}
const cpu = process.cpuUsage(t0);
const rows = [...byZone.entries()]
  .map(([z, v]) => ({ z, worst: Math.max(...v), mean: v.reduce((a, b) => a + b, 0) / v.length }))
  .sort((a, b) => b.worst - a.worst);
console.log(`seed ${seed}: change survey CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
for (const r of rows.slice(0, 5)) {
  console.log(`  ${r.z.padEnd(24)} worst ${(100 * r.worst).toFixed(2)} %, mean ${(100 * r.mean).toFixed(2)} %`);
}
console.log(
  `  change mask precision ${(tally.tp / Math.max(1, tally.tp + tally.fp)).toFixed(3)}, recall ${(tally.tp / Math.max(1, tally.tp + tally.fn)).toFixed(3)}`,
);

/** The zone's window of both normalised images and the mask (red over the current image). */
async function dump(
  dir: string,
  current: Awaited<ReturnType<typeof openPrepared>>,
  previous: Awaited<ReturnType<typeof openPrepared>>,
  mask: Uint8Array,
  dated: (typeof ordered)[number],
  date: string,
): Promise<void> {
  const truth = dated.changeMask!;
  const prevCloud = dated.previousCloudMask ?? dated.cloudMask;
  const zone = zones.find((z) => z.properties.id === values.dump)!;
  const w = zoneWindow(zone, grid, 8)!;
  await mkdir(dir, { recursive: true });
  const png = async (block: Block, name: string, over?: boolean) => {
    const n = w.width * w.height;
    const out = Buffer.alloc(n * 3);
    for (let p = 0; p < n; p++) {
      const g = (w.y + Math.floor(p / w.width)) * grid.width + w.x + (p % w.width);
      // Red: ours only (false), yellow: both, green: missed; blue: under the truth's cloud or cloud
      // shadow on either date (not scored), darker where ours flagged it.
      const hidden = over && (dated.cloudMask[g]! > 0 || prevCloud[g]! > 0);
      const tint =
        over && !hidden ? [mask[g] && !truth[g], mask[g] && truth[g], !mask[g] && truth[g]] : [false, false, false];
      for (let c = 0; c < 3; c++) {
        const v = Math.round(255 * Math.min(1, block.bands[c]![p]!));
        const fill = tint[0]
          ? [255, 0, 0]
          : tint[1]
            ? [255, 220, 0]
            : tint[2]
              ? [0, 220, 0]
              : hidden
                ? [0, 0, mask[g] ? 120 : 255]
                : null;
        out[p * 3 + c] = fill ? fill[c]! : v;
      }
    }
    await sharp(out, { raw: { width: w.width, height: w.height, channels: 3 } })
      .png()
      .toFile(join(dir, `${seed}-${date}-${values.dump}-${name}.png`));
  };
  const cur = await current.read(w);
  await png(await previous.read(w), 'previous');
  await png(cur, 'current');
  await png(cur, 'mask', true);
  console.log(`dumped ${values.dump} of ${date} (${w.width}×${w.height}) to ${dir}`);
}

/** The sun of a pair of dates, as the pipeline passes it to the survey. */
function sunPair(previousAt: string, currentAt: string): SunPair {
  const bounds = series.site.bounds;
  return { previous: sunOverBounds(previousAt, bounds), current: sunOverBounds(currentAt, bounds) };
}
