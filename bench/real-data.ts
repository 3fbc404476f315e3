/**
 * Where the labelled real imagery lives (../shared/real-data beside the clone, as on CI).
 * Evaluations and the tests that guard accuracy floors read it from here and fail loudly
 * when it is missing: a floor that silently skips guards nothing.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function realDataDir(): string {
  const dir = process.env.BERTHWATCH_REAL_DATA ?? resolve(REPO_ROOT, '../shared/real-data');
  if (!existsSync(join(dir, 'MANIFEST.md'))) {
    throw new Error(`real imagery not found at ${dir}; set BERTHWATCH_REAL_DATA to the shared real-data folder`);
  }
  return dir;
}
