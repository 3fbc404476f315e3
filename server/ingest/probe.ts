/**
 * Upload-time image check: magic bytes, limits, a full decode (catches truncation), bounds.
 * Stand-in until processing/validate.ts `probeImage` lands; keeps the same shape so the swap is one import.
 */
import { open } from 'node:fs/promises';
import sharp from 'sharp';
import type { Bounds } from '../../contract/index.ts';
import { ProcessingError } from '../../processing/errors.ts';
import { metresBetween } from '../../processing/georeference.ts';

export interface ProbeLimits {
  maxSidePx: number;
  maxMegapixels: number;
}

export interface ProbedImage {
  format: string;
  width: number;
  height: number;
  bounds: Bounds;
  gsdM: number;
  georeferenced: boolean;
}

/** The format named by the first bytes, or null. */
function sniff(head: Buffer): string | null {
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') {
    return 'webp';
  }
  const t = head.subarray(0, 4).toString('hex');
  if (t === '49492a00' || t === '4d4d002a' || t === '49492b00' || t === '4d4d002b') return 'tiff';
  return null;
}

/** Checks the file at `path`; throws ProcessingError naming the defect or limit. */
export async function probeImage(
  path: string,
  { bounds, limits }: { bounds?: Bounds | undefined; limits: ProbeLimits },
): Promise<ProbedImage> {
  const fh = await open(path, 'r');
  const head = Buffer.alloc(16);
  let size: number;
  try {
    size = (await fh.stat()).size;
    await fh.read(head, 0, 16, 0);
  } finally {
    await fh.close();
  }
  if (size === 0) throw new ProcessingError('empty_file', 'the file is empty', 'file');
  const format = sniff(head);
  if (!format) {
    throw new ProcessingError(
      'unsupported_format',
      'not a PNG, JPEG, WebP or TIFF file (unrecognised magic bytes)',
      'file',
    );
  }
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(path, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new ProcessingError('corrupt_image', `the ${format} file cannot be read: ${(e as Error).message}`, 'file');
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width > limits.maxSidePx || height > limits.maxSidePx) {
    throw new ProcessingError(
      'image_too_large',
      `image is ${width}×${height} px; the limit is ${limits.maxSidePx} px per side`,
      'file',
    );
  }
  if ((width * height) / 1e6 > limits.maxMegapixels) {
    throw new ProcessingError(
      'image_too_large',
      `image is ${((width * height) / 1e6).toFixed(0)} MP; the limit is ${limits.maxMegapixels} MP`,
      'file',
    );
  }
  try {
    await sharp(path, { failOn: 'truncated', limitInputPixels: limits.maxMegapixels * 1e6 }).stats();
  } catch (e) {
    const msg = (e as Error).message;
    const truncated = /truncat|premature|end of|short/i.test(msg);
    throw new ProcessingError(
      truncated ? 'truncated_image' : 'corrupt_image',
      truncated
        ? `the ${format} file is truncated (${msg.trim()})`
        : `the ${format} file cannot be decoded (${msg.trim()})`,
      'file',
    );
  }
  if (!bounds) {
    throw new ProcessingError('missing_bounds', 'bounds are required: the image is not georeferenced', 'bounds');
  }
  const [w, s, e, n] = bounds;
  const gsdM = metresBetween([w, (s + n) / 2], [e, (s + n) / 2]) / width;
  return { format, width, height, bounds, gsdM, georeferenced: false };
}
