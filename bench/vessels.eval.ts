/**
 * Vessel accuracy on real imagery: precision/recall on sen2ships (Sentinel-2, 10 m) with the whole
 * scene as one zone and land masked by NDWI (image-based water where NIR is missing).
 * Run: npx tsx bench/vessels.eval.ts [--dump DIR]   (DIR gets one overlay PNG per port)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { boxOf, detectVessels } from '../processing/detect-vessels.ts';
import type { PixelBox } from '../processing/types.ts';
import { type WaterOptions, waterMask } from '../processing/water.ts';
import { realDataDir } from './real-data.ts';
import { loadAirbus, loadDota } from './real-vessels.ts';
import { loadSen2ships, SEN2SHIPS_PORTS } from './sen2ships.ts';
import { hits, writeVesselOverlay } from './vessel-overlay.ts';

export interface Score {
  tp: number;
  fp: number;
  fn: number;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * One-to-one matching: a detection matches a label when its centre lies in the label's bbox (± slack
 * px), nearest first. Returns the matched detection → label index pairs.
 */
export function matchPairs(dets: PixelBox[], labels: Box[], slack = 1): Map<number, number> {
  const pairs: Array<[number, number, number]> = [];
  dets.forEach((d, i) => {
    labels.forEach((l, j) => {
      if (!inside(d, l, slack)) return;
      pairs.push([Math.hypot(d.cx - (l.x + l.w / 2), d.cy - (l.y + l.h / 2)), i, j]);
    });
  });
  pairs.sort((a, b) => a[0] - b[0]);
  const matched = new Map<number, number>();
  const usedL = new Set<number>();
  for (const [, i, j] of pairs) {
    if (matched.has(i) || usedL.has(j)) continue;
    matched.set(i, j);
    usedL.add(j);
  }
  return matched;
}

const inside = (d: PixelBox, l: Box, slack: number) =>
  d.cx >= l.x - slack && d.cx <= l.x + l.w + slack && d.cy >= l.y - slack && d.cy <= l.y + l.h + slack;

/**
 * Scores `matchPairs`. Detections matching only `ignored` labels (shorter than the minimum length) are
 * neither true nor false positives.
 */
export function matchToLabels(dets: PixelBox[], labels: Box[], slack = 1, ignored: Box[] = []): Score {
  const matched = matchPairs(dets, labels, slack);
  const dontCare = dets.filter((d, i) => !matched.has(i) && ignored.some((l) => inside(d, l, slack))).length;
  return { tp: matched.size, fp: dets.length - matched.size - dontCare, fn: labels.length - matched.size };
}

/** Length of a set of pixels along its long axis, metres: as the detector measures its boxes. */
export function maskLengthM(pixels: number[], width: number, gsdM: number): number {
  return boxOf(pixels, width).length * gsdM;
}

/**
 * Length classes, metres. The labels' masks are drawn about 5 px (50 m) wide whatever the hull, so a
 * label's mask length overstates its hull by a few pixels; a detection's length is measured on its
 * pixels. Under 50 m (5 px at 10 m) a detection is barely longer than a point target's blur (a buoy
 * or a 10 m boat spreads over 2–3 px, ~26 m across): no shape tells those from a short ship.
 */
const LENGTH_CLASSES: Array<[number, number]> = [
  [0, 50],
  [50, 100],
  [100, 200],
  [200, Number.POSITIVE_INFINITY],
];

export interface ByLength {
  /** Per class: labels found / labels (by label mask length). */
  labels: Array<{ found: number; total: number }>;
  /** Per class: detections matching a label / detections (by detected length). */
  dets: Array<{ tp: number; total: number }>;
}

/**
 * Labels by where they lie: `free` on open water, `moored` with under half their pixels on the water
 * mask. At 10 m a hull alongside a quay joins the quay with no water between, and its pixels match the
 * quay rim's in NIR and NDWI (sen2ships: land pixels within 30 m of water, hull vs rest, medians and
 * quartiles within 0.05 of each other), so what tells it apart is shape and context, not colour.
 */
export interface BySetting {
  free: { found: number; total: number };
  moored: { found: number; total: number };
}

/** A label lies moored (against a quay, a pier or other hulls) when under half its pixels are water. */
export const isMoored = (pixels: number[], water: Uint8Array) =>
  2 * pixels.filter((p) => water[p]).length < pixels.length;

const classOf = (lengthM: number) => LENGTH_CLASSES.findIndex(([lo, hi]) => lengthM >= lo && lengthM < hi);

