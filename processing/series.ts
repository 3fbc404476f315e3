/**
 * A dated series of one site analysed in date order, without any server: the first date is the
 * reference, each later date is compared with the one before it. Used by the CLI and the evaluation.
 */
import { join } from 'node:path';
import type { Bounds } from '../contract/index.ts';
import { throwIfAborted } from './errors.ts';
import { OTHER_DATES } from './other-dates.ts';
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

/** One analysis of a series: the date (index in date order) and the analysed dates it reads as others. */
export interface SeriesStep {
  index: number;
  others: number[];
}

/**
 * The analyses of a series of dates (sorted, as epoch ms), in the order they run. Each date is
 * analysed in date order with the analysed dates nearest to it in time as its `others`, as the server
 * picks them (its catalogue's analysisContext). The first date has none, so nothing there tells
 * unchanged land (a quay face) from a moored hull: once the dates it would read are analysed, it is
 * analysed again with them, and then the second date, whose arrivals, departures and memory of open
 * water run from the first's detections. `others` and `ahead` (how many later dates the first waits
 * for; 0: it is not analysed again) are for the evaluation's comparisons.
 */
export function seriesSteps(
  times: number[],
  { others = OTHER_DATES, ahead = OTHER_DATES }: { others?: number; ahead?: number } = {},
): SeriesStep[] {
  const analysed = new Set<number>();
  const nearest = (i: number) =>
    [...analysed]
      .filter((k) => k !== i)
      .sort((a, b) => Math.abs(times[a]! - times[i]!) - Math.abs(times[b]! - times[i]!) || a - b)
      .slice(0, others)
      // In date order, as the series always passed them, so an analysis that reads only earlier dates
      // is what it was before the first date was analysed again.
      .sort((a, b) => a - b);
  const steps: SeriesStep[] = [];
  const run = (i: number) => {
    steps.push({ index: i, others: nearest(i) });
    analysed.add(i);
  };
  const again = Math.min(ahead, times.length - 1);
  for (let i = 0; i < times.length; i++) {
    run(i);
    if (i > 0 && i === again) {
      run(0);
      run(1);
    }
  }
  return steps;
}

/** Analyses `images` (any order) in date order into `workDir/<id>/`. Progress covers the whole series. */
export async function analyzeSeries(
  site: Omit<SiteInput, 'grid'> & { grid?: Grid | null },
  images: SeriesImage[],
  workDir: string,
  opts: RunOptions = {},
): Promise<SeriesResult[]> {
  const ordered = [...images].sort((a, b) => Date.parse(a.acquiredAt) - Date.parse(b.acquiredAt));
  const prior = (i: number): PriorImage => ({
    id: ordered[i]!.id,
    dir: join(workDir, ordered[i]!.id),
    acquiredAt: ordered[i]!.acquiredAt,
  });
  const steps = seriesSteps(ordered.map((i) => Date.parse(i.acquiredAt)));
  let grid = site.grid ?? null;
  const results: SeriesResult[] = [];
  for (const [s, { index: i, others }] of steps.entries()) {
    throwIfAborted(opts.signal);
    const image = ordered[i]!;
    const analysis = await analyzeImage(
      {
        site: { ...site, grid },
        image,
        dir: join(workDir, image.id),
        reference: i > 0 ? prior(0) : null,
        previous: i > 0 ? prior(i - 1) : null,
        others: others.map(prior),
      },
      {
        signal: opts.signal,
        onProgress: opts.onProgress && ((f, stage) => opts.onProgress?.((s + f) / steps.length, stage)),
      },
    );
    grid = analysis.grid;
    results[i] = { image, analysis };
  }
  return results;
}
