/**
 * Native sample values → bytes: the robust per-band percentile stretch of non-8-bit data
 * (recorded in the analysis raster's meta) and the lookup tables that apply it.
 */
import type { NativeBlock, RasterSource } from './decode.ts';
import { throwIfAborted } from './errors.ts';
import type { ImageProbe } from './validate.ts';
import type { WarpOptions } from './warp.ts';

/** Per band, how native values map to bytes: byte = 255 · (v − lo) / (hi − lo), clamped. */
export type Stretch = Array<{ lo: number; hi: number }>;

/** Per-band native value → byte tables; `offset` shifts signed values to a 0-based index. */
export interface ByteLuts {
  luts: Uint8Array[];
  offset: number;
}

/** Per-band lookup from native value to byte, for integer data; null for floats. */
export function byteLuts(probe: ImageProbe, stretch: Stretch): ByteLuts | null {
  if (probe.sampleFormat === 3 || probe.bitDepth > 16) return null;
  const signed = probe.sampleFormat === 2;
  const size = 2 ** probe.bitDepth;
  const offset = signed ? size / 2 : 0;
  const luts = stretch.map(({ lo, hi }) => {
    const lut = new Uint8Array(size);
    const k = 255 / (hi - lo);
    for (let i = 0; i < size; i++) lut[i] = Math.min(255, Math.max(0, Math.round((i - offset - lo) * k)));
    return lut;
  });
  return { luts, offset };
}

export function toBytes(probe: ImageProbe, stretch: Stretch, nb: NativeBlock): Uint8Array {
  const bands = nb.bands;
  const n = nb.window.width * nb.window.height * bands;
  if (nb.data instanceof Uint8Array && stretch.every((s) => s.lo === 0 && s.hi === 255)) return nb.data;
  const out = new Uint8Array(n);
  const l = byteLuts(probe, stretch);
  const d = nb.data;
  for (let b = 0; b < bands; b++) {
    if (l) {
      const lut = l.luts[b]!;
      for (let i = b; i < n; i += bands) out[i] = lut[d[i]! + l.offset]!;
    } else {
      const { lo, hi } = stretch[b]!;
      const k = 255 / (hi - lo);
      for (let i = b; i < n; i += bands) out[i] = Math.min(255, Math.max(0, Math.round((d[i]! - lo) * k)));
    }
  }
  return out;
}

/**
 * Per-band stretch: identity for 8-bit data (its radiometry is kept; normalisation comes later),
 * else the [0.5, 99.5] percentiles of valid pixels from ~32 strips spread over the image.
 */
export async function computeStretch(source: RasterSource, opts: WarpOptions = {}): Promise<Stretch> {
  const p = source.probe;
  if (p.bitDepth === 8 && p.sampleFormat === 1) return p.roles.map(() => ({ lo: 0, hi: 255 }));
  const [pLo, pHi] = opts.percentiles ?? [0.5, 99.5];
  const values: number[][] = p.roles.map(() => []);
  const take = (nb: NativeBlock, budget: number) => {
    const n = nb.window.width * nb.window.height;
    const stride = Math.max(1, Math.floor(n / budget));
    for (let i = 0; i < n; i += stride) {
      if (!nb.valid[i]) continue;
      for (let b = 0; b < nb.bands; b++) values[b]!.push(nb.data[i * nb.bands + b]!);
    }
  };
  const bh = Math.max(1, source.blockHeight);
  const bw = Math.max(1, source.blockWidth);
  if (bw < p.width) {
    // Tiled: a small window inside each of up to 8 × 8 tiles spread over the image, so only those
    // tiles are decoded (a full-width row would decode a whole row of tiles).
    const nx = Math.min(8, Math.ceil(p.width / bw));
    const ny = Math.min(8, Math.ceil(p.height / bh));
    for (let ty = 0; ty < ny; ty++) {
      for (let tx = 0; tx < nx; tx++) {
        throwIfAborted(opts.signal);
        const x = Math.floor(Math.floor(((tx + 0.5) * p.width) / nx) / bw) * bw;
        const y = Math.floor(Math.floor(((ty + 0.5) * p.height) / ny) / bh) * bh;
        const w = { x, y, width: Math.min(bw, p.width - x), height: Math.min(bh, p.height - y) };
        take(await source.readNative(w, opts.signal), Math.ceil(65_536 / (nx * ny)));
      }
    }
  } else {
    // Strips (or a sequential decode): ~32 row bands spread top to bottom, in order.
    const strips = Math.min(32, Math.ceil(p.height / bh));
    const rowsPer = Math.max(1, Math.min(bh, Math.floor(262_144 / p.width)));
    for (let k = 0; k < strips; k++) {
      throwIfAborted(opts.signal);
      let y = Math.floor(((k + 0.5) * p.height) / strips);
      y -= y % bh;
      const h = Math.min(rowsPer, p.height - y);
      take(await source.readNative({ x: 0, y, width: p.width, height: h }, opts.signal), Math.ceil(65_536 / strips));
    }
  }
  return values.map((vals) => {
    if (vals.length === 0) return { lo: 0, hi: 1 };
    const sorted = Float64Array.from(vals).sort();
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((q / 100) * (sorted.length - 1))))]!;
    const lo = at(pLo);
    let hi = at(pHi);
    if (!(hi > lo)) hi = lo + (p.sampleFormat === 3 ? 1e-6 : 1);
    return { lo, hi };
  });
}
