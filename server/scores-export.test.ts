/** The scores CSV as an export: a download without `limit` holds every row, not the first page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORE_CSV_COLUMNS, SiteSettings, ZoneCollection } from '../contract/index.ts';
import { fixtureImage } from './testing/catalog-fixtures.ts';
import { BOUNDS, startTestServer, type TestServer, ZONES } from './testing/harness.ts';

let s: TestServer;
/** More score rows than one default page (100): 60 dates × the harness's zones. */
const DATES = 60;
/** More score rows than one store page of the export (1000). */
const BIG_DATES = 520;

/** A site with `dates` analysed images, written straight into the catalogue. */
async function seedSite(id: string, dates: number): Promise<void> {
  // Through the catalogue, not HTTP: a kept-alive socket left idle through the long seeding was reset on reuse.
  await s.catalog.createSite({
    id,
    name: id,
    bounds: BOUNDS,
    settings: SiteSettings.parse({}),
    zones: ZoneCollection.parse(ZONES),
  });
  // Analyses written straight into the catalogue (no worker): the route, not the pipeline, is under test.
  const index = new Map<string, number>();
  for (let i = 0; i < dates; i++) {
    const added = await s.catalog.addImage({
      ...fixtureImage(id, new Date(Date.UTC(2025, 0, 1 + i * 7)).toISOString()),
      bounds: BOUNDS,
    });
    index.set(added.image.id, i);
    // Re-scores of the first dates (their scores written alike) come between.
    for (let job = await s.catalog.claimJob(); job; job = await s.catalog.claimJob()) {
      const k = index.get(job.imageId)!;
      await s.catalog.completeJob(job.id, {
        grid: { bounds: BOUNDS, width: 10, height: 10, pixelWidthM: 1, pixelHeightM: 1 },
        bands: ['red', 'green', 'blue'],
        image: { cloudFraction: 0, coverage: 1, registration: null },
        scores: ZONES.features.map((z) => ({
          zoneId: z.properties.id,
          zoneKind: z.properties.kind,
          vesselCount: z.properties.kind === 'rail' ? null : k,
          vesselAreaM2: z.properties.kind === 'rail' ? null : 100 * k,
          arrivals: null,
          departures: null,
          railCarCount: z.properties.kind === 'rail' ? k : null,
          railOccupancy: z.properties.kind === 'rail' ? 0.5 : null,
          changeFraction: null,
          coverage: 1,
          activity: k,
        })),
        detections: [],
      });
    }
  }
}

beforeAll(async () => {
  s = await startTestServer({ config: { workers: 0 } });
  await seedSite('port', DATES);
  await seedSite('big', BIG_DATES);
});
afterAll(() => s.stop());

const csvLines = async (query: string) => {
  const r = await s.req(`/api/sites/port/scores?format=csv${query}`);
  expect(r.status).toBe(200);
  return { r, lines: (await r.text()).trim().split('\n') };
};

describe('the scores CSV', () => {
  it('without a limit, holds every row of the site (the web app’s download link)', async () => {
    const rows = DATES * ZONES.features.length;
    expect(rows).toBeGreaterThan(100);
    const { r, lines } = await csvLines('');
    expect(lines[0]).toBe(SCORE_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(rows + 1);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="port-scores.csv"');
    expect(r.headers.get('link')).toBeNull();
    expect(lines[lines.length - 1]).toContain(new Date(Date.UTC(2025, 0, 1 + (DATES - 1) * 7)).toISOString());
  });

  it('with a limit, is one page with a link to the next', async () => {
    const { r, lines } = await csvLines('&limit=10');
    expect(lines).toHaveLength(11);
    expect(r.headers.get('link')).toContain('rel="next"');
    expect(r.headers.get('x-next-cursor')).toBeTruthy();
  });

  it('without a limit, still keeps to the period and zone asked for', async () => {
    const zone = ZONES.features[0]!.properties.id;
    const { r, lines } = await csvLines(`&zone=${zone}&from=2025-01-01&to=2025-03-31`);
    // Saved under the zone's name, so a second zone's download is not 'port-scores (1).csv'.
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="port-${zone}-scores.csv"`);
    const inPeriod = Array.from({ length: DATES }, (_, i) => Date.UTC(2025, 0, 1 + i * 7)).filter(
      (t) => t <= Date.UTC(2025, 2, 31, 23, 59, 59),
    ).length;
    expect(lines).toHaveLength(inPeriod + 1);
    expect(lines.slice(1).every((l) => l.split(',')[2] === zone)).toBe(true);
  });

  it('without a limit, is read from the store on every request and never cached (a whole-site export would be pinned)', async () => {
    const reads = countScoreReads();
    try {
      await csvLines(`&zone=${ZONES.features[1]!.properties.id}`);
      await csvLines(`&zone=${ZONES.features[1]!.properties.id}`);
      expect(reads.count).toBe(2);
      // Pages with a limit are small and still served from the cache.
      await csvLines('&limit=5');
      await csvLines('&limit=5');
      expect(reads.count).toBe(3);
    } finally {
      reads.restore();
    }
  });
});

describe('the scores CSV export of more rows than one store page', () => {
  it('holds every row once, oldest first, read a page at a time', async () => {
    const reads = countScoreReads();
    try {
      const r = await s.req('/api/sites/big/scores?format=csv');
      const lines = (await r.text()).trim().split('\n');
      const rows = BIG_DATES * ZONES.features.length;
      expect(rows).toBeGreaterThan(1000);
      expect(lines).toHaveLength(rows + 1);
      expect(new Set(lines.slice(1)).size).toBe(rows);
      const times = lines.slice(1).map((l) => Date.parse(l.split(',')[1] ?? ''));
      expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
      expect(reads.count).toBe(Math.ceil(rows / 1000));
    } finally {
      reads.restore();
    }
  });
});

/** Counts the store's score-page reads (the route shares the server's catalogue). */
function countScoreReads(): { count: number; restore(): void } {
  const original = s.catalog.listScores;
  const reads = {
    count: 0,
    restore: () => {
      s.catalog.listScores = original;
    },
  };
  s.catalog.listScores = (...args) => {
    reads.count++;
    return original.apply(s.catalog, args);
  };
  return reads;
}
