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
 * The kind of an analysis failure (contract JobErrorCode) from what the analysis threw. The decoders
 * wrap whatever their libraries throw on unreadable pixels as corrupt_image or truncated_image
 * (validate.ts decodeError), so a failure of any other type is the server's own.
 */
export function failureCode(err: unknown): JobErrorCode {
  if (err instanceof ProcessingError) {
    if (err.code === 'corrupt_image' || err.code === 'truncated_image') return 'damaged_data';
    if (err.code === 'aborted') return 'aborted';
    return 'image_rejected';
  }
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) return 'aborted';
  return 'internal';
}
