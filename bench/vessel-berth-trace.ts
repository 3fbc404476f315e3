/**
 * Where the moored-hull rule (processing/water-berths.ts berthedHulls) marks land as hull, for one
 * zone-date of a prepared series (bench/vessel-errors.eval.ts's work folder): the zone's window with a
 * 48 px margin, the three previous dates as `others`, as water.ts calls it (open water first, without the
 * site's memory). Writes a PNG at 3× (green band in grey; open water dark blue; the stages a pixel
 * passed: the run along the shore red, the opening to a beam orange, colour and shade yellow, the final
 * hulls magenta) and prints the window. With PTS ("x,y;x,y" in site pixels), prints each point's
 * chessboard distance to open water and stage flags, to look up with the image.
 *   npx tsx bench/vessel-berth-trace.ts WORK DATE_INDEX ZONE OUT.png
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { chessboardDistance } from '../processing/box-filter.ts';
import { zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import type { Grid } from '../processing/types.ts';
import { waterMask } from '../processing/water.ts';
import { type BerthOptions, berthedHulls } from '../processing/water-berths.ts';
import type { generateSeries } from '../sample-tiles/scene.ts';

interface PreparedMeta {
  grid: Grid;
  zones: Awaited<ReturnType<typeof generateSeries>>['zones'];
  dates: Array<{ id: string; dir: string }>;
}

const [work, dateIndex, zoneId, out] = process.argv.slice(2);
if (!work || !dateIndex || !zoneId || !out)
  throw new Error('usage: vessel-berth-trace.ts WORK DATE_INDEX ZONE OUT.png');
const p = JSON.parse(await readFile(`${work}/prepared.json`, 'utf8')) as PreparedMeta;
const gsdM = (p.grid.pixelWidthM + p.grid.pixelHeightM) / 2;
const d = Number(dateIndex);
const zone = p.zones.features.find((f) => f.properties.id === zoneId);
const win = zone && zoneWindow(zone, p.grid, 48);
if (!win || !p.dates[d]) throw new Error(`no zone ${zoneId} or date ${dateIndex}`);
const image = await openPrepared(p.dates[d].dir);
const others = await Promise.all(p.dates.slice(Math.max(0, d - 3), d).map((o) => openPrepared(o.dir)));
const block = await image.read(win);
const otherBlocks = await Promise.all(others.map((o) => o.read(win)));
const open = waterMask(block, { others: otherBlocks, gsdM, berths: false });
const trace: NonNullable<BerthOptions['trace']> = {};
const hulls = berthedHulls(block, open, block.valid, { gsdM, trace, others: otherBlocks });
const { width, height } = win;
const rgb = Buffer.alloc(width * height * 3);
const green = block.bands[Math.min(1, block.bands.length - 1)]!;
for (let i = 0; i < width * height; i++) {
  const g = Math.min(255, green[i]! * 150);
  let c = [g, g, g];
  if (open[i]) c = [0, 0, 120];
  if (trace.run?.[i]) c = [160, 0, 0];
  if (trace.opened?.[i]) c = [200, 120, 0];
  if (trace.shadeKept?.[i]) c = [255, 255, 0];
  if (hulls[i]) c = [255, 0, 255];
  rgb.set(c, i * 3);
}
console.log(`${p.dates[d].id} ${zoneId}: window x ${win.x} y ${win.y} ${width}×${height}`);
const dist = chessboardDistance(open, width, height);
for (const pt of (process.env.PTS ?? '').split(';').filter(Boolean)) {
  const [sx, sy] = pt.split(',').map(Number) as [number, number];
  const i = (sy - win.y) * width + (sx - win.x);
  const flags = (['run', 'opened', 'colour', 'shadeKept'] as const).map((k) => `${k} ${trace[k]?.[i] ?? 0}`);
  console.log(`  (${sx}, ${sy}): distance to water ${dist[i]}, ${flags.join(', ')}, hull ${hulls[i]}`);
}
await sharp(rgb, { raw: { width, height, channels: 3 } })
  .resize(width * 3, height * 3, { kernel: 'nearest' })
  .png()
  .toFile(out);
await Promise.all([image.close(), ...others.map((o) => o.close())]);
