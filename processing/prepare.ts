/**
 * Prepare: decode the original onto the site grid, register it to the site's reference and fit
 * its radiometric normalisation. The result is a PreparedImage whose reads are aligned.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bounds, Registration } from '../contract/index.ts';
import { analysisRasterRoles, openAnalysisRaster } from './analysis-raster.ts';
import { readAsBands } from './band-select.ts';
import { openRaster } from './decode.ts';
import { fitNormalization } from './normalize.ts';
import { type Alignment, alignedReader, openPrepared, type PreparedImage, saveAlignment } from './prepared.ts';
import { scaled } from './progress.ts';
import { register } from './register.ts';
import type { BandRole, Grid, RunOptions } from './types.ts';
import type { Limits } from './validate.ts';
import { warpToGrid } from './warp.ts';

export interface PrepareRequest {
  path: string;
  bounds?: Bounds;
  grid: Grid;
  dir: string;
  /** The site's reference image, already prepared; null when this image is the reference. */
  referenceDir: string | null;
  /**
   * The bands the site's analyses read (stored by the catalogue from its first analysis); null before it.
   * The reference analysed again (a zone edit, a re-score) may be an RGB + NIR image that was read as RGB on an
   * RGB site: read with its NIR, it would become a reference the site's RGB dates could no longer be matched to.
   */
  bands?: readonly BandRole[] | null;
  limits?: Partial<Limits>;
}

export interface Prepared {
  image: PreparedImage;
  registration: Registration | null;
  /** Why a registration was not applied, when it was not. */
  registrationNote: string | null;
}

/** Decode → warp → register → normalise. */
export async function prepareImage(req: PrepareRequest, opts: RunOptions = {}): Promise<Prepared> {
  const { signal, onProgress } = opts;
  const rasterDir = join(req.dir, 'raster');
  // Warped beside the last analysis's raster, which stays readable (its tiles, other dates' analyses) until
  // this one is whole: a failed or slow warp never leaves the image without a raster.
  const fresh = `${rasterDir}.new`;
  // Opened first: its bands are the ones read of this image (an RGB + NIR image on an RGB site is read as RGB).
  const reference = req.referenceDir ? await openPrepared(req.referenceDir) : null;
  try {
    const opened = await openRaster(req.path, { bounds: req.bounds, limits: req.limits });
    let source = opened;
    try {
      // A site stored before its bands were (older catalogues): as the reference, or as this image's own last
      // analysis, read them — that raster is still in place.
      const roles = req.bands ?? reference?.roles ?? (await analysisRasterRoles(rasterDir));
      if (roles) source = readAsBands(opened, roles);
      await rm(fresh, { recursive: true, force: true });
      await mkdir(fresh, { recursive: true });
      await warpToGrid(source, req.grid, fresh, { signal, onProgress: scaled(onProgress, 0, 0.8) });
    } catch (err) {
      await rm(fresh, { recursive: true, force: true });
      throw err;
    } finally {
      await opened.close();
    }
    await swapIn(fresh, rasterDir);
    const raster = await openAnalysisRaster(rasterDir);
    if (!reference) {
      const alignment: Alignment = { shift: { dx: 0, dy: 0 }, normalization: null };
      await saveAlignment(req.dir, alignment);
      return { image: alignedReader(raster, alignment), registration: null, registrationNote: null };
    }
    const reg = await register(reference, raster, { signal });
    onProgress?.(0.9, 'register');
    // dxM/dyM: the measured displacement of this image against the reference, metres east / north.
    // An untrusted shift is reported (confidence) but not applied: a wrong shift does more harm than none.
    const measured = Number.isFinite(reg.dx) && Number.isFinite(reg.dy);
    const shift = reg.trusted && measured ? { dx: reg.dx, dy: reg.dy } : { dx: 0, dy: 0 };
    const normalization = await fitNormalization(reference, raster, shift, { signal });
    onProgress?.(1, 'normalize');
    const alignment: Alignment = { shift, normalization };
    await saveAlignment(req.dir, alignment);
    return {
      image: alignedReader(raster, alignment),
      // An unmeasurable shift (no agreeing window) is reported as zero with zero confidence.
      registration: {
        dxM: measured ? round(reg.dx * req.grid.pixelWidthM) : 0,
        dyM: measured ? round(-reg.dy * req.grid.pixelHeightM) : 0,
        confidence: measured && Number.isFinite(reg.confidence) ? round(reg.confidence) : 0,
      },
      registrationNote: reg.trusted ? null : (reg.reason ?? 'registration not trusted'),
    };
  } finally {
    await reference?.close();
  }
}

/**
 * Replaces `dir` by `fresh`: a reader finds the old raster or the new one (or, between the two renames,
 * none for an instant), never half of one.
 */
async function swapIn(fresh: string, dir: string): Promise<void> {
  const old = `${dir}.old`;
  await rm(old, { recursive: true, force: true });
  await rename(dir, old).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  await rename(fresh, dir);
  await rm(old, { recursive: true, force: true });
}

const round = (v: number) => Math.round(v * 1000) / 1000;
