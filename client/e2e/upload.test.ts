// Browser tests of the upload panel against the real server: a good upload is analysed and its date joins
// the slider; bad ones show the server's own words beside the field at fault.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Job, Problem } from '../../contract/index.ts';
import { damagedTiff } from '../../server/testing/harness.ts';
import { launch, openPage } from './browser.ts';
import { appState, openApp } from './page.ts';
import { OUT, ROOT, startSeededServer, type TestServer } from './server.ts';

let server: TestServer;
let browser: Browser;
let page: Page;

interface Manifest {
  site: { id: string; bounds: [number, number, number, number] };
  images: { file: string; acquiredAt: string; bounds?: [number, number, number, number] }[];
}

// Seeding the sample (once per run, shared by the files) analyses several dates on two cores: a long hook.
beforeAll(async () => {
  [server, browser] = await Promise.all([startSeededServer(), launch()]);
  ({ page } = await openPage(browser));
  await openApp(page, server.url);
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openUpload(): Promise<void> {
  await page.click('#upload-open');
  await page.waitForSelector('#upload-dialog[open]');
}

describe('uploading through the web app', () => {
  test('an upload completes, shows its progress, and its date appears in the slider', async () => {
    const { dates } = await appState(page);
    const sampleDir = join(ROOT, 'sample-tiles');
    const siteId = (await appState(page)).dates[0]!.siteId;
    const manifest = JSON.parse(await readFile(join(sampleDir, siteId, 'manifest.json'), 'utf8')) as Manifest;
    const src = manifest.images[0]!;
    // New bytes (the same bytes again would be the existing image): the first sample date re-encoded.
    const bytes = await sharp(join(sampleDir, siteId, src.file))
      .jpeg({ quality: 80 })
      .toBuffer();
    const last = new Date(dates[dates.length - 1]!.acquiredAt);
    const day = new Date(last.getTime() + 20 * 86_400_000).toISOString().slice(0, 10);

    await openUpload();
    await page.setInputFiles('#upload-file', { name: 'rajin-upload.jpg', mimeType: 'image/jpeg', buffer: bytes });
    expect(await page.textContent('#upload-drop .file-name')).toContain('rajin-upload.jpg');
    await page.fill('#upload-date', day);
    const b = src.bounds ?? manifest.site.bounds;
    for (const [i, side] of ['west', 'south', 'east', 'north'].entries())
      await page.fill(`#upload-${side}`, String(b[i]));
    await page.fill('#upload-key', server.apiKey);
    const accepted = page.waitForResponse((r) => r.url().endsWith('/images') && r.request().method() === 'POST');
    await page.click('#upload-submit');
    expect((await accepted).status()).toBe(202);
    await page.waitForFunction(() => document.querySelector('#upload-status')?.textContent?.startsWith('Done'), null, {
      timeout: 120_000,
    });
    expect(await page.evaluate(() => (document.querySelector('#upload-progress') as HTMLProgressElement).value)).toBe(
      1,
    );
    expect(await page.evaluate(() => (document.querySelector('#job-progress') as HTMLProgressElement).value)).toBe(1);
    await page.screenshot({ path: join(OUT, 'webapp-upload.png') });
    await page.click('#upload-dialog .dialog-foot button:not(.primary)');

    const after = await appState(page);
    expect(after.dates.length).toBe(dates.length + 1);
    expect(after.dates[after.index]!.acquiredAt.slice(0, 10)).toBe(day);
    expect(await page.inputValue('#timeline-slider')).toBe(String(after.dates.length - 1));
    expect(await page.getAttribute('#timeline-slider', 'aria-valuetext')).toContain(
      `${after.dates.length} of ${after.dates.length}`,
    );
    // And the API key is remembered for next time.
    expect(await page.evaluate(() => localStorage.getItem('berthwatch.apiKey'))).toBe(server.apiKey);
    // The analysis job runs inside this test: its budget must cover the 120 s wait for "Done" above.
  }, 180_000);

  test('a file that is not an image shows the server’s message next to the file field', async () => {
    await openUpload();
    await page.setInputFiles('#upload-file', {
      name: 'not-an-image.png',
      mimeType: 'image/png',
      buffer: Buffer.from('this is a text file, not a PNG at all\n'.repeat(40)),
    });
    await page.fill('#upload-date', '2026-06-01');
    await page.fill('#upload-key', server.apiKey);
    const answer = page.waitForResponse((r) => r.url().endsWith('/images') && r.request().method() === 'POST');
    await page.click('#upload-submit');
    const res = await answer;
    expect(res.status()).toBeGreaterThanOrEqual(400);
    expect(res.status()).toBeLessThan(500);
    const problem = (await res.json()) as Problem;
    const shown = page.locator('#err-file');
    await shown.waitFor();
    const text = (await shown.textContent()) ?? '';
    const expected = problem.errors?.find((e) => e.field === 'file')?.message ?? problem.detail;
    expect(text).toContain(expected);
    expect(await page.getAttribute('#upload-drop', 'aria-invalid')).toBe('true');
    await page.screenshot({ path: join(OUT, 'webapp-upload-error.png') });
  });

  test('a wrong API key is refused, and the refusal shows beside the key field', async () => {
    await page.fill('#upload-key', 'not-a-valid-key');
    const answer = page.waitForResponse((r) => r.url().endsWith('/images') && r.request().method() === 'POST');
    await page.click('#upload-submit');
    const res = await answer;
    expect([401, 403]).toContain(res.status());
    await page.locator('#err-apiKey').waitFor();
    const problem = (await res.json()) as Problem;
    expect(await page.textContent('#err-apiKey')).toContain(problem.detail);
  });

  test('the acquisition time reads as 24-hour UTC whatever the browser’s locale, and is sent as typed', async () => {
    // The dialog is still open from the tests above. A time input would read "12:00:00 AM" here (en-US).
    expect(await page.getAttribute('#upload-time', 'type')).toBe('text');
    expect(await page.inputValue('#upload-time')).toBe('00:00:00');
    expect(await page.textContent('#upload-dialog .inline')).toContain('UTC, 24 h');
    await page.screenshot({ path: join(OUT, 'webapp-upload-time.png') });
    await page.fill('#upload-date', '2026-06-01');
    await page.fill('#upload-key', server.apiKey);
    let posted = 0;
    const count = (r: { url(): string; method(): string }) => {
      if (r.url().endsWith('/images') && r.method() === 'POST') posted++;
    };
    page.on('request', count);
    await page.fill('#upload-time', '2:05 PM');
    await page.click('#upload-submit');
    await expect.poll(() => page.textContent('#err-acquiredAt')).toContain('24-hour');
    expect(await page.getAttribute('#upload-time', 'aria-invalid')).toBe('true');
    expect(posted).toBe(0);
    page.off('request', count);
    // A small image on the site, so the server accepts it and answers with the time it stored.
    const { items } = (await (await fetch(`${server.url}/api/sites`)).json()) as {
      items: { bounds: [number, number, number, number] }[];
    };
    for (const [i, side] of ['west', 'south', 'east', 'north'].entries())
      await page.fill(`#upload-${side}`, String(items[0]!.bounds[i]));
    const png = await sharp({ create: { width: 48, height: 32, channels: 3, background: '#1b4f72' } })
      .png()
      .toBuffer();
    await page.setInputFiles('#upload-file', { name: 'harbour.png', mimeType: 'image/png', buffer: png });
    await page.fill('#upload-time', '14:05');
    const answer = page.waitForResponse((r) => r.url().endsWith('/images') && r.request().method() === 'POST');
    await page.click('#upload-submit');
    const res = await answer;
    expect(res.status()).toBe(202);
    expect(((await res.json()) as { image: { acquiredAt: string } }).image.acquiredAt).toBe('2026-06-01T14:05:00.000Z');
  });

  test('the acquisition date reads as ISO yyyy-mm-dd in an en-US browser, and a locale-order date is refused before sending', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    await context.addInitScript('window.__name = (f) => f');
    const us = await context.newPage();
    try {
      await openApp(us, server.url);
      expect(await us.evaluate(() => navigator.language)).toBe('en-US');
      await us.click('#upload-open');
      await us.waitForSelector('#upload-dialog[open]');
      // A date input would draw 03/14/2026 here; the field is text holding exactly what is sent.
      expect(await us.getAttribute('#upload-date', 'type')).toBe('text');
      expect(await us.getAttribute('#upload-date', 'placeholder')).toBe('yyyy-mm-dd');
      const png = await sharp({ create: { width: 48, height: 32, channels: 3, background: '#1b4f72' } })
        .png()
        .toBuffer();
      await us.setInputFiles('#upload-file', { name: 'harbour_2026-03-14.png', mimeType: 'image/png', buffer: png });
      expect(await us.inputValue('#upload-date')).toBe('2026-03-14');
      await us.screenshot({ path: join(OUT, 'webapp-upload-date.png') });
      await us.fill('#upload-key', server.apiKey);
      let posted = 0;
      us.on('request', (r) => {
        if (r.url().endsWith('/images') && r.method() === 'POST') posted++;
      });
      await us.fill('#upload-date', '03/14/2026');
      await us.click('#upload-submit');
      await expect.poll(() => us.textContent('#err-acquiredAt')).toContain('yyyy-mm-dd');
      expect(await us.getAttribute('#upload-date', 'aria-invalid')).toBe('true');
      expect(posted).toBe(0);
    } finally {
      await context.close();
    }
  });
  test('an analysis that fails on damaged pixels says so in words, by the failure’s code, with the server’s text', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript('window.__name = (f) => f');
    const p = await context.newPage();
    try {
      await openApp(p, server.url);
      await p.click('#upload-open');
      await p.waitForSelector('#upload-dialog[open]');
      const { items } = (await (await fetch(`${server.url}/api/sites`)).json()) as {
        items: { bounds: [number, number, number, number] }[];
      };
      // Over the 4 MP that uploads decode in full: accepted, and its damage met by the analysis.
      const tif = await damagedTiff(2400, 2000);
      await p.setInputFiles('#upload-file', { name: 'damaged.tif', mimeType: 'image/tiff', buffer: tif });
      // A plain TIFF, placed by the bounds: a .tif name ticks "Georeferenced GeoTIFF", which disables them.
      await p.uncheck('#upload-geo');
      for (const [i, side] of ['west', 'south', 'east', 'north'].entries())
        await p.fill(`#upload-${side}`, String(items[0]!.bounds[i]));
      await p.fill('#upload-date', '2026-07-01');
      await p.fill('#upload-key', server.apiKey);
      const answer = p.waitForResponse((r) => r.url().endsWith('/images') && r.request().method() === 'POST');
      await p.click('#upload-submit');
      const res = await answer;
      expect(res.status(), await res.text()).toBe(202);
      const { job } = (await res.json()) as { job: { id: string } };
      await expect.poll(() => p.textContent('#err-form'), { timeout: 120_000 }).toContain('Analysis failed');
      const failed = (await (await fetch(`${server.url}/api/jobs/${job.id}`)).json()) as Job;
      expect(failed.errorCode).toBe('damaged_data');
      expect(await p.textContent('#err-form')).toBe(
        `Analysis failed: The image data is damaged and could not be decoded. (${failed.error})`,
      );
      await p.screenshot({ path: join(OUT, 'webapp-upload-failed.png') });
    } finally {
      await context.close();
    }
  }, 180_000);
});
