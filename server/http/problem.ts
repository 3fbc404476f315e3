/**
 * RFC 9457 problem+json: one error type for the HTTP layer and one table mapping domain
 * errors (processing codes, conflicts, bad cursors, oversized blobs) to statuses.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import type { Problem } from '../../contract/index.ts';
import { ProcessingError, type ProcessingErrorCode } from '../../processing/errors.ts';
import { BlobTooLargeError } from '../store/blob-store.ts';
import { ConflictError } from '../store/catalog.ts';
import { CursorError } from '../store/cursor.ts';

export type FieldError = { field: string; message: string };

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An HTTP error with everything its problem+json body needs. */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
  }
}

/** Status for each processing error code: the input's fault is 4xx, never 500. */
const PROCESSING_STATUS: Record<ProcessingErrorCode, number> = {
  empty_file: 400,
  unsupported_format: 415,
  corrupt_image: 422,
  truncated_image: 422,
  image_too_large: 413,
  file_too_large: 413,
  bad_bands: 422,
  missing_bounds: 400,
  bad_bounds: 400,
  unsupported_crs: 422,
  no_overlap: 422,
  too_coarse: 422,
  invalid_zone: 400,
  future_date: 400,
  aborted: 503,
};

/** `['zones', 'features', 3, 'id']` → `zones.features[3].id`. */
function fieldPath(path: readonly PropertyKey[], prefix?: string): string {
  let out = prefix ?? '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(body)';
}

/** A zod failure as a 400 naming every invalid field. */
export function fromZod(error: z.ZodError, where: string, prefix?: string): HttpProblem {
  const errors = error.issues.map((i) => ({
    field: fieldPath(i.code === 'unrecognized_keys' ? [...i.path, ...i.keys] : i.path, prefix),
    message: i.code === 'unrecognized_keys' ? 'unknown field' : i.message,
  }));
  const detail = `invalid ${where}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
  return new HttpProblem(400, 'invalid_request', detail, errors);
}

/** Maps any thrown value to a problem; unknown errors become a 500 the caller logs. */
export function toProblem(err: unknown): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (err instanceof ProcessingError) {
    const field = err.field ?? (err.code === 'missing_bounds' || err.code === 'bad_bounds' ? 'bounds' : 'file');
    return new HttpProblem(PROCESSING_STATUS[err.code] ?? 422, err.code, err.message, [
      { field, message: err.message },
    ]);
  }
  if (err instanceof ConflictError) {
    return new HttpProblem(409, 'conflict', err.message, err.field ? [{ field: err.field, message: err.message }] : []);
  }
  if (err instanceof CursorError)
    return new HttpProblem(400, 'bad_cursor', err.message, [{ field: 'cursor', message: err.message }]);
  if (err instanceof BlobTooLargeError) {
    return new HttpProblem(413, 'file_too_large', err.message, [{ field: 'file', message: err.message }]);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const detail =
      status === 413 ? 'request body is larger than the limit' : err.message || (TITLES[status] ?? 'error');
    return new HttpProblem(status, status === 413 ? 'body_too_large' : 'http_error', detail);
  }
  return new HttpProblem(500, 'internal', 'internal error; see the server log for the request id');
}

/** Renders a problem as application/problem+json. */
export function problemResponse(c: Context, p: HttpProblem): Response {
  const body: Problem = {
    type: `urn:berthwatch:problem:${p.code}`,
    title: TITLES[p.status] ?? 'Error',
    status: p.status,
    detail: p.message,
    instance: c.req.path,
    ...(p.errors && p.errors.length > 0 ? { errors: p.errors } : {}),
  };
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', ...p.headers };
  return new Response(JSON.stringify(body), { status: p.status, headers });
}

/** Shorthand for 404s that name the missing thing. */
export function notFound(what: string, id: string, field: string): HttpProblem {
  return new HttpProblem(404, 'not_found', `${what} "${id}" not found`, [{ field, message: `no ${what} "${id}"` }]);
}
