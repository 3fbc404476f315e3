/**
 * Full analysis speed and memory: decode → scores of one image against a reference and a previous
 * date, at 4 MP and 100 MP (and 1,000 MP with --huge), each in its own process so peak RSS is its
 * own. Baseline in the same run: sharp's plain decode of the same file (the floor no analysis
 * can beat). Images are the sample site's dates tiled to size, zones replicated per tile.
 *   npx tsx bench/pipeline.bench.ts [--huge] [--sides S1,S2] [--threads N]   (N: analysis worker threads; default one per core)
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { constants, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import type { Bounds, Zone, ZoneCollection } from '../contract/index.ts';
import { type AnalyzeOptions, type AnalyzeRequest, analyzeImage } from '../processing/pipeline.ts';
import type { Grid } from '../processing/types.ts';
import { REPO_ROOT } from './real-data.ts';

const SITE = join(REPO_ROOT, 'sample-tiles', 'rajin');
const DATES = ['2025-01-14', '2025-02-13', '2025-03-15'] as const;
/** Size of the sample site's images, px: the unit the bench's cases are tiled from. */
const SAMPLE_TILE = { width: 2048, height: 1536 } as const;

interface Manifest {
  site: { bounds: Bounds; settings: { minVesselLengthM: number; railCarLengthM: number } };
  images: Array<{ date: string; file: string }>;
}

export interface CaseResult {
  megapixels: number;
  seconds: number;
  mpPerSecond: number;
  peakRssMB: number;
  decodeSeconds: number;
  /** Wall seconds per stage of the timed analysis (from its progress reports). */
  stages: Record<string, number>;
  /** CPU seconds (all threads of the process) per stage: comparable on a busy machine. */
  stagesCpu: Record<string, number>;
  cpuSeconds: number;
  /** 1-minute load average when the timed analysis started. */
  load: number;
}

/** Writes the three dates tiled to `side`² and the zones replicated over the tiles. */
async function makeCase(side: number, dir: string) {
  const manifest = JSON.parse(await readFile(join(SITE, 'manifest.json'), 'utf8')) as Manifest;
  const zones = JSON.parse(await readFile(join(SITE, 'zones.geojson'), 'utf8')) as ZoneCollection;
  const [w, s, e, n] = manifest.site.bounds;
  const { width: tw, height: th } = SAMPLE_TILE;
  const nx = Math.ceil(side / tw);
  const ny = Math.ceil(side / th);
  const dLon = (e - w) / tw;
  const dLat = (n - s) / th;
  const bounds: Bounds = [w, n - side * dLat, w + side * dLon, n];
  sharp.concurrency(2);
  const paths: string[] = [];
  for (const date of DATES) {
    const file = manifest.images.find((i) => i.date === date)!.file;
    const tile = await sharp(join(SITE, file)).removeAlpha().raw().toBuffer();
    const path = join(dir, `${date}.jpg`);
    await sharp({ create: { width: side, height: side, channels: 3, background: '#000' }, limitInputPixels: false })
      .composite([{ input: tile, raw: { width: tw, height: th, channels: 3 }, tile: true, gravity: 'northwest' }])
      .jpeg({ quality: 90 })
      .toFile(path);
    paths.push(path);
  }
  const features: Zone[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      if ((i + 1) * tw > side || (j + 1) * th > side) continue;
      for (const z of zones.features) {
        const move = (c: number[]): number[] => [c[0]! + i * tw * dLon, c[1]! - j * th * dLat];
        const g = z.geometry;
        const geometry =
          g.type === 'Polygon'
            ? { type: g.type, coordinates: g.coordinates.map((r) => r.map(move)) }
            : g.type === 'LineString'
              ? { type: g.type, coordinates: g.coordinates.map(move) }
              : g;
        features.push({
          ...z,
          geometry,
          properties: { ...z.properties, id: `${z.properties.id}-${i}-${j}` },
        } as Zone);
      }
    }
  }
  return { paths, bounds, settings: manifest.site.settings, zones: { type: 'FeatureCollection' as const, features } };
}

