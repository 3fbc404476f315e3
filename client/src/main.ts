// The web app's entry: builds the map and panels, loads a site, and wires state changes to views.
import './styles.css';
import type { Image, ScoreRow, Site } from '../../contract/index.ts';
import { api } from './api.ts';
import { ScoreChart, zoneColors } from './chart.ts';
import { SwipeCompare } from './compare.ts';
import { DetectionsLayer, imageRevisions } from './detections.ts';
import { byId, keepFocus, toast } from './dom.ts';
import { FailedImagesDialog, failedNote } from './failed.ts';
import { day } from './format.ts';
import { HeatmapLayer } from './heatmap.ts';
import { Imagery, preloadWindow, travelDirection } from './imagery.ts';
import { renderLayers } from './layers.ts';
import { renderLegend } from './legend.ts';
import { renderLinks } from './links.ts';
import { createMap } from './map.ts';
import { latestOnly, retryDelay, STALE } from './refresh.ts';
import { type AppState, currentImage, initialState, Store, scoresOf } from './state.ts';
import { Timeline } from './timeline.ts';
import { UploadDialog } from './upload.ts';
import {
  describeZone,
  renderChartMetric,
  renderCompareBar,
  renderHeader,
  renderSitePicker,
  writeHash,
} from './views.ts';
import { renderZonePanel } from './zone-panel.ts';
import { ZonesLayer } from './zones.ts';

const LAST_SITE = 'berthwatch.site';
/** While any image of the site is still being analysed, the list is re-read this often. */
const REFRESH_MS = 3000;

const store = new Store(initialState());
const mapEl = byId('map');

/** The site to open: the one in the URL, else the last one viewed, else the first (the sample). */
function chooseSite(sites: Site[]): string | null {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('site');
  const last = localStorage.getItem(LAST_SITE);
  return [fromHash, last].find((id) => id && sites.some((s) => s.id === id)) ?? sites[0]?.id ?? null;
}

// Data before MapLibre: the site list, then the chosen site's data, are requested before the map is
// built (its start-up holds the main thread for a few hundred ms), so they travel while it builds.
const boot = api.sites().then((sites) => {
  const pick = chooseSite(sites);
  const data = pick ? fetchSite(pick) : null;
  // The first date's TileJSON too, so its tiles can be asked for in the map's first frames.
  const tileJson = data?.then(async ([, images]) => {
    const dates = images.filter((i) => i.status === 'ready');
    const first = dates[initialIndex(dates)];
    return first ? { imageId: first.id, tileJson: await api.tileJson(first.id) } : null;
  });
  tileJson?.catch(() => null);
  return { sites, pick, data, tileJson };
});
await boot.catch(() => null);
const map = createMap(mapEl);
const body = document.body;

let resolveFirstShown: () => void = () => {};
/** Settles when the first date's imagery is on screen. */
const firstShown = new Promise<void>((r) => {
  resolveFirstShown = r;
});
const imagery = new Imagery(map, (imageId, missing) => {
  resolveFirstShown();
  body.dataset.shown = imageId;
  performance.mark('bw:imagery-shown');
  setStatus({ loading: missing ? 'Some imagery tiles of this date failed to load' : '' });
  markFirstRender();
});

/** Records (once) how long after navigation imagery, zones and chart were all on screen. */
function markFirstRender(): void {
  if (body.dataset.firstRenderMs || !body.dataset.shown || !body.dataset.chart) return;
  body.dataset.firstRenderMs = String(Math.round(performance.now()));
}
const detections = new DetectionsLayer(
  map,
  (id) => store.state.site?.zones.features.find((f) => f.properties.id === id)?.properties.name ?? id,
);
const heat = new HeatmapLayer(map);
const compare = new SwipeCompare(map, byId('map').parentElement ?? body, (position) =>
  store.set({ compare: { ...store.state.compare, position } }),
);
const chart = new ScoreChart(
  byId('chart'),
  (index) => setIndex(index),
  (zoneId) => store.set({ zoneId }),
);
const timeline = new Timeline(
  (index) => setIndex(index),
  (playing) => store.set({ playing }),
);
const upload = new UploadDialog((imageId) => void refresh(imageId));
const failedImages = new FailedImagesDialog(byId<HTMLDialogElement>('failed-dialog'), () => void refresh());
let colors = new Map<string, string>();
let refreshTimer = 0;
let refreshFailures = 0;
/** The site's images and scores; only the latest call's answer is delivered (see latestOnly). */
const readSite = latestOnly((siteId: string) => Promise.all([api.images(siteId), api.scores(siteId)]));

