/**
 * What the vessel detector sees around one spot of a prepared series (bench/vessel-errors.eval.ts's
 * work folder), as detect.ts builds it for the zone's window: grey = land, navy = open water (the
 * water tests), light blue = water the moored-hull rule (water-berths.ts) added, white = water
 * standing out (contrast ≥ 3 σ, brighter with contrast) found by the water tests, yellow = the same
 * on water the moored-hull rule added, green = darker than water in every band, red = shadow (dark
 * with water's hue). A hull cut in pieces by grey shows where the water mask lost it.
 *   npx tsx bench/vessel-masks.ts WORK DATE_INDEX ZONE X0 Y0 WIDTH HEIGHT OUT.png [SCALE]
 * (X0, Y0: the crop's top-left corner in grid pixels, as vessel-errors --list prints positions.)
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import type { Grid } from '../processing/types.ts';
import { waterContrast } from '../processing/vessel-contrast.ts';
import { waterMask } from '../processing/water.ts';
import type { generateSeries } from '../sample-tiles/scene.ts';

interface PreparedMeta {
  grid: Grid;
  zones: Awaited<ReturnType<typeof generateSeries>>['zones'];
  dates: Array<{ id: string; dir: string }>;
}

const [work, dateArg, zoneId, x0Arg, y0Arg, wArg, hArg, out, scaleArg] = process.argv.slice(2);
if (!work || !out) throw new Error('usage: vessel-masks.ts WORK DATE_INDEX ZONE X0 Y0 WIDTH HEIGHT OUT.png [SCALE]');
const p = JSON.parse(await readFile(`${work}/prepared.json`, 'utf8')) as PreparedMeta;
const d = Number(dateArg);
const zone = p.zones.features.find((z) => z.properties.id === zoneId);
const win = zone && zoneWindow(zone, p.grid, 48);
if (!win) throw new Error(`no zone ${zoneId}`);
const gsdM = (p.grid.pixelWidthM + p.grid.pixelHeightM) / 2;
const image = await openPrepared(p.dates[d]!.dir);
const others = await Promise.all(p.dates.slice(Math.max(0, d - 3), d).map((o) => openPrepared(o.dir)));
const block = await image.read(win);
const otherBlocks = await Promise.all(others.map((o) => o.read(win)));
const water = waterMask(block, { others: otherBlocks, gsdM });
const open = waterMask(block, { others: otherBlocks, gsdM, berths: false });
const domain = water.map((v, i) => v & block.valid[i]!);
const { a, shadow, dark } = waterContrast(block, domain, gsdM, 200);
await Promise.all([image.close(), ...others.map((o) => o.close())]);

const [x0, y0, W, H] = [Number(x0Arg), Number(y0Arg), Number(wArg), Number(hArg)];
const rgb = Buffer.alloc(W * H * 3);
const level = (z: number) => Math.min(255, 80 + z * 15);
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const gx = x0 - win.x + x;
    const gy = y0 - win.y + y;
    if (gx < 0 || gy < 0 || gx >= win.width || gy >= win.height) continue;
    const i = gy * win.width + gx;
    let px: [number, number, number];
    if (!water[i]) px = [90, 90, 90];
    else if (shadow[i]) px = [200, 0, 0];
    else if (a[i]! >= 3 && dark[i]) px = [60, 220, 60];
    else if (a[i]! >= 3) px = [level(a[i]!), level(a[i]!), open[i] ? level(a[i]!) : 0];
    else px = open[i] ? [0, 0, 120] : [110, 160, 255];
    rgb.set(px, (y * W + x) * 3);
  }
}
const scale = Number(scaleArg ?? 3);
await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
  .resize(W * scale, H * scale, { kernel: 'nearest' })
  .png()
  .toFile(out);
console.log(`window ${JSON.stringify(win)}; crop ${W}×${H} at (${x0}, ${y0}) → ${out}`);
