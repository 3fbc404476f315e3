/** Runs bench or eval scripts one after another in child processes, streaming their output. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './real-data.ts';

export function runAll(title: string, scripts: Array<[name: string, file: string, args?: string[]]>): void {
  let failed = 0;
  for (const [name, file, args = []] of scripts) {
    console.log(`\n━━ ${title}: ${name} (${file}) ━━`);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench', file), ...args], {
      stdio: 'inherit',
      cwd: REPO_ROOT,
    });
    if (r.status !== 0) failed++;
    console.log(`   (${((performance.now() - t0) / 1000).toFixed(0)} s${r.status !== 0 ? `, exit ${r.status}` : ''})`);
  }
  if (failed) {
    console.error(`\n${failed} of ${scripts.length} ${title} scripts failed`);
    process.exit(1);
  }
}
