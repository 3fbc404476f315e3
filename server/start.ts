/**
 * startServer: opens the store in the data dir, sweeps what an interrupted run left, ensures an API
 * key, starts the job runner, seeds the sample site on a fresh data dir, and serves the API and the
 * web app. `npm start` (scripts/start.mjs), the CLI's serve and the tests all come through here.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import sharp from 'sharp';
import { createApp } from './app.ts';
import { defaultConfig, type ServerConfig } from './config.ts';
import { type AppDeps, dataPaths } from './deps.ts';
import { generateKey, hashKey, KeyRing } from './http/keys.ts';
import { createLogger, type Logger } from './http/log.ts';
import { JobRunner } from './jobs/runner.ts';
import { seedSample } from './seed.ts';
import type { Catalog } from './store/catalog.ts';
import { FsBlobStore } from './store/fs-blob-store.ts';
import { openSqliteCatalog } from './store/sqlite-catalog.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VERSION = '0.1.0';
export const KEY_FILE = 'api-key';

export interface StartOptions {
  /** 0 or omitted: a free port. */
  port?: number;
  host?: string;
  dataDir: string;
  /** Load and analyse the sample site when the data dir is fresh (default false here; npm start passes true). */
  seed?: boolean;
  apiKeys?: string[];
  /** Any other configuration (limits, workers, rate limits, log level…). */
  config?: Partial<ServerConfig>;
  /** Test-only: the analysis worker module (see RunnerDeps.workerEntry). */
  workerEntry?: URL;
}

export interface RunningServer {
  url: string;
  /** A key that can write: the first configured key, or the one stored in the data dir. */
  apiKey: string;
  /** Set when this start created the key (print it once). */
  createdKey: boolean;
  config: ServerConfig;
  catalog: Catalog;
  runner: JobRunner;
  close(): Promise<void>;
}

/** Opens the embedded store in `dataDir` (shared with the CLI). */
export async function openStore(dataDir: string, log: Logger) {
  await mkdir(dataDir, { recursive: true });
  const fresh = !existsSync(join(dataDir, 'berthwatch.db'));
  const catalog = openSqliteCatalog(join(dataDir, 'berthwatch.db'));
  const blobs = await new FsBlobStore(dataDir).init();
  const swept = await blobs.sweep(await catalog.referencedBlobKeys());
  if (swept.temps + swept.orphans > 0) log.info('swept interrupted uploads', swept);
  return { catalog, blobs, paths: dataPaths(dataDir), fresh };
}

/** Makes sure some key can write; creates one (stored hashed in the catalogue, in clear in the data dir) if none. */
async function ensureApiKey(
  catalog: Catalog,
  dataDir: string,
  envKeys: string[],
): Promise<{ apiKey: string; created: boolean }> {
  const keyFile = join(dataDir, KEY_FILE);
  const stored = (await catalog.listApiKeys()).filter((k) => !k.revokedAt);
  if (envKeys.length > 0) return { apiKey: envKeys[0]!, created: false };
  if (stored.length > 0) {
    const saved = existsSync(keyFile) ? (await readFile(keyFile, 'utf8')).trim() : '';
    const valid = saved && stored.some((k) => k.hash === hashKey(saved).toString('hex'));
    return { apiKey: valid ? saved : '', created: false };
  }
  const key = generateKey();
  await catalog.addApiKey(hashKey(key).toString('hex'), 'created on first start');
  await writeFile(keyFile, `${key}\n`, { mode: 0o600 });
  await chmod(keyFile, 0o600);
  return { apiKey: key, created: true };
}

/** Starts a real server on 127.0.0.1 (or `host`) with real storage in `dataDir`. */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  // sharp defaults to one libvips thread here (STACK.md); tile encoding and heat maps use them all.
  sharp.concurrency(availableParallelism());
  const config = defaultConfig({
    log: 'warn',
    ...opts.config,
    dataDir: opts.dataDir,
    port: opts.port ?? opts.config?.port ?? 0,
    host: opts.host ?? opts.config?.host ?? '127.0.0.1',
    seed: opts.seed ?? opts.config?.seed ?? false,
    apiKeys: opts.apiKeys ?? opts.config?.apiKeys ?? [],
  });
  const log = createLogger(config.log);
  const { catalog, blobs, paths, fresh } = await openStore(config.dataDir, log);
  const { apiKey, created } = await ensureApiKey(catalog, config.dataDir, config.apiKeys);
  const keys = new KeyRing(catalog, config.apiKeys);
  await keys.refresh();

  const runner = new JobRunner({ catalog, blobs, paths, log, workerEntry: opts.workerEntry }, config.workers);
  const deps: AppDeps = {
    config,
    catalog,
    blobs,
    keys,
    log,
    paths,
    wakeJobs: () => runner.wake(),
    cancelJobs: (imageId) => runner.cancel(imageId),
    clientDir: join(REPO_ROOT, 'dist', 'client'),
    version: VERSION,
  };
  const app = createApp(deps);

  const server = await new Promise<ReturnType<typeof serve>>((ok, fail) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => ok(s));
    s.once('error', fail);
  });
  const addr = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;

  await runner.start();
  if (config.seed && fresh) {
    try {
      const seeded = await seedSample({ catalog, blobs, limits: config.limits }, join(REPO_ROOT, 'sample-tiles'));
      if (seeded) log.info('seeded the sample site', { sites: seeded });
      runner.wake();
    } catch (e) {
      log.error('could not seed the sample site', { error: (e as Error).stack });
    }
  }

  let closing: Promise<void> | null = null;
  return {
    url,
    apiKey,
    createdKey: created,
    config,
    catalog,
    runner,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((r) => {
          server.close(() => r());
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await runner.close();
        await catalog.close();
      })();
      return closing;
    },
  };
}
