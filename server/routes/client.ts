/** The built web app (dist/client) at `/`, with SPA fallback to index.html, or a placeholder when not built. */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Hono } from 'hono';
import type { AppEnv } from '../http/context.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Berthwatch</title></head>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>Berthwatch</h1><p>The API is running. The web app has not been built: run <code>npm run build</code>
(it runs after <code>npm install</code>) and reload.</p>
<p><a href="/api/docs">API reference</a> · <a href="/api/openapi.json">OpenAPI</a> · <a href="/api/health">health</a></p>
</body></html>`;

/**
 * The app page's Content-Security-Policy: everything from this server, nothing inline but style attributes
 * (the legend and zone swatches set their colours so), MapLibre's worker from its own script file, and
 * images from data: (the favicon) and blob: (MapLibre hands decoded tiles over as blob URLs).
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Serves `dir` for every GET outside /api; unknown paths get index.html so client-side routes work. */
export function clientRoutes(app: Hono<AppEnv>, dir: string): void {
  const root = normalize(dir + sep);
  app.get('*', async (c, next) => {
    if (c.req.path.startsWith('/api/') || c.req.path === '/api') return next();
    const rel = decodeURIComponent(c.req.path).replace(/^\/+/, '');
    const file = normalize(join(root, rel));
    if (file.startsWith(root) && rel !== '') {
      try {
        if ((await stat(file)).isFile()) {
          const immutable = rel.startsWith('assets/');
          return c.body(await readFile(file), 200, {
            'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
            'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          });
        }
      } catch {
        // not a file: fall through to the app shell
      }
    }
    if (extname(rel) && !rel.endsWith('.html')) return c.notFound();
    try {
      return c.body(await readFile(join(root, 'index.html')), 200, {
        'content-type': TYPES['.html']!,
        'cache-control': 'no-cache',
        'content-security-policy': APP_CSP,
      });
    } catch {
      return c.html(PLACEHOLDER, 200, { 'content-security-policy': APP_CSP });
    }
  });
}
