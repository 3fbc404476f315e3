// Small views of the app state: site picker, header, compare bar, chart metric switch, hover label, URL hash.
import type { Site } from '../../contract/index.ts';
import { METRICS } from './chart.ts';
import { byId, h, keepFocus } from './dom.ts';
import { dateLabel, day, longDay, metres, pct, sharedDays, utcTime } from './format.ts';
import { type AppState, type ChartMetric, currentImage, scoresOf } from './state.ts';

/** The site picker's options, the open site selected. */
export function renderSitePicker(s: AppState): void {
  const select = byId<HTMLSelectElement>('site-select');
  select.replaceChildren(
    ...s.sites.map((site: Site) => {
      const o = h('option', { value: site.id }, site.name);
      o.selected = site.id === s.site?.id;
      return o;
    }),
  );
}

/** The date on screen and its image's facts (sensor, resolution, cloud, registration). */
export function renderHeader(s: AppState): void {
  const img = currentImage(s);
  byId('current-date').textContent = img ? longDay(img.acquiredAt) : s.site ? 'No analysed images yet' : '—';
  const meta: string[] = [];
  if (img) {
    // The time of day too: shadows, tide and two passes on one day tell apart by it.
    meta.push(utcTime(img.acquiredAt));
    if (img.sensor) meta.push(img.sensor);
    meta.push(`${img.gsdM.toFixed(2)} m/px`);
    if (img.cloudFraction !== null) meta.push(`cloud ${pct(img.cloudFraction, 0)}`);
    const reg = img.registration;
    // Checked field by field: a registration the pipeline could not trust may come without numbers.
    if (reg && Number.isFinite(reg.dxM) && Number.isFinite(reg.dyM)) {
      const conf = Number.isFinite(reg.confidence) ? ` (conf ${reg.confidence.toFixed(2)})` : '';
      meta.push(`registered ${metres(Math.hypot(reg.dxM, reg.dyM))}${conf}`);
    } else if (reg) {
      meta.push('registration not measured');
    }
  }
  byId('current-meta').textContent = meta.join(' · ');
}

/** The compare bar: shown while comparing, with both dates to choose from. */
export function renderCompareBar(s: AppState): void {
  const bar = byId('compare-bar');
  bar.hidden = !s.compare.on;
  byId('compare-toggle').setAttribute('aria-pressed', String(s.compare.on));
  if (!s.compare.on) return;
  const right = currentImage(s);
  for (const [id, selected] of [
    ['compare-left', s.compare.leftId],
    ['compare-right', right?.id ?? null],
  ] as const) {
    const select = byId<HTMLSelectElement>(id);
    const shared = sharedDays(s.dates);
    select.replaceChildren(
      ...s.dates.map((d) => {
        const o = h('option', { value: d.id }, dateLabel(d.acquiredAt, shared));
        o.selected = d.id === selected;
        return o;
      }),
    );
  }
}

/** Mirrors site, date and zone in the URL, so the view can be shared. */
export function writeHash(s: AppState): void {
  if (!s.site) return;
  const params = new URLSearchParams({ site: s.site.id });
  const img = currentImage(s);
  if (img) params.set('date', day(img.acquiredAt));
  if (s.zoneId) params.set('zone', s.zoneId);
  history.replaceState(null, '', `#${params}`);
}

/** The chart's metric switch; `onPick` sets the metric. */
export function renderChartMetric(s: AppState, onPick: (m: ChartMetric) => void): void {
  const el = byId('chart-metric');
  keepFocus(el, () => renderChartMetricButtons(el, s, onPick));
}

function renderChartMetricButtons(el: HTMLElement, s: AppState, onPick: (m: ChartMetric) => void): void {
  el.replaceChildren(
    ...METRICS.map((m) =>
      h(
        'button',
        {
          type: 'button',
          'aria-pressed': String(m.id === s.chartMetric),
          'data-metric': m.id,
          onclick: () => onPick(m.id),
        },
        m.label,
      ),
    ),
  );
}

/** One line about a zone on the current date, for the map's hover label. */
export function describeZone(s: AppState, zoneId: string): string {
  const zone = s.site?.zones.features.find((z) => z.properties.id === zoneId);
  if (!zone) return zoneId;
  const row = scoresOf(s, currentImage(s)?.id).get(zoneId);
  const parts = [zone.properties.name];
  if (row) {
    if (row.coverage < 0.5) parts.push('obscured');
    if (row.activity !== null) parts.push(`activity ${row.activity.toFixed(0)}`);
    if (row.vesselCount !== null) parts.push(`${row.vesselCount} vessel${row.vesselCount === 1 ? '' : 's'}`);
    if (row.railCarCount !== null) parts.push(`${row.railCarCount} rail car${row.railCarCount === 1 ? '' : 's'}`);
  }
  return parts.join(' · ');
}
