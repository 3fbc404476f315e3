import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { Image, Job } from '../contract/index.ts';
import { startChild } from '../server/testing/child.ts';
import { cropSample, sampleDir } from '../server/testing/sample.ts';
import { tileOf } from '../server/tiles/mercator.ts';

const KEY = 'bench-key-0123456789abcdef';
const { values } = parseArgs({
  options: {
    dates: { type: 'string' },
    crop: { type: 'boolean', default: false },
    /** Stop after the ingest: until the re-scores it queued are done too, with their count and CPU. */
    'ingest-only': { type: 'boolean', default: false },
  },
});

interface SeriesImage {
  name: string;
  acquiredAt: string;
  bytes: Buffer;
  bounds: number[];
}

async function series(): Promise<{ site: Record<string, unknown>; images: SeriesImage[] }> {
  const n = values.dates ? Number(values.dates) : Number.POSITIVE_INFINITY;
  if (values.crop) {
    const c = await cropSample(Number.isFinite(n) ? n : 12);
    return {
      site: { id: c.siteId, name: 'crop', bounds: c.bounds, settings: c.settings, zones: c.zones },
      images: c.images.map((i) => ({ name: i.name, acquiredAt: i.acquiredAt, bytes: i.png, bounds: c.bounds })),
    };
  }
  const dir = await sampleDir();
  const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  const zones = JSON.parse(await readFile(join(dir, 'zones.geojson'), 'utf8'));
  const images: SeriesImage[] = [];
  for (const i of m.images.slice(0, n)) {
    images.push({
      name: i.file.split('/').pop(),
      acquiredAt: i.acquiredAt,
      bytes: await readFile(join(dir, i.file)),
      bounds: i.bounds,
    });
  }
  return { site: { ...m.site, zones }, images };
}

