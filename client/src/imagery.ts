// The dated imagery: one raster source per date, neighbours preloaded at opacity 0, and a switch
// that keeps the old date on screen until the new one's tiles have loaded — so never a blank frame.
import type { Map as MapLibreMap, RasterTileSource } from 'maplibre-gl';
import type { Image } from '../../contract/index.ts';
import { paths, type TileJson } from './api.ts';
import { CHANGE_SLOT, IMAGERY_SLOT } from './map.ts';

const sourceId = (imageId: string) => `img-${imageId}`;

/** How many dates either side of the shown one are kept loaded before any step was taken. */
const PRELOAD = 2;
/** Once stepping, how many dates ahead in the direction of travel are kept loaded, and how many behind. */
const AHEAD = 3;
const BEHIND = 1;

/**
 * The dates to keep loaded around `index`, nearest first (the likeliest next stops): more of them ahead in
 * the direction of travel (`direction` +1 or -1, 0 before the first step), where a held key goes next.
 */
export function preloadWindow<T>(dates: readonly T[], index: number, direction: number): T[] {
  const ahead = direction === 0 ? PRELOAD : AHEAD;
  const behind = direction === 0 ? PRELOAD : BEHIND;
  const dir = direction < 0 ? -1 : 1;
  const out: T[] = [];
  for (let k = 1; k <= Math.max(ahead, behind); k++) {
    const next = k <= ahead ? dates[index + dir * k] : undefined;
    const back = k <= behind ? dates[index - dir * k] : undefined;
    if (next !== undefined) out.push(next);
    if (back !== undefined) out.push(back);
  }
  return out;
}

/** Which way the analyst is stepping: +1 or -1 from the date `fromId` to `dates[index]`, 0 before any step. */
export function travelDirection(
  dates: readonly { id: string }[],
  fromId: string | null | undefined,
  index: number,
): number {
  const was = fromId ? dates.findIndex((d) => d.id === fromId) : -1;
  return was < 0 || was === index ? 0 : Math.sign(index - was);
}

export class Imagery {
  #map: MapLibreMap;
  #shown: string | null = null;
  #pending: string | null = null;
  #window: Image[] = [];
  /** The date last asked for, whose place in the list tells the direction of travel. */
  #asked: Image | null = null;
  #change: string | null = null;
  #failed = new Set<string>();
  #primed = new Map<string, TileJson>();
  #poll = 0;
  #onShown: (imageId: string, missing: boolean) => void;

  /**
   * `onShown` fires once a date is fully on screen (its tiles loaded, the old date hidden);
   * `missing` is true when the server had no tiles for it (the date is shown, honestly empty).
   */
  constructor(map: MapLibreMap, onShown: (imageId: string, missing: boolean) => void = () => {}) {
    this.#map = map;
    this.#onShown = onShown;
    const check = () => {
      const p = this.#pending;
      if (p && map.getSource(sourceId(p)) && map.isSourceLoaded(sourceId(p))) this.#settle();
    };
    map.on('sourcedata', (e) => {
      if (this.#pending && e.sourceId === sourceId(this.#pending)) check();
    });
    map.on('idle', check);
    map.on('error', (e) => {
      const id = (e as { sourceId?: string }).sourceId;
      if (id?.startsWith('img-')) this.#failed.add(id.slice(4));
    });
    // Events alone can miss the moment (errored tiles fire no sourcedata): a cheap poll backs them up.
    this.#poll = window.setInterval(check, 250);
  }

  /** Stops the poll (the map is going away). */
  destroy(): void {
    window.clearInterval(this.#poll);
  }

  /** Hands over an image's TileJSON fetched ahead of time. */
  prime(imageId: string, tileJson: TileJson): void {
    this.#primed.set(imageId, tileJson);
  }

  /** The image fully on screen. */
  get shown(): string | null {
    return this.#shown;
  }

  #ensure(img: Image): void {
    const id = sourceId(img.id);
    if (this.#map.getSource(id)) return;
    // Through the TileJSON: it carries the server's zoom range (no requests past its max zoom, which
    // would come back empty) and a revision in the tile URLs, so a re-analysed image is never stale.
    // A TileJSON fetched ahead (the first date, during start-up) is used inline: one round trip less.
    const tj = this.#primed.get(img.id);
    this.#primed.delete(img.id);
    this.#map.addSource(
      id,
      tj
        ? {
            type: 'raster',
            tileSize: 256,
            tiles: tj.tiles,
            minzoom: tj.minzoom,
            maxzoom: tj.maxzoom,
            bounds: tj.bounds,
          }
        : { type: 'raster', url: paths.tileJson(img.id), tileSize: 256 },
    );
    this.#map.addLayer(
      { id, type: 'raster', source: id, paint: { 'raster-opacity': 0, 'raster-fade-duration': 0 } },
      IMAGERY_SLOT,
    );
  }

  /** Shows `dates[index]`; once it is in, preloads its neighbours and drops sources far from it. */
  show(dates: Image[], index: number): void {
    const target = dates[index];
    if (!target) return;
    const direction = travelDirection(dates, this.#asked?.id, index);
    this.#asked = target;
    this.#window = preloadWindow(dates, index, direction);
    this.#ensure(target);
    const id = sourceId(target.id);
    // The target goes on top of the other dates at full opacity; the old date stays underneath
    // until the target's tiles are in, so the screen never shows the bare background.
    this.#map.moveLayer(id, IMAGERY_SLOT);
    this.#map.setPaintProperty(id, 'raster-opacity', 1);
    this.#pending = target.id;
    const keep = new Set([target.id, ...this.#window.map((d) => d.id)]);
    if (this.#shown) keep.add(this.#shown);
    for (const layer of this.#map.getStyle().layers) {
      if (!layer.id.startsWith('img-')) continue;
      const imageId = layer.id.slice(4);
      if (!keep.has(imageId)) {
        this.#map.removeLayer(layer.id);
        this.#map.removeSource(layer.id);
      } else if (imageId !== target.id && imageId !== this.#shown) {
        this.#map.setPaintProperty(layer.id, 'raster-opacity', 0);
      }
    }
    if (this.#map.isSourceLoaded(id)) this.#settle();
  }

  #settle(): void {
    const target = this.#pending;
    if (!target) return;
    this.#pending = null;
    if (this.#shown && this.#shown !== target && this.#map.getLayer(sourceId(this.#shown)))
      this.#map.setPaintProperty(sourceId(this.#shown), 'raster-opacity', 0);
    this.#shown = target;
    // Neighbours load only now, so they never compete with the date the analyst asked for.
    for (const img of this.#window) this.#ensure(img);
    this.#onShown(target, this.#failed.has(target));
  }

  /** Shows (or hides, with null) the change overlay of an image against its previous date. */
  setChange(imageId: string | null): void {
    if (this.#change === imageId) return;
    if (this.#change) {
      this.#map.removeLayer('change');
      this.#map.removeSource('change');
    }
    this.#change = imageId;
    if (!imageId) return;
    const image = this.#map.getSource<RasterTileSource>(sourceId(imageId));
    this.#map.addSource('change', {
      type: 'raster',
      tiles: [paths.changeTiles(imageId)],
      tileSize: 256,
      maxzoom: image?.maxzoom ?? 18,
      ...(image?.bounds ? { bounds: image.bounds } : {}),
    });
    this.#map.addLayer(
      { id: 'change', type: 'raster', source: 'change', paint: { 'raster-opacity': 0.8, 'raster-fade-duration': 0 } },
      CHANGE_SLOT,
    );
  }
}
