// An analysis worker that dies on every job it is given, as one killed by the OOM killer or a native crash would.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (m) => {
  if (m.type === 'run') process.exit(3);
});
parentPort.postMessage({ type: 'ready' });
