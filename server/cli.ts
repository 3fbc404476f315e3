/**
 * `npm run cli -- <command>`: the same store as the server, without the server.
 *   sites list | sites create <id> --zones <file> [--name N] [--bounds w,s,e,n]
 *   images ingest <site> <folder> [--bounds w,s,e,n] [--sensor S] [--no-analyse]
 *   images list <site>
 *   scores <site> [--format table|csv|json] [--from T] [--to T] [--zone Z]
 *   keys create [--label L] | keys list | keys revoke <id>
 * Options: --data-dir DIR (default BERTHWATCH_DATA_DIR or ./data).
 */
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { Bounds, SCORE_CSV_COLUMNS, type ScoreRow, SiteSettings, Slug, ZoneCollection } from '../contract/index.ts';
import { ProcessingError } from '../processing/errors.ts';
import { validateZones } from '../processing/georeference.ts';
import { ConfigError, loadConfig } from './config.ts';
import { generateKey, hashKey } from './http/keys.ts';
import { createLogger } from './http/log.ts';
import { HttpProblem } from './http/problem.ts';
import { ingestStaged } from './ingest/ingest.ts';
import { JobRunner } from './jobs/runner.ts';
import { normaliseInstant } from './routes/common.ts';
import { seedFolder } from './seed.ts';
import { openStore } from './start.ts';
import { type Catalog, ConflictError, type SiteRecord } from './store/catalog.ts';

const USAGE = `usage: npm run cli -- <command> [options]
  sites list
  sites create <id> --zones <zones.geojson> [--name NAME] [--bounds w,s,e,n]
  images ingest <site> <folder> [--bounds w,s,e,n] [--sensor S] [--no-analyse]
      (a folder with manifest.json, or images named by date: 2025-01-14.png, 20250114T0152.tif…)
  images list <site>
  scores <site> [--format table|csv|json] [--from T] [--to T] [--zone Z]
  keys create [--label L] | keys list | keys revoke <id>
options: --data-dir DIR (default: BERTHWATCH_DATA_DIR or ./data)`;

class UsageError extends Error {}

/** Some files of a folder were refused and skipped; the rest were ingested. Exit 1, no usage. */
class SkippedFilesError extends Error {}

/** A file whose name carries no acquisition date. */
class UndatedFileError extends Error {}

/** A refusal of one file's data (off-site, undated, future or impossible date, bad image), as opposed to a bug. */
function isRefusal(e: unknown): e is Error {
  return e instanceof ProcessingError || e instanceof HttpProblem || e instanceof UndatedFileError;
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff']);

/** An acquisition time from a file name: 2025-01-14, 20250114, optionally followed by T0152 / T01:52:00. */
export function dateFromName(name: string): string | null {
  const m = /(\d{4})-?(\d{2})-?(\d{2})(?:[T_](\d{2}):?(\d{2})(?::?(\d{2}))?)?/.exec(name);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00'] = m;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
}

/** A zod failure as one line naming each field, for a usage message. */
function issuesLine(error: z.ZodError, prefix: string): string {
  return error.issues.map((i) => `${[prefix, ...i.path].join('.')}: ${i.message}`).join('; ');
}

/** A JSON file's contents, or a UsageError naming the file and what is wrong with it. */
async function readJsonFile(path: string, option: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(
      `${option} ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${option} ${path}: not JSON (${(e as Error).message})`);
  }
}

function parseZones(json: unknown): ZoneCollection {
  const r = ZoneCollection.safeParse(json);
  if (!r.success) throw new UsageError(`--zones: ${issuesLine(r.error, 'zones')}`);
  return r.data;
}

