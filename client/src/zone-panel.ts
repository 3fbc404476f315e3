// The zone panel: the selected zone's numbers on the current date (null shown as obscured or
// not applicable, never as zero) and the list of zones, each a button that selects it.
import type { ScoreRow, Zone } from '../../contract/index.ts';
import { ACTIVITY_STOPS } from './colors.ts';
import { h } from './dom.ts';
import { area, int, longDay, pct } from './format.ts';

const KIND_LABEL: Record<string, string> = {
  berth: 'Berth',
  anchorage: 'Anchorage',
  rail: 'Rail',
  water: 'Water',
  ignore: 'Ignored',
};

function activityColor(v: number): string {
  const i = Math.round((Math.max(0, Math.min(100, v)) / 100) * (ACTIVITY_STOPS.length - 1));
  return ACTIVITY_STOPS[i] ?? '#888';
}

/** Why a value is missing: the zone's kind has no such count, it is the first image, or it was obscured. */
function missing(row: ScoreRow | undefined, reason: 'kind' | 'first' | 'obscured'): string {
  if (!row) return 'no score yet';
  if (reason === 'obscured' || row.coverage < 0.5) return 'obscured';
  return reason === 'first' ? 'first image' : 'n/a';
}

function stat(label: string, text: string, delta: string, note?: string, key?: string): HTMLElement {
  return h(
    'div',
    { class: `stat${note ? ' missing' : ''}`, 'data-field': key },
    h('dt', {}, label),
    h(
      'dd',
      {},
      note ? h('span', { class: 'gap', title: note }, `— ${note}`) : h('span', { class: 'value' }, text),
      delta ? h('span', { class: 'delta', title: 'change since the previous date' }, delta) : '',
    ),
  );
}

export function renderZonePanel(
  el: HTMLElement,
  zones: Zone[],
  selected: string | null,
  rows: Map<string, ScoreRow>,
  prevRows: Map<string, ScoreRow>,
  date: string | null,
  colors: Map<string, string>,
  onSelect: (zoneId: string) => void,
): void {
  const zone = zones.find((z) => z.properties.id === selected);
  const parts: (Node | string)[] = [];
  if (!zone) {
    parts.push(h('p', { class: 'hint' }, 'Click a zone on the map, a line in the chart or a zone below.'));
  } else {
    const row = rows.get(zone.properties.id);
    const prev = prevRows.get(zone.properties.id);
    const kind = zone.properties.kind;
    const obscured = !!row && row.coverage < 0.5;
    const stats: HTMLElement[] = [];
    const num = (label: string, key: keyof ScoreRow, fmt: (v: number | null) => string, why: 'kind' | 'first') => {
      const v = row ? (row[key] as number | null) : null;
      const p = prev ? (prev[key] as number | null) : null;
      let delta = '';
      if (v !== null && p !== null && key !== 'coverage' && v !== p) {
        const d = v - p;
        delta = `${d > 0 ? '+' : '−'}${fmt(Math.abs(d))}`;
      }
      stats.push(stat(label, fmt(v), delta, v === null ? missing(row, obscured ? 'obscured' : why) : undefined, key));
    };
    const activity = row?.activity ?? null;
    if (kind === 'berth' || kind === 'anchorage') {
      num('Vessels', 'vesselCount', int, 'kind');
      num('Hull area', 'vesselAreaM2', area, 'kind');
      num('Arrivals', 'arrivals', int, 'first');
      num('Departures', 'departures', int, 'first');
    }
    if (kind === 'rail') {
      num('Rail cars', 'railCarCount', int, 'kind');
      num('Track occupied', 'railOccupancy', (v) => pct(v, 0), 'kind');
    }
    num('Changed', 'changeFraction', (v) => pct(v), 'first');
    num('Coverage', 'coverage', (v) => pct(v, 0), 'kind');
    parts.push(
      h(
        'div',
        { class: 'zone-head' },
        h('span', { class: 'swatch', style: `background:${colors.get(zone.properties.id) ?? '#ccc'}` }),
        h(
          'div',
          {},
          h('h3', { id: 'zone-name' }, zone.properties.name),
          h('span', { class: 'kind' }, KIND_LABEL[kind] ?? kind),
        ),
        h(
          'div',
          { class: 'activity', 'data-field': 'activity', title: 'Activity index, 0–100' },
          h(
            'span',
            { class: 'activity-value', style: activity !== null ? `--c:${activityColor(activity)}` : '' },
            activity === null ? '—' : activity.toFixed(0),
          ),
          h(
            'span',
            { class: 'activity-label' },
            activity === null ? (obscured ? 'obscured' : 'no activity') : 'activity',
          ),
        ),
      ),
      h('p', { class: 'zone-date' }, date ? `On ${longDay(date)}` : ''),
      obscured
        ? h(
            'p',
            { class: 'banner', role: 'note' },
            `Obscured: only ${pct(row?.coverage ?? 0, 0)} of the zone is visible, so counts are withheld.`,
          )
        : '',
      h('dl', { class: 'stats', id: 'zone-stats' }, ...stats),
    );
  }
  const list = h('ul', { class: 'zone-list', 'aria-label': 'Zones' });
  for (const z of zones) {
    if (z.properties.kind === 'ignore') continue;
    const r = rows.get(z.properties.id);
    const a = r?.activity ?? null;
    list.append(
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'zone-item',
            'aria-pressed': String(z.properties.id === selected),
            'data-zone': z.properties.id,
            onclick: () => onSelect(z.properties.id),
          },
          h('span', { class: 'swatch', style: `background:${colors.get(z.properties.id) ?? '#ccc'}` }),
          // Long names are cut to the sidebar's width: the full name on hover.
          h('span', { class: 'zone-item-name', title: z.properties.name }, z.properties.name),
          h('span', { class: 'zone-item-kind' }, KIND_LABEL[z.properties.kind] ?? ''),
          h(
            'span',
            { class: 'bar', 'aria-label': a === null ? 'no activity score' : `activity ${a.toFixed(0)}` },
            h('span', { style: a === null ? 'width:0' : `width:${a}%;background:${activityColor(a)}` }),
          ),
        ),
      ),
    );
  }
  parts.push(list);
  el.replaceChildren(...parts);
}
