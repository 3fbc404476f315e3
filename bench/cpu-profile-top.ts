/**
 * Self time (and with --total, inclusive time) by function over every .cpuprofile in a folder (node --cpu-prof writes one per thread, so a
 * pool's workers are summed with the main thread): where the CPU of a run went, heaviest first.
 *   npx tsx bench/cpu-profile-top.ts DIR [--top N] [--total] [--under FUNCTION]
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const args = process.argv.slice(2);
const dir = args[0] ?? '.';
const ti = args.indexOf('--top');
const top = ti >= 0 ? Number(args[ti + 1]) : 30;
const ui = args.indexOf('--under');
/** Only samples with a function of this name on the stack (a stage: surveyStrip, detectZone). */
const under = ui >= 0 ? args[ui + 1] : null;

const selfUs = new Map<string, number>();
/** Time with the function anywhere on the stack (once per sample, however deep it recurses). */
const totalByFn = new Map<string, number>();
let totalUs = 0;
const keyOf = (n: ProfileNode) => {
  const { functionName, url, lineNumber, columnNumber } = n.callFrame;
  // tsx's output keeps lines short of the source's, so an anonymous function is told by its column too.
  const where = url ? `${basename(url)}:${lineNumber + 1}${functionName ? '' : `:${columnNumber + 1}`}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
};
for (const f of (await readdir(dir)).filter((n) => n.endsWith('.cpuprofile'))) {
  const p = JSON.parse(await readFile(join(dir, f), 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Each sample's time is the delta to the next one: the interval it stood for.
  for (let i = 0; i < p.samples.length; i++) {
    const node = byId.get(p.samples[i]!)!;
    const dt = p.timeDeltas[i + 1] ?? 0;
    if (node.callFrame.functionName === '(idle)') continue;
    const onStack = new Set<string>();
    let inside = under === null;
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      onStack.add(keyOf(n));
      if (n.callFrame.functionName === under) inside = true;
    }
    if (!inside) continue;
    const key = keyOf(node);
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
    totalUs += dt;
    for (const k of onStack) totalByFn.set(k, (totalByFn.get(k) ?? 0) + dt);
  }
}
console.log(`total sampled (not idle): ${(totalUs / 1e6).toFixed(1)} s`);
const table = (title: string, m: Map<string, number>) => {
  console.log(title);
  for (const [k, v] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(v / 1e6).toFixed(2).padStart(7)} s ${((100 * v) / totalUs).toFixed(1).padStart(5)} %  ${k}`);
  }
};
table('self time', selfUs);
if (args.includes('--total')) table('total time (function on the stack)', totalByFn);
