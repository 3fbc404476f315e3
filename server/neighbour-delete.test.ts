/**
 * An image deleted while another date of its site is being analysed against it: the running job reads the
 * deleted date's folder, which the delete removes at once. That job must not fail for it: it runs again
 * with the site's dates as they are after the delete.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Image, Job } from '../contract/index.ts';
import type { AnalyzeRequestMsg } from './jobs/protocol.ts';
import { createSite, settledJob, startTestServer, type TestServer } from './testing/harness.ts';
import { cropSample, type SampleCrop } from './testing/sample.ts';

let s: TestServer;
let crop: SampleCrop;
let gate = '';

beforeAll(async () => {
  crop = await cropSample(3);
  gate = await mkdtemp(join(tmpdir(), 'bw-gate-'));
  // Workers take their environment from the process when they start.
  process.env.BW_TEST_GATE = gate;
  s = await startTestServer({
    config: { workers: 1 },
    workerEntry: new URL('./testing/gated-worker.mjs', import.meta.url),
  });
}, 60_000);
afterAll(async () => {
  await s?.stop();
  delete process.env.BW_TEST_GATE;
  if (gate) await rm(gate, { recursive: true, force: true });
});

async function upload(i: number): Promise<{ image: Image; job: Job }> {
  const img = crop.images[i]!;
  const fd = new FormData();
  fd.set('file', new Blob([new Uint8Array(img.png)]), img.name);
  fd.set('acquiredAt', img.acquiredAt);
  fd.set('bounds', JSON.stringify(crop.bounds));
  const r = await s.req(`/api/sites/${crop.siteId}/images`, { method: 'POST', auth: true, body: fd });
  expect(r.status, await r.clone().text()).toBe(202);
  return (await r.json()) as { image: Image; job: Job };
}

const readIds = (q: AnalyzeRequestMsg) =>
  [q.previous, q.reference, ...(q.others ?? [])].flatMap((o) => (o ? [o.id] : []));

it('succeeds, on the dates left, when the date it reads as previous is deleted mid-run', async () => {
  const r = await createSite(s, crop.siteId, 'race', crop);
  expect(r.status).toBe(201);
  const [first, second] = [await upload(0), await upload(1)];
  for (const u of [first, second]) expect((await settledJob(s, u.job.id)).status).toBe('succeeded');
  await s.runner.idle();

  await writeFile(join(gate, 'armed'), '');
  const third = await upload(2);
  const started = join(gate, 'started.json');
  for (const t0 = Date.now(); !existsSync(started); ) {
    if (Date.now() - t0 > 60_000) throw new Error('the third date never started');
    await new Promise((ok) => setTimeout(ok, 20));
  }
  const held = JSON.parse(await readFile(started, 'utf8')) as AnalyzeRequestMsg;
  expect(held.image.id).toBe(third.image.id);
  expect(held.previous?.id).toBe(second.image.id);

  expect((await s.req(`/api/images/${second.image.id}`, { method: 'DELETE', auth: true })).status).toBe(204);
  await writeFile(join(gate, 'go'), '');

  const job = await settledJob(s, third.job.id);
  expect([job.status, job.errorCode ?? null]).toEqual(['succeeded', null]);
  await s.runner.idle();
  const runs = (await readFile(join(gate, 'runs.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AnalyzeRequestMsg)
    .filter((q) => q.image.id === third.image.id);
  const last = runs.at(-1)!;
  expect(last.previous?.id).toBe(first.image.id);
  expect(readIds(last)).not.toContain(second.image.id);
  const image = (await (await s.req(`/api/images/${third.image.id}`)).json()) as Image;
  expect(image.status).toBe('ready');
}, 240_000);
