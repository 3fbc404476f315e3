/**
 * Where each moored sen2ships label (under half its pixels on the plain NDWI water) is lost at 10 m:
 * the first stage of the moored-hull test (water-moored.ts, water-berths.ts) that keeps none of its
 * pixels — the run along the shore, the opening to a beam, notQuay (a label that a tooth of
 * quayTeeth or a hull of nirProfileHulls (`tongue`: rows of craft, shelves along piers, ramps along a
 * quay) reaches passes these three), then mooredHullsCoarse's patch tests switched on one after another in
 * the order it applies them: length, NDWI, inset, outboard water, green shore; `noNir` where the scene
 * lacks NIR and the test is off — or, when its pixels reach the water mask, the detector (no pixel
 * stands out from water: `contrast`; a detection within 3 px of its box credited to another label or
 * to none: `box`; otherwise `detector`). Prints one line per moored label, then the count per stage
 * (missed labels only), then what the detector finds given a perfect
 * moored-hull mask (an oracle: the labelled pixels off the plain water joined to it as moored-hull
 * patches): how much of the loss lies in the mask, not in the detector. Each missed label's line also
 * ends with `own`: whether the detector finds it once its own labelled pixels join the mask the
 * product made (`won`, or `missed`: the loss is the detector's — merged with a neighbour, or cut).
 *   BERTHWATCH_REAL_DATA=… npx tsx bench/sen2ships-moored-stages.ts
 */
import { detectVessels } from '../processing/detect-vessels.ts';
import { waterContrast } from '../processing/vessel-contrast.ts';
import { waterMask } from '../processing/water.ts';
import { berthedHulls } from '../processing/water-berths.ts';
import {
  type CoarseBerthOptions,
  landTongues,
  mooredHullsCoarse,
  nirProfileHulls,
  notQuay,
  quayTeeth,
} from '../processing/water-moored.ts';
import { loadPortWithPlainWater, SEN2SHIPS_PORTS } from './sen2ships.ts';
import { isMoored, matchPairs, matchToLabels, type Score } from './vessels.eval.ts';