/** DOTA P0706 (marina, 0.26 m, one date, image-based water): labels shorter than the minimum are ignored. */
async function evalDota(minVesselLengthM = 20): Promise<Score & { labels: number; ignored: number }> {
  const { block, labels, gsdM } = await loadDota(realDataDir());
  const n = block.valid.length;
  const water = waterMask(block, { gsdM });
  const dets = detectVessels({
    block,
    zone: new Uint8Array(n).fill(1),
    water,
    valid: block.valid,
    gsdM: { x: gsdM, y: gsdM },
    minVesselLengthM,
  });
  const counted = labels.filter((l) => l.lengthM >= minVesselLengthM);
  const ignored = labels.filter((l) => l.lengthM < minVesselLengthM);
  return { ...matchToLabels(dets, counted, 2, ignored), labels: counted.length, ignored: ignored.length };
}

/** Airbus SPOT chips (~1.5 m): recall of the one labelled ship per chip (others there are unlabelled). */
export async function evalAirbus(minVesselLengthM = 20): Promise<{ found: number; labels: number; skipped: number }> {
  let found = 0;
  let labels = 0;
  let skipped = 0;
  for (const chip of await loadAirbus(realDataDir())) {
    if (chip.label.lengthM < minVesselLengthM) {
      skipped++;
      continue;
    }
    labels++;
    const { block } = chip;
    const n = block.valid.length;
    const water = waterMask(block, { gsdM: 1.5 });
    const dets = detectVessels({
      block,
      zone: new Uint8Array(n).fill(1),
      water,
      valid: block.valid,
      gsdM: { x: 1.5, y: 1.5 },
      minVesselLengthM,
    });
    if (matchToLabels(dets, [chip.label], 2).tp) found++;
  }
  return { found, labels, skipped };
}

/**
 * Detects vessels on one sen2ships port at `minVesselLengthM` and scores them, also by length class.
 * `offWater` counts the missed labels lying mostly (over half their pixels) off the water mask: the
 * detector never saw them. With `dumpDir`, writes `<port>.png` (see vessel-overlay.ts) there to look at,
 * `<port>-nocoarse.png` without the moored-hull test at 10 m.
 * `waterOptions.coarseBerths: false` turns off that test (water-moored.ts), as a reference.
 */
export async function evalSen2shipsPort(
  port: string,
  minVesselLengthM = 30,
  dumpDir?: string,
  waterOptions: Pick<WaterOptions, 'coarseBerths'> = {},
): Promise<Score & { ms: number; offWater: number; byLength: ByLength; bySetting: BySetting }> {
  const scene = await loadSen2ships(realDataDir(), port);
  const t0 = performance.now();
  const { block, gsdM } = scene;
  const n = block.valid.length;
  const gsd = Math.sqrt(gsdM.x * gsdM.y);
  const berthed = new Uint8Array(n);
  const water = waterMask(block, { gsdM: gsd, ...waterOptions, berthed });
  const zone = new Uint8Array(n).fill(1);
  const dets = detectVessels({ block, zone, water, valid: block.valid, gsdM, minVesselLengthM, berthed });
  const ms = performance.now() - t0;
  const offWater = scene.labels.filter((l) => !dets.some((d) => hits(d, l)) && isMoored(l.pixels, water)).length;
  if (dumpDir) {
    const file = `${port}${waterOptions.coarseBerths === false ? '-nocoarse' : ''}.png`;
    await writeVesselOverlay(join(dumpDir, file), block, water, scene.labels, dets, 2);
  }
  const matched = matchPairs(dets, scene.labels);
  const found = new Set(matched.values());
  // Free or moored by the plain NDWI water (without the moored hulls, which would move labels).
  const plain = waterMask(block, { gsdM: gsd, berths: false });
  const bySetting: BySetting = { free: { found: 0, total: 0 }, moored: { found: 0, total: 0 } };
  scene.labels.forEach((l, j) => {
    const c = isMoored(l.pixels, plain) ? bySetting.moored : bySetting.free;
    c.total++;
    if (found.has(j)) c.found++;
  });
  const byLength: ByLength = {
    labels: LENGTH_CLASSES.map(() => ({ found: 0, total: 0 })),
    dets: LENGTH_CLASSES.map(() => ({ tp: 0, total: 0 })),
  };
  scene.labels.forEach((l, j) => {
    const c = byLength.labels[classOf(maskLengthM(l.pixels, block.window.width, gsd))]!;
    c.total++;
    if (found.has(j)) c.found++;
  });
  dets.forEach((d, i) => {
    const c = byLength.dets[classOf(d.length * gsd)]!;
    c.total++;
    if (matched.has(i)) c.tp++;
  });
  return { ...matchToLabels(dets, scene.labels), ms, offWater, byLength, bySetting };
}

const pr = (s: Score) => ({
  p: s.tp + s.fp ? s.tp / (s.tp + s.fp) : 1,
  r: s.tp + s.fn ? s.tp / (s.tp + s.fn) : 1,
});

