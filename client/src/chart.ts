// The chart of every zone's scores over time (uPlot): one line per zone for the chosen metric,
// nulls drawn as gaps, the current date marked; clicks select a date and the nearest zone's line.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Image, ScoreRow, Zone } from '../../contract/index.ts';
import { categorical } from './colors.ts';
import { axisDate, longDay } from './format.ts';
import type { ChartMetric } from './state.ts';

export const METRICS: { id: ChartMetric; label: string; axis: string }[] = [
  { id: 'activity', label: 'Activity', axis: 'Activity 0–100' },
  { id: 'vesselCount', label: 'Vessels', axis: 'Vessels' },
  { id: 'railCarCount', label: 'Rail cars', axis: 'Rail cars' },
  { id: 'changeFraction', label: 'Change', axis: 'Changed %' },
];

/** Zone kinds a metric applies to; other zones would only draw empty lines. */
const APPLIES: Record<ChartMetric, readonly string[]> = {
  activity: ['berth', 'anchorage', 'rail'],
  vesselCount: ['berth', 'anchorage'],
  railCarCount: ['rail'],
  changeFraction: ['berth', 'anchorage', 'rail', 'water'],
};

function value(row: ScoreRow | undefined, metric: ChartMetric): number | null {
  const v = row?.[metric] ?? null;
  if (v === null) return null;
  return metric === 'changeFraction' ? v * 100 : v;
}

export interface ChartSeriesZone {
  id: string;
  name: string;
  color: string;
}

/** The colour each zone wears in the chart, stable for a site (zone order in the site). */
export function zoneColors(zones: Zone[]): Map<string, string> {
  return new Map(zones.map((z, i) => [z.properties.id, categorical(i)]));
}

/** Value-axis steps for counts: whole numbers only. */
const COUNT_INCREMENTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000];

function isCount(metric: ChartMetric): boolean {
  return metric === 'vesselCount' || metric === 'railCarCount';
}

export class ScoreChart {
  #el: HTMLElement;
  #plot: uPlot | null = null;
  #zones: ChartSeriesZone[] = [];
  #dates: Image[] = [];
  #index = 0;
  #selected: string | null = null;
  #focused: number | null = null;
  /** The time axis's ticks as our `values` callback last labelled them (the e2e reads them). */
  #axisTicks: { ts: number; label: string }[] = [];
  /** The value axis's labels as last drawn (the e2e reads them). */
  #valueTicks: string[] = [];
  #onDate: (index: number) => void;
  #onZone: (zoneId: string) => void;