export type BenchCase = Awaited<ReturnType<typeof makeCase>>;

const siteOf = (c: BenchCase, grid: Grid | null) => ({
  id: 'bench',
  bounds: c.bounds,
  settings: c.settings,
  zones: c.zones,
  grid,
});
/** The three dates' capture times: the survey derives each one's sun (shadow direction) from them. */
const ACQUIRED = { a: '2025-01-14T00:00:00Z', b: '2025-02-13T00:00:00Z', c: '2025-03-15T00:00:00Z' } as const;
const prior = (dir: string, id: 'a' | 'b') => ({ id, dir: join(dir, id), acquiredAt: ACQUIRED[id] });

/** Analyses the case's first two dates into `dir` (a reference and a previous date); returns the site grid. */
export async function analyzeEarlierDates(c: BenchCase, dir: string, opts: AnalyzeOptions): Promise<Grid> {
  const ref = await analyzeImage(
    {
      site: siteOf(c, null),
      image: { id: 'a', path: c.paths[0]!, bounds: c.bounds, acquiredAt: ACQUIRED.a },
      dir: join(dir, 'a'),
      reference: null,
      previous: null,
    },
    opts,
  );
  await analyzeImage(
    {
      site: siteOf(c, ref.grid),
      image: { id: 'b', path: c.paths[1]!, bounds: c.bounds, acquiredAt: ACQUIRED.b },
      dir: join(dir, 'b'),
      reference: prior(dir, 'a'),
      previous: prior(dir, 'a'),
    },
    opts,
  );
  return ref.grid;
}

/** The timed analysis: the third date against the first (reference) and the second (previous). */
export function timedRequest(c: BenchCase, grid: Grid, dir: string): AnalyzeRequest {
  return {
    site: siteOf(c, grid),
    image: { id: 'c', path: c.paths[2]!, bounds: c.bounds, acquiredAt: ACQUIRED.c },
    dir: join(dir, 'c'),
    reference: prior(dir, 'a'),
    previous: prior(dir, 'b'),
    others: [prior(dir, 'a'), prior(dir, 'b')],
  };
}

