/**
 * The job runner: a pool of worker threads (one per core by default) fed from the durable queue in
 * the catalogue. Claims are atomic and serialised per site in acquisition order, because an image's
 * analysis compares against its predecessor's. A restart requeues jobs left running; a worker that
 * dies takes its job back to the queue once, then fails it with the reason.
 */
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { compileForWorkers } from '../../processing/compiler-flags.ts';
import type { DataPaths } from '../deps.ts';
import type { Logger } from '../http/log.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { Catalog, ImageRecord, JobRecord } from '../store/catalog.ts';
import type { AnalyzeRequestMsg, FromWorker, PriorImageMsg, ToWorker } from './protocol.ts';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);
/** A job whose worker died this many times is failed rather than retried forever. */
const MAX_ATTEMPTS = 2;
/**
 * A job that failed after a date it read was deleted under it is run again with the new context this many
 * claims in all: each retry needs another delete on its site, but a failure of its own must still surface.
 */
const MAX_CONTEXT_ATTEMPTS = 3;

interface Slot {
  worker: Worker;
  job: JobRecord | null;
  /** The other dates the job's analysis reads (previous, reference, others), as claimed. */
  reads: string[];
}

export interface RunnerDeps {
  catalog: Catalog;
  blobs: BlobStore;
  paths: DataPaths;
  log: Logger;
  /** Called after a job succeeded (e.g. to warm tile pyramids). */
  afterSuccess?: (imageId: string) => Promise<void> | void;
  /** The worker module (default worker-entry.mjs): tests give one that dies, to reach what a crash leaves. */
  workerEntry?: URL;
}

export class JobRunner extends EventEmitter {
  private readonly slots: Slot[] = [];
  private pumping = false;
  private again = false;
  private closed = false;

  constructor(
    private readonly d: RunnerDeps,
    private readonly size: number,
  ) {
    super();
  }

  /**
   * Starts the pool. The server requeues jobs a crash left running; the CLI, which may run beside
   * a live server on the same store, must not (`requeue: false`).
   */
  async start({ requeue = true }: { requeue?: boolean } = {}): Promise<void> {
    const n = requeue ? await this.d.catalog.requeueInterrupted() : 0;
    if (n > 0) this.d.log.info('requeued interrupted jobs', { count: n });
    this.wake();
  }

