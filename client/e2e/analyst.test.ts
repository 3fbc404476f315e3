// Browser tests of what an analyst met while a site is being analysed: the 3 s refresh of the image list
// must not throw away the detections already fetched, and stepping faster than imagery loads is covered.
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Image } from '../../contract/index.ts';
import { launch, openPage } from './browser.ts';
import { appState, openApp, stepTo } from './page.ts';
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
