/** Records for catalogue tests: an image as the upload would add it, its bytes never read. */
import { randomBytes } from 'node:crypto';
import type { Bounds } from '../../contract/index.ts';
import type { NewImage } from '../store/catalog.ts';
import { newId } from '../store/sqlite-catalog.ts';

export const FIXTURE_BOUNDS: Bounds = [130, 42, 130.1, 42.1];

/** A 10 × 10 PNG of `site` over FIXTURE_BOUNDS dated `acquiredAt`; its own random bytes unless `sha` is given. */
export function fixtureImage(site: string, acquiredAt: string, sha = randomBytes(32).toString('hex')): NewImage {
  return {
    id: newId('img'),
    siteId: site,
    acquiredAt,
    sensor: null,
    bounds: FIXTURE_BOUNDS,
    gsdM: 1,
    width: 10,
    height: 10,
    sha256: sha,
    blobKey: sha,
    format: 'png',
    georeferenced: false,
  };
}
