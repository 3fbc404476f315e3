import type Database from 'better-sqlite3';

/**
 * The SQLite schema of the embedded catalogue (idempotent: run at every open, then `migrate`). It runs
 * before `migrate`, on an older database whose tables lack the ADDED_COLUMNS: an index here on an added
 * column would fail to open such a database; create one in `migrate`, after its column.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS sites (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  bounds TEXT NOT NULL,
  settings TEXT NOT NULL,
  zones TEXT NOT NULL,
  grid TEXT,
  bands TEXT,
  reference_image_id TEXT,
  version INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS images (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  acquired_at TEXT NOT NULL,
  sensor TEXT,
  bounds TEXT NOT NULL,
  gsd_m REAL NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  blob_key TEXT NOT NULL,
  format TEXT NOT NULL,
  georeferenced INTEGER NOT NULL,
  status TEXT NOT NULL,
  registration TEXT,
  cloud_fraction REAL,
  coverage REAL,
  analysis_rev INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  UNIQUE (site_id, sha256)
);
CREATE INDEX IF NOT EXISTS images_site_time ON images (site_id, acquired_at, id);
CREATE INDEX IF NOT EXISTS images_blob ON images (blob_key);
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  progress REAL NOT NULL DEFAULT 0,
  error TEXT,
  error_code TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status);
CREATE INDEX IF NOT EXISTS jobs_image ON jobs (image_id, created_at);
CREATE TABLE IF NOT EXISTS scores (
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  zone_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  zone_kind TEXT NOT NULL,
  vessel_count INTEGER,
  vessel_area_m2 REAL,
  arrivals INTEGER,
  departures INTEGER,
  rail_car_count INTEGER,
  rail_occupancy REAL,
  change_fraction REAL,
  coverage REAL NOT NULL,
  activity REAL,
  PRIMARY KEY (image_id, zone_id)
);
CREATE INDEX IF NOT EXISTS scores_site ON scores (site_id, acquired_at, image_id, zone_id);
CREATE TABLE IF NOT EXISTS detections (
  id INTEGER PRIMARY KEY,
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  zone_id TEXT NOT NULL,
  geometry TEXT NOT NULL,
  length_m REAL NOT NULL,
  width_m REAL NOT NULL,
  heading_deg REAL NOT NULL,
  confidence REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS detections_image ON detections (image_id, kind);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  label TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
`;

/**
 * Columns added after the first release, for databases created before them: CREATE TABLE IF NOT EXISTS
 * leaves an existing table as it was. Each is nullable, so old rows read as "not recorded".
 */
const ADDED_COLUMNS: ReadonlyArray<{ table: string; column: string; type: string }> = [
  { table: 'jobs', column: 'error_code', type: 'TEXT' },
  { table: 'sites', column: 'bands', type: 'TEXT' },
];

/**
 * Adds the columns an older database lacks (idempotent; run after SCHEMA at every open). In one immediate
 * transaction, reading the columns inside it: a CLI opening the database beside a live server would otherwise
 * see the same column missing and fail its second ALTER ("duplicate column name").
 */
export function migrate(db: Database.Database): void {
  const missing = () =>
    ADDED_COLUMNS.filter(({ table, column }) => {
      const cols = db.pragma(`table_info(${table})`) as Array<{ name: string }>;
      return !cols.some((c) => c.name === column);
    });
  // Most opens find nothing to add: those take no write lock.
  if (missing().length === 0) return;
  db.transaction(() => {
    for (const { table, column, type } of missing()) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }).immediate();
}