/** One case in this process: prepares the two earlier dates untimed, then times the third. */
async function runCase(side: number, threads?: number): Promise<CaseResult> {
  const opts = threads ? { threads } : {};
  // A fresh folder per run: several benches of the same size may run at once on a shared machine.
  const dir = await mkdtemp(join(tmpdir(), `bw-bench-${side}-`));
  // Stopped by Ctrl-C (which signals the whole process group), the folder would stay behind: 14 GB
  // at 1,000 MP.
  const removeOnSignal = (signal: NodeJS.Signals) => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(128 + constants.signals[signal]);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.once(s, removeOnSignal);
  // A timeout signals only the parent, blocked in execFileSync: orphaned, this case stops too.
  const parent = process.ppid;
  const orphaned = setInterval(() => process.ppid !== parent && removeOnSignal('SIGHUP'), 1000).unref();
  try {
    // sharp's tiled composite holds the whole canvas (5.8 GB at 1,000 MP): a cost of generating the case, not
    // of analysing it, so it runs in a process of its own and the peak RSS below is the analyses' alone.
    execFileSync(
      process.execPath,
      ['--import', 'tsx', new URL(import.meta.url).pathname, '--make', String(side), dir],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const c = JSON.parse(await readFile(join(dir, 'case.json'), 'utf8')) as BenchCase;
    const grid = await analyzeEarlierDates(c, dir, opts);
    // sharp hands a stream its whole raw output at once (3 GB at 1,000 MP), so the baseline too runs in a
    // process of its own.
    const decodeSeconds = Number(
      execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--decode', c.paths[2]!], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }).trim(),
    );
    const t1 = performance.now();
    const load = loadavg()[0]!;
    const stages: Record<string, number> = {};
    const stagesCpu: Record<string, number> = {};
    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    };
    const cpu0 = cpu();
    let since = t1;
    let sinceCpu = cpu0;
    // A stage reports after each unit of its work: the time since the last report is its own.
    const onProgress = (_f: number, name: string) => {
      const now = performance.now();
      const c = cpu();
      stages[name] = (stages[name] ?? 0) + (now - since) / 1000;
      stagesCpu[name] = (stagesCpu[name] ?? 0) + (c - sinceCpu);
      since = now;
      sinceCpu = c;
    };
    await analyzeImage(timedRequest(c, grid, dir), { onProgress, ...opts });
    const seconds = (performance.now() - t1) / 1000;
    onProgress(1, 'persist');
    const cpuSeconds = cpu() - cpu0;
    const megapixels = (side * side) / 1e6;
    return {
      megapixels,
      seconds,
      mpPerSecond: megapixels / seconds,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      decodeSeconds,
      stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, Math.round(v * 100) / 100])),
      stagesCpu: Object.fromEntries(Object.entries(stagesCpu).map(([k, v]) => [k, Math.round(v * 100) / 100])),
      cpuSeconds,
      load,
    };
  } finally {
    clearInterval(orphaned);
    for (const s of signals) process.off(s, removeOnSignal);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs each size in a child process and returns the results. */
export function benchPipeline(sides: number[], threads?: number): CaseResult[] {
  return sides.map((side) => {
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        new URL(import.meta.url).pathname,
        '--child',
        String(side),
        ...(threads ? [String(threads)] : []),
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 1 << 20,
      },
    );
    return JSON.parse(out.trim().split('\n').at(-1)!) as CaseResult;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  if (args[0] === '--make') {
    const dir = String(args[2]);
    await writeFile(join(dir, 'case.json'), JSON.stringify(await makeCase(Number(args[1]), dir)));
  } else if (args[0] === '--decode') {
    const t0 = performance.now();
    await pipeline(
      sharp(String(args[1]), { limitInputPixels: false }).raw(),
      new Writable({ write: (_chunk, _enc, done) => done() }),
    );
    console.log((performance.now() - t0) / 1000);
  } else if (args[0] === '--child') {
    console.log(JSON.stringify(await runCase(Number(args[1]), args[2] ? Number(args[2]) : undefined)));
  } else {
    // --sides 4096,6144: other sizes (quick iterations; ≥ 30 MP engages the thread pool).
    const si = args.indexOf('--sides');
    const sides =
      si >= 0
        ? String(args[si + 1])
            .split(',')
            .map(Number)
        : [2048, 10_000, ...(args.includes('--huge') ? [31_622] : [])];
    // The case is the sample site tiled whole, zones and all: a smaller side would cut its only tile.
    const tooSmall = sides.filter((s) => !(Number.isInteger(s) && s >= SAMPLE_TILE.width));
    if (tooSmall.length > 0) {
      console.error(
        `--sides: each side must be a whole number ≥ ${SAMPLE_TILE.width} (the sample tile's width); got ${tooSmall.join(', ')}`,
      );
      process.exit(2);
    }
    const t = args.indexOf('--threads');
    const threads = t >= 0 ? Number(args[t + 1]) : undefined;
    console.log('full analysis (decode → scores), one image against reference + previous, 2 cores');
    for (const r of benchPipeline(sides, threads)) {
      console.log(
        `  ${r.megapixels.toFixed(0).padStart(5)} MP  ${r.seconds.toFixed(1).padStart(6)} s  ${r.mpPerSecond.toFixed(1).padStart(5)} MP/s  peak RSS ${r.peakRssMB.toFixed(0)} MB   (baseline: sharp decode alone ${r.decodeSeconds.toFixed(1)} s)`,
      );
      console.log(
        `        CPU ${r.cpuSeconds.toFixed(1)} s (all threads), load ${r.load.toFixed(1)}; stages wall/CPU s: ${Object.entries(
          r.stages,
        )
          .map(([k, v]) => `${k} ${v}/${r.stagesCpu[k]}`)
          .join(', ')}`,
      );
    }
    console.log('  targets: 100 MP in ≤ 15 s and ≤ 2 GB; 1,000 MP completes with bounded memory');
  }
}