const statusParts = { loading: '', analysis: '' };
/** The map's status line: imagery loading and analysis progress, kept apart so one never hides the other. */
function setStatus(patch: Partial<typeof statusParts>): void {
  Object.assign(statusParts, patch);
  byId('map-status').textContent = [statusParts.loading, statusParts.analysis].filter(Boolean).join(' · ');
}

function setIndex(index: number): void {
  const n = store.state.dates.length;
  if (n === 0) return;
  store.set({ index: Math.max(0, Math.min(n - 1, index)) });
}

/** Re-reads images and scores of the site; shows `focusImageId` if it is ready. */
async function refresh(focusImageId?: string): Promise<void> {
  const site = store.state.site;
  if (!site) return;
  let read: Awaited<ReturnType<typeof readSite>>;
  try {
    read = await readSite(site.id);
  } catch (err) {
    if (store.state.site?.id !== site.id) return;
    // A failed read (a network blip, a restarting server) used to end the polling for good, leaving
    // "Analysing…" on screen forever: say what happened and try again, less often each time.
    refreshFailures++;
    const wait = retryDelay(refreshFailures, err);
    const what = `Could not update the analysis status (${(err as Error).message})`;
    window.clearTimeout(refreshTimer);
    if (wait === null) {
      setStatus({ analysis: `${what}. Reload the page to try again.` });
      return;
    }
    setStatus({ analysis: `${what}; retrying in ${Math.round(wait / 1000)} s…` });
    refreshTimer = window.setTimeout(() => void refresh(focusImageId), wait);
    return;
  }
  // A later read (the refresh after a removal) answered first: this one's lists are older.
  if (read === STALE) return;
  // Another site was opened while this one's lists were on their way.
  if (store.state.site?.id !== site.id) return;
  refreshFailures = 0;
  const [images, scores] = read;
  const dates = images.filter((i) => i.status === 'ready');
  const currentId = currentImage(store.state)?.id;
  let index = dates.findIndex((d) => d.id === (focusImageId ?? currentId));
  if (index < 0) index = dates.length - 1;
  detections.setRevisions(imageRevisions(dates));
  const old = store.state;
  const heatmap =
    old.heatmap.toId === old.dates[old.dates.length - 1]?.id
      ? { ...old.heatmap, toId: dates[dates.length - 1]?.id ?? null }
      : old.heatmap;
  store.set({ images, dates, scores, index: Math.max(0, index), heatmap });
  if (failedImages.isOpen) failedImages.update(images);
  scheduleRefresh();
}

function scheduleRefresh(): void {
  window.clearTimeout(refreshTimer);
  const pending = store.state.images.filter((i) => i.status === 'queued' || i.status === 'processing');
  const failed = store.state.images.filter((i) => i.status === 'failed').length;
  const notes: string[] = [];
  if (pending.length > 0) notes.push(`Analysing ${pending.length} image${pending.length > 1 ? 's' : ''}…`);
  if (failed > 0) notes.push(failedNote(failed));
  const review = byId<HTMLButtonElement>('failed-open');
  review.hidden = failed === 0;
  review.setAttribute('aria-label', `Show which ${failed === 1 ? 'image' : 'images'} failed analysis, and why`);
  if (store.state.dates.length === 0 && pending.length === 0) notes.push('No analysed images yet: upload one.');
  setStatus({ analysis: notes.join(' · ') });
  if (pending.length > 0) refreshTimer = window.setTimeout(() => void refresh(), REFRESH_MS);
}

