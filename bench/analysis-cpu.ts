/**
 * CPU seconds per stage of one full analysis (the pipeline bench's third date), on a case prepared once and
 * kept in --work: before/after comparisons of a speed change run on the very same files, and the digest of
 * what the analysis wrote says whether the change left the results bit-identical. CPU, not wall time, is the
 * figure to compare on a machine other work shares.
 *   npx tsx bench/analysis-cpu.ts --side 10000 --work /tmp/bw-cpu-10000 [--threads N] [--runs K]
 *   node --cpu-prof --cpu-prof-dir D --import tsx bench/analysis-cpu.ts …   then  npx tsx bench/cpu-profile-top.ts D
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeImage } from '../processing/pipeline.ts';
import { CHANGE_FILE, CLOUD_FILE } from '../processing/survey.ts';
import type { Grid } from '../processing/types.ts';
import { cpuSeconds } from './cpu-seconds.ts';
import { analyzeEarlierDates, type BenchCase, timedRequest } from './pipeline.bench.ts';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const side = Number(arg('--side') ?? 4000);
const work = arg('--work') ?? `/tmp/bw-cpu-${side}`;
const threads = arg('--threads') ? Number(arg('--threads')) : undefined;
const runs = Number(arg('--runs') ?? 1);
const opts = threads ? { threads } : {};

await mkdir(work, { recursive: true });
if (!existsSync(join(work, 'case.json'))) {
  const bench = new URL('./pipeline.bench.ts', import.meta.url).pathname;
  execFileSync(process.execPath, ['--import', 'tsx', bench, '--make', String(side), work], { stdio: 'inherit' });
}
const c = JSON.parse(await readFile(join(work, 'case.json'), 'utf8')) as BenchCase;
const gridFile = join(work, 'grid.json');
if (!existsSync(gridFile)) await writeFile(gridFile, JSON.stringify(await analyzeEarlierDates(c, work, opts)));
const grid = JSON.parse(await readFile(gridFile, 'utf8')) as Grid;

for (let run = 0; run < runs; run++) {
  const stagesCpu: Record<string, number> = {};
  const c0 = cpuSeconds();
  const t0 = performance.now();
  let sinceCpu = c0;
  const onProgress = (_f: number, name: string) => {
    const now = cpuSeconds();
    stagesCpu[name] = (stagesCpu[name] ?? 0) + (now - sinceCpu);
    sinceCpu = now;
  };
  const result = await analyzeImage(timedRequest(c, grid, work), { onProgress, ...opts });
  const total = cpuSeconds() - c0;
  const wall = (performance.now() - t0) / 1000;
  const digest = createHash('sha256');
  digest.update(JSON.stringify(result));
  for (const f of [CLOUD_FILE, CHANGE_FILE]) digest.update(await readFile(join(work, 'c', f)));
  const stages = Object.entries(stagesCpu)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
  console.log(
    `${side}² run ${run + 1}: CPU ${total.toFixed(1)} s (wall ${wall.toFixed(1)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB); stage CPU s: ${stages}; vessels ${result.detections.filter((d) => d.properties.kind === 'vessel').length}, railcars ${result.detections.filter((d) => d.properties.kind === 'railcar').length}; digest ${digest.digest('hex').slice(0, 16)}`,
  );
}