/** CPU time (user + system) a process has used so far, ms (Linux /proc; clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'bw-http-bench-'));
  const { url, child } = await startChild(dataDir, KEY);
  const auth = { authorization: `Bearer ${KEY}` };
  try {
    const { site, images } = await series();
    const siteId = site.id as string;
    const r = await fetch(`${url}/api/sites`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(site),
    });
    if (r.status !== 201) throw new Error(`create site: ${r.status} ${await r.text()}`);

    // 1 + 2: ingest end to end; first tile of each image as soon as its job succeeds.
    const t0 = performance.now();
    const jobs: { image: Image; job: Job }[] = [];
    for (const img of images) {
      const fd = new FormData();
      fd.set('file', new Blob([new Uint8Array(img.bytes)]), img.name);
      fd.set('acquiredAt', img.acquiredAt);
      fd.set('bounds', JSON.stringify(img.bounds));
      const res = await fetch(`${url}/api/sites/${siteId}/images`, { method: 'POST', headers: auth, body: fd });
      if (res.status !== 202) throw new Error(`upload ${img.name}: ${res.status} ${await res.text()}`);
      jobs.push((await res.json()) as { image: Image; job: Job });
    }
    const tUploaded = performance.now();
    const firstTile: number[] = [];
    const pending = new Set(jobs.map((j) => j.job.id));
    while (pending.size > 0) {
      for (const j of jobs) {
        if (!pending.has(j.job.id)) continue;
        const job = (await (await fetch(`${url}/api/jobs/${j.job.id}`)).json()) as Job;
        if (job.status === 'failed') throw new Error(`job ${job.id} failed: ${job.error}`);
        if (job.status !== 'succeeded') continue;
        pending.delete(j.job.id);
        const [w, s, e, n] = j.image.bounds;
        const z = 16;
        const [tx, ty] = tileOf((w + e) / 2, (s + n) / 2, z);
        const a = performance.now();
        const tj = (await (await fetch(`${url}/api/images/${j.image.id}/tiles.json`)).json()) as { tiles: string[] };
        const tr = await fetch(
          tj.tiles[0]!.replace('{z}', String(z)).replace('{x}', String(tx)).replace('{y}', String(ty)),
        );
        await tr.arrayBuffer();
        firstTile.push(performance.now() - a);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const tDone = performance.now();
    console.log(
      `ingest: ${images.length} images uploaded in ${((tUploaded - t0) / 1000).toFixed(1)} s, all analysed after ${((tDone - t0) / 1000).toFixed(1)} s (${((tDone - t0) / 1000 / images.length).toFixed(1)} s per image)`,
    );
    // The re-scores the uploads queued (processing/series.ts) run after some of them: the site is
    // settled when no image waits for an analysis.
    let listed: Image[] = [];
    for (;;) {
      listed = ((await (await fetch(`${url}/api/sites/${siteId}/images?limit=1000`)).json()) as { items: Image[] })
        .items;
      if (listed.every((i) => i.status === 'ready' || i.status === 'failed')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const tSettled = performance.now();
    console.log(
      `settled (re-scores done) after ${((tSettled - t0) / 1000).toFixed(1)} s: ${listed.reduce((n, i) => n + i.analysisRev, 0)} analyses, server CPU ${(processCpuMs(child.pid!) / 1000).toFixed(1)} s`,
    );
    if (values['ingest-only']) return;
    console.log(
      `first tile of a freshly analysed image (TileJSON + tile): median ${pct(firstTile, 0.5).toFixed(0)} ms, max ${Math.max(...firstTile).toFixed(0)} ms`,
    );

    // 3: scores.
    const scores = await autocannon({ url: `${url}/api/sites/${siteId}/scores`, connections: 10, duration: 10 });
    console.log(
      `GET scores (${(await (await fetch(`${url}/api/sites/${siteId}/scores`)).json()).items.length} rows): ${scores.requests.average.toFixed(0)} req/s, p99 ${scores.latency.p99} ms, non-2xx ${scores.non2xx}`,
    );

    // 4: cached tiles (every tile of one image at z 15..17, fetched once to warm the cache).
    const img = jobs[jobs.length - 1]!.image;
    const [w, s, e, n] = img.bounds;
    const paths: string[] = [];
    for (const z of [15, 16, 17]) {
      const [x0, y0] = tileOf(w, n, z);
      const [x1, y1] = tileOf(e, s, z);
      for (let x = x0; x <= x1; x++)
        for (let y = y0; y <= y1; y++) paths.push(`/api/images/${img.id}/tiles/${z}/${x}/${y}.png`);
    }
    let tileBytes = 0;
    for (const p of paths) tileBytes += (await (await fetch(url + p)).arrayBuffer()).byteLength;
    // autocannon appends every response body to a string (a UTF-8 decode of each PNG), so per tile it
    // costs several times what the server does, and one autocannon thread is the bottleneck. Two
    // worker threads (5 connections each, no pipelining, full 200 bodies of distinct tiles) let it use
    // both cores, which it shares with the server as before.
    // Server and client share the cores (with whatever else runs): the CPU each spends per tile is
    // the figure that does not depend on that load.
    const serverCpu0 = processCpuMs(child.pid!);
    const benchCpu0 = process.cpuUsage();
    const tiles = await autocannon({
      url,
      connections: 10,
      workers: 2,
      duration: 10,
      requests: paths.map((p) => ({ method: 'GET' as const, path: p })),
    });
    const benchCpu = process.cpuUsage(benchCpu0);
    const perTile = (ms: number) => ((ms * 1000) / tiles.requests.total).toFixed(0);
    console.log(
      `cached tiles (${paths.length} distinct, ${(tileBytes / paths.length / 1024).toFixed(1)} KiB on average), autocannon: ${tiles.requests.average.toFixed(0)} tiles/s, p99 ${tiles.latency.p99} ms, non-2xx ${tiles.non2xx}; CPU per tile: server ${perTile(processCpuMs(child.pid!) - serverCpu0)} µs, autocannon ${perTile((benchCpu.user + benchCpu.system) / 1000)} µs`,
    );
    // A plain keep-alive client that drains bodies measures what the server delivers.
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    const lat: number[] = [];
    const t1 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (performance.now() - t1 < 10_000) {
          const p = paths[next++ % paths.length]!;
          const a = performance.now();
          await new Promise<void>((ok, fail) => {
            request(url + p, { agent }, (res) => {
              res.on('data', () => undefined);
              res.on('end', () => (res.statusCode === 200 ? ok() : fail(new Error(`${p}: ${res.statusCode}`))));
            })
              .on('error', fail)
              .end();
          });
          lat.push(performance.now() - a);
        }
      }),
    );
    agent.destroy();
    const secs = (performance.now() - t1) / 1000;
    console.log(
      `cached tiles, keep-alive client: ${(lat.length / secs).toFixed(0)} tiles/s, p99 ${pct(lat, 0.99).toFixed(0)} ms`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