  constructor(el: HTMLElement, onDate: (index: number) => void, onZone: (zoneId: string) => void) {
    this.#el = el;
    this.#onDate = onDate;
    this.#onZone = onZone;
    new ResizeObserver(() => this.#resize()).observe(el);
  }

  #resize(): void {
    if (!this.#plot) return;
    const { width, height } = this.#el.getBoundingClientRect();
    if (width > 0 && height > 0) this.#plot.setSize({ width: Math.floor(width), height: Math.floor(height) });
  }

  /** Rebuilds the chart for a site's dates, zones, scores and metric. */
  render(
    dates: Image[],
    zones: Zone[],
    scores: ScoreRow[],
    metric: ChartMetric,
    colors: Map<string, string>,
    selected: string | null,
  ): void {
    this.#dates = dates;
    this.#selected = selected;
    const byKey = new Map<string, ScoreRow>();
    for (const r of scores) byKey.set(`${r.imageId}|${r.zoneId}`, r);
    const xs = dates.map((d) => Date.parse(d.acquiredAt) / 1000);
    const applies = APPLIES[metric];
    this.#zones = [];
    const ys: (number | null)[][] = [];
    for (const z of zones) {
      if (!applies.includes(z.properties.kind)) continue;
      const row = dates.map((d) => value(byKey.get(`${d.id}|${z.properties.id}`), metric));
      if (row.every((v) => v === null) && scores.length > 0 && metric !== 'activity') continue;
      this.#zones.push({ id: z.properties.id, name: z.properties.name, color: colors.get(z.properties.id) ?? '#ccc' });
      ys.push(row);
    }
    const m = METRICS.find((x) => x.id === metric);
    this.#plot?.destroy();
    const { width, height } = this.#el.getBoundingClientRect();
    const axisStyle = {
      stroke: '#9aa6b2',
      grid: { stroke: 'rgba(255,255,255,0.06)', width: 1 },
      ticks: { stroke: 'rgba(255,255,255,0.12)', width: 1 },
      font: '11px system-ui, sans-serif',
    };
    const opts: uPlot.Options = {
      width: Math.max(200, Math.floor(width)),
      height: Math.max(120, Math.floor(height)),
      legend: { show: false },
      // Ticks on UTC days and months, as the slider and headings show dates (uPlot's default: the browser's zone).
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      padding: [10, 12, 0, 4],
      cursor: {
        drag: { x: false, y: false },
        focus: { prox: 14 },
        points: { size: 7 },
      },
      focus: { alpha: 0.3 },
      scales: {
        x: { time: true },
        y: {
          range: (_u, _min, max) => [
            0,
            metric === 'activity' ? 100 : Math.max(metric === 'changeFraction' ? 5 : 4, max * 1.1),
          ],
        },
      },
      axes: [
        {
          ...axisStyle,
          space: 60,
          values: (_u, splits, _axis, _space, incr) => {
            const labels = splits.map((ts, i) => axisDate(ts, incr, i === 0));
            this.#axisTicks = splits.map((ts, i) => ({ ts, label: labels[i] ?? '' }));
            return labels;
          },
        },
        {
          ...axisStyle,
          label: m?.axis ?? '',
          labelFont: '11px system-ui, sans-serif',
          labelSize: 16,
          size: 44,
          // Vessels and rail cars are whole numbers: ticks at 2.5 or 7.5 read as half a vessel.
          ...(isCount(metric) ? { incrs: COUNT_INCREMENTS, space: 22 } : {}),
          values: (_u, splits) => {
            this.#valueTicks = splits.map((v) => String(Number(v.toFixed(6))));
            return this.#valueTicks;
          },
        },
      ],
      series: [
        { label: 'Date', value: (_u, v) => (v ? longDay(new Date(v * 1000).toISOString()) : '') },
        ...this.#zones.map((z) => ({
          label: z.name,
          stroke: z.color,
          width: z.id === this.#selected ? 3 : 1.5,
          points: { show: true, size: z.id === this.#selected ? 6 : 4, fill: z.color },
          spanGaps: false,
        })),
      ],
      hooks: {
        draw: [(u) => this.#drawMarker(u)],
        setSeries: [
          (_u, idx, opts) => {
            // uPlot passes the setSeries options ({focus}) here, though its types say Series.
            const focus = (opts as { focus?: boolean }).focus;
            if (focus !== undefined) this.#focused = focus ? idx : null;
          },
        ],
      },
    };
    this.#plot = new uPlot(opts, [xs, ...ys], this.#el);
    this.#plot.over.addEventListener('click', () => {
      const u = this.#plot;
      if (!u) return;
      const idx = u.cursor.idx;
      if (idx !== null && idx !== undefined) this.#onDate(idx);
      const zone = this.#focused !== null ? this.#zones[this.#focused - 1] : undefined;
      if (zone) this.#onZone(zone.id);
    });
    this.#plot.over.dataset.testid = 'chart-over';
  }

  /** The value axis's labels as last drawn. */
  get valueTicks(): string[] {
    return this.#valueTicks;
  }

  /** The time axis's ticks as last labelled (unix seconds and our label), kept from our own `values` callback. */
  get axisTicks(): { ts: number; label: string }[] {
    return this.#axisTicks;
  }

  /** The zones drawn, in series order (for the chart's legend). */
  get zones(): ChartSeriesZone[] {
    return this.#zones;
  }

  /** Where a zone's point of date `index` is drawn, in CSS px from the plotting area's top-left; null if not drawn. */
  pointOf(zoneId: string, index: number): { x: number; y: number } | null {
    const u = this.#plot;
    const series = this.#zones.findIndex((z) => z.id === zoneId) + 1;
    if (!u || series < 1) return null;
    const x = u.data[0]?.[index];
    const y = u.data[series]?.[index];
    if (x === undefined || x === null || y === undefined || y === null) return null;
    return { x: u.valToPos(x, 'x'), y: u.valToPos(y, 'y') };
  }

  /** Marks the current date with a vertical line. */
  setCurrent(index: number): void {
    this.#index = index;
    this.#el.dataset.index = String(index);
    this.#el.dataset.date = this.#dates[index]?.acquiredAt ?? '';
    this.#plot?.redraw(false);
  }

  #drawMarker(u: uPlot): void {
    const d = this.#dates[this.#index];
    if (!d) return;
    const x = Math.round(u.valToPos(Date.parse(d.acquiredAt) / 1000, 'x', true));
    const { ctx } = u;
    ctx.save();
    ctx.strokeStyle = 'rgba(255,255,255,0.75)';
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.restore();
  }
}
