/**
 * Durability: `kill -9` of the server while uploads and analyses are in flight, then a restart on the
 * same data dir. No accepted image is lost, none is half-written (every stored file hashes to its
 * record), nothing is left without its record, and every job finishes.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Image } from '../contract/index.ts';
import { startChild } from './testing/child.ts';
import { TEST_KEY } from './testing/harness.ts';
import { cropSample } from './testing/sample.ts';

const children: ChildProcess[] = [];
let dataDir = '';
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function startServerChild(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const started = await startChild(dir, TEST_KEY);
  children.push(started.child);
  return started;
}

const auth = { authorization: `Bearer ${TEST_KEY}` };

/** An upload whose body stops half-way, left hanging until the server dies. */
function hangingUpload(url: string, site: string, file: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const boundary = 'xxBOUNDARYxx';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="acquiredAt"\r\n\r\n2025-06-01T00:00:00Z\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\nContent-Type: image/png\r\n\r\n`;
    const req = request(`${url}/api/sites/${site}/images`, {
      method: 'POST',
      headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
    });
    req.on('error', () => resolve());
    req.on('response', () => resolve());
    req.write(head);
    req.write(file.subarray(0, file.length >> 1));
  });
}

it('loses nothing accepted and half-writes nothing when killed mid-upload and mid-analysis', async () => {
  const crop = await cropSample(4);
  dataDir = await mkdtemp(join(tmpdir(), 'bw-crash-'));
  let { url, child } = await startServerChild(dataDir);
  const site = crop.siteId;
  const created = await fetch(`${url}/api/sites`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ id: site, name: 'crash', bounds: crop.bounds, settings: crop.settings, zones: crop.zones }),
  });
  expect(created.status).toBe(201);

  const accepted: Image[] = [];
  const send = async (img: (typeof crop.images)[number]) => {
    const fd = new FormData();
    fd.set('file', new Blob([new Uint8Array(img.png)]), img.name);
    fd.set('acquiredAt', img.acquiredAt);
    fd.set('bounds', JSON.stringify(crop.bounds));
    try {
      const r = await fetch(`${url}/api/sites/${site}/images`, { method: 'POST', headers: auth, body: fd });
      if (r.status === 202) accepted.push(((await r.json()) as { image: Image }).image);
    } catch {
      // cut off by the kill: may or may not have been committed
    }
  };
  // Two accepted before the kill, two racing it, and one whose body never finishes.
  await send(crop.images[0]!);
  await send(crop.images[1]!);
  const uploads = crop.images.slice(2).map(send);
  const hanging = hangingUpload(url, site, crop.images[0]!.png);
  // Kill once an analysis is under way.
  const t0 = Date.now();
  for (;;) {
    const list = (await (await fetch(`${url}/api/sites/${site}/images`)).json()) as { items: Image[] };
    if (list.items.some((i) => i.status === 'processing')) break;
    if (Date.now() - t0 > 60_000) throw new Error('no analysis started');
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  await Promise.all([...uploads, hanging]);
  expect(accepted.length).toBeGreaterThan(0);

  ({ url, child } = await startServerChild(dataDir));
  const list = (await (await fetch(`${url}/api/sites/${site}/images?limit=1000`)).json()) as { items: Image[] };
  for (const a of accepted) expect(list.items.map((i) => i.id)).toContain(a.id);
  // Every record has its file, every file its record, each file hashes to its record.
  const blobs: string[] = [];
  for (const d of await readdir(join(dataDir, 'blobs')))
    for (const f of await readdir(join(dataDir, 'blobs', d))) blobs.push(f);
  expect(blobs.sort()).toEqual([...new Set(list.items.map((i) => i.sha256))].sort());
  for (const img of list.items) {
    const bytes = await readFile(join(dataDir, 'blobs', img.sha256.slice(0, 2), img.sha256));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(img.sha256);
  }
  expect(await readdir(join(dataDir, 'tmp'))).toEqual([]);
  // Every job finishes.
  const t1 = Date.now();
  for (;;) {
    const jobs = await Promise.all(
      list.items.map(async (i) => {
        const job = await (await fetch(`${url}/api/images/${i.id}`)).json();
        return job as Image;
      }),
    );
    if (jobs.every((i) => i.status === 'ready')) break;
    expect(jobs.some((i) => i.status === 'failed')).toBe(false);
    if (Date.now() - t1 > 120_000) throw new Error(`jobs unfinished: ${jobs.map((j) => j.status).join(',')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const scores = (await (await fetch(`${url}/api/sites/${site}/scores?limit=1000`)).json()) as { items: unknown[] };
  expect(scores.items).toHaveLength(list.items.length * crop.zones.features.length);
  child.kill('SIGTERM');
}, 240_000);
