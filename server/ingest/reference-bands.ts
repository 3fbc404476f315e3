/**
 * The band count of the image a site's analyses are matched to, read from its stored file at upload
 * time (the catalog keeps no band count): an upload with another count can only fail its analysis.
 */
import { probeImage } from '../../processing/validate.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { Catalog, SiteRecord } from '../store/catalog.ts';

/**
 * Bands (as the analysis counts them: 1 grey, 3 RGB, 4 RGB + NIR) of the site's reference; null with
 * none, or when its file cannot be read: that is the server's fault, not the upload's, and the analysis reports it.
 */
export async function referenceBands(catalog: Catalog, blobs: BlobStore, site: SiteRecord): Promise<number | null> {
  const ref = await catalog.referenceForUpload(site.id);
  if (!ref) return null;
  const probe = await probeImage(await blobs.localPath(ref.blobKey), {
    ...(ref.georeferenced ? {} : { bounds: ref.bounds }),
    // Its file passed the upload's checks once: only its header is needed now, whatever the limits.
    limits: {
      maxBytes: Number.POSITIVE_INFINITY,
      maxSide: Number.POSITIVE_INFINITY,
      maxPixels: Number.POSITIVE_INFINITY,
    },
    deepCheckPixels: 0,
  }).catch(() => null);
  return probe ? probe.roles.length : null;
}
