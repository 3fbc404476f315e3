/**
 * Which stage of the moored-hull rule (water-berths.ts `berthedHulls`) made each false:other of a
 * vessel-errors.eval.ts --list: for the 7×7 pixels round the detection's centre, the share each stage's
 * candidates cover (run, opened, colour, shadeKept, then after keepWholeHulls `whole`, seamedHulls
 * `seamed`, dropBankStrips `banked`, and the final patches with the other dates' tests), and the final
 * patch it lies in (area, length and width by its moments, metres at the block's pixels, fill of its box).
 * The water mask is built as detect.ts builds it (48 px margin, the three previous dates, the memory).
 *   npx tsx bench/vessel-errors.eval.ts --seed S --work W --memory M --list > list.txt
 *   npx tsx bench/vessel-false-stages.ts W list.txt [M]
 */
import { readFile } from 'node:fs/promises';
import { componentShape, labelComponents } from '../processing/components.ts';
import { memoryWaterOptions } from '../processing/detect.ts';
import { zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import type { Grid } from '../processing/types.ts';
import { waterMask } from '../processing/water.ts';
import { type BerthOptions, berthedHulls } from '../processing/water-berths.ts';
import { readWaterSightings } from '../processing/water-memory.ts';
import type { generateSeries } from '../sample-tiles/scene.ts';

interface PreparedMeta {
  grid: Grid;
  zones: Awaited<ReturnType<typeof generateSeries>>['zones'];
  dates: Array<{ id: string; dir: string }>;
}

const STAGES = ['run', 'opened', 'colour', 'shadeKept', 'whole', 'seamed', 'banked'] as const;
/** Half the side of the square read round a detection's centre, pixels. */
const HALF = 3;

const [work, listPath, memoryDir] = process.argv.slice(2);
if (!work || !listPath) throw new Error('usage: vessel-false-stages.ts WORK LIST [MEMORY]');
const p = JSON.parse(await readFile(`${work}/prepared.json`, 'utf8')) as PreparedMeta;
const gsdM = (p.grid.pixelWidthM + p.grid.pixelHeightM) / 2;
const hits: Array<{ date: string; zone: string; x: number; y: number; line: string }> = [];
let head: { date: string; zone: string } | null = null;
for (const line of (await readFile(listPath, 'utf8')).split('\n')) {
  const h = /^ {2}(\d{4}-\d{2}-\d{2}) (\S+) \(/.exec(line);
  if (h) head = { date: h[1]!, zone: h[2]! };
  const f = /^ {4}false:other .* at \((\d+), (\d+)\)/.exec(line);
  if (f && head) hits.push({ ...head, x: Number(f[1]), y: Number(f[2]), line: line.trim() });
}
for (const hit of hits) {
  const d = p.dates.findIndex((x) => x.id === hit.date);
  const zone = p.zones.features.find((z) => z.properties.id === hit.zone);
  const win = zone && zoneWindow(zone, p.grid, 48);
  if (d < 0 || !win) throw new Error(`no date or zone for ${hit.date} ${hit.zone}`);
  const image = await openPrepared(p.dates[d]!.dir);
  const others = await Promise.all(p.dates.slice(Math.max(0, d - 3), d).map((o) => openPrepared(o.dir)));
  const block = await image.read(win);
  const otherBlocks = await Promise.all(others.map((o) => o.read(win)));
  const sightings = memoryDir && d > 0 ? readWaterSightings(`${memoryDir}/${p.dates[d - 1]!.id}`, hit.zone, win) : null;
  const { seen, neverSeen } = memoryWaterOptions(sightings, otherBlocks.length, true);
  const open = waterMask(block, { others: otherBlocks, gsdM, seen, neverSeen, berths: false });
  const trace: NonNullable<BerthOptions['trace']> = {};
  const final = berthedHulls(block, open, block.valid, { gsdM, trace, others: otherBlocks, neverSeen });
  const { width, height } = win;
  const cx = hit.x - win.x;
  const cy = hit.y - win.y;
  const square: number[] = [];
  for (let y = cy - HALF; y <= cy + HALF; y++) {
    for (let x = cx - HALF; x <= cx + HALF; x++)
      if (x >= 0 && y >= 0 && x < width && y < height) square.push(y * width + x);
  }
  const share = (m: Uint8Array | undefined) =>
    m ? (square.reduce((s, i) => s + m[i]!, 0) / Math.max(1, square.length)).toFixed(2) : '-';
  const { labels, components } = labelComponents(final, width, height, { connectivity: 8 });
  const label = square.map((i) => labels[i]!).find((l) => l > 0);
  const c = components.find((q) => q.label === label);
  let patch = 'no patch';
  if (c) {
    const { major, minor } = componentShape(c);
    const [l, w] = [Math.sqrt(12) * major * gsdM, Math.sqrt(12) * minor * gsdM];
    patch = `patch ${c.area} px, ${l.toFixed(0)} × ${w.toFixed(1)} m, fill ${(c.area / (12 * major * minor)).toFixed(2)}`;
  }
  const stages = STAGES.map((k) => `${k} ${share(trace[k])}`).join(' ');
  console.log(`${hit.date} ${hit.zone} (date ${d}, ${otherBlocks.length} others) ${hit.line}`);
  console.log(`    ${stages} final ${share(final)}; ${patch}`);
  await Promise.all([image.close(), ...others.map((o) => o.close())]);
}
