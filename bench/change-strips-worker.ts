/**
 * change.bench's worker: runs changeMask on its share of the survey's row strips of the bench's pair,
 * each strip with its margin rows, as a pool worker's survey does (processing/survey.ts surveyStrip:
 * planes in this thread's kernel memory, one MaskPlane kept from strip to strip, the core rows copied
 * out). Cores go into the shared mask, and the tiles changeMask's levels were active in into the shared
 * tile flags (set only, over cleared flags: a tile row two strips' cores share is set by either).
 * With `options`, changeMask gets them and, with `chroma`, each date's chroma planes: copies of its
 * compared planes in this thread's kernel memory, as the survey's un-normalised reads are.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ChangeOptions, changeMask, MaskPlane } from '../processing/change.ts';
import { LEVEL_TILE } from '../processing/change-levels.ts';
import { KernelPlanes } from '../processing/kernel-memory.ts';
import type { Block } from '../processing/types.ts';
import { threadCpuMs } from './thread-cpu.ts';

/** One strip: its core rows [y0, y0 + rows) and the rows read around them [top, top + height). */
export interface StripSpec {
  y0: number;
  rows: number;
  top: number;
  height: number;
}

export interface StripsWorkerData {
  size: number;
  a: SharedArrayBuffer;
  b: SharedArrayBuffer;
  strips: StripSpec[];
  mask: SharedArrayBuffer;
  tiles: SharedArrayBuffer;
  /** changeMask's options but the chroma planes ({}: its defaults). */
  options: ChangeOptions;
  /** Whether to hand changeMask chroma planes (the survey does). */
  chroma: boolean;
}

const data = workerData as StripsWorkerData;
const { size } = data;
const a = new Uint8Array(data.a);
const b = new Uint8Array(data.b);
const mask = new Uint8Array(data.mask);
const flags = new Uint8Array(data.tiles);
const tilesX = Math.ceil(size / LEVEL_TILE);
const planes = new KernelPlanes();

/** The strip's rows of an interleaved RGB pair as float planes in the kernel memory (what the survey's reads hand changeMask). */
function block(rgb: Uint8Array, s: StripSpec): Block {
  const n = size * s.height;
  const off = s.top * size;
  const bands = [0, 1, 2].map((c) => {
    const out = planes.floats(n) ?? new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = rgb[(off + i) * 3 + c]! / 255;
    return out;
  });
  return {
    window: { x: 0, y: 0, width: size, height: s.height },
    roles: ['red', 'green', 'blue'],
    bands,
    valid: new Uint8Array(n).fill(1),
  };
}

// Untimed: the planes are made once, as the bench's single-thread side makes its own.
const pairs = data.strips.map((s) => {
  const prev = block(a, s);
  const cur = block(b, s);
  const chroma = data.chroma ? { previous: block(a, s), current: block(b, s) } : null;
  return { s, prev, cur, opts: chroma ? { ...data.options, chroma } : data.options };
});
const plane = new MaskPlane();

function run(): void {
  for (const { s, prev, cur, opts } of pairs) {
    const m = changeMask(prev, cur, opts, plane);
    const off = (s.y0 - s.top) * size;
    mask.set(m.subarray(off, off + s.rows * size), s.y0 * size);
    // A core tile row is active where a strip tile row overlapping it was (the margin shifts the strip's tiles).
    // Strips of wide grids (stripRows: under 2.6 MP a strip) need not start on a tile row: a tile row may then
    // hold the cores of two strips, on two workers. Flags are only set (the main thread clears them before a
    // run), so neither strip's verdict overwrites the other's.
    const active = plane.tiles();
    const ty0 = Math.floor(s.y0 / LEVEL_TILE);
    const ty1 = Math.ceil((s.y0 + s.rows) / LEVEL_TILE);
    for (let ty = ty0; ty < ty1; ty++) {
      const lo = Math.max(s.y0, ty * LEVEL_TILE);
      const hi = Math.min(s.y0 + s.rows, (ty + 1) * LEVEL_TILE) - 1;
      const sy0 = Math.floor((lo - s.top) / LEVEL_TILE);
      const sy1 = Math.floor((hi - s.top) / LEVEL_TILE);
      for (let tx = 0; tx < tilesX; tx++) {
        if (!active || active.flags[sy0 * tilesX + tx] || active.flags[sy1 * tilesX + tx]) flags[ty * tilesX + tx] = 1;
      }
    }
  }
}

parentPort!.on('message', (m: 'run' | 'close') => {
  if (m === 'close') process.exit(0);
  const c0 = threadCpuMs();
  run();
  parentPort!.postMessage({ cpuMs: threadCpuMs() - c0 });
});
parentPort!.postMessage('ready');
