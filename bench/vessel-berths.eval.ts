/**
 * What the moored-hull rule (water-berths.ts) adds to the water mask on a prepared generated series
 * (bench/vessel-errors.eval.ts's work folder): each patch it adds in a berth zone's window, with its
 * share of the outline on the water found before the rule, its long axis against the shore, and the
 * share of it on a true hull. Shows which patch measures separate hulls from quay and pier patches.
 *   npx tsx bench/vessel-berths.eval.ts WORK [--dates 0,3,7]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { labelComponents } from '../processing/components.ts';
import { boxOf } from '../processing/detect-vessels.ts';
import { zoneWindow } from '../processing/georeference.ts';
import { openPrepared } from '../processing/prepared.ts';
import type { Grid } from '../processing/types.ts';
import { waterMask } from '../processing/water.ts';
import type { generateSeries, ZoneTruth } from '../sample-tiles/scene.ts';

interface PreparedMeta {
  grid: Grid;
  zones: Awaited<ReturnType<typeof generateSeries>>['zones'];
  dates: Array<{ id: string; dir: string; zones: Record<string, ZoneTruth> }>;
}

const { values, positionals } = parseArgs({ options: { dates: { type: 'string' } }, allowPositionals: true });
const work = positionals[0]!;
const p = JSON.parse(await readFile(`${work}/prepared.json`, 'utf8')) as PreparedMeta;
const which = values.dates ? values.dates.split(',').map(Number) : p.dates.map((_, i) => i);
const gsdM = (p.grid.pixelWidthM + p.grid.pixelHeightM) / 2;
const rows: Array<{ hull: number; contact: number; area: number }> = [];
for (const d of which) {
  const date = p.dates[d]!;
  const image = await openPrepared(date.dir);
  const others = await Promise.all(p.dates.slice(Math.max(0, d - 3), d).map((o) => openPrepared(o.dir)));
  for (const z of p.zones.features) {
    if (z.properties.kind !== 'berth') continue;
    const w = zoneWindow(z, p.grid, 48)!;
    const block = await image.read(w);
    const ob = await Promise.all(others.map((o) => o.read(w)));
    const before = waterMask(block, { others: ob, gsdM, berths: false });
    const after = waterMask(block, { others: ob, gsdM });
    const added = after.map((v, i) => v & (before[i]! ^ 1));
    const { labels, components } = labelComponents(added, w.width, w.height, { connectivity: 8 });
    const contact = berthPatchContact(labels, components.length, before, w.width, w.height);
    const pix: number[][] = components.map(() => []);
    for (let i = 0; i < labels.length; i++) if (labels[i]) pix[labels[i]! - 1]!.push(i);
    const truth = date.zones[z.properties.id]?.vesselBoxes ?? [];
    const onHull = (i: number) => {
      const x = (i % w.width) + w.x;
      const y = Math.floor(i / w.width) + w.y;
      return truth.some((t) => {
        const c = Math.cos(t.px.angle);
        const s = Math.sin(t.px.angle);
        const u = (x - t.px.cx) * c + (y - t.px.cy) * s;
        const v = -(x - t.px.cx) * s + (y - t.px.cy) * c;
        return Math.abs(u) <= t.px.length / 2 + 1 && Math.abs(v) <= t.px.width / 2 + 1;
      });
    };
    for (const [k, px] of pix.entries()) {
      if (px.length < 20) continue;
      const hull = px.filter(onHull).length / px.length;
      const b = boxOf(px, w.width);
      rows.push({ hull, contact: contact[k + 1]!, area: px.length });
      console.log(
        `${date.id} ${z.properties.id.padEnd(9)} at (${(b.cx + w.x).toFixed(0)}, ${(b.cy + w.y).toFixed(0)}) ` +
          `area ${px.length} L ${b.length.toFixed(0)} W ${b.width.toFixed(0)} contact ${contact[k + 1]!.toFixed(2)} on-hull ${hull.toFixed(2)}`,
      );
    }
  }
  await Promise.all([image.close(), ...others.map((o) => o.close())]);
}
for (const t of [0.1, 0.15, 0.2, 0.25, 0.3]) {
  const hullLost = rows.filter((r) => r.hull >= 0.5 && r.contact < t).length;
  const landDropped = rows.filter((r) => r.hull < 0.5 && r.contact < t).length;
  console.log(
    `contact < ${t}: drops ${landDropped} of ${rows.filter((r) => r.hull < 0.5).length} non-hull patches, ${hullLost} of ${rows.filter((r) => r.hull >= 0.5).length} hull patches`,
  );
}

/**
 * For each labelled patch (labels 1..count, 8-connected), the share of its outer ring (pixels
 * 8-adjacent to it, outside it) that is `water`; index 0 is unused.
 */
function berthPatchContact(
  labels: Int32Array,
  count: number,
  water: Uint8Array,
  width: number,
  height: number,
): Float64Array {
  const ring = new Float64Array(count + 1);
  const wet = new Float64Array(count + 1);
  const seen: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (labels[i]) continue;
      seen.length = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const l = labels[yy * width + xx]!;
          if (l && !seen.includes(l)) seen.push(l);
        }
      }
      for (const l of seen) {
        ring[l]!++;
        wet[l]! += water[i]!;
      }
    }
  }
  const out = new Float64Array(count + 1);
  for (let l = 1; l <= count; l++) out[l] = ring[l]! ? wet[l]! / ring[l]! : 0;
  return out;
}
