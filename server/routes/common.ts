/** Schemas and helpers shared by the route modules: path params, DTO mapping, time filters, JSON problem responses. */
import { z } from 'zod';
import { Id, type Image, type Job, Problem, QueryTime, type Site, Slug } from '../../contract/index.ts';
import { HttpProblem } from '../http/problem.ts';
import type { ImageRecord, JobRecord, SiteRecord } from '../store/catalog.ts';

export const SiteParam = z.object({ site: Slug });
export const ImageParam = z.object({ id: Id });

/** Problem responses for the OpenAPI description. */
export function problems(...statuses: number[]) {
  const out: Record<
    number,
    { description: string; content: { 'application/problem+json': { schema: typeof Problem } } }
  > = {};
  for (const s of statuses) {
    out[s] = { description: `problem (${s})`, content: { 'application/problem+json': { schema: Problem } } };
  }
  return out;
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const KEY = [{ bearer: [] as string[] }];

export function siteDto(s: SiteRecord): Site {
  return {
    id: s.id,
    name: s.name,
    bounds: s.bounds,
    settings: s.settings,
    zones: s.zones,
    createdAt: s.createdAt,
    imageCount: s.imageCount,
  };
}

export function imageDto(i: ImageRecord): Image {
  return {
    id: i.id,
    siteId: i.siteId,
    acquiredAt: i.acquiredAt,
    sensor: i.sensor,
    bounds: i.bounds,
    gsdM: i.gsdM,
    width: i.width,
    height: i.height,
    sha256: i.sha256,
    status: i.status,
    registration: i.registration,
    cloudFraction: i.cloudFraction,
    coverage: i.coverage,
    createdAt: i.createdAt,
    error: i.error,
    errorCode: i.errorCode,
    analysisRev: i.analysisRev,
  };
}

export function jobDto(j: JobRecord): Job {
  return {
    id: j.id,
    imageId: j.imageId,
    status: j.status,
    progress: j.progress,
    error: j.error,
    errorCode: j.errorCode,
    createdAt: j.createdAt,
    updatedAt: j.updatedAt,
  };
}

/**
 * An RFC 3339 instant normalised to UTC with milliseconds, or a 400 naming `field`. Rejects
 * impossible calendar dates (2026-02-30) that a pattern alone lets through.
 */
export function normaliseInstant(value: string, field: string, endOfDay = false): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const d = new Date(dateOnly ? `${value}T00:00:00Z` : value);
  const [y, m, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(y, m - 1, day));
  const impossible =
    Number.isNaN(d.getTime()) ||
    calendar.getUTCFullYear() !== y ||
    calendar.getUTCMonth() !== m - 1 ||
    calendar.getUTCDate() !== day;
  if (impossible) {
    throw new HttpProblem(400, 'invalid_request', `${field}: "${value}" is not a real date`, [
      { field, message: 'not a real calendar date or time' },
    ]);
  }
  if (dateOnly && endOfDay) return new Date(d.getTime() + 86_400_000 - 1).toISOString();
  return d.toISOString();
}

export const TimeQuery = z.object({ from: QueryTime.optional(), to: QueryTime.optional() });

/** from/to query values → inclusive normalised range; `to` given as a date covers that whole day. */
export function timeRange(q: { from?: string | undefined; to?: string | undefined }) {
  const from = q.from ? normaliseInstant(q.from, 'from') : undefined;
  const to = q.to ? normaliseInstant(q.to, 'to', true) : undefined;
  if (from && to && from > to) {
    throw new HttpProblem(400, 'invalid_request', `from (${q.from}) is after to (${q.to})`, [
      { field: 'from', message: 'must not be after to' },
    ]);
  }
  return { from, to };
}
