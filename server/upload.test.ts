/** Uploads: streamed, de-duplicated, validated before commit; every bad input is a 4xx naming the field. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realDataDir } from '../bench/real-data.ts';
import { Image, Job, Problem } from '../contract/index.ts';
import {
  BOUNDS,
  bombPng,
  createSite,
  damagedTiff,
  pngImage,
  startTestServer,
  type TestServer,
  uploadForm,
} from './testing/harness.ts';

let s: TestServer;
const B = JSON.stringify(BOUNDS);
beforeAll(async () => {
  s = await startTestServer({
    config: { workers: 0, limits: { maxBytes: 2_000_000, maxSidePx: 40_000, maxMegapixels: 1000 } },
  });
  const r = await createSite(s, 'port', 'Port');
  expect(r.status).toBe(201);
});
afterAll(() => s.stop());

const upload = (body: FormData | string, headers: Record<string, string> = {}, site = 'port') =>
  s.req(`/api/sites/${site}/images`, { method: 'POST', auth: true, headers, body });

async function problem(r: Response, status: number) {
  const text = await r.text();
  expect(r.status, text).toBe(status);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  return Problem.parse(JSON.parse(text));
}

/** Images of every site, jobs by status and blob files: what an upload may leave behind. */
async function storedState(): Promise<unknown> {
  const images: string[] = [];
  for (const site of ['port', 'bahamas']) {
    const r = await s.req(`/api/sites/${site}/images?limit=1000`);
    if (r.status === 200) images.push(...((await r.json()) as { items: Image[] }).items.map((i) => i.id));
  }
  return { images, jobs: await s.catalog.jobCounts(), blobs: await blobCount() };
}

/** A site around the GeoTIFF fixture (UTM 18N, off the Bahamas). */
const BAHAMAS: [number, number, number, number] = [-79.5, 23.5, -76.5, 26];

/** One berth in the middle of `b`. */
function zonesAt(b: [number, number, number, number]) {
  const [w, south, e, n] = b;
  const x = (f: number) => w + (e - w) * f;
  const y = (f: number) => south + (n - south) * f;
  const ring = [
    [x(0.4), y(0.4)],
    [x(0.6), y(0.4)],
    [x(0.6), y(0.6)],
    [x(0.4), y(0.6)],
    [x(0.4), y(0.4)],
  ];
  return {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { id: 'berth', name: 'Berth', kind: 'berth' },
        geometry: { type: 'Polygon', coordinates: [ring] },
      },
    ],
  };
}

async function blobCount(): Promise<number> {
  let n = 0;
  for (const d of await readdir(join(s.dataDir, 'blobs'))) n += (await readdir(join(s.dataDir, 'blobs', d))).length;
  return n;
}

