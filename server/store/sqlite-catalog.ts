/** The embedded catalogue: SQLite through better-sqlite3, WAL journal, one connection in the server process. */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Detection, DetectionKind, Job, JobErrorCode, ScoreRow, ZoneCollection } from '../../contract/index.ts';
import { OTHER_DATES } from '../../processing/other-dates.ts';
import {
  type AnalysisOutcome,
  type ApiKeyRecord,
  type Catalog,
  ConflictError,
  type ImageRecord,
  type JobRecord,
  type NewImage,
  type NewSite,
  type Page,
  type PageRequest,
  type ScoreFilter,
  type SiteRecord,
  type TimeRange,
} from './catalog.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { migrate, SCHEMA } from './schema.ts';
import { num, type Row, str, toImage, toJob, toScore, toSite } from './sqlite-rows.ts';

/** A new opaque id: prefix + 12 url-safe random characters (72 bits). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

const now = () => new Date().toISOString();

const SITE_COLS = `s.*, (SELECT COUNT(*) FROM images i WHERE i.site_id = s.id) AS image_count`;
const JOB_COLS = `j.*, i.site_id AS site_id`;
/**
 * Images `i` with their latest job's error, joined only for a failed image (so a listing of ready ones costs no
 * lookups), the latest job found once for both of its columns.
 */
const IMAGE_COLS = `i.*, lj.error AS job_error, lj.error_code AS job_error_code`;
// CASE, not an AND in the join: SQLite ran the subquery before testing the status (EXPLAIN), CASE skips it.
const IMAGES = `images i LEFT JOIN jobs lj ON lj.rowid = CASE WHEN i.status = 'failed' THEN
  (SELECT j.rowid FROM jobs j WHERE j.image_id = i.id ORDER BY j.created_at DESC, j.rowid DESC LIMIT 1) END`;

/** Opens (creating if needed) the catalogue at `file`. */
export function openSqliteCatalog(file: string): SqliteCatalog {
  return new SqliteCatalog(file);
}