type SiteData = [Site, Image[], ScoreRow[]];

function fetchSite(id: string): Promise<SiteData> {
  return Promise.all([api.site(id), api.images(id), api.scores(id)]);
}

/** The date to open: the URL's `date`, else the latest. */
function initialIndex(dates: Image[]): number {
  const wanted = new URLSearchParams(location.hash.slice(1)).get('date');
  const index = wanted ? dates.findIndex((d) => day(d.acquiredAt) === wanted) : -1;
  return index < 0 ? dates.length - 1 : index;
}

async function loadSite(id: string, data: Promise<SiteData> = fetchSite(id)): Promise<void> {
  const [site, images, scores] = await data;
  performance.mark('bw:site-data');
  localStorage.setItem(LAST_SITE, id);
  // The camera first, so the first tiles requested are the ones that will be shown.
  map.fitBounds(site.bounds, { padding: 24, duration: 0 });
  const dates = images.filter((i) => i.status === 'ready');
  const params = new URLSearchParams(location.hash.slice(1));
  const index = initialIndex(dates);
  const zoneParam = params.get('zone');
  const zoneId = site.zones.features.some((z) => z.properties.id === zoneParam) ? zoneParam : null;
  colors = zoneColors(site.zones.features);
  detections.clear();
  detections.setRevisions(imageRevisions(dates));
  const first = dates[0]?.id ?? null;
  const last = dates[dates.length - 1]?.id ?? null;
  store.set({
    site,
    images,
    dates,
    scores,
    index: Math.max(0, index),
    zoneId,
    compare: { on: false, leftId: null, position: 0.5 },
    heatmap: { ...store.state.heatmap, fromId: first, toId: last },
  });
  performance.mark('bw:site-rendered');
  scheduleRefresh();
}

