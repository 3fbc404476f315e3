import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bounds } from '../contract/index.ts';
import { ProcessingError, type ProcessingErrorCode } from './errors.ts';
import { encodeTiff } from './fixtures/tiff-writer.ts';
import { refuseOutsideSite, refuseTooCoarse } from './site-checks.ts';
import { probeImage } from './validate.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const tmp = mkdtempSync(join(os.tmpdir(), 'bw-validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BOUNDS: Bounds = [130.3, 42.24, 130.32, 42.255];

async function refusal(p: Promise<unknown>): Promise<ProcessingError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ProcessingError);
    return err as ProcessingError;
  }
  throw new Error('expected a ProcessingError, got success');
}

async function smallPng(name: string, width = 200, height = 150, channels: 1 | 3 | 4 = 3): Promise<string> {
  const path = join(tmp, name);
  const data = Buffer.alloc(width * height * channels, 120);
  let img = sharp(data, { raw: { width, height, channels } });
  if (channels === 1) img = img.toColourspace('b-w');
  await img.png().toFile(path);
  return path;
}

describe('probeImage refuses bad files with a precise typed error', () => {
  const cases: Array<[string, ProcessingErrorCode, RegExp]> = [
    ['empty.png', 'empty_file', /empty \(0 bytes\)/],
    ['not-an-image.png', 'unsupported_format', /not a PNG, JPEG, WebP or TIFF/],
    ['truncated.png', 'truncated_image', /IEND/],
    ['truncated.jpg', 'truncated_image', /end-of-image/],
    ['truncated.tif', 'truncated_image', /truncated/],
    ['corrupt.png', 'corrupt_image', /damaged/],
    ['bomb-100000x100000.png', 'image_too_large', /100000 × 100000 px; the limit is 40000 px per side/],
    ['bomb-35000x35000.png', 'image_too_large', /1225 MP .* the limit is 1000 MP/],
    ['two-bands.tif', 'bad_bands', /2 bands/],
    ['mismatched-bands.tif', 'bad_bands', /3 samples per pixel but 2 bit depths/],
    ['unknown-crs.tif', 'unsupported_crs', /EPSG:9999/],
    ['off-globe.tif', 'bad_bounds', /outside the globe/],
  ];
  for (const [file, code, message] of cases) {
    it(`refuses ${file} as ${code}`, async () => {
      const t0 = performance.now();
      const err = await refusal(probeImage(join(FIXTURES, file), { bounds: BOUNDS }));
      expect(err.code).toBe(code);
      expect(err.message).toMatch(message);
      expect(err.field).toBe('file');
      // Refusals read headers only: a bomb must not be decoded.
      expect(performance.now() - t0).toBeLessThan(2000);
    });
  }
});

describe('probeImage checks bounds of images placed by bounds', () => {
  it('requires bounds for a PNG', async () => {
    const err = await refusal(probeImage(await smallPng('a.png')));
    expect(err.code).toBe('missing_bounds');
    expect(err.field).toBe('bounds');
  });

  const bad: Array<[string, Bounds, RegExp]> = [
    ['inverted longitudes', [130.32, 42.24, 130.3, 42.255], /west .* must be less than east/],
    ['inverted latitudes', [130.3, 42.255, 130.32, 42.24], /south .* must be less than north/],
    ['zero area', [130.3, 42.24, 130.3, 42.255], /west .* must be less than east/],
    ['beyond ±180', [179.9, 42.24, 180.1, 42.255], /beyond ±180/],
    ['beyond ±90', [130.3, 89.99, 130.32, 90.2], /±90/],
    ['not finite', [130.3, Number.NaN, 130.32, 42.255], /finite/],
    ['pixels far from square (a typo in east)', [130.3, 42.24, 131.32, 42.255], /near square/],
  ];
  for (const [what, bounds, message] of bad) {
    it(`refuses bounds with ${what}`, async () => {
      const err = await refusal(probeImage(await smallPng('b.png'), { bounds }));
      expect(err.code).toBe('bad_bounds');
      expect(err.field).toBe('bounds');
      expect(err.message).toMatch(message);
    });
  }
});

