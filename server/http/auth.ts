/** Write routes need `Authorization: Bearer <key>`: 401 without one, 403 with a wrong one. */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';
import type { KeyRing } from './keys.ts';
import { HttpProblem } from './problem.ts';

/** Middleware that refuses the request unless it carries a valid key; sets `keyId` for the rate limiter. */
export function requireKey(keys: KeyRing): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
    if (!m) {
      throw new HttpProblem(
        401,
        'unauthorized',
        'this route needs an API key: send Authorization: Bearer <key>',
        [{ field: 'authorization', message: header ? 'not a Bearer token' : 'missing' }],
        { 'www-authenticate': 'Bearer realm="berthwatch"' },
      );
    }
    const id = await keys.verify(m[1]!);
    if (!id) {
      throw new HttpProblem(403, 'forbidden', 'the API key is not valid (unknown or revoked)', [
        { field: 'authorization', message: 'unknown or revoked key' },
      ]);
    }
    c.set('keyId', id);
    await next();
  };
}
