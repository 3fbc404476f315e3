/** The CLI on the same store as the server: create a site, ingest a folder of dated images, export scores, manage keys. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORE_CSV_COLUMNS, type ScoreRow } from '../contract/index.ts';
import { dateFromName, errnoMessage } from './cli.ts';
import { loadConfig } from './config.ts';
import { REPO_ROOT, startServer } from './start.ts';
import { cropSample, type SampleCrop } from './testing/sample.ts';

const run = promisify(execFile);
let dir: string;
let dataDir: string;
let crop: SampleCrop;

function cli(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'server/cli.ts'), '--data-dir', dataDir, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, BERTHWATCH_API_KEYS: '' },
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-cli-'));
  dataDir = join(dir, 'data');
  crop = await cropSample(2);
  await writeFile(join(dir, 'zones.geojson'), JSON.stringify(crop.zones));
  for (const img of crop.images) await writeFile(join(dir, `${img.acquiredAt.slice(0, 10)}.png`), img.png);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('cli', () => {
  it('reads acquisition times from file names', () => {
    expect(dateFromName('2025-01-14.png')).toBe('2025-01-14T00:00:00Z');
    expect(dateFromName('rajin_20250114T0152.tif')).toBe('2025-01-14T01:52:00Z');
    expect(dateFromName('scene.png')).toBeNull();
  });

  it('names an IO error by its path and code, or by its code alone without a leading colon', () => {
    const withPath = Object.assign(new Error('x'), { code: 'ENOENT', path: '/tmp/a', syscall: 'open' });
    expect(errnoMessage(withPath)).toBe('/tmp/a: ENOENT');
    const bare = Object.assign(new Error('x'), { code: 'ENOENT', syscall: 'open' });
    expect(errnoMessage(bare)).toBe('ENOENT');
  });

  it('creates a site, ingests and analyses a folder, and exports scores as CSV and JSON', async () => {
    const created = await cli(
      'sites',
      'create',
      'pier',
      '--zones',
      join(dir, 'zones.geojson'),
      '--bounds',
      crop.bounds.join(','),
    );
    expect(created.stdout).toContain('created site pier');
    const ingest = await cli('images', 'ingest', 'pier', dir, '--bounds', crop.bounds.join(','));
    // Two images, and the re-scores of both once the second is analysed (the first then reads it).
    expect(ingest.stdout).toContain('analysed: 4 succeeded, 0 failed');
    expect(ingest.stderr).toContain('4/4');
    const list = await cli('images', 'list', 'pier');
    expect(list.stdout.split('\n').filter((l) => l.includes('ready'))).toHaveLength(2);
    const csv = (await cli('scores', 'pier', '--format', 'csv')).stdout.trim().split('\n');
    expect(csv[0]).toBe(SCORE_CSV_COLUMNS.join(','));
    expect(csv).toHaveLength(1 + 2 * crop.zones.features.length);
    const json = JSON.parse((await cli('scores', 'pier', '--format', 'json')).stdout) as ScoreRow[];
    expect(json).toHaveLength(2 * crop.zones.features.length);
    const table = (await cli('scores', 'pier')).stdout;
    expect(table).toContain('vesselCount');
    await expect(cli('scores', 'nowhere')).rejects.toThrow(/no site/);
    // Four analyses (two re-scores): twice the time under load.
  }, 240_000);

  it('answers bad arguments and bad files with one line naming them, exit 2, and creates nothing', async () => {
    await writeFile(join(dir, 'broken.geojson'), '{"type":');
    const bounds = crop.bounds.join(',');
    const zones = join(dir, 'zones.geojson');
    const cases: Array<[string[], RegExp]> = [
      [['sites', 'create', 'Bad_Id', '--zones', zones, '--bounds', bounds], /site id "Bad_Id": must be a slug/],
      [
        ['sites', 'create', 'x', '--zones', join(dir, 'missing.geojson'), '--bounds', bounds],
        /--zones .*cannot read \(ENOENT\)/,
      ],
      [['sites', 'create', 'x', '--zones', dir, '--bounds', bounds], /--zones .*cannot read \(EISDIR\)/],
      [['sites', 'create', 'x', '--zones', join(dir, 'broken.geojson'), '--bounds', bounds], /--zones .*not JSON/],
      [['images', 'ingest', 'x', join(dir, 'no-such-folder')], /no folder/],
      [['images', 'list', 'nowhere'], /no site "nowhere"/],
      [['sites', 'list', '--colour'], /Unknown option '--colour'/],
    ];
    // The cases are independent and each spawns a CLI that compiles on start: run them at once, not in turn.
    const failures = await Promise.all(
      cases.map(([args]) =>
        cli(...args).then(
          () => null,
          (err: unknown) => err as { code: number; stderr: string },
        ),
      ),
    );
    for (const [i, [args, message]] of cases.entries()) {
      const e = failures[i];
      expect(e, args.join(' ')).not.toBeNull();
      expect(e!.code, args.join(' ')).toBe(2);
      expect(e!.stderr.split('\n')[0]).toMatch(message);
      expect(e!.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
    expect((await cli('sites', 'list')).stdout).not.toMatch(/Bad_Id/);
  }, 120_000);

  it('refuses an image whose file name dates it in the future, storing nothing (the upload rule, shared)', async () => {
    const bounds = crop.bounds.join(',');
    await cli('sites', 'create', 'future', '--zones', join(dir, 'zones.geojson'), '--bounds', bounds);
    const folder = join(dir, 'future');
    await mkdir(folder);
    await writeFile(join(folder, '2205-01-14.png'), crop.images[0]!.png);
    const e = (await cli('images', 'ingest', 'future', folder, '--bounds', bounds, '--no-analyse').then(
      () => null,
      (err: unknown) => err,
    )) as { stderr: string } | null;
    expect(e).not.toBeNull();
    expect(e!.stderr).toMatch(/2205-01-14\.png: acquiredAt 2205-01-14T00:00:00(\.000)?Z is in the future/);
    expect((await cli('images', 'list', 'future')).stdout).not.toMatch(/2205/);
  }, 120_000);

  it('skips a refused file of a folder with one line, ingests the rest, and exits 1 saying how many were skipped', async () => {
    const bounds = crop.bounds.join(',');
    await cli('sites', 'create', 'mixed', '--zones', join(dir, 'zones.geojson'), '--bounds', bounds);
    const folder = join(dir, 'mixed');
    await mkdir(folder);
    const good = `${crop.images[0]!.acquiredAt.slice(0, 10)}.png`;
    await writeFile(join(folder, '2205-01-14.png'), crop.images[1]!.png);
    await writeFile(join(folder, good), crop.images[0]!.png);
    await writeFile(join(folder, 'scene.png'), crop.images[1]!.png);
    const e = (await cli('images', 'ingest', 'mixed', folder, '--bounds', bounds, '--no-analyse').then(
      () => null,
      (err: unknown) => err,
    )) as { code: number; stderr: string } | null;
    expect(e).not.toBeNull();
    expect(e!.code).toBe(1);
    const lines = e!.stderr.split('\n');
    expect(lines.filter((l) => l.startsWith('berthwatch: skipped 2205-01-14.png: '))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('berthwatch: skipped scene.png: no date'))).toHaveLength(1);
    expect(e!.stderr).toMatch(/2 of 3 files skipped/);
    expect(e!.stderr).not.toMatch(/usage:/);
    const listed = (await cli('images', 'list', 'mixed')).stdout;
    expect(listed).toContain(crop.images[0]!.acquiredAt.slice(0, 10));
    expect(listed.split('\n').filter((l) => l.includes('img_'))).toHaveLength(1);
  }, 120_000);

  it('creates and revokes keys the server accepts and then refuses', async () => {
    const out = (await cli('keys', 'create', '--label', 'test')).stdout;
    const key = out.trim().split('\n').pop()!;
    const id = /key (key_\S+) created/.exec(out)![1]!;
    const server = await startServer({ dataDir, config: { workers: 0, log: 'silent' } });
    try {
      const del = () =>
        fetch(`${server.url}/api/sites/none`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
      expect((await del()).status).toBe(404);
      expect((await cli('keys', 'revoke', id)).stdout).toContain('revoked');
      await new Promise((r) => setTimeout(r, 1100));
      expect((await del()).status).toBe(403);
    } finally {
      await server.close();
    }
  });
});

describe('configuration', () => {
  it('parses the environment once, with defaults', () => {
    const c = loadConfig({
      PORT: '9000',
      BERTHWATCH_API_KEYS: 'aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb',
      BERTHWATCH_SEED: '0',
    });
    expect(c.port).toBe(9000);
    expect(c.apiKeys).toEqual(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']);
    expect(c.seed).toBe(false);
    expect(c.limits.maxBytes).toBe(2 * 1024 ** 3);
  });

  it('stops with a clear message on bad configuration', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ BERTHWATCH_API_KEYS: 'short' })).toThrow(/at least 16 characters/);
    expect(() => loadConfig({ BERTHWATCH_SEED: 'maybe' })).toThrow(/BERTHWATCH_SEED/);
  });
});
