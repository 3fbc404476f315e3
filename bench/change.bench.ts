/**
 * Speed of change detection + connected components against OpenCV on the same pixels.
 * `npx tsx bench/change.bench.ts [size=4096] [rounds=3] [kept|fresh] [previous date] [current date]` generates a changed RGB pair, times our
 * changeMask + labelComponents on the float planes the survey hands it (in the kernel memory,
 * kernel-memory.ts), and OpenCV's absdiff + channel max + threshold + connectedComponentsWithStats
 * on float and on 8-bit pixels under /usr/bin/python3 (time taken inside Python, loading excluded).
 * The survey's planes are floats (sub-pixel resampled and normalised), so the 8-bit OpenCV figure is
 * the fastest rival, not like against like. Outputs: `kept` (default) keeps both sides' output
 * planes from call to call (our mask and label planes; OpenCV's dst and labels arrays), as a caller
 * running strip after strip would; `fresh` allocates them anew on both sides, every call.
 *
 * Both sides are timed the same way: each round runs ours, then one Python process (u8, then f32);
 * each side runs one untimed pass, then RUNS_PER_ROUND timed passes back to back in its own process,
 * and every figure is the median CPU (and wall) time of those timed passes over all rounds. The
 * untimed pass is where each side pays for the other having just run (caches and TLB cold) — and
 * OpenCV for its first touch of its arrays; it is printed apart ("first pass"). Before session 39
 * ours was timed one pass a round, straight after a Python process, against the median of 5 warm
 * passes in Python: that figure is roughly ours' "first pass" (ratio 1.45 kept at 6542be6).
 *
 * Threads: OpenCV runs on 2 threads here (its default on this machine), and is cheaper in CPU so: on
 * one thread its connectedComponentsWithStats takes the sequential algorithm, ~2.5× the CPU (105 vs
 * 42 ms at 4096²), so its 2-thread run is its fastest in CPU and wall alike; the 1-thread run is
 * printed for reference only. Ours is timed three ways, with either options (below): the whole plane in one call on one thread
 * (this bench's figure before session 40); the survey's row strips with their margins one after
 * another on one worker thread (the product's path under 30 MP, pipeline.ts POOL_MIN_PIXELS, where the
 * survey runs in the analysis's thread); and the same strips on as many workers as OpenCV's threads
 * (its path from 30 MP). Each side's "span" is its busiest thread's CPU time in a pass (Linux's
 * schedstat; ours with workers, the busiest worker's plus the labelling that follows): the wall time
 * an idle machine would show, where a shared machine's wall times of 2-thread runs say more about
 * the neighbours than about either side.
 * Options: the headline is our stage with the options the survey builds (survey.ts stripChangeOptions,
 * the sun from pipeline.ts's sunOverBounds; chroma planes beside the compared ones, and the strips'
 * margin grown with the shadow reach) for a stated site: the pair as a 0.5 m grid at Rason, two winter
 * dates a month apart at 10:30 local solar time. That is the configuration the product runs, and it
 * costs ~2× changeMask's defaults (deep-shadow walks, the chroma planes' reads, wider margins), which
 * the bench timed alone before session 41 (its ratio 1.15–1.21 then described nothing the product
 * runs). The default-options figures follow, labelled so, to compare with earlier sessions.
 * History of the outputs modes: before session 37 the bench kept our label plane but let OpenCV
 * allocate its outputs, which flattered our ratio (1.07 then; 1.26 fresh and 1.45 kept on both sides at
 * be84e11). Fresh outputs cost both sides page faults (OpenCV's 67 MB of labels ~30 ms), and ours a
 * scavenge per call.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Bounds } from '../contract/index.ts';
import { CHANGE_MARGIN_PX, type ChangeOptions, changeMask, MaskPlane } from '../processing/change.ts';
import { LEVEL_TILE } from '../processing/change-levels.ts';
import { LabelPlane, labelComponents } from '../processing/components.ts';
import { KernelPlanes } from '../processing/kernel-memory.ts';
import { sunOverBounds } from '../processing/sun-position.ts';
import { type SunPair, stripChangeOptions, stripRuns, stripStarts } from '../processing/survey.ts';
import { mulberry32 } from '../processing/testing/scene.ts';
import type { Block, Grid } from '../processing/types.ts';
import type { StripSpec, StripsWorkerData } from './change-strips-worker.ts';
import { REPO_ROOT } from './real-data.ts';
import { threadCpuMs } from './thread-cpu.ts';

/** A textured RGB pair (interleaved 8-bit) with ~200 changed rectangles per 4096², noise in both. */
function makePair(size: number, seed: number): { a: Uint8Array; b: Uint8Array } {
  const rng = mulberry32(seed);
  const n = size * size;
  const a = new Uint8Array(n * 3);
  // Value noise: a coarse random lattice, bilinearly upsampled.
  const cell = 64;
  const g = size / cell + 2;
  const lattice = Float32Array.from({ length: g * g * 3 }, () => 40 + 150 * rng());
  for (let y = 0; y < size; y++) {
    const gy = y / cell;
    const y0 = Math.floor(gy);
    const fy = gy - y0;
    for (let x = 0; x < size; x++) {
      const gx = x / cell;
      const x0 = Math.floor(gx);
      const fx = gx - x0;
      for (let c = 0; c < 3; c++) {
        const l = (yy: number, xx: number) => lattice[(yy * g + xx) * 3 + c]!;
        const v =
          (1 - fy) * ((1 - fx) * l(y0, x0) + fx * l(y0, x0 + 1)) +
          fy * ((1 - fx) * l(y0 + 1, x0) + fx * l(y0 + 1, x0 + 1));
        a[(y * size + x) * 3 + c] = v;
      }
    }
  }
  const b = Uint8Array.from(a);
  const rects = Math.round((200 * n) / 4096 ** 2);
  for (let k = 0; k < rects; k++) {
    const w = 6 + Math.floor(rng() * 60);
    const h = 6 + Math.floor(rng() * 20);
    const x0 = Math.floor(rng() * (size - w));
    const y0 = Math.floor(rng() * (size - h));
    const v = rng() < 0.5 ? 230 : 15;
    for (let y = y0; y < y0 + h; y++) b.fill(v, (y * size + x0) * 3, (y * size + x0 + w) * 3);
  }
  for (const img of [a, b]) {
    for (let i = 0; i < img.length; i++) img[i] = Math.max(0, Math.min(255, img[i]! + Math.round((rng() - 0.5) * 8)));
  }
  return { a, b };
}

