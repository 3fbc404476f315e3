/**
 * A dated series of one site analysed in date order, without any server: the first date is the
 * reference, each later date is compared with the one before it. Used by the CLI and the evaluation.
 */
import { join } from 'node:path';
import type { Bounds } from '../contract/index.ts';
import { throwIfAborted } from './errors.ts';
import { analyzeImage, type ImageAnalysis, type PriorImage, type SiteInput } from './pipeline.ts';
import type { Grid, RunOptions } from './types.ts';

export interface SeriesImage {
  id: string;
  path: string;
  acquiredAt: string;
  bounds?: Bounds;
}

export interface SeriesResult {
  image: SeriesImage;
  analysis: ImageAnalysis;
}

/** How many earlier dates feed the water mask of each image. */
const WATER_DATES = 3;

/** Analyses `images` (any order) in date order into `workDir/<id>/`. Progress covers the whole series. */
export async function analyzeSeries(
  site: Omit<SiteInput, 'grid'> & { grid?: Grid | null },
  images: SeriesImage[],
  workDir: string,
  opts: RunOptions = {},
): Promise<SeriesResult[]> {
  const ordered = [...images].sort((a, b) => Date.parse(a.acquiredAt) - Date.parse(b.acquiredAt));
  let grid = site.grid ?? null;
  const done: PriorImage[] = [];
  const results: SeriesResult[] = [];
  for (const [i, image] of ordered.entries()) {
    throwIfAborted(opts.signal);
    const analysis = await analyzeImage(
      {
        site: { ...site, grid },
        image,
        dir: join(workDir, image.id),
        reference: done[0] ?? null,
        previous: done.at(-1) ?? null,
        others: done.slice(-WATER_DATES),
      },
      {
        signal: opts.signal,
        onProgress: opts.onProgress && ((f, stage) => opts.onProgress?.((i + f) / ordered.length, stage)),
      },
    );
    grid = analysis.grid;
    done.push({ id: image.id, dir: join(workDir, image.id), acquiredAt: image.acquiredAt });
    results.push({ image, analysis });
  }
  return results;
}
