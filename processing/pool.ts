/**
 * A small pool of worker threads for the analysis's per-strip and per-zone work (survey, detect):
 * each worker opens its own read handles on the prepared rasters (plain files, so no pixels are
 * copied between threads) and sends back masks and counts as transferred buffers.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { compileForWorkers } from './compiler-flags.ts';
import { ProcessingError, type ProcessingErrorCode } from './errors.ts';
import type { Alignment } from './prepared.ts';

/** What a worker needs to open a prepared image: its raster folder and its alignment. */
export interface PreparedSpec {
  rasterDir: string;
  alignment: Alignment;
}

export interface Pool {
  readonly size: number;
  /** Runs `task` on the next free worker; `kind` names the handler in pool-worker.ts. */
  run<T>(kind: string, task: unknown): Promise<T>;
  /** Closes the workers' file handles and ends them. */
  close(): Promise<void>;
}

const ENTRY = new URL('./pool-entry.mjs', import.meta.url);

/** An error as a worker reports it: a ProcessingError keeps its code and field across threads. */
export interface WorkerError {
  message: string;
  code?: ProcessingErrorCode;
  field?: string;
}

function revive(e: WorkerError): Error {
  return e.code ? new ProcessingError(e.code, e.message, e.field) : new Error(e.message);
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** Starts `size` workers (default: one per core). */
export function createPool(size = availableParallelism()): Pool {
  compileForWorkers();
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const queue: Array<{ id: number; kind: string; task: unknown }> = [];
  const idle: Worker[] = [];
  let failure: Error | null = null;
  const exited = new Set<Worker>();
  const fail = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const pump = () => {
    while (idle.length > 0 && queue.length > 0) {
      const w = idle.pop()!;
      w.postMessage(queue.shift());
    }
  };
  const workers = Array.from({ length: Math.max(1, size) }, () => {
    // workerData must be an object: geotiff's web-worker polyfill reads `workerData.mod` in any non-main thread.
    const w = new Worker(ENTRY, { workerData: {} });
    w.on('message', (m: { id: number; result?: unknown; error?: WorkerError }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      idle.push(w);
      pump();
      if (!p) return;
      if (m.error) p.reject(revive(m.error));
      else p.resolve(m.result);
    });
    w.on('error', fail);
    w.on('exit', (code) => {
      exited.add(w);
      if (code !== 0) fail(new Error(`pool worker exited with code ${code}`));
    });
    idle.push(w);
    return w;
  });
  return {
    size: workers.length,
    run<T>(kind: string, task: unknown): Promise<T> {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        queue.push({ id, kind, task });
        pump();
      });
    },
    async close() {
      await Promise.all(
        workers
          .filter((w) => !exited.has(w))
          .map(
            (w) =>
              new Promise<void>((resolve) => {
                w.once('exit', () => resolve());
                w.postMessage({ id: 0, kind: 'close', task: null });
              }),
          ),
      );
    },
  };
}