/** Owner of the float planes: in the kernel memory, as the survey's reads allocate theirs (analysis-raster.ts ReadScratch). */
const planes = new KernelPlanes();

function toBlock(rgb: Uint8Array, size: number): Block {
  const n = size * size;
  const bands = [0, 1, 2].map((c) => {
    const out = planes.floats(n) ?? new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = rgb[i * 3 + c]! / 255;
    return out;
  });
  return {
    window: { x: 0, y: 0, width: size, height: size },
    roles: ['red', 'green', 'blue'],
    bands,
    valid: new Uint8Array(n).fill(1),
  };
}

const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1]!;

const PYTHON = `
import cv2, json, os, sys, time
import numpy as np
def thread_cpu():
    # Each thread's CPU time so far, ns (Linux's schedstat), by thread id.
    out = {}
    for t in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{t}/schedstat") as f:
                out[t] = int(f.read().split()[0])
        except OSError:
            pass
    return out
def busiest(before):
    # The busiest thread's CPU time since \`before\`, ms: the pass's span on an idle machine.
    after = thread_cpu()
    return max(v - before.get(t, 0) for t, v in after.items()) / 1e6
cv2.setNumThreads(int(sys.argv[5]))
size, runs, thr, kept = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[6]), sys.argv[7] == "kept"
a = np.fromfile(sys.argv[1], np.uint8).reshape(size, size, 3)
b = np.fromfile(sys.argv[2], np.uint8).reshape(size, size, 3)
def summary(times, cpu, spans, n, mask):
    # Every pass, first (untimed in the figures) included: the medians are taken on the other side.
    return {"ms": [t * 1000 for t in times], "cpuMs": [c * 1000 for c in cpu], "spanMs": spans, "components": int(n) - 1, "changed": int(mask.sum())}
def run_fresh(a, b, thr):
    times, cpu, spans = [], [], []
    for _ in range(runs + 1):  # the first pass is untimed in the figures, as ours is
        s0 = thread_cpu()
        t = time.perf_counter()
        c = time.process_time()
        d = cv2.absdiff(a, b)
        c0, c1, c2 = cv2.split(d)
        m = cv2.max(cv2.max(c0, c1), c2)
        _, mask = cv2.threshold(m, thr, 1, cv2.THRESH_BINARY)
        mask = mask.astype(np.uint8, copy=False)
        n, labels, stats, cent = cv2.connectedComponentsWithStats(mask, connectivity=8)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        spans.append(busiest(s0))
    return summary(times, cpu, spans, n, mask)
def run_kept(a, b, thr):
    times, cpu, spans = [], [], []
    # Output arrays kept from run to run, as ours keeps its mask and label planes (like for like); the
    # stats and centroids are reallocated by cv2 unless their row count matches (a few kB).
    d = np.empty_like(a)
    chans = [np.empty(a.shape[:2], a.dtype) for _ in range(3)]
    m = np.empty(a.shape[:2], a.dtype)
    thresholded = np.empty(a.shape[:2], a.dtype)
    mask8 = thresholded if a.dtype == np.uint8 else np.empty(a.shape[:2], np.uint8)
    labels = np.empty(a.shape[:2], np.int32)
    for _ in range(runs + 1):  # the first pass is untimed in the figures, as ours is
        s0 = thread_cpu()
        t = time.perf_counter()
        c = time.process_time()
        cv2.absdiff(a, b, dst=d)
        c0, c1, c2 = cv2.split(d, chans)
        cv2.max(c0, c1, dst=m)
        cv2.max(m, c2, dst=m)
        cv2.threshold(m, thr, 1, cv2.THRESH_BINARY, dst=thresholded)
        if mask8 is not thresholded:
            np.copyto(mask8, thresholded, casting="unsafe")
        mask = mask8
        n, _, stats, cent = cv2.connectedComponentsWithStats(mask, labels=labels, connectivity=8)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        spans.append(busiest(s0))
    return summary(times, cpu, spans, n, mask)
run = run_kept if kept else run_fresh
out = {"u8": run(a, b, thr)}
# The same on float planes scaled 0..1, the representation our blocks use (4x the bytes of uint8).
if sys.argv[8] == "u8,f32":
    out["f32"] = run(a.astype(np.float32) / 255, b.astype(np.float32) / 255, thr / 255)
print(json.dumps(out))
`;

