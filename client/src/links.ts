// Copyable API links for what is on screen: the selected zone's scores CSV, the date's detections,
// its tiles and STAC item, and the heat map when shown.
import { absolute, paths } from './api.ts';
import { h, toast } from './dom.ts';

export interface LinkContext {
  site: string | null;
  imageId: string | null;
  zoneId: string | null;
  heat: { on: boolean; metric: 'change' | 'vessels'; from?: string; to?: string };
  /** The change overlay is on screen. */
  change?: boolean;
}

async function copy(text: string, input: HTMLInputElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast('Link copied');
  } catch {
    // Clipboard API needs a secure context; on plain http the selection lets the user copy by hand.
    input.select();
    toast('Press Ctrl+C to copy the selected link');
  }
}

export function renderLinks(el: HTMLElement, ctx: LinkContext): void {
  const rows: [string, string, string][] = [];
  if (ctx.site) {
    rows.push([
      ctx.zoneId ? `Scores of ${ctx.zoneId} (CSV)` : 'Scores, all zones (CSV)',
      absolute(paths.scores(ctx.site, ctx.zoneId ?? undefined, 'csv')),
      'scores-csv',
    ]);
  }
  if (ctx.imageId) {
    rows.push(['Detections (GeoJSON)', absolute(paths.detections(ctx.imageId)), 'detections']);
    rows.push(['Image tiles (XYZ)', absolute(paths.tiles(ctx.imageId)), 'tiles']);
    rows.push(['TileJSON', absolute(paths.tileJson(ctx.imageId)), 'tilejson']);
    rows.push(['STAC item', absolute(paths.stac(ctx.imageId)), 'stac']);
    if (ctx.change) rows.push(['Change tiles (XYZ)', absolute(paths.changeTiles(ctx.imageId)), 'change-tiles']);
  }
  if (ctx.site && ctx.heat.on) {
    rows.push([
      'Heat map (GeoJSON)',
      absolute(paths.heatmap(ctx.site, ctx.heat.metric, ctx.heat.from, ctx.heat.to)),
      'heatmap',
    ]);
  }
  el.replaceChildren(
    ...rows.map(([label, url, key]) => {
      const id = `link-${key}`;
      const input = h('input', { id, type: 'text', readonly: true, value: url, spellcheck: 'false' });
      return h(
        'div',
        { class: 'link-row', 'data-link': key },
        h('label', { for: id }, label),
        h(
          'div',
          { class: 'link-field' },
          input,
          h(
            'button',
            { type: 'button', class: 'small', 'aria-label': `Copy ${label}`, onclick: () => void copy(url, input) },
            'Copy',
          ),
          h(
            'a',
            { class: 'small button-link', href: url, target: '_blank', rel: 'noopener', 'aria-label': `Open ${label}` },
            'Open',
          ),
        ),
      );
    }),
  );
}
