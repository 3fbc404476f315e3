/**
 * The whole pipeline against ground truth on generated scenes: a fresh seed and the committed one,
 * through `analyzeSeries` exactly as the server runs it (decode → warp → register → normalise →
 * survey → detect → score). Prints vessel-count MAE per zone and image, rail-car count error,
 * false change on pairs without real change, co-registration error and change precision/recall.
 *   npx tsx bench/pipeline.eval.ts [--seed N] [--dates K]
 */

import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { rasterizeZone } from '../processing/georeference.ts';
import { DEFAULT_SEED, generateSeries } from '../sample-tiles/scene.ts';
import { analyzeGenerated } from './analyze-generated.ts';
import { type ChangeTally, scoreZoneChange } from './change-score.ts';

export interface PipelineEval {
  seed: number;
  dates: number;
  vesselMae: number;
  vesselCells: number;
  railRelError: number;
  railTruth: number;
  /** Mean and worst false-change share of zone area on pairs without real change. */
  falseChangeMean: number;
  falseChangeMax: number;
  /** Worst false-change share per zone on no-change pairs (zone id → share), highest first. */
  falseChangeByZone: { zoneId: string; kind: string; worst: number; mean: number }[];
  changePrecision: number;
  changeRecall: number;
  registrationMeanPx: number;
  registrationMaxPx: number;
  seconds: number;
}

