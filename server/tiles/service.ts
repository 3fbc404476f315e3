/**
 * Tiles for the HTTP layer: opened pyramids (one per image, analysis revision and kind) and an LRU of
 * encoded PNGs bounded in bytes. A pyramid missing on disk (data from before pyramids, a crash
 * between analysis and build) is built on first use.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeArrayBuffer } from 'geotiff';
import sharp from 'sharp';
import type { Grid } from '../../processing/types.ts';
import type { ImageRecord } from '../store/catalog.ts';
import { buildChangePyramid, buildImagePyramid, type PyramidKind, readPyramidMeta } from './pyramid.ts';
import { emptyTile, TileSource } from './render.ts';

class Lru<V> {
  private readonly map = new Map<string, { v: V; size: number }>();
  private bytes = 0;
  constructor(
    private readonly maxBytes: number,
    private readonly onEvict?: (v: V) => void,
  ) {}
  delete(k: string): void {
    const e = this.map.get(k);
    if (!e) return;
    this.map.delete(k);
    this.bytes -= e.size;
  }
  get(k: string): V | undefined {
    const e = this.map.get(k);
    if (!e) return undefined;
    this.map.delete(k);
    this.map.set(k, e);
    return e.v;
  }
  set(k: string, v: V, size: number): void {
    const old = this.map.get(k);
    if (old) {
      this.bytes -= old.size;
      this.map.delete(k);
    }
    this.map.set(k, { v, size });
    this.bytes += size;
    for (const [key, e] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(key);
      this.bytes -= e.size;
      this.onEvict?.(e.v);
    }
  }
}

export interface TileResult {
  png: Buffer;
  etag: string;
  /** False for the shared transparent tile outside the image. */
  hasData: boolean;
}

const tileKey = (img: ImageRecord, kind: PyramidKind, z: number, x: number, y: number) =>
  `${img.id}:${img.analysisRev}:${kind}:${z}/${x}/${y}`;

export class TileService {
  private readonly pngs = new Lru<TileResult>(96 * 1024 * 1024);
  private readonly sources = new Lru<Promise<TileSource | null>>(32, (p) => void p.then((s) => s?.close()));

  constructor(private readonly analysisDir: (imageId: string) => string) {}

  private source(img: ImageRecord, kind: PyramidKind, grid: () => Promise<Grid | null>): Promise<TileSource | null> {
    const key = `${img.id}:${img.analysisRev}:${kind}`;
    let p = this.sources.get(key);
    if (!p) {
      p = (async () => {
        const dir = this.analysisDir(img.id);
        let meta = await readPyramidMeta(dir, kind);
        if (!meta && kind === 'image' && existsSync(join(dir, 'raster', 'meta.json')))
          meta = await buildImagePyramid(dir);
        if (!meta && kind === 'change') {
          const g = await grid();
          if (g) meta = await buildChangePyramid(dir, g);
        }
        return meta ? TileSource.open(dir, meta) : null;
      })();
      // A failure (an analysis dir from an older format, a file removed under us) must not stick.
      p.catch(() => this.sources.delete(key));
      this.sources.set(key, p, 1);
    }
    return p;
  }

  /** The tile if it is cached: synchronous, so a hit costs a map lookup and no await. */
  cached(img: ImageRecord, kind: PyramidKind, z: number, x: number, y: number): TileResult | undefined {
    return this.pngs.get(tileKey(img, kind, z, x, y));
  }

  /** The tile, from the cache or rendered; null when the image has no such layer (no analysis, no change map). */
  async tile(
    img: ImageRecord,
    grid: () => Promise<Grid | null>,
    kind: PyramidKind,
    z: number,
    x: number,
    y: number,
  ): Promise<TileResult | null> {
    const hit = this.cached(img, kind, z, x, y);
    if (hit) return hit;
    const etag = `"${img.id}.${img.analysisRev}.${kind}.${z}.${x}.${y}"`;
    const src = await this.source(img, kind, grid);
    if (!src) return null;
    const png = await src.renderPng(z, x, y);
    if (!png) return { png: await emptyTile(), etag, hasData: false };
    const t: TileResult = { png, etag, hasData: true };
    this.pngs.set(tileKey(img, kind, z, x, y), t, png.length);
    return t;
  }

  /** The full-resolution change mask as a georeferenced GeoTIFF (EPSG:4326), built once and kept beside change.png. */
  async changeTiff(img: ImageRecord, grid: Grid): Promise<Buffer | null> {
    const dir = this.analysisDir(img.id);
    const png = join(dir, 'change.png');
    const tif = join(dir, `change.r${img.analysisRev}.tif`);
    if (existsSync(tif)) return readFile(tif);
    if (!existsSync(png)) return null;
    const { data, info } = await sharp(png, { limitInputPixels: false })
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const [w, , e, n] = grid.bounds;
    const s = grid.bounds[1];
    const buf = Buffer.from(
      writeArrayBuffer(new Uint8Array(data.buffer, data.byteOffset, data.length), {
        width: info.width,
        height: info.height,
        BitsPerSample: [8],
        SamplesPerPixel: 1,
        PhotometricInterpretation: 1,
        ModelPixelScale: [(e - w) / info.width, (n - s) / info.height, 0],
        ModelTiepoint: [0, 0, 0, w, n, 0],
        GTModelTypeGeoKey: 2,
        GTRasterTypeGeoKey: 1,
        GeographicTypeGeoKey: 4326,
        GeogCitationGeoKey: 'WGS 84',
      }),
    );
    await writeFile(tif, buf);
    return buf;
  }
}
