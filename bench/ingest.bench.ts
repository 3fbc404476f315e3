/**
 * Ingest speed and memory: `npx tsx bench/ingest.bench.ts [--big-only|--small-only|--huge]`.
 * Generates 4 MP and 100 MP PNG, JPEG and tiled-deflate TIFF images with sharp in a temp dir, then for each prints
 * a raw sharp decode (the baseline: decoding alone) and our ingest (probe + decode + warp onto
 * the site grid into an analysis raster) as MP/s and peak RSS, each case in its own process so
 * the peaks do not mix. Also times the resampling path (a grid that is not the image's own).
 * `--huge` ingests a 1,000 MP PNG (the design limit) to show memory stays bounded.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDeflate } from 'node:zlib';
import sharp from 'sharp';
import type { Bounds } from '../contract/index.ts';
import { openRaster } from '../processing/decode.ts';
import { pngChunk as chunk } from '../processing/fixtures/png-chunk.ts';
import { encodeTiff } from '../processing/fixtures/tiff-writer.ts';
import { gridOf, imageGrid, siteGrid } from '../processing/georeference.ts';
import { warpToGrid } from '../processing/warp.ts';

sharp.concurrency(os.availableParallelism());
const SELF = fileURLToPath(import.meta.url);
/** ~0.5 m pixels near Rajin: 100 MP covers 5 × 5 km. */
const boundsFor = (w: number, h: number): Bounds => [130.28, 42.23, 130.28 + w * 6e-6, 42.23 + h * 4.5e-6];

type Case = 'decode' | 'decode-huge' | 'ingest' | 'resample';

async function runCase(kind: Case, file: string, w: number, h: number): Promise<void> {
  const t0 = performance.now();
  if (kind === 'decode') {
    await sharp(file, { limitInputPixels: false }).raw().toBuffer();
  } else if (kind === 'decode-huge') {
    // 3 GB would not fit a raw buffer: decode through a statistics pass (reads every pixel).
    await sharp(file, { limitInputPixels: false, sequentialRead: true }).stats();
  } else {
    const out = mkdtempSync(join(os.tmpdir(), 'bw-bench-out-'));
    try {
      const src = await openRaster(file, { bounds: boundsFor(w, h) });
      const own = imageGrid(src.probe) ?? siteGrid(src.probe.bounds, src.probe.gsdM);
      let grid = own;
      if (kind === 'resample') {
        // A site grid a third of a pixel off and 1 % coarser: the resampling path (separable
        // tables for images placed by bounds; GeoTIFFs in UTM take the proj4 mesh instead).
        const [bw, bs, be, bn] = own.bounds;
        const dx = (be - bw) / own.width / 3;
        grid = gridOf([bw + dx, bs, be + dx, bn], Math.round(own.width / 1.01), Math.round(own.height / 1.01));
      }
      await warpToGrid(src, grid, out);
      await src.close();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  const s = (performance.now() - t0) / 1000;
  const peakMB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ s, peakMB }));
}

/** Smooth gradients plus texture, so PNG and JPEG sizes look like imagery, not a flat fill. */
async function generate(dir: string, w: number, h: number): Promise<Record<string, string>> {
  const buf = Buffer.allocUnsafe(w * h * 3);
  let seed = 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const n = (seed >>> 28) - 8;
      const i = (y * w + x) * 3;
      const water = (x + y * 0.3) % 4000 < 2200;
      buf[i] = (water ? 30 : 110) + ((x >> 6) % 20) + n;
      buf[i + 1] = (water ? 55 : 105) + ((y >> 6) % 20) + n;
      buf[i + 2] = (water ? 80 : 95) + n;
    }
  }
  const raw = { raw: { width: w, height: h, channels: 3 as const } };
  const png = join(dir, `${w}x${h}.png`);
  const jpeg = join(dir, `${w}x${h}.jpg`);
  await sharp(buf, raw).png({ compressionLevel: 6 }).toFile(png);
  await sharp(buf, raw).jpeg({ quality: 90 }).toFile(jpeg);
  // A tiled deflate TIFF: decoded by geotiff.js window by window, like a COG.
  const tif = join(dir, `${w}x${h}.tif`);
  await sharp(buf, raw).tiff({ tile: true, tileWidth: 512, tileHeight: 512, compression: 'deflate' }).toFile(tif);
  // The same pixels as a tiled deflate GeoTIFF in UTM 52N (Rajin): the proj4 mesh path.
  const utm = join(dir, `${w}x${h}-utm.tif`);
  writeFileSync(
    utm,
    encodeTiff({
      width: w,
      height: h,
      samples: 3,
      bits: 8,
      data: buf,
      tile: 512,
      deflate: true,
      geo: { epsg: 32652, origin: [640_000, 4_690_000], pixel: [0.5, 0.5] },
    }),
  );
  return { png, jpeg, tif, 'utm-tif': utm };
}

