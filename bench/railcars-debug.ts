/**
 * Debug rendering of the rail yard on one date of a railcars.eval.ts work folder, as that eval feeds the
 * detector (zone window with a 48 px margin, clear = valid and not cloud, the three previous dates): the
 * image in bands of `--strip` pixels along the yard stacked top to bottom, each shown bare and again with
 * true cars (green outline), found cars (yellow long axis) and the yard lines (blue dots).
 *   npx tsx bench/railcars-debug.ts --work DIR/SEED/15 --date YYYY-MM-DD OUT.png [--zone rail-yard] [--scale 3]
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { ZoneCollection } from '../contract/index.ts';
import { detectRailcars, railGeometry, shadowPx } from '../processing/detect-railcars.ts';
import { rasterizeZone, zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import { findYardLines } from '../processing/rail-yard.ts';
import { sunOverBounds } from '../processing/sun-position.ts';
import { CLOUD_FILE, readMaskRows } from '../processing/survey.ts';
import type { Grid } from '../processing/types.ts';
import { buildLayout } from '../sample-tiles/layout.ts';
import type { DateMode } from '../sample-tiles/objects.ts';
import { simulateObjects } from '../sample-tiles/objects.ts';
import { plotter, zoneBackdrop } from './zone-drawing.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    work: { type: 'string' },
    date: { type: 'string' },
    zone: { type: 'string', default: 'rail-yard' },
    scale: { type: 'string', default: '3' },
    strip: { type: 'string', default: '300' },
  },
});
const dir = values.work!;
const out = positionals[0]!;
const scale = Number(values.scale);
const seed = Number(dir.split('/').at(-2));
const grid = JSON.parse(await readFile(join(dir, 'grid.json'), 'utf8')) as Grid;
const truth = JSON.parse(await readFile(join(dir, 'truth.json'), 'utf8')) as {
  zones: ZoneCollection;
  site: { settings: { railCarLengthM: number } };
  dates: Array<{ date: string; mode: DateMode; acquiredAt?: string }>;
};
const dates = truth.dates.map((d) => d.date);
const i = dates.indexOf(values.date!);
const zone = truth.zones.features.find((z) => z.properties.id === values.zone)!;
const ignores = truth.zones.features.filter((z) => z.properties.kind === 'ignore');
const win = zoneWindow(zone, grid, 48)!;
const image = await openPrepared(join(dir, 'work', dates[i]!));
const from = Math.max(0, i - 3);
const others = await Promise.all(dates.slice(from, i).map((d) => openPrepared(join(dir, 'work', d))));
const sunOf = (d: { date: string; acquiredAt?: string }) =>
  sunOverBounds(d.acquiredAt ?? `${d.date}T00:00:00Z`, grid.bounds);
const block = await image.read(win);
const cloud = await readMaskRows(join(dir, 'work', dates[i]!), CLOUD_FILE, grid, win);
const valid = block.valid.map((v, p) => v & (cloud[p]! ^ 1));
const inZone = rasterizeZone(zone, grid, win);
for (const ig of ignores) {
  const m = rasterizeZone(ig, grid, win);
  for (let p = 0; p < m.length; p++) if (m[p]) inZone[p] = 0;
}
const otherBlocks = await Promise.all(others.map((o) => o.read(win)));
const gsdM = { x: grid.pixelWidthM, y: grid.pixelHeightM };
const d = truth.dates[i]!;
const r = detectRailcars({
  ...railGeometry(zone, grid, win, inZone),
  block,
  valid,
  others: otherBlocks,
  gsdM,
  railCarLengthM: truth.site.settings.railCarLengthM,
  sun: sunOf(d),
  othersSun: others.map((_, k) => sunOf(truth.dates[from + k]!)),
});
const { lines } = findYardLines({
  yard: inZone,
  dates: [{ ...block, valid }, ...otherBlocks],
  gsd: Math.sqrt(gsdM.x * gsdM.y),
  spacingRangeM: [4.2, 7],
  shadow: shadowPx(sunOf(d), gsdM),
});
const objects = simulateObjects(
  buildLayout(seed),
  seed,
  truth.dates.map((t) => t.mode),
);
const cars = objects[i]!.cars.filter((c) => c.zoneId === values.zone);

const { width, height } = win;
const base = zoneBackdrop(block, cloud, inZone);
const over = Buffer.from(base);
const put = plotter(over, width, height);
for (const l of lines) {
  const [[ax, ay], [bx, by]] = [l[0]!, l[l.length - 1]!];
  const n = Math.hypot(bx - ax, by - ay);
  for (let t = 0; t <= n; t += 4) put(ax + ((bx - ax) * t) / n, ay + ((by - ay) * t) / n, [60, 120, 255]);
}
for (const c of cars) {
  const [co, s] = [Math.cos(c.angle), Math.sin(c.angle)];
  const cx = c.cx - win.x;
  const cy = c.cy - win.y;
  for (let k = -c.length / 2; k <= c.length / 2; k += 0.5)
    for (const hw of [-c.width / 2 - 0.5, c.width / 2 + 0.5])
      put(cx + k * co - hw * s, cy + k * s + hw * co, [0, 255, 0]);
  for (let k = -c.width / 2; k <= c.width / 2; k += 0.5)
    put(cx + (c.length / 2) * co - k * s, cy + (c.length / 2) * s + k * co, [0, 255, 0]);
}
for (const c of r.cars) {
  for (let t = -c.length / 2 + 1; t <= c.length / 2 - 1; t += 0.5)
    put(c.cx + t * Math.cos(c.angle), c.cy + t * Math.sin(c.angle), [255, 255, 0]);
}
// The yard's rows only (with a few pixels of margin), in strips along it stacked top to bottom.
let y0 = height;
let y1 = 0;
let x0 = width;
let x1 = 0;
for (let p = 0; p < inZone.length; p++) {
  if (!inZone[p]) continue;
  y0 = Math.min(y0, Math.floor(p / width));
  y1 = Math.max(y1, Math.floor(p / width));
  x0 = Math.min(x0, p % width);
  x1 = Math.max(x1, p % width);
}
y0 = Math.max(0, y0 - 4);
y1 = Math.min(height - 1, y1 + 4);
const stripW = Number(values.strip);
const rows = y1 - y0 + 1;
const strips = Math.ceil((x1 - x0 + 1) / stripW);
const outH = strips * (2 * rows + 3);
const canvas = Buffer.alloc(stripW * outH * 3, 40);
for (let s = 0; s < strips; s++) {
  for (const [k, src] of [base, over].entries()) {
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < stripW; x++) {
        const sx = x0 + s * stripW + x;
        if (sx > x1) continue;
        const from = ((y0 + y) * width + sx) * 3;
        const to = ((s * (2 * rows + 3) + k * (rows + 1) + y) * stripW + x) * 3;
        src.copy(canvas, to, from, from + 3);
      }
    }
  }
}
await sharp(canvas, { raw: { width: stripW, height: outH, channels: 3 } })
  .resize(stripW * scale, outH * scale, { kernel: 'nearest' })
  .png()
  .toFile(out);
console.log(
  `${values.date} ${values.zone}: truth ${cars.length} found ${r.cars.length} (+${r.hidden.cars} hidden); ` +
    `x ${x0 + win.x}–${x1 + win.x} in ${strips} strips of ${stripW} px`,
);
await Promise.all([image.close(), ...others.map((o) => o.close())]);