const size = Number(process.argv[2] ?? 4096);
const rounds = Number(process.argv[3] ?? 3);
const outputs = process.argv[4] ?? 'kept';
if (outputs !== 'kept' && outputs !== 'fresh') throw new Error(`outputs: kept or fresh (got ${outputs})`);
const threads = Math.min(2, availableParallelism());
const mp = (size * size) / 1e6;
const dir = join(REPO_ROOT, 'bench/out');
mkdirSync(dir, { recursive: true });
// The pair is a pure function of its size: reuse the one written by an earlier run (generating it
// costs more than the timed work).
const fileA = join(dir, `change-a-${size}.u8`);
const fileB = join(dir, `change-b-${size}.u8`);
let a: Uint8Array;
let b: Uint8Array;
if (existsSync(fileA) && existsSync(fileB)) {
  a = new Uint8Array(readFileSync(fileA));
  b = new Uint8Array(readFileSync(fileB));
} else {
  console.log(`generating a ${size}² pair (${mp.toFixed(1)} MP)…`);
  ({ a, b } = makePair(size, 1));
  writeFileSync(fileA, a);
  writeFileSync(fileB, b);
}
const prev = toBlock(a, size);
const cur = toBlock(b, size);

/**
 * The site the survey's options are built for: the pair as a 0.5 m grid centred on Rason's port, two
 * dates a month apart given without a time, which the product (sun-position.ts sunAtCapture) puts at
 * 10:30 local solar time, a sun-synchronous pass. Winter dates: the lowest sun of the year, so the
 * longest shadow reaches, the dearest options the site sees. Other dates (YYYY-MM-DD) may be given.
 */
