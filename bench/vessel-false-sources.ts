/**
 * Which water the false detections of vessel-errors.eval.ts lie on: for each `false:*` line of its
 * --list output, the 7×7 pixels around the detection's centre are sorted by the mask that made them
 * water, as detect.ts builds it for the zone's window (48 px margin, the three previous dates, the
 * site's memory when MEMORY is given): `land` (not water at all), `berthed` (added by the moored-hull
 * rule, water-berths.ts), `memory` (added only by the site's memory of open water), `land-hued`
 * (the water tests' own water with the land's hue on this date: a shadow on the quay, or apron that
 * another date's vote made water), `open` (the rest). Prints each false detection with its shares
 * and the source most of its pixels came from, then counts by source, by zone and by category.
 *   npx tsx bench/vessel-errors.eval.ts --seed S --work W --memory M --list > list.txt
 *   npx tsx bench/vessel-false-sources.ts W list.txt [M]
 * (M: the eval's memory folder, read as it was before each date; without it, no memory.)
 */
import { readFile } from 'node:fs/promises';
import { memoryWaterOptions } from '../processing/detect.ts';
import { zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import type { Grid } from '../processing/types.ts';
import { keepWaterHued, waterMask } from '../processing/water.ts';
import { readWaterSightings } from '../processing/water-memory.ts';
import type { generateSeries } from '../sample-tiles/scene.ts';

interface PreparedMeta {
  grid: Grid;
  zones: Awaited<ReturnType<typeof generateSeries>>['zones'];
  dates: Array<{ id: string; dir: string }>;
}

interface FalseHit {
  date: string;
  zone: string;
  category: string;
  line: string;
  x: number;
  y: number;
}

const SOURCES = ['land', 'berthed', 'memory', 'land-hued', 'open'] as const;
type Source = (typeof SOURCES)[number];
/** Half the side of the square read around a detection's centre, pixels. */
const HALF = 3;

const [work, listPath, memoryDir] = process.argv.slice(2);
if (!work || !listPath) throw new Error('usage: vessel-false-sources.ts WORK LIST [MEMORY]');
const p = JSON.parse(await readFile(`${work}/prepared.json`, 'utf8')) as PreparedMeta;
const gsdM = (p.grid.pixelWidthM + p.grid.pixelHeightM) / 2;

// The list: "  DATE ZONE (kind): …" heads each zone-date, "    false:CAT L … at (x, y)" follows.
const hits: FalseHit[] = [];
let head: { date: string; zone: string } | null = null;
for (const line of (await readFile(listPath, 'utf8')).split('\n')) {
  const h = /^ {2}(\d{4}-\d{2}-\d{2}) (\S+) \(/.exec(line);
  if (h) head = { date: h[1]!, zone: h[2]! };
  const f = /^ {4}(false:\S+) .* at \((\d+), (\d+)\)/.exec(line);
  if (f && head) hits.push({ ...head, category: f[1]!, line: line.trim(), x: Number(f[2]), y: Number(f[3]) });
}

const counts = new Map<string, number>();
const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
const byZoneDate = new Map<string, FalseHit[]>();
for (const h of hits) {
  const key = `${h.date} ${h.zone}`;
  byZoneDate.set(key, [...(byZoneDate.get(key) ?? []), h]);
}
for (const [key, group] of byZoneDate) {
  const { date, zone: zoneId } = group[0]!;
  const d = p.dates.findIndex((x) => x.id === date);
  const zone = p.zones.features.find((z) => z.properties.id === zoneId);
  const win = zone && zoneWindow(zone, p.grid, 48);
  if (d < 0 || !win) throw new Error(`no date or zone for ${key}`);
  const image = await openPrepared(p.dates[d]!.dir);
  const others = await Promise.all(p.dates.slice(Math.max(0, d - 3), d).map((o) => openPrepared(o.dir)));
  const block = await image.read(win);
  const otherBlocks = await Promise.all(others.map((o) => o.read(win)));
  const sightings = memoryDir && d > 0 ? readWaterSightings(`${memoryDir}/${p.dates[d - 1]!.id}`, zoneId, win) : null;
  const { seen, neverSeen } = memoryWaterOptions(sightings, otherBlocks.length, true);
  const opts = { others: otherBlocks, gsdM };
  const water = waterMask(block, { ...opts, seen, neverSeen });
  const open = waterMask(block, { ...opts, seen, neverSeen, berths: false });
  const own = waterMask(block, { ...opts, berths: false });
  const hued = own.slice();
  keepWaterHued(block, hued);
  const sourceAt = (i: number): Source =>
    !water[i] ? 'land' : !open[i] ? 'berthed' : !own[i] ? 'memory' : !hued[i] ? 'land-hued' : 'open';
  for (const h of group) {
    const share = new Map<Source, number>(SOURCES.map((s) => [s, 0]));
    let total = 0;
    for (let y = h.y - win.y - HALF; y <= h.y - win.y + HALF; y++) {
      for (let x = h.x - win.x - HALF; x <= h.x - win.x + HALF; x++) {
        if (x < 0 || y < 0 || x >= win.width || y >= win.height) continue;
        const s = sourceAt(y * win.width + x);
        share.set(s, share.get(s)! + 1);
        total++;
      }
    }
    const main = [...share].sort((a, b) => b[1] - a[1])[0]![0];
    const shares = SOURCES.filter((s) => share.get(s)).map((s) => `${s} ${(share.get(s)! / total).toFixed(2)}`);
    console.log(`${key}: ${h.line} → ${main} (${shares.join(', ')})`);
    add(`source ${main}`);
    add(`zone ${h.zone} ${main}`);
    add(`category ${h.category} ${main}`);
  }
  await Promise.all([image.close(), ...others.map((o) => o.close())]);
}
console.log(`${hits.length} false detections`);
for (const [k, v] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) console.log(`  ${k}: ${v}`);
