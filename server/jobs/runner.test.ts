import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataPaths } from '../deps.ts';
import { createLogger } from '../http/log.ts';
import { FsBlobStore } from '../store/fs-blob-store.ts';
import { openSqliteCatalog } from '../store/sqlite-catalog.ts';
import { FIXTURE_BOUNDS, fixtureImage } from '../testing/catalog-fixtures.ts';
import { JobRunner } from './runner.ts';

let dir: string;
let catalog: ReturnType<typeof openSqliteCatalog>;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-runner-'));
  catalog = openSqliteCatalog(join(dir, 'db.sqlite'));
});
afterEach(async () => {
  await catalog.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a job whose analysis worker dies', () => {
  it('is retried once on a new worker, then failed worker_crashed with the exit code as its reason', async () => {
    await catalog.createSite({
      id: 'north',
      name: 'North',
      bounds: FIXTURE_BOUNDS,
      settings: { minVesselLengthM: 20, railCarLengthM: 15 },
      zones: { type: 'FeatureCollection', features: [] },
    });
    const { image, job } = await catalog.addImage(fixtureImage('north', '2025-01-01T00:00:00.000Z'));
    const runner = new JobRunner(
      {
        catalog,
        blobs: await new FsBlobStore(dir).init(),
        paths: dataPaths(dir),
        log: createLogger('silent'),
        workerEntry: new URL('../testing/dying-worker.mjs', import.meta.url),
      },
      1,
    );
    try {
      await runner.start();
      await runner.idle();
    } finally {
      await runner.close();
    }
    const got = (await catalog.getJob(job.id))!;
    expect([got.status, got.errorCode, got.attempts, got.error]).toEqual([
      'failed',
      'worker_crashed',
      2,
      'analysis worker exited with code 3',
    ]);
    expect((await catalog.getImage(image.id))?.status).toBe('failed');
  });
});
