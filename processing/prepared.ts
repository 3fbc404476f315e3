/**
 * A prepared image: its analysis raster on the site grid plus what aligns it to the site's
 * reference (registration shift, radiometric normalisation). Reading through it yields
 * registered, normalised blocks, so later stages and later dates never redo that work.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { type AnalysisRaster, openAnalysisRaster, type ReadScratch } from './analysis-raster.ts';
import type { Normalization } from './normalize.ts';
import type { Block, BlockReader, Shift, Window } from './types.ts';

export interface Alignment {
  shift: Shift;
  normalization: Normalization | null;
}

export interface PreparedImage extends BlockReader {
  raster: AnalysisRaster;
  alignment: Alignment;
  /**
   * The window registered and normalised (the alignment's shift, not `shift`). With a `scratch`, the planes
   * are its buffers (valid until the next read through it).
   */
  read(window: Window, options?: { shift?: Shift; scratch?: ReadScratch | null }): Promise<Block>;
  /**
   * The window registered, both in the image's own radiometry and normalised to the reference. With
   * a `scratch`, the planes are its buffers (valid until the next read through it).
   */
  readBoth(window: Window, scratch?: ReadScratch | null): Promise<{ own: Block; normalized: Block }>;
  close(): Promise<void>;
}

const ALIGNMENT_FILE = 'alignment.bin';

/** Wraps an analysis raster so every read is shifted onto the reference and normalised to it. */
export function alignedReader(raster: AnalysisRaster, alignment: Alignment): PreparedImage {
  // Resampled and normalised in one pass over the stored bytes (same values as the two steps).
  const luts = alignment.normalization?.luts ?? null;
  // Alignments saved before the local correction existed have none: they read as global.
  const local = alignment.normalization?.local ?? null;
  return {
    raster,
    alignment,
    width: raster.width,
    height: raster.height,
    roles: raster.roles,
    async read(window: Window, options?: { shift?: Shift; scratch?: ReadScratch | null }): Promise<Block> {
      const { own, normalized } = raster.readAligned(window, alignment.shift, luts, false, options?.scratch, local);
      return (normalized ?? own)!;
    },
    async readBoth(window: Window, scratch?: ReadScratch | null) {
      const { own, normalized } = raster.readAligned(window, alignment.shift, luts, true, scratch, local);
      return { own: own!, normalized: normalized ?? own! };
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
