// The real analysis worker, held at a gate: with $BW_TEST_GATE/armed present, the next job writes its request to
// started.json and waits for $BW_TEST_GATE/go before it runs, so a test can change the site under a running job.
// Every request is appended to runs.jsonl, to show what each run read.
import { appendFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

const gate = process.env.BW_TEST_GATE;
const on = parentPort.on.bind(parentPort);
parentPort.on = (event, listener) =>
  on(
    event,
    event !== 'message'
      ? listener
      : async (m) => {
          if (m.type === 'run' && gate) {
            appendFileSync(join(gate, 'runs.jsonl'), `${JSON.stringify(m.request)}\n`);
            if (existsSync(join(gate, 'armed'))) {
              rmSync(join(gate, 'armed'));
              writeFileSync(join(gate, 'started.json'), JSON.stringify(m.request));
              while (!existsSync(join(gate, 'go'))) await sleep(20);
            }
          }
          listener(m);
        },
  );

register();
await import('../jobs/worker.ts');
