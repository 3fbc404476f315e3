/** `npm run bench`: every speed and memory benchmark, each against its baseline in the same run. */
import { runAll } from './run-all.ts';

const huge = process.argv.includes('--huge') ? ['--huge'] : [];
runAll('bench', [
  ['ingest: decode + warp vs plain sharp decode', 'ingest.bench.ts'],
  ['change + connected components vs OpenCV', 'change.bench.ts'],
  ['full analysis 4 MP / 100 MP', 'pipeline.bench.ts', huge],
  ['HTTP: ingest, first tile, scores, cached tiles', 'http.bench.ts'],
  ['web app: bundle, time to first render, scrub', 'webapp.bench.ts'],
]);
