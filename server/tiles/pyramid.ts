/**
 * Overview pyramids, built once per analysis (in the worker, right after the pipeline) so the first
 * tile of a freshly analysed image is a few reads away. Level 0 is the aligned image as RGBA (or the
 * change mask) as raw bytes; each level above halves the previous: a mean of the valid pixels
 * for imagery (RGBA), a max for the change mask (so a one-pixel change stays visible when zoomed out).
 * Strips of rows stream through, so memory stays bounded whatever the image size.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { openAnalysisRaster } from '../../processing/analysis-raster.ts';
import { openPrepared } from '../../processing/prepared.ts';
import type { BlockReader, Grid } from '../../processing/types.ts';

export type PyramidKind = 'image' | 'change';

/** Bumped when the on-disk layout changes: an older pyramid is rebuilt on first use. */
const FORMAT = 2;

export interface PyramidMeta {
  format?: number;
  kind: PyramidKind;
  grid: Grid;
  /** Bytes per pixel of levels ≥ 1 (and of level 0 for change): 4 (RGBA) or 1 (mask). */
  channels: 4 | 1;
  /** Sizes of level 0, 1, …; level k is stored as `L<k>.raw`. */
  levels: Array<{ width: number; height: number }>;
}

export const pyramidDir = (analysisDir: string, kind: PyramidKind) => join(analysisDir, 'pyramid', kind);
const STRIP = 128;
/** Stop when the coarsest level fits a tile. */
const TILE = 256;

/** Float block bands (0..1) → RGBA bytes, alpha from validity. */
function blockToRgba(bands: Float32Array[], valid: Uint8Array, roles: string[], out: Uint8Array): void {
  const ri = roles.indexOf('red');
  const gi = roles.indexOf('green');
  const bi = roles.indexOf('blue');
  const rgb = ri >= 0 && gi >= 0 && bi >= 0;
  const r = bands[rgb ? ri : 0]!;
  const g = bands[rgb ? gi : 0]!;
  const b = bands[rgb ? bi : 0]!;
  for (let i = 0, o = 0; i < valid.length; i++, o += 4) {
    if (!valid[i]) continue;
    out[o] = r[i]! * 255 + 0.5;
    out[o + 1] = g[i]! * 255 + 0.5;
    out[o + 2] = b[i]! * 255 + 0.5;
    out[o + 3] = 255;
  }
}

/**
 * What tiles show of an image: its analysis raster read through the image's alignment (registration
 * shift and radiometric normalisation to the site's reference), so dates line up and look alike when
 * the slider moves; the bare raster when the image has no alignment.
 */
export interface DisplaySource {
  width: number;
  height: number;
  grid: Grid;
  readRgba(w: { x: number; y: number; width: number; height: number }): Promise<Uint8Array>;
  close(): Promise<void>;
}

async function openDisplaySource(analysisDir: string): Promise<DisplaySource> {
  const raster = await openAnalysisRaster(join(analysisDir, 'raster'));
  let reader: BlockReader & { close(): Promise<void> } = raster;
  if (existsSync(join(analysisDir, 'alignment.bin'))) {
    await raster.close();
    reader = await openPrepared(analysisDir);
  }
  const roles = raster.roles as string[];
  return {
    width: raster.width,
    height: raster.height,
    grid: raster.meta.grid,
    async readRgba(w) {
      const block = await reader.read(w);
      const out = new Uint8Array(w.width * w.height * 4);
      blockToRgba(block.bands, block.valid, roles, out);
      return out;
    },
    close: () => reader.close(),
  };
}

/** Halves a strip: `src` is `rows` rows of width `w` (channels c); returns ceil(rows/2) rows of ceil(w/2). */
function halve(src: Uint8Array, w: number, rows: number, c: 4 | 1): Uint8Array {
  const ow = Math.ceil(w / 2);
  const oh = Math.ceil(rows / 2);
  const out = new Uint8Array(ow * oh * c);
  for (let y = 0; y < oh; y++) {
    const y0 = 2 * y;
    const y1 = Math.min(2 * y + 1, rows - 1);
    for (let x = 0; x < ow; x++) {
      const x0 = 2 * x;
      const x1 = Math.min(2 * x + 1, w - 1);
      const idx = [(y0 * w + x0) * c, (y0 * w + x1) * c, (y1 * w + x0) * c, (y1 * w + x1) * c];
      const o = (y * ow + x) * c;
      if (c === 1) {
        out[o] = Math.max(src[idx[0]!]!, src[idx[1]!]!, src[idx[2]!]!, src[idx[3]!]!);
        continue;
      }
      let n = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      for (const i of idx) {
        if (src[i + 3]! > 0) {
          n++;
          r += src[i]!;
          g += src[i + 1]!;
          b += src[i + 2]!;
        }
      }
      if (n > 0) {
        out[o] = Math.round(r / n);
        out[o + 1] = Math.round(g / n);
        out[o + 2] = Math.round(b / n);
        out[o + 3] = 255;
      }
    }
  }
  return out;
}

