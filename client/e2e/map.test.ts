// Browser tests of the map, slider, chart, zones, heat map and compare: the built app in Debian's chromium
// against the real server on the analysed sample site. Screenshots go to test-output/.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ScoreRow } from '../../contract/index.ts';
import { canvasPixels, launch, openPage, paintedFraction, pixelDifference } from './browser.ts';
import { type AppHandle, appState, openApp, startFrameSampler, stepTo, zonePoint } from './page.ts';
import { OUT, startSeededServer, type TestServer } from './server.ts';

let server: TestServer;
let browser: Browser;
let page: Page;
let errors: string[];
const tileRequests: string[] = [];
const tilesLoaded: string[] = [];
const detectionRequests: string[] = [];
/** How long a drawing may take to show on the canvas. */
const PAINT = { timeout: 15_000, interval: 200 };

// Seeding the sample (once per run, shared by the files) analyses several dates on two cores: a long hook.
beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  [server, browser] = await Promise.all([startSeededServer(), launch()]);
  ({ page, errors } = await openPage(browser));
  page.on('request', (r) => {
    if (r.url().includes('/tiles/')) tileRequests.push(r.url());
    if (r.url().endsWith('/detections')) detectionRequests.push(r.url());
  });
  page.on('response', (r) => {
    if (r.url().includes('/tiles/') && r.status() === 200) tilesLoaded.push(r.url());
  });
  await openApp(page, server.url);
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function scoresOf(imageId: string): Promise<ScoreRow[]> {
  const { scores } = await appState(page);
  return scores.filter((r) => r.imageId === imageId);
}

