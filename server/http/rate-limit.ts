/** Per-client token buckets: `perMinute` requests, refilled continuously; 429 with Retry-After when empty. */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';
import { HttpProblem } from './problem.ts';

interface Bucket {
  tokens: number;
  at: number;
}

/** One bucket per client key; 0 per minute disables the limit. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;

  constructor(readonly perMinute: number) {
    this.rate = perMinute / 60_000;
  }

  /** Takes a token for `key`: 0, or when none is left the seconds until one is (and nothing is taken). */
  take(key: string): number {
    const { perMinute, rate } = this;
    if (perMinute <= 0) return 0;
    const t = Date.now();
    const b = this.buckets.get(key) ?? { tokens: perMinute, at: t };
    b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * rate);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens < 1) return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
    b.tokens -= 1;
    if (this.buckets.size > 10_000)
      for (const old of this.buckets.keys()) {
        this.buckets.delete(old);
        if (this.buckets.size < 5_000) break;
      }
    return 0;
  }
}

/** The client address of a raw request, as the read limit keys it ('local' without a socket, as in app.request). */
export function clientAddress(incoming: IncomingMessage | undefined): string {
  return incoming ? (incoming.socket?.remoteAddress ?? 'unknown') : 'local';
}

/** Limits requests per client; `key` picks the client (API key id, or address). */
export function rateLimit(buckets: TokenBuckets, key: (c: Context<AppEnv>) => string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (buckets.perMinute <= 0) return next();
    const retry = buckets.take(key(c));
    if (retry > 0) {
      throw new HttpProblem(
        429,
        'rate_limited',
        `rate limit of ${buckets.perMinute} requests per minute exceeded; retry in ${retry} s`,
        [],
        { 'retry-after': String(retry) },
      );
    }
    await next();
  };
}
