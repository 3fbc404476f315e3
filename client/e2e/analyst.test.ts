// Browser tests of what an analyst met while a site is being analysed (the 3 s refresh of the image list
// must not throw away the detections already fetched) and once an image failed analysis (which, why, and
// a way to remove it).
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Image, Problem } from '../../contract/index.ts';
import { launch, openPage } from './browser.ts';
import { type AppHandle, appState, openApp, stepTo } from './page.ts';
import { OUT, startSeededServer, type TestServer } from './server.ts';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startSeededServer(), launch()]);
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * Makes every listing of the site's images also hold one image still being analysed, so the app keeps
 * refreshing every 3 s for as long as the test needs (a real analysis may finish before the test is done).
 */
async function withPendingImage(context: BrowserContext): Promise<void> {
  await context.route(/\/api\/sites\/[^/]+\/images\?/, async (route) => {
    const res = await route.fetch();
    const body = (await res.json()) as { items: Image[]; nextCursor: string | null };
    const last = body.items[body.items.length - 1];
    if (last && !body.nextCursor) {
      const at = new Date(Date.parse(last.acquiredAt) + 86_400_000).toISOString();
      body.items.push({ ...last, id: 'img_pending_e2e', acquiredAt: at, status: 'processing', error: null });
    }
    await route.fulfill({ response: res, json: body });
  });
}

/** Milliseconds from a step of the slider until the new date's boxes are in the legend (not loading). */
function timedStep(page: Page, key: string): Promise<number> {
  return page.evaluate(async (k) => {
    const slider = document.querySelector<HTMLInputElement>('#timeline-slider')!;
    const before = slider.value;
    const t0 = performance.now();
    // A range input moves on a trusted key only: step as the key would.
    slider.value = String(Number(before) + (k === 'ArrowRight' ? 1 : -1));
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      const legend = document.querySelector('#legend')?.textContent ?? '';
      if (!legend.includes('loading')) return performance.now() - t0;
      if (performance.now() - t0 > 20_000) return Number.POSITIVE_INFINITY;
    }
  }, key);
}

