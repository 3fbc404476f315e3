/**
 * Renders one XYZ tile (EPSG:3857, 256 px, transparent outside) from a pyramid on the site's lon/lat
 * grid: pick the coarsest level still at least as fine as the tile, map each output pixel centre to
 * lon/lat (rows through the Mercator latitude, columns linearly) and sample nearest. Imagery is RGBA;
 * the change mask is coloured (changed → translucent red).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { encodeTilePng } from './encode.ts';
import { latOf, lonOf, TILE_SIZE } from './mercator.ts';
import { type PyramidMeta, pyramidDir } from './pyramid.ts';

/** Colour of changed pixels in the overlay: red-orange, mostly opaque, so the imagery shows through a little. */
const CHANGE_RGBA = [255, 69, 58, 215] as const;

interface Window {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An opened pyramid that renders tiles; close() releases its file handles. */
export class TileSource {
  private readonly fds = new Map<number, number>();
  private constructor(
    private readonly dir: string,
    readonly meta: PyramidMeta,
  ) {}

  static async open(analysisDir: string, meta: PyramidMeta): Promise<TileSource> {
    return new TileSource(pyramidDir(analysisDir, meta.kind), meta);
  }

  /** `window` of level k as `channels`-byte pixels (RGBA for imagery, mask bytes for change). */
  private async read(k: number, w: Window): Promise<Uint8Array> {
    const c = this.meta.channels;
    let fd = this.fds.get(k);
    if (fd === undefined) {
      fd = openSync(join(this.dir, `L${k}.raw`), 'r');
      this.fds.set(k, fd);
    }
    const lw = this.meta.levels[k]!.width;
    const out = new Uint8Array(w.width * w.height * c);
    if (w.width === lw) {
      readSync(fd, out, 0, out.length, w.y * lw * c);
    } else {
      for (let y = 0; y < w.height; y++) {
        readSync(fd, out, y * w.width * c, w.width * c, ((w.y + y) * lw + w.x) * c);
      }
    }
    return out;
  }

  /** RGBA pixels of tile (z, x, y), or null when nothing of the image falls in it. */
  async renderRgba(z: number, x: number, y: number): Promise<Uint8Array | null> {
    const [gw, gs, ge, gn] = this.meta.grid.bounds;
    const levels = this.meta.levels;
    const outDeg = 360 / (TILE_SIZE * 2 ** z);
    let k = 0;
    while (k + 1 < levels.length && (ge - gw) / levels[k + 1]!.width <= outDeg) k++;
    const { width: lw, height: lh } = levels[k]!;
    const cols = new Int32Array(TILE_SIZE);
    const rows = new Int32Array(TILE_SIZE);
    let c0 = Number.POSITIVE_INFINITY;
    let c1 = -1;
    let r0 = Number.POSITIVE_INFINITY;
    let r1 = -1;
    for (let i = 0; i < TILE_SIZE; i++) {
      const lon = lonOf(x * TILE_SIZE + i + 0.5, z);
      const col = Math.floor(((lon - gw) / (ge - gw)) * lw);
      cols[i] = col >= 0 && col < lw ? col : -1;
      if (cols[i]! >= 0) {
        c0 = Math.min(c0, col);
        c1 = Math.max(c1, col);
      }
      const lat = latOf(y * TILE_SIZE + i + 0.5, z);
      const row = Math.floor(((gn - lat) / (gn - gs)) * lh);
      rows[i] = row >= 0 && row < lh ? row : -1;
      if (rows[i]! >= 0) {
        r0 = Math.min(r0, row);
        r1 = Math.max(r1, row);
      }
    }
    if (c1 < 0 || r1 < 0) return null;
    const win = { x: c0, y: r0, width: c1 - c0 + 1, height: r1 - r0 + 1 };
    const src = await this.read(k, win);
    const out = new Uint8Array(TILE_SIZE * TILE_SIZE * 4);
    let any = false;
    const change = this.meta.kind === 'change';
    for (let j = 0; j < TILE_SIZE; j++) {
      const r = rows[j]!;
      if (r < 0) continue;
      const rowBase = (r - r0) * win.width;
      for (let i = 0; i < TILE_SIZE; i++) {
        const cc = cols[i]!;
        if (cc < 0) continue;
        const o = (j * TILE_SIZE + i) * 4;
        if (change) {
          if (src[rowBase + cc - c0]! > 127) {
            out[o] = CHANGE_RGBA[0];
            out[o + 1] = CHANGE_RGBA[1];
            out[o + 2] = CHANGE_RGBA[2];
            out[o + 3] = CHANGE_RGBA[3];
            any = true;
          }
        } else {
          const s = (rowBase + cc - c0) * 4;
          if (src[s + 3] === 0) continue;
          out[o] = src[s]!;
          out[o + 1] = src[s + 1]!;
          out[o + 2] = src[s + 2]!;
          out[o + 3] = src[s + 3]!;
          any = true;
        }
      }
    }
    return any ? out : null;
  }

  /** The tile as PNG, or null when empty. */
  async renderPng(z: number, x: number, y: number): Promise<Buffer | null> {
    const rgba = await this.renderRgba(z, x, y);
    return rgba ? encodeTilePng(rgba, TILE_SIZE, TILE_SIZE) : null;
  }

  async close(): Promise<void> {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

let empty: Promise<Buffer> | null = null;
/** A fully transparent 256 px PNG, for tiles outside the image. */
export function emptyTile(): Promise<Buffer> {
  empty ??= encodeTilePng(new Uint8Array(TILE_SIZE * TILE_SIZE * 4), TILE_SIZE, TILE_SIZE);
  return empty;
}
