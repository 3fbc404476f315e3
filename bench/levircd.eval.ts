/**
 * Real change detection quality: our change mask vs LEVIR-CD building-change labels, against a plain
 * CVA + Otsu baseline computed in the same run. `npx tsx bench/levircd.eval.ts` prints pooled
 * precision / recall / F1 of both and the per-pair numbers.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { memoryReader } from '../processing/block-reader.ts';
import { type ChangeOptions, changeMask } from '../processing/change.ts';
import { applyNormalization, fitNormalization } from '../processing/normalize.ts';
import { rgbBlock } from '../processing/testing/rgb-block.ts';
import type { Block } from '../processing/types.ts';
import { realDataDir } from './real-data.ts';

export interface Scores {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface LevirResult {
  ours: Scores;
  baseline: Scores;
  pairs: { name: string; ours: Scores; baseline: Scores; changedShare: number }[];
}

async function readLabel(file: string): Promise<Uint8Array> {
  const { data } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  return Uint8Array.from(data, (v) => (v > 127 ? 1 : 0));
}

function score(pred: Uint8Array, truth: Uint8Array): Scores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < pred.length; i++) {
    if (pred[i] && truth[i]) tp++;
    else if (pred[i]) fp++;
    else if (truth[i]) fn++;
  }
  return finish(tp, fp, fn);
}

function finish(tp: number, fp: number, fn: number): Scores {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 1;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 1;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, fn, precision, recall, f1 };
}

function pool(all: Scores[]): Scores {
  return finish(
    all.reduce((s, x) => s + x.tp, 0),
    all.reduce((s, x) => s + x.fp, 0),
    all.reduce((s, x) => s + x.fn, 0),
  );
}

/** Otsu's (1979) threshold of values over a 256-bin histogram of [0, max]. */
function otsu(values: Float32Array): number {
  let max = 0;
  for (const v of values) max = Math.max(v, max);
  if (max === 0) return 0;
  const hist = new Float64Array(256);
  for (const v of values) hist[Math.min(255, Math.floor((v / max) * 256))]! += 1;
  const total = values.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * hist[i]!;
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let bestVar = -1;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > bestVar) {
      bestVar = between;
      best = t;
    }
  }
  return ((best + 1) / 256) * max;
}

/** Change vector analysis: |B − A| over RGB, thresholded by Otsu. The textbook unsupervised baseline. */
export function cvaOtsu(a: Block, b: Block): Uint8Array {
  const n = a.valid.length;
  const mag = new Float32Array(n);
  for (let k = 0; k < a.bands.length; k++) {
    const x = a.bands[k]!;
    const y = b.bands[k]!;
    for (let i = 0; i < n; i++) mag[i]! += (y[i]! - x[i]!) ** 2;
  }
  for (let i = 0; i < n; i++) mag[i] = Math.sqrt(mag[i]!);
  const t = otsu(mag);
  return Uint8Array.from(mag, (v) => (v > t ? 1 : 0));
}

/** LEVIR-CD's ground sample distance, m. */
const GSD_M = 0.5;
/** Smallest change worth reporting, m²: a shed or a car port. Sets the minimum blob size from the GSD. */
const MIN_OBJECT_M2 = 30;

/**
 * Our pipeline on one pair: normalise B to A (no shift: LEVIR pairs are co-registered), then the
 * change mask, with greyness judged on the un-normalised B.
 */
export async function ourChange(a: Block, b: Block, opts: ChangeOptions = {}): Promise<Uint8Array> {
  const norm = await fitNormalization(memoryReader(a), memoryReader(b), { dx: 0, dy: 0 });
  const normalised = applyNormalization({ ...b, bands: b.bands.map((x) => Float32Array.from(x)) }, norm);
  return changeMask(a, normalised, {
    minAreaPx: Math.round(MIN_OBJECT_M2 / GSD_M ** 2),
    chroma: { previous: a, current: b },
    ...opts,
  });
}

/** Runs both methods over every labelled pair in levircd-samples. */
export async function evaluateLevir(opts: ChangeOptions = {}): Promise<LevirResult> {
  const dir = join(realDataDir(), 'levircd-samples');
  const names = readdirSync(join(dir, 'label'))
    .filter((f) => f.endsWith('.png'))
    .sort();
  const pairs: LevirResult['pairs'] = [];
  for (const name of names) {
    const a = await rgbBlock(join(dir, 'A', name));
    const b = await rgbBlock(join(dir, 'B', name));
    const truth = await readLabel(join(dir, 'label', name));
    const base = score(cvaOtsu(a, b), truth);
    const ours = score(await ourChange(a, b, opts), truth);
    const changedShare = truth.reduce((s, v) => s + v, 0) / truth.length;
    pairs.push({ name, ours, baseline: base, changedShare });
  }
  return { ours: pool(pairs.map((p) => p.ours)), baseline: pool(pairs.map((p) => p.baseline)), pairs };
}

const f = (s: Scores) => `P ${s.precision.toFixed(3)}  R ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t0 = performance.now();
  const r = await evaluateLevir();
  for (const p of r.pairs) {
    console.log(
      `${p.name.padEnd(26)} changed ${(p.changedShare * 100).toFixed(1).padStart(4)} %  ours ${f(p.ours)}  |  CVA+Otsu ${f(p.baseline)}`,
    );
  }
  console.log(`\npooled over ${r.pairs.length} pairs (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  console.log(`  ours      ${f(r.ours)}`);
  console.log(`  CVA+Otsu  ${f(r.baseline)}`);
  console.log(`  F1 gain   ${(r.ours.f1 - r.baseline.f1).toFixed(3)}`);
}