describe('while an image of the site is being analysed', () => {
  test('the periodic refresh keeps the detections already fetched: stepping back asks for none again', async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await withPendingImage(context);
      const detectionRequests: string[] = [];
      page.on('request', (r) => {
        if (r.url().endsWith('/detections')) detectionRequests.push(r.url());
      });
      await openApp(page, server.url);
      await expect.poll(() => page.textContent('#map-status')).toContain('Analysing 1 image');
      const visited = [await stepTo(page, 'ArrowLeft'), await stepTo(page, 'ArrowLeft')];
      // Two refreshes of the list (3 s apart) after those dates' boxes came in.
      for (let i = 0; i < 2; i++)
        await page.waitForResponse((r) => /\/images\?/.test(r.url()) && r.request().method() === 'GET', {
          timeout: 10_000,
        });
      const steps = [await timedStep(page, 'ArrowRight'), await timedStep(page, 'ArrowLeft')];
      console.log(`steps to a visited date after a refresh: ${steps.map((t) => t.toFixed(0)).join(', ')} ms`);
      const { dates, index } = await appState(page);
      expect(dates[index]!.id).toBe(visited[1]);
      for (const id of [...visited, dates[dates.length - 1]!.id]) {
        const asked = detectionRequests.filter((u) => u.includes(`/images/${id}/detections`));
        expect(asked, id).toHaveLength(1);
      }
      await page.screenshot({ path: join(OUT, 'webapp-analysing.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});

/**
 * Makes the listings show one real image of the site as failed, with `failure`, for as long as it exists,
 * and (while `pending.on`) one more image being analysed.
 */
async function withFailedImage(
  context: BrowserContext,
  imageId: string,
  failure: Pick<Image, 'error' | 'errorCode'>,
  pending: { on: boolean },
): Promise<void> {
  await context.route(/\/api\/sites\/[^/]+\/images\?/, async (route) => {
    const res = await route.fetch();
    const body = (await res.json()) as { items: Image[]; nextCursor: string | null };
    body.items = body.items.map((i) => (i.id === imageId ? { ...i, status: 'failed', ...failure } : i));
    const last = body.items[body.items.length - 1];
    if (pending.on && last) {
      const at = new Date(Date.parse(last.acquiredAt) + 86_400_000).toISOString();
      body.items.push({ ...last, id: 'img_pending_e2e', acquiredAt: at, status: 'processing', error: null });
    }
    await route.fulfill({ response: res, json: body });
  });
}

describe('while an image is analysed and the server cannot be reached for a moment', () => {
  test('the app says so and keeps polling, rather than showing "Analysing…" for ever', async () => {
    const { context, page } = await openPage(browser);
    try {
      await withPendingImage(context);
      await openApp(page, server.url);
      await expect.poll(() => page.textContent('#map-status')).toContain('Analysing 1 image');
      // The next listing fails at the network level, once.
      let failed = false;
      await context.route(/\/api\/sites\/[^/]+\/images\?/, async (route) => {
        if (failed) return route.fallback();
        failed = true;
        await route.abort('internetdisconnected');
      });
      await expect.poll(() => page.textContent('#map-status'), { timeout: 10_000 }).toContain('retrying');
      const after = page.waitForResponse((r) => /\/images\?/.test(r.url()) && r.status() === 200, { timeout: 10_000 });
      await after;
      await expect.poll(() => page.textContent('#map-status')).toContain('Analysing 1 image');
      await page.screenshot({ path: join(OUT, 'webapp-refresh-retry.png') });
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe('an image that failed analysis', () => {
  test('is listed with the server’s reason, and removed with the API key after a wrong key is refused', async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      const listed = (await (await fetch(`${server.url}/api/sites`)).json()) as { items: { id: string }[] };
      const site = listed.items[0]!.id;
      const images = (await (await fetch(`${server.url}/api/sites/${site}/images`)).json()) as { items: Image[] };
      const victim = images.items[0]!;
      // Words no pattern of the app knows: the code alone says the data is damaged.
      const serverText = 'TIFF block 3,1 decodes to too few bytes';
      const pending = { on: true };
      await withFailedImage(context, victim.id, { error: serverText, errorCode: 'damaged_data' }, pending);
      await openApp(page, server.url);
      await expect
        .poll(() => page.textContent('#map-status'))
        .toContain('Analysing 1 image… · 1 image failed analysis');
      // On an 800 px window the status line and its button stay clear of the legend.
      await page.setViewportSize({ width: 800, height: 900 });
      const box = async (sel: string) => (await page.locator(sel).boundingBox())!;
      await expect
        .poll(async () => (await box('.map-status-bar')).x)
        .toBeGreaterThanOrEqual((await box('#legend')).x + (await box('#legend')).width);
      await page.setViewportSize({ width: 1440, height: 900 });
      // Opened while the 3 s refresh runs: the refresh updates the rows in place, so focus stays on the
      // row's Remove and the map's keys do not act behind the modal.
      await page.click('#failed-open');
      await page.waitForSelector('#failed-dialog[open]');
      const row = page.locator(`.failed-item[data-image="${victim.id}"]`);
      expect(await row.locator('.failed-why').textContent()).toBe(
        'The image data is damaged and could not be decoded.',
      );
      expect(await row.locator('.failed-detail code').textContent()).toBe(serverText);
      expect(await row.locator('.failed-detail').isHidden()).toBe(false);
      const focusedImage = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.image);
      expect(await focusedImage()).toBe(victim.id);
      const indexBefore = (await appState(page)).index;
      await page.waitForResponse((r) => /\/images\?/.test(r.url()), { timeout: 10_000 });
      await page.waitForTimeout(300);
      expect(await focusedImage()).toBe(victim.id);
      await page.keyboard.press('[');
      await page.keyboard.press('u');
      expect((await appState(page)).index).toBe(indexBefore);
      expect(await page.isVisible('#upload-dialog[open]')).toBe(false);
      pending.on = false;
      await expect.poll(() => page.textContent('#map-status'), { timeout: 10_000 }).not.toContain('Analysing');
      expect(await row.locator('strong').textContent()).toContain(
        new Date(victim.acquiredAt).getUTCFullYear().toString(),
      );
      await page.screenshot({ path: join(OUT, 'webapp-failed.png') });

      // A wrong key: the server's refusal beside the key field, and the image still there.
      await page.fill('#failed-key', 'not-a-valid-key');
      // The first click only asks: the stored original would be gone for good.
      const deletes: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'DELETE') deletes.push(r.url());
      });
      await row.locator('button').click();
      await expect.poll(() => row.locator('button').textContent()).toBe('Remove for good');
      await page.waitForTimeout(200);
      expect(deletes).toEqual([]);
      const refused = page.waitForResponse((r) => r.request().method() === 'DELETE');
      await row.locator('button').click();
      const res = await refused;
      expect([401, 403]).toContain(res.status());
      const problem = (await res.json()) as Problem;
      await expect.poll(() => page.textContent('#err-failed-key')).toContain(problem.detail);
      expect((await fetch(`${server.url}/api/images/${victim.id}`)).status).toBe(200);

      await page.fill('#failed-key', server.apiKey);
      const removed = page.waitForResponse((r) => r.request().method() === 'DELETE');
      await row.locator('button').click();
      await row.locator('button').click();
      expect((await removed).status()).toBe(204);
      await expect.poll(() => page.textContent('#failed-list')).toContain('No failed images left');
      // Focus stays in the dialog: on Close, the last row gone.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('failed-close');
      expect((await fetch(`${server.url}/api/images/${victim.id}`)).status).toBe(404);
      await expect.poll(() => page.textContent('#map-status')).not.toContain('failed analysis');
      expect(await page.isHidden('#failed-open')).toBe(true);
      expect(errors.filter((e) => !/40[13]|Unauthorized|Forbidden/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});

describe('the chart of counts', () => {
  test('labels its value axis in whole vessels and rail cars, never 2.5 of one', async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await openApp(page, server.url);
      const ticks = () =>
        page.evaluate(() => (window as unknown as { berthwatch: AppHandle }).berthwatch.chart.valueTicks);
      for (const metric of ['Vessels', 'Rail cars']) {
        await page.click(`#chart-metric button:text-is("${metric}")`);
        await expect.poll(async () => (await ticks()).length).toBeGreaterThanOrEqual(2);
        const labels = await ticks();
        expect(
          labels.every((t) => /^\d+$/.test(t)),
          `${metric}: ${labels.join(' ')}`,
        ).toBe(true);
      }
      await page.screenshot({ path: join(OUT, 'webapp-chart-counts.png') });
      // Activity keeps its 0–100 scale.
      await page.click('#chart-metric button:text-is("Activity")');
      await expect.poll(ticks).toContain('100');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
