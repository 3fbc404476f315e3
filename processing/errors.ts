/**
 * Typed processing errors. Each carries a literal `code` and a message that says exactly what
 * was wrong; server/http/problem.ts maps codes to HTTP statuses in one table.
 */
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