describe('probeImage enforces configurable limits', () => {
  it('refuses a file over the byte limit', async () => {
    const err = await refusal(probeImage(await smallPng('c.png'), { bounds: BOUNDS, limits: { maxBytes: 100 } }));
    expect(err.code).toBe('file_too_large');
    expect(err.message).toMatch(/the limit is 100 bytes/);
  });
  it('refuses an image over the side limit', async () => {
    const err = await refusal(probeImage(await smallPng('d.png'), { bounds: BOUNDS, limits: { maxSide: 199 } }));
    expect(err.code).toBe('image_too_large');
    expect(err.message).toBe('image is 200 × 150 px; the limit is 199 px per side');
  });
  it('refuses an image over the pixel limit', async () => {
    const err = await refusal(probeImage(await smallPng('e.png'), { bounds: BOUNDS, limits: { maxPixels: 29_999 } }));
    expect(err.code).toBe('image_too_large');
  });
  it('refuseTooCoarse: pixels coarser than 500 m (whole-world bounds on a thumbnail) blame the bounds', async () => {
    const png = await smallPng('world.png', 64, 64);
    const probe = await probeImage(png, { bounds: [-180, -85, 180, 85] });
    let err: ProcessingError | undefined;
    try {
      refuseTooCoarse(probe);
    } catch (e) {
      err = e as ProcessingError;
    }
    expect(err?.code).toBe('too_coarse');
    expect(err?.field).toBe('bounds');
    expect(err?.message).toMatch(/gives pixels of \d+\.\d km; the limit is 500 m a pixel/);
    // 64 px across 0.25° at the equator: ~435 m a pixel, coarse but still a port-sized image.
    const port = await probeImage(png, { bounds: [0, 0, 0.25, 0.25] });
    expect(port.gsdM).toBeCloseTo(435, -1);
    expect(() => refuseTooCoarse(port)).not.toThrow();
  });
});

describe('probeImage describes good images', () => {
  it('reads an RGBA PNG as three bands with alpha for validity', async () => {
    const p = await probeImage(await smallPng('rgba.png', 200, 150, 4), { bounds: BOUNDS });
    expect(p).toMatchObject({ format: 'png', width: 200, height: 150, bandCount: 3, hasAlpha: true, bitDepth: 8 });
    expect(p.roles).toEqual(['red', 'green', 'blue']);
    expect(p.georeferenced).toBe(false);
    expect(p.bounds).toEqual(BOUNDS);
    // 0.02° of longitude at 42.25°N over 200 px ≈ 8.2 m; 0.015° latitude over 150 px ≈ 11.1 m.
    expect(p.gsdM).toBeGreaterThan(9.4);
    expect(p.gsdM).toBeLessThan(9.9);
  });

  it('reads a grey PNG as one gray band', async () => {
    const p = await probeImage(await smallPng('g.png', 200, 150, 1), { bounds: BOUNDS });
    expect(p.roles).toEqual(['gray']);
    expect(p.bandCount).toBe(1);
  });

  it('reads a 16-bit PNG, a JPEG and a WebP', async () => {
    const data = Buffer.alloc(64 * 48 * 3, 90);
    const p16 = join(tmp, 'rgb16.png');
    await sharp(data, { raw: { width: 64, height: 48, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toFile(p16);
    expect((await probeImage(p16, { bounds: BOUNDS })).bitDepth).toBe(16);
    const pj = join(tmp, 'x.jpg');
    await sharp(data, { raw: { width: 64, height: 48, channels: 3 } })
      .jpeg()
      .toFile(pj);
    expect((await probeImage(pj, { bounds: BOUNDS })).format).toBe('jpeg');
    const pw = join(tmp, 'x.webp');
    await sharp(data, { raw: { width: 64, height: 48, channels: 3 } })
      .webp()
      .toFile(pw);
    expect((await probeImage(pw, { bounds: BOUNDS })).format).toBe('webp');
  });

  it('reads a 4-band GeoTIFF as RGB + NIR with its georeference, ignoring given bounds', async () => {
    const path = join(tmp, 'utm.tif');
    const data = new Uint16Array(32 * 32 * 4).fill(1000);
    writeFileSync(
      path,
      encodeTiff({
        width: 32,
        height: 32,
        samples: 4,
        bits: 16,
        data,
        geo: { epsg: 32652, origin: [600_000, 4_680_000], pixel: [3, 3] },
      }),
    );
    const p = await probeImage(path, { bounds: BOUNDS });
    expect(p).toMatchObject({ format: 'geotiff', georeferenced: true, crs: 'EPSG:32652', bandCount: 4, bitDepth: 16 });
    expect(p.roles).toEqual(['red', 'green', 'blue', 'nir']);
    expect(p.gsdM).toBeCloseTo(3, 1);
    expect(p.bounds[0]).not.toBe(BOUNDS[0]);
  });
});

describe('refuseOutsideSite: the one overlap rule of upload and analysis', () => {
  const site: Bounds = [130.3, 42.24, 130.32, 42.255];
  it('accepts an image that covers part of the site', () => {
    expect(() => refuseOutsideSite([130.31, 42.25, 130.4, 42.3], site)).not.toThrow();
  });
  it('refuses an image beside the site, or only touching its edge, naming bounds', () => {
    for (const image of [
      [131, 42.24, 131.02, 42.255],
      [130.32, 42.24, 130.34, 42.255],
      [130.3, 42.2, 130.32, 42.24],
    ] as Bounds[]) {
      let err: unknown;
      try {
        refuseOutsideSite(image, site);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ProcessingError);
      expect((err as ProcessingError).code).toBe('no_overlap');
      expect((err as ProcessingError).field).toBe('bounds');
      expect((err as ProcessingError).message).toMatch(/do not overlap the site \[130\.3, 42\.24, 130\.32, 42\.255\]/);
    }
  });
});
