/**
 * berthwatch-analyze: analyse a folder of dated images of one site, without any server.
 *
 *   npx tsx processing/cli.ts --zones zones.geojson --images DIR [--bounds w,s,e,n]
 *     [--min-vessel-length 20] [--rail-car-length 15] [--format table|csv|json] [--work DIR]
 *
 * Dates come from DIR/manifest.json when present (the sample-tiles format), otherwise from a
 * YYYY-MM-DD or YYYYMMDD in each file name. Non-georeferenced files need --bounds (or the manifest).
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Bounds, SCORE_CSV_COLUMNS, SiteSettings, ZoneCollection } from '../contract/index.ts';
import { ProcessingError } from './errors.ts';
import { validateZones } from './georeference.ts';
import { progressBar } from './progress-bar.ts';
import { analyzeSeries, type SeriesImage } from './series.ts';
import { probeImage } from './validate.ts';

const Args = z.object({
  zones: z.string().min(1, '--zones is required'),
  images: z.string().min(1, '--images is required'),
  bounds: z
    .string()
    .transform((s) => s.split(',').map(Number))
    .pipe(Bounds)
    .optional(),
  'min-vessel-length': z.coerce.number().positive().optional(),
  'rail-car-length': z.coerce.number().positive().optional(),
  format: z.enum(['table', 'csv', 'json']).default('table'),
  work: z.string().optional(),
});

const Manifest = z
  .object({
    images: z.array(z.object({ file: z.string(), acquiredAt: z.string(), bounds: Bounds.optional() }).passthrough()),
  })
  .passthrough();

const IMAGE_EXT = /\.(tiff?|png|jpe?g|webp)$/i;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      zones: { type: 'string' },
      images: { type: 'string' },
      bounds: { type: 'string' },
      'min-vessel-length': { type: 'string' },
      'rail-car-length': { type: 'string' },
      format: { type: 'string' },
      work: { type: 'string' },
    },
    strict: true,
  });
  const args = Args.parse(values);
  const zones = ZoneCollection.parse(JSON.parse(await readFile(args.zones, 'utf8')));
  const images = await listImages(args.images, args.bounds);
  if (images.length === 0)
    throw new ProcessingError('unsupported_format', `no images found in ${args.images}`, 'images');
  const probes = await Promise.all(images.map((i) => probeImage(i.path, { bounds: i.bounds })));
  const bounds = args.bounds ?? unionBounds(probes.map((p) => p.bounds));
  validateZones(zones, bounds);
  const settings = SiteSettings.parse({
    minVesselLengthM: args['min-vessel-length'],
    railCarLengthM: args['rail-car-length'],
  });
  const work = args.work ?? (await mkdtemp(join(tmpdir(), 'berthwatch-')));
  const bar = progressBar(`analysing ${images.length} images`);
  const results = await analyzeSeries({ id: 'cli', bounds, settings, zones }, images, work, {
    onProgress: (f, stage) => bar.update(f, stage),
  });
  bar.done();
  const rows = results.flatMap(({ image, analysis }) =>
    analysis.scores.map((s) => ({ imageId: image.id, acquiredAt: image.acquiredAt, ...s })),
  );
  if (args.format === 'json') {
    process.stdout.write(`${JSON.stringify({ items: rows }, null, 2)}\n`);
  } else if (args.format === 'csv') {
    process.stdout.write(`${SCORE_CSV_COLUMNS.join(',')}\n`);
    for (const r of rows) process.stdout.write(`${SCORE_CSV_COLUMNS.map((c) => csvCell(r[c])).join(',')}\n`);
  } else {
    console.table(rows.map(({ imageId: _i, ...r }) => r));
  }
  process.stderr.write(`analysis files in ${work}\n`);
}

async function listImages(dir: string, bounds: Bounds | undefined): Promise<SeriesImage[]> {
  const names = await readdir(dir);
  if (names.includes('manifest.json')) {
    const manifest = Manifest.parse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    return manifest.images.map((m) => ({
      id: idOf(m.file),
      path: join(dir, m.file),
      acquiredAt: new Date(m.acquiredAt).toISOString(),
      bounds: m.bounds ?? bounds,
    }));
  }
  return names
    .filter((n) => IMAGE_EXT.test(n))
    .map((n) => {
      const m = /(\d{4})-?(\d{2})-?(\d{2})/.exec(n);
      if (!m) throw new ProcessingError('unsupported_format', `no date (YYYY-MM-DD) in file name "${n}"`, 'images');
      const acquiredAt = new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`);
      if (Number.isNaN(acquiredAt.getTime())) {
        throw new ProcessingError('unsupported_format', `impossible date in file name "${n}"`, 'images');
      }
      return { id: idOf(n), path: join(dir, n), acquiredAt: acquiredAt.toISOString(), bounds };
    });
}

function idOf(file: string): string {
  return basename(file)
    .replace(/\.[^.]+$/, '')
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 64);
}

function unionBounds(all: Bounds[]): Bounds {
  return all.reduce<Bounds>(
    (u, b) => [Math.min(u[0], b[0]), Math.min(u[1], b[1]), Math.max(u[2], b[2]), Math.max(u[3], b[3])],
    [180, 90, -180, -90],
  );
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof z.ZodError) {
    for (const issue of err.issues) console.error(`error: ${issue.path.join('.') || 'argument'}: ${issue.message}`);
  } else if (err instanceof ProcessingError) {
    console.error(`error (${err.code}${err.field ? `, ${err.field}` : ''}): ${err.message}`);
  } else {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(2);
});
