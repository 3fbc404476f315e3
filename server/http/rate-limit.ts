/** Per-client token buckets: `perMinute` requests, refilled continuously; 429 with Retry-After when empty. */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';
import { HttpProblem } from './problem.ts';

interface Bucket {
  tokens: number;
  at: number;
}

/** Limits requests per client; `key` picks the client (API key id, or address). 0 disables. */
export function rateLimit(perMinute: number, key: (c: Context<AppEnv>) => string): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, Bucket>();
  const rate = perMinute / 60_000;
  return async (c, next) => {
    if (perMinute <= 0) return next();
    const k = key(c);
    const t = Date.now();
    const b = buckets.get(k) ?? { tokens: perMinute, at: t };
    b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * rate);
    b.at = t;
    if (b.tokens < 1) {
      buckets.set(k, b);
      const retry = Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
      throw new HttpProblem(
        429,
        'rate_limited',
        `rate limit of ${perMinute} requests per minute exceeded; retry in ${retry} s`,
        [],
        {
          'retry-after': String(retry),
        },
      );
    }
    b.tokens -= 1;
    buckets.set(k, b);
    if (buckets.size > 10_000)
      for (const old of buckets.keys()) {
        buckets.delete(old);
        if (buckets.size < 5_000) break;
      }
    await next();
  };
}