describe('the web app on the sample site', () => {
  test('renders the latest date: imagery tiles requested and loaded, canvas not blank', async () => {
    const { dates, index } = await appState(page);
    expect(dates.length).toBeGreaterThanOrEqual(2);
    expect(index).toBe(dates.length - 1);
    const latest = dates[index]!;
    expect(tileRequests.some((u) => u.includes(`/images/${latest.id}/tiles/`))).toBe(true);
    expect(tilesLoaded.some((u) => u.includes(`/images/${latest.id}/tiles/`))).toBe(true);
    expect(await paintedFraction(page)).toBeGreaterThan(0.2);
    expect(await page.textContent('#current-date')).not.toBe('—');
    await page.screenshot({ path: join(OUT, 'webapp-latest.png') });
    expect(errors).toEqual([]);
  });

  test("the opening date's neighbour detections are fetched before the first step", async () => {
    const { dates, index } = await appState(page);
    const previous = dates[index - 1]!;
    // Without it the first step after opening waits a round trip for its boxes.
    await expect
      .poll(() => detectionRequests.some((u) => u.includes(`/images/${previous.id}/detections`)), PAINT)
      .toBe(true);
  });

  test('moving the slider changes the date with no blank frame in between', async () => {
    const before = await paintedFraction(page);
    // A blank frame is one that lost more than 10 % of the painted map area while dates swapped.
    const sampler = await startFrameSampler(page, before * 0.9);
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(await stepTo(page, 'ArrowLeft'));
    const { min, frames, blank } = await sampler.stop();
    expect(new Set(seen).size).toBe(4);
    expect(frames).toBeGreaterThan(4);
    expect(blank).toBe(0);
    expect(min).toBeGreaterThan(before * 0.9);
    const { dates, index } = await appState(page);
    const label = await page.getAttribute('#timeline-slider', 'aria-valuetext');
    expect(label).toContain(new Date(dates[index]!.acquiredAt).getUTCFullYear().toString());
  });

  test('the chart and the zone colours follow the slider', async () => {
    const { dates, index } = await appState(page);
    const id = dates[index]!.id;
    expect(await page.getAttribute('#chart', 'data-index')).toBe(String(index));
    const rows = await scoresOf(id);
    expect(rows.length).toBeGreaterThan(0);
    const states = await page.evaluate(
      (ids) => {
        const bw = (window as unknown as { berthwatch: AppHandle }).berthwatch;
        return ids.map((z) => bw.map.getFeatureState({ source: 'zones', id: z }).activity ?? null);
      },
      rows.map((r) => r.zoneId),
    );
    expect(states).toEqual(rows.map((r) => r.activity));

    // And the other way: a click on the chart at the first date moves the slider there.
    const box = (await page.locator('#chart .u-over').boundingBox())!;
    await page.mouse.click(box.x + 2, box.y + box.height / 2);
    await page.waitForFunction(() => (document.querySelector('#timeline-slider') as HTMLInputElement).value === '0');
    expect(await page.getAttribute('#chart', 'data-index')).toBe('0');
    await stepTo(page, 'End');
  });

  test('clicking a line in the chart selects its zone and moves the slider to that date', async () => {
    const { dates, scores } = await appState(page);
    const index = Math.min(2, dates.length - 1);
    const drawn = await page.evaluate(() =>
      (window as unknown as { berthwatch: AppHandle }).berthwatch.chart.zones.map((z) => z.id),
    );
    const rows = scores.filter(
      (r) => r.imageId === dates[index]!.id && r.activity !== null && drawn.includes(r.zoneId),
    );
    // The zone whose activity stands furthest from every other line's at that date: an unambiguous click.
    const gap = (r: ScoreRow) =>
      Math.min(...rows.filter((o) => o !== r).map((o) => Math.abs(o.activity! - r.activity!)));
    const target = [...rows].sort((a, b) => gap(b) - gap(a))[0]!;
    const at = await page.evaluate(
      ([zone, i]) =>
        (window as unknown as { berthwatch: AppHandle }).berthwatch.chart.pointOf(zone as string, i as number),
      [target.zoneId, index] as const,
    );
    expect(at).not.toBeNull();
    const box = (await page.locator('#chart .u-over').boundingBox())!;
    // A point at the scale's bottom (activity 0) lies on the plotting area's bottom edge, where uPlot
    // takes no click (measured: 1 px inside, none; 3 px, the zone and date): click just above it, as a
    // user would, well within the 14 px a line catches the cursor.
    const y = Math.min(at!.y, box.height - 4);
    await page.mouse.move(box.x + at!.x, box.y + y - 20);
    await page.mouse.move(box.x + at!.x, box.y + y);
    await page.mouse.down();
    await page.mouse.up();
    await page.waitForFunction((id) => {
      const bw = (window as unknown as { berthwatch: AppHandle }).berthwatch;
      return bw.store.state.zoneId === id;
    }, target.zoneId);
    expect((await appState(page)).index).toBe(index);
    await stepTo(page, 'End');
  });

  test('play steps through the dates until paused', async () => {
    await stepTo(page, 'Home');
    await page.click('#play');
    await page.waitForFunction(
      () => (document.querySelector('#timeline-slider') as HTMLInputElement).value === '1',
      null,
      {
        timeout: 10_000,
      },
    );
    expect(await page.getAttribute('#play', 'aria-pressed')).toBe('true');
    await page.click('#play');
    const stopped = (await appState(page)).index;
    await page.waitForTimeout(1600);
    expect((await appState(page)).index).toBe(stopped);
    expect(await page.getAttribute('#play', 'aria-pressed')).toBe('false');
    await stepTo(page, 'End');
  });

  test('clicking a zone on the map shows its scores for the current date', async () => {
    const { dates, index } = await appState(page);
    const rows = await scoresOf(dates[index]!.id);
    const berth =
      rows.find((r) => r.zoneKind === 'berth' && r.vesselCount !== null) ?? rows.find((r) => r.zoneKind === 'berth');
    expect(berth).toBeDefined();
    const at = await zonePoint(page, berth!.zoneId);
    expect(at).not.toBeNull();
    await page.mouse.click(at!.x, at!.y);
    await page.waitForSelector('#zone-name');
    expect((await appState(page)).zoneId).toBe(berth!.zoneId);
    const vessels = page.locator('#zone-stats [data-field="vesselCount"] dd');
    if (berth!.vesselCount === null) expect(await vessels.textContent()).toContain('obscured');
    else expect(await vessels.locator('.value').textContent()).toBe(String(berth!.vesselCount));
    const activity = page.locator('.zone-head [data-field="activity"] .activity-value');
    expect(await activity.textContent()).toBe(berth!.activity === null ? '—' : berth!.activity.toFixed(0));
    expect(await page.inputValue('[data-link="scores-csv"] input')).toContain(`zone=${berth!.zoneId}`);
    await page.screenshot({ path: join(OUT, 'webapp-zone.png') });
  });

  test('every control is labelled for screen readers, and zones can be picked from the keyboard', async () => {
    const unnamed = await page.evaluate(() => {
      const out: string[] = [];
      for (const el of document.querySelectorAll<HTMLElement>('button, input, select, [role="slider"]')) {
        if (el.closest('dialog:not([open])') || (el as HTMLInputElement).type === 'hidden') continue;
        const labelledBy = el.getAttribute('aria-labelledby');
        const name =
          el.getAttribute('aria-label') ||
          (labelledBy && document.getElementById(labelledBy)?.textContent) ||
          (el as HTMLInputElement).labels?.[0]?.textContent ||
          el.textContent?.trim() ||
          el.getAttribute('title');
        if (!name) out.push(el.outerHTML.slice(0, 120));
      }
      return out;
    });
    expect(unnamed).toEqual([]);
    const buttons = page.locator('.zone-item');
    const target = (await buttons.nth(1).getAttribute('data-zone'))!;
    await buttons.nth(1).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (id) => document.querySelector('.zone-item[aria-pressed="true"]')?.getAttribute('data-zone') === id,
      target,
    );
    expect((await appState(page)).zoneId).toBe(target);
    // Focus survives the panel's re-render, so the next zone is one Tab away.
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.zone)).toBe(target);
  });

  test('the heat map toggles on and off', async () => {
    const before = await canvasPixels(page);
    const heat = page.waitForResponse((r) => r.url().includes('/heatmap?') && r.status() === 200);
    await page.click('#layer-heat');
    const res = await heat;
    const fc = (await res.json()) as { features: unknown[] };
    await page.waitForSelector('body[data-heat="change"]');
    const visible = () =>
      page.evaluate(() =>
        (window as unknown as { berthwatch: AppHandle }).berthwatch.map.getLayoutProperty('heat', 'visibility'),
      );
    expect(await visible()).toBe('visible');
    expect(await page.textContent('#legend')).toContain('Change frequency');
    // The heat map is drawn over the imagery: the map looks different where cells have weight. Polled, not
    // waited for: a loaded CI machine takes longer than any fixed pause to draw.
    const difference = async () => pixelDifference(before, await canvasPixels(page));
    if (fc.features.length > 0) await expect.poll(difference, PAINT).toBeGreaterThan(0.5);
    await page.screenshot({ path: join(OUT, 'webapp-heatmap.png') });
    await page.click('#layer-heat');
    await page.waitForSelector('body[data-heat="off"]');
    expect(await visible()).toBe('none');
    await expect.poll(difference, PAINT).toBeLessThan(0.5);
  });

  test('compare shows two dates side by side under a swipe divider', async () => {
    await page.click('#compare-toggle');
    const left = page.locator('.compare-label.left');
    const right = page.locator('.compare-label.right');
    await left.waitFor();
    const leftId = await left.getAttribute('data-image-id');
    const rightId = await right.getAttribute('data-image-id');
    expect(leftId).toBeTruthy();
    expect(leftId).not.toBe(rightId);
    await page.waitForFunction(
      (id) => performance.getEntriesByType('resource').some((e) => e.name.includes(`/images/${id}/tiles/`)),
      leftId,
    );
    await expect.poll(() => paintedFraction(page, '.compare-map canvas'), PAINT).toBeGreaterThan(0.1);
    // The divider is keyboard-operable.
    await page.focus('.swipe-handle');
    await page.keyboard.press('ArrowLeft');
    expect(Number(await page.getAttribute('.swipe-handle', 'aria-valuenow'))).toBeLessThan(50);
    await page.screenshot({ path: join(OUT, 'webapp-compare.png') });
    await page.click('#compare-toggle');
    expect(await left.count()).toBe(0);
  });
});