const inf = Number.POSITIVE_INFINITY;
/** mooredHullsCoarse's patch tests, each waived, then switched back on (to its default) in turn. */
const WAIVED: Partial<CoarseBerthOptions> = {
  minPatchPx: -inf,
  maxPatchNdwi: inf,
  maxInsetPx: inf,
  minOutboardShare: 0,
  maxBehindNdvi: inf,
};
const PATCH_TESTS: Array<[string, keyof CoarseBerthOptions]> = [
  ['length', 'minPatchPx'],
  ['ndwi', 'maxPatchNdwi'],
  ['inset', 'maxInsetPx'],
  ['outboard', 'minOutboardShare'],
  ['green', 'maxBehindNdvi'],
];
const totals: Record<string, number> = {};
const oracle: Score & { moored: number; mooredFound: number } = { tp: 0, fp: 0, fn: 0, moored: 0, mooredFound: 0 };
for (const port of SEN2SHIPS_PORTS) {
  const scene = await loadPortWithPlainWater(port);
  const { block, gsd: gsdM, plain } = scene;
  const n = block.valid.length;
  const trace: Partial<Record<'run' | 'opened', Uint8Array>> = {};
  const runs = berthedHulls(block, plain, block.valid, { gsdM, minColourStep: 0, trace });
  const foreign = notQuay(block, plain, block.valid, { gsdM });
  const { width, height } = block.window;
  const tongues = landTongues(plain, block.valid, width, height, { gsdM });
  const teeth = quayTeeth(plain, block.valid, width, height, { gsdM }, tongues);
  // Rows of craft and hulls along piers, found on the tongues teeth leave, and hulls alongside a
  // straight quay by their NIR ramp (none without NIR).
  const nir = block.bands[block.roles.indexOf('nir')];
  const tongue = nir
    ? nirProfileHulls(nir, plain, block.valid, width, height, tongues, teeth, { gsdM })
    : new Uint8Array(n);
  const waived: Partial<CoarseBerthOptions> = { ...WAIVED };
  const tested = PATCH_TESTS.map(([name, key]) => {
    delete waived[key];
    return [name, mooredHullsCoarse(block, plain, block.valid, { ...waived, gsdM })] as const;
  });
  const berthed = new Uint8Array(n);
  const water = waterMask(block, { gsdM, berthed });
  const { a } = waterContrast(block, water, gsdM, 200, true);
  const zone = new Uint8Array(n).fill(1);
  const dets = detectVessels({
    block,
    zone,
    water,
    valid: block.valid,
    gsdM: scene.gsdM,
    minVesselLengthM: 30,
    berthed,
  });
  const found = new Set(matchPairs(dets, scene.labels).values());
  // Whether label j is found once its own pixels off the plain water join the product's mask as a
  // moored-hull patch: a miss that this does not win is the detector's, not the mask's.
  const wonWithOwnPixels = (j: number): boolean => {
    const withOwn = water.slice();
    const berthedOwn = berthed.slice();
    for (const p of scene.labels[j]!.pixels) {
      if (plain[p]) continue;
      withOwn[p] = 1;
      berthedOwn[p] = 1;
    }
    const input = { block, zone, water: withOwn, valid: block.valid, gsdM: scene.gsdM, minVesselLengthM: 30 };
    const ownDets = detectVessels({ ...input, berthed: berthedOwn });
    return new Set(matchPairs(ownDets, scene.labels).values()).has(j);
  };
  scene.labels.forEach((l, j) => {
    if (!isMoored(l.pixels, plain)) return;
    const on = (m: Uint8Array) => l.pixels.filter((p) => m[p]).length;
    const counts: Record<string, number> = {
      px: l.pixels.length,
      run: on(trace.run!),
      opened: on(trace.opened!),
      notQuay: l.pixels.filter((p) => runs[p] && foreign[p]).length,
      teeth: on(teeth),
      tongue: on(tongue),
    };
    for (const [name, m] of tested) counts[name] = on(m);
    counts.water = on(water);
    counts.contrast = l.pixels.filter((p) => water[p] && a[p]! >= 3).length;
    // Without NIR (San Francisco) the 10 m moored-hull test is off: nothing passes the patch stages.
    const stages = counts.teeth || counts.tongue ? [] : ['run', 'opened', 'notQuay'];
    stages.push(...PATCH_TESTS.map(([name]) => name), 'contrast');
    const near = dets.some((d) => d.cx >= l.x - 3 && d.cx <= l.x + l.w + 3 && d.cy >= l.y - 3 && d.cy <= l.y + l.h + 3);
    const stage = found.has(j)
      ? 'found'
      : !block.roles.includes('nir')
        ? 'noNir'
        : (stages.find((k) => !counts[k]) ?? (near ? 'box' : 'detector'));
    if (stage !== 'found') totals[stage] = (totals[stage] ?? 0) + 1;
    const own = stage === 'found' ? '' : wonWithOwnPixels(j) ? ' (own: won)' : ' (own: missed)';
    console.log(`${port} label ${j} at (${l.x},${l.y}) ${l.w}×${l.h}: ${JSON.stringify(counts)} → ${stage}${own}`);
  });
  const ideal = plain.slice();
  const idealBerthed = new Uint8Array(n);
  for (const l of scene.labels) {
    for (const p of l.pixels) {
      if (plain[p]) continue;
      ideal[p] = 1;
      idealBerthed[p] = 1;
    }
  }
  const oracleDets = detectVessels({
    block,
    zone,
    water: ideal,
    valid: block.valid,
    gsdM: scene.gsdM,
    minVesselLengthM: 30,
    berthed: idealBerthed,
  });
  const s = matchToLabels(oracleDets, scene.labels);
  oracle.tp += s.tp;
  oracle.fp += s.fp;
  oracle.fn += s.fn;
  const oracleFound = new Set(matchPairs(oracleDets, scene.labels).values());
  scene.labels.forEach((l, j) => {
    if (!isMoored(l.pixels, plain)) return;
    oracle.moored++;
    if (oracleFound.has(j)) oracle.mooredFound++;
  });
}
console.log(JSON.stringify(totals));
console.log(
  `with the labelled pixels as the moored-hull mask (oracle): tp ${oracle.tp}, fp ${oracle.fp}, fn ${oracle.fn}; moored ${oracle.mooredFound}/${oracle.moored}`,
);
