/** Analysis worker thread: runs processing's analyzeImage for one job at a time, reporting progress. */
import { parentPort, workerData } from 'node:worker_threads';
import { failureCode } from '../../processing/errors.ts';
import type { AnalysisOutcome } from '../store/catalog.ts';
import { buildChangePyramid, buildImagePyramid } from '../tiles/pyramid.ts';
import type { AnalyzeRequestMsg, FromWorker, ToWorker } from './protocol.ts';

type Analyze = (
  req: AnalyzeRequestMsg,
  opts: { signal?: AbortSignal; threads?: number; onProgress?: (f: number, stage: string) => void },
) => Promise<AnalysisOutcome>;

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const post = (m: FromWorker) => port.postMessage(m);

// Loaded by a computed specifier so the server builds while processing/pipeline.ts is in flight.
const PIPELINE = '../../processing/pipeline.ts';
let analyze: Analyze | null = null;
async function pipeline(): Promise<Analyze> {
  analyze ??= ((await import(PIPELINE)) as { analyzeImage: Analyze }).analyzeImage;
  return analyze;
}

const controllers = new Map<string, AbortController>();
/** Threads this analysis worker may use for one analysis (the runner shares the cores out). */
const threads = (workerData as { threads?: number } | null)?.threads ?? 1;

port.on('message', async (m: ToWorker) => {
  if (m.type === 'abort') {
    controllers.get(m.jobId)?.abort();
    return;
  }
  const ac = new AbortController();
  controllers.set(m.jobId, ac);
  let last = 0;
  try {
    const run = await pipeline();
    const outcome = await run(m.request, {
      signal: ac.signal,
      threads,
      onProgress: (fraction, stage) => {
        const t = Date.now();
        if (t - last < 200 && fraction < 1) return;
        last = t;
        post({ type: 'progress', jobId: m.jobId, fraction, stage });
      },
    });
    // Tile pyramids are built here, off the server's event loop, so the first tile is a few reads away.
    // A failure only costs a lazy build on first use, so it does not fail the analysis.
    try {
      post({ type: 'progress', jobId: m.jobId, fraction: 0.99, stage: 'tiles' });
      await buildImagePyramid(m.request.dir);
      await buildChangePyramid(m.request.dir, outcome.grid);
    } catch {
      // built on first tile request instead
    }
    post({ type: 'done', jobId: m.jobId, outcome });
  } catch (e) {
    // Classified here, where the error still has its type: across the thread boundary only data survives.
    const message = e instanceof Error ? e.message : String(e);
    post({ type: 'failed', jobId: m.jobId, error: message, errorCode: failureCode(e) });
  } finally {
    controllers.delete(m.jobId);
  }
});
post({ type: 'ready' });