describe('upload', () => {
  it('stores an image and queues its analysis (202), then answers the same bytes with the existing image (200)', async () => {
    const png = await pngImage(80, 60, 7);
    const r = await upload(uploadForm(png, { acquiredAt: '2025-03-01T10:00:00+02:00', bounds: B, sensor: 'test' }));
    expect(r.status).toBe(202);
    const body = (await r.json()) as { image: unknown; job: unknown };
    const image = Image.parse(body.image);
    const job = Job.parse(body.job);
    expect(image.acquiredAt).toBe('2025-03-01T08:00:00.000Z');
    expect([image.width, image.height]).toEqual([80, 60]);
    expect(image.bounds).toEqual(BOUNDS);
    expect(image.sensor).toBe('test');
    expect(job.status).toBe('queued');
    expect(job.imageId).toBe(image.id);
    const again = await upload(uploadForm(png, { acquiredAt: '2025-03-05T10:00:00Z', bounds: B }));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { image: { id: string } }).image.id).toBe(image.id);
    const got = Image.parse(await (await s.req(`/api/images/${image.id}`)).json());
    expect(got.sha256).toBe(image.sha256);
    expect(((await (await s.req(`/api/jobs/${job.id}`)).json()) as { id: string }).id).toBe(job.id);
  });

  it('lists a site’s images oldest first with from/to filters and pagination', async () => {
    for (const [i, day] of ['2025-01-10', '2025-02-10', '2025-04-10'].entries()) {
      const r = await upload(
        uploadForm(await pngImage(40, 30, 100 + i), { acquiredAt: `${day}T00:00:00Z`, bounds: B }),
      );
      expect(r.status).toBe(202);
    }
    const all = (await (await s.req('/api/sites/port/images')).json()) as { items: Image[] };
    const dates = all.items.map((i) => i.acquiredAt);
    expect(dates).toEqual([...dates].sort());
    expect(dates.length).toBe(4);
    const some = (await (await s.req('/api/sites/port/images?from=2025-02-01&to=2025-03-01')).json()) as {
      items: Image[];
    };
    expect(some.items.map((i) => i.acquiredAt)).toEqual(['2025-02-10T00:00:00.000Z', '2025-03-01T08:00:00.000Z']);
    const p1 = (await (await s.req('/api/sites/port/images?limit=3')).json()) as { items: Image[]; nextCursor: string };
    const p2 = (await (await s.req(`/api/sites/port/images?limit=3&cursor=${p1.nextCursor}`)).json()) as {
      items: Image[];
      nextCursor: string | null;
    };
    expect([...p1.items, ...p2.items].map((i) => i.acquiredAt)).toEqual(dates);
    expect(p2.nextCursor).toBeNull();
    await problem(await s.req('/api/sites/port/images?cursor=garbage'), 400);
    await problem(await s.req('/api/sites/port/images?limit=5000'), 400);
  });

  it('serves a STAC Item per image', async () => {
    const { items } = (await (await s.req('/api/sites/port/images?limit=1')).json()) as { items: Image[] };
    const img = items[0]!;
    const item = (await (await s.req(`/api/images/${img.id}/stac`)).json()) as Record<string, unknown> & {
      properties: Record<string, unknown>;
    };
    expect(item.type).toBe('Feature');
    expect(item.stac_version).toBe('1.1.0');
    expect(item.bbox).toEqual(img.bounds);
    expect(item.properties.datetime).toBe(img.acquiredAt);
    expect(item.properties['proj:shape']).toEqual([img.height, img.width]);
    expect(item.properties).toHaveProperty('eo:cloud_cover');
  });

  it('places a georeferenced GeoTIFF by its own georeference when bounds are omitted', async () => {
    // RGB.byte.tif lies off the Bahamas: it gets a site there (the Rajin port would refuse it as off-site).
    const site = await s.req('/api/sites', {
      method: 'POST',
      auth: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'bahamas', name: 'Bahamas', bounds: BAHAMAS, zones: zonesAt(BAHAMAS) }),
    });
    expect(site.status).toBe(201);
    const tif = await readFile(join(realDataDir(), 'geotiff-fixtures/rasterio_RGB.byte.tif'));
    const r = await upload(uploadForm(tif, { acquiredAt: '2024-01-01T00:00:00Z' }, 'landsat.tif'), {}, 'bahamas');
    expect(r.status).toBe(202);
    const { image } = (await r.json()) as { image: Image };
    // RGB.byte.tif: UTM 18N, 300 m pixels, off the Bahamas (GDAL: ~-78.96..-76.57 E, 23.56..25.55 N).
    expect(image.gsdM).toBeGreaterThan(250);
    expect(image.gsdM).toBeLessThan(350);
    expect(image.bounds[0]).toBeCloseTo(-78.96, 1);
    expect(image.bounds[3]).toBeCloseTo(25.55, 1);
    expect((await s.req(`/api/images/${image.id}`, { method: 'DELETE', auth: true })).status).toBe(204);
  });

  it('accepts an image that overlaps the site only partly', async () => {
    const [w, south, e, n] = BOUNDS;
    const half = JSON.stringify([w - (e - w) / 2, south - (n - south) / 2, (w + e) / 2, (south + n) / 2]);
    const r = await upload(
      uploadForm(await pngImage(30, 30, 41), { acquiredAt: '2024-06-01T00:00:00Z', bounds: half }),
    );
    expect(r.status).toBe(202);
    const { image } = (await r.json()) as { image: Image };
    expect((await s.req(`/api/images/${image.id}`, { method: 'DELETE', auth: true })).status).toBe(204);
  });

  it('refuses an image wholly off the site (422 on bounds, given or read from a GeoTIFF), storing nothing', async () => {
    const stored = await storedState();
    const [w, south, e, n] = BOUNDS;
    // Only touching the site's east edge: no pixel of it would fall on the site.
    const touching = JSON.stringify([e, south, e + (e - w), n]);
    const png = await pngImage(30, 30, 42);
    for (const bounds of ['[10,10,10.1,10.1]', touching]) {
      const p = await problem(await upload(uploadForm(png, { acquiredAt: '2024-06-02T00:00:00Z', bounds })), 422);
      expect(p.errors?.map((x) => x.field)).toContain('bounds');
      expect(p.detail).toMatch(/do not overlap the site/);
    }
    const tif = await readFile(join(realDataDir(), 'geotiff-fixtures/rasterio_RGB.byte.tif'));
    const p = await problem(await upload(uploadForm(tif, { acquiredAt: '2024-06-03T00:00:00Z' }, 'landsat.tif')), 422);
    expect(p.errors?.map((x) => x.field)).toContain('bounds');
    expect(await storedState()).toEqual(stored);
    expect(await readdir(join(s.dataDir, 'tmp'))).toEqual([]);
  });

  it('refuses pixels no port analysis can use (whole-world bounds on a 64 px PNG: 422 on bounds), storing nothing', async () => {
    const stored = await storedState();
    const bounds = '[-180,-85,180,85]';
    const p = await problem(
      await upload(uploadForm(await pngImage(64, 64, 43), { acquiredAt: '2024-06-04T00:00:00Z', bounds })),
      422,
    );
    expect(p.type).toMatch(/too_coarse/);
    expect(p.errors?.map((x) => x.field)).toEqual(['bounds']);
    expect(p.detail).toMatch(/the limit is 500 m a pixel/);
    expect(await storedState()).toEqual(stored);
    expect(await readdir(join(s.dataDir, 'tmp'))).toEqual([]);
  });

  it('refuses an image whose bands cannot match the site reference (grey on RGB: 422 on file), storing nothing', async () => {
    const made = await createSite(s, 'bands', 'Bands');
    expect(made.status).toBe(201);
    const send = (png: Buffer, day: string) =>
      s.req('/api/sites/bands/images', {
        method: 'POST',
        auth: true,
        body: uploadForm(png, { acquiredAt: `2024-07-${day}T00:00:00Z`, bounds: B }),
      });
    const grey = (seed: number) =>
      sharp(Buffer.alloc(40 * 30, 90 + seed), { raw: { width: 40, height: 30, channels: 1 } })
        .toColourspace('b-w')
        .png()
        .toBuffer();
    expect((await send(await pngImage(40, 30, 50), '01')).status).toBe(202);
    const images = async () =>
      ((await (await s.req('/api/sites/bands/images')).json()) as { items: Image[] }).items.length;
    const p = await problem(await send(await grey(1), '02'), 422);
    expect(p.errors?.map((x) => x.field)).toEqual(['file']);
    expect(p.detail).toBe(
      "image has 1 band (grey); this site's reference image has 3 bands (RGB), and the analysis compares images band for band",
    );
    expect(await images()).toBe(1);
    expect(await readdir(join(s.dataDir, 'tmp'))).toEqual([]);
    // Alpha is validity, not a band: RGBA matches an RGB site.
    const rgba = await sharp(await pngImage(40, 30, 51))
      .ensureAlpha()
      .png()
      .toBuffer();
    expect((await send(rgba, '03')).status).toBe(202);
    expect(await images()).toBe(2);
  });

  it('refuses uploads without a key', async () => {
    const r = await s.req('/api/sites/port/images', {
      method: 'POST',
      body: uploadForm(await pngImage(), { acquiredAt: '2025-01-01T00:00:00Z', bounds: B }),
    });
    await problem(r, 401);
  });

  const before = { blobs: 0 };
  it('answers every bad input with a 4xx naming the field, committing nothing', async () => {
    before.blobs = await blobCount();
    const png = await pngImage(50, 40, 3);
    const cases: Array<[string, () => Promise<Response>, number, string]> = [
      ['missing file', () => upload(uploadForm(null, { acquiredAt: '2025-01-01T00:00:00Z', bounds: B })), 400, 'file'],
      ['missing acquiredAt', () => upload(uploadForm(png, { bounds: B })), 400, 'acquiredAt'],
      [
        'extra field',
        () => upload(uploadForm(png, { acquiredAt: '2025-01-01T00:00:00Z', bounds: B, colour: 'red' })),
        400,
        'colour',
      ],
      [
        'bounds not JSON',
        () => upload(uploadForm(png, { acquiredAt: '2025-01-01T00:00:00Z', bounds: 'west' })),
        400,
        'bounds',
      ],
      [
        'bounds wrong type',
        () => upload(uploadForm(png, { acquiredAt: '2025-01-01T00:00:00Z', bounds: '{"w":1}' })),
        400,
        'bounds',
      ],
      [
        'bounds inverted',
        () => upload(uploadForm(png, { acquiredAt: '2025-01-01T00:00:00Z', bounds: '[130.3,42.2,130.2,42.3]' })),
        400,
        'bounds',
      ],
      ['bounds missing', () => upload(uploadForm(png, { acquiredAt: '2025-01-01T00:00:00Z' })), 400, 'bounds'],
      [
        'impossible date',
        () => upload(uploadForm(png, { acquiredAt: '2025-02-30T00:00:00Z', bounds: B })),
        400,
        'acquiredAt',
      ],
      ['not a date', () => upload(uploadForm(png, { acquiredAt: 'yesterday', bounds: B })), 400, 'acquiredAt'],
      [
        'a date in the future',
        () => upload(uploadForm(png, { acquiredAt: '2999-01-01T00:00:00Z', bounds: B })),
        400,
        'acquiredAt',
      ],
      [
        'bounds that miss the site',
        () => upload(uploadForm(png, { acquiredAt: '2025-01-01T00:00:00Z', bounds: '[10,10,10.01,10.01]' })),
        422,
        'bounds',
      ],
      [
        'two files',
        () => {
          const fd = uploadForm(png, { acquiredAt: '2025-01-01T00:00:00Z', bounds: B });
          fd.append('file', new Blob([new Uint8Array(png)]), 'b.png');
          return upload(fd);
        },
        400,
        'file',
      ],
      [
        'file in another part',
        () => {
          const fd = uploadForm(png, { acquiredAt: '2025-01-01T00:00:00Z', bounds: B });
          fd.append('extra', new Blob([new Uint8Array(png)]), 'b.png');
          return upload(fd);
        },
        400,
        'extra',
      ],
      [
        'truncated image',
        () => upload(uploadForm(png.subarray(0, png.length - 40), { acquiredAt: '2025-01-01T00:00:00Z', bounds: B })),
        422,
        'file',
      ],
      [
        // Decoded in full at upload (under 4 MP), as PNG and JPEG are: before, accepted (202) and failed in its job.
        'a TIFF damaged in its middle tiles',
        async () =>
          upload(uploadForm(await damagedTiff(), { acquiredAt: '2025-01-01T00:00:00Z', bounds: B }, 'damaged.tif')),
        422,
        'file',
      ],
      [
        'a non-image with an image name',
        () =>
          upload(
            uploadForm(
              Buffer.from('<html>not a picture</html>'),
              { acquiredAt: '2025-01-01T00:00:00Z', bounds: B },
              'photo.png',
            ),
          ),
        415,
        'file',
      ],
      [
        'an empty file',
        () => upload(uploadForm(Buffer.alloc(0), { acquiredAt: '2025-01-01T00:00:00Z', bounds: B })),
        400,
        'file',
      ],
      [
        'a decompression bomb',
        () => upload(uploadForm(bombPng(), { acquiredAt: '2025-01-01T00:00:00Z', bounds: B })),
        413,
        'file',
      ],
      [
        'an oversized body',
        () => upload(uploadForm(Buffer.alloc(2_100_000, 7), { acquiredAt: '2025-01-01T00:00:00Z', bounds: B })),
        413,
        'file',
      ],
      [
        'not multipart',
        () => upload(JSON.stringify({ file: 'x' }), { 'content-type': 'application/json' }),
        415,
        'content-type',
      ],
      [
        'malformed multipart',
        () =>
          upload('--XYZ\r\nContent-Disposition: form-data; name="acq', {
            'content-type': 'multipart/form-data; boundary=XYZ',
          }),
        400,
        '(body)',
      ],
      [
        'multipart without boundary',
        () => upload('hello', { 'content-type': 'multipart/form-data; charset=utf-8' }),
        400,
        'content-type',
      ],
    ];
    for (const [name, run, status, field] of cases) {
      const p = await problem(await run(), status);
      expect(
        p.errors?.map((e) => e.field),
        name,
      ).toContain(field);
    }
    await problem(await upload(uploadForm(png, { acquiredAt: '2025-01-01T00:00:00Z', bounds: B }), {}, 'nowhere'), 404);
    await problem(
      await upload(uploadForm(png, { acquiredAt: '2025-01-01T00:00:00Z', bounds: B }), {}, '..%2Fetc'),
      400,
    );
    expect(await blobCount()).toBe(before.blobs);
    expect(await readdir(join(s.dataDir, 'tmp'))).toEqual([]);
  });

  it('deletes an image and re-scores its successor', async () => {
    const { items } = (await (await s.req('/api/sites/port/images')).json()) as { items: Image[] };
    const [first, second] = items;
    const r = await s.req(`/api/images/${first!.id}`, { method: 'DELETE', auth: true });
    expect(r.status).toBe(204);
    await problem(await s.req(`/api/images/${first!.id}`), 404);
    const jobs = await s.catalog.latestJob(second!.id);
    expect(jobs?.status).toBe('queued');
    await problem(await s.req(`/api/images/${first!.id}`, { method: 'DELETE', auth: true }), 404);
  });
});