const ratio = (a: number, b: number) => (b ? (a / b).toFixed(2) : '  – ');

/** Scores every sen2ships port with one setting; prints per port, pooled, by length and free/moored. */
async function reportSen2ships(
  minVesselLengthM: number,
  waterOptions: Pick<WaterOptions, 'coarseBerths'>,
  dumpDir?: string,
): Promise<void> {
  const pooled: Score = { tp: 0, fp: 0, fn: 0 };
  let offWater = 0;
  const byLength: ByLength = {
    labels: LENGTH_CLASSES.map(() => ({ found: 0, total: 0 })),
    dets: LENGTH_CLASSES.map(() => ({ tp: 0, total: 0 })),
  };
  const bySetting: BySetting = { free: { found: 0, total: 0 }, moored: { found: 0, total: 0 } };
  for (const port of SEN2SHIPS_PORTS) {
    const s = await evalSen2shipsPort(port, minVesselLengthM, dumpDir, waterOptions);
    offWater += s.offWater;
    s.byLength.labels.forEach((c, k) => {
      byLength.labels[k]!.found += c.found;
      byLength.labels[k]!.total += c.total;
    });
    s.byLength.dets.forEach((c, k) => {
      byLength.dets[k]!.tp += c.tp;
      byLength.dets[k]!.total += c.total;
    });
    for (const key of ['free', 'moored'] as const) {
      bySetting[key].found += s.bySetting[key].found;
      bySetting[key].total += s.bySetting[key].total;
    }
    pooled.tp += s.tp;
    pooled.fp += s.fp;
    pooled.fn += s.fn;
    const { p, r } = pr(s);
    console.log(
      `  ${port.padEnd(14)} P ${p.toFixed(2)}  R ${r.toFixed(2)}  (tp ${s.tp}, fp ${s.fp}, fn ${s.fn} of which ${s.offWater} off the water mask; ${s.ms.toFixed(0)} ms)`,
    );
  }
  const { p, r } = pr(pooled);
  console.log(
    `  ${'pooled'.padEnd(14)} P ${p.toFixed(2)}  R ${r.toFixed(2)}  (tp ${pooled.tp}, fp ${pooled.fp}, fn ${pooled.fn} of which ${offWater} off the water mask)`,
  );
  const { free, moored } = bySetting;
  console.log(
    `  recall on open water ${ratio(free.found, free.total)} (${free.found}/${free.total}); moored (label mostly off the NDWI water) ${ratio(moored.found, moored.total)} (${moored.found}/${moored.total})`,
  );
  const range = ([lo, hi]: [number, number]) => (Number.isFinite(hi) ? `${lo}–${hi} m` : `≥ ${lo} m`);
  console.log('  by length (recall: label mask length; precision: detected length), pooled:');
  LENGTH_CLASSES.forEach((c, k) => {
    const l = byLength.labels[k]!;
    const d = byLength.dets[k]!;
    console.log(
      `    ${range(c).padEnd(12)} R ${ratio(l.found, l.total)} (${l.found}/${l.total})   P ${ratio(d.tp, d.total)} (${d.tp}/${d.total})`,
    );
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dump: { type: 'string' }, 'min-length': { type: 'string' } } });
  if (values.dump) mkdirSync(values.dump, { recursive: true });
  // 30 m is 3 pixels at 10 m; under 50 m a detection is no longer than a point target's blur (see
  // LENGTH_CLASSES), so --min-length 50 shows what shape can still vouch for.
  const minLength = Number(values['min-length'] ?? 30);
  console.log(`sen2ships (Sentinel-2 10 m), minVesselLengthM ${minLength}, whole scene as one zone`);
  await reportSen2ships(minLength, {}, values.dump);
  // Without the moored-hull test at 10 m, for reference (what the pipeline did before it was on).
  console.log('sen2ships without coarseBerths (no moored-hull test at 10 m):');
  await reportSen2ships(minLength, { coarseBerths: false }, values.dump);
  const dota = await evalDota(20);
  const d = pr(dota);
  console.log(
    `DOTA P0706 marina (0.26 m), minVesselLengthM 20: P ${d.p.toFixed(2)}  R ${d.r.toFixed(2)}  (tp ${dota.tp}, fp ${dota.fp}, fn ${dota.fn}; ${dota.labels} ships ≥ 20 m, ${dota.ignored} shorter ignored)`,
  );
  const airbus = await evalAirbus(20);
  console.log(
    `Airbus chips (~1.5 m), minVesselLengthM 20: recall ${(airbus.found / Math.max(1, airbus.labels)).toFixed(2)} (${airbus.found}/${airbus.labels}; ${airbus.skipped} labels shorter than 20 m skipped)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