const SITE = {
  latDeg: 42.25,
  lonDeg: 130.3,
  gsdM: 0.5,
  previous: process.argv[5] ?? '2025-11-14',
  current: process.argv[6] ?? '2025-12-14',
};
const siteGrid = ((): Grid => {
  const halfM = (size * SITE.gsdM) / 2;
  const dLat = halfM / 111_320;
  const dLon = halfM / (111_320 * Math.cos((SITE.latDeg * Math.PI) / 180));
  const bounds: Bounds = [SITE.lonDeg - dLon, SITE.latDeg - dLat, SITE.lonDeg + dLon, SITE.latDeg + dLat];
  return { bounds, width: size, height: size, pixelWidthM: SITE.gsdM, pixelHeightM: SITE.gsdM };
})();
// As pipeline.ts builds the survey's suns (sunOverBounds over the grid's bounds) and survey.ts its options.
const siteSun: SunPair = {
  previous: sunOverBounds(SITE.previous, siteGrid.bounds),
  current: sunOverBounds(SITE.current, siteGrid.bounds),
};
const site = stripChangeOptions(siteGrid, siteSun);
/** Each date's chroma planes: the survey passes its un-normalised reads; here copies, in the kernel memory too. */
const siteChroma = { previous: toBlock(a, size), current: toBlock(b, size) };
/** The options the product runs changeMask with; `{}` are its defaults. */
const productOptions: ChangeOptions = { ...site.options, chroma: siteChroma };

/** OpenCV's runs: 8-bit and float pixels on `threads` threads, and 8-bit on one thread (`u8 1t`). */
type Kind = 'u8' | 'f32' | 'u8 1t';
/** One pass of a side: CPU and wall time; the first of each round's passes is untimed in the figures. */
type Pass = { ms: number; cpuMs: number };
/** `spanMs`: the busiest thread's CPU time in the pass (schedstat), the wall time an idle machine would show. */
type CvRound = { ms: number[]; cpuMs: number[]; spanMs: number[]; components: number; changed: number };
/**
 * `span`: on one thread, its own CPU time; with worker threads, the CPU time of the busiest worker's
 * strips plus this thread's labelling, each on its own thread — the wall time on an idle machine with
 * a core per worker, which a busy one's wall times do not show.
 */
type OursRun = Pass & { maskMs: number; components: number; changed: number; hash: string; span?: number };
/** A pass of ours ending now, begun at `t0` (CPU from `c0`), its mask made by `t1`. */
function ourRun(
  at: { t0: number; t1: number; c0: NodeJS.CpuUsage },
  span: number,
  components: number,
  mask: Uint8Array,
): OursRun {
  const t2 = performance.now();
  const c1 = process.cpuUsage(at.c0);
  return {
    ms: t2 - at.t0,
    cpuMs: (c1.user + c1.system) / 1000,
    maskMs: at.t1 - at.t0,
    span,
    components,
    changed: mask.reduce((s, v) => s + v, 0),
    // Changes meant to keep the output can be checked against an earlier run's hash.
    hash: createHash('sha1').update(mask).digest('hex').slice(0, 12),
  };
}
const kinds: Kind[] = ['u8', 'f32', 'u8 1t'];
// With `kept`, one mask and one label plane from pass to pass, as a caller comparing and labelling
// strip after strip keeps them (change.ts MaskPlane, components.ts LabelPlane); OpenCV's side keeps its outputs too.
// Each side (options) keeps its own, as each survey's scratch does.
function wholeSide(opts: ChangeOptions): () => OursRun {
  const maskPlane = outputs === 'kept' ? new MaskPlane() : null;
  const labelPlane = outputs === 'kept' ? new LabelPlane() : null;
  return () => {
    const s0 = threadCpuMs();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const mask = changeMask(prev, cur, opts, maskPlane);
    const t1 = performance.now();
    // Only the tiles changeMask's levels were active in can hold changed pixels: the rest is not scanned.
    const { components: cs } = labelComponents(mask, size, size, {
      ...(labelPlane ? { into: labelPlane } : {}),
      tiles: maskPlane?.tiles() ?? null,
    });
    return ourRun({ t0, t1, c0 }, threadCpuMs() - s0, cs.length, mask);
  };
}
const runOurs = wholeSide({});
const runProduct = wholeSide(productOptions);

