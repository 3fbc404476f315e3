/**
 * `npm run sample`: regenerates the committed sample site (sample-tiles/rajin) byte for byte from its seed.
 * Usage: tsx sample-tiles/generate.ts [--seed N] [--out DIR]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { seriesFiles } from './files.ts';
import { DEFAULT_SEED, generateSeries, SITE_ID } from './scene.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { seed: { type: 'string', default: String(DEFAULT_SEED) }, out: { type: 'string' } },
});
const seed = Number(values.seed);
if (!Number.isInteger(seed) || seed < 0)
  throw new RangeError(`--seed must be a non-negative integer, got ${values.seed}`);
const out = resolve(values.out ?? join(here, SITE_ID));
sharp.concurrency(2);
const t0 = Date.now();
const series = await generateSeries(seed, {
  onProgress: (f, stage) => process.stdout.write(`\r${Math.round(f * 100)} % ${stage}   `),
});
process.stdout.write('\n');
const files = await seriesFiles(series);
// Only the generated subfolders are cleared, so a stale date never lingers beside the new set.
rmSync(join(out, 'images'), { recursive: true, force: true });
rmSync(join(out, 'truth'), { recursive: true, force: true });
let bytes = 0;
for (const [path, data] of files) {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), data);
  bytes += data.length;
}
const mb = (bytes / 1048576).toFixed(1);
console.log(
  `wrote ${files.size} files (${mb} MiB) for seed ${seed} to ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);
