/**
 * An RGB + NIR image on a site whose reference is RGB, over real HTTP: accepted, analysed as its RGB
 * bands (the same scores and detections as the RGB product of the same pixels); the other way round
 * (RGB on an RGB + NIR site) refused at upload, saying why.
 */
import { writeArrayBuffer } from 'geotiff';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bounds, type Detection, Image, type Job, Problem, ScoreRow } from '../contract/index.ts';
import { createSite, settledJob, startTestServer, type TestServer } from './testing/harness.ts';
import { cropSample, type SampleCrop } from './testing/sample.ts';

let s: TestServer;
let crop: SampleCrop;

/** A GeoTIFF in EPSG:4326 over `bounds` of interleaved 8-bit `bands` (RGB, then NIR when 4). */
function geotiff(data: Uint8Array, width: number, height: number, bands: 3 | 4, bounds: Bounds): Buffer {
  const [w, south, e, n] = bounds;
  return Buffer.from(
    writeArrayBuffer(data, {
      width,
      height,
      BitsPerSample: new Array(bands).fill(8),
      SamplesPerPixel: bands,
      PhotometricInterpretation: 2,
      // The fourth sample is data (0: unspecified), not alpha.
      ...(bands === 4 ? { ExtraSamples: [0] } : {}),
      ModelPixelScale: [(e - w) / width, (n - south) / height, 0],
      ModelTiepoint: [0, 0, 0, w, n, 0],
      GTModelTypeGeoKey: 2,
      GTRasterTypeGeoKey: 1,
      GeographicTypeGeoKey: 4326,
      GeogCitationGeoKey: 'WGS 84',
    }),
  );
}

/** A date of the crop as an RGB GeoTIFF and as an RGB + NIR one with the same RGB pixels. */
async function rgbAndRgbNir(png: Buffer): Promise<{ rgb: Buffer; rgbNir: Buffer }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const n = info.width * info.height;
  const four = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    four[i * 4] = data[i * 3]!;
    four[i * 4 + 1] = data[i * 3 + 1]!;
    four[i * 4 + 2] = data[i * 3 + 2]!;
    // Near-infrared as over a port: dark over water (blue above green), bright over land.
    four[i * 4 + 3] = data[i * 3 + 2]! > data[i * 3 + 1]! ? 20 : 200;
  }
  return {
    rgb: geotiff(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height, 3, crop.bounds),
    rgbNir: geotiff(four, info.width, info.height, 4, crop.bounds),
  };
}

async function createCropSite(id: string): Promise<void> {
  const r = await createSite(s, id, id, crop);
  expect(r.status, await r.clone().text()).toBe(201);
}

function upload(site: string, file: Buffer, name: string, acquiredAt: string): Promise<Response> {
  const fd = new FormData();
  fd.set('file', new Blob([new Uint8Array(file)]), name);
  fd.set('acquiredAt', acquiredAt);
  // Only the PNG needs them; the GeoTIFFs place themselves over the same bounds.
  if (name.endsWith('.png')) fd.set('bounds', JSON.stringify(crop.bounds));
  return s.req(`/api/sites/${site}/images`, { method: 'POST', auth: true, body: fd });
}

async function accepted(res: Response): Promise<{ image: Image; job: Job }> {
  expect(res.status, await res.clone().text()).toBe(202);
  return (await res.json()) as { image: Image; job: Job };
}

const settled = (jobId: string): Promise<Job> => settledJob(s, jobId);

/** The image's scores (without its id) and detections, as the API serves them. */
async function figures(site: string, imageId: string) {
  const rows = ((await (await s.req(`/api/sites/${site}/scores?limit=1000`)).json()) as { items: ScoreRow[] }).items
    .map((r) => ScoreRow.parse(r))
    .filter((r) => r.imageId === imageId)
    .map(({ imageId: _, ...rest }) => rest);
  const detections = ((await (await s.req(`/api/images/${imageId}/detections`)).json()) as { features: Detection[] })
    .features;
  return { rows, detections };
}

beforeAll(async () => {
  crop = await cropSample(3);
  s = await startTestServer({ config: { workers: 1 } });
}, 60_000);
afterAll(() => s?.stop());

