/** Row mappers of the SQLite catalogue: database rows (snake_case, JSON text) → catalogue records. */
import { type Job, JobErrorCode, type ScoreRow } from '../../contract/index.ts';
import type { BandRole, Grid } from '../../processing/types.ts';
import type { ImageRecord, JobRecord, SiteRecord } from './catalog.ts';

export type Row = Record<string, unknown>;

export const str = (v: unknown) => v as string;
export const num = (v: unknown) => v as number;
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : (v as number));
/**
 * A stored failure code; null only when none was recorded (a job an older server failed). One a newer
 * server wrote that this version does not know reads as `internal`, as the contract tells clients to read it.
 */
const errorCode = (v: unknown): JobErrorCode | null => {
  if (v === null || v === undefined) return null;
  const parsed = JobErrorCode.safeParse(v);
  return parsed.success ? parsed.data : 'internal';
};

export function toSite(r: Row): SiteRecord {
  return {
    id: str(r.id),
    name: str(r.name),
    bounds: JSON.parse(str(r.bounds)),
    settings: JSON.parse(str(r.settings)),
    zones: JSON.parse(str(r.zones)),
    grid: r.grid ? (JSON.parse(str(r.grid)) as Grid) : null,
    bands: r.bands ? (JSON.parse(str(r.bands)) as BandRole[]) : null,
    referenceImageId: (r.reference_image_id as string | null) ?? null,
    version: num(r.version),
    createdAt: str(r.created_at),
    imageCount: num(r.image_count ?? 0),
  };
}

export function toImage(r: Row): ImageRecord {
  return {
    id: str(r.id),
    siteId: str(r.site_id),
    acquiredAt: str(r.acquired_at),
    sensor: (r.sensor as string | null) ?? null,
    bounds: JSON.parse(str(r.bounds)),
    gsdM: num(r.gsd_m),
    width: num(r.width),
    height: num(r.height),
    sha256: str(r.sha256),
    status: str(r.status) as ImageRecord['status'],
    registration: r.registration ? JSON.parse(str(r.registration)) : null,
    cloudFraction: numOrNull(r.cloud_fraction),
    coverage: numOrNull(r.coverage),
    createdAt: str(r.created_at),
    blobKey: str(r.blob_key),
    format: str(r.format),
    georeferenced: r.georeferenced === 1,
    analysisRev: num(r.analysis_rev),
    error: r.status === 'failed' ? ((r.job_error as string | null | undefined) ?? null) : null,
    errorCode: r.status === 'failed' ? errorCode(r.job_error_code) : null,
  };
}

export function toJob(r: Row): JobRecord {
  return {
    id: str(r.id),
    imageId: str(r.image_id),
    siteId: str(r.site_id),
    status: str(r.status) as Job['status'],
    progress: num(r.progress),
    error: (r.error as string | null) ?? null,
    errorCode: r.status === 'failed' ? errorCode(r.error_code) : null,
    attempts: num(r.attempts),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

export function toScore(r: Row): ScoreRow {
  return {
    imageId: str(r.image_id),
    acquiredAt: str(r.acquired_at),
    zoneId: str(r.zone_id),
    zoneKind: str(r.zone_kind) as ScoreRow['zoneKind'],
    vesselCount: numOrNull(r.vessel_count),
    vesselAreaM2: numOrNull(r.vessel_area_m2),
    arrivals: numOrNull(r.arrivals),
    departures: numOrNull(r.departures),
    railCarCount: numOrNull(r.rail_car_count),
    railOccupancy: numOrNull(r.rail_occupancy),
    changeFraction: numOrNull(r.change_fraction),
    coverage: num(r.coverage),
    activity: numOrNull(r.activity),
  };
}
