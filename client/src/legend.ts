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

type LegendCounts = { vessel: number; railcar: number; withheld?: { vessel: number; railcar: number } };

/**
 * A detection key with the number on screen, or why there is none: the layer is off (hidden), its boxes
 * are loading, or loading them failed. Only "hidden" means the user turned them off.
 */
export function detectionKey(
  label: string,
  kind: 'vessel' | 'railcar',
  counts: LegendCounts | 'off' | 'loading' | 'failed',
): string {
  if (counts === 'off') return `${label} (hidden)`;
  if (counts === 'loading') return `${label} (loading…)`;
  if (counts === 'failed') return `${label} (failed to load)`;
  return `${label} (${counts[kind]})`;
}

export function renderLegend(
  el: HTMLElement,
  opts: {
    heat: boolean;
    heatMetric: string;
    heatMax: number;
    change: boolean;
    /** Detections on screen, or why none are counted. */
    counts: LegendCounts | 'off' | 'loading' | 'failed';
  },
): void {
  const note = withheldNote(typeof opts.counts === 'string' ? undefined : opts.counts.withheld);
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
        detectionKey('Vessel', 'vessel', opts.counts),
      ),
      h(
        'li',
        { 'data-key': 'railcar' },
        h('span', { class: 'key key-railcar', style: `--c:${RAILCAR}` }),
        detectionKey('Rail car', 'railcar', opts.counts),
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
