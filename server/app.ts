/** createApp(deps): the Hono API of DESIGN.md composed from route modules, plus the web app at `/`. */

import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { every } from 'hono/combine';
import { cors } from 'hono/cors';
import type { AppDeps } from './deps.ts';
import { requireKey } from './http/auth.ts';
import type { AppEnv } from './http/context.ts';
import { requestLog } from './http/log.ts';
import { fromZod, HttpProblem, problemResponse, toProblem } from './http/problem.ts';
import { clientAddress, rateLimit, TokenBuckets } from './http/rate-limit.ts';
import { withShortcut } from './http/shortcut.ts';
import { clientRoutes } from './routes/client.ts';
import { imageRoutes } from './routes/images.ts';
import { metaRoutes } from './routes/meta.ts';
import { readRoutes } from './routes/reads.ts';
import { siteRoutes } from './routes/sites.ts';
import { tileRoutes } from './routes/tiles.ts';

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** JSON bodies (zones) are small; uploads are multipart and limited by the upload limit instead. */
const JSON_BODY_LIMIT = 16 * 1024 * 1024;

export type App = OpenAPIHono<AppEnv>;

/** Builds the application; storage, keys and the job queue come in through `deps`. */
export function createApp(d: AppDeps): App {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const where = result.target === 'json' ? 'body' : result.target === 'param' ? 'path' : result.target;
        throw fromZod(result.error, where);
      }
    },
  });

  app.use('*', requestLog(d.log));
  const origins = d.config.corsOrigins;
  if (origins.length > 0) {
    app.use(
      '/api/*',
      cors({
        origin: origins.includes('*') ? '*' : origins,
        allowHeaders: ['authorization', 'content-type', 'x-request-id'],
        allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
        exposeHeaders: ['x-request-id', 'retry-after', 'etag', 'location'],
        maxAge: 600,
      }),
    );
  }
  const keyed = requireKey(d.keys);
  const writeLimit = rateLimit(new TokenBuckets(d.config.rateLimitWrites), (c) => c.get('keyId'));
  const readBuckets = new TokenBuckets(d.config.rateLimitReads);
  const readLimit = rateLimit(readBuckets, (c) => clientAddress(c.env?.incoming));
  const jsonLimit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: () => {
      throw new HttpProblem(413, 'body_too_large', `request body is larger than ${JSON_BODY_LIMIT} bytes`, [
        { field: '(body)', message: 'too large' },
      ]);
    },
  });
  // Writes: key, then rate limit, then the JSON body limit (uploads have their own limit).
  const writes = every(keyed, writeLimit, (c, next) => {
    const upload = c.req.method === 'POST' && /^\/api\/sites\/[^/]+\/images\/?$/.test(c.req.path);
    return upload ? next() : jsonLimit(c, next);
  });
  // One step of Hono's chain for reads, not three: reads (tiles above all) are most requests.
  app.use('/api/*', (c, next) => (WRITE.has(c.req.method) ? writes(c, next) : readLimit(c, next)));

  metaRoutes(app, d);
  siteRoutes(app, d);
  imageRoutes(app, d);
  readRoutes(app, d);
  const tileShortcut = tileRoutes(app, d);

  app.all('/api/*', (c) => {
    throw new HttpProblem(404, 'not_found', `no route ${c.req.method} ${c.req.path}`);
  });
  clientRoutes(app, d.clientDir);

  app.onError((err, c) => {
    const p = toProblem(err);
    if (p.status >= 500) {
      d.log.error('unhandled error', {
        reqId: c.get('requestId'),
        path: c.req.path,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }
    return problemResponse(c, p);
  });
  app.notFound((c) => problemResponse(c, new HttpProblem(404, 'not_found', `no route ${c.req.method} ${c.req.path}`)));
  // Cached tiles are answered before Hono (http/shortcut.ts), drawing on the same read limit, unless
  // CORS is configured: the shortcut does not add CORS headers, so tiles then go through the app.
  if (origins.length === 0) app.fetch = withShortcut(app.fetch, tileShortcut, d.log, readBuckets);
  return app;
}
