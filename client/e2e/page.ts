// Page helpers shared by the browser tests and the bench: open the app, read its state, sample the map.
import type { Page } from 'playwright-core';
import type { Image, ScoreRow } from '../../contract/index.ts';

/** What the app exposes on `window.berthwatch` (see client/src/main.ts), as far as tests read it. */
export interface AppHandle {
  map: {
    getFeatureState(f: { source: string; id: string }): Record<string, unknown>;
    project(lngLat: [number, number]): { x: number; y: number };
    queryRenderedFeatures(p: [number, number], o: { layers: string[] }): { properties: { id: string } }[];
    getCanvas(): HTMLCanvasElement;
    getLayoutProperty(layer: string, prop: string): unknown;
    querySourceFeatures(source: string): { properties: Record<string, unknown> }[];
  };
  store: {
    state: { dates: Image[]; index: number; scores: ScoreRow[]; zoneId: string | null; playing: boolean };
    set(patch: { dates?: Image[]; index?: number; scores?: ScoreRow[] }): void;
  };
  chart: {
    pointOf(zoneId: string, index: number): { x: number; y: number } | null;
    zones: { id: string }[];
    axisTicks: { ts: number; label: string }[];
    valueTicks: string[];
  };
}

/** Opens the app and waits until the latest date's imagery, the zones and the chart are on screen. */
export async function openApp(page: Page, url: string): Promise<number> {
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector('body[data-ready][data-shown][data-first-render-ms]', { timeout: 30_000 });
  return Date.now() - t0;
}

/** The app's state as plain data. */
export function appState(page: Page) {
  return page.evaluate(() => {
    const bw = (window as unknown as { berthwatch: AppHandle }).berthwatch;
    const s = bw.store.state;
    return { dates: s.dates, index: s.index, zoneId: s.zoneId, scores: s.scores };
  });
}

/**
 * Starts sampling the map canvas on every animation frame; `stop()` returns the lowest share of
 * painted (non-background) pixels seen, i.e. the blankest frame that reached the screen.
 */
export async function startFrameSampler(
  page: Page,
  blankBelow = 0,
): Promise<{ stop(): Promise<{ min: number; frames: number; blank: number }> }> {
  await page.evaluate((below) => {
    const w = window as unknown as { __frames: { min: number; frames: number; blank: number; on: boolean } };
    w.__frames = { min: 1, frames: 0, blank: 0, on: true };
    const c = document.createElement('canvas');
    c.width = 120;
    c.height = 80;
    const ctx = c.getContext('2d', { willReadFrequently: true });
    const tick = () => {
      if (!w.__frames.on || !ctx) return;
      const src = document.querySelector<HTMLCanvasElement>('#map canvas');
      if (src) {
        ctx.drawImage(src, 0, 0, c.width, c.height);
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (Math.abs(d[i]! - 11) + Math.abs(d[i + 1]! - 15) + Math.abs(d[i + 2]! - 20) > 12) painted++;
        }
        const share = painted / (d.length / 4);
        w.__frames.min = Math.min(w.__frames.min, share);
        w.__frames.frames++;
        if (share < below) w.__frames.blank++;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }, blankBelow);
  return {
    stop: () =>
      page.evaluate(() => {
        const w = window as unknown as { __frames: { min: number; frames: number; blank: number; on: boolean } };
        w.__frames.on = false;
        return { min: w.__frames.min, frames: w.__frames.frames, blank: w.__frames.blank };
      }),
  };
}

/** Moves the slider with the keyboard and waits until the new date's imagery is fully shown. */
export async function stepTo(page: Page, key: 'ArrowRight' | 'ArrowLeft' | 'Home' | 'End'): Promise<string> {
  await page.focus('#timeline-slider');
  await page.keyboard.press(key);
  const { dates, index } = await appState(page);
  const id = dates[index]!.id;
  await page.waitForSelector(`body[data-shown="${id}"]`, { timeout: 20_000 });
  return id;
}

/** A point (CSS px, page coordinates) where `zoneId` is the topmost zone on the map, or null. */
export function zonePoint(page: Page, zoneId: string): Promise<{ x: number; y: number } | null> {
  return page.evaluate((id) => {
    const bw = (window as unknown as { berthwatch: AppHandle }).berthwatch;
    const canvas = bw.map.getCanvas();
    const r = canvas.getBoundingClientRect();
    for (let y = 8; y < r.height; y += 6) {
      for (let x = 8; x < r.width; x += 6) {
        const hits = bw.map.queryRenderedFeatures([x, y], { layers: ['zones-fill', 'zones-line'] });
        if (hits[0]?.properties.id === id) return { x: r.left + x, y: r.top + y };
      }
    }
    return null;
  }, zoneId);
}