  /** There may be new work: claim jobs for idle workers. */
  wake(): void {
    if (this.closed || this.size <= 0) return;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        for (;;) {
          const slot = this.idleSlot();
          if (!slot) break;
          const job = await this.d.catalog.claimJob();
          if (!job) break;
          await this.dispatch(slot, job);
        }
      } while (this.again && !this.closed);
    } finally {
      this.pumping = false;
    }
  }

  private idleSlot(): Slot | null {
    const free = this.slots.find((s) => !s.job);
    if (free) return free;
    if (this.slots.length < this.size) return this.spawn();
    return null;
  }

  private spawn(): Slot {
    // workerData must be an object: geotiff's web-worker polyfill reads `workerData.mod` in any non-main thread.
    // Each analysis may fan out over its own thread pool: share the cores between the analysis workers.
    const threads = Math.max(1, Math.floor(availableParallelism() / this.size));
    // An analysis worker compiles as a pool's workers do, in its own thread: a 4 MP analysis, which
    // runs in that thread alone (bench/analysis-cpu.ts with the flag on node's command line,
    // alternating at load ~35), 9.0, 9.0, 9.2 → 8.2, 7.9, 7.8 CPU s.
    compileForWorkers();
    const worker = new Worker(this.d.workerEntry ?? ENTRY, { workerData: { threads } });
    const slot: Slot = { worker, job: null, reads: [] };
    worker.on('message', (m: FromWorker) => void this.onMessage(slot, m));
    worker.on('error', (e) => this.d.log.error('analysis worker error', { error: e.stack ?? e.message }));
    worker.on('exit', (code) => void this.onExit(slot, code));
    this.slots.push(slot);
    return slot;
  }

  private prior(img: ImageRecord | null): PriorImageMsg | null {
    return img ? { id: img.id, dir: this.d.paths.analysisDir(img.id), acquiredAt: img.acquiredAt } : null;
  }

  private async dispatch(slot: Slot, job: JobRecord): Promise<void> {
    const ctx = await this.d.catalog.analysisContext(job.imageId);
    if (!ctx) {
      await this.d.catalog.failJob(job.id, 'image no longer exists', 'internal');
      return;
    }
    const { site, image } = ctx;
    const request: AnalyzeRequestMsg = {
      site: {
        id: site.id,
        bounds: site.bounds,
        settings: site.settings,
        zones: site.zones,
        grid: site.grid,
        bands: site.bands,
      },
      image: {
        id: image.id,
        path: await this.d.blobs.localPath(image.blobKey),
        acquiredAt: image.acquiredAt,
        ...(image.georeferenced ? {} : { bounds: image.bounds }),
      },
      dir: this.d.paths.analysisDir(image.id),
      reference: this.prior(ctx.reference),
      previous: this.prior(ctx.previous),
      others: ctx.others.map((o) => this.prior(o)!),
    };
    slot.job = job;
    slot.reads = [ctx.previous, ctx.reference, ...ctx.others].flatMap((o) => (o ? [o.id] : []));
    this.emit('started', job);
    slot.worker.postMessage({ type: 'run', jobId: job.id, request } satisfies ToWorker);
  }

  private async onMessage(slot: Slot, m: FromWorker): Promise<void> {
    if (m.type === 'ready') return;
    const job = slot.job;
    if (!job || job.id !== m.jobId) return;
    if (m.type === 'progress') {
      await this.d.catalog.setJobProgress(job.id, m.fraction);
      this.emit('progress', job, m.fraction, m.stage);
      return;
    }
    slot.job = null;
    try {
      if (m.type === 'done') {
        const kept = await this.d.catalog.completeJob(job.id, m.outcome);
        if (!kept) await rm(this.d.paths.analysisDir(job.imageId), { recursive: true, force: true });
        else await this.d.afterSuccess?.(job.imageId);
        this.emit('succeeded', job);
      } else if (!(await this.d.catalog.getImage(job.imageId))) {
        // Deleted while it ran (and cancelled): drop whatever the worker wrote after the delete.
        await rm(this.d.paths.analysisDir(job.imageId), { recursive: true, force: true });
      } else if (job.attempts < MAX_CONTEXT_ATTEMPTS && (await this.readDateDeleted(slot.reads))) {
        // Its folder may have gone mid-read: the failure says nothing of this image. Claimed again, the job
        // reads the site's dates as they are now.
        await this.d.catalog.requeueJob(job.id);
        this.d.log.info('analysis requeued: a date it read was deleted', { jobId: job.id, error: m.error });
        this.emit('requeued', job);
      } else {
        await this.d.catalog.failJob(job.id, m.error, m.errorCode);
        this.d.log.warn('analysis failed', {
          jobId: job.id,
          imageId: job.imageId,
          error: m.error,
          errorCode: m.errorCode,
        });
        this.emit('failed', job, m.error);
      }
    } catch (e) {
      this.d.log.error('could not record job result', { jobId: job.id, error: (e as Error).stack });
    }
    this.emit('settled', job);
    this.wake();
  }

  private async readDateDeleted(ids: readonly string[]): Promise<boolean> {
    for (const id of ids) if (!(await this.d.catalog.getImage(id))) return true;
    return false;
  }

  private async onExit(slot: Slot, code: number): Promise<void> {
    this.slots.splice(this.slots.indexOf(slot), 1);
    const job = slot.job;
    if (!job || this.closed) return;
    const error = `analysis worker exited with code ${code}`;
    this.d.log.error(error, { jobId: job.id });
    if (job.attempts < MAX_ATTEMPTS) await this.d.catalog.requeueJob(job.id);
    else await this.d.catalog.failJob(job.id, error, 'worker_crashed');
    this.emit('settled', job);
    this.wake();
  }

  /** Stops the analysis of an image that is being deleted (its result would be thrown away). */
  cancel(imageId: string): void {
    for (const slot of this.slots) {
      if (slot.job?.imageId === imageId) {
        slot.worker.postMessage({ type: 'abort', jobId: slot.job.id } satisfies ToWorker);
      }
    }
  }

  /** Resolves when nothing is queued or running (CLI and tests). */
  async idle(): Promise<void> {
    for (;;) {
      const c = await this.d.catalog.jobCounts();
      if (c.queued === 0 && c.running === 0) return;
      if (this.closed) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
