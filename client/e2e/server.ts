// The real server for browser tests and the web-app bench: seeds and analyses the sample site once into
// test-output/e2e-seed (shared by every file of a run, rebuilt when server or processing code changes),
// then gives each caller its own copy of that data dir so uploads in one file never leak into another.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Image, Site } from '../../contract/index.ts';
import { startServer } from '../../server/start.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const OUT = join(ROOT, 'test-output');
const SEED_DIR = join(OUT, 'e2e-seed');
const LOCK = join(OUT, 'e2e-seed.lock');
export const TEST_KEY = 'e2e-test-key-0123456789abcdef';

/** Sources whose change makes a seeded data dir stale. */
async function fingerprint(): Promise<string> {
  const h = createHash('sha256');
  for (const dir of ['server', 'processing', 'sample-tiles']) {
    const files = (await readdir(join(ROOT, dir), { recursive: true })).filter(
      (f) => /\.(ts|json|geojson)$/.test(f) && !f.endsWith('.test.ts'),
    );
    for (const f of files.sort()) {
      const s = await stat(join(ROOT, dir, f));
      h.update(`${dir}/${f}:${s.size}:${s.mtimeMs}\n`);
    }
  }
  return h.digest('hex');
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Waits until every image of every site is analysed (ready or failed). */
export async function waitForAnalysis(url: string, timeoutMs = 170_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const sites = await getJson<{ items: Site[] }>(`${url}/api/sites`);
    let pending = 0;
    for (const s of sites.items) {
      const imgs = await getJson<{ items: Image[] }>(`${url}/api/sites/${s.id}/images?limit=1000`);
      pending += imgs.items.filter((i) => i.status === 'queued' || i.status === 'processing').length;
    }
    if (sites.items.length > 0 && pending === 0) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`sample analysis still has ${pending} images pending`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A cross-process lock by atomic mkdir; stale after 5 minutes (a killed run). */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  await mkdir(OUT, { recursive: true });
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      const s = await stat(LOCK).catch(() => null);
      if (s && Date.now() - s.mtimeMs > 300_000) await rm(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

/** The seeded data dir, created (sample loaded and fully analysed) when missing or stale. */
export async function seededDataDir(): Promise<string> {
  return withLock(async () => {
    const fp = await fingerprint();
    const marker = join(SEED_DIR, '.fingerprint');
    if (existsSync(marker) && (await readFile(marker, 'utf8')) === fp) return SEED_DIR;
    await rm(SEED_DIR, { recursive: true, force: true });
    const server = await startServer({ dataDir: SEED_DIR, seed: true, apiKeys: [TEST_KEY], config: { log: 'error' } });
    try {
      await waitForAnalysis(server.url);
    } finally {
      await server.close();
    }
    await writeFile(marker, fp);
    return SEED_DIR;
  });
}

export interface TestServer {
  url: string;
  apiKey: string;
  dataDir: string;
  close(): Promise<void>;
}

/** A real server on a copy of the seeded data dir, on a free port. */
export async function startSeededServer(): Promise<TestServer> {
  const seed = await seededDataDir();
  const dataDir = await mkdtemp(join(OUT, 'e2e-run-'));
  await cp(seed, dataDir, { recursive: true });
  const server = await startServer({ dataDir, seed: false, apiKeys: [TEST_KEY], config: { log: 'error' } });
  return {
    url: server.url,
    apiKey: TEST_KEY,
    dataDir,
    close: async () => {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
