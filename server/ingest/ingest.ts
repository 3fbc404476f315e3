/**
 * Ingest one staged upload: de-duplicate by content, validate, then commit the file (fsync + rename)
 * and the record (one DB transaction) in that order, so a crash leaves both or an orphan file the
 * start-up sweep removes, never a record without its file. Shared by the HTTP route, the seed and the CLI.
 */
import type { Bounds } from '../../contract/index.ts';
import { refuseOtherBands, refuseOutsideSite, refuseTooCoarse } from '../../processing/site-checks.ts';
import type { UploadLimits } from '../config.ts';
import type { BlobStore, StagedBlob } from '../store/blob-store.ts';
import type { Catalog, ImageRecord, JobRecord, SiteRecord } from '../store/catalog.ts';
import { newId } from '../store/sqlite-catalog.ts';
import { refuseFutureCapture } from './capture-date.ts';
import { probeImage } from './probe.ts';
import { referenceBands } from './reference-bands.ts';

export interface IngestFields {
  /** Normalised RFC 3339 UTC. */
  acquiredAt: string;
  bounds?: Bounds | undefined;
  sensor?: string | undefined;
}

export interface IngestResult {
  /** true when the same bytes were already an image of this site (HTTP 200 instead of 202). */
  existing: boolean;
  image: ImageRecord;
  job: JobRecord | null;
  rescored: JobRecord | null;
}

export interface IngestDeps {
  catalog: Catalog;
  blobs: BlobStore;
  limits: UploadLimits;
}

/** Validates and commits a staged blob as an image of `site`; discards the staged bytes on any failure. */
export async function ingestStaged(
  d: IngestDeps,
  site: SiteRecord,
  staged: StagedBlob,
  fields: IngestFields,
): Promise<IngestResult> {
  let committed = false;
  try {
    refuseFutureCapture(fields.acquiredAt);
    const same = await d.catalog.findImageBySha(site.id, staged.sha256);
    if (same) return { existing: true, image: same, job: await d.catalog.latestJob(same.id), rescored: null };
    const meta = await probeImage(staged.localPath, { bounds: fields.bounds, limits: d.limits });
    refuseOutsideSite(meta.bounds, site.bounds);
    refuseTooCoarse(meta);
    const bands = await referenceBands(d, site);
    if (bands !== null) refuseOtherBands(meta.roles.length, bands);
    const blobKey = await d.blobs.commit(staged);
    committed = true;
    try {
      const { image, job, rescored } = await d.catalog.addImage({
        id: newId('img'),
        siteId: site.id,
        acquiredAt: fields.acquiredAt,
        sensor: fields.sensor ?? null,
        bounds: meta.bounds,
        gsdM: meta.gsdM,
        width: meta.width,
        height: meta.height,
        sha256: staged.sha256,
        blobKey,
        format: meta.format,
        georeferenced: meta.georeferenced,
      });
      return { existing: false, image, job, rescored };
    } catch (e) {
      // A concurrent upload of the same bytes won the unique (site, sha256) race: answer as a re-upload.
      const winner = await d.catalog.findImageBySha(site.id, staged.sha256);
      if (winner) return { existing: true, image: winner, job: await d.catalog.latestJob(winner.id), rescored: null };
      throw e;
    }
  } finally {
    if (!committed) await d.blobs.discard(staged);
  }
}
