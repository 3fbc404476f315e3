/**
 * The one home of Berthwatch's contract: zod schemas of the domain and the HTTP API,
 * imported by processing, server and client alike. Types are `z.infer` of these schemas,
 * so a renamed field breaks the build, not the user. Mirrors ../shared/DESIGN.md exactly.
 */
import { z } from 'zod';

/** Site and zone ids: DESIGN's slug `[a-z0-9-]{1,64}`. */
export const Slug = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a slug of 1-64 characters a-z, 0-9 or -');

/** Opaque ids we mint (images, jobs): url-safe, bounded, so they can never escape a path. */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters A-Z, a-z, 0-9, _ or -');

/** `[west, south, east, north]` in EPSG:4326 degrees; west < east, south < north, within ±180/±90. */
export const Bounds = z.tuple([z.number(), z.number(), z.number(), z.number()]).superRefine(([w, s, e, n], ctx) => {
  if (![w, s, e, n].every(Number.isFinite)) ctx.addIssue({ code: 'custom', message: 'bounds must be finite numbers' });
  if (w < -180 || e > 180)
    ctx.addIssue({ code: 'custom', message: `longitudes must lie within ±180 (got west ${w}, east ${e})` });
  if (s < -90 || n > 90)
    ctx.addIssue({ code: 'custom', message: `latitudes must lie within ±90 (got south ${s}, north ${n})` });
  if (!(w < e)) ctx.addIssue({ code: 'custom', message: `west (${w}) must be less than east (${e})` });
  if (!(s < n)) ctx.addIssue({ code: 'custom', message: `south (${s}) must be less than north (${n})` });
});
export type Bounds = [west: number, south: number, east: number, north: number];

/** The longest `minVesselLengthM` a site may set, metres; also bounds the coarsest usable pixel (processing/validate.ts). */
export const MAX_MIN_VESSEL_LENGTH_M = 500;

export const SiteSettings = z
  .object({
    minVesselLengthM: z.number().positive().max(MAX_MIN_VESSEL_LENGTH_M).default(20),
    railCarLengthM: z.number().positive().max(60).default(15),
  })
  .strict();
export type SiteSettings = z.output<typeof SiteSettings>;

export const ZoneKind = z.enum(['berth', 'anchorage', 'rail', 'water', 'ignore']);
export type ZoneKind = z.infer<typeof ZoneKind>;

const Position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).rest(z.number());
const Ring = z.array(Position).min(4, 'a linear ring needs at least 4 positions');
export const Polygon = z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) });
export const MultiPolygon = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(Ring).min(1)).min(1),
});
export const LineString = z.object({ type: z.literal('LineString'), coordinates: z.array(Position).min(2) });
export const MultiLineString = z.object({
  type: z.literal('MultiLineString'),
  coordinates: z.array(z.array(Position).min(2)).min(1),
});
export const ZoneGeometry = z.discriminatedUnion('type', [Polygon, MultiPolygon, LineString, MultiLineString]);
export type ZoneGeometry = z.infer<typeof ZoneGeometry>;

export const ZoneProperties = z.object({ id: Slug, name: z.string().min(1).max(200), kind: ZoneKind }).passthrough();

/**
 * A zone: RFC 7946 Feature. Geometry kind must fit the zone kind (vessel zones are areas;
 * rail zones are centrelines or a yard polygon). Topology (self-intersection, extent) is
 * checked by processing/georeference `validateZones`, which needs turf.
 */
export const Zone = z
  .object({
    type: z.literal('Feature'),
    id: z.union([z.string(), z.number()]).optional(),
    properties: ZoneProperties,
    geometry: ZoneGeometry,
  })
  .superRefine((f, ctx) => {
    const areal = f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon';
    if (f.properties.kind !== 'rail' && !areal) {
      ctx.addIssue({
        code: 'custom',
        path: ['geometry', 'type'],
        message: `a ${f.properties.kind} zone must be a Polygon or MultiPolygon, not a ${f.geometry.type}`,
      });
    }
  });
export type Zone = z.infer<typeof Zone>;

/**
 * Vertex caps: the self-intersection check is quadratic in a zone's positions at worst, so an unbounded
 * polygon inside the 16 MB body limit (300 000 vertices) blocked the server for minutes. A berth, anchorage or
 * rail line drawn from imagery has tens of positions; a harbour or siding traced from a chart or OSM can have
 * a few thousand. turf kinks listed every crossing (a ring crossing itself everywhere: 0.74 s and 0.8 GB at
 * 2000 positions, 2.1 s and 1.8 GB at 3000), which set a cap of 2000; the check now stops at the first
 * crossing (processing/self-intersection.ts). Its worst case is a ring whose segments all overlap in x and
 * never cross (a line traced back and forth over itself): 0.43-0.47 s CPU at 5000 positions, a spiked star
 * 0.12-0.27 s, a simple ring 0.003 s at 2000 and 0.011 s at 20 000 (2 cores under load ~10).
 */
