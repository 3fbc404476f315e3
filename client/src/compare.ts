// Swipe compare of two dates: a second, non-interactive map over the main one, clipped to the left of
// a draggable divider and kept on the same camera (the approach of maplibre-gl-compare).
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Image } from '../../contract/index.ts';
import { h } from './dom.ts';
import { dateLabel, sharedDays } from './format.ts';
import { Imagery } from './imagery.ts';
import { createMap } from './map.ts';

export class SwipeCompare {
  #main: MapLibreMap;
  #host: HTMLElement;
  #overlay: HTMLElement;
  #map: MapLibreMap | null = null;
  #imagery: Imagery | null = null;
  #handle: HTMLElement;
  #leftLabel: HTMLElement;
  #rightLabel: HTMLElement;
  #position = 0.5;
  #sync = () => {
    if (!this.#map) return;
    this.#map.jumpTo({ center: this.#main.getCenter(), zoom: this.#main.getZoom(), bearing: this.#main.getBearing() });
  };

  constructor(main: MapLibreMap, host: HTMLElement, onPosition: (p: number) => void) {
    this.#main = main;
    this.#host = host;
    this.#overlay = h('div', { class: 'compare-map', 'aria-hidden': 'true' });
    this.#leftLabel = h('span', { class: 'compare-label left', 'data-side': 'left' });
    this.#rightLabel = h('span', { class: 'compare-label right', 'data-side': 'right' });
    this.#handle = h(
      'div',
      {
        class: 'swipe-handle',
        role: 'slider',
        tabindex: 0,
        'aria-label': 'Compare divider: left shows the earlier date',
        'aria-valuemin': 0,
        'aria-valuemax': 100,
      },
      h('span', { class: 'grip', 'aria-hidden': 'true' }),
    );
    const setFromX = (clientX: number) => {
      const r = this.#host.getBoundingClientRect();
      onPosition(Math.min(1, Math.max(0, (clientX - r.left) / r.width)));
    };
    this.#handle.addEventListener('pointerdown', (e) => {
      this.#handle.setPointerCapture(e.pointerId);
      e.preventDefault();
    });
    this.#handle.addEventListener('pointermove', (e) => {
      if (this.#handle.hasPointerCapture(e.pointerId)) setFromX(e.clientX);
    });
    this.#handle.addEventListener('keydown', (e) => {
      const step = e.shiftKey ? 0.1 : 0.02;
      if (e.key === 'ArrowLeft') onPosition(Math.max(0, this.#position - step));
      else if (e.key === 'ArrowRight') onPosition(Math.min(1, this.#position + step));
      else if (e.key === 'Home') onPosition(0);
      else if (e.key === 'End') onPosition(1);
      else return;
      e.preventDefault();
    });
  }

  get active(): boolean {
    return this.#map !== null;
  }

  /** Turns compare on with `left` (the overlay) and `right` (the main map's date), or off with null. */
  set(left: Image | null, right: Image | null, dates: Image[], position: number): void {
    if (!left || !right) {
      this.#teardown();
      return;
    }
    if (!this.#map) {
      this.#host.append(this.#overlay, this.#handle, this.#leftLabel, this.#rightLabel);
      this.#map = createMap(this.#overlay, false);
      this.#imagery = new Imagery(this.#map);
      this.#main.on('move', this.#sync);
      this.#sync();
    }
    const map = this.#map;
    const show = () => {
      const i = dates.findIndex((d) => d.id === left.id);
      this.#imagery?.show(dates, i);
    };
    if (map.isStyleLoaded()) show();
    else map.once('load', show);
    const shared = sharedDays(dates);
    this.#leftLabel.textContent = `◀ ${dateLabel(left.acquiredAt, shared)}`;
    this.#rightLabel.textContent = `${dateLabel(right.acquiredAt, shared)} ▶`;
    this.#leftLabel.dataset.imageId = left.id;
    this.#rightLabel.dataset.imageId = right.id;
    this.setPosition(position);
  }

  setPosition(p: number): void {
    this.#position = p;
    const pct = `${(p * 100).toFixed(2)}%`;
    this.#overlay.style.clipPath = `inset(0 calc(100% - ${pct}) 0 0)`;
    this.#handle.style.left = pct;
    this.#handle.setAttribute('aria-valuenow', (p * 100).toFixed(0));
    this.#handle.setAttribute('aria-valuetext', `${(p * 100).toFixed(0)} % of the width shows the left date`);
  }

  resize(): void {
    this.#map?.resize();
  }

  #teardown(): void {
    if (!this.#map) return;
    this.#main.off('move', this.#sync);
    this.#imagery?.destroy();
    this.#map.remove();
    this.#map = null;
    this.#imagery = null;
    this.#overlay.remove();
    this.#handle.remove();
    this.#leftLabel.remove();
    this.#rightLabel.remove();
  }
}