function wire(): void {
  const zones = new ZonesLayer(
    map,
    (zoneId) => store.set({ zoneId }),
    (zoneId) => describeZone(store.state, zoneId),
  );

  // The slider's range before its value (a value past the old max would be clamped).
  store.watch(['dates'], (s) => timeline.setDates(s.dates));
  // Imagery next: its tile requests should leave before anything else asks for a frame.
  store.watch(['dates', 'index'], (s) => {
    const img = currentImage(s);
    if (!img) return;
    if (imagery.shown !== img.id) setStatus({ loading: 'Loading imagery…' });
    imagery.show(s.dates, s.index);
  });
  store.watch(['dates', 'index'], (s) => {
    timeline.setIndex(s.index);
    renderHeader(s);
    if (body.dataset.shown) prefetchNeighbourDetections(s);
  });
  // The opening date's neighbours too: the watch above skipped them (the first imagery was not in yet),
  // so without this the first step after opening waits for its boxes (~0.4 s on an idle machine).
  void firstShown.then(() => prefetchNeighbourDetections(store.state));
  store.watch(['sites', 'site'], renderSitePicker);
  store.watch(['site'], (s) => {
    if (s.site) zones.setZones(s.site.zones);
  });
  store.watch(['dates', 'index', 'scores', 'site'], (s) => zones.setScores(scoresOf(s, currentImage(s)?.id)));
  store.watch(['dates', 'index', 'layers', 'scores'], (s) => {
    const img = currentImage(s);
    // Detections wait for the first imagery: on a cold start their frames would delay the tiles.
    const draw = () => {
      const shown = detections.show(s.layers.detections ? (img?.id ?? null) : null, scoresOf(s, img?.id));
      renderLegendNow(store.state); // 'loading' until they arrive
      void shown
        .catch((err: Error) => toast(`Detections: ${err.message}`, 'error'))
        .then(() => renderLegendNow(store.state));
    };
    if (body.dataset.shown) draw();
    else firstShown.then(draw);
    imagery.setChange(s.layers.change && img && s.index > 0 ? img.id : null);
    zones.setVisible(s.layers.zones);
  });
  store.watch(['zoneId', 'site'], (s) => zones.setSelected(s.zoneId));
  store.watch(['dates', 'scores', 'site', 'chartMetric', 'zoneId'], (s) => {
    if (!s.site) return;
    chart.render(s.dates, s.site.zones.features, s.scores, s.chartMetric, colors, s.zoneId);
    chart.setCurrent(s.index);
    body.dataset.chart = String(s.dates.length);
    markFirstRender();
  });
  store.watch(['index'], (s) => chart.setCurrent(s.index));
  store.watch(['chartMetric'], (s) => renderChartMetric(s, (chartMetric) => store.set({ chartMetric })));
  store.watch(['site', 'dates', 'index', 'scores', 'zoneId'], (s) => {
    const img = currentImage(s);
    const prev = s.dates[s.index - 1];
    const panel = byId('zone-panel');
    keepFocus(panel, () =>
      renderZonePanel(
        panel,
        s.site?.zones.features ?? [],
        s.zoneId,
        scoresOf(s, img?.id),
        scoresOf(s, prev?.id),
        img?.acquiredAt ?? null,
        colors,
        (zoneId) => store.set({ zoneId }),
      ),
    );
  });
  store.watch(['dates', 'layers', 'heatmap'], (s) => {
    const el = byId('layers');
    keepFocus(el, () =>
      renderLayers(el, s, {
        layers: (patch) => store.set({ layers: { ...store.state.layers, ...patch } }),
        heatmap: (patch) => store.set({ heatmap: { ...store.state.heatmap, ...patch } }),
      }),
    );
  });
  store.watch(['site', 'heatmap', 'dates'], (s) => {
    const from = s.dates.find((d) => d.id === s.heatmap.fromId);
    const to = s.dates.find((d) => d.id === s.heatmap.toId);
    const lat = s.site ? (s.site.bounds[1] + s.site.bounds[3]) / 2 : 0;
    heat
      .show(s.site?.id ?? null, s.heatmap.on, s.heatmap.metric, from?.acquiredAt, to?.acquiredAt, lat)
      .then(() => {
        body.dataset.heat = s.heatmap.on ? `${s.heatmap.metric}` : 'off';
        renderLegendNow(store.state);
      })
      .catch((err: Error) => toast(`Heat map: ${err.message}`, 'error'));
  });
  store.watch(['heatmap', 'layers'], renderLegendNow);
  store.watch(['site', 'dates', 'index', 'zoneId', 'heatmap', 'layers'], (s) => {
    const from = s.dates.find((d) => d.id === s.heatmap.fromId);
    const to = s.dates.find((d) => d.id === s.heatmap.toId);
    renderLinks(byId('links'), {
      site: s.site?.id ?? null,
      imageId: currentImage(s)?.id ?? null,
      zoneId: s.zoneId,
      heat: { on: s.heatmap.on, metric: s.heatmap.metric, from: from?.acquiredAt, to: to?.acquiredAt },
      change: s.layers.change && s.index > 0,
    });
    writeHash(s);
  });
  store.watch(['compare', 'dates', 'index'], (s) => {
    renderCompareBar(s);
    const left = s.compare.on ? (s.dates.find((d) => d.id === s.compare.leftId) ?? null) : null;
    compare.set(left, s.compare.on ? currentImage(s) : null, s.dates, s.compare.position);
  });
  store.watch(['playing'], (s) => timeline.setPlaying(s.playing));
}

let lastAsked: string | null = null;
/**
 * Fetches the detections of the dates either side of the shown one, so a step draws its boxes at once;
 * once stepping, two ahead in the direction of travel (keys pressed faster than a round trip).
 */
