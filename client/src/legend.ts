// The map legend: activity scale, obscured zones, detection styles, and the heat/change scales when shown.
import { activityGradient, HEAT_STOPS, NO_DATA, RAILCAR, VESSEL } from './colors.ts';
import { h } from './dom.ts';

export function renderLegend(
  el: HTMLElement,
  opts: {
    heat: boolean;
    heatMetric: string;
    heatMax: number;
    change: boolean;
    counts: { vessel: number; railcar: number };
  },
): void {
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
      h('li', {}, h('span', { class: 'key key-vessel', style: `--c:${VESSEL}` }), `Vessel (${opts.counts.vessel})`),
      h(
        'li',
        {},
        h('span', { class: 'key key-railcar', style: `--c:${RAILCAR}` }),
        `Rail car (${opts.counts.railcar})`,
      ),
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
