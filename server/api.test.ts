/** Sites, auth, problem+json, OpenAPI, the web app and a failed analysis, against a real server over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Image, Job, JobErrorCode, Problem, Site } from '../contract/index.ts';
import {
  BOUNDS,
  createSite,
  damagedTiff,
  startTestServer,
  type TestServer,
  uploadForm,
  ZONES,
} from './testing/harness.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ config: { workers: 0 } });
});
afterAll(() => s.stop());

const post = (path: string, body: unknown, auth: boolean | string = true) =>
  s.req(path, { method: 'POST', auth, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function problem(r: Response, status: number) {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  return Problem.parse(await r.json());
}

describe('sites', () => {
  it('creates a site and reads it back with its zones', async () => {
    const r = await post('/api/sites', { id: 'rajin', name: 'Rajin', bounds: BOUNDS, zones: ZONES });
    expect(r.status).toBe(201);
    const site = Site.parse(await r.json());
    expect(site.settings).toEqual({ minVesselLengthM: 20, railCarLengthM: 15 });
    const got = Site.parse(await (await s.req('/api/sites/rajin')).json());
    expect(got.zones.features.map((f) => f.properties.id)).toEqual(['pier-1', 'yard']);
    expect(got.imageCount).toBe(0);
  });

  it('derives bounds from the zones when none are given', async () => {
    const r = await post('/api/sites', { id: 'no-bounds', name: 'No bounds', zones: ZONES });
    expect(r.status).toBe(201);
    const [w, s0, e, n] = Site.parse(await r.json()).bounds;
    expect(w).toBeLessThan(130.242);
    expect(e).toBeGreaterThan(130.258);
    expect(s0).toBeLessThan(42.245);
    expect(n).toBeGreaterThan(42.252);
  });

  it('refuses a duplicate site id with 409 naming the field', async () => {
    const p = await problem(
      await post('/api/sites', { id: 'rajin', name: 'again', bounds: BOUNDS, zones: ZONES }),
      409,
    );
    expect(p.errors?.[0]?.field).toBe('id');
  });

  it('lists sites with cursor pagination', async () => {
    for (const id of ['a-1', 'a-2', 'a-3']) {
      expect((await post('/api/sites', { id, name: id, bounds: BOUNDS, zones: ZONES })).status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const r = await s.req(`/api/sites?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const page = (await r.json()) as { items: { id: string }[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((x) => x.id));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining(['a-1', 'a-2', 'a-3', 'rajin', 'no-bounds']));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('answers invalid GeoJSON with 400 naming each bad field', async () => {
    const bad = {
      id: 'bad-zones',
      name: 'x',
      bounds: BOUNDS,
      zones: {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { id: 'z', name: 'z', kind: 'berth' },
            geometry: {
              type: 'LineString',
              coordinates: [
                [130.25, 42.25],
                [130.251, 42.25],
              ],
            },
          },
          {
            type: 'Feature',
            properties: { id: 'Bad Id', name: 'z', kind: 'dock' },
            geometry: { type: 'Point', coordinates: [1, 2] },
          },
        ],
      },
    };
    const p = await problem(await post('/api/sites', bad), 400);
    const fields = p.errors!.map((e) => e.field);
    expect(fields).toContain('zones.features[0].geometry.type');
    expect(fields.some((f) => f.startsWith('zones.features[1]'))).toBe(true);
  });

  it('refuses a self-intersecting zone and a zone outside the bounds', async () => {
    const bowtie = {
      type: 'Feature',
      properties: { id: 'bow', name: 'bow', kind: 'berth' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [130.245, 42.245],
            [130.25, 42.25],
            [130.25, 42.245],
            [130.245, 42.25],
            [130.245, 42.245],
          ],
        ],
      },
    };
    const p = await problem(
      await post('/api/sites', {
        id: 'bow',
        name: 'b',
        bounds: BOUNDS,
        zones: { type: 'FeatureCollection', features: [bowtie] },
      }),
      400,
    );
    expect(p.detail).toMatch(/intersects itself/);
    expect(p.errors![0]!.field).toMatch(/^zones\.features\[0\]/);
    const far = {
      ...ZONES.features[0]!,
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [10, 10],
            [10.1, 10],
            [10.1, 10.1],
            [10, 10.1],
            [10, 10],
          ],
        ],
      },
    };
    const q = await problem(
      await post('/api/sites', {
        id: 'far',
        name: 'f',
        bounds: BOUNDS,
        zones: { type: 'FeatureCollection', features: [far] },
      }),
      400,
    );
    expect(q.detail).toMatch(/outside the site bounds/);
  });

  it('refuses a zone of too many vertices with 400 before the quadratic self-intersection check', async () => {
    // A circle of `n` positions (closed) around the middle of BOUNDS.
    const circle = (id: string, n: number, r = 0.002) => {
      const ring = Array.from({ length: n - 1 }, (_, i) => [
        130.25 + r * Math.cos((2 * Math.PI * i) / (n - 1)),
        42.249 + r * Math.sin((2 * Math.PI * i) / (n - 1)),
      ]);
      ring.push(ring[0]!);
      return {
        type: 'Feature',
        properties: { id, name: id, kind: 'anchorage' },
        geometry: { type: 'Polygon', coordinates: [ring] },
      };
    };
    const one = await problem(
      await post('/api/sites', {
        id: 'dense',
        name: 'dense',
        bounds: BOUNDS,
        zones: { type: 'FeatureCollection', features: [circle('c', 6000)] },
      }),
      400,
    );
    expect(one.errors?.[0]?.field).toBe('zones.features[0].geometry.coordinates');
    expect(one.detail).toMatch(/6000 positions; a zone may have at most 5000: simplify the outline/);
    const many = Array.from({ length: 11 }, (_, i) => circle(`c${i}`, 1000, 0.0001 * (i + 1)));
    const all = await problem(
      await post('/api/sites', {
        id: 'dense',
        name: 'dense',
        bounds: BOUNDS,
        zones: { type: 'FeatureCollection', features: many },
      }),
      400,
    );
    expect(all.errors?.[0]?.field).toBe('zones.features');
    expect(all.detail).toMatch(/11000 positions in all/);
    const within = await post('/api/sites', {
      id: 'dense',
      name: 'dense',
      bounds: BOUNDS,
      zones: { type: 'FeatureCollection', features: [circle('c', 5000)] },
    });
    // A chart-traced harbour outline of 5000 positions is accepted.
    expect(within.status).toBe(201);
    // One of 5000 positions crossing itself everywhere (a star polygon: kinks listed ~n²/2 points, GBs of
    // them) is refused at its first crossing.
    const n = 4999;
    const star = Array.from({ length: n }, (_, i) => {
      const a = (2 * Math.PI * ((i * 2499) % n)) / n;
      return [130.25 + 0.002 * Math.cos(a), 42.249 + 0.002 * Math.sin(a)];
    });
    star.push(star[0]!);
    const crossed = await problem(
      await post('/api/sites', {
        id: 'star',
        name: 'star',
        bounds: BOUNDS,
        zones: {
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { id: 's', name: 's', kind: 'anchorage' },
              geometry: { type: 'Polygon', coordinates: [star] },
            },
          ],
        },
      }),
      400,
    );
    expect(crossed.detail).toMatch(/zone "s" intersects itself at 130\.\d{6}, 42\.\d{6}/);
  });

  it('refuses bad bounds, unknown fields and malformed JSON', async () => {
    const p = await problem(
      await post('/api/sites', { id: 'bb', name: 'b', bounds: [130.3, 42.2, 130.2, 95], zones: ZONES, colour: 'red' }),
      400,
    );
    const fields = p.errors!.map((e) => e.field);
    expect(fields).toContain('bounds');
    expect(fields).toContain('colour');
    const r = await s.req('/api/sites', {
      method: 'POST',
      auth: true,
      headers: { 'content-type': 'application/json' },
      body: '{"id": "x",',
    });
    await problem(r, 400);
  });

  it('refuses a non-JSON body with 415 and an oversized one with 413', async () => {
    await problem(
      await s.req('/api/sites', { method: 'POST', auth: true, headers: { 'content-type': 'text/plain' }, body: 'hi' }),
      415,
    );
    const huge = JSON.stringify({ id: 'huge', name: 'x'.repeat(17 * 1024 * 1024), zones: ZONES });
    await problem(
      await s.req('/api/sites', {
        method: 'POST',
        auth: true,
        headers: { 'content-type': 'application/json' },
        body: huge,
      }),
      413,
    );
  });

  it('answers unknown sites, path traversal and over-long ids with 404 / 400 naming the field', async () => {
    const nf = await problem(await s.req('/api/sites/nowhere'), 404);
    expect(nf.errors![0]!.field).toBe('site');
    const trav = await problem(await s.req('/api/sites/..%2F..%2Fetc%2Fpasswd'), 400);
    expect(trav.errors![0]!.field).toBe('site');
    const long = await problem(await s.req(`/api/images/${'a'.repeat(65)}`), 400);
    expect(long.errors![0]!.field).toBe('id');
    await problem(await s.req('/api/images/img_doesnotexist'), 404);
    await problem(await s.req('/api/jobs/job_doesnotexist'), 404);
  });

  it('replaces zones and deletes a site', async () => {
    const zones = { type: 'FeatureCollection', features: [ZONES.features[0]] };
    const r = await s.req('/api/sites/a-1/zones', {
      method: 'PUT',
      auth: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(zones),
    });
    expect(r.status).toBe(202);
    const body = (await r.json()) as { site: { zones: { features: unknown[] } }; jobs: unknown[] };
    expect(body.site.zones.features).toHaveLength(1);
    expect(body.jobs).toEqual([]);
    expect((await s.req('/api/sites/a-1', { method: 'DELETE', auth: true })).status).toBe(204);
    await problem(await s.req('/api/sites/a-1'), 404);
    await problem(await s.req('/api/sites/a-1', { method: 'DELETE', auth: true }), 404);
  });
});

describe('security', () => {
  it('refuses writes without a key (401) and with a wrong key (403)', async () => {
    const none = await problem(
      await post('/api/sites', { id: 'nokey', name: 'x', bounds: BOUNDS, zones: ZONES }, false),
      401,
    );
    expect(none.errors![0]!.field).toBe('authorization');
    await problem(
      await post('/api/sites', { id: 'nokey', name: 'x', bounds: BOUNDS, zones: ZONES }, 'wrong-key-wrong-key'),
      403,
    );
    await problem(await s.req('/api/sites/rajin', { method: 'DELETE' }), 401);
    await problem(await s.req('/api/sites/rajin', { method: 'DELETE', headers: { authorization: 'Basic abc' } }), 401);
    expect((await s.req('/api/sites/rajin')).status).toBe(200);
  });

  it('echoes a request id on every response', async () => {
    const r = await s.req('/api/health', { headers: { 'x-request-id': 'abc-123' } });
    expect(r.headers.get('x-request-id')).toBe('abc-123');
    const r2 = await s.req('/api/sites/nowhere');
    expect(r2.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16,}$/);
  });

  it('rate-limits writes per key with 429 and Retry-After', async () => {
    const t = await startTestServer({ config: { workers: 0, rateLimitWrites: 3 } });
    try {
      const statuses: number[] = [];
      let retry: string | null = null;
      for (let i = 0; i < 5; i++) {
        const r = await t.req('/api/sites/x-none', { method: 'DELETE', auth: true });
        statuses.push(r.status);
        if (r.status === 429) retry = r.headers.get('retry-after');
      }
      expect(statuses).toEqual([404, 404, 404, 429, 429]);
      expect(Number(retry)).toBeGreaterThanOrEqual(1);
    } finally {
      await t.stop();
    }
  });

  it('sends CORS headers only for configured origins', async () => {
    const t = await startTestServer({ config: { workers: 0, corsOrigins: ['https://analyst.example'] } });
    try {
      const ok = await t.req('/api/health', { headers: { origin: 'https://analyst.example' } });
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://analyst.example');
      const other = await t.req('/api/health', { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await t.stop();
    }
    const none = await s.req('/api/health', { headers: { origin: 'https://analyst.example' } });
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('meta', () => {
  it('reports health and version', async () => {
    expect(await (await s.req('/api/health')).json()).toEqual({ status: 'ok', version: expect.any(String) });
  });

  it('describes every route of the contract in OpenAPI 3.1', async () => {
    const doc = (await (await s.req('/api/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    for (const r of [
      'GET /api/health',
      'GET /api/sites',
      'POST /api/sites',
      'GET /api/sites/{site}',
      'DELETE /api/sites/{site}',
      'PUT /api/sites/{site}/zones',
      'POST /api/sites/{site}/images',
      'GET /api/sites/{site}/images',
      'GET /api/images/{id}',
      'DELETE /api/images/{id}',
      'GET /api/images/{id}/stac',
      'GET /api/jobs/{id}',
      'GET /api/sites/{site}/scores',
      'GET /api/images/{id}/detections',
      'GET /api/sites/{site}/heatmap',
      'GET /api/images/{id}/tiles/{z}/{x}/{y}',
      'GET /api/images/{id}/tiles.json',
      'GET /api/images/{id}/change/{z}/{x}/{y}',
      'GET /api/images/{id}/change.png',
      'GET /api/images/{id}/change.tif',
    ]) {
      expect(routes).toContain(r);
    }
  });

  it('documents every path parameter as required and never null (OpenAPI: path parameters must be)', async () => {
    type Param = { name: string; in: string; required?: boolean; schema?: { type?: unknown } };
    const doc = (await (await s.req('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, { parameters?: Param[] }>>;
    };
    const bad: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops))
        for (const p of op.parameters ?? []) {
          if (p.in !== 'path') continue;
          const types = [p.schema?.type].flat();
          if (p.required !== true || types.includes('null')) bad.push(`${method} ${path} ${p.name}`);
        }
    expect(bad).toEqual([]);
    const tile = doc.paths['/api/images/{id}/tiles/{z}/{x}/{y}']?.get?.parameters ?? [];
    expect(tile.find((p) => p.name === 'z')?.schema).toMatchObject({ type: 'integer', minimum: 0, maximum: 24 });
    const x = tile.find((p) => p.name === 'x')?.schema;
    expect(x).toMatchObject({ type: 'integer', minimum: 0 });
    expect(x).not.toHaveProperty('maximum');
  });

  it('documents the failure code of jobs and images: its values and what each means', async () => {
    type Schema = {
      properties?: Record<string, { enum?: unknown[]; description?: string; 'x-extensible-enum'?: boolean }>;
    };
    type Op = { responses: Record<string, { content?: Record<string, { schema: Schema }> }> };
    const doc = (await (await s.req('/api/openapi.json')).json()) as { paths: Record<string, Record<string, Op>> };
    const ok = (path: string) => doc.paths[path]?.get?.responses['200']?.content?.['application/json']?.schema;
    for (const path of ['/api/jobs/{id}', '/api/images/{id}']) {
      const code = ok(path)?.properties?.errorCode;
      expect(code?.enum, path).toEqual([...JobErrorCode.options, null]);
      // Each value is explained where a client developer reads the schema.
      for (const c of JobErrorCode.options) expect(code?.description, path).toContain(`\`${c}\``);
      // The list is open (codes may be added): said in the schema, not only in prose.
      expect(code?.['x-extensible-enum'], path).toBe(true);
    }
  });

  it('serves a browsable API reference that works offline', async () => {
    const html = await (await s.req('/api/docs')).text();
    expect(html).toContain('/api/docs/swagger-ui-bundle.js');
    const js = await s.req('/api/docs/swagger-ui-bundle.js');
    expect(js.status).toBe(200);
    expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    expect((await s.req('/api/docs/init.js')).status).toBe(200);
    expect((await s.req('/api/docs/nothing.js')).status).toBe(404);
  });

  it('serves the web app (or its placeholder) at / with an SPA fallback, and 404 problems under /api', async () => {
    const root = await s.req('/');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toContain('text/html');
    // The page may run only this server's scripts (MapLibre's worker is one of its files).
    const csp = root.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    const deep = await s.req('/sites/rajin/2025-01-01');
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<');
    await problem(await s.req('/api/nothing-here'), 404);
  });
});

describe('an analysis that fails', () => {
  let w: TestServer;
  beforeAll(async () => {
    w = await startTestServer({ config: { workers: 1 } });
    const r = await createSite(w, 'port', 'Port');
    expect(r.status).toBe(201);
  });
  afterAll(() => w?.stop());

  it('leaves its image failed, saying why: a deflate-tiled TIFF whose middle bytes are overwritten', async () => {
    // Over the 4 MP up to which uploads decode every block (upload.test: a smaller one is refused there),
    // so only its first block is read at upload and the damage is met by the analysis.
    const tif = await damagedTiff(2400, 2000);
    const r = await w.req('/api/sites/port/images', {
      method: 'POST',
      auth: true,
      body: uploadForm(tif, { acquiredAt: '2025-03-01T10:00:00Z', bounds: JSON.stringify(BOUNDS) }, 'damaged.tif'),
    });
    expect(r.status, await r.clone().text()).toBe(202);
    const { image, job: queued } = (await r.json()) as { image: Image; job: Job };
    const jobId = queued.id;
    // Bounded by the test's own timeout, not a wall-clock bound of its own: under load the analysis is slow, not wrong.
    await w.runner.idle();
    const got = Image.parse(await (await w.req(`/api/images/${image.id}`)).json());
    // With the whole record: a worker that died twice (worker_crashed) must say so, not read as a wrong sentence.
    expect([got.status, got.errorCode], JSON.stringify(got)).toEqual(['failed', 'damaged_data']);
    expect(got.error).toMatch(/could not be decoded/);
    // A listing says the same, so the web app can show it without a job id.
    const listed = (await (await w.req('/api/sites/port/images')).json()) as { items: Image[] };
    const item = listed.items.find((i) => i.id === image.id);
    expect([item?.error, item?.errorCode]).toEqual([got.error, 'damaged_data']);
    const job = Job.parse(await (await w.req(`/api/jobs/${jobId}`)).json());
    expect([job.status, job.error, job.errorCode]).toEqual(['failed', got.error, 'damaged_data']);
  }, 180_000);
});
