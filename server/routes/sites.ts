/** Sites and their zones: list, create, read, delete, replace zones (which re-scores the site). */

import { rm } from 'node:fs/promises';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { bbox } from '@turf/turf';
import { z } from 'zod';
import {
  type Bounds,
  CreateSite,
  Job,
  Page,
  PageQuery,
  Site,
  SiteSettings,
  ZoneCollection,
} from '../../contract/index.ts';
import { validateZones } from '../../processing/georeference.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { HttpProblem, notFound } from '../http/problem.ts';
import { jobDto, json, KEY, problems, SiteParam, siteDto } from './common.ts';

/** Bounds of the zones (with a 10 % margin) when a site is created without bounds. */
function boundsOfZones(zones: ZoneCollection): Bounds {
  if (zones.features.length === 0) {
    throw new HttpProblem(400, 'invalid_request', 'bounds are required when there are no zones to derive them from', [
      { field: 'bounds', message: 'required when zones is empty' },
    ]);
  }
  const [w, s, e, n] = bbox(zones as Parameters<typeof bbox>[0]) as Bounds;
  const mx = Math.max((e - w) * 0.1, 1e-4);
  const my = Math.max((n - s) * 0.1, 1e-4);
  return [Math.max(-180, w - mx), Math.max(-90, s - my), Math.min(180, e + mx), Math.min(90, n + my)];
}

const ZonesReplaced = z.object({ site: Site, jobs: z.array(Job) });

export function siteRoutes(app: OpenAPIHono<AppEnv>, d: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/sites',
      tags: ['sites'],
      summary: 'List sites',
      request: { query: PageQuery },
      responses: { 200: json(Page(Site), 'sites, by id'), ...problems(400) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await d.catalog.listSites(q);
      return c.json({ items: page.items.map(siteDto), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/sites',
      tags: ['sites'],
      summary: 'Create a site with its zones',
      security: KEY,
      request: { body: { required: true, content: { 'application/json': { schema: CreateSite } } } },
      responses: { 201: json(Site, 'the new site'), ...problems(400, 401, 403, 409, 413, 415, 429) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const bounds = body.bounds ?? boundsOfZones(body.zones);
      validateZones(body.zones, bounds);
      const site = await d.catalog.createSite({
        id: body.id,
        name: body.name,
        bounds,
        settings: SiteSettings.parse(body.settings ?? {}),
        zones: body.zones,
      });
      c.header('location', `/api/sites/${site.id}`);
      return c.json(siteDto(site), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/sites/{site}',
      tags: ['sites'],
      summary: 'One site with its zones',
      request: { params: SiteParam },
      responses: { 200: json(Site, 'the site'), ...problems(400, 404) },
    }),
    async (c) => {
      const { site } = c.req.valid('param');
      const s = await d.catalog.getSite(site);
      if (!s) throw notFound('site', site, 'site');
      return c.json(siteDto(s), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/sites/{site}',
      tags: ['sites'],
      summary: 'Delete a site and all its data',
      security: KEY,
      request: { params: SiteParam },
      responses: { 204: { description: 'deleted' }, ...problems(400, 401, 403, 404, 429) },
    }),
    async (c) => {
      const { site } = c.req.valid('param');
      const gone = await d.catalog.deleteSite(site);
      if (!gone) throw notFound('site', site, 'site');
      // The records are gone (committed); files follow. A crash here leaves orphans the start-up sweep removes.
      for (const key of gone.orphanBlobKeys) await d.blobs.delete(key);
      for (const id of gone.imageIds) {
        d.cancelJobs(id);
        await rm(d.paths.analysisDir(id), { recursive: true, force: true });
        await rm(d.paths.tilesDir(id), { recursive: true, force: true });
      }
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/sites/{site}/zones',
      tags: ['sites'],
      summary: 'Replace the zones; re-scores every image of the site',
      security: KEY,
      request: {
        params: SiteParam,
        body: { required: true, content: { 'application/json': { schema: ZoneCollection } } },
      },
      responses: {
        202: json(ZonesReplaced, 'zones replaced; re-scoring queued'),
        ...problems(400, 401, 403, 404, 413, 415, 429),
      },
    }),
    async (c) => {
      const { site } = c.req.valid('param');
      const zones = c.req.valid('json');
      const s = await d.catalog.getSite(site);
      if (!s) throw notFound('site', site, 'site');
      validateZones(zones, s.bounds);
      const jobs = await d.catalog.replaceZones(site, zones);
      d.wakeJobs();
      const updated = (await d.catalog.getSite(site))!;
      return c.json({ site: siteDto(updated), jobs: jobs.map(jobDto) }, 202);
    },
  );
}
