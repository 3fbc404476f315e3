/** Health, the OpenAPI 3.1 description and an offline Swagger UI served from node_modules. */

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { Health } from '../../contract/index.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { json } from './common.ts';

const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const SWAGGER_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Berthwatch API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"><link rel="icon" href="/api/docs/favicon-32x32.png"></head>
<body><div id="ui"></div><script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui', deepLinking: true });`;

export function metaRoutes(app: OpenAPIHono<AppEnv>, d: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/health',
      tags: ['meta'],
      summary: 'Liveness and version',
      responses: { 200: json(Health, 'the server is up') },
    }),
    (c) => c.json({ status: 'ok' as const, version: d.version }, 200),
  );

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key: BERTHWATCH_API_KEYS, or the key the server created on first start, or `npm run cli -- keys create`',
  });

  let cached: string | null = null;
  app.get('/api/openapi.json', (c) => {
    cached ??= JSON.stringify(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'Berthwatch API',
          version: d.version,
          description:
            'Per-zone vessel, rail-car and change scores from your own dated imagery. Errors are RFC 9457 problem+json; write routes need a Bearer key.',
        },
        servers: [{ url: '/' }],
      }),
    );
    return c.body(cached, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  app.get('/api/docs', (c) => c.html(DOCS_HTML));
  // init.js is served by the :file route: a static path beside a parameter at the same level keeps
  // Hono on its slower router for every request.
  app.get('/api/docs/:file', async (c) => {
    const file = c.req.param('file');
    if (file === 'init.js') return c.body(DOCS_INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' });
    const type = SWAGGER_FILES[file];
    if (!type) return c.notFound();
    const body = await readFile(join(swaggerDir, file));
    return c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
  });
}