/**
 * Our stage as the product runs it (processing/survey.ts; pipeline.ts: a pool of workers from 30 MP):
 * the survey's row strips, each with its margin rows, run by worker threads, each with its planes in
 * its own kernel memory; then the cores' mask, assembled in shared memory, labelled in this thread
 * (only the tiles the strips' levels were active in). Runs of strips
 * go to the worker with the fewest strips so far, as the pool's idle worker takes the next run when
 * both run at one speed. The mask differs from the whole-image one where an object's decision
 * reaches past a strip's margin (printed: pixels that differ).
 */
const grid: Grid = { bounds: [0, 0, 1, 1], width: size, height: size, pixelWidthM: 1, pixelHeightM: 1 };
const stripRowsOf = (y0s: number[], margin: number) => {
  const starts = stripStarts(grid);
  return y0s.map((y0): StripSpec => {
    const next = starts[starts.indexOf(y0) + 1] ?? size;
    const top = Math.max(0, y0 - margin);
    return { y0, rows: next - y0, top, height: Math.min(size, next + margin) - top };
  });
};
const shared = (bytes: Uint8Array) => {
  const sab = new SharedArrayBuffer(bytes.length);
  new Uint8Array(sab).set(bytes);
  return sab;
};
const sharedA = shared(a);
const sharedB = shared(b);
/** A worker's next message: 'ready', or a run's CPU time on its own thread. */
const reply = (w: Worker) => new Promise<{ cpuMs: number } | 'ready'>((resolve) => w.once('message', resolve));

/** How a strips side runs changeMask: its options (chroma planes made by the workers) and the strips' margin rows. */
type StripsConfig = { options: ChangeOptions; chroma: boolean; margin: number };
const defaultStripsConfig: StripsConfig = { options: {}, chroma: false, margin: CHANGE_MARGIN_PX };
// The survey's margin grows with the shadow reach (survey.ts stripChangeOptions).
const siteStripsConfig: StripsConfig = { options: site.options, chroma: true, margin: site.margin };

