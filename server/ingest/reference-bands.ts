/**
 * The band count the analyses of a site read, for the upload to refuse what its analysis could only fail on:
 * the bands of the site's reference as analysed (an RGB + NIR reference chosen after an RGB one was removed
 * was analysed as RGB), else, before its analysis, as its stored file has them (the catalog keeps no band count).
 */
import { join } from 'node:path';
import { analysisRasterRoles } from '../../processing/analysis-raster.ts';
import { probeImage } from '../../processing/validate.ts';
import type { DataPaths } from '../deps.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { Catalog, SiteRecord } from '../store/catalog.ts';

/**
 * Bands (as the analysis counts them: 1 grey, 3 RGB, 4 RGB + NIR) of the site's reference; null with
 * none, or when its file cannot be read: that is the server's fault, not the upload's, and the analysis reports it.
 */
export async function referenceBands(
  d: { catalog: Catalog; blobs: BlobStore; paths: Pick<DataPaths, 'analysisDir'> },
  site: SiteRecord,
): Promise<number | null> {
  const ref = await d.catalog.referenceForUpload(site.id);
  if (!ref) return null;
  if (ref.analysisRev > 0) {
    const roles = await analysisRasterRoles(join(d.paths.analysisDir(ref.id), 'raster'));
    if (roles) return roles.length;
  }
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