/** Generates the series for `seed` (first `dates` dates), analyses it, and scores it against the truth. */
export async function evaluatePipeline(
  seed: number,
  dates?: number,
  opts: { overlayDir?: string } = {},
): Promise<PipelineEval> {
  const only = dates ? Array.from({ length: dates }, (_, i) => i) : undefined;
  const series = await generateSeries(seed, only ? { only } : {});
  const dir = await mkdtemp(join(tmpdir(), 'bw-eval-'));
  try {
    const t0 = performance.now();
    const results = await analyzeGenerated(series, dir, join(dir, 'work'));
    const seconds = (performance.now() - t0) / 1000;
    const grid = results[0]!.analysis.grid;
    const zoneMasks = new Map(
      series.zones.features.map((z) => [
        z.properties.id,
        rasterizeZone(z, grid, { x: 0, y: 0, width: grid.width, height: grid.height }),
      ]),
    );
    let vesselErr = 0;
    let vesselCells = 0;
    let railErr = 0;
    let railTruth = 0;
    const falseChange: number[] = [];
    const byZone = new Map<string, { kind: string; values: number[] }>();
    const tally: ChangeTally = { tp: 0, fp: 0, fn: 0 };
    const regErrors: number[] = [];
    for (const [i, { analysis }] of results.entries()) {
      const truth = series.dates[i]!;
      for (const s of analysis.scores) {
        const t = truth.zones[s.zoneId];
        if (!t || t.cloudCoverage >= 0.5) continue;
        if (t.vessels !== null && s.vesselCount !== null) {
          vesselErr += Math.abs(s.vesselCount - t.vessels);
          vesselCells++;
        }
        if (t.railCars !== null && s.railCarCount !== null) {
          railErr += Math.abs(s.railCarCount - t.railCars);
          railTruth += t.railCars;
        }
      }
      const reg = analysis.image.registration;
      if (reg) {
        const dx = reg.dxM / grid.pixelWidthM;
        const dy = -reg.dyM / grid.pixelHeightM;
        const err = Math.hypot(dx - truth.shiftPx.dx, dy - truth.shiftPx.dy);
        regErrors.push(err);
        if (err > 0.3) {
          const saved = JSON.parse(await readFile(join(dir, 'work', truth.date, 'analysis.json'), 'utf8'));
          console.log(
            `  ${truth.date}: registration off by ${err.toFixed(2)} px (confidence ${reg.confidence.toFixed(2)}; ${saved.registrationNote ?? 'trusted'})`,
          );
        }
      }
      if (truth.changeMask && i > 0) {
        const ours = await readFile(join(dir, 'work', truth.date, 'change.raw'));
        const zonesFc: number[] = [];
        for (const [zoneId, mask] of zoneMasks) {
          const kind = series.zones.features.find((z) => z.properties.id === zoneId)!.properties.kind;
          if (kind === 'ignore') continue;
          const share = scoreZoneChange(mask, truth, ours, tally);
          if (share === null) continue;
          zonesFc.push(share);
          if (!truth.realChange) {
            const z = byZone.get(zoneId) ?? { kind, values: [] };
            z.values.push(share);
            byZone.set(zoneId, z);
          }
        }
        if (!truth.realChange) falseChange.push(...zonesFc);
        if (opts.overlayDir) await writeOverlay(opts.overlayDir, seed, truth, ours, grid.width, grid.height);
      }
    }
    return {
      seed,
      dates: results.length,
      vesselMae: vesselErr / Math.max(1, vesselCells),
      vesselCells,
      railRelError: railErr / Math.max(1, railTruth),
      railTruth,
      falseChangeMean: mean(falseChange),
      falseChangeMax: Math.max(0, ...falseChange),
      falseChangeByZone: [...byZone.entries()]
        .map(([zoneId, z]) => ({ zoneId, kind: z.kind, worst: Math.max(...z.values), mean: mean(z.values) }))
        .sort((a, b) => b.worst - a.worst),
      changePrecision: tally.tp / Math.max(1, tally.tp + tally.fp),
      changeRecall: tally.tp / Math.max(1, tally.tp + tally.fn),
      registrationMeanPx: mean(regErrors),
      registrationMaxPx: Math.max(0, ...regErrors),
      seconds,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes the date's image dimmed to grey with the change masks over it: green where only the truth
 * changed (missed), red where only ours did (false), yellow where both, blue-grey under cloud.
 */
async function writeOverlay(
  dir: string,
  seed: number,
  truth: { date: string; image: Buffer; changeMask: Uint8Array | null; cloudMask: Uint8Array },
  ours: Uint8Array,
  width: number,
  height: number,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const grey = await sharp(truth.image).greyscale().raw().toBuffer();
  const out = Buffer.alloc(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const g = (grey[p] ?? 0) * 0.5;
    const t = (truth.changeMask?.[p] ?? 0) > 0;
    const o = (ours[p] ?? 0) > 0;
    const rgb = truth.cloudMask[p]
      ? [g * 0.5, g * 0.5, 128]
      : t && o
        ? [255, 230, 0]
        : o
          ? [255, 0, 0]
          : t
            ? [0, 255, 0]
            : [g, g, g];
    out.set(rgb, p * 3);
  }
  await sharp(out, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(join(dir, `change-${seed}-${truth.date}.png`));
}

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);

function formatPipelineEval(r: PipelineEval): string {
  const f = (v: number, d = 3) => v.toFixed(d);
  return [
    `seed ${r.seed}, ${r.dates} dates, analysed in ${f(r.seconds, 1)} s`,
    `  vessel count MAE per zone and image  ${f(r.vesselMae)}  (${r.vesselCells} zone-dates; target ≤ 0.3)`,
    `  rail-car count error                 ${f(100 * r.railRelError, 1)} %  (of ${r.railTruth} cars; target ≤ 10 %)`,
    `  false change, no-change pairs        mean ${f(100 * r.falseChangeMean, 2)} %, worst zone ${f(100 * r.falseChangeMax, 2)} % of zone area (target ≤ 2 %)`,
    ...r.falseChangeByZone
      .slice(0, 6)
      .map(
        (z) =>
          `${`    ${z.zoneId} (${z.kind})`.padEnd(40)}worst ${f(100 * z.worst, 2)} %, mean ${f(100 * z.mean, 2)} %`,
      ),
    `  change mask vs truth                 precision ${f(r.changePrecision)}, recall ${f(r.changeRecall)}`,
    `  co-registration error               mean ${f(r.registrationMeanPx)} px, worst ${f(r.registrationMaxPx)} px (target ≤ 0.3)`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { seed: { type: 'string' }, dates: { type: 'string' }, overlays: { type: 'string' } },
  });
  const seeds = values.seed ? [Number(values.seed)] : [(Date.now() % 1_000_000) + 1, DEFAULT_SEED];
  for (const seed of seeds) {
    console.log(
      formatPipelineEval(
        await evaluatePipeline(seed, values.dates ? Number(values.dates) : undefined, {
          overlayDir: values.overlays,
        }),
      ),
    );
  }
}
