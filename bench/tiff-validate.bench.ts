// What decoding every block of a TIFF costs (the upload's deep check, up to 4 MP): geotiff.js, the pipeline's
// reader, tile by tile, and libvips (sharp) streaming, on a sample-size and a 100 MP deflate-tiled RGB TIFF.
// `npx tsx bench/tiff-validate.bench.ts`; prints CPU and wall ms per image, three runs.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { openTiff } from '../processing/tiff.ts';

async function make(path: string, w: number, h: number) {
  if (existsSync(path)) return;
  // A smooth pattern plus noise: compresses like imagery, not like zeros or white noise.
  const raw = Buffer.alloc(w * h * 3);
  let x = 1;
  for (let y = 0; y < h; y++)
    for (let i = 0; i < w; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const n = (x >>> 24) & 31;
      const o = (y * w + i) * 3;
      raw[o] = (((i >> 3) + (y >> 4)) & 127) + n;
      raw[o + 1] = ((i * y) >> 10) & 127;
      raw[o + 2] = 60 + n;
    }
  await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .tiff({ compression: 'deflate', tile: true, tileWidth: 256, tileHeight: 256 })
    .toFile(path);
}

async function geotiffAll(path: string) {
  const t = await openTiff(path);
  const { width, height } = t.header;
  for (let y = 0; y < height; y += 256)
    for (let x = 0; x < width; x += 256)
      await t.image.readRasters({ window: [x, y, Math.min(width, x + 256), Math.min(height, y + 256)] });
  await t.close();
}

async function sharpAll(path: string) {
  await sharp(path, { limitInputPixels: false, failOn: 'warning' }).stats();
}

async function measure(label: string, fn: () => Promise<void>) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return `${label} cpu ${((c.user + c.system) / 1000).toFixed(0)} ms wall ${(performance.now() - t0).toFixed(0)} ms`;
}

const DIR = join(tmpdir(), 'bw-tiff-validate');
mkdirSync(DIR, { recursive: true });

const sizes: [string, number, number][] = [
  ['sample 2048x1536', 2048, 1536],
  ['large 10000x10000', 10000, 10000],
];
for (const [name, w, h] of sizes) {
  const path = join(DIR, `${w}x${h}.tif`);
  await make(path, w, h);
  const { size } = statSync(path);
  for (let r = 0; r < 3; r++) {
    console.log(
      name,
      `${(size / 1e6).toFixed(1)} MB`,
      await measure('geotiff tiles', () => geotiffAll(path)),
      '|',
      await measure('sharp stats', () => sharpAll(path)),
    );
  }
}
