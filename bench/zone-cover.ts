/**
 * How much of the windows the detect stage reads and works on lies near its zones: per zone kind (vessel:
 * berth and anchorage; rail), the pixels of the zones' windows (their bounding boxes widened by detect.ts's
 * margin), the share of them within M pixels of the zone's own pixels (polygon, or a track's corridor) for
 * a ladder of M, and how much the windows overlap. Work on pixels farther from every zone than any rule
 * reads could be skipped; whether any are depends on that reach, which this tool does not know.
 *   npx tsx bench/zone-cover.ts --work /tmp/bw-cpu-10000 [--window-margin 48] [--reach 0,8,16,24,32,48,64]
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Zone } from '../contract/index.ts';
import { COUNTED_KINDS, ZONE_WINDOW_MARGIN } from '../processing/detect.ts';
import { rasterizeZone, zoneWindow } from '../processing/georeference.ts';
import type { Grid } from '../processing/types.ts';
import type { BenchCase } from './pipeline.bench.ts';

const { values } = parseArgs({
  options: {
    work: { type: 'string' },
    'window-margin': { type: 'string' },
    reach: { type: 'string' },
  },
});
const work = values.work ?? '/tmp/bw-cpu-10000';
const windowMargin = Number(values['window-margin'] ?? ZONE_WINDOW_MARGIN);
const reaches = (values.reach ?? '0,8,16,24,32,48,64').split(',').map(Number);

const c = JSON.parse(await readFile(join(work, 'case.json'), 'utf8')) as BenchCase;
const grid = JSON.parse(await readFile(join(work, 'grid.json'), 'utf8')) as Grid;

const INF = 1e20;

/**
 * Squared Euclidean distance from each pixel to the nearest set pixel of `mask` (Felzenszwalb and
 * Huttenlocher's two one-dimensional passes); INF-ish where the mask is empty.
 */
function squaredDistance(mask: Uint8Array, width: number, height: number): Float64Array {
  const d = new Float64Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = mask[i] ? 0 : INF;
  const line = new Float64Array(Math.max(width, height));
  const out = new Float64Array(line.length);
  // The envelope's parabola roots and bounds, shared by every row and column.
  const scratch = { v: new Int32Array(line.length), z: new Float64Array(line.length + 1) };
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) line[y] = d[y * width + x]!;
    lowerEnvelope(line, height, out, scratch);
    for (let y = 0; y < height; y++) d[y * width + x] = out[y]!;
  }
  for (let y = 0; y < height; y++) {
    line.set(d.subarray(y * width, (y + 1) * width));
    lowerEnvelope(line, width, out, scratch);
    d.set(out.subarray(0, width), y * width);
  }
  return d;
}

/** One pass: out[q] = min over p of f[p] + (q − p)², over the first `n` entries. */
function lowerEnvelope(
  f: Float64Array,
  n: number,
  out: Float64Array,
  { v, z }: { v: Int32Array; z: Float64Array },
): void {
  let k = 0;
  v[0] = 0;
  z[0] = -INF;
  z[1] = INF;
  for (let q = 1; q < n; q++) {
    let s = 0;
    for (;;) {
      const p = v[k]!;
      s = (f[q]! + q * q - (f[p]! + p * p)) / (2 * q - 2 * p);
      if (s > z[k]! || k === 0) break;
      k--;
    }
    if (s <= z[k]!) {
      v[0] = q;
      z[0] = -INF;
      z[1] = INF;
      k = 0;
      continue;
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = INF;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const p = v[k]!;
    out[q] = (q - p) * (q - p) + f[p]!;
  }
}

interface KindCover {
  windowPixels: number;
  /** Per reach: pixels of the windows within that many pixels of their zone. */
  within: number[];
}

const counted = c.zones.features.filter((z: Zone) => COUNTED_KINDS.includes(z.properties.kind));
const byKind = new Map<string, KindCover>();
const covered = new Uint8Array(grid.width * grid.height);
for (const zone of counted) {
  const window = zoneWindow(zone, grid, windowMargin);
  if (!window) continue;
  const kind = zone.properties.kind === 'rail' ? 'rail' : 'vessel';
  const cover = byKind.get(kind) ?? { windowPixels: 0, within: reaches.map(() => 0) };
  byKind.set(kind, cover);
  const d = squaredDistance(rasterizeZone(zone, grid, window), window.width, window.height);
  cover.windowPixels += d.length;
  for (const [k, r] of reaches.entries()) {
    let n = 0;
    for (const v of d) if (v <= r * r) n++;
    cover.within[k]! += n;
  }
  for (let y = window.y; y < window.y + window.height; y++)
    covered.fill(1, y * grid.width + window.x, y * grid.width + window.x + window.width);
}
let union = 0;
let total = 0;
for (const v of covered) union += v;
for (const [kind, cover] of byKind) {
  total += cover.windowPixels;
  const shares = reaches.map((r, k) => `${r}: ${(cover.within[k]! / cover.windowPixels).toFixed(3)}`).join(', ');
  console.log(
    `${kind}: windows ${(cover.windowPixels / 1e6).toFixed(2)} MP; share within M px of the zone — ${shares}`,
  );
}
console.log(`all windows ${(total / 1e6).toFixed(2)} MP, their union ${(union / 1e6).toFixed(2)} MP`);
