// How the app re-reads a site while it is analysed: only the latest read counts, and a failing read is
// retried less and less often, and not at all when the server says the request itself is wrong.
import { ApiError } from './api.ts';

/** What a superseded call resolves to. */
export const STALE: unique symbol = Symbol('stale');

/**
 * Wraps `fn` so that only the latest call's outcome is delivered: a call that a later one overtook (a poll
 * started before a DELETE whose refresh answered first) resolves to STALE, whether it succeeded or failed.
 */
export function latestOnly<A extends unknown[], T>(
  fn: (...args: A) => Promise<T>,
): (...args: A) => Promise<T | typeof STALE> {
  let seq = 0;
  return async (...args: A) => {
    const mine = ++seq;
    try {
      const value = await fn(...args);
      return mine === seq ? value : STALE;
    } catch (err) {
      if (mine !== seq) return STALE;
      throw err;
    }
  };
}

const FIRST_RETRY_MS = 3000;
const MAX_RETRY_MS = 60_000;

/**
 * The wait before retrying after the `failures`-th failure in a row (3 s, doubling, at most a minute), or
 * null when retrying cannot help: a 4xx other than timeout or rate limit (a removed site, a bad request).
 */
export function retryDelay(failures: number, err: unknown): number | null {
  if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429)
    return null;
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
}
