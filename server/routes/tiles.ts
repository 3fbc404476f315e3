/** Tiles of an image and its change overlay, TileJSON 3.0.0, full-resolution change masks (PNG, GeoTIFF). */

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { Id } from '../../contract/index.ts';
import type { Grid } from '../../processing/types.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { fromZod, HttpProblem, notFound } from '../http/problem.ts';
import { pathAndQuery, type QuickReply, type Shortcut } from '../http/shortcut.ts';
import type { ImageRecord } from '../store/catalog.ts';
import { zoomForResolution } from '../tiles/mercator.ts';
import type { PyramidKind } from '../tiles/pyramid.ts';
import { type TileResult, TileService } from '../tiles/service.ts';
import { ImageParam, json, problems } from './common.ts';

const MAX_ZOOM = 24;
/**
 * A path segment read as an integer. Coercion alone documents it as optional and nullable (its input is
 * `unknown`), which no path parameter can be: the OpenAPI description says what a client must send. The
 * bounds are stated once and feed both the check and the description, so the two cannot drift.
 */
const pathInt = (max?: number) => {
  const range = { minimum: 0, ...(max === undefined ? {} : { maximum: max }) };
  const int = z.coerce.number().int().min(range.minimum);
  return (range.maximum === undefined ? int : int.max(range.maximum)).meta({
    param: { required: true },
    type: 'integer',
    ...range,
  });
};

export const TileParams = z.object({
  id: Id,
  z: pathInt(MAX_ZOOM),
  x: pathInt(),
  y: z
    .string()
    .regex(/^\d{1,9}\.png$/, 'must be <row>.png')
    .transform((s) => Number.parseInt(s, 10)),
});
type TileParams = z.infer<typeof TileParams>;

const PLAIN_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PLAIN_INT = /^\d{1,9}$/;
const PLAIN_ROW = /^(\d{1,9})\.png$/;

/**
 * The tile address. Tiles are the hottest path of the API and a zod parse is a good part of a cached
 * tile's cost, so the plain form (what every map client sends) is read directly; anything else goes
 * through TileParams, which accepts or refuses it exactly as before.
 */
export function tileParams(raw: Record<string, string>): TileParams {
  const { id, z: zs, x: xs, y: ys } = raw;
  const row = ys === undefined ? null : PLAIN_ROW.exec(ys);
  if (id && zs && xs && row && PLAIN_ID.test(id) && PLAIN_INT.test(zs) && PLAIN_INT.test(xs)) {
    const z = Number(zs);
    if (z <= MAX_ZOOM) return { id, z, x: Number(xs), y: Number(row[1]) };
  }
  const parsed = TileParams.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error, 'path');
  return parsed.data;
}

export const TileJson = z.object({
  tilejson: z.literal('3.0.0'),
  name: z.string(),
  tiles: z.array(z.string()),
  minzoom: z.number().int(),
  maxzoom: z.number().int(),
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  center: z.tuple([z.number(), z.number(), z.number()]),
  attribution: z.string().optional(),
});

const png = (description: string) => ({
  description,
  content: { 'image/png': { schema: z.string().meta({ format: 'binary' }) } },
});

function notReady(img: ImageRecord): HttpProblem {
  return new HttpProblem(404, 'not_analysed', `image "${img.id}" has no analysis yet (status ${img.status})`, [
    { field: 'id', message: `status ${img.status}` },
  ]);
}

/** The reply for tile `t`: 304 when the client holds it, else the cached PNG as is (sent with Content-Length, no copy). */
function tileReply(t: TileResult, immutable: boolean, ifNoneMatch: string | undefined): QuickReply {
  const headers: Record<string, string> = {
    etag: t.etag,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=60, must-revalidate',
  };
  if (ifNoneMatch === t.etag) return { status: 304, headers, body: null };
  headers['content-type'] = 'image/png';
  return { status: 200, headers, body: t.png as Uint8Array<ArrayBuffer> };
}

