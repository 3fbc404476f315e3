/**
 * Leave-one-port-out check of limits of the 10 m moored-hull path on sen2ships. There is no held-out
 * 10 m set with moored labels, so a limit tuned on the four ports is scored here as if it had been
 * chosen on three: for each port, the value with the best pooled F1 on the other three (ties: the one
 * listed first) is applied to it, and the four held-out scores are pooled. Prints per value the per-port
 * tp/fp/fn and pooled P/R/F1, then the held-out choice and score per port, and both pooled figures.
 * Runs the product's path: the plain water mask, `mooredHullsCoarse` on it with the limit set (its
 * patches joined to the water as `waterMask` joins them) and `detectVessels` with the `berthed` patches.
 *   BERTHWATCH_REAL_DATA=… npx tsx bench/sen2ships-lopo.ts --limit maxPatchNdwi --values=-0.10,-0.13,-0.16
 * Several limits at once: each candidate a set of them (list the defaults first: ties go to the first),
 *   … --sets '[{}, {"minPatchPx": 4, "berthedShoreZ": 12}]'
 * Limits: maxPatchNdwi, minPatchPx, maxResidual, maxBeamM, maxBehindNdvi, maxInsetPx, minOutboardShare,
 * outboardReachPx, toothRadiusM, maxToothLengthM, minToothElongation, minFaceElongation, minFaceStepPx,
 * minOtherFaceStepPx, maxRowLengthM, minRowRidges, minRidgeRise, maxPierLengthM, minShelfPx, minShelfNir,
 * maxShelfNir, minQuayRampPx, minQuayRampNir, maxQuayRampNir, minQuayShelfPx, maxQuayShelfLengthM,
 * minQuayShelfElongation, minQuayBulgePx, maxQuayRidgeBackNir, minQuayRidgePx, minQuayJointBulgePx (water-moored.ts); minNarrowHullGapM
 * (water-berths.ts); berthedShoreZ, coarseSeedZ, shoreZ, maxCoarseWidthM, maxMooredPieceGapM,
 * maxCoarseBeadDips (detect-vessels.ts). `Infinity` is
 * accepted as a value.
 */
import { parseArgs } from 'node:util';
import { detectOnPort, loadPortWithPlainWater, SEN2SHIPS_PORTS } from './sen2ships.ts';
import { matchToLabels, type Score } from './vessels.eval.ts';

const MOORED_LIMITS = [
  'maxPatchNdwi',
  'minPatchPx',
  'maxResidual',
  'maxBeamM',
  'maxBehindNdvi',
  'maxInsetPx',
  'minOutboardShare',
  'outboardReachPx',
  'toothRadiusM',
  'maxToothLengthM',
  'minToothElongation',
  'minNarrowHullGapM',
  'minFaceElongation',
  'minFaceStepPx',
  'minOtherFaceStepPx',
  'maxRowLengthM',
  'minRowRidges',
  'minRidgeRise',
  'maxPierLengthM',
  'minShelfPx',
  'minShelfNir',
  'maxShelfNir',
  'minQuayRampPx',
  'minQuayRampNir',
  'maxQuayRampNir',
  'minQuayShelfPx',
  'maxQuayShelfLengthM',
  'minQuayShelfElongation',
  'minQuayBulgePx',
  'maxQuayRidgeBackNir',
  'minQuayRidgePx',
  'minQuayJointBulgePx',
] as const;
const DETECTOR_LIMITS = [
  'berthedShoreZ',
  'coarseSeedZ',
  'shoreZ',
  'maxCoarseWidthM',
  'maxMooredPieceGapM',
  'maxCoarseBeadDips',
] as const;

