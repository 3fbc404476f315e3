/** `npm run eval`: accuracy against ground truth, synthetic (fresh seed + committed) and real. */
import { runAll } from './run-all.ts';

runAll('eval', [
  ['whole pipeline on generated scenes', 'pipeline.eval.ts'],
  ['real vessels: sen2ships, DOTA, Airbus', 'vessels.eval.ts'],
  ['real change: LEVIR-CD vs CVA + Otsu', 'levircd.eval.ts'],
]);
