import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORE_CSV_COLUMNS } from '../contract/index.ts';
import { WATER_SEEN_DIR } from './water-memory.ts';

const run = promisify(execFile);
const CLI = new URL('./cli.ts', import.meta.url).pathname;
const SITE = new URL('../sample-tiles/rajin/', import.meta.url).pathname;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('berthwatch-analyze CLI', () => {
  let dir: string;
  // A 512×384 crop of two sample dates, with one berth zone inside it.
  const bounds = [130.2375918, 42.2534571, 130.2437959, 42.2569141];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bw-cli-'));
    for (const [date, file] of [
      ['2025-01-14', 'images/2025-01-14.webp'],
      ['2025-02-13', 'images/2025-02-13.jpg'],
    ] as const) {
      await sharp(join(SITE, file))
        .extract({ left: 0, top: 0, width: 512, height: 384 })
        .png()
        .toFile(join(dir, `port-${date}.png`));
    }
    const [w, s, e, n] = bounds as [number, number, number, number];
    const zone = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { id: 'west', name: 'West', kind: 'berth' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [w + (e - w) * 0.1, s + (n - s) * 0.1],
                [w + (e - w) * 0.9, s + (n - s) * 0.1],
                [w + (e - w) * 0.9, s + (n - s) * 0.9],
                [w + (e - w) * 0.1, s + (n - s) * 0.9],
                [w + (e - w) * 0.1, s + (n - s) * 0.1],
              ],
            ],
          },
        },
      ],
    };
    await writeFile(join(dir, 'zones.geojson'), JSON.stringify(zone));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('analyses a folder of dated images and prints scores as CSV, oldest first', async () => {
    const r = await cli([
      '--zones',
      join(dir, 'zones.geojson'),
      '--images',
      dir,
      '--bounds',
      bounds.join(','),
      '--format',
      'csv',
      '--work',
      join(dir, 'work'),
    ]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(SCORE_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('2025-01-14T00:00:00.000Z,west,berth');
    expect(lines[2]).toContain('2025-02-13T00:00:00.000Z,west,berth');
    const analysis = JSON.parse(await readFile(join(dir, 'work', 'port-2025-02-13', 'analysis.json'), 'utf8'));
    expect(analysis.scores[0].changeFraction).not.toBeNull();
    // The site's memory of open water runs from the first date into the second (water-memory.ts).
    const seen = async (id: string) =>
      (await readFile(join(dir, 'work', id, WATER_SEEN_DIR, 'west.raw'))).subarray(20).reduce((m, v) => Math.max(m, v));
    expect(await seen('port-2025-01-14')).toBe(1);
    expect(await seen('port-2025-02-13')).toBe(2);
  });

  it('refuses a bad option with the field and exit code 2', async () => {
    const r = await cli(['--zones', join(dir, 'zones.geojson'), '--images', dir, '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/format/);
  });

  it('refuses inverted bounds naming the defect', async () => {
    const r = await cli(['--zones', join(dir, 'zones.geojson'), '--images', dir, '--bounds', '10,0,5,1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/west .* must be less than east/);
  });

  it('refuses images without bounds when they are not georeferenced', async () => {
    const r = await cli(['--zones', join(dir, 'zones.geojson'), '--images', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bounds/);
  });
});
