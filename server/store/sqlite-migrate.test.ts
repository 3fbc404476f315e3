/** The SQLite catalogue opens databases an older version wrote: columns added since are added at open. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ZoneCollection } from '../../contract/index.ts';
import type { NewImage } from './catalog.ts';
import { newId, openSqliteCatalog } from './sqlite-catalog.ts';

const BOUNDS: [number, number, number, number] = [130, 42, 130.1, 42.1];
const ZONES: ZoneCollection = { type: 'FeatureCollection', features: [] };

function image(acquiredAt: string): NewImage {
  return {
    id: newId('img'),
    siteId: 'north',
    acquiredAt,
    sensor: null,
    bounds: BOUNDS,
    gsdM: 1,
    width: 10,
    height: 10,
    sha256: randomBytes(32).toString('hex'),
    blobKey: randomBytes(32).toString('hex'),
    format: 'png',
    georeferenced: false,
  };
}

describe('a database written before jobs had an error code', () => {
  it('opens, reads its failed image with no code, and records codes from then on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bw-cat-old-'));
    const file = join(dir, 'db.sqlite');
    try {
      let c = openSqliteCatalog(file);
      await c.createSite({
        id: 'north',
        name: 'North',
        bounds: BOUNDS,
        settings: { minVesselLengthM: 20, railCarLengthM: 15 },
        zones: ZONES,
      });
      const a = await c.addImage(image('2025-01-01T00:00:00.000Z'));
      await c.close();
      // The jobs table as the first release created it: no error_code column.
      const db = new Database(file);
      db.exec('ALTER TABLE jobs DROP COLUMN error_code');
      db.prepare(`UPDATE jobs SET status = 'failed', error = 'incorrect header check'`).run();
      db.prepare(`UPDATE images SET status = 'failed'`).run();
      db.close();

      c = openSqliteCatalog(file);
      const img = (await c.getImage(a.image.id))!;
      expect([img.status, img.error, img.errorCode]).toEqual(['failed', 'incorrect header check', null]);
      expect((await c.latestJob(a.image.id))?.errorCode).toBeNull();
      const b = await c.addImage(image('2025-02-01T00:00:00.000Z'));
      await c.failJob((await c.claimJob())!.id, 'analysis was cancelled', 'aborted');
      expect((await c.getImage(b.image.id))?.errorCode).toBe('aborted');
      await c.close();
      // Opening again adds nothing twice.
      c = openSqliteCatalog(file);
      expect((await c.getImage(b.image.id))?.errorCode).toBe('aborted');
      await c.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
