/**
 * The band count the analyses of a site read, for the upload to refuse what its analysis could only fail on:
 * the site's bands as its first analysis stored them (an RGB + NIR reference chosen after an RGB one was removed
 * is still read as RGB), else, before any analysis, as the file of the image to be its reference has them.
 */
import { probeImage } from '../../processing/validate.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { Catalog, SiteRecord } from '../store/catalog.ts';

/**
 * Bands (as the analysis counts them: 1 grey, 3 RGB, 4 RGB + NIR) of the site; null with no image to go by,
 * or when the reference's file cannot be read: that is the server's fault, not the upload's, and the analysis
 * reports it. A site analysed before the catalogue stored bands goes by its reference's file until one does.
 */
export async function referenceBands(
  d: { catalog: Catalog; blobs: BlobStore },
  site: SiteRecord,
): Promise<number | null> {
  if (site.bands) return site.bands.length;
  const ref = await d.catalog.referenceForUpload(site.id);
  if (!ref) return null;
  const probe = await probeImage(await d.blobs.localPath(ref.blobKey), {
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
