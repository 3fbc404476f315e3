/**
 * Typed processing errors. Each carries a literal `code` and a message that says exactly what
 * was wrong; server/http/problem.ts maps codes to HTTP statuses in one table.
 */
import type { JobErrorCode } from '../contract/index.ts';

export type ProcessingErrorCode =
  | 'empty_file'
  | 'unsupported_format'
  | 'corrupt_image'
  | 'truncated_image'
  | 'image_too_large'
  | 'file_too_large'
  | 'bad_bands'
  | 'missing_bounds'
  | 'bad_bounds'
  | 'unsupported_crs'
  | 'no_overlap'
  | 'too_coarse'
  | 'invalid_zone'
  | 'future_date'
  | 'aborted';

export class ProcessingError extends Error {
  readonly code: ProcessingErrorCode;
  /** The input field at fault, when there is one (`file`, `bounds`, `zones.features[3]`…). */
  readonly field: string | undefined;
  constructor(code: ProcessingErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'ProcessingError';
    this.code = code;
    this.field = field;
  }
}

/** Throws the standard abort error when the signal has fired; call between blocks. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ProcessingError('aborted', 'analysis was cancelled');
}

/**
 * What each code says of the analysed image when the image's own input is at fault (`field` file or bounds):
 * its bytes damaged, or refused by a rule. Thrown with another field, or none, the same code is the server's
 * (a missing analysis raster, a consistency check between the analysis's own arrays, a stored zone) and is
 * internal: blaming the image for those would send its owner after the wrong file.
 */
const INPUT_KIND: Record<ProcessingErrorCode, JobErrorCode> = {
  empty_file: 'image_rejected',
  unsupported_format: 'image_rejected',
  corrupt_image: 'damaged_data',
  truncated_image: 'damaged_data',
  image_too_large: 'image_rejected',
  file_too_large: 'image_rejected',
  bad_bands: 'image_rejected',
  missing_bounds: 'image_rejected',
  bad_bounds: 'image_rejected',
  unsupported_crs: 'image_rejected',
  no_overlap: 'image_rejected',
  too_coarse: 'image_rejected',
  // The zones were checked when they were stored, the date when the image was: neither is the image's fault here.
  invalid_zone: 'internal',
  future_date: 'internal',
  aborted: 'aborted',
};

/** The input fields that are the analysed image's own: its file, and the bounds given with it. */
const IMAGE_FIELDS: ReadonlySet<string> = new Set(['file', 'bounds']);

/**
 * The kind of an analysis failure (contract JobErrorCode) from what the analysis threw. The decoders
 * wrap whatever their libraries throw on unreadable pixels as corrupt_image or truncated_image on `file`
 * (validate.ts decodeError). Told by name and shape, not class, so one thrown by another copy of this
 * module (another loader or bundle) is told too.
 */
export function failureCode(err: unknown): JobErrorCode {
  if (isProcessingError(err)) {
    if (err.code === 'aborted') return 'aborted';
    return err.field !== undefined && IMAGE_FIELDS.has(err.field) ? INPUT_KIND[err.code] : 'internal';
  }
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) return 'aborted';
  return 'internal';
}

function isProcessingError(err: unknown): err is Error & Pick<ProcessingError, 'code' | 'field'> {
  if (!(err instanceof Error) || err.name !== 'ProcessingError') return false;
  const { code, field } = err as { code?: unknown; field?: unknown };
  return (
    typeof code === 'string' && Object.hasOwn(INPUT_KIND, code) && (field === undefined || typeof field === 'string')
  );
}
