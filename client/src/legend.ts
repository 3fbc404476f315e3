// The map legend: activity scale, obscured zones, detection styles, and the heat/change scales when shown.
import { activityGradient, HEAT_STOPS, NO_DATA, RAILCAR, VESSEL } from './colors.ts';
import { h } from './dom.ts';

/** The note under the detection keys for boxes drawn in zones whose count is withheld; null when there are none. */
export function withheldNote(withheld: { vessel: number; railcar: number } | undefined): string | null {
  if (!withheld) return null;
  const parts: string[] = [];
  if (withheld.vessel) parts.push(`${withheld.vessel} vessel${withheld.vessel === 1 ? '' : 's'}`);
  if (withheld.railcar) parts.push(`${withheld.railcar} rail car${withheld.railcar === 1 ? '' : 's'}`);
  if (parts.length === 0) return null;
  return `Faint: ${parts.join(' and ')} in zones too obscured to count (under 50 % seen), not in the numbers`;
}

/** A detection key with the number on screen, or without a number when none are shown. */
function counted(label: string, n: number | undefined): string {
  return n === undefined ? `${label} (hidden)` : `${label} (${n})`;
}

export function renderLegend(
  el: HTMLElement,
  opts: {
    heat: boolean;
    heatMetric: string;
    heatMax: number;
    change: boolean;
    /** Detections on screen; null when the layer is off or failed to load (no count is then shown). */
    counts: { vessel: number; railcar: number; withheld?: { vessel: number; railcar: number } } | null;
  },
): void {
  const note = withheldNote(opts.counts?.withheld);
  const heatGradient = `linear-gradient(to right, ${HEAT_STOPS.map(([t, c]) => `${c} ${t * 100}%`).join(', ')})`;
  el.replaceChildren(
    h('h2', { class: 'legend-title' }, 'Zone activity'),
    h('div', {
      class: 'scale',
      style: `background:${activityGradient()}`,
      role: 'img',
      'aria-label': 'colour scale from 0 (purple) to 100 (yellow)',
    }),
    h('div', { class: 'scale-labels' }, h('span', {}, '0'), h('span', {}, '50'), h('span', {}, '100')),
    h(
      'ul',
      { class: 'keys' },
      h('li', {}, h('span', { class: 'key key-nodata', style: `--c:${NO_DATA}` }), 'Obscured / no score'),
      h(
        'li',
        { 'data-key': 'vessel' },
        h('span', { class: 'key key-vessel', style: `--c:${VESSEL}` }),
        counted('Vessel', opts.counts?.vessel),
      ),
      h(
        'li',
        { 'data-key': 'railcar' },
        h('span', { class: 'key key-railcar', style: `--c:${RAILCAR}` }),
        counted('Rail car', opts.counts?.railcar),
      ),
      note ? h('li', { class: 'key-note', 'data-key': 'withheld' }, note) : null,
      opts.change ? h('li', {}, h('span', { class: 'key key-change' }), 'Changed since previous date') : null,
    ),
    opts.heat
      ? h(
          'div',
          { class: 'heat-legend' },
          h('h2', { class: 'legend-title' }, opts.heatMetric === 'vessels' ? 'Vessel presence' : 'Change frequency'),
          h('div', { class: 'scale', style: `background:${heatGradient}` }),
          h(
            'div',
            { class: 'scale-labels' },
            h('span', {}, 'never'),
            h('span', {}, opts.heatMax > 0 ? `${Math.round(opts.heatMax * 100)} % of images` : 'often'),
          ),
        )
      : '',
  );
}