function parseSiteId(id: string): string {
  const r = Slug.safeParse(id);
  if (!r.success) throw new UsageError(`site id "${id}": ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}

function parseBounds(s: string | undefined): Bounds | undefined {
  if (!s) return undefined;
  const r = Bounds.safeParse(s.split(',').map(Number));
  if (!r.success) throw new UsageError(`--bounds: ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}

/** A one-line progress bar on stderr (only when it is a terminal, so logs stay clean). */
function progressBar(label: string) {
  const tty = process.stderr.isTTY;
  let last = '';
  return {
    update(done: number, total: number, note = '') {
      const width = 28;
      const f = total > 0 ? Math.min(1, done / total) : 1;
      const bar = '█'.repeat(Math.round(f * width)).padEnd(width, '░');
      const line = `${label} ${bar} ${Math.floor(done)}/${total} ${note}`;
      if (tty) process.stderr.write(`\r${line.padEnd(last.length)}`);
      else if (Math.floor(done) !== Math.floor(Number(last.split(' ')[2]?.split('/')[0] ?? -1))) console.error(line);
      last = line;
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}

function table(rows: Record<string, unknown>[], cols: string[]): string {
  const cell = (v: unknown) =>
    v === null || v === undefined ? '–' : typeof v === 'number' ? String(+v.toFixed(3)) : String(v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  return [
    line(cols),
    line(widths.map((w) => '─'.repeat(w))),
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ].join('\n');
}

async function allScores(catalog: Catalog, site: string, filter: { from?: string; to?: string; zone?: string }) {
  const rows: ScoreRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await catalog.listScores(site, filter, { limit: 1000, cursor });
    rows.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rows;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      zones: { type: 'string' },
      name: { type: 'string' },
      bounds: { type: 'string' },
      sensor: { type: 'string' },
      'no-analyse': { type: 'boolean', default: false },
      format: { type: 'string', default: 'table' },
      from: { type: 'string' },
      to: { type: 'string' },
      zone: { type: 'string' },
      label: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, sub, ...rest] = positionals;
  if (values.help || !cmd) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  const dataDir = resolve(values['data-dir'] ?? config.dataDir);
  const log = createLogger('warn');
  const { catalog, blobs, paths } = await openStore(dataDir, log);
  const limits = config.limits;
  try {
    if (cmd === 'sites' && sub === 'list') {
      const page = await catalog.listSites({ limit: 1000 });
      console.log(
        table(
          page.items.map((s) => ({
            id: s.id,
            name: s.name,
            images: s.imageCount,
            zones: s.zones.features.length,
            bounds: s.bounds.join(','),
          })),
          ['id', 'name', 'images', 'zones', 'bounds'],
        ),
      );
    } else if (cmd === 'sites' && sub === 'create') {
      const id = rest[0];
      if (!id || !values.zones) throw new UsageError('sites create needs <id> and --zones <file>');
      parseSiteId(id);
      const zones = parseZones(await readJsonFile(values.zones, '--zones'));
      const bounds = parseBounds(values.bounds);
      if (!bounds) throw new UsageError('sites create needs --bounds w,s,e,n');
      validateZones(zones, bounds);
      const site = await catalog.createSite({
        id,
        name: values.name ?? id,
        bounds,
        settings: SiteSettings.parse({}),
        zones,
      });
      console.log(`created site ${site.id} with ${zones.features.length} zones`);
    } else if (cmd === 'images' && sub === 'ingest') {
      await ingestFolder(rest[0], rest[1], values);
    } else if (cmd === 'images' && sub === 'list') {
      const site = rest[0] ?? '';
      if (!(await catalog.getSite(site))) throw new UsageError(`no site "${site}"`);
      const page = await catalog.listImages(site, {}, { limit: 1000 });
      console.log(
        table(
          page.items.map((i) => ({
            id: i.id,
            acquiredAt: i.acquiredAt,
            status: i.status,
            size: `${i.width}×${i.height}`,
            gsdM: i.gsdM,
            sensor: i.sensor,
          })),
          ['id', 'acquiredAt', 'status', 'size', 'gsdM', 'sensor'],
        ),
      );
    } else if (cmd === 'scores') {
      const site = sub;
      if (!site || !(await catalog.getSite(site))) throw new UsageError(`no site "${site ?? ''}"`);
      const filter = {
        ...(values.from ? { from: normaliseInstant(values.from, 'from') } : {}),
        ...(values.to ? { to: normaliseInstant(values.to, 'to', true) } : {}),
        ...(values.zone ? { zone: values.zone } : {}),
      };
      const rows = await allScores(catalog, site, filter);
      if (values.format === 'json') console.log(JSON.stringify(rows, null, 1));
      else if (values.format === 'csv') {
        console.log(SCORE_CSV_COLUMNS.join(','));
        for (const r of rows) console.log(SCORE_CSV_COLUMNS.map((c) => r[c] ?? '').join(','));
      } else if (values.format === 'table')
        console.log(
          table(
            rows,
            [...SCORE_CSV_COLUMNS].filter((c) => c !== 'imageId'),
          ),
        );
      else throw new UsageError('--format must be table, csv or json');
    } else if (cmd === 'keys' && sub === 'create') {
      const key = generateKey();
      const rec = await catalog.addApiKey(hashKey(key).toString('hex'), values.label ?? null);
      console.log(`key ${rec.id} created (shown once):\n${key}`);
    } else if (cmd === 'keys' && sub === 'list') {
      console.log(
        table(
          (await catalog.listApiKeys()).map((k) => ({ ...k, hash: `${k.hash.slice(0, 8)}…` })),
          ['id', 'label', 'createdAt', 'revokedAt'],
        ),
      );
    } else if (cmd === 'keys' && sub === 'revoke') {
      const id = rest[0] ?? '';
      if (!(await catalog.revokeApiKey(id))) throw new UsageError(`no active key "${id}"`);
      console.log(`key ${id} revoked`);
    } else {
      throw new UsageError(`unknown command: ${positionals.join(' ')}`);
    }
  } finally {
    await catalog.close();
  }

  async function ingestFolder(site: string | undefined, folder: string | undefined, v: typeof values) {
    if (!site || !folder) throw new UsageError('images ingest needs <site> <folder>');
    const dir = resolve(folder);
    if (!existsSync(dir)) throw new UsageError(`images ingest: no folder ${dir}`);
    const bar = progressBar('ingest ');
    // A refused file is skipped with a one-line warning so one bad image does not stop the rest of a folder.
    const skipped: string[] = [];
    const skip = (file: string, why: string) => {
      bar.end();
      console.error(`berthwatch: skipped ${file}: ${why}`);
      skipped.push(file);
    };
    let files: string[];
    if (existsSync(join(dir, 'manifest.json'))) {
      files = (
        await seedFolder(
          { catalog, blobs, limits },
          dir,
          (i, n) => bar.update(i, n),
          (f, e) => skip(f, e.message),
        )
      ).files;
    } else {
      const record = await catalog.getSite(site);
      if (!record) throw new UsageError(`no site "${site}": create it first with sites create`);
      files = (await readdir(dir)).filter((f) => IMAGE_EXT.has(extname(f).toLowerCase())).sort();
      if (files.length === 0) throw new UsageError(`no images in ${dir}`);
      const bounds = parseBounds(v.bounds);
      for (const [i, f] of files.entries()) {
        try {
          await ingestFile(record, join(dir, f), f, { bounds, sensor: v.sensor });
        } catch (e) {
          if (!isRefusal(e)) throw e;
          skip(f, e.message);
        }
        bar.update(i + 1, files.length);
      }
    }
    bar.end();
    await analyseQueued(v['no-analyse'] === true);
    if (skipped.length > 0) {
      throw new SkippedFilesError(
        `${skipped.length} of ${files.length} files skipped (refused, see above): ${skipped.join(', ')}`,
      );
    }
  }

  /** Stages and ingests one dated image file; a refusal (no date in the name, off-site, …) is thrown. */
  async function ingestFile(
    record: SiteRecord,
    path: string,
    name: string,
    o: { bounds: Bounds | undefined; sensor: string | undefined },
  ) {
    const at = dateFromName(name);
    if (!at) throw new UndatedFileError('no date in the file name (expected e.g. 2025-01-14.png)');
    const staged = await blobs.stage(createReadStream(path), { maxBytes: limits.maxBytes });
    await ingestStaged({ catalog, blobs, limits }, record, staged, {
      acquiredAt: normaliseInstant(at, name),
      bounds: o.bounds,
      sensor: o.sensor,
    });
  }

  async function analyseQueued(skip: boolean) {
    if (skip) return;
    const counts = await catalog.jobCounts();
    let total = counts.queued;
    const runner = new JobRunner({ catalog, blobs, paths, log }, config.workers);
    const ab = progressBar('analyse');
    let done = 0;
    let current = 0;
    runner.on('progress', (_j, f: number) => {
      current = f;
      ab.update(done + current, total, `(${Math.round(current * 100)} %)`);
    });
    runner.on('settled', () => {
      done++;
      current = 0;
      ab.update(done, total);
    });
    // A completed analysis may queue re-scores (the site's first dates, once later ones are analysed).
    runner.on('started', () => {
      void catalog.jobCounts().then((c) => {
        total = Math.max(total, done + c.queued + c.running);
      });
    });
    ab.update(0, total);
    await runner.start({ requeue: false });
    await runner.idle();
    await runner.close();
    ab.end();
    const after = await catalog.jobCounts();
    console.log(`analysed: ${after.succeeded} succeeded, ${after.failed} failed`);
  }
}

/** `path: CODE`, or just the code (or message) when the error names no path. */
export function errnoMessage(e: NodeJS.ErrnoException): string {
  return [e.path, e.code ?? e.message].filter(Boolean).join(': ');
}

/** Bad arguments: the message and the usage, exit 2. */
function isUsageError(e: unknown): boolean {
  const parseArgsCode = (e as { code?: unknown })?.code;
  return (
    e instanceof UsageError ||
    e instanceof ConfigError ||
    (typeof parseArgsCode === 'string' && parseArgsCode.startsWith('ERR_PARSE_ARGS_'))
  );
}

/** Bad input (a file, a date, an existing id): one line, no stack; null for a genuine bug, whose stack we want. */
function inputErrorMessage(e: unknown): string | null {
  if (e instanceof ProcessingError || e instanceof HttpProblem || e instanceof ConflictError) return e.message;
  if (e instanceof SkippedFilesError) return e.message;
  const errno = e as NodeJS.ErrnoException;
  if (errno instanceof Error && typeof errno.syscall === 'string') {
    return errnoMessage(errno);
  }
  return null;
}

const entry = process.argv[1] ? pathToFileURL(resolve(process.argv[1])).href : '';
if (import.meta.url === entry)
  void main(process.argv.slice(2)).catch((e) => {
    if (isUsageError(e)) {
      console.error(`berthwatch: ${(e as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    const input = inputErrorMessage(e);
    console.error(input ? `berthwatch: ${input}` : e);
    process.exit(1);
  });
