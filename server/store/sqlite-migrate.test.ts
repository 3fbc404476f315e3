/** The SQLite catalogue opens databases an older version wrote: columns added since are added at open. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ZoneCollection } from '../../contract/index.ts';
import { FIXTURE_BOUNDS, fixtureImage } from '../testing/catalog-fixtures.ts';
import { openSqliteCatalog } from './sqlite-catalog.ts';

const BOUNDS = FIXTURE_BOUNDS;
const ZONES: ZoneCollection = { type: 'FeatureCollection', features: [] };

const image = (acquiredAt: string) => fixtureImage('north', acquiredAt);

describe('a database written before jobs had an error code and sites their bands', () => {
  it('opens, reads its failed image with no code, and records codes and bands from then on', async () => {
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
      // The tables as the first release created them: no jobs.error_code, no sites.bands.
      let db = new Database(file);
      db.exec('ALTER TABLE jobs DROP COLUMN error_code');
      db.exec('ALTER TABLE sites DROP COLUMN bands');
      db.prepare(`UPDATE jobs SET status = 'failed', error = 'incorrect header check'`).run();
      db.prepare(`UPDATE images SET status = 'failed'`).run();
      db.close();

      c = openSqliteCatalog(file);
      const img = (await c.getImage(a.image.id))!;
      expect([img.status, img.error, img.errorCode]).toEqual(['failed', 'incorrect header check', null]);
      expect((await c.latestJob(a.image.id))?.errorCode).toBeNull();
      expect((await c.getSite('north'))?.bands).toBeNull();
      const b = await c.addImage(image('2025-02-01T00:00:00.000Z'));
      await c.failJob((await c.claimJob())!.id, 'analysis was cancelled', 'aborted');
      expect((await c.getImage(b.image.id))?.errorCode).toBe('aborted');
      await c.close();
      // A code a newer server wrote reads as internal, as the contract tells clients to read one they do not know.
      db = new Database(file);
      db.prepare(`UPDATE jobs SET error_code = 'quota_exceeded' WHERE image_id = ?`).run(b.image.id);
      db.close();
      // Opening again adds nothing twice.
      c = openSqliteCatalog(file);
      expect((await c.getImage(b.image.id))?.errorCode).toBe('internal');
      await c.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
