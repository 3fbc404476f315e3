/** Loads a sen2ships port scene (Sentinel-2 bands + COCO vessel labels) as a Block for evaluations. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { detectVessels, type VesselOptions } from '../processing/detect-vessels.ts';
import type { BandRole, Block, PixelBox } from '../processing/types.ts';
import { waterMask } from '../processing/water.ts';
import { type CoarseBerthOptions, mooredHullsCoarse } from '../processing/water-moored.ts';
import { realDataDir } from './real-data.ts';

export const SEN2SHIPS_PORTS = ['busan', 'casablanca', 'honolulu', 'san_francisco'] as const;

/** A labelled vessel: its axis-aligned bbox in pixels and its mask's pixel indices. */
export interface VesselLabel {
  x: number;
  y: number;
  w: number;
  h: number;
  pixels: number[];
}

export interface Sen2shipsScene {
  port: string;
  block: Block;
  labels: VesselLabel[];
  gsdM: { x: number; y: number };
}

const BAND_ROLES: Array<[string, BandRole]> = [
  ['B02', 'blue'],
  ['B03', 'green'],
  ['B04', 'red'],
  ['B08', 'nir'],
];

async function readBand(path: string): Promise<{ data: Float32Array; width: number; height: number; res: number[] }> {
  const buf = readFileSync(path);
  // fromFile() fails on these big-endian Sentinel Hub TIFFs (negative read length); fromArrayBuffer works.
  const tiff = await fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const image = await tiff.getImage();
  const raster = (await image.readRasters({ samples: [0] }))[0] as Uint16Array;
  const data = new Float32Array(raster.length);
  for (let i = 0; i < raster.length; i++) data[i] = raster[i]! / 65535;
  return { data, width: image.getWidth(), height: image.getHeight(), res: image.getResolution() };
}

/** A port's SWIR band (B11) on the band grid, which the pipeline does not read; null where absent. */
export async function readSwir(port: string): Promise<Float32Array | null> {
  const folder = join(realDataDir(), 'sen2ships-ports', port);
  const file = readdirSync(folder).find((f) => f.includes('_B11_') && f.endsWith('.tiff'));
  return file ? (await readBand(join(folder, file))).data : null;
}

/** Decodes COCO's uncompressed column-major RLE into row-major pixel indices. */
function decodeRle(counts: number[], width: number, height: number): number[] {
  const out: number[] = [];
  let pos = 0;
  counts.forEach((run, i) => {
    if (i % 2 === 1) {
      for (let k = pos; k < pos + run; k++) {
        const x = Math.floor(k / height);
        const y = k % height;
        out.push(y * width + x);
      }
    }
    pos += run;
  });
  return out;
}

/** Reads one port: the bands present (San Francisco lacks red and NIR) and its de-duplicated labels. */
export async function loadSen2ships(dir: string, port: string): Promise<Sen2shipsScene> {
  const folder = join(dir, 'sen2ships-ports', port);
  const files = readdirSync(folder);
  const roles: BandRole[] = [];
  const bands: Float32Array[] = [];
  let width = 0;
  let height = 0;
  let res = [10, -10];
  for (const [code, role] of BAND_ROLES) {
    const file = files.find((f) => f.includes(`_${code}_`) && f.endsWith('.tiff'));
    if (!file) continue;
    const band = await readBand(join(folder, file));
    width = band.width;
    height = band.height;
    res = band.res;
    roles.push(role);
    bands.push(band.data);
  }
  const coco = JSON.parse(readFileSync(join(folder, `${port}_coco.json`), 'utf8')) as {
    annotations: Array<{ bbox: [number, number, number, number]; segmentation: { counts: number[]; size: number[] } }>;
  };
  const seen = new Set<string>();
  const labels: VesselLabel[] = [];
  for (const a of coco.annotations) {
    const key = a.bbox.join(',');
    if (seen.has(key)) continue; // some files list the same grid twice (NDWI and true colour)
    seen.add(key);
    const [x, y, w, h] = a.bbox;
    labels.push({ x, y, w, h, pixels: decodeRle(a.segmentation.counts, width, height) });
  }
  const valid = new Uint8Array(width * height).fill(1);
  return {
    port,
    block: { window: { x: 0, y: 0, width, height }, roles, bands, valid },
    labels,
    gsdM: { x: Math.abs(res[0] ?? 10), y: Math.abs(res[1] ?? 10) },
  };
}

/**
 * A port's scene with its mean pixel size and its plain water mask: `waterMask` with `berths: false`
 * stops just before the moored-hull step, which the moored-hull tools then run on this mask.
 */
export async function loadPortWithPlainWater(
  port: string,
): Promise<Sen2shipsScene & { gsd: number; plain: Uint8Array }> {
  const scene = await loadSen2ships(realDataDir(), port);
  const gsd = Math.sqrt(scene.gsdM.x * scene.gsdM.y);
  return { ...scene, gsd, plain: waterMask(scene.block, { gsdM: gsd, berths: false }) };
}

/**
 * The moored-hull step and the detector on a port's plain water mask, joined as `waterMask` joins them
 * (the patches become water and are passed as `berthed`), the whole scene one zone, at 30 m.
 */
export function detectOnPort(
  scene: Awaited<ReturnType<typeof loadPortWithPlainWater>>,
  hullOpts: Partial<CoarseBerthOptions> = {},
  detOpts: VesselOptions = {},
): { dets: PixelBox[]; water: Uint8Array; berthed: Uint8Array } {
  const { block, gsd, plain } = scene;
  const n = block.valid.length;
  const hulls = mooredHullsCoarse(block, plain, block.valid, { ...hullOpts, gsdM: gsd });
  const water = new Uint8Array(n);
  const berthed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    berthed[i] = hulls[i]! & (plain[i]! ^ 1);
    water[i] = plain[i]! | hulls[i]!;
  }
  const zone = new Uint8Array(n).fill(1);
  const input = { block, zone, water, valid: block.valid, gsdM: scene.gsdM, minVesselLengthM: 30, berthed };
  return { dets: detectVessels(input, detOpts), water, berthed };
}