/** Streams L0.raw (level 0, `channels` bytes per pixel) and writes every coarser level by repeated halving. */
async function buildLevels(
  dir: string,
  width: number,
  height: number,
  channels: 4 | 1,
): Promise<Array<{ width: number; height: number }>> {
  const levels = [{ width, height }];
  let w = width;
  let h = height;
  let fd = openSync(join(dir, 'L0.raw'), 'r');
  try {
    for (let k = 1; Math.max(w, h) > TILE; k++) {
      const file = join(dir, `L${k}.raw`);
      const fh = await open(`${file}.partial`, 'w');
      let pos = 0;
      for (let y = 0; y < h; y += STRIP * 2) {
        const rows = Math.min(STRIP * 2, h - y);
        const src = new Uint8Array(w * rows * channels);
        readSync(fd, src, 0, src.length, y * w * channels);
        const out = halve(src, w, rows, channels);
        await fh.write(out, 0, out.length, pos);
        pos += out.length;
      }
      await fh.close();
      await rename(`${file}.partial`, file);
      w = Math.ceil(w / 2);
      h = Math.ceil(h / 2);
      levels.push({ width: w, height: h });
      closeSync(fd);
      fd = openSync(file, 'r');
    }
  } finally {
    closeSync(fd);
  }
  return levels;
}

/** Builds the image pyramid of an analysis dir (raster/ → pyramid/image/). */
export async function buildImagePyramid(analysisDir: string): Promise<PyramidMeta> {
  const src = await openDisplaySource(analysisDir);
  const dir = pyramidDir(analysisDir, 'image');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    const { width, height } = src;
    // Level 0 is the aligned, normalised image as RGBA: tiles at any zoom are then plain reads.
    const fh = await open(join(dir, 'L0.raw'), 'w');
    try {
      for (let y = 0; y < height; y += STRIP * 2) {
        const rows = Math.min(STRIP * 2, height - y);
        const rgba = await src.readRgba({ x: 0, y, width, height: rows });
        await fh.write(rgba, 0, rgba.length, y * width * 4);
      }
    } finally {
      await fh.close();
    }
    const levels = await buildLevels(dir, width, height, 4);
    const meta: PyramidMeta = { format: FORMAT, kind: 'image', grid: src.grid, channels: 4, levels };
    await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
    return meta;
  } finally {
    await src.close();
  }
}

/** Builds the change pyramid from change.png (0/255 on the site grid); null when the image has none. */
export async function buildChangePyramid(analysisDir: string, grid: Grid): Promise<PyramidMeta | null> {
  const png = join(analysisDir, 'change.png');
  const dir = pyramidDir(analysisDir, 'change');
  await rm(dir, { recursive: true, force: true });
  if (!existsSync(png)) return null;
  await mkdir(dir, { recursive: true });
  const { data, info } = await sharp(png, { limitInputPixels: false })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  await writeFile(join(dir, 'L0.raw'), data);
  const levels = await buildLevels(dir, info.width, info.height, 1);
  const meta: PyramidMeta = { format: FORMAT, kind: 'change', grid, channels: 1, levels };
  await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
  return meta;
}

/** Reads a pyramid's meta, or null when it has not been built. */
export async function readPyramidMeta(analysisDir: string, kind: PyramidKind): Promise<PyramidMeta | null> {
  try {
    const meta = JSON.parse(await readFile(join(pyramidDir(analysisDir, kind), 'meta.json'), 'utf8')) as PyramidMeta;
    return meta.format === FORMAT ? meta : null;
  } catch {
    return null;
  }
}
