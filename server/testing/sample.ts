/**
 * The committed sample site, cropped for tests: a window of the first dates (as PNG, so the bytes the
 * server stores are the bytes processing reads directly), its bounds, and the zones that touch it.
 * A crop keeps a full round trip through real analysis to a few seconds on two cores.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Bounds, ZoneCollection } from '../../contract/index.ts';
import { REPO_ROOT } from '../start.ts';

export interface CropWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SampleCrop {
  siteId: string;
  bounds: Bounds;
  settings: { minVesselLengthM: number; railCarLengthM: number };
  zones: ZoneCollection;
  images: { name: string; acquiredAt: string; png: Buffer }[];
}

/** The sample site folder: sample-tiles/<site> as committed (test-output/sample-* as a local fallback). */
export async function sampleDir(): Promise<string> {
  for (const root of [join(REPO_ROOT, 'sample-tiles'), join(REPO_ROOT, 'test-output')]) {
    if (!existsSync(root)) continue;
    for (const e of (await readdir(root, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory() && existsSync(join(root, e.name, 'manifest.json'))) return join(root, e.name);
    }
  }
  throw new Error('no sample site under sample-tiles/ (run `npm run sample`)');
}

interface Manifest {
  site: { id: string; bounds: Bounds; settings: { minVesselLengthM: number; railCarLengthM: number } };
  images: { file: string; acquiredAt: string; bounds: Bounds }[];
}

/** Default crop: pier 1 of the Rajin sample with its stretch of quay, siding and inner harbour. */
const PIER_1: CropWindow = { x: 416, y: 528, width: 288, height: 496 };

export async function cropSample(dates: number, win: CropWindow = PIER_1): Promise<SampleCrop> {
  const dir = await sampleDir();
  const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const zonesAll = JSON.parse(await readFile(join(dir, 'zones.geojson'), 'utf8')) as ZoneCollection;
  const first = m.images[0]!;
  const meta = await sharp(join(dir, first.file)).metadata();
  const [W, S, E, N] = first.bounds;
  const fw = meta.width!;
  const fh = meta.height!;
  const bounds: Bounds = [
    W + (win.x / fw) * (E - W),
    N - ((win.y + win.height) / fh) * (N - S),
    W + ((win.x + win.width) / fw) * (E - W),
    N - (win.y / fh) * (N - S),
  ];
  const inside = (f: ZoneCollection['features'][number]) => {
    const g = f.geometry;
    const pts = (
      g.type === 'Polygon' ? g.coordinates.flat() : g.type === 'LineString' ? g.coordinates : g.coordinates.flat(2)
    ) as number[][];
    const xs = pts.map((p) => p[0]!);
    const ys = pts.map((p) => p[1]!);
    return (
      Math.min(...xs) < bounds[2] &&
      Math.max(...xs) > bounds[0] &&
      Math.min(...ys) < bounds[3] &&
      Math.max(...ys) > bounds[1]
    );
  };
  const zones: ZoneCollection = { type: 'FeatureCollection', features: zonesAll.features.filter(inside) };
  const images = [];
  for (const img of m.images.slice(0, dates)) {
    const png = await sharp(join(dir, img.file))
      .extract({ left: win.x, top: win.y, width: win.width, height: win.height })
      .png()
      .toBuffer();
    images.push({
      name: img.file
        .split('/')
        .pop()!
        .replace(/\.\w+$/, '.png'),
      acquiredAt: img.acquiredAt,
      png,
    });
  }
  return { siteId: m.site.id, bounds, settings: m.site.settings, zones, images };
}