class SqliteCatalog implements Catalog {
  readonly db: Database.Database;
  private readonly st: Record<string, Database.Statement>;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: an accepted upload (202) survives power loss, not only a process crash.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    migrate(this.db);
    const p = (sql: string) => this.db.prepare(sql);
    this.st = {
      site: p(`SELECT ${SITE_COLS} FROM sites s WHERE s.id = ?`),
      sites: p(`SELECT ${SITE_COLS} FROM sites s WHERE s.id > ? ORDER BY s.id LIMIT ?`),
      image: p(`SELECT ${IMAGE_COLS} FROM ${IMAGES} WHERE i.id = ?`),
      imageBySha: p(`SELECT ${IMAGE_COLS} FROM ${IMAGES} WHERE i.site_id = ? AND i.sha256 = ?`),
      images: p(
        `SELECT ${IMAGE_COLS} FROM ${IMAGES} WHERE i.site_id = ? AND i.acquired_at >= ? AND i.acquired_at <= ?
         AND (i.acquired_at, i.id) > (?, ?) ORDER BY i.acquired_at, i.id LIMIT ?`,
      ),
      job: p(`SELECT ${JOB_COLS} FROM jobs j JOIN images i ON i.id = j.image_id WHERE j.id = ?`),
      latestJob: p(
        `SELECT ${JOB_COLS} FROM jobs j JOIN images i ON i.id = j.image_id WHERE j.image_id = ?
         ORDER BY j.created_at DESC, j.rowid DESC LIMIT 1`,
      ),
      queuedJob: p(`SELECT ${JOB_COLS} FROM jobs j JOIN images i ON i.id = j.image_id
         WHERE j.image_id = ? AND j.status = 'queued'`),
      insertJob: p(`INSERT INTO jobs (id, image_id, status, progress, created_at, updated_at)
         VALUES (?, ?, 'queued', 0, ?, ?)`),
      scores: p(
        `SELECT * FROM scores WHERE site_id = ? AND acquired_at >= ? AND acquired_at <= ?
         AND (? IS NULL OR zone_id = ?) AND (acquired_at, image_id, zone_id) > (?, ?, ?)
         ORDER BY acquired_at, image_id, zone_id LIMIT ?`,
      ),
      version: p('SELECT version, created_at FROM sites WHERE id = ?'),
      bumpSite: p('UPDATE sites SET version = version + 1 WHERE id = ?'),
    };
  }

  async listSites(page: PageRequest): Promise<Page<SiteRecord>> {
    const [after] = decodeCursor(page.cursor, 1, ['']);
    const rows = this.st.sites!.all(after, page.limit + 1) as Row[];
    return paginate(rows.map(toSite), page.limit, (s) => [s.id]);
  }

  async getSite(id: string): Promise<SiteRecord | null> {
    const r = this.st.site!.get(id) as Row | undefined;
    return r ? toSite(r) : null;
  }

  async siteVersion(id: string): Promise<string | null> {
    // created_at too: a site deleted and re-created under the same id restarts its counter.
    const r = this.st.version!.get(id) as Row | undefined;
    return r ? `${str(r.created_at)}/${num(r.version)}` : null;
  }

  async createSite(site: NewSite): Promise<SiteRecord> {
    try {
      this.db
        .prepare(
          'INSERT INTO sites (id, name, bounds, settings, zones, version, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)',
        )
        .run(
          site.id,
          site.name,
          JSON.stringify(site.bounds),
          JSON.stringify(site.settings),
          JSON.stringify(site.zones),
          now(),
        );
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new ConflictError(`site "${site.id}" already exists`, 'id');
      }
      throw e;
    }
    return (await this.getSite(site.id))!;
  }

  async deleteSite(id: string) {
    return this.db.transaction(() => {
      if (!this.st.site!.get(id)) return null;
      const images = this.db.prepare('SELECT id, blob_key FROM images WHERE site_id = ?').all(id) as Row[];
      this.db.prepare('DELETE FROM sites WHERE id = ?').run(id);
      const stillUsed = this.db.prepare('SELECT 1 FROM images WHERE blob_key = ? LIMIT 1');
      const keys = [...new Set(images.map((r) => str(r.blob_key)))];
      return {
        imageIds: images.map((r) => str(r.id)),
        orphanBlobKeys: keys.filter((k) => !stillUsed.get(k)),
      };
    })();
  }

  async replaceZones(id: string, zones: ZoneCollection): Promise<JobRecord[]> {
    return this.db.transaction(() => {
      this.db.prepare('UPDATE sites SET zones = ?, version = version + 1 WHERE id = ?').run(JSON.stringify(zones), id);
      const ids = this.db.prepare('SELECT id FROM images WHERE site_id = ? ORDER BY acquired_at, id').all(id) as Row[];
      return ids.map((r) => this.enqueue(str(r.id)));
    })();
  }

  /** Queues an analysis of the image unless one is already queued (inside a transaction). */
  private enqueue(imageId: string): JobRecord {
    const queued = this.st.queuedJob!.get(imageId) as Row | undefined;
    if (queued) return toJob(queued);
    const id = newId('job');
    const t = now();
    this.st.insertJob!.run(id, imageId, t, t);
    this.db.prepare(`UPDATE images SET status = 'queued' WHERE id = ? AND status != 'processing'`).run(imageId);
    return toJob(this.st.job!.get(id) as Row);
  }

  async listImages(siteId: string, range: TimeRange, page: PageRequest): Promise<Page<ImageRecord>> {
    const [at, id] = decodeCursor(page.cursor, 2, ['', '']);
    const rows = this.st.images!.all(siteId, range.from ?? '', range.to ?? '\uffff', at, id, page.limit + 1) as Row[];
    return paginate(rows.map(toImage), page.limit, (i) => [i.acquiredAt, i.id]);
  }

  async getImage(id: string): Promise<ImageRecord | null> {
    const r = this.st.image!.get(id) as Row | undefined;
    return r ? toImage(r) : null;
  }

  async findImageBySha(siteId: string, sha256: string): Promise<ImageRecord | null> {
    const r = this.st.imageBySha!.get(siteId, sha256) as Row | undefined;
    return r ? toImage(r) : null;
  }

  async addImage(img: NewImage) {
    return this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO images (id, site_id, acquired_at, sensor, bounds, gsd_m, width, height, sha256, blob_key, format,
           georeferenced, status, analysis_rev, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?)`,
        )
        .run(
          img.id,
          img.siteId,
          img.acquiredAt,
          img.sensor,
          JSON.stringify(img.bounds),
          img.gsdM,
          img.width,
          img.height,
          img.sha256,
          img.blobKey,
          img.format,
          img.georeferenced ? 1 : 0,
          now(),
        );
      const job = this.enqueue(img.id);
      const next = this.successor(img.siteId, img.acquiredAt, img.id);
      const rescored = next ? this.enqueue(next) : null;
      this.st.bumpSite!.run(img.siteId);
      return { image: toImage(this.st.image!.get(img.id) as Row), job, rescored };
    })();
  }

  private successor(siteId: string, acquiredAt: string, id: string): string | null {
    const r = this.db
      .prepare(
        `SELECT id FROM images WHERE site_id = ? AND (acquired_at, id) > (?, ?) ORDER BY acquired_at, id LIMIT 1`,
      )
      .get(siteId, acquiredAt, id) as Row | undefined;
    return r ? str(r.id) : null;
  }

  async deleteImage(id: string) {
    return this.db.transaction(() => {
      const r = this.st.image!.get(id) as Row | undefined;
      if (!r) return null;
      const image = toImage(r);
      const next = this.successor(image.siteId, image.acquiredAt, image.id);
      this.db.prepare('DELETE FROM images WHERE id = ?').run(id);
      this.db
        .prepare(
          'UPDATE sites SET reference_image_id = NULL, version = version + 1 WHERE id = ? AND reference_image_id = ?',
        )
        .run(image.siteId, id);
      this.st.bumpSite!.run(image.siteId);
      const rescored = next ? this.enqueue(next) : null;
      const blobOrphaned = !this.db.prepare('SELECT 1 FROM images WHERE blob_key = ? LIMIT 1').get(image.blobKey);
      return { image, rescored, blobOrphaned };
    })();
  }

  async referenceForUpload(siteId: string): Promise<ImageRecord | null> {
    const site = await this.getSite(siteId);
    const set = site?.referenceImageId ? await this.getImage(site.referenceImageId) : null;
    if (set) return set;
    const r = this.db
      .prepare(
        `SELECT * FROM images WHERE site_id = ? AND (analysis_rev > 0 OR status != 'failed')
         ORDER BY analysis_rev > 0 DESC, acquired_at, id LIMIT 1`,
      )
      .get(siteId) as Row | undefined;
    return r ? toImage(r) : null;
  }

  async analysisContext(imageId: string) {
    const r = this.st.image!.get(imageId) as Row | undefined;
    if (!r) return null;
    const image = toImage(r);
    const site = (await this.getSite(image.siteId))!;
    // A date whose last analysis failed is not read: its files may be of two analyses (the raster of the new
    // one, the vessels and water memory of the old one). The reference is read all the same: its raster, whole
    // whichever analysis wrote it (prepare.ts swaps it in), is the frame every date was matched to.
    const ready = (sql: string, ...args: unknown[]) =>
      (
        this.db
          .prepare(
            `SELECT * FROM images WHERE site_id = ? AND id != ? AND analysis_rev > 0 AND status != 'failed' AND ${sql}`,
          )
          .all(site.id, imageId, ...args) as Row[]
      ).map(toImage);
    const previous =
      ready('(acquired_at, id) < (?, ?) ORDER BY acquired_at DESC, id DESC LIMIT 1', image.acquiredAt, image.id)[0] ??
      null;
    let reference: ImageRecord | null = null;
    // The site's reference, analysed again (its first date re-scored, zones edited), stays the reference:
    // matched to another date, its raster, which every date was matched to, would move.
    if (site.grid && site.referenceImageId !== imageId) {
      const ref = site.referenceImageId ? await this.getImage(site.referenceImageId) : null;
      reference =
        ref && ref.id !== imageId && ref.analysisRev > 0
          ? ref
          : (ready('1 ORDER BY acquired_at, id LIMIT 1')[0] ?? null);
    }
    // The nearest dates, the earlier on a tie, passed in date order: as processing/series.ts picks and
    // passes them, so the server analyses a date as the CLI and the evaluation do.
    const others = ready(
      `1 ORDER BY abs(julianday(acquired_at) - julianday(?)), acquired_at, id LIMIT ${OTHER_DATES}`,
      image.acquiredAt,
    ).sort((a, b) => a.acquiredAt.localeCompare(b.acquiredAt) || a.id.localeCompare(b.id));
    return { site, image, reference, previous, others };
  }

  async getJob(id: string): Promise<JobRecord | null> {
    const r = this.st.job!.get(id) as Row | undefined;
    return r ? toJob(r) : null;
  }

  async latestJob(imageId: string): Promise<JobRecord | null> {
    const r = this.st.latestJob!.get(imageId) as Row | undefined;
    return r ? toJob(r) : null;
  }

  async claimJob(): Promise<JobRecord | null> {
    return this.db.transaction(() => {
      const r = this.db
        .prepare(
          `SELECT j.id FROM jobs j JOIN images i ON i.id = j.image_id WHERE j.status = 'queued'
           AND NOT EXISTS (SELECT 1 FROM jobs r JOIN images ri ON ri.id = r.image_id
                           WHERE r.status = 'running' AND ri.site_id = i.site_id)
           ORDER BY i.acquired_at, j.created_at LIMIT 1`,
        )
        .get() as Row | undefined;
      if (!r) return null;
      const t = now();
      this.db
        .prepare(
          `UPDATE jobs SET status = 'running', progress = 0, attempts = attempts + 1, updated_at = ? WHERE id = ?`,
        )
        .run(t, r.id);
      const job = toJob(this.st.job!.get(r.id) as Row);
      this.db.prepare(`UPDATE images SET status = 'processing' WHERE id = ?`).run(job.imageId);
      return job;
    })();
  }

  async setJobProgress(id: string, progress: number): Promise<void> {
    this.db
      .prepare(`UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ? AND status = 'running'`)
      .run(Math.min(1, Math.max(0, progress)), now(), id);
  }

  async completeJob(id: string, o: AnalysisOutcome): Promise<boolean> {
    return this.db.transaction(() => {
      const job = this.st.job!.get(id) as Row | undefined;
      if (!job) return false;
      const imageId = str(job.image_id);
      const image = toImage(this.st.image!.get(imageId) as Row);
      this.db.prepare('DELETE FROM scores WHERE image_id = ?').run(imageId);
      this.db.prepare('DELETE FROM detections WHERE image_id = ?').run(imageId);
      const ins = this.db.prepare(
        `INSERT INTO scores (image_id, zone_id, site_id, acquired_at, zone_kind, vessel_count, vessel_area_m2, arrivals,
         departures, rail_car_count, rail_occupancy, change_fraction, coverage, activity)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const s of o.scores) {
        ins.run(
          imageId,
          s.zoneId,
          image.siteId,
          image.acquiredAt,
          s.zoneKind,
          s.vesselCount,
          s.vesselAreaM2,
          s.arrivals,
          s.departures,
          s.railCarCount,
          s.railOccupancy,
          s.changeFraction,
          s.coverage,
          s.activity,
        );
      }
      const det = this.db.prepare(
        `INSERT INTO detections (image_id, kind, zone_id, geometry, length_m, width_m, heading_deg, confidence)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const d of o.detections) {
        const p = d.properties;
        det.run(imageId, p.kind, p.zoneId, JSON.stringify(d.geometry), p.lengthM, p.widthM, p.headingDeg, p.confidence);
      }
      this.db
        .prepare(
          `UPDATE images SET status = 'ready', registration = ?, cloud_fraction = ?, coverage = ?,
           analysis_rev = analysis_rev + 1 WHERE id = ?`,
        )
        .run(
          o.image.registration ? JSON.stringify(o.image.registration) : null,
          o.image.cloudFraction,
          o.image.coverage,
          imageId,
        );
      this.db
        .prepare(
          `UPDATE sites SET grid = coalesce(grid, ?), bands = coalesce(bands, ?),
           reference_image_id = coalesce(reference_image_id, ?) WHERE id = ?`,
        )
        .run(JSON.stringify(o.grid), JSON.stringify(o.bands), imageId, image.siteId);
      if (image.analysisRev === 0) this.rescoreFirst(image.siteId, imageId);
      this.st.bumpSite!.run(image.siteId);
      this.db
        .prepare(
          `UPDATE jobs SET status = 'succeeded', progress = 1, error = NULL, error_code = NULL, updated_at = ? WHERE id = ?`,
        )
        .run(now(), id);
      return true;
    })();
  }

  /**
   * The site's first image, analysed before any other date was, had none to tell a quay face from a
   * moored hull: once the OTHER_DATES images after it (those its analysis reads) are all analysed, the
   * first analysis of one of them (`imageId`) re-scores it, and then the image after it, whose previous
   * changed. Only first analyses trigger it, so those re-scores trigger nothing further; an image still
   * waiting for its first analysis among them defers it, so a batch upload re-scores once. Claims run
   * oldest first, so both run before the later dates still queued (inside a transaction).
   */
  private rescoreFirst(siteId: string, imageId: string): void {
    const rows = this.db
      .prepare(
        `SELECT id, analysis_rev FROM images WHERE site_id = ? AND (analysis_rev > 0 OR status != 'failed')
         ORDER BY acquired_at, id LIMIT ?`,
      )
      .all(siteId, OTHER_DATES + 1) as Row[];
    const [first, ...after] = rows;
    if (!first || num(first.analysis_rev) === 0 || !after.some((r) => str(r.id) === imageId)) return;
    if (after.some((r) => num(r.analysis_rev) === 0)) return;
    this.enqueue(str(first.id));
    this.enqueue(str(after[0]!.id));
  }

  async failJob(id: string, error: string, code: JobErrorCode): Promise<void> {
    this.db.transaction(() => {
      const job = this.st.job!.get(id) as Row | undefined;
      if (!job) return;
      this.db
        .prepare(`UPDATE jobs SET status = 'failed', error = ?, error_code = ?, updated_at = ? WHERE id = ?`)
        .run(error, code, now(), id);
      this.db.prepare(`UPDATE images SET status = 'failed' WHERE id = ?`).run(job.image_id);
      this.st.bumpSite!.run(job.site_id);
    })();
  }

  async requeueJob(id: string): Promise<void> {
    this.db.transaction(() => {
      const job = this.st.job!.get(id) as Row | undefined;
      if (job?.status !== 'running') return;
      this.db.prepare(`UPDATE jobs SET status = 'queued', progress = 0, updated_at = ? WHERE id = ?`).run(now(), id);
      this.db.prepare(`UPDATE images SET status = 'queued' WHERE id = ?`).run(job.image_id);
    })();
  }

  async requeueInterrupted(): Promise<number> {
    return this.db.transaction(() => {
      const n = this.db
        .prepare(`UPDATE jobs SET status = 'queued', progress = 0, updated_at = ? WHERE status = 'running'`)
        .run(now()).changes;
      this.db.prepare(`UPDATE images SET status = 'queued' WHERE status = 'processing'`).run();
      return n;
    })();
  }

  async jobCounts(): Promise<Record<Job['status'], number>> {
    const out = { queued: 0, running: 0, succeeded: 0, failed: 0 };
    for (const r of this.db.prepare('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all() as Row[]) {
      out[str(r.status) as Job['status']] = num(r.n);
    }
    return out;
  }

  async listScores(siteId: string, f: ScoreFilter, page: PageRequest): Promise<Page<ScoreRow>> {
    const [at, img, zone] = decodeCursor(page.cursor, 3, ['', '', '']);
    const z = f.zone ?? null;
    const rows = this.st.scores!.all(
      siteId,
      f.from ?? '',
      f.to ?? '\uffff',
      z,
      z,
      at,
      img,
      zone,
      page.limit + 1,
    ) as Row[];
    return paginate(rows.map(toScore), page.limit, (s) => [s.acquiredAt, s.imageId, s.zoneId]);
  }

  async listDetections(imageId: string, kind?: DetectionKind): Promise<Detection[]> {
    const rows = this.db
      .prepare('SELECT * FROM detections WHERE image_id = ? AND (? IS NULL OR kind = ?) ORDER BY id')
      .all(imageId, kind ?? null, kind ?? null) as Row[];
    return rows.map((r) => ({
      type: 'Feature',
      geometry: JSON.parse(str(r.geometry)),
      properties: {
        kind: str(r.kind) as DetectionKind,
        zoneId: str(r.zone_id),
        lengthM: num(r.length_m),
        widthM: num(r.width_m),
        headingDeg: num(r.heading_deg),
        confidence: num(r.confidence),
      },
    }));
  }

  async addApiKey(hash: string, label: string | null): Promise<ApiKeyRecord> {
    const id = newId('key');
    this.db
      .prepare('INSERT INTO api_keys (id, hash, label, created_at) VALUES (?, ?, ?, ?)')
      .run(id, hash, label, now());
    return (await this.listApiKeys()).find((k) => k.id === id)!;
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at').all() as Row[]).map((r) => ({
      id: str(r.id),
      hash: str(r.hash),
      label: (r.label as string | null) ?? null,
      createdAt: str(r.created_at),
      revokedAt: (r.revoked_at as string | null) ?? null,
    }));
  }

  async revokeApiKey(id: string): Promise<boolean> {
    return (
      this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now(), id).changes >
      0
    );
  }

  async referencedBlobKeys(): Promise<Set<string>> {
    const rows = this.db.prepare('SELECT DISTINCT blob_key FROM images').all() as Row[];
    return new Set(rows.map((r) => str(r.blob_key)));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function paginate<T>(rows: T[], limit: number, key: (t: T) => string[]): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(key(items[items.length - 1]!)) };
}
