/** Upload-time image check: processing/validate.ts `probeImage` with the server's configured limits. */
import type { Bounds } from '../../contract/index.ts';
import { type ImageProbe, probeImage as probe } from '../../processing/validate.ts';
import type { UploadLimits } from '../config.ts';

export type ProbedImage = ImageProbe;

/** Checks the file at `path` (format, limits, structure, bounds); throws ProcessingError naming the defect. */
export function probeImage(
  path: string,
  { bounds, limits }: { bounds?: Bounds | undefined; limits: UploadLimits },
): Promise<ProbedImage> {
  return probe(path, {
    ...(bounds ? { bounds } : {}),
    limits: { maxBytes: limits.maxBytes, maxSide: limits.maxSidePx, maxPixels: limits.maxMegapixels * 1e6 },
  });
}