function prefetchNeighbourDetections(s: AppState): void {
  const direction = travelDirection(s.dates, lastAsked, s.index);
  lastAsked = s.dates[s.index]?.id ?? null;
  const near = preloadWindow(s.dates, s.index, direction).slice(0, direction === 0 ? 2 : 3);
  for (const n of near) detections.prefetch(n.id);
}

function renderLegendNow(s: AppState): void {
  renderLegend(byId('legend'), {
    heat: s.heatmap.on,
    heatMetric: s.heatmap.metric,
    heatMax: heat.max,
    change: s.layers.change,
    counts: detections.counts,
  });
}

function toggleCompare(): void {
  const s = store.state;
  if (s.compare.on) {
    store.set({ compare: { ...s.compare, on: false } });
    return;
  }
  if (s.dates.length < 2) {
    toast('Compare needs at least two analysed dates.');
    return;
  }
  const left = s.dates[s.index > 0 ? s.index - 1 : 1];
  store.set({ compare: { on: true, leftId: left?.id ?? null, position: 0.5 }, playing: false });
}

function bindControls(): void {
  byId<HTMLSelectElement>('site-select').addEventListener('change', (e) => {
    const id = (e.target as HTMLSelectElement).value;
    history.replaceState(null, '', `#site=${encodeURIComponent(id)}`);
    void loadSite(id).catch((err: Error) => toast(`Could not load the site: ${err.message}`, 'error'));
  });
  byId('compare-toggle').addEventListener('click', toggleCompare);
  byId<HTMLSelectElement>('compare-left').addEventListener('change', (e) =>
    store.set({ compare: { ...store.state.compare, leftId: (e.target as HTMLSelectElement).value } }),
  );
  byId<HTMLSelectElement>('compare-right').addEventListener('change', (e) => {
    const id = (e.target as HTMLSelectElement).value;
    setIndex(store.state.dates.findIndex((d) => d.id === id));
  });
  byId('failed-open').addEventListener('click', () => {
    if (store.state.site) failedImages.open(store.state.site, store.state.images);
  });
  byId('upload-open').addEventListener('click', () => {
    if (store.state.site) upload.open(store.state.site);
  });
  window.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t.closest('input, select, textarea, dialog, [role="slider"]')) return;
    // A modal is open: the map behind it is not what the keys are for, wherever focus went.
    if (document.querySelector('dialog[open]')) return;
    if (e.key === ' ' && !t.closest('button, a')) store.set({ playing: !store.state.playing });
    else if (e.key === '[') timeline.step(-1);
    else if (e.key === ']') timeline.step(1);
    else if (e.key === 'c') toggleCompare();
    else if (e.key === 'u') byId('upload-open').click();
    else return;
    e.preventDefault();
  });
  new ResizeObserver(() => {
    map.resize();
    compare.resize();
  }).observe(mapEl);
}

// The style (inline, no network) is enough to add sources: waiting for 'load' would also wait for
// the worker to boot and parse the empty GeoJSON sources, which the imagery does not need.
const styleLoaded = new Promise<void>((resolve) =>
  map.isStyleLoaded() ? resolve() : map.once('style.load', () => resolve()),
);

async function start(): Promise<void> {
  const { sites, pick, data, tileJson } = await boot;
  await styleLoaded;
  const primed = await tileJson?.catch(() => null);
  if (primed) imagery.prime(primed.imageId, primed.tileJson);
  performance.mark('bw:map-loaded');
  wire();
  bindControls();
  store.set({ sites });
  if (!pick || !data) {
    setStatus({ analysis: 'No sites yet: create one through the API (POST /api/sites).' });
    return;
  }
  await loadSite(pick, data);
  body.dataset.ready = 'true';
}

/** A read-only handle for the browser console and the browser tests. */
Object.assign(window, { berthwatch: { map, store, chart } });

start().catch((err: Error) => {
  setStatus({ analysis: `Could not start: ${err.message}` });
  toast(err.message, 'error');
});
