// The real server for browser tests and the web-app bench: loads the sample site through the API and
// analyses it once into test-output/e2e-seed-N (shared by every file of a run, rebuilt when server,
// processing or sample code changes),
// then gives each caller its own copy of that data dir so uploads in one file never leak into another.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Image, Site } from '../../contract/index.ts';
import { startServer } from '../../server/start.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const OUT = join(ROOT, 'test-output');
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
async function waitForAnalysis(url: string, timeoutMs = 280_000): Promise<void> {
  const t0 = Date.now();
  let settledOnce = false;
  for (;;) {
    const sites = await getJson<{ items: Site[] }>(`${url}/api/sites`);
    let pending = 0;
    for (const s of sites.items) {
      const imgs = await getJson<{ items: Image[] }>(`${url}/api/sites/${s.id}/images?limit=1000`);
      pending += imgs.items.filter((i) => i.status === 'queued' || i.status === 'processing').length;
    }
    // Twice in a row: a finished analysis can queue its successor's re-scoring a moment later.
    if (sites.items.length > 0 && pending === 0) {
      if (settledOnce) return;
      settledOnce = true;
    } else settledOnce = false;
    if (Date.now() - t0 > timeoutMs) throw new Error(`sample analysis still has ${pending} images pending`);
    await new Promise((r) => setTimeout(r, 700));
  }
}

/** Whether a process is alive (signal 0 checks without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A cross-process lock by atomic mkdir, holding the owner's pid: a waiter takes it over only when
 * that process is gone (a killed run), never because seeding is slow on a busy machine.
 */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  await mkdir(OUT, { recursive: true });
  for (;;) {
    try {
      await mkdir(LOCK);
      await writeFile(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch {
      const pid = Number(await readFile(join(LOCK, 'pid'), 'utf8').catch(() => 'NaN'));
      const s = await stat(LOCK).catch(() => null);
      // No pid yet: the owner is between mkdir and writeFile, unless that was long ago.
      const orphan = Number.isFinite(pid) ? !alive(pid) : s !== null && Date.now() - s.mtimeMs > 10_000;
      if (orphan) await rm(LOCK, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

interface SampleManifest {
  site: { id: string; name: string; bounds: number[]; settings?: Record<string, number> };
  images: { file: string; acquiredAt: string; bounds?: number[]; sensor?: string }[];
}

/** The sample site folders (sample-tiles/<site>/manifest.json). */
async function sampleDirs(): Promise<string[]> {
  const root = join(ROOT, 'sample-tiles');
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    if (e.isDirectory() && existsSync(join(root, e.name, 'manifest.json'))) out.push(join(root, e.name));
  }
  if (out.length === 0) throw new Error('no sample site under sample-tiles/ (run `npm run sample`)');
  return out.sort();
}

/** Loads a sample site through the public API, as an analyst would: create the site, upload its first `dates` images. */
async function loadSample(url: string, dir: string, dates: number): Promise<number> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as SampleManifest;
  const zones = JSON.parse(await readFile(join(dir, 'zones.geojson'), 'utf8')) as unknown;
  const auth = { authorization: `Bearer ${TEST_KEY}` };
  const { id, name, bounds, settings } = manifest.site;
  const created = await fetch(`${url}/api/sites`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ id, name, bounds, settings, zones }),
  });
  if (created.status !== 201)
    throw new Error(`creating the sample site: HTTP ${created.status} ${await created.text()}`);
  for (const img of manifest.images.slice(0, dates)) {
    const form = new FormData();
    form.append('acquiredAt', img.acquiredAt);
    if (img.bounds) form.append('bounds', JSON.stringify(img.bounds));
    if (img.sensor) form.append('sensor', img.sensor);
    form.append('file', new Blob([await readFile(join(dir, img.file))]), img.file.split('/').pop());
    const res = await fetch(`${url}/api/sites/${id}/images`, { method: 'POST', headers: auth, body: form });
    if (res.status !== 202 && res.status !== 200)
      throw new Error(`uploading ${img.file}: HTTP ${res.status} ${await res.text()}`);
  }
  return Math.min(dates, manifest.images.length);
}

/**
 * Browser tests need a handful of dates, not the whole year: each date costs ~12 s of analysis on two
 * cores. The bench scrubs every date (`Infinity`).
 */
const TEST_DATES = 6;

/** Builds the seed unless a current one exists; call only while holding the lock. */
async function ensureSeed(dates: number): Promise<string> {
  const dir = join(OUT, `e2e-seed-${Number.isFinite(dates) ? dates : 'all'}`);
  const fp = `${await fingerprint()}:${dates}`;
  const marker = join(dir, '.fingerprint');
  if (existsSync(marker) && (await readFile(marker, 'utf8')) === fp) return dir;
  await rm(dir, { recursive: true, force: true });
  const server = await startServer({ dataDir: dir, seed: false, apiKeys: [TEST_KEY], config: { log: 'error' } });
  try {
    let images = 0;
    for (const sample of await sampleDirs()) images += await loadSample(server.url, sample, dates);
    // ~12 s per date on an idle 2-core machine; four times that when other suites share the cores.
    await waitForAnalysis(server.url, 60_000 + images * 45_000);
  } finally {
    await server.close();
  }
  await writeFile(marker, fp);
  return dir;
}

export interface TestServer {
  url: string;
  apiKey: string;
  dataDir: string;
  close(): Promise<void>;
}

/** A real server on a copy of the seeded data dir, on a free port. */
export async function startSeededServer(dates = TEST_DATES): Promise<TestServer> {
  // A clean checkout has no test-output yet when a bench, not the tests, starts the server first.
  await mkdir(OUT, { recursive: true });
  const dataDir = await mkdtemp(join(OUT, 'e2e-run-'));
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    // Copied under the lock: another file may find the seed stale (code edited meanwhile) and rebuild it.
    await withLock(async () => cp(await ensureSeed(dates), dataDir, { recursive: true }));
    server = await startServer({ dataDir, seed: false, apiKeys: [TEST_KEY], config: { log: 'error' } });
  } catch (e) {
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
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
