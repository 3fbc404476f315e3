/**
 * A prepared image: its analysis raster on the site grid plus what aligns it to the site's
 * reference (registration shift, radiometric normalisation). Reading through it yields
 * registered, normalised blocks, so later stages and later dates never redo that work.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { type AnalysisRaster, openAnalysisRaster } from './analysis-raster.ts';
import { applyNormalization, type Normalization, normalizeBand } from './normalize.ts';
import type { Block, BlockReader, Shift, Window } from './types.ts';

export interface Alignment {
  shift: Shift;
  normalization: Normalization | null;
}

export interface PreparedImage extends BlockReader {
  raster: AnalysisRaster;
  alignment: Alignment;
  /** The window registered, both in the image's own radiometry and normalised to the reference. */
  readBoth(window: Window): Promise<{ own: Block; normalized: Block }>;
  close(): Promise<void>;
}

const ALIGNMENT_FILE = 'alignment.bin';

/** Wraps an analysis raster so every read is shifted onto the reference and normalised to it. */
export function alignedReader(raster: AnalysisRaster, alignment: Alignment): PreparedImage {
  return {
    raster,
    alignment,
    width: raster.width,
    height: raster.height,
    roles: raster.roles,
    async read(window: Window): Promise<Block> {
      const block = await raster.read(window, { shift: alignment.shift });
      return alignment.normalization ? applyNormalization(block, alignment.normalization) : block;
    },
    async readBoth(window: Window) {
      const own = await raster.read(window, { shift: alignment.shift });
      if (!alignment.normalization) return { own, normalized: own };
      const n = alignment.normalization;
      if (own.bands.length !== n.luts.length) return { own, normalized: applyNormalization({ ...own }, n) };
      // Straight into new planes: no copy of `own` to normalise in place.
      const bands = own.bands.map((b, i) => {
        const out = new Float32Array(b.length);
        normalizeBand(b, out, n.luts[i]!);
        return out;
      });
      return { own, normalized: { ...own, bands } };
    },
    close: () => raster.close(),
  };
}

/** Alignment is stored with v8 serialisation: it keeps typed arrays (normalisation LUTs) intact. */
export async function saveAlignment(dir: string, alignment: Alignment): Promise<void> {
  await writeFile(join(dir, ALIGNMENT_FILE), serialize(alignment));
}

/** Opens an image prepared by an earlier analysis. */
export async function openPrepared(dir: string): Promise<PreparedImage> {
  const alignment = deserialize(await readFile(join(dir, ALIGNMENT_FILE))) as Alignment;
  return alignedReader(await openAnalysisRaster(join(dir, 'raster')), alignment);
}
