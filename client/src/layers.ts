// The layers panel: toggles for zones, detections, change overlay, and the heat map with its period and metric.
import type { Image } from '../../contract/index.ts';
import type { HeatmapMetric } from './api.ts';
import { h } from './dom.ts';
import { dateLabel, sharedDays } from './format.ts';
import type { AppState } from './state.ts';

export interface LayersCallbacks {
  layers: (patch: Partial<AppState['layers']>) => void;
  heatmap: (patch: Partial<AppState['heatmap']>) => void;
}

function dateOptions(dates: Image[], selected: string | null): HTMLOptionElement[] {
  const shared = sharedDays(dates);
  return dates.map((d) => {
    const o = h('option', { value: d.id }, dateLabel(d.acquiredAt, shared));
    o.selected = d.id === selected;
    return o;
  });
}

function toggle(id: string, label: string, checked: boolean, onChange: (on: boolean) => void, hint?: string) {
  const input = h('input', { id, type: 'checkbox', role: 'switch' });
  input.checked = checked;
  input.addEventListener('change', () => onChange(input.checked));
  return h('div', { class: 'toggle' }, input, h('label', { for: id }, label, hint ? h('small', {}, hint) : null));
}

/**
 * The heat map's period after one end moved: an end moved past the other takes that one along (a one-date
 * period), so the period is never reversed, which the API refuses and which would leave the old map on screen.
 */
export function orderedPeriod(
  dates: Image[],
  fromId: string | null,
  toId: string | null,
  moved: 'from' | 'to',
): { fromId: string | null; toId: string | null } {
  const at = (id: string | null) => dates.findIndex((d) => d.id === id);
  const [f, t] = [at(fromId), at(toId)];
  if (f < 0 || t < 0 || f <= t) return { fromId, toId };
  return moved === 'from' ? { fromId, toId: fromId } : { fromId: toId, toId };
}

export function renderLayers(el: HTMLElement, s: AppState, cb: LayersCallbacks): void {
  const heat = s.heatmap;
  const metric = (m: HeatmapMetric, label: string) => {
    const input = h('input', { type: 'radio', name: 'heat-metric', id: `heat-metric-${m}`, value: m });
    input.checked = heat.metric === m;
    input.addEventListener('change', () => input.checked && cb.heatmap({ metric: m }));
    return h('span', { class: 'seg' }, input, h('label', { for: `heat-metric-${m}` }, label));
  };
  const from = h(
    'select',
    { id: 'heat-from', 'aria-label': 'Heat map period start' },
    ...dateOptions(s.dates, heat.fromId),
  );
  const to = h('select', { id: 'heat-to', 'aria-label': 'Heat map period end' }, ...dateOptions(s.dates, heat.toId));
  from.addEventListener('change', () => cb.heatmap(orderedPeriod(s.dates, from.value, heat.toId, 'from')));
  to.addEventListener('change', () => cb.heatmap(orderedPeriod(s.dates, heat.fromId, to.value, 'to')));
  el.replaceChildren(
    toggle('layer-zones', 'Zones', s.layers.zones, (on) => cb.layers({ zones: on })),
    toggle('layer-detections', 'Detections', s.layers.detections, (on) => cb.layers({ detections: on })),
    toggle('layer-change', 'Change overlay', s.layers.change, (on) => cb.layers({ change: on }), 'vs previous date'),
    toggle('layer-heat', 'Heat map', heat.on, (on) => cb.heatmap({ on }), 'over a period'),
    h(
      'fieldset',
      { class: 'heat-options', disabled: !heat.on },
      h('legend', { class: 'sr-only' }, 'Heat map options'),
      h(
        'div',
        { class: 'segmented', role: 'radiogroup', 'aria-label': 'Heat map metric' },
        metric('change', 'Change'),
        metric('vessels', 'Vessels'),
      ),
      h('div', { class: 'period' }, h('label', {}, 'From', from), h('label', {}, 'To', to)),
    ),
  );
}
