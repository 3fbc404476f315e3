import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { realDataDir } from '../bench/real-data.ts';
import type { Bounds } from '../contract/index.ts';
import { crsTransform } from './crs.ts';
import { openRaster, type RasterSource } from './decode.ts';
import { ProcessingError } from './errors.ts';
import { encodeTiff } from './fixtures/tiff-writer.ts';

const tmp = mkdtempSync(join(os.tmpdir(), 'bw-decode-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const REAL = realDataDir();
const R = 6378137;
/** Spherical Mercator → lon/lat by the textbook formula (independent of proj4). */
const merc = (x: number, y: number): [number, number] => [
  ((x / R) * 180) / Math.PI,
  ((2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) * 180) / Math.PI,
];
const dms = (d: number, m: number, s: number, sign = 1) => sign * (d + m / 60 + s / 3600);

async function pixel(src: RasterSource, x: number, y: number): Promise<number[]> {
  const nb = await src.readNative({ x, y, width: 1, height: 1 });
  return Array.from(nb.data);
}

/**
 * Reference values from GDAL 3.6 (`gdalinfo FILE`, `gdallocationinfo -valonly FILE X Y`):
 * size, EPSG, upper-left and lower-right corners in the CRS and in lon/lat, and sample pixels.
 */
const UTM_FIXTURES = [
  {
    file: 'rasterio_RGB.byte.tif',
    size: [791, 718],
    epsg: 32618,
    ul: [101985, 2826915],
    lr: [339315, 2611485],
    ulLonLat: [dms(78, 57, 31.14, -1), dms(25, 30, 21.91)],
    lrLonLat: [dms(76, 34, 29.73, -1), dms(23, 36, 21.41)],
    pixels: [
      [200, 500, [9, 47, 72]],
      [100, 300, [8, 77, 105]],
    ],
  },
  {
    // PixelIsPoint: GDAL moves the tie point half a pixel to the corner; so must we.
    file: 'riotiler_cog.tif',
    size: [2658, 2667],
    epsg: 32621,
    ul: [373185, 8286015],
    lr: [639014.949, 8019284.949],
    ulLonLat: [dms(61, 17, 15.45, -1), dms(74, 37, 19.36)],
    lrLonLat: [dms(52, 54, 58.59, -1), dms(72, 13, 47.27)],
    pixels: [
      [1300, 1300, [3744]],
      [2000, 700, [6896]],
    ],
  },
  {
    file: 'riotiler_hro_colorado_201404_13SED190110_0x1500m_CL_1.tif',
    size: [383, 232],
    epsg: 26913,
    ul: [519467.496, 4311669.766],
    lr: [519524.875, 4311634.966],
    ulLonLat: [dms(104, 46, 31.18, -1), dms(38, 57, 13.55)],
    lrLonLat: [dms(104, 46, 28.8, -1), dms(38, 57, 12.42)],
    pixels: [[200, 100, [252, 248, 227]]],
  },
  {
    file: 'titiler_S2_B09_T34_600m.tif',
    size: [183, 183],
    epsg: 32634,
    ul: [699960, 3600000],
    lr: [809760, 3490200],
    ulLonLat: [dms(23, 7, 43.89), dms(32, 31, 9.61)],
    lrLonLat: [dms(24, 15, 40.43), dms(31, 30, 18.63)],
    pixels: [[90, 90, [7142]]],
  },
  {
    file: 'titiler_S2_TCI_T34_100m.tif',
    size: [1098, 1098],
    epsg: 32634,
    ul: [699960, 3600000],
    lr: [809760, 3490200],
    ulLonLat: [dms(23, 7, 43.89), dms(32, 31, 9.61)],
    lrLonLat: [dms(24, 15, 40.43), dms(31, 30, 18.63)],
    pixels: [[700, 300, [63, 75, 97]]],
  },
] as const;

describe('decodes every geotiff fixture with GDAL-equal georeference and pixels', () => {
  for (const f of UTM_FIXTURES) {
    it(`decodes ${f.file}`, async () => {
      const src = await openRaster(join(REAL, 'geotiff-fixtures', f.file));
      try {
        const p = src.probe;
        expect([p.width, p.height]).toEqual(f.size);
        expect(p.crs).toBe(`EPSG:${f.epsg}`);
        const t = p.transform!;
        const at = (c: number, r: number) => [t[0] + t[1] * c + t[2] * r, t[3] + t[4] * c + t[5] * r];
        const [ulx, uly] = at(0, 0);
        const [lrx, lry] = at(p.width, p.height);
        expect(Math.abs(ulx! - f.ul[0]) + Math.abs(uly! - f.ul[1])).toBeLessThan(0.002);
        expect(Math.abs(lrx! - f.lr[0]) + Math.abs(lry! - f.lr[1])).toBeLessThan(0.002);
        // proj4 against GDAL/PROJ: within 2e-5° (~2 m; GDAL prints 0.01″ ≈ 3e-6°).
        const tr = crsTransform(p.crs!);
        const ul = tr.toLonLat(f.ul[0], f.ul[1]);
        const lr = tr.toLonLat(f.lr[0], f.lr[1]);
        expect(Math.abs(ul[0] - f.ulLonLat[0])).toBeLessThan(2e-5);
        expect(Math.abs(ul[1] - f.ulLonLat[1])).toBeLessThan(2e-5);
        expect(Math.abs(lr[0] - f.lrLonLat[0])).toBeLessThan(2e-5);
        expect(Math.abs(lr[1] - f.lrLonLat[1])).toBeLessThan(2e-5);
        // The lon/lat envelope holds both corners and is no more than a few percent larger.
        const [w, s, e, n] = p.bounds;
        for (const [lon, lat] of [f.ulLonLat, f.lrLonLat]) {
          expect(lon).toBeGreaterThanOrEqual(w - 1e-5);
          expect(lon).toBeLessThanOrEqual(e + 1e-5);
          expect(lat).toBeGreaterThanOrEqual(s - 1e-5);
          expect(lat).toBeLessThanOrEqual(n + 1e-5);
        }
        const spanLon = Math.abs(f.lrLonLat[0] - f.ulLonLat[0]);
        expect(e - w).toBeLessThan(spanLon * 1.2);
        for (const [x, y, values] of f.pixels) expect(await pixel(src, x, y)).toEqual(values);
      } finally {
        await src.close();
      }
    });
  }
});

const PORTS = [
  { port: 'busan', size: [1042, 699], ul: [14362154.4997, 4181755.1061], lr: [14372578.6795, 4174761.1386] },
  { port: 'casablanca', size: [511, 339], ul: [-848632.5608, 3978375.3309], lr: [-843520.8811, 3974983.4114] },
  { port: 'honolulu', size: [424, 316], ul: [-17585179.1451, 2436578.4299], lr: [-17580941.6573, 2433420.542] },
  { port: 'san_francisco', size: [448, 938], ul: [-13627155.2053, 4553143.5927], lr: [-13622664.4663, 4543760.8703] },
];
/** GDAL pixel values of the big-endian files whose strip byte counts geotiff.js misreads. */
const SF_PIXELS: Record<string, Array<[number, number, number[]]>> = {
  B02: [
    [0, 0, [2739]],
    [447, 937, [2091]],
    [200, 500, [7641]],
    [100, 300, [6416]],
  ],
  rgb: [
    [0, 0, [5554, 9322, 6849]],
    [447, 937, [2621, 6767, 5226]],
    [200, 500, [25821, 24166, 19104]],
  ],
};

describe('decodes the sen2ships band GeoTIFFs (big-endian, EPSG:3857) with the right bounds', () => {
  for (const { port, size, ul, lr } of PORTS) {
    it(`decodes every ${port} band and the RGB file`, async () => {
      const dir = join(REAL, 'sen2ships-ports', port);
      const files = readdirSync(dir).filter((f) => f.endsWith('.tiff'));
      expect(files.length).toBeGreaterThanOrEqual(4);
      const [w, n] = merc(ul[0]!, ul[1]!);
      const [e, s] = merc(lr[0]!, lr[1]!);
      for (const file of files) {
        const src = await openRaster(join(dir, file));
        try {
          const p = src.probe;
          expect([p.width, p.height]).toEqual(size);
          expect(p.crs).toBe('EPSG:3857');
          expect(p.bitDepth).toBe(16);
          expect(p.bandCount).toBe(file.includes('rgb') ? 3 : 1);
          const expected: Bounds = [w, s, e, n];
          for (let k = 0; k < 4; k++) expect(Math.abs(p.bounds[k]! - expected[k]!)).toBeLessThan(1e-7);
          const block = await src.read({ x: 0, y: 0, width: p.width, height: 8 });
          expect(block.valid.every((v) => v === 1)).toBe(true);
          expect(block.bands[0]!.some((v) => v > 0)).toBe(true);
          const key = file.includes('rgb') ? 'rgb' : (/_(B\d\d)_/.exec(file)?.[1] ?? '');
          if (port === 'san_francisco' && SF_PIXELS[key]) {
            for (const [x, y, values] of SF_PIXELS[key]) expect(await pixel(src, x, y)).toEqual(values);
          }
        } finally {
          await src.close();
        }
      }
    });
  }
});

describe('decodes synthetic GeoTIFFs of every layout', () => {
  const W = 70;
  const H = 50;
  const pattern = (samples: number) => Uint16Array.from({ length: W * H * samples }, (_, i) => (i * 37) % 60000);
  const layouts = [
    { name: 'little-endian strips', bigEndian: false, tile: undefined, deflate: false },
    { name: 'big-endian strips, deflate', bigEndian: true, tile: undefined, deflate: true },
    { name: 'little-endian 16 px tiles, deflate', bigEndian: false, tile: 16, deflate: true },
    { name: 'big-endian 32 px tiles', bigEndian: true, tile: 32, deflate: false },
  ];
  for (const l of layouts) {
    it(`reads windows of a 16-bit 4-band UTM image in ${l.name}`, async () => {
      const data = pattern(4);
      const path = join(tmp, `${l.name.replace(/\W+/g, '-')}.tif`);
      writeFileSync(
        path,
        encodeTiff({
          width: W,
          height: H,
          samples: 4,
          bits: 16,
          data,
          bigEndian: l.bigEndian,
          tile: l.tile,
          rowsPerStrip: 7,
          deflate: l.deflate,
          geo: { epsg: 32652, origin: [600_000, 4_680_000], pixel: [2, 2] },
        }),
      );
      const src = await openRaster(path);
      try {
        expect(src.probe.roles).toEqual(['red', 'green', 'blue', 'nir']);
        const win = { x: 13, y: 9, width: 40, height: 30 };
        const nb = await src.readNative(win);
        for (const [x, y] of [
          [13, 9],
          [52, 38],
          [30, 20],
        ] as const) {
          for (let b = 0; b < 4; b++) {
            expect(nb.data[((y - win.y) * win.width + (x - win.x)) * 4 + b]).toBe(data[(y * W + x) * 4 + b]);
          }
        }
        const block = await src.read(win);
        expect(block.bands[3]![0]).toBeCloseTo(data[(9 * W + 13) * 4 + 3]! / 65535, 6);
      } finally {
        await src.close();
      }
    });
  }

  it('reads a JPEG-compressed tiled TIFF through geotiff readRasters (no fast path for it)', async () => {
    const path = join(tmp, 'jpeg-tiles.tif');
    await sharp({ create: { width: 300, height: 200, channels: 3, background: '#40a0c0' } })
      .tiff({ tile: true, tileWidth: 128, tileHeight: 128, compression: 'jpeg' })
      .toFile(path);
    const src = await openRaster(path, { bounds: [130.3, 42.24, 130.3 + 3.6e-3, 42.24 + 1.8e-3] });
    try {
      expect(src.probe.format).toBe('tiff');
      const [r, g, b] = await pixel(src, 250, 150);
      expect(Math.abs(r! - 0x40)).toBeLessThan(6);
      expect(Math.abs(g! - 0xa0)).toBeLessThan(6);
      expect(Math.abs(b! - 0xc0)).toBeLessThan(6);
    } finally {
      await src.close();
    }
  });

  it('marks GDAL nodata pixels invalid only where every band is nodata', async () => {
    const data = new Uint8Array(W * H * 3).fill(50);
    data.fill(0, 0, 3); // pixel 0: all bands 0 → nodata
    data[3] = 0; // pixel 1: one band 0 → still a pixel
    const path = join(tmp, 'nodata.tif');
    writeFileSync(
      path,
      encodeTiff({
        width: W,
        height: H,
        samples: 3,
        bits: 8,
        data,
        nodata: 0,
        geo: { epsg: 4326, geographic: true, origin: [130.3, 42.26], pixel: [1e-4, 1e-4] },
      }),
    );
    const src = await openRaster(path);
    try {
      expect(src.probe.crs).toBe('EPSG:4326');
      expect(src.probe.bounds).toEqual([130.3, 42.26 - H * 1e-4, 130.3 + W * 1e-4, 42.26]);
      const b = await src.read({ x: 0, y: 0, width: 3, height: 1 });
      expect(Array.from(b.valid)).toEqual([0, 1, 1]);
    } finally {
      await src.close();
    }
  });
});

describe('decodes sharp formats through one sequential decode', () => {
  it('turns PNG alpha into validity and keeps three colour bands', async () => {
    const w = 40;
    const h = 30;
    const rgba = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([i % 256, 100, 200, i % w < 10 ? 0 : 255], i * 4);
    const path = join(tmp, 'alpha.png');
    await sharp(rgba, { raw: { width: w, height: h, channels: 4 } })
      .png()
      .toFile(path);
    const src = await openRaster(path, { bounds: [130.3, 42.24, 130.3 + 4e-4, 42.24 + 3e-4], tempDir: tmp });
    try {
      const b = await src.read({ x: 5, y: 2, width: 10, height: 3 });
      expect(b.roles).toEqual(['red', 'green', 'blue']);
      expect(Array.from(b.valid.subarray(0, 10))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
      expect(b.bands[0]![5]).toBeCloseTo(((2 * w + 10) % 256) / 255, 6);
      expect(b.bands[2]![5]).toBeCloseTo(200 / 255, 6);
    } finally {
      await src.close();
    }
    // The decode temp dir is gone after close.
    expect(readdirSync(tmp).filter((f) => f.startsWith('berthwatch-decode-'))).toEqual([]);
  });

  it('reads a CMYK JPEG as three RGB bands', async () => {
    const path = join(tmp, 'cmyk.jpg');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3070a0' } })
      .toColourspace('cmyk')
      .jpeg()
      .toFile(path);
    const src = await openRaster(path, { bounds: [130.3, 42.24, 130.3 + 8e-4, 42.24 + 4.5e-4], tempDir: tmp });
    try {
      expect(src.probe.roles).toEqual(['red', 'green', 'blue']);
      const [r, g, b] = await pixel(src, 10, 10);
      // #3070a0 = (48, 112, 160), give or take the CMYK round trip.
      expect(r!).toBeLessThan(g!);
      expect(g!).toBeLessThan(b!);
    } finally {
      await src.close();
    }
  });

  it('serves reads behind the stream position from a temp-file decode', async () => {
    const w = 300;
    const h = 400;
    const rgb = Buffer.alloc(w * h * 3);
    for (let i = 0; i < w * h; i++) rgb.set([i % 251, Math.floor(i / w) % 256, 7], i * 3);
    const path = join(tmp, 'backwards.png');
    await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
      .png()
      .toFile(path);
    const src = await openRaster(path, { bounds: [130.3, 42.24, 130.3 + 3e-3, 42.24 + 4e-3], tempDir: tmp });
    try {
      // In order (the FIFO), then backwards (the temp file), then forwards again.
      for (const y of [300, 10, 200]) {
        const nb = await src.readNative({ x: 20, y, width: 50, height: 5 });
        expect(nb.data[0]).toBe((y * w + 20) % 251);
        expect(nb.data[1]).toBe(y % 256);
      }
    } finally {
      await src.close();
    }
    expect(readdirSync(tmp).filter((f) => f.startsWith('berthwatch-'))).toEqual([]);
  });

  it('keeps 16-bit PNG samples at full depth', async () => {
    const w = 16;
    const h = 8;
    const path = join(tmp, 'g16.png');
    const px = Buffer.alloc(w * h * 2);
    for (let i = 0; i < w * h; i++) px.writeUInt16BE(1000 + i * 300, i * 2);
    await sharp(px, { raw: { width: w, height: h, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toFile(path)
      .catch(async () => {
        // Fallback: libvips reads raw input as 8-bit; write the 16-bit PNG via a ushort image.
        await sharp(Buffer.from(new Uint16Array(w * h).map((_, i) => 1000 + i * 300).buffer), {
          raw: { width: w, height: h, channels: 1, premultiplied: false },
        })
          .png()
          .toFile(path);
      });
    const src = await openRaster(path, { bounds: [130.3, 42.24, 130.3 + 1.6e-4, 42.24 + 0.8e-4], tempDir: tmp });
    try {
      expect(src.probe.bitDepth).toBe(16);
      const nb = await src.readNative({ x: 0, y: 0, width: w, height: h });
      expect(nb.data).toBeInstanceOf(Uint16Array);
      expect(new Set(nb.data).size).toBeGreaterThan(100);
    } finally {
      await src.close();
    }
  });

  it('reports damage found only by a full decode as corrupt_image, not a crash', async () => {
    // 2400 × 2000 is above the probe's 4 MP deep-check, so only the warp-time decode sees it.
    const w = 2400;
    const h = 2000;
    const noise = Buffer.alloc(w * h * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const png = await sharp(noise, { raw: { width: w, height: h, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toBuffer();
    png.fill(0x55, png.length >> 1, (png.length >> 1) + 4000);
    const path = join(tmp, 'damaged-big.png');
    writeFileSync(path, png);
    const src = await openRaster(path, { bounds: [130.3, 42.24, 130.33, 42.26], tempDir: tmp });
    try {
      // Rows are decoded in order as they are read: the damage surfaces at the rows behind it.
      const err = await src.read({ x: 0, y: 1900, width: 10, height: 10 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProcessingError);
      expect((err as ProcessingError).code).toMatch(/corrupt_image|truncated_image/);
    } finally {
      await src.close();
    }
  });
});
