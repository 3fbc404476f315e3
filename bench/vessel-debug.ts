/**
 * Debug rendering of one zone-date of a prepared series (bench/vessel-errors.eval.ts's work folder),
 * with the inputs detect.ts gives the detector (the zone's window with a 48 px margin, clear = valid
 * and not cloud, three previous dates): the image, water (blue tint), cloud (grey), true hulls (green
 * boxes), detections (their long axis: yellow on a true hull's box, red otherwise). With MEMORY (the
 * folder of the site's memory of open water that vessel-errors.eval.ts wrote), water is found with it
 * as detect.ts does, and the water only the memory added is tinted orange.
 *   npx tsx bench/vessel-debug.ts WORK DATE_INDEX ZONE OUT.png [SCALE [MEMORY]]
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { memoryWaterOptions } from '../processing/detect.ts';
import { detectVessels } from '../processing/detect-vessels.ts';
import { rasterizeZone, zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import { sunOverBounds } from '../processing/sun-position.ts';
import { CLOUD_FILE, readMaskRows } from '../processing/survey.ts';
import type { Grid, PixelBox } from '../processing/types.ts';
import { waterMask } from '../processing/water.ts';
import { readWaterSightings } from '../processing/water-memory.ts';
import type { generateSeries, ZoneTruth } from '../sample-tiles/scene.ts';
import { plotter, zoneBackdrop } from './zone-drawing.ts';

interface PreparedMeta {
  grid: Grid;
  zones: Awaited<ReturnType<typeof generateSeries>>['zones'];
  settings: { minVesselLengthM: number };
  dates: Array<{ id: string; dir: string; zones: Record<string, ZoneTruth>; acquiredAt?: string }>;
}

const [work, dateArg, zoneId, out, scaleArg, memoryDir] = process.argv.slice(2);
const p = JSON.parse(await readFile(`${work}/prepared.json`, 'utf8')) as PreparedMeta;
const d = Number(dateArg);
const scale = Number(scaleArg ?? 2);
const date = p.dates[d]!;
const zone = p.zones.features.find((z) => z.properties.id === zoneId)!;
const ignores = p.zones.features.filter((z) => z.properties.kind === 'ignore');
const win = zoneWindow(zone, p.grid, 48)!;
const image = await openPrepared(date.dir);
const others = await Promise.all(p.dates.slice(Math.max(0, d - 3), d).map((o) => openPrepared(o.dir)));
const block = await image.read(win);
const otherBlocks = await Promise.all(others.map((o) => o.read(win)));
const cloud = await readMaskRows(date.dir, CLOUD_FILE, p.grid, win);
const clear = block.valid.map((v, i) => v & (cloud[i]! ^ 1));
const inZone = rasterizeZone(zone, p.grid, win);
for (const ig of ignores) {
  const m = rasterizeZone(ig, p.grid, win);
  for (let i = 0; i < m.length; i++) if (m[i]) inZone[i] = 0;
}
const gsdM = { x: p.grid.pixelWidthM, y: p.grid.pixelHeightM };
const sightings = memoryDir && d > 0 ? readWaterSightings(`${memoryDir}/${p.dates[d - 1]!.id}`, zoneId!, win) : null;
const { seen, neverSeen } = memoryWaterOptions(sightings, otherBlocks.length, true);
const water = waterMask(block, { others: otherBlocks, gsdM: (gsdM.x + gsdM.y) / 2, seen, neverSeen });
// Water the berth rule added (hulls moored at quays, by water-berths.ts), tinted apart.
const open = waterMask(block, { others: otherBlocks, gsdM: (gsdM.x + gsdM.y) / 2, berths: false, seen, neverSeen });
// …and water only the memory added.
const unseen = seen ? waterMask(block, { others: otherBlocks, gsdM: (gsdM.x + gsdM.y) / 2 }) : water;
const boxes = detectVessels({
  block,
  zone: inZone,
  water,
  valid: clear,
  gsdM,
  minVesselLengthM: p.settings.minVesselLengthM,
  // The moored-hull patches, as detect.ts passes them (they keep a patch at the quay from the shore test).
  berthed: water.map((w, i) => w & (open[i]! ^ 1)),
  // As vessel-errors.eval.ts passes it (caches it has not updated lack the capture time: no sun).
  sun: date.acquiredAt ? sunOverBounds(date.acquiredAt, p.grid.bounds) : undefined,
});
const truth = (date.zones[zoneId!]?.vesselBoxes ?? []).map((t) => ({
  ...t.px,
  cx: t.px.cx - win.x,
  cy: t.px.cy - win.y,
}));
const { width, height } = win;
// Water magenta where the moored-hull rule added it, blue where the water tests found it.
const rgb = zoneBackdrop(block, cloud, inZone, (i, b, v) => {
  if (water[i] && !unseen[i]) return b === 0 ? v * 0.5 + 128 : b === 1 ? v * 0.5 + 60 : v * 0.5;
  if (water[i] && !open[i]) return b === 1 ? v * 0.6 : v * 0.6 + 90;
  if (water[i]) return b === 2 ? v * 0.6 + 100 : v * 0.6;
  return v;
});
const put = plotter(rgb, width, height);
const inBox = (x: number, y: number, t: Omit<PixelBox, 'confidence'>) => {
  const u = (x - t.cx) * Math.cos(t.angle) + (y - t.cy) * Math.sin(t.angle);
  const v = -(x - t.cx) * Math.sin(t.angle) + (y - t.cy) * Math.cos(t.angle);
  return Math.abs(u) <= t.length / 2 + 2 && Math.abs(v) <= t.width / 2 + 2;
};
for (const t of truth) {
  const [c, s] = [Math.cos(t.angle), Math.sin(t.angle)];
  for (const [hl, hw] of [
    [t.length / 2, t.width / 2],
    [t.length / 2, -t.width / 2],
  ] as const) {
    for (let k = -t.length / 2; k <= t.length / 2; k += 0.5)
      put(t.cx + k * c - hw * s, t.cy + k * s + hw * c, [0, 255, 0]);
    for (let k = -t.width / 2; k <= t.width / 2; k += 0.5)
      put(t.cx + hl * c - k * s, t.cy + hl * s + k * c, [0, 255, 0]);
    for (let k = -t.width / 2; k <= t.width / 2; k += 0.5)
      put(t.cx - hl * c - k * s, t.cy - hl * s + k * c, [0, 255, 0]);
  }
}
for (const bx of boxes) {
  const c: [number, number, number] = truth.some((t) => inBox(bx.cx, bx.cy, t)) ? [255, 255, 0] : [255, 0, 0];
  for (let t = -bx.length / 2; t <= bx.length / 2; t += 0.5)
    put(bx.cx + t * Math.cos(bx.angle), bx.cy + t * Math.sin(bx.angle), c);
}
await sharp(rgb, { raw: { width, height, channels: 3 } })
  .resize(width * scale, height * scale, { kernel: 'nearest' })
  .png()
  .toFile(out!);
console.log(`window ${JSON.stringify(win)}: ${boxes.length} boxes, ${truth.length} true`);
for (const b of boxes) {
  const inZ = inZone[Math.round(b.cy) * width + Math.round(b.cx)] ? '' : ' (outside zone)';
  console.log(
    `  (${(b.cx + win.x).toFixed(0)}, ${(b.cy + win.y).toFixed(0)}) L ${b.length.toFixed(0)} W ${b.width.toFixed(0)} conf ${b.confidence.toFixed(2)}${inZ}`,
  );
}
await Promise.all([image.close(), ...others.map((o) => o.close())]);