/** What the tile route decided for a request URL, so the shortcut can answer the same URL again. */
interface Served {
  id: string;
  analysisRev: number;
  kind: PyramidKind;
  z: number;
  x: number;
  y: number;
  immutable: boolean;
}
/** URLs remembered by the shortcut: a few hundred bytes each, far more than the PNG cache holds tiles. */
const MAX_SERVED = 20_000;

/**
 * Registers the tile routes. Returns the shortcut for tiles they have served that are still cached
 * (see http/shortcut.ts): it answers a URL only while the image record seen for it is current and
 * its PNG is in the cache, exactly as the route would.
 */
export function tileRoutes(app: OpenAPIHono<AppEnv>, d: AppDeps): Shortcut {
  const tiles = new TileService(d.paths.analysisDir);
  const served = new Map<string, Served>();

  // A map view asks for dozens of tiles of one image at once: look its record up once a second, not per tile.
  // (A re-analysis or a delete reaches its tiles within that second.)
  const recent = new Map<string, { img: ImageRecord | null; at: number }>();
  function recentHit(id: string): ImageRecord | null | undefined {
    const hit = recent.get(id);
    return hit && Date.now() - hit.at < 1000 ? hit.img : undefined;
  }
  async function recentImage(id: string): Promise<ImageRecord | null> {
    const hit = recentHit(id);
    if (hit !== undefined) return hit;
    const now = Date.now();
    const img = await d.catalog.getImage(id);
    if (recent.size > 1000) recent.clear();
    // Only analysed images are remembered: one still in the queue is looked up again until it is ready.
    if (img && img.analysisRev > 0) recent.set(id, { img, at: now });
    return img;
  }

  /** The image, refused with 404 until it has been analysed, and its site's grid. */
  async function ready(id: string): Promise<{ img: ImageRecord; grid: Grid | null }> {
    const img = await d.catalog.getImage(id);
    if (!img) throw notFound('image', id, 'id');
    if (img.analysisRev === 0) throw notReady(img);
    const site = await d.catalog.getSite(img.siteId);
    return { img, grid: site?.grid ?? null };
  }

  async function serveTile(c: Context<AppEnv>, kind: PyramidKind, p: TileParams) {
    const n = 2 ** p.z;
    if (p.x >= n || p.y >= n) {
      const field = p.x >= n ? 'x' : 'y';
      throw new HttpProblem(
        400,
        'invalid_request',
        `tile ${p.z}/${p.x}/${p.y} does not exist: x and y must be < ${n} at zoom ${p.z}`,
        [{ field, message: `must be < ${n}` }],
      );
    }
    // A cached tile of a recently seen image is answered without an await.
    const img = recentHit(p.id) ?? (await recentImage(p.id));
    if (!img) throw notFound('image', p.id, 'id');
    if (img.analysisRev === 0) throw notReady(img);
    const t =
      tiles.cached(img, kind, p.z, p.x, p.y) ??
      (await tiles.tile(img, async () => (await d.catalog.getSite(img.siteId))?.grid ?? null, kind, p.z, p.x, p.y));
    if (!t) {
      throw new HttpProblem(
        404,
        'not_found',
        `image "${img.id}" has no ${kind === 'change' ? 'change map (it is the first image of its site)' : 'imagery'}`,
        [{ field: 'id', message: `no ${kind} layer` }],
      );
    }
    const immutable = c.req.query('v') === String(img.analysisRev);
    if (t.hasData) {
      // Only cached tiles are worth remembering (the shared empty tile is not in the cache).
      if (served.size >= MAX_SERVED) served.delete(served.keys().next().value!);
      const { z, x, y } = p;
      served.set(pathAndQuery(c.req.url), { id: img.id, analysisRev: img.analysisRev, kind, z, x, y, immutable });
    }
    const r = tileReply(t, immutable, c.req.header('if-none-match'));
    return r.body ? c.body(r.body, 200, r.headers) : c.body(null, 304, r.headers);
  }

  for (const [kind, segment] of [
    ['image', 'tiles'],
    ['change', 'change'],
  ] as const) {
    // Described like every other route, served without the generic validator (see tileParams).
    app.openAPIRegistry.registerPath(
      createRoute({
        method: 'get',
        path: `/api/images/{id}/${segment}/{z}/{x}/{y}`,
        tags: ['tiles'],
        summary:
          kind === 'image' ? 'The image as an XYZ tile (EPSG:3857, 256 px)' : 'The change overlay as an XYZ tile',
        description: '`y` is the tile row followed by `.png`. Tiles outside the image are transparent.',
        request: { params: TileParams },
        responses: { 200: png('PNG tile'), 304: { description: 'not modified (ETag)' }, ...problems(400, 404) },
      }),
    );
    app.get(`/api/images/:id/${segment}/:z/:x/:y`, (c) => serveTile(c, kind, tileParams(c.req.param())));
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/images/{id}/tiles.json',
      tags: ['tiles'],
      summary: 'TileJSON 3.0.0 of the image tiles',
      request: { params: ImageParam },
      responses: { 200: json(TileJson, 'TileJSON'), ...problems(400, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { img, grid } = await ready(id);
      const [w, s, e, n] = img.bounds;
      const lat = (s + n) / 2;
      const native = Math.ceil(zoomForResolution(grid?.pixelWidthM ?? img.gsdM, lat));
      const maxzoom = Math.max(0, Math.min(MAX_ZOOM, native + 1));
      const span = Math.max(e - w, 1e-9);
      const fit = Math.max(0, Math.min(maxzoom, Math.floor(Math.log2(360 / span))));
      const origin = new URL(c.req.url).origin;
      return c.json(
        {
          tilejson: '3.0.0' as const,
          name: `${img.siteId} ${img.acquiredAt}`,
          tiles: [`${origin}/api/images/${img.id}/tiles/{z}/{x}/{y}.png?v=${img.analysisRev}`],
          minzoom: 0,
          maxzoom,
          bounds: [w, s, e, n] as [number, number, number, number],
          center: [(w + e) / 2, lat, fit] as [number, number, number],
          ...(img.sensor ? { attribution: img.sensor } : {}),
        },
        200,
        { 'cache-control': 'no-cache' },
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/images/{id}/change.png',
      tags: ['tiles'],
      summary: 'Full-resolution change mask on the analysis grid (0 unchanged, 255 changed)',
      request: { params: ImageParam },
      responses: { 200: png('8-bit grayscale PNG'), ...problems(400, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { img } = await ready(id);
      const file = join(d.paths.analysisDir(img.id), 'change.png');
      if (!existsSync(file)) throw notFound('change mask of image', id, 'id');
      const etag = `"${img.id}.${img.analysisRev}.change.png"`;
      const headers = { etag, 'cache-control': 'public, max-age=60, must-revalidate' };
      if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers) as never;
      return c.body(new Uint8Array(await readFile(file)), 200, { ...headers, 'content-type': 'image/png' }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/images/{id}/change.tif',
      tags: ['tiles'],
      summary: 'The change mask as a georeferenced GeoTIFF (EPSG:4326)',
      request: { params: ImageParam },
      responses: {
        200: { description: 'GeoTIFF', content: { 'image/tiff': { schema: z.string().meta({ format: 'binary' }) } } },
        ...problems(400, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { img, grid } = await ready(id);
      const tif = grid ? await tiles.changeTiff(img, grid) : null;
      if (!tif) throw notFound('change mask of image', id, 'id');
      return c.body(new Uint8Array(tif), 200, {
        'content-type': 'image/tiff; application=geotiff',
        'content-disposition': `attachment; filename="${img.id}-change.tif"`,
        etag: `"${img.id}.${img.analysisRev}.change.tif"`,
        'cache-control': 'public, max-age=60, must-revalidate',
      }) as never;
    },
  );

  return (url, header) => {
    const s = served.get(url);
    if (!s) return undefined;
    const img = recentHit(s.id);
    if (!img || img.analysisRev !== s.analysisRev) return undefined;
    const t = tiles.cached(img, s.kind, s.z, s.x, s.y);
    return t && tileReply(t, s.immutable, header('if-none-match'));
  };
}