export const MAX_ZONE_POSITIONS = 5000;
export const MAX_ZONES_POSITIONS = 10_000;

/** Positions in a zone's geometry, every ring and line together. */
function positionCount(g: ZoneGeometry): number {
  switch (g.type) {
    case 'LineString':
      return g.coordinates.length;
    case 'Polygon':
    case 'MultiLineString':
      return g.coordinates.reduce((n, part) => n + part.length, 0);
    case 'MultiPolygon':
      return g.coordinates.reduce((n, poly) => n + poly.reduce((m, ring) => m + ring.length, 0), 0);
  }
}

export const ZoneCollection = z
  .object({ type: z.literal('FeatureCollection'), features: z.array(Zone).max(1000) })
  .superRefine((fc, ctx) => {
    const seen = new Set<string>();
    let total = 0;
    fc.features.forEach((f, i) => {
      const count = positionCount(f.geometry);
      total += count;
      if (count > MAX_ZONE_POSITIONS) {
        ctx.addIssue({
          code: 'custom',
          path: ['features', i, 'geometry', 'coordinates'],
          message: `${count} positions; a zone may have at most ${MAX_ZONE_POSITIONS}: simplify the outline (e.g. mapshaper -simplify, QGIS Simplify, ST_Simplify)`,
        });
      }
      if (seen.has(f.properties.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['features', i, 'properties', 'id'],
          message: `duplicate zone id "${f.properties.id}"`,
        });
      }
      seen.add(f.properties.id);
    });
    if (total > MAX_ZONES_POSITIONS) {
      ctx.addIssue({
        code: 'custom',
        path: ['features'],
        message: `${total} positions in all; the zones of a site may have at most ${MAX_ZONES_POSITIONS}`,
      });
    }
  });
export type ZoneCollection = z.infer<typeof ZoneCollection>;

export const Site = z.object({
  id: Slug,
  name: z.string(),
  bounds: Bounds,
  settings: SiteSettings,
  zones: ZoneCollection,
  createdAt: z.string(),
  imageCount: z.number().int().nonnegative().optional(),
});
export type Site = z.infer<typeof Site>;

export const CreateSite = z
  .object({
    id: Slug,
    name: z.string().min(1).max(200),
    bounds: Bounds.optional(),
    settings: SiteSettings.optional(),
    zones: ZoneCollection,
  })
  .strict();
export type CreateSite = z.infer<typeof CreateSite>;

export const ImageStatus = z.enum(['queued', 'processing', 'ready', 'failed']);

/**
 * What kind of failure ended an analysis, for clients to act on without parsing `error` (which stays
 * the human-readable detail). Null on jobs that did not fail and on those a server before this code
 * existed failed. More codes may be added: a client treats an unknown one as `internal`.
 */
export const JobErrorCode = z
  .enum(['damaged_data', 'image_rejected', 'aborted', 'worker_crashed', 'internal'])
  .describe(
    'Why the analysis failed: `damaged_data` the file is corrupt or truncated (the decoder could not read its pixels); ' +
      '`image_rejected` the image cannot be analysed against this site (bands, overlap, resolution, size: `error` says which); ' +
      '`aborted` the analysis was cancelled (its image deleted while it ran; no analysis times out today, a limit ' +
      'would report this code); `worker_crashed` the analysis worker died twice on it; ' +
      '`internal` anything else (a server fault: see its log). Null when the job did not fail, or was failed by a server ' +
      'older than this field. The list is open: clients must accept codes added later (treat them as `internal`).',
  )
  // The enum lists today's codes; this marks it open to readers of the OpenAPI description (Zalando's convention).
  .meta({ 'x-extensible-enum': true });
export type JobErrorCode = z.infer<typeof JobErrorCode>;
export const Registration = z.object({ dxM: z.number(), dyM: z.number(), confidence: z.number().min(0).max(1) });
export type Registration = z.infer<typeof Registration>;

