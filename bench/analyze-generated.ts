import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeSeries } from '../processing/series.ts';
import type { Series } from '../sample-tiles/scene.ts';

/**
 * Writes a generated series' images to `dir`/images and analyses them into `workDir` through
 * `analyzeSeries`, exactly as the server runs them: the one way every synthetic eval gets its results.
 */
export async function analyzeGenerated(series: Series, dir: string, workDir: string) {
  await mkdir(join(dir, 'images'), { recursive: true });
  const images = await Promise.all(
    series.dates.map(async (d) => {
      const path = join(dir, d.file);
      await writeFile(path, d.image);
      return { id: d.date, path, acquiredAt: d.acquiredAt, bounds: d.bounds };
    }),
  );
  return analyzeSeries(
    { id: series.site.id, bounds: series.site.bounds, settings: series.site.settings, zones: series.zones },
    images,
    workDir,
  );
}
