/**
 * The catalogue interface: sites, images, jobs, scores, detections and API keys. The embedded
 * implementation is SQLite (sqlite-catalog.ts); a PostgreSQL one can follow behind the same methods,
 * which is why every method is async even though better-sqlite3 is not.
 */
import type {
  Bounds,
  Detection,
  DetectionKind,
  Image,
  Job,
  JobErrorCode,
  Registration,
  ScoreFields,
  ScoreRow,
  SiteSettings,
  ZoneCollection,
  ZoneKind,
} from '../../contract/index.ts';
import type { BandRole, Grid } from '../../processing/types.ts';

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
/** Inclusive bounds on acquiredAt, as normalised RFC 3339 UTC strings. */
export interface TimeRange {
  from?: string | undefined;
  to?: string | undefined;
}

export interface SiteRecord {
  id: string;
  name: string;
  bounds: Bounds;
  settings: SiteSettings;
  zones: ZoneCollection;
  /** The analysis grid, set by the first analysed image (null until then). */
  grid: Grid | null;
  /**
   * The bands its analyses read, by role, set with the grid by its first analysis (null until then, and on a
   * catalogue older than this field until an analysis completes): the upload's band check and every analysis
   * read these, never a raster that an analysis in flight may be rewriting.
   */
  bands: BandRole[] | null;
  referenceImageId: string | null;
  /** Bumped on every change to the site's images or scores: keys response caches and ETags. */
  version: number;
  createdAt: string;
  imageCount: number;
}
export type NewSite = Pick<SiteRecord, 'id' | 'name' | 'bounds' | 'settings' | 'zones'>;

/** An image as stored: the public Image plus where its bytes live. */
export interface ImageRecord extends Image {
  blobKey: string;
  format: string;
  georeferenced: boolean;
  /** Bumped by every completed analysis: keys tile caches. */
  analysisRev: number;
}
export type NewImage = Omit<
  ImageRecord,
  'status' | 'registration' | 'cloudFraction' | 'coverage' | 'createdAt' | 'analysisRev' | 'error' | 'errorCode'
>;

export interface JobRecord extends Job {
  siteId: string;
  attempts: number;
}

/** One per (image, zone): what the pipeline returns for a zone. */
export type ZoneScore = ScoreFields & { zoneId: string; zoneKind: ZoneKind };

/** What a finished analysis writes back (the pipeline's ImageAnalysis). */
export interface AnalysisOutcome {
  grid: Grid;
  bands: BandRole[];
  image: { cloudFraction: number; coverage: number; registration: Registration | null };
  scores: ZoneScore[];
  detections: Detection[];
}

export interface ScoreFilter extends TimeRange {
  zone?: string | undefined;
}

/** Thrown when a write would break a uniqueness rule (a site id already taken…). */
export class ConflictError extends Error {
  override name = 'ConflictError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ApiKeyRecord {
  id: string;
  hash: string;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface Catalog {
  listSites(page: PageRequest): Promise<Page<SiteRecord>>;
  getSite(id: string): Promise<SiteRecord | null>;
  /** A token that changes whenever the site's data does (cheap: keys response caches); null when there is no such site. */
  siteVersion(id: string): Promise<string | null>;
  createSite(site: NewSite): Promise<SiteRecord>;
  /** Removes the site and everything under it; returns the blob keys no image references any more. */
  deleteSite(id: string): Promise<{ imageIds: string[]; orphanBlobKeys: string[] } | null>;
  /** Replaces the zones and queues a re-score of every image of the site. */
  replaceZones(id: string, zones: ZoneCollection): Promise<JobRecord[]>;

  listImages(siteId: string, range: TimeRange, page: PageRequest): Promise<Page<ImageRecord>>;
  getImage(id: string): Promise<ImageRecord | null>;
  findImageBySha(siteId: string, sha256: string): Promise<ImageRecord | null>;
  /** In one transaction: the image, its analysis job, and a re-score job for the image that now follows it. */
  addImage(image: NewImage): Promise<{ image: ImageRecord; job: JobRecord; rescored: JobRecord | null }>;
  /** Removes the image (its scores, detections, jobs) and queues a re-score of its successor. */
  deleteImage(id: string): Promise<{ image: ImageRecord; rescored: JobRecord | null; blobOrphaned: boolean } | null>;
  /**
   * The image a new upload of the site will be matched to: the site's reference when set, else its
   * earliest analysed image, else its earliest not failed (analyses to come take it as reference).
   */
  referenceForUpload(siteId: string): Promise<ImageRecord | null>;
  /** The analysed images an analysis of `imageId` compares against. */
  analysisContext(imageId: string): Promise<{
    site: SiteRecord;
    image: ImageRecord;
    reference: ImageRecord | null;
    previous: ImageRecord | null;
    others: ImageRecord[];
  } | null>;

  getJob(id: string): Promise<JobRecord | null>;
  latestJob(imageId: string): Promise<JobRecord | null>;
  /** Atomically marks the next runnable job running: one per site at a time, oldest acquisition first. */
  claimJob(): Promise<JobRecord | null>;
  setJobProgress(id: string, progress: number): Promise<void>;
  /**
   * Writes the analysis (scores, detections, image fields, site grid) and marks the job succeeded; false if
   * the image is gone. The first analysis that completes the dates the site's first image reads (the
   * OTHER_DATES after it) queues a re-score of that image and of the one after it.
   */
  completeJob(id: string, outcome: AnalysisOutcome): Promise<boolean>;
  /** Marks the job (and its image) failed with the reason (`error`) and its kind (`code`). */
  failJob(id: string, error: string, code: JobErrorCode): Promise<void>;
  /** Puts one running job back in the queue (its worker died). */
  requeueJob(id: string): Promise<void>;
  /** After a restart: jobs left running go back to the queue. Returns how many. */
  requeueInterrupted(): Promise<number>;
  /** Counts of jobs by status (for health and waiting). */
  jobCounts(): Promise<Record<Job['status'], number>>;

  listScores(siteId: string, filter: ScoreFilter, page: PageRequest): Promise<Page<ScoreRow>>;
  listDetections(imageId: string, kind?: DetectionKind): Promise<Detection[]>;

  addApiKey(hash: string, label: string | null): Promise<ApiKeyRecord>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string): Promise<boolean>;

  /** Every blob key some image references (orphan cleanup at start). */
  referencedBlobKeys(): Promise<Set<string>>;
  close(): Promise<void>;
}
