/** Read routes over analysis results: a job's status, score rows (JSON or CSV), detections, the heat map. */
import { createHash } from 'node:crypto';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  DetectionCollection,
  DetectionKind,
  HeatmapFeature,
  HeatmapQuery,
  Job,
  Page,
  PageQuery,
  SCORE_CSV_COLUMNS,
  ScoreRow,
  Slug,
} from '../../contract/index.ts';
import type { AppDeps } from '../deps.ts';
import { heatmap } from '../heatmap.ts';
import type { AppEnv } from '../http/context.ts';
import { notFound } from '../http/problem.ts';
import { ImageParam, jobDto, json, problems, SiteParam, TimeQuery, timeRange } from './common.ts';

export const ScoresQuery = PageQuery.extend(TimeQuery.shape).extend({
  zone: Slug.optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Score rows as CSV lines, each ending in a newline. */
function csvRows(rows: readonly ScoreRow[]): string {
  let out = '';
  for (const r of rows) out += `${SCORE_CSV_COLUMNS.map((k) => csvCell(r[k])).join(',')}\n`;
  return out;
}

/** A download named after what it holds: one zone's export no longer saves as every other's (`port-scores (3).csv`). */
function csvHeaders(site: string, zone?: string): Record<string, string> {
  // Site and zone ids are slugs: nothing in them needs quoting in the header.
  const name = zone ? `${site}-${zone}-scores.csv` : `${site}-scores.csv`;
  return { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` };
}

export function readRoutes(app: OpenAPIHono<AppEnv>, d: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/jobs/{id}',
      tags: ['jobs'],
      summary: "A job's status and progress",
      request: { params: ImageParam },
      responses: { 200: json(Job, 'the job'), ...problems(400, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const job = await d.catalog.getJob(id);
      if (!job) throw notFound('job', id, 'id');
      return c.json(jobDto(job), 200, { 'cache-control': 'no-store' });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/sites/{site}/scores',
      tags: ['scores'],
      summary: 'Score rows per image and zone, oldest first (format=csv for CSV)',
      description:
        'Pages of `limit` rows (default 100) with `nextCursor`. `format=csv` without `limit` is an export of every row; with `limit`, one page, the next linked in `Link` and `X-Next-Cursor`.',
      request: { params: SiteParam, query: ScoresQuery },
      responses: {
        200: {
          description: 'score rows',
          content: {
            'application/json': { schema: Page(ScoreRow) },
            'text/csv': { schema: z.string().meta({ description: `header: ${SCORE_CSV_COLUMNS.join(',')}` }) },
          },
        },
        ...problems(400, 404),
      },
    }),
    async (c) => {
      const { site } = c.req.valid('param');
      const q = c.req.valid('query');
      const version = await d.catalog.siteVersion(site);
      if (version === null) throw notFound('site', site, 'site');
      // Score reads dominate traffic and change only when the site does: cache rendered bodies per site version.
      const key = `${site}\n${version}\n${new URL(c.req.url).search}`;
      const etag = `W/"scores-${createHash('sha1').update(key).digest('base64url').slice(0, 16)}"`;
      if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag }) as never;
      // A CSV without an explicit limit is an export (a browser download, `curl > file`), which follows no
      // Link header: it holds every row, not the first page. It is streamed a store page at a time and never
      // cached: a whole-site export can be tens of MB, and each distinct period or zone would pin one.
      if (q.format === 'csv' && !new URL(c.req.url).searchParams.has('limit')) {
        return c.body(exportScoresCsv(site, q), 200, { ...csvHeaders(site, q.zone), etag }) as never;
      }
      const hit = scoreCache.get(key);
      if (hit) return c.body(hit.body, 200, { ...hit.headers, etag }) as never;
      const rendered = await renderScores(site, q);
      scoreCache.set(key, rendered);
      if (scoreCache.size > 500) scoreCache.delete(scoreCache.keys().next().value!);
      return c.body(rendered.body, 200, { ...rendered.headers, etag }) as never;
    },
  );

  const scoreCache = new Map<string, { body: string; headers: Record<string, string> }>();

  /** Every score row from `q.cursor` on as CSV, read from the store one largest page at a time as the client pulls. */
  function exportScoresCsv(site: string, q: z.infer<typeof ScoresQuery>): ReadableStream<Uint8Array> {
    const utf8 = new TextEncoder();
    let cursor = q.cursor;
    let started = false;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(utf8.encode(`${SCORE_CSV_COLUMNS.join(',')}\n`));
        }
        const page = await d.catalog.listScores(site, { ...timeRange(q), zone: q.zone }, { limit: 1000, cursor });
        if (page.items.length > 0) controller.enqueue(utf8.encode(csvRows(page.items)));
        cursor = page.nextCursor ?? undefined;
        if (!cursor) controller.close();
      },
    });
  }

  async function renderScores(site: string, q: z.infer<typeof ScoresQuery>) {
    const page = await d.catalog.listScores(site, { ...timeRange(q), zone: q.zone }, q);
    if (q.format === 'csv') {
      const headers = csvHeaders(site, q.zone);
      if (page.nextCursor) headers.link = `<?cursor=${page.nextCursor}&format=csv&limit=${q.limit}>; rel="next"`;
      if (page.nextCursor) headers['x-next-cursor'] = page.nextCursor;
      return { body: `${SCORE_CSV_COLUMNS.join(',')}\n${csvRows(page.items)}`, headers };
    }
    return { body: JSON.stringify(page), headers: { 'content-type': 'application/json' } };
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/images/{id}/detections',
      tags: ['scores'],
      summary: 'Detections of an image as a GeoJSON FeatureCollection',
      request: { params: ImageParam, query: z.object({ kind: DetectionKind.optional() }) },
      responses: { 200: json(DetectionCollection, 'RFC 7946 FeatureCollection'), ...problems(400, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { kind } = c.req.valid('query');
      if (!(await d.catalog.getImage(id))) throw notFound('image', id, 'id');
      const features = await d.catalog.listDetections(id, kind);
      return c.json({ type: 'FeatureCollection' as const, features }, 200, { 'content-type': 'application/geo+json' });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/sites/{site}/heatmap',
      tags: ['scores'],
      summary: 'Activity heat map over a period: cell centres with weights',
      request: { params: SiteParam, query: HeatmapQuery },
      responses: {
        200: json(
          z.object({ type: z.literal('FeatureCollection'), features: z.array(HeatmapFeature) }),
          'GeoJSON Points (cell centres) with weight 0..1',
        ),
        ...problems(400, 404),
      },
    }),
    async (c) => {
      const { site } = c.req.valid('param');
      const q = c.req.valid('query');
      const s = await d.catalog.getSite(site);
      if (!s) throw notFound('site', site, 'site');
      const fc = await heatmap(d, s, { ...timeRange(q), metric: q.metric, cellM: q.cellM });
      return c.json(fc, 200, { 'content-type': 'application/geo+json' });
    },
  );
}
