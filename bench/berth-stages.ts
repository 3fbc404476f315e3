/**
 * Where the water mask loses a moored hull, as a picture: a crop around (X, Y) of one zone-date of a
 * prepared series (bench/vessel-errors.eval.ts's work folder), enlarged 3×, as seven panels side by
 * side — the image; the open water (blue); water-berths.ts's stages (red): the run candidates, the
 * opened ones, those that pass the colour step, the moored-hull patches alone (no other dates); and
 * the final water mask (blue). vessel-land-misses.ts gives the same stages as shares of the hull's box.
 *   npx tsx bench/berth-stages.ts WORK DATE_INDEX ZONE X Y OUT.png [HALF_SIDE_PX]
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import type { Grid } from '../processing/types.ts';
import { waterMask } from '../processing/water.ts';
import { type BerthOptions, berthedHulls } from '../processing/water-berths.ts';
import type { generateSeries } from '../sample-tiles/scene.ts';

interface PreparedMeta {
  grid: Grid;
  zones: Awaited<ReturnType<typeof generateSeries>>['zones'];
  dates: Array<{ dir: string }>;
}

const [work, dateArg, zoneId, xArg, yArg, out, halfArg] = process.argv.slice(2);
if (!work || !zoneId || !out) throw new Error('usage: berth-stages.ts WORK DATE_INDEX ZONE X Y OUT.png [HALF]');
const p = JSON.parse(await readFile(`${work}/prepared.json`, 'utf8')) as PreparedMeta;
const d = Number(dateArg);
const gsdM = (p.grid.pixelWidthM + p.grid.pixelHeightM) / 2;
const zone = p.zones.features.find((f) => f.properties.id === zoneId);
const win = zone && zoneWindow(zone, p.grid, 48);
if (!win) throw new Error(`no zone ${zoneId}`);
const image = await openPrepared(p.dates[d]!.dir);
const others = await Promise.all(p.dates.slice(Math.max(0, d - 3), d).map((o) => openPrepared(o.dir)));
const block = await image.read(win);
const otherBlocks = await Promise.all(others.map((o) => o.read(win)));
const open = waterMask(block, { others: otherBlocks, gsdM, berths: false });
const trace: NonNullable<BerthOptions['trace']> = {};
const alone = berthedHulls(block, open, block.valid, { gsdM, trace });
const final = waterMask(block, { others: otherBlocks, gsdM });
const half = Number(halfArg ?? 60);
const cx = Number(xArg) - win.x;
const cy = Number(yArg) - win.y;
const side = 2 * half + 1;
// Each panel's mask and the band it is painted in (2 blue: water; 0 red: hull candidates).
const panels: Array<[Uint8Array | undefined, number]> = [
  [undefined, 0],
  [open, 2],
  [trace.run, 0],
  [trace.opened, 0],
  [trace.colour, 0],
  [alone, 0],
  [final, 2],
];
const rgb = ['red', 'green', 'blue'].map((r) => block.bands[Math.max(0, block.roles.indexOf(r as 'red'))]!);
const buf = Buffer.alloc(side * panels.length * side * 3);
for (let y = 0; y < side; y++) {
  for (let x = 0; x < side; x++) {
    const [xx, yy] = [cx - half + x, cy - half + y];
    if (xx < 0 || yy < 0 || xx >= win.width || yy >= win.height) continue;
    const i = yy * win.width + xx;
    panels.forEach(([mask, band], k) => {
      const o = (y * side * panels.length + k * side + x) * 3;
      for (let b = 0; b < 3; b++) {
        const v = Math.min(255, Math.sqrt(Math.max(0, rgb[b]![i]!)) * 255);
        buf[o + b] = mask?.[i] ? (b === band ? 255 : v * 0.5) : v;
      }
    });
  }
}
await sharp(buf, { raw: { width: side * panels.length, height: side, channels: 3 } })
  .resize(side * panels.length * 3, side * 3, { kernel: 'nearest' })
  .png()
  .toFile(out);
await Promise.all([image.close(), ...others.map((o) => o.close())]);