/** The survey's strips on `n` worker threads: one pass over the plane a call, labelled here. */
async function stripsSide(
  n: number,
  config: StripsConfig,
): Promise<{ run: () => Promise<OursRun>; mask: Uint8Array; close: () => void }> {
  const mask = new SharedArrayBuffer(size * size);
  const tiles = new SharedArrayBuffer(Math.ceil(size / LEVEL_TILE) ** 2);
  const shares: number[][] = Array.from({ length: n }, () => []);
  for (const run of stripRuns(stripStarts(grid), n)) {
    const least = shares.reduce((best, s) => (s.length < best.length ? s : best));
    least.push(...run);
  }
  const workers = shares.map((y0s) => {
    const workerData: StripsWorkerData = {
      size,
      a: sharedA,
      b: sharedB,
      strips: stripRowsOf(y0s, config.margin),
      mask,
      tiles,
      options: config.options,
      chroma: config.chroma,
    };
    return new Worker(new URL('./change-strips-entry.mjs', import.meta.url), { workerData });
  });
  await Promise.all(workers.map(reply));
  const labels = outputs === 'kept' ? new LabelPlane() : null;
  const view = new Uint8Array(mask);
  const flags = new Uint8Array(tiles);
  const run = async (): Promise<OursRun> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const done = workers.map(reply);
    // The workers only set flags (a tile row may hold two strips' cores): cleared while they wait.
    flags.fill(0);
    for (const w of workers) w.postMessage('run');
    const own = await Promise.all(done);
    const t1 = performance.now();
    const l0 = threadCpuMs();
    const { components: cs } = labelComponents(view, size, size, {
      ...(labels ? { into: labels } : {}),
      tiles: { size: LEVEL_TILE, flags },
    });
    const span = Math.max(...own.map((r) => (r === 'ready' ? Number.NaN : r.cpuMs))) + threadCpuMs() - l0;
    return ourRun({ t0, t1, c0 }, span, cs.length, view);
  };
  const close = () => {
    for (const w of workers) w.postMessage('close');
  };
  return { run, mask: view, close };
}
// One worker: the survey's path under 30 MP, strips one after another in one thread (here a worker's).
const stripSides = [
  await stripsSide(threads, defaultStripsConfig),
  ...(threads > 1 ? [await stripsSide(1, defaultStripsConfig)] : []),
];
// The product's options, the same three ways.
const productStripSides = [
  await stripsSide(threads, siteStripsConfig),
  ...(threads > 1 ? [await stripsSide(1, siteStripsConfig)] : []),
];

/** Each side's passes by round: [round][pass], pass 0 the untimed first. */
const ours: OursRun[][] = [];
const oursStrips: OursRun[][][] = stripSides.map(() => []);
const product: OursRun[][] = [];
const productStrips: OursRun[][][] = productStripSides.map(() => []);
const cv: Record<Kind, CvRound[]> = { u8: [], f32: [], 'u8 1t': [] };
// Timed passes a round, each side: a single pass's CPU time varied 2.6× between Python processes
// (126–333 ms at 4096²), and ours moves with the load; a median of several in one warm process does not.
const RUNS_PER_ROUND = 5;
// Our code is warmed before the first round: V8 compiles the passes in tiers and the first passes pay
// for it (300–400 ms against a steady ~200 at 4096²), whereas the survey calls changeMask strip after
// strip in one long-lived worker. OpenCV's code is compiled ahead: its first pass a round is its warm-up.
const WARM_PASSES = 5;
for (let k = 0; k < WARM_PASSES; k++) runOurs();
for (let k = 0; k < WARM_PASSES; k++) runProduct();
for (const side of [...stripSides, ...productStripSides]) for (let k = 0; k < WARM_PASSES; k++) await side.run();
// Rounds alternate the sides so both see the same load: on a shared machine the load moves within
// seconds, and a ratio of times taken minutes apart says more about the neighbours.
const passesOf = async (side: { run: () => Promise<OursRun> }) => {
  const passes: OursRun[] = [];
  for (let pass = 0; pass <= RUNS_PER_ROUND; pass++) passes.push(await side.run());
  return passes;
};
for (let r = 0; r < rounds; r++) {
  product.push(Array.from({ length: RUNS_PER_ROUND + 1 }, runProduct));
  for (const [k, side] of productStripSides.entries()) productStrips[k]!.push(await passesOf(side));
  ours.push(Array.from({ length: RUNS_PER_ROUND + 1 }, runOurs));
  for (const [k, side] of stripSides.entries()) oursStrips[k]!.push(await passesOf(side));
  const python = (n: number, which: string) =>
    JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        ['-c', PYTHON, fileA, fileB, String(size), String(RUNS_PER_ROUND), String(n), '30', outputs, which],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      ),
    ) as Record<'u8' | 'f32', CvRound>;
  const round = python(threads, 'u8,f32');
  cv.u8.push(round.u8);
  cv.f32.push(round.f32);
  cv['u8 1t'].push(python(1, 'u8').u8);
}
for (const side of [...stripSides, ...productStripSides]) side.close();

/** A side's passes as Pass records: the untimed first of each round, and the timed rest. */
const oursPasses = (side: OursRun[][], timed: boolean) =>
  side.flatMap((round) => (timed ? round.slice(1) : round.slice(0, 1)));
