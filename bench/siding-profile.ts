/**
 * A given track's colour along its length on every date of a prepared series (bench/railcars.eval.ts
 * --work), to see what the siding detector compares: per `--bin` metres, the cross-section brightness
 * (mean of bands ×100) on the track and on the ground each side, date by date, with the truth cars.
 *   npx tsx bench/siding-profile.ts --seed N --work DIR [--zone quay-siding] [--from X --to X] [--bin M] [--side]
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { railGeometry } from '../processing/detect-railcars.ts';
import { rasterizeZone, zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import { CLOUD_FILE, readMaskRows } from '../processing/survey.ts';
import type { Block, Grid } from '../processing/types.ts';
import { buildLayout } from '../sample-tiles/layout.ts';
import { simulateObjects } from '../sample-tiles/objects.ts';
import type { Series } from '../sample-tiles/scene.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    work: { type: 'string' },
    zone: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    bin: { type: 'string' },
    side: { type: 'string' },
    band: { type: 'string' },
  },
});
const seed = Number(values.seed);
const dir = join(values.work!, String(seed), '15');
const grid = JSON.parse(await readFile(join(dir, 'grid.json'), 'utf8')) as Grid;
const truth = JSON.parse(await readFile(join(dir, 'truth.json'), 'utf8')) as Pick<Series, 'zones' | 'dates'>;
const zone = truth.zones.features.find((z) => z.properties.id === (values.zone ?? 'quay-siding'))!;
const window = zoneWindow(zone, grid, 48)!;
const { tracks } = railGeometry(zone, grid, window, rasterizeZone(zone, grid, window));
const line = tracks[0]!;
const gsd = Math.sqrt(grid.pixelWidthM * grid.pixelHeightM);
const binM = Number(values.bin ?? 4);
const x0 = Number(values.from ?? 0);
const x1 = Number(values.to ?? 1e9);
/** Offset across the track, metres: 0 the track; ±4.6 the ground a car's width beyond (as the detector's `beside`). */
const offM = Number(values.side ?? 0);
const objects = simulateObjects(
  buildLayout(seed),
  seed,
  truth.dates.map((d) => d.mode),
);

function sample(block: Block, b: number, x: number, y: number): number {
  const { width, height } = block.window;
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  if (xi < 0 || yi < 0 || xi + 1 >= width || yi + 1 >= height) return Number.NaN;
  const i = yi * width + xi;
  if (!(block.valid[i] && block.valid[i + 1] && block.valid[i + width] && block.valid[i + width + 1]))
    return Number.NaN;
  const fx = x - xi;
  const fy = y - yi;
  const s = block.bands[b]!;
  return (1 - fy) * ((1 - fx) * s[i]! + fx * s[i + 1]!) + fy * ((1 - fx) * s[i + width]! + fx * s[i + width + 1]!);
}

const [ax, ay] = line[0]!;
const [bx, by] = line[line.length - 1]!;
const len = Math.hypot(bx - ax, by - ay);
const ux = (bx - ax) / len;
const uy = (by - ay) / len;
const header: string[] = [];
for (let t = 0; t < len; t += binM / gsd) {
  const gx = ax + ux * t + window.x;
  if (gx >= x0 && gx < x1) header.push(String(Math.round(gx)).padStart(4).slice(-3));
}
console.log(`date       ${header.join('')}`);
for (const [i, d] of truth.dates.entries()) {
  const img = await openPrepared(join(dir, 'work', d.date));
  const block = await img.read(window);
  const cloud = await readMaskRows(join(dir, 'work', d.date), CLOUD_FILE, grid, window);
  for (let p = 0; p < cloud.length; p++) if (cloud[p]) block.valid[p] = 0;
  await img.close();
  const cells: string[] = [];
  const carCells: string[] = [];
  for (let t = 0; t < len; t += binM / gsd) {
    const gx = ax + ux * t + window.x;
    if (!(gx >= x0 && gx < x1)) continue;
    let acc = 0;
    let n = 0;
    for (let s = 0; s < binM / gsd; s += 0.5) {
      for (const a of [-1, -0.5, 0, 0.5, 1].map((k) => (k * 1.1 + offM) / gsd)) {
        const x = ax + ux * (t + s) - uy * a;
        const y = ay + uy * (t + s) + ux * a;
        const bands = values.band === undefined ? [0, 1, 2] : [Number(values.band)];
        for (const b of bands) {
          acc += sample(block, b, x, y);
          n++;
        }
      }
    }
    const v = acc / n;
    cells.push(Number.isFinite(v) ? String(Math.round(v * 100)).padStart(3) : '  ~');
    const car = objects[i]!.cars.find((c) => c.zoneId === zone.properties.id && Math.abs(c.cx - gx) < c.length / 2);
    carCells.push(
      car
        ? `${car.type[0]}${String(Math.round((car.colour[0] + car.colour[1] + car.colour[2]) * 33)).padStart(2)}`
        : '   ',
    );
  }
  console.log(`${d.date} ${cells.join('')}`);
  if (carCells.some((c) => c.trim())) console.log(`     cars  ${carCells.join('')}`);
}
