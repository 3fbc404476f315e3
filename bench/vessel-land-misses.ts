/**
 * Where the water mask loses the hulls that vessel-errors.eval.ts lists as `miss:land…`: for each
 * such miss, the share of the true hull's box (1 px inside) that is open water, then that passes each
 * stage of water-berths.ts (the run along the shore, the opening to a beam, the colour step from the
 * land around, the shade test) and the fixed-structure test (with the three previous dates), and the
 * final water mask. A stage where the share drops is where the hull was lost.
 *   npx tsx bench/vessel-errors.eval.ts --seed S --work W --list > list.txt
 *   npx tsx bench/vessel-land-misses.ts W list.txt
 */
import { readFile } from 'node:fs/promises';
import { zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import type { Grid } from '../processing/types.ts';
import { waterMask } from '../processing/water.ts';
import { type BerthOptions, berthedHulls } from '../processing/water-berths.ts';
import type { generateSeries, ZoneTruth } from '../sample-tiles/scene.ts';

interface PreparedMeta {
  grid: Grid;
  zones: Awaited<ReturnType<typeof generateSeries>>['zones'];
  dates: Array<{ id: string; dir: string; zones: Record<string, ZoneTruth> }>;
}

const [work, listFile] = process.argv.slice(2);
if (!work || !listFile) throw new Error('usage: vessel-land-misses.ts WORK LIST');
const p = JSON.parse(await readFile(`${work}/prepared.json`, 'utf8')) as PreparedMeta;
const gsdM = (p.grid.pixelWidthM + p.grid.pixelHeightM) / 2;
let date = '';
let zoneId = '';
for (const line of (await readFile(listFile, 'utf8')).split('\n')) {
  const head = line.match(/^ {2}(\d{4}-\d\d-\d\d) (\S+) /);
  if (head) {
    [date, zoneId] = [head[1]!, head[2]!];
    continue;
  }
  const m = line.match(/(miss:land\S*) L (\d+) m W (\d+) at \((\d+), (\d+)\)/);
  if (!m) continue;
  const d = p.dates.findIndex((x) => x.id === date);
  const zone = p.zones.features.find((f) => f.properties.id === zoneId);
  const truth = p.dates[d]?.zones[zoneId]?.vesselBoxes?.find(
    (b) => Math.round(b.px.cx) === Number(m[4]) && Math.round(b.px.cy) === Number(m[5]),
  );
  const win = zone && zoneWindow(zone, p.grid, 48);
  if (!truth || !win) continue;
  const image = await openPrepared(p.dates[d]!.dir);
  const others = await Promise.all(p.dates.slice(Math.max(0, d - 3), d).map((o) => openPrepared(o.dir)));
  const block = await image.read(win);
  const otherBlocks = await Promise.all(others.map((o) => o.read(win)));
  // As water.ts calls it: the open water first, then the hulls moored at its edge.
  const open = waterMask(block, { others: otherBlocks, gsdM, berths: false });
  const trace: NonNullable<BerthOptions['trace']> = {};
  const alone = berthedHulls(block, open, block.valid, { gsdM, trace });
  const withOthers = berthedHulls(block, open, block.valid, { gsdM, others: otherBlocks });
  const final = waterMask(block, { others: otherBlocks, gsdM });
  const planes: Array<[string, Uint8Array | undefined]> = [
    ['open', open],
    ['run', trace.run],
    ['opened', trace.opened],
    ['colour', trace.colour],
    ['shade', trace.shadeKept],
    ['alone', alone],
    ['unchanged', withOthers],
    ['final', final],
  ];
  const c = Math.cos(truth.px.angle);
  const s = Math.sin(truth.px.angle);
  const hits = planes.map(() => 0);
  let total = 0;
  for (let y = 0; y < win.height; y++) {
    for (let x = 0; x < win.width; x++) {
      const dx = x + win.x - truth.px.cx;
      const dy = y + win.y - truth.px.cy;
      if (Math.abs(dx * c + dy * s) > truth.px.length / 2 - 1 || Math.abs(-dx * s + dy * c) > truth.px.width / 2 - 1) {
        continue;
      }
      total++;
      planes.forEach(([, plane], k) => {
        if (plane?.[y * win.width + x]) hits[k]!++;
      });
    }
  }
  const shares = planes.map(([name], k) => `${name} ${(hits[k]! / Math.max(1, total)).toFixed(2)}`).join(' ');
  console.log(`${date} ${zoneId} ${m[1]} L ${m[2]} W ${m[3]} at (${m[4]}, ${m[5]}): ${shares}`);
  await Promise.all([image.close(), ...others.map((o) => o.close())]);
}
