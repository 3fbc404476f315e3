/** `npm start` on an empty data dir: prints its URL and a new API key once, loads the sample site, queues its analysis. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Image, Site } from '../contract/index.ts';
import { KEY_FILE, REPO_ROOT } from './start.ts';

const children: ChildProcess[] = [];
let dataDir = '';
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function npmStart(env: Record<string, string>): Promise<{ out: string; child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts/start.mjs')], {
    env: { ...process.env, BERTHWATCH_API_KEYS: '', PORT: '0', BERTHWATCH_LOG: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((ok, fail) => {
    let out = '';
    const done = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      // Give the key lines (printed right after the URL) a moment to arrive.
      if (m) setTimeout(() => ok({ out, child, url: m[1]! }), 300);
    };
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      done();
    });
    child.stderr!.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.once('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
  });
}

it('creates a key, prints it once, and seeds the sample site on first start only', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bw-start-'));
  const first = await npmStart({ BERTHWATCH_DATA_DIR: dataDir, BERTHWATCH_WORKERS: '0' });
  const key = (await readFile(join(dataDir, KEY_FILE), 'utf8')).trim();
  expect(first.out).toContain(key);
  const sites = (await (await fetch(`${first.url}/api/sites`)).json()) as { items: Site[] };
  expect(sites.items.map((s) => s.id)).toEqual(['rajin']);
  const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'sample-tiles/rajin/manifest.json'), 'utf8')) as {
    images: unknown[];
  };
  const images = (await (await fetch(`${first.url}/api/sites/rajin/images?limit=1000`)).json()) as { items: Image[] };
  expect(images.items).toHaveLength(manifest.images.length);
  expect(images.items.every((i) => i.status === 'queued')).toBe(true);
  const del = await fetch(`${first.url}/api/sites/none`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${key}` },
  });
  expect(del.status).toBe(404);
  first.child.kill('SIGTERM');
  await new Promise((r) => first.child.once('exit', r));

  const second = await npmStart({ BERTHWATCH_DATA_DIR: dataDir, BERTHWATCH_WORKERS: '0' });
  expect(second.out).not.toContain(key);
  const again = (await (await fetch(`${second.url}/api/sites/rajin/images?limit=1000`)).json()) as { items: Image[] };
  expect(again.items).toHaveLength(manifest.images.length);
  second.child.kill('SIGTERM');
}, 60_000);

it('stops with a clear message on bad configuration', async () => {
  await expect(npmStart({ PORT: 'eighty' })).rejects.toThrow(/invalid configuration[\s\S]*PORT/);
  const file = join(dataDir, KEY_FILE);
  await expect(npmStart({ BERTHWATCH_SEED: '0', BERTHWATCH_DATA_DIR: join(file, 'data') })).rejects.toThrow(
    /exited 1: berthwatch: cannot use the data dir/,
  );
});
