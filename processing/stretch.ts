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
  const bh = Math.max(1, source.blockHeight);
  const strips = Math.min(32, Math.ceil(p.height / bh));
  const rowsPer = Math.max(1, Math.min(bh, Math.floor(262_144 / p.width)));
  const values: number[][] = p.roles.map(() => []);
  const perStrip = Math.ceil(65_536 / strips);
  for (let k = 0; k < strips; k++) {
    throwIfAborted(opts.signal);
    let y = Math.floor(((k + 0.5) * p.height) / strips);
    y -= y % bh;
    const h = Math.min(rowsPer, p.height - y);
    const nb = await source.readNative({ x: 0, y, width: p.width, height: h }, opts.signal);
    const n = p.width * h;
    const stride = Math.max(1, Math.floor(n / perStrip));
    for (let i = 0; i < n; i += stride) {
      if (!nb.valid[i]) continue;
      for (let b = 0; b < nb.bands; b++) values[b]!.push(nb.data[i * nb.bands + b]!);
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