/** RFC 3339 UTC date-time (`Z` or offset accepted, normalised to UTC by the server). */
export const DateTime = z.iso.datetime({ offset: true });
/** Query-string time: ISO 8601 date or date-time, UTC. */
export const QueryTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const Image = z.object({
  id: Id,
  siteId: Slug,
  acquiredAt: z.string(),
  sensor: z.string().nullable(),
  bounds: Bounds,
  gsdM: z.number().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  status: ImageStatus,
  registration: Registration.nullable(),
  cloudFraction: z.number().min(0).max(1).nullable(),
  coverage: z.number().min(0).max(1).nullable(),
  createdAt: z.string(),
  /** Why the analysis failed (its latest job's error) when `status` is `failed`; null otherwise. */
  error: z.string().nullable(),
  /** The kind of that failure (JobErrorCode); null when not failed or failed by an older server. */
  errorCode: JobErrorCode.nullable(),
  /**
   * How many analyses of the image completed: its detections, scores and tiles change only when this does
   * (a re-scoring after a neighbour was added or removed counts), so a client can key caches by it.
   */
  analysisRev: z.number().int().nonnegative(),
});
export type Image = z.infer<typeof Image>;

/** Multipart fields other than `file` of POST /api/sites/:site/images. */
export const UploadFields = z
  .object({
    acquiredAt: DateTime,
    bounds: z
      .string()
      .transform((s, ctx) => {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'bounds must be a JSON array [west,south,east,north]' });
          return z.NEVER;
        }
      })
      .pipe(Bounds)
      .optional(),
    sensor: z.string().min(1).max(100).optional(),
  })
  .strict();
export type UploadFields = z.infer<typeof UploadFields>;

export const JobStatus = z.enum(['queued', 'running', 'succeeded', 'failed']);
export const Job = z.object({
  id: Id,
  imageId: Id,
  status: JobStatus,
  progress: z.number().min(0).max(1),
  error: z.string().nullable(),
  errorCode: JobErrorCode.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Job = z.infer<typeof Job>;

export const DetectionKind = z.enum(['vessel', 'railcar']);
export type DetectionKind = z.infer<typeof DetectionKind>;
export const DetectionProperties = z.object({
  kind: DetectionKind,
  zoneId: Slug,
  lengthM: z.number().nonnegative(),
  widthM: z.number().nonnegative(),
  /** Heading of the long axis, degrees clockwise from north, 0..180 (a box has no bow). */
  headingDeg: z.number().min(0).max(360),
  confidence: z.number().min(0).max(1),
});
export type DetectionProperties = z.infer<typeof DetectionProperties>;
export const Detection = z.object({ type: z.literal('Feature'), geometry: Polygon, properties: DetectionProperties });
export type Detection = z.infer<typeof Detection>;
export const DetectionCollection = z.object({ type: z.literal('FeatureCollection'), features: z.array(Detection) });

/** Score fields per (image, zone) — DESIGN "Score definitions". Null means "not applicable" or "obscured". */
export const ScoreFields = z.object({
  vesselCount: z.number().int().nonnegative().nullable(),
  vesselAreaM2: z.number().nonnegative().nullable(),
  arrivals: z.number().int().nonnegative().nullable(),
  departures: z.number().int().nonnegative().nullable(),
  railCarCount: z.number().int().nonnegative().nullable(),
  railOccupancy: z.number().min(0).max(1).nullable(),
  changeFraction: z.number().min(0).max(1).nullable(),
  coverage: z.number().min(0).max(1),
  activity: z.number().min(0).max(100).nullable(),
});
export type ScoreFields = z.infer<typeof ScoreFields>;
export const ScoreRow = ScoreFields.extend({ imageId: Id, acquiredAt: z.string(), zoneId: Slug, zoneKind: ZoneKind });
export type ScoreRow = z.infer<typeof ScoreRow>;
/** Column order of the CSV export (header row = these names). */
export const SCORE_CSV_COLUMNS = [
  'imageId',
  'acquiredAt',
  'zoneId',
  'zoneKind',
  'vesselCount',
  'vesselAreaM2',
  'arrivals',
  'departures',
  'railCarCount',
  'railOccupancy',
  'changeFraction',
  'coverage',
  'activity',
] as const satisfies readonly (keyof ScoreRow)[];

export const Page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(200).optional(),
});

export const HeatmapMetric = z.enum(['change', 'vessels']);
export const HeatmapQuery = z.object({
  from: QueryTime.optional(),
  to: QueryTime.optional(),
  metric: HeatmapMetric.default('change'),
  cellM: z.coerce.number().min(1).max(10000).default(50),
});
export const HeatmapFeature = z.object({
  type: z.literal('Feature'),
  geometry: z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]) }),
  properties: z.object({ weight: z.number().min(0).max(1) }),
});

export const Health = z.object({ status: z.literal('ok'), version: z.string() });

/** RFC 9457 problem details, with `errors` listing each invalid field. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;
