import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { defaultConfig, type ServerConfig } from '../config.ts';
import type { AppDeps } from '../deps.ts';
import type { Logger } from '../http/log.ts';
import { HttpProblem } from '../http/problem.ts';
import type { ImageRecord } from '../store/catalog.ts';
import { tileOf } from '../tiles/mercator.ts';
import { TileParams, tileParams } from './tiles.ts';

/** What the route answered before the plain-address shortcut: the zod schema's verdict. */
function viaZod(raw: Record<string, string>) {
  const r = TileParams.safeParse(raw);
  return r.success ? r.data : null;
}

function viaRoute(raw: Record<string, string>) {
  try {
    return tileParams(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(HttpProblem);
    expect((e as HttpProblem).status).toBe(400);
    return null;
  }
}

describe('tile address parsing', () => {
  it('accepts and refuses exactly what the TileParams schema does', () => {
    const ids = ['img_abc-DEF1', 'a'.repeat(64), 'a'.repeat(65), 'bad.id', ''];
    const zs = ['0', '07', '17', '24', '25', '-1', '1.5', '0x3', ' 3', '1e1', ''];
    const xs = ['0', '00042', '123456789', '1234567890', '-3', '2.0', 'x', ''];
    const ys = ['0.png', '12.png', '123456789.png', '1234567890.png', '12.jpg', '12', '-1.png', '1.5.png'];
    let checked = 0;
    for (const id of ids)
      for (const z of zs)
        for (const x of xs)
          for (const y of ys) {
            const raw = { id, z, x, y };
            expect(viaRoute(raw), JSON.stringify(raw)).toEqual(viaZod(raw));
            checked++;
          }
    expect(checked).toBe(ids.length * zs.length * xs.length * ys.length);
  });

  it('names the field at fault', () => {
    expect(() => tileParams({ id: 'img_1', z: '25', x: '1', y: '1.png' })).toThrow(/z: /);
    expect(() => tileParams({ id: 'img_1', z: '3', x: '1', y: '1.jpg' })).toThrow(/y: must be <row>\.png/);
  });
});

describe('tile route and its shortcut', async () => {
  const BOUNDS = [130.24, 42.24, 130.26, 42.256] as [number, number, number, number];
  const root = await mkdtemp(join(tmpdir(), 'bw-tiles-'));
  afterAll(() => rm(root, { recursive: true, force: true }));
  // A hand-made one-level pyramid: 64² opaque pixels of a gradient over BOUNDS.
  const dir = join(root, 'img_1', 'pyramid', 'image');
  await mkdir(dir, { recursive: true });
  const px = new Uint8Array(64 * 64 * 4);
  for (let i = 0; i < 64 * 64; i++) px.set([i & 255, (i >> 6) * 4, 200 - (i & 63), 255], i * 4);
  await writeFile(join(dir, 'L0.raw'), px);
  const grid = { bounds: BOUNDS, width: 64, height: 64, pixelWidthM: 26, pixelHeightM: 28 };
  await writeFile(
    join(dir, 'meta.json'),
    JSON.stringify({ format: 2, kind: 'image', grid, channels: 4, levels: [{ width: 64, height: 64 }] }),
  );
  const [tx, ty] = tileOf((BOUNDS[0] + BOUNDS[2]) / 2, (BOUNDS[1] + BOUNDS[3]) / 2, 14);
  const tile = `/api/images/img_1/tiles/14/${tx}/${ty}.png`;

  function app(config: Partial<ServerConfig> = {}) {
    const image = { id: 'img_1', siteId: 'site', status: 'ready', analysisRev: 3 } as ImageRecord;
    const lines: Record<string, unknown>[] = [];
    const log: Logger = { info: (_m, f) => lines.push(f ?? {}), warn: () => {}, error: () => {} };
    const deps = {
      config: { ...defaultConfig({ dataDir: root }), ...config },
      catalog: { getImage: async (id: string) => (id === image.id ? image : null), getSite: async () => null },
      log,
      paths: { root, analysisDir: (id: string) => join(root, id), tilesDir: (id: string) => join(root, 't', id) },
      clientDir: join(root, 'no-client'),
      version: 'test',
    } as unknown as AppDeps;
    return { app: createApp(deps), image, lines };
  }
  const headers = (r: Response) => ({
    status: r.status,
    etag: r.headers.get('etag'),
    cacheControl: r.headers.get('cache-control'),
    contentType: r.headers.get('content-type'),
  });

  it('answers a tile again exactly as the route did, with its own request id and log line', async () => {
    const { app: a, lines } = app();
    for (const url of [tile, `${tile}?v=3`]) {
      const first = await a.request(url);
      const bytes = new Uint8Array(await first.arrayBuffer());
      expect(first.status).toBe(200);
      for (let k = 0; k < 2; k++) {
        const again = await a.request(url, { headers: { 'x-request-id': `again-${k}` } });
        expect(headers(again)).toEqual(headers(first));
        expect(new Uint8Array(await again.arrayBuffer())).toEqual(bytes);
        expect(again.headers.get('x-request-id')).toBe(`again-${k}`);
      }
      const cached = await a.request(url, { headers: { 'if-none-match': first.headers.get('etag')! } });
      expect(cached.status).toBe(304);
      expect(cached.headers.get('cache-control')).toBe(first.headers.get('cache-control'));
    }
    expect(lines.map((l) => [l.method, l.path, l.status])).toEqual([
      ...[200, 200, 200, 304, 200, 200, 200, 304].map((s) => ['GET', tile, s]),
    ]);
    expect(lines.filter((l) => l.reqId === 'again-1')).toHaveLength(2);
  });

  it('stops answering a tile once its image has been analysed again', async () => {
    const { app: a, image } = app();
    const before = (await a.request(`${tile}?v=3`)).headers;
    expect(before.get('cache-control')).toContain('immutable');
    expect((await a.request(`${tile}?v=3`)).headers.get('etag')).toBe(before.get('etag'));
    image.analysisRev = 4;
    // The route looks an image up again after at most a second; then the new analysis's tile is
    // cached through another URL, and the old versioned URL must no longer be called immutable.
    await new Promise((r) => setTimeout(r, 1100));
    const now = (await a.request(tile)).headers.get('etag');
    expect(now).toContain('.4.');
    const old = (await a.request(`${tile}?v=3`)).headers;
    expect(old.get('etag')).toBe(now);
    expect(old.get('cache-control')).toBe('public, max-age=60, must-revalidate');
  });

  it('counts tiles it answers against the read rate limit', async () => {
    const { app: a } = app({ rateLimitReads: 3 });
    const statuses = [];
    for (let k = 0; k < 4; k++) statuses.push((await a.request(tile)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await a.request(tile);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await refused.json()) as { type: string }).type).toBe('urn:berthwatch:problem:rate_limited');
  });

  it('keeps CORS headers on repeated tiles when origins are configured', async () => {
    const { app: a } = app({ corsOrigins: ['https://analyst.example'] });
    for (let k = 0; k < 3; k++) {
      const r = await a.request(tile, { headers: { origin: 'https://analyst.example' } });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBe('https://analyst.example');
    }
  });
});
