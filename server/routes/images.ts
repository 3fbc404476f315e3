/** Images: streamed upload (202 + job, or 200 for the same bytes again), list, read, delete, STAC Item. */

import { rm } from 'node:fs/promises';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { Image, Job, Page, PageQuery, UploadFields } from '../../contract/index.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { fromZod, HttpProblem, notFound } from '../http/problem.ts';
import { ingestStaged } from '../ingest/ingest.ts';
import { parseUpload } from '../ingest/multipart.ts';
import {
  ImageParam,
  imageDto,
  jobDto,
  json,
  KEY,
  normaliseInstant,
  problems,
  SiteParam,
  TimeQuery,
  timeRange,
} from './common.ts';
import { stacItem } from './stac.ts';

const UploadAccepted = z.object({ image: Image, job: Job.nullable() });

export function imageRoutes(app: OpenAPIHono<AppEnv>, d: AppDeps): void {
  // Documented through the registry but handled by a plain route: the validator of @hono/zod-openapi
  // would buffer the whole multipart body, and uploads must stream to disk.
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/sites/{site}/images',
    tags: ['images'],
    summary: 'Upload a dated image (multipart/form-data); queues its analysis',
    security: KEY,
    request: {
      params: SiteParam,
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: z.object({
              file: z.string().meta({ format: 'binary', description: 'GeoTIFF, PNG, JPEG, WebP or TIFF' }),
              acquiredAt: z.string().meta({ format: 'date-time', description: 'RFC 3339 UTC' }),
              bounds: z
                .string()
                .optional()
                .meta({ description: 'JSON [west,south,east,north]; required unless georeferenced' }),
              sensor: z.string().optional(),
            }),
          },
        },
      },
    },
    responses: {
      200: json(UploadAccepted, 'the same bytes were already uploaded to this site: the existing image'),
      202: json(UploadAccepted, 'stored; analysis queued'),
      ...problems(400, 401, 403, 404, 413, 415, 422, 429),
    },
  });

  app.post('/api/sites/:site/images', async (c) => {
    const parsedSite = SiteParam.safeParse({ site: c.req.param('site') });
    if (!parsedSite.success) throw fromZod(parsedSite.error, 'path');
    const site = await d.catalog.getSite(parsedSite.data.site);
    if (!site) throw notFound('site', parsedSite.data.site, 'site');
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => {
      headers[k] = v;
    });
    const { staged, fields } = await parseUpload(headers, c.req.raw.body, d.blobs, d.config.limits.maxBytes);
    try {
      const f = UploadFields.safeParse(fields);
      const errors = f.success ? [] : fromZod(f.error, 'upload fields').errors!;
      if (!staged) errors.unshift({ field: 'file', message: 'missing: send the image in a part named "file"' });
      if (errors.length > 0 || !f.success || !staged) {
        throw new HttpProblem(
          400,
          'invalid_request',
          `invalid upload: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
          errors,
        );
      }
      const acquiredAt = normaliseInstant(f.data.acquiredAt, 'acquiredAt');
      const result = await ingestStaged({ ...d, limits: d.config.limits }, site, staged, {
        acquiredAt,
        bounds: f.data.bounds,
        sensor: f.data.sensor,
      });
      if (!result.existing) d.wakeJobs();
      c.header('location', `/api/images/${result.image.id}`);
      return c.json(
        { image: imageDto(result.image), job: result.job ? jobDto(result.job) : null },
        result.existing ? 200 : 202,
      );
    } finally {
      if (staged) await d.blobs.discard(staged); // no-op once committed (the temp file has moved)
    }
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/sites/{site}/images',
      tags: ['images'],
      summary: 'Images of a site, oldest first',
      request: { params: SiteParam, query: PageQuery.extend(TimeQuery.shape) },
      responses: { 200: json(Page(Image), 'images by acquisition time'), ...problems(400, 404) },
    }),
    async (c) => {
      const { site } = c.req.valid('param');
      const q = c.req.valid('query');
      if (!(await d.catalog.getSite(site))) throw notFound('site', site, 'site');
      const page = await d.catalog.listImages(site, timeRange(q), q);
      return c.json({ items: page.items.map(imageDto), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/images/{id}',
      tags: ['images'],
      summary: "One image's metadata",
      request: { params: ImageParam },
      responses: { 200: json(Image, 'the image'), ...problems(400, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const img = await d.catalog.getImage(id);
      if (!img) throw notFound('image', id, 'id');
      return c.json(imageDto(img), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/images/{id}',
      tags: ['images'],
      summary: 'Delete an image; re-scores the image that follows it',
      security: KEY,
      request: { params: ImageParam },
      responses: { 204: { description: 'deleted' }, ...problems(400, 401, 403, 404, 429) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const gone = await d.catalog.deleteImage(id);
      if (!gone) throw notFound('image', id, 'id');
      d.cancelJobs(id);
      if (gone.blobOrphaned) await d.blobs.delete(gone.image.blobKey);
      await rm(d.paths.analysisDir(id), { recursive: true, force: true });
      await rm(d.paths.tilesDir(id), { recursive: true, force: true });
      if (gone.rescored) d.wakeJobs();
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/images/{id}/stac',
      tags: ['images'],
      summary: 'The image as a STAC Item',
      request: { params: ImageParam },
      responses: { 200: json(z.record(z.string(), z.unknown()), 'STAC 1.1 Item'), ...problems(400, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const img = await d.catalog.getImage(id);
      if (!img) throw notFound('image', id, 'id');
      const site = await d.catalog.getSite(img.siteId);
      const base = new URL(c.req.url).origin;
      return c.json(stacItem(img, site?.grid ?? null, base), 200, { 'content-type': 'application/geo+json' });
    },
  );
}
