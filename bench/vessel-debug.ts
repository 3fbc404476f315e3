/**
 * Debug renderings of one zone-date of a prepared series (bench/vessel-errors.eval.ts's work folder):
 * the image, the water mask (blue tint) and the detections (red centres), as the detect stage sees them.
 *   npx tsx bench/vessel-debug.ts WORK DATE_INDEX ZONE OUT.png
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Zone } from '../contract/index.ts';
import { detectVessels } from '../processing/detect-vessels.ts';
import { rasterizeZone, zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import type { Grid } from '../processing/types.ts';
import { waterMask } from '../processing/water.ts';
import { REPO_ROOT } from './real-data.ts';

const [work, dateArg, zoneId, out] = process.argv.slice(2);
// The work folder's analysis dirs (date order) and the committed site's zones (same layout for every seed).
const dirs = (await readdir(join(work!, 'analysis'))).sort().map((d) => join(work!, 'analysis', d));
const p = {
  grid: (JSON.parse(await readFile(join(dirs[0]!, 'analysis.json'), 'utf8')) as { grid: Grid }).grid,
  zones: JSON.parse(await readFile(join(REPO_ROOT, 'sample-tiles', 'rajin', 'zones.geojson'), 'utf8')) as {
    features: Zone[];
  },
  dates: dirs.map((dir) => ({ dir })),
};
const d = Number(dateArg);
const zone = p.zones.features.find((z) => z.properties.id === zoneId)!;
const win = zoneWindow(zone, p.grid, 48)!;
const outer = { x: win.x - 100, y: win.y - 100, width: win.width + 200, height: win.height + 200 };
const image = await openPrepared(p.dates[d]!.dir);
const others = await Promise.all(p.dates.slice(Math.max(0, d - 3), d).map((o) => openPrepared(o.dir)));
const block = await image.read(outer);
const otherBlocks = await Promise.all(others.map((o) => o.read(outer)));
const water = waterMask(block, { others: otherBlocks, gsdM: 1 });
const inZone = rasterizeZone(zone, p.grid, outer);
const boxes = detectVessels({
  block,
  zone: inZone,
  water,
  valid: block.valid,
  gsdM: { x: 1, y: 1 },
  minVesselLengthM: 20,
  others: otherBlocks,
});
const { width, height } = outer;
const rgb = Buffer.alloc(width * height * 3);
for (let i = 0; i < width * height; i++) {
  for (let b = 0; b < 3; b++) {
    let v = block.bands[b]![i]! * 255;
    if (water[i]) v = b === 2 ? v * 0.6 + 100 : v * 0.6;
    rgb[i * 3 + b] = Math.max(0, Math.min(255, v));
  }
}
for (const bx of boxes) {
  for (let t = -bx.length / 2; t <= bx.length / 2; t += 0.5) {
    const x = Math.round(bx.cx + t * Math.cos(bx.angle));
    const y = Math.round(bx.cy + t * Math.sin(bx.angle));
    if (x >= 0 && y >= 0 && x < width && y < height) rgb.set([255, 0, 0], (y * width + x) * 3);
  }
}
await sharp(rgb, { raw: { width, height, channels: 3 } })
  .png()
  .toFile(out!);
console.log(`window ${JSON.stringify(outer)}: ${boxes.length} boxes`);
for (const b of boxes)
  console.log(
    `  (${(b.cx + outer.x).toFixed(0)}, ${(b.cy + outer.y).toFixed(0)}) L ${b.length.toFixed(0)} W ${b.width.toFixed(0)}`,
  );
await Promise.all([image.close(), ...others.map((o) => o.close())]);
