// Headless Debian chromium through playwright-core, with the flags that make WebGL2 work on SwiftShader.
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

/** Launches Debian's chromium (scripts/ensure-chromium.mjs installs it when missing). */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A laptop-sized page that records console errors and failed requests. */
export async function openPage(browser: Browser, width = 1440, height = 900) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  // tsx (esbuild keepNames) wraps functions passed to page.evaluate in `__name(…)`: define it in the page.
  await context.addInitScript('window.__name = (f) => f');
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return { context, page, errors };
}

/** Share of canvas pixels that differ from the map's background colour (0 = blank map). */
export function paintedFraction(page: Page, selector = '#map canvas'): Promise<number> {
  return page.evaluate((sel) => {
    const canvas = document.querySelector<HTMLCanvasElement>(sel);
    if (!canvas) return 0;
    const c = document.createElement('canvas');
    c.width = 160;
    c.height = 100;
    const ctx = c.getContext('2d');
    if (!ctx) return 0;
    ctx.drawImage(canvas, 0, 0, c.width, c.height);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 0; i < d.length; i += 4) {
      // Background #0b0f14 = (11, 15, 20).
      if (Math.abs(d[i]! - 11) + Math.abs(d[i + 1]! - 15) + Math.abs(d[i + 2]! - 20) > 12) painted++;
    }
    return painted / (d.length / 4);
  }, selector);
}

/** The map canvas downsampled to 120×80 RGB, for comparing two moments of the map. */
export function canvasPixels(page: Page, selector = '#map canvas'): Promise<number[]> {
  return page.evaluate((sel) => {
    const canvas = document.querySelector<HTMLCanvasElement>(sel);
    const c = document.createElement('canvas');
    c.width = 120;
    c.height = 80;
    const ctx = c.getContext('2d');
    if (!canvas || !ctx) return [];
    ctx.drawImage(canvas, 0, 0, c.width, c.height);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const out: number[] = [];
    for (let i = 0; i < d.length; i += 4) out.push(d[i]!, d[i + 1]!, d[i + 2]!);
    return out;
  }, selector);
}

/** Mean absolute difference (0..255) between two `canvasPixels` snapshots. */
export function pixelDifference(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - (b[i] ?? 0));
  return a.length ? sum / a.length : 0;
}