describe('an RGB + NIR image on a site whose reference is RGB', () => {
  it('is accepted and analysed as its RGB bands: the same scores and detections as the RGB image', async () => {
    const [first, second] = crop.images as [SampleCrop['images'][number], SampleCrop['images'][number]];
    const { rgb, rgbNir } = await rgbAndRgbNir(second.png);
    await createCropSite('mixed');
    await createCropSite('rgb-only');
    for (const site of ['mixed', 'rgb-only']) {
      const { job } = await accepted(await upload(site, first.png, first.name, first.acquiredAt));
      expect((await settled(job.id)).status).toBe('succeeded');
    }
    const mixed = await accepted(await upload('mixed', rgbNir, 'rgbnir.tif', second.acquiredAt));
    const plain = await accepted(await upload('rgb-only', rgb, 'rgb.tif', second.acquiredAt));
    for (const { job } of [mixed, plain]) {
      const done = await settled(job.id);
      expect([done.status, done.error, done.errorCode]).toEqual(['succeeded', null, null]);
    }
    await s.runner.idle();
    const got = await figures('mixed', mixed.image.id);
    const want = await figures('rgb-only', plain.image.id);
    expect(got.rows.map((r) => r.zoneId).sort()).toEqual(crop.zones.features.map((f) => f.properties.id).sort());
    // Something was found, so the equality below compares figures, not two empty analyses.
    expect(want.rows.some((r) => (r.vesselCount ?? 0) > 0 || (r.railCarCount ?? 0) > 0)).toBe(true);
    expect(got.rows).toEqual(want.rows);
    expect(got.detections).toEqual(want.detections);
    const [a, b] = await Promise.all(
      [mixed, plain].map(async (u) => Image.parse(await (await s.req(`/api/images/${u.image.id}`)).json())),
    );
    expect([a?.coverage, a?.cloudFraction, a?.registration]).toEqual([b?.coverage, b?.cloudFraction, b?.registration]);
  }, 240_000);

  it('stays read as RGB when it becomes the site’s reference (its RGB predecessor removed, the zones edited)', async () => {
    const [first, , third] = crop.images as SampleCrop['images'];
    const { job } = await accepted(await upload('mixed', third!.png, third!.name, third!.acquiredAt));
    expect((await settled(job.id)).status).toBe('succeeded');
    await s.runner.idle();
    const listed = async () => ((await (await s.req('/api/sites/mixed/images')).json()) as { items: Image[] }).items;
    const [ref] = await listed();
    expect((await s.req(`/api/images/${ref!.id}`, { method: 'DELETE', auth: true })).status).toBe(204);
    await s.runner.idle();
    // Every date analysed again, the RGB + NIR one (now the reference) first.
    const zones = await s.req('/api/sites/mixed/zones', {
      method: 'PUT',
      auth: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(crop.zones),
    });
    expect(zones.status, await zones.clone().text()).toBeLessThan(300);
    await s.runner.idle();
    const after = await listed();
    expect(after.map((i) => [i.status, i.error])).toEqual([
      ['ready', null],
      ['ready', null],
    ]);
    // An RGB upload still matches the site: its reference is analysed as RGB.
    const again = await accepted(await upload('mixed', first!.png, first!.name, first!.acquiredAt));
    expect((await settled(again.job.id)).status).toBe('succeeded');
  }, 300_000);

  it('stays read as RGB when analysed again with no other analysed date (its RGB reference removed)', async () => {
    const [first, second] = crop.images as [SampleCrop['images'][number], SampleCrop['images'][number]];
    const { rgbNir } = await rgbAndRgbNir(second.png);
    await createCropSite('lone');
    const a = await accepted(await upload('lone', first.png, first.name, first.acquiredAt));
    expect((await settled(a.job.id)).status).toBe('succeeded');
    const b = await accepted(await upload('lone', rgbNir, 'rgbnir.tif', second.acquiredAt));
    expect((await settled(b.job.id)).status).toBe('succeeded');
    await s.runner.idle();
    // B, the site's only date left, is analysed again with no date to take its bands from but the site's own.
    expect((await s.req(`/api/images/${a.image.id}`, { method: 'DELETE', auth: true })).status).toBe(204);
    await s.runner.idle();
    const again = await accepted(await upload('lone', first.png, first.name, first.acquiredAt));
    const done = await settled(again.job.id);
    expect([done.status, done.errorCode]).toEqual(['succeeded', null]);
  }, 300_000);
});

describe('an RGB image on a site whose reference is RGB + NIR', () => {
  it('is refused at upload (422 bad_bands on file), saying the site analyses every date with its NIR', async () => {
    const [first, second] = crop.images as [SampleCrop['images'][number], SampleCrop['images'][number]];
    await createCropSite('nir-site');
    const { rgbNir } = await rgbAndRgbNir(first.png);
    const { job } = await accepted(await upload('nir-site', rgbNir, 'rgbnir.tif', first.acquiredAt));
    expect((await settled(job.id)).status).toBe('succeeded');
    const res = await upload('nir-site', second.png, second.name, second.acquiredAt);
    expect(res.status).toBe(422);
    const p = Problem.parse(await res.json());
    expect(p.type).toBe('urn:berthwatch:problem:bad_bands');
    expect(p.errors?.map((e) => e.field)).toEqual(['file']);
    expect(p.detail).toMatch(/^image has 3 bands \(RGB\); this site's reference image has 4 bands \(RGB \+ NIR\): /);
    expect(p.detail).toMatch(/near-infrared/);
    const listed = (await (await s.req('/api/sites/nir-site/images')).json()) as { items: Image[] };
    expect(listed.items.length).toBe(1);
  }, 120_000);
});