/** Writes a w × h RGB PNG without ever holding the image: rows → zlib stream → IDAT chunks. */
async function streamPng(path: string, w: number, h: number): Promise<void> {
  const out = createWriteStream(path);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  out.write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  out.write(chunk('IHDR', ihdr));
  const z = createDeflate({ level: 1 });
  z.on('data', (d: Buffer) => out.write(chunk('IDAT', d)));
  const done = new Promise<void>((res) => z.on('end', () => res()));
  const row = Buffer.alloc(1 + w * 3);
  let seed = 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const n = seed >>> 29;
      row[1 + x * 3] = 40 + ((x >> 5) % 40) + n;
      row[2 + x * 3] = 60 + ((y >> 5) % 40) + n;
      row[3 + x * 3] = 90 + n;
    }
    if (!z.write(Buffer.from(row))) await new Promise((res) => z.once('drain', res));
  }
  z.end();
  await done;
  out.end(chunk('IEND', Buffer.alloc(0)));
  await new Promise<void>((res) => out.on('finish', () => res()));
}

function child(kind: Case, file: string, w: number, h: number): { s: number; peakMB: number } {
  const out = execFileSync(process.execPath, [...process.execArgv, SELF, '--case', kind, file, String(w), String(h)], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as { s: number; peakMB: number };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--case') {
    await runCase(args[1] as Case, args[2]!, Number(args[3]), Number(args[4]));
    return;
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'bw-bench-'));
  if (args.includes('--huge')) {
    // 1,000 MP: the design limit, as a PNG streamed out row by row (libvips would buffer it).
    const w = 40_000;
    const h = 25_000;
    const file = join(dir, 'huge.png');
    await streamPng(file, w, h);
    const d = child('decode-huge', file, w, h);
    const i = child('ingest', file, w, h);
    console.log(
      `1000 MP png (${(statSync(file).size / 1e6).toFixed(0)} MB): sharp stats() full decode ${d.s.toFixed(1)} s, ${d.peakMB.toFixed(0)} MB peak; ingest ${i.s.toFixed(1)} s = ${(1000 / i.s).toFixed(0)} MP/s, ${i.peakMB.toFixed(0)} MB peak`,
    );
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  const sizes: Array<[number, number]> = [];
  if (!args.includes('--big-only')) sizes.push([2000, 2000]);
  if (!args.includes('--small-only')) sizes.push([10000, 10000]);
  try {
    console.log(
      `ingest bench on ${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)} (each row: its own process; MP/s of the image)`,
    );
    console.log(
      'image               format  file MB  | sharp raw decode      | ingest (own grid)     | ingest (resampled)',
    );
    for (const [w, h] of sizes) {
      const files = await generate(dir, w, h);
      const mp = (w * h) / 1e6;
      for (const [fmt, file] of Object.entries(files)) {
        const d = child('decode', file, w, h);
        const i = child('ingest', file, w, h);
        const r = child('resample', file, w, h);
        const cell = (x: { s: number; peakMB: number }) =>
          `${(mp / x.s).toFixed(0).padStart(4)} MP/s ${x.s.toFixed(2).padStart(6)} s ${x.peakMB.toFixed(0).padStart(5)} MB`;
        console.log(
          `${`${w}×${h} (${mp.toFixed(0)} MP)`.padEnd(20)}${fmt.padEnd(8)}${(statSync(file).size / 1e6).toFixed(1).padStart(7)}  | ${cell(d)} | ${cell(i)} | ${cell(r)}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
