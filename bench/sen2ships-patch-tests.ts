/**
 * Which of mooredHullsCoarse's patch tests removes each moored sen2ships label at 10 m: for every
 * moored label, its pixels kept by the full step and with one test waived at a time (length, NDWI,
 * inset, outboard water, green shore, quay colour), and with the quay colour test and each other one waived.
 *   BERTHWATCH_REAL_DATA=… npx tsx bench/sen2ships-patch-tests.ts
 */
import { type CoarseBerthOptions, mooredHullsCoarse } from '../processing/water-moored.ts';
import { detectOnPort, loadPortWithPlainWater, SEN2SHIPS_PORTS } from './sen2ships.ts';
import { isMoored, matchPairs } from './vessels.eval.ts';

const inf = Number.POSITIVE_INFINITY;
const WAIVE: Record<string, Partial<CoarseBerthOptions>> = {
  all: {},
  len: { minPatchPx: 0 },
  ndwi: { maxPatchNdwi: inf },
  inset: { maxInsetPx: inf },
  out: { minOutboardShare: 0 },
  green: { maxBehindNdvi: inf },
  quay: { maxResidual: 0 },
  'quay+len': { maxResidual: 0, minPatchPx: 0 },
  'quay+ndwi': { maxResidual: 0, maxPatchNdwi: inf },
  'quay+out': { maxResidual: 0, minOutboardShare: 0 },
  none: { maxResidual: 0, minPatchPx: 0, maxPatchNdwi: inf, maxInsetPx: inf, minOutboardShare: 0, maxBehindNdvi: inf },
};
for (const port of SEN2SHIPS_PORTS) {
  const scene = await loadPortWithPlainWater(port);
  if (!scene.block.roles.includes('nir')) continue;
  const { block, gsd, plain } = scene;
  const masks = Object.entries(WAIVE).map(
    ([k, o]) => [k, mooredHullsCoarse(block, plain, block.valid, { ...o, gsdM: gsd })] as const,
  );
  const found = new Set(matchPairs(detectOnPort(scene).dets, scene.labels).values());
  scene.labels.forEach((l, j) => {
    if (!isMoored(l.pixels, plain) || found.has(j)) return;
    const counts = masks.map(([k, m]) => `${k} ${l.pixels.filter((p) => m[p]).length}`);
    console.log(`${port} ${j} (${l.x},${l.y}) px ${l.pixels.length}: ${counts.join(', ')}`);
  });
}