const cvPasses = (kind: Kind, timed: boolean): Pass[] =>
  cv[kind].flatMap((round) =>
    round.cpuMs.map((cpuMs, i) => ({ cpuMs, ms: round.ms[i]! })).filter((_, i) => i > 0 === timed),
  );
const med = (passes: Pass[]) => ({
  ms: median(passes.map((p) => p.ms)),
  cpuMs: median(passes.map((p) => p.cpuMs)),
  lo: Math.min(...passes.map((p) => p.cpuMs)),
  hi: Math.max(...passes.map((p) => p.cpuMs)),
  wallLo: Math.min(...passes.map((p) => p.ms)),
  wallHi: Math.max(...passes.map((p) => p.ms)),
});
const spread = (m: { lo: number; hi: number }) => `${m.lo.toFixed(0)}–${m.hi.toFixed(0)}`;
const wallSpread = (m: { wallLo: number; wallHi: number }) => `${m.wallLo.toFixed(0)}–${m.wallHi.toFixed(0)}`;

const load = loadavg()[0]!;
console.log(
  `outputs ${outputs}; ${rounds} rounds × ${RUNS_PER_ROUND} timed passes a side; load average ${load.toFixed(1)} on ${availableParallelism()} cores${load > 1.5 ? ' (busy machine: wall times are inflated; CPU times are the fairer comparison)' : ''}`,
);
/** `whole`: the whole plane in one call on this thread; else strips on workers. */
type Side = { name: string; runs: OursRun[][]; whole: boolean };
const sidesOf = (whole: OursRun[][], strips: OursRun[][][], options: string): Side[] => [
  { name: `ours f32 whole plane, 1 thread, ${options}`, runs: whole, whole: true },
  ...strips.map((runs, k): Side => {
    const n = k === 0 ? threads : 1;
    return { name: `ours f32 survey strips, ${n} worker${n > 1 ? 's' : ''}, ${options}`, runs, whole: false };
  }),
];
const productSides = sidesOf(product, productStrips, 'product options');
const defaultSides = sidesOf(ours, oursStrips, 'default options');
function printSides(sides: Side[]): void {
  for (const side of sides) {
    const timed = oursPasses(side.runs, true);
    const o = med(timed);
    const oFirst = med(oursPasses(side.runs, false));
    const maskMs = median(timed.map((x) => x.maskMs));
    const first = timed[0]!;
    const hashes = new Set(side.runs.flat().map((x) => x.hash));
    if (hashes.size !== 1) throw new Error(`the mask changed from pass to pass: ${[...hashes].join(', ')}`);
    const spans = timed.flatMap((x) => (x.span === undefined ? [] : [x.span]));
    const span = spans.length
      ? `; span ${median(spans).toFixed(0)} ms (${Math.min(...spans).toFixed(0)}–${Math.max(...spans).toFixed(0)})${side.whole ? '' : ": the busiest worker's CPU + labelling"}`
      : '';
    console.log(
      `${side.name}, changeMask + labelComponents: ${o.ms.toFixed(0)} ms wall (${wallSpread(o)}), ${o.cpuMs.toFixed(0)} ms CPU (${spread(o)}; first pass ${oFirst.cpuMs.toFixed(0)}${span}) (mask ${maskMs.toFixed(0)} ms wall), ${first.components} blobs, ${first.changed} px changed, mask sha1 ${first.hash}`,
    );
  }
}
/** Pixels where the strips' mask differs from the whole plane's, when their hashes differ. */
function printStripsDiff(
  whole: OursRun[][],
  strips: OursRun[][],
  opts: ChangeOptions,
  mask: Uint8Array,
  margin: number,
) {
  if (strips[0]![0]!.hash === whole[0]![0]!.hash) return;
  const plane = changeMask(prev, cur, opts);
  let differ = 0;
  for (let i = 0; i < plane.length; i++) if (plane[i] !== mask[i]) differ++;
  console.log(
    `  the strips' mask differs from the whole plane's in ${differ} px (decisions reaching past a ${margin}-row margin)`,
  );
}
const cvSummary = (kind: Kind) => {
  const cvSpans = cv[kind].flatMap((round) => round.spanMs.slice(1));
  return { c: med(cvPasses(kind, true)), cFirst: med(cvPasses(kind, false)), cvSpans, cvSpan: median(cvSpans) };
};
const cvName = (kind: Kind) => {
  const n = kind === 'u8 1t' ? 1 : threads;
  return `OpenCV ${kind.split(' ')[0]} (${n} thread${n > 1 ? 's' : ''})`;
};
function printRatios(sides: Side[]): void {
  for (const kind of kinds) {
    const { c, cvSpan } = cvSummary(kind);
    for (const side of sides) {
      const o = med(oursPasses(side.runs, true));
      // Ratio of the sides' median CPU times within each round, then the median over rounds.
      const perRound = median(
        side.runs.map((round, i) => median(round.slice(1).map((x) => x.cpuMs)) / median(cv[kind][i]!.cpuMs.slice(1))),
      );
      const spans = oursPasses(side.runs, true).map((x) => x.span ?? x.cpuMs);
      console.log(
        `  time ratio ${side.name} / ${cvName(kind)}: wall ${(o.ms / c.ms).toFixed(2)}, CPU ${(o.cpuMs / c.cpuMs).toFixed(2)}, CPU per round ${perRound.toFixed(2)}, span ${(median(spans) / cvSpan).toFixed(2)} (target ≤ 1.0)`,
      );
    }
  }
}