const f1 = (s: Score) => (s.tp ? (2 * s.tp) / (2 * s.tp + s.fp + s.fn) : 0);
const add = (a: Score, b: Score): Score => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn });
const zero = (): Score => ({ tp: 0, fp: 0, fn: 0 });
const fmt = (s: Score) => {
  const p = s.tp + s.fp ? s.tp / (s.tp + s.fp) : 1;
  const r = s.tp + s.fn ? s.tp / (s.tp + s.fn) : 1;
  return `P ${p.toFixed(2)} R ${r.toFixed(2)} F1 ${f1(s).toFixed(3)} (tp ${s.tp}, fp ${s.fp}, fn ${s.fn})`;
};

/** Values of some limits; the others keep their defaults. */
export type LimitSet = Record<string, number>;

/** A set's limits as the moored-hull step's options and the detector's (a limit in neither throws). */
export function splitLimits(set: LimitSet): { hull: LimitSet; det: LimitSet } {
  const hull: LimitSet = {};
  const det: LimitSet = {};
  for (const [name, v] of Object.entries(set)) {
    if ((MOORED_LIMITS as readonly string[]).includes(name)) hull[name] = v;
    else if ((DETECTOR_LIMITS as readonly string[]).includes(name)) det[name] = v;
    else throw new Error(`unknown limit ${name}`);
  }
  return { hull, det };
}

/** Per port, per set: the scene scored with that set of limits. */
async function scoreGrid(sets: LimitSet[]): Promise<Map<string, Score[]>> {
  const split = sets.map(splitLimits);
  const out = new Map<string, Score[]>();
  for (const port of SEN2SHIPS_PORTS) {
    const scene = await loadPortWithPlainWater(port);
    const scores: Score[] = [];
    for (const { hull, det } of split) {
      const { dets } = detectOnPort(scene, hull, det);
      scores.push(matchToLabels(dets, scene.labels));
    }
    out.set(port, scores);
  }
  return out;
}

/** For each port: the value best on the other three (first on ties) and its score on the port. */
export function leaveOnePortOut(grid: Map<string, Score[]>, nValues: number): Map<string, { k: number; s: Score }> {
  const out = new Map<string, { k: number; s: Score }>();
  for (const held of grid.keys()) {
    let best = 0;
    let bestF1 = -1;
    for (let k = 0; k < nValues; k++) {
      let s = zero();
      for (const [port, scores] of grid) if (port !== held) s = add(s, scores[k]!);
      if (f1(s) > bestF1) {
        bestF1 = f1(s);
        best = k;
      }
    }
    out.set(held, { k: best, s: grid.get(held)![best]! });
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { limit: { type: 'string' }, values: { type: 'string' }, sets: { type: 'string' } },
  });
  let sets: LimitSet[];
  let names: string[];
  if (values.sets) {
    sets = JSON.parse(values.sets) as LimitSet[];
    names = sets.map((set) => JSON.stringify(set));
  } else if (values.limit && values.values) {
    const limit = values.limit;
    names = values.values.split(',').map((v) => v.trim());
    sets = names.map((v) => ({ [limit]: v === 'Infinity' ? Number.POSITIVE_INFINITY : Number(v) }));
  } else {
    throw new Error("usage: --limit NAME --values v1,v2,… | --sets '[{…}, …]'");
  }
  const grid = await scoreGrid(sets);
  console.log(`sen2ships, ${values.sets ? 'limit sets' : values.limit}:`);
  names.forEach((v, k) => {
    let pooled = zero();
    const per = [...grid].map(([port, s]) => {
      pooled = add(pooled, s[k]!);
      return `${port} ${s[k]!.tp}/${s[k]!.fp}/${s[k]!.fn}`;
    });
    console.log(`  ${v.padEnd(8)} ${fmt(pooled)}   tp/fp/fn: ${per.join(', ')}`);
  });
  let held = zero();
  for (const [port, { k, s }] of leaveOnePortOut(grid, sets.length)) {
    held = add(held, s);
    console.log(`  held out ${port.padEnd(14)} chosen on the other three: ${names[k]}  → ${fmt(s)}`);
  }
  console.log(`  leave-one-port-out pooled: ${fmt(held)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
