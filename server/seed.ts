/**
 * Loads the sample site from sample-tiles/<site>/ (manifest.json + zones.geojson + images) into an
 * empty store, through the same ingest path as uploads. Analysis is left to the job runner.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Bounds, SiteSettings, ZoneCollection } from '../contract/index.ts';
import { ProcessingError } from '../processing/errors.ts';
import { type IngestDeps, ingestStaged } from './ingest/ingest.ts';
import { normaliseInstant } from './routes/common.ts';

export const SampleManifest = z.object({
  site: z.object({ id: z.string(), name: z.string(), bounds: Bounds, settings: SiteSettings.optional() }),
  images: z.array(
    z.object({ file: z.string(), acquiredAt: z.string(), bounds: Bounds.optional(), sensor: z.string().optional() }),
  ),
});

/** Site folders under `root` that hold a manifest. */
async function sampleSites(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    if (e.isDirectory() && existsSync(join(root, e.name, 'manifest.json'))) out.push(join(root, e.name));
  }
  return out.sort();
}

/**
 * Ingests one sample folder (manifest.json, zones.geojson, images); returns the site, images added and the
 * manifest's files. With `onRefused`, a refused image is reported there and skipped; without, it throws.
 */
export async function seedFolder(
  d: IngestDeps,
  dir: string,
  onImage?: (i: number, n: number) => void,
  onRefused?: (file: string, e: ProcessingError) => void,
) {
  const manifest = SampleManifest.parse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
  const zones = ZoneCollection.parse(JSON.parse(await readFile(join(dir, 'zones.geojson'), 'utf8')));
  const m = manifest.site;
  const site =
    (await d.catalog.getSite(m.id)) ??
    (await d.catalog.createSite({
      id: m.id,
      name: m.name,
      bounds: m.bounds,
      settings: SiteSettings.parse(m.settings ?? {}),
      zones,
    }));
  let added = 0;
  for (const [i, img] of manifest.images.entries()) {
    const staged = await d.blobs.stage(createReadStream(join(dir, img.file)), { maxBytes: d.limits.maxBytes });
    try {
      const r = await ingestStaged(d, site, staged, {
        acquiredAt: normaliseInstant(img.acquiredAt, `images[${i}].acquiredAt`),
        bounds: img.bounds,
        sensor: img.sensor,
      });
      if (!r.existing) added++;
    } catch (e) {
      if (!(onRefused && e instanceof ProcessingError)) throw e;
      onRefused(img.file, e);
    }
    onImage?.(i + 1, manifest.images.length);
  }
  return { site: site.id, images: added, files: manifest.images.map((img) => img.file) };
}

/** Seeds every sample site found under `root`; null when there is none. */
export async function seedSample(d: IngestDeps, root: string) {
  const dirs = await sampleSites(root);
  if (dirs.length === 0) return null;
  const out = [];
  for (const dir of dirs) out.push(await seedFolder(d, dir));
  return out;
}