const sunText = (label: string, p: SunPair['previous']) =>
  p ? `${label} az ${p.azimuthDeg.toFixed(0)}° el ${p.elevationDeg.toFixed(1)}°` : `${label} unknown`;
const o = site.options;
console.log(
  `HEADLINE — changeMask with the survey's own options (survey.ts stripChangeOptions; what the product runs): a ${SITE.gsdM} m grid at ${SITE.latDeg} N ${SITE.lonDeg} E, dates ${SITE.previous} → ${SITE.current} at 10:30 local solar time (${sunText('sun', siteSun.previous)} → ${sunText('', siteSun.current).trim()}), minAreaPx ${o.minAreaPx}, shadow reach ${o.shadowReachPx ?? 0} px (tall ${o.tallShadowReachPx ?? 0}), strip margin ${site.margin} rows, chroma planes:`,
);
printSides(productSides);
printStripsDiff(product, productStrips[0]!, productOptions, productStripSides[0]!.mask, site.margin);
printRatios(productSides);
console.log('OpenCV, on the same pixels:');
for (const kind of kinds) {
  const { c, cFirst, cvSpans, cvSpan } = cvSummary(kind);
  console.log(
    `${cvName(kind)} absdiff + max + threshold + connectedComponentsWithStats: ${c.ms.toFixed(0)} ms wall (${wallSpread(c)}), ${c.cpuMs.toFixed(0)} ms CPU (${spread(c)}; first pass ${cFirst.cpuMs.toFixed(0)}; span ${cvSpan.toFixed(0)} ms (${Math.min(...cvSpans).toFixed(0)}–${Math.max(...cvSpans).toFixed(0)}): the busiest thread's CPU), ${cv[kind][0]!.components} blobs, ${cv[kind][0]!.changed} px`,
  );
}
console.log(
  "changeMask's default options (no chroma planes, no sun, minAreaPx 12: not what the product runs; the headline before session 41):",
);
printSides(defaultSides);
printStripsDiff(ours, oursStrips[0]!, {}, stripSides[0]!.mask, CHANGE_MARGIN_PX);
printRatios(defaultSides);
const estimate = (runs: OursRun[][]) => ((100 / mp) * median(oursPasses(runs, true).map((x) => x.maskMs))) / 1000;
console.log(
  `100 MP changeMask estimate on one thread: ${estimate(product).toFixed(1)} s with the product's options, ${estimate(ours).toFixed(1)} s with the defaults`,
);
