/** The on-disk form of a generated series: manifest, zones, images, truth JSON and masks, as path → bytes. */
import sharp from 'sharp';
import { encodeMask, type Series, type SeriesDate } from './scene.ts';

/** One image entry of manifest.json. */
export function manifestEntry(d: SeriesDate) {
  return {
    date: d.date,
    file: d.file,
    acquiredAt: d.acquiredAt,
    bounds: d.bounds,
    sensor: d.sensor,
    format: d.format,
    shiftPx: d.shiftPx,
    mode: d.mode,
    realChange: d.realChange,
    sun: d.sun,
    radiometry: d.radiometry,
    truth: `truth/${d.date}.json`,
    changeMask: d.changeMask ? `truth/${d.date}.change.png` : null,
    cloudMask: `truth/${d.date}.cloud.png`,
  };
}

export type ManifestEntry = ReturnType<typeof manifestEntry>;

/** manifest.json of a full series. */
export function manifest(series: Series) {
  return {
    site: series.site,
    generator: {
      seed: series.seed,
      command: 'npm run sample',
      module: 'sample-tiles/scene.ts',
      width: series.width,
      height: series.height,
      gsdM: series.gsdM,
    },
    zones: 'zones.geojson',
    images: series.dates.map(manifestEntry),
  };
}

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 1)}\n`);
}

/** The files of one date, relative to the site folder. */
export async function dateFiles(series: Series, d: SeriesDate): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const entry = manifestEntry(d);
  files.set(d.file, d.image);
  files.set(
    entry.truth,
    json({
      date: d.date,
      acquiredAt: d.acquiredAt,
      previous: d.previous,
      file: d.file,
      shiftPx: d.shiftPx,
      realChange: d.realChange,
      changeMask: entry.changeMask,
      cloudMask: entry.cloudMask,
      zones: d.zones,
    }),
  );
  if (d.changeMask && entry.changeMask) {
    files.set(entry.changeMask, await encodeMask(d.changeMask, series.width, series.height));
  }
  files.set(entry.cloudMask, await encodeMask(d.cloudMask, series.width, series.height));
  return files;
}

/** Every file of a full series, relative to the site folder. */
export async function seriesFiles(series: Series): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  files.set('manifest.json', json(manifest(series)));
  files.set('zones.geojson', json(series.zones));
  for (const d of series.dates) for (const [p, b] of await dateFiles(series, d)) files.set(p, b);
  const first = series.dates[0];
  if (first) files.set('preview.jpg', await sharp(first.image).resize(1024).jpeg({ quality: 80 }).toBuffer());
  return files;
}
