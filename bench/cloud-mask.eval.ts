/**
 * The cloud/haze mask against the generator's truth clouds, on prepared (registered, normalised) images
 * that bench/railcars.eval.ts left in its work folder: recomputes each date's mask with the current
 * processing/mask.ts, strip by strip and chained date to date as processing/survey.ts does (each date's
 * reference is the previous date's clear pixels), and prints per date the share of truth cloud masked
 * (recall), the share of the mask that is truth cloud or its soft edge (precision), and the rail zones'
 * clear share against the truth's. With `--out DIR` it writes the masks as DIR/<date>/obscured.raw, which
 * `bench/railcars.eval.ts --cloud-dir DIR` reads instead of the pipeline's.
 * `--block` masks each date as one block instead (a mask must not depend on the strip height).
 *   npx tsx bench/cloud-mask.eval.ts --seed N [--seed M …] [--dates K] [--work DIR] [--out DIR] [--block]
 */

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rasterizeZone } from '../processing/georeference.ts';
import { cloudMask } from '../processing/mask.ts';
import { openPrepared } from '../processing/prepared.ts';
import { stripRows } from '../processing/survey.ts';
import type { Block, Grid, Window } from '../processing/types.ts';
import { generateSeries } from '../sample-tiles/scene.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', multiple: true },
    work: { type: 'string' },
    out: { type: 'string' },
    date: { type: 'string', multiple: true },
    /** The work folder's date count (railcars.eval.ts --dates K; default 15). */
    dates: { type: 'string' },
    /** Mask each date as one block instead of strip by strip (to see what the strips change). */
    block: { type: 'boolean' },
  },
});
const seeds = values.seed?.length ? values.seed.map(Number) : [20251];
const workRoot = values.work ?? join(tmpdir(), 'bw-railcars');
/** As survey.ts: the strip margin (the change margin, at least 8 px). */
const MARGIN = 8;

/** Truth cloud masks (255 cloud, 128 its shadow) of every date, painted once and kept beside the work folder. */
async function truthClouds(seed: number, dir: string, dates: string[]): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const cache = join(dir, 'truth-cloud');
  if (dates.every((d) => existsSync(join(cache, `${d}.u8`)))) {
    for (const d of dates) out.set(d, new Uint8Array(await readFile(join(cache, `${d}.u8`))));
    return out;
  }
  const series = await generateSeries(seed, { only: dates.map((_, i) => i) });
  await mkdir(cache, { recursive: true });
  for (const d of series.dates) {
    out.set(d.date, d.cloudMask);
    await writeFile(join(cache, `${d.date}.u8`), d.cloudMask);
  }
  return out;
}

/** One date's mask over the whole grid, strip by strip as survey.ts computes it. */
async function maskDate(dir: string, grid: Grid, prev: { dir: string; cloud: Uint8Array } | null): Promise<Uint8Array> {
  const image = await openPrepared(dir);
  const before = prev ? await openPrepared(prev.dir) : null;
  const gsdM = (grid.pixelWidthM + grid.pixelHeightM) / 2;
  const out = new Uint8Array(grid.width * grid.height);
  try {
    const rows = values.block ? grid.height : stripRows(grid);
    for (let y0 = 0; y0 < grid.height; y0 += rows) {
      const top = Math.max(0, y0 - MARGIN);
      const outer: Window = {
        x: 0,
        y: top,
        width: grid.width,
        height: Math.min(grid.height, y0 + rows + MARGIN) - top,
      };
      const cur = await image.read(outer);
      let reference: Block | undefined;
      let referenceSeen: Uint8Array | undefined;
      if (before && prev) {
        const b = await before.read(outer);
        const clear = new Uint8Array(b.valid.length);
        const off = top * grid.width;
        for (let i = 0; i < clear.length; i++) clear[i] = b.valid[i]! & (prev.cloud[off + i]! ^ 1);
        reference = { ...b, valid: clear };
        referenceSeen = b.valid;
      }
      const m = cloudMask(cur, { gsdM, ...(reference ? { reference, referenceSeen } : {}) });
      const core = Math.min(rows, grid.height - y0);
      out.set(m.subarray((y0 - top) * grid.width, (y0 - top + core) * grid.width), y0 * grid.width);
    }
  } finally {
    await Promise.all([image.close(), before?.close()]);
  }
  return out;
}

