/**
 * Co-registration alone on generated series: every date registered to the first, as the pipeline
 * does, without the rest of the pipeline (seconds per seed instead of minutes). Prints each date's
 * error against the known shift, its confidence and why it was not trusted.
 * Images are cached per seed in bench/out/register-eval.
 *   npx tsx bench/register.eval.ts [--seed N ...] [--random K] [--quiet]
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { memoryReader } from '../processing/block-reader.ts';
import { register } from '../processing/register.ts';
import { rgbBlock } from '../processing/testing/rgb-block.ts';
import { DEFAULT_SEED, generateSeries } from '../sample-tiles/scene.ts';

const CACHE_DIR = join(import.meta.dirname, 'out', 'register-eval');

export interface DateRegistration {
  date: string;
  errorPx: number;
  confidence: number;
  trusted: boolean;
  reason?: string;
}

interface CachedDate {
  date: string;
  file: string;
  shiftPx: { dx: number; dy: number };
}

/**
 * The series' images and known shifts, generated once per seed into `cacheDir` (generation takes
 * minutes on a loaded machine; registering the 14 pairs takes seconds).
 */
async function seriesImages(seed: number, cacheDir: string): Promise<{ dates: CachedDate[]; dir: string }> {
  const dir = join(cacheDir, String(seed));
  const index = join(dir, 'dates.json');
  try {
    return { dates: JSON.parse(await readFile(index, 'utf8')) as CachedDate[], dir };
  } catch {
    const series = await generateSeries(seed);
    await mkdir(join(dir, 'images'), { recursive: true });
    for (const d of series.dates) await writeFile(join(dir, d.file), d.image);
    const dates = series.dates.map((d) => ({ date: d.date, file: d.file, shiftPx: d.shiftPx }));
    await writeFile(index, JSON.stringify(dates));
    return { dates, dir };
  }
}

export async function evaluateRegistration(
  seed: number,
  cacheDir = CACHE_DIR,
): Promise<{ dates: DateRegistration[]; cpuMs: number }> {
  const series = await seriesImages(seed, cacheDir);
  const blocks = await Promise.all(series.dates.map(async (d) => rgbBlock(await readFile(join(series.dir, d.file)))));
  const reference = memoryReader(blocks[0]!);
  const dates: DateRegistration[] = [];
  let cpu = 0;
  for (let i = 1; i < series.dates.length; i++) {
    const truth = series.dates[i]!;
    const t0 = process.cpuUsage();
    const r = await register(reference, memoryReader(blocks[i]!));
    const t = process.cpuUsage(t0);
    cpu += (t.user + t.system) / 1000;
    // As the pipeline reports it: an untrusted shift is not applied, so its error is the whole shift.
    const dx = r.trusted ? r.dx : 0;
    const dy = r.trusted ? r.dy : 0;
    dates.push({
      date: truth.date,
      errorPx: Math.hypot(dx - truth.shiftPx.dx, dy - truth.shiftPx.dy),
      confidence: r.confidence,
      trusted: r.trusted,
      ...(r.reason ? { reason: r.reason } : {}),
    });
  }
  return { dates, cpuMs: cpu };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', multiple: true },
      random: { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  const seeds = (values.seed ?? []).map(Number);
  for (let k = 0; k < Number(values.random ?? 0); k++) seeds.push(Math.floor(Math.random() * 1_000_000) + 1);
  if (seeds.length === 0) seeds.push(DEFAULT_SEED);
  const all: number[] = [];
  for (const seed of seeds) {
    const { dates, cpuMs } = await evaluateRegistration(seed);
    const errs = dates.map((d) => d.errorPx);
    all.push(...errs);
    const worst = dates.reduce((a, b) => (b.errorPx > a.errorPx ? b : a));
    console.log(
      `seed ${seed}: mean ${(errs.reduce((a, b) => a + b, 0) / errs.length).toFixed(3)} px, worst ${worst.errorPx.toFixed(2)} px (${worst.date}), register CPU ${(cpuMs / dates.length).toFixed(0)} ms/date`,
    );
    for (const d of dates) {
      if (values.quiet && d.errorPx <= 0.3) continue;
      console.log(
        `  ${d.date}  ${d.errorPx.toFixed(3)} px  conf ${d.confidence.toFixed(2)}${d.trusted ? '' : `  UNTRUSTED: ${d.reason}`}`,
      );
    }
  }
  if (seeds.length > 1) {
    console.log(
      `all: mean ${(all.reduce((a, b) => a + b, 0) / all.length).toFixed(3)} px, worst ${Math.max(...all).toFixed(2)} px, ${all.filter((e) => e > 0.3).length} of ${all.length} dates over 0.3 px`,
    );
  }
}
