/** `npm start`'s entry in a child process on its own data dir, for tests and benches that kill or load it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../bench/real-data.ts';

/** Starts the server (no sample seed, one API key, warnings only); resolves with its URL once it listens. */
export function startChild(dataDir: string, apiKey: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts/start.mjs')], {
    env: {
      ...process.env,
      PORT: '0',
      BERTHWATCH_DATA_DIR: dataDir,
      BERTHWATCH_SEED: '0',
      BERTHWATCH_API_KEYS: apiKey,
      BERTHWATCH_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) ok({ url: m[1]!, child });
    });
    child.once('exit', (code) => fail(new Error(`server exited early (${code}): ${out}`)));
  });
}