/** Truth cloud dilated by `r` px: a mask's soft-edge margin there is not a false alarm. */
function dilated(truth: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const out = new Uint8Array(truth.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (truth[y * width + x] !== 255) continue;
      // Only edge pixels spread: an interior one's square lies inside its neighbours'.
      const edge =
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        truth[y * width + x - 1] !== 255 ||
        truth[y * width + x + 1] !== 255 ||
        truth[(y - 1) * width + x] !== 255 ||
        truth[(y + 1) * width + x] !== 255;
      if (!edge) {
        out[y * width + x] = 1;
        continue;
      }
      for (let j = Math.max(0, y - r); j <= Math.min(height - 1, y + r); j++)
        for (let i = Math.max(0, x - r); i <= Math.min(width - 1, x + r); i++) out[j * width + i] = 1;
    }
  }
  return out;
}

for (const seed of seeds) {
  const dir = join(workRoot, String(seed), values.dates ?? '15');
  const grid = JSON.parse(await readFile(join(dir, 'grid.json'), 'utf8')) as Grid;
  const truthFile = JSON.parse(await readFile(join(dir, 'truth.json'), 'utf8')) as {
    zones: { features: Parameters<typeof rasterizeZone>[0][] };
    dates: { date: string }[];
  };
  const dates = truthFile.dates.map((d) => d.date);
  const truth = await truthClouds(seed, dir, dates);
  const all: Window = { x: 0, y: 0, width: grid.width, height: grid.height };
  const rail = truthFile.zones.features
    .filter((z) => z.properties.kind === 'rail' && z.geometry.type !== 'LineString')
    .map((z) => ({ id: z.properties.id, mask: rasterizeZone(z, grid, all) }));
  let prev: { dir: string; cloud: Uint8Array } | null = null;
  let fp = 0;
  let tp = 0;
  let truthN = 0;
  for (const date of dates) {
    const work = join(dir, 'work', date);
    const t0 = performance.now();
    const mask = await maskDate(work, grid, prev);
    const ms = performance.now() - t0;
    prev = { dir: work, cloud: mask };
    if (values.out) {
      await mkdir(join(values.out, String(seed), date), { recursive: true });
      await writeFile(join(values.out, String(seed), date, 'obscured.raw'), mask);
    }
    if (values.date && !values.date.includes(date)) continue;
    const t = truth.get(date)!;
    const near = dilated(t, grid.width, grid.height, 30);
    let masked = 0;
    let hit = 0;
    let cloudPx = 0;
    let stray = 0;
    for (let i = 0; i < mask.length; i++) {
      if (t[i] === 255) {
        cloudPx++;
        hit += mask[i]!;
      }
      if (mask[i]) {
        masked++;
        if (!near[i]) stray++;
      }
    }
    tp += hit;
    truthN += cloudPx;
    fp += stray;
    const zones = rail.map(({ id, mask: z }) => {
      let n = 0;
      let clear = 0;
      let truthClear = 0;
      for (let i = 0; i < z.length; i++) {
        if (!z[i]) continue;
        n++;
        clear += mask[i]! ^ 1;
        truthClear += t[i] === 255 ? 0 : 1;
      }
      return `${id} clear ${(clear / n).toFixed(2)} (truth ${(truthClear / n).toFixed(2)})`;
    });
    console.log(
      `${seed} ${date} truth cloud ${cloudPx} px, masked ${masked} px: recall ${cloudPx ? (hit / cloudPx).toFixed(3) : '  -  '}` +
        `, masked beyond 30 px of cloud ${stray} px  ${zones.join('  ')}  (${ms.toFixed(0)} ms)`,
    );
  }
  console.log(
    `seed ${seed}: recall ${(tp / Math.max(1, truthN)).toFixed(3)} of ${truthN} cloud px; masked beyond 30 px of cloud ${fp} px`,
  );
}
