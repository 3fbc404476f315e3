/**
 * The bands of an image the analysis reads: those of the site's reference, by role. An RGB + NIR
 * image on a site whose reference is RGB is read as its RGB, so it is warped, registered, normalised
 * and compared exactly as the RGB product of the same pixels would be.
 */
import type { NativeArray, NativeBlock, RasterSource } from './decode.ts';
import { toBlock } from './decode.ts';
import { refuseOtherBands } from './site-checks.ts';
import type { BandRole } from './types.ts';

/**
 * The decoder's validity judged a pixel with all its bands: one whose picked bands all hold the nodata value is
 * nodata once the others are dropped. (A NaN in any band, a dropped one too, already made it invalid; so it stays.)
 * A copy when any pixel changes: the source's plane may be shared with its other readers.
 */
function nodataOfPicked(valid: Uint8Array, data: NativeArray, k: number, nodata: number | null): Uint8Array {
  if (nodata === null) return valid;
  let out = valid;
  for (let i = 0, d = 0; i < valid.length; i++, d += k) {
    if (!valid[i]) continue;
    let all = true;
    for (let j = 0; j < k && all; j++) all = data[d + j] === nodata;
    if (!all) continue;
    if (out === valid) out = valid.slice();
    out[i] = 0;
  }
  return out;
}

/** `source` read as the bands `roles` (the reference's); refuses an image that lacks one of them. */
export function readAsBands(source: RasterSource, roles: readonly BandRole[]): RasterSource {
  const own = source.probe.roles;
  refuseOtherBands(own.length, roles.length);
  if (own.length === roles.length && own.every((r, i) => r === roles[i])) return source;
  const index = roles.map((r) => own.indexOf(r));
  if (index.some((i) => i < 0)) {
    // refuseOtherBands lets through only combinations whose roles nest; a mismatch here is a bug.
    throw new Error(`image bands [${own.join(', ')}] do not hold the reference's [${roles.join(', ')}]`);
  }
  const probe = { ...source.probe, roles: [...roles], bandCount: roles.length };
  const pick = (nb: NativeBlock): NativeBlock => {
    const n = nb.window.width * nb.window.height;
    const k = index.length;
    const from = nb.data;
    const data = new (from.constructor as new (length: number) => NativeArray)(n * k);
    for (let j = 0; j < k; j++) {
      const b = index[j]!;
      for (let i = 0, s = b, d = j; i < n; i++, s += nb.bands, d += k) data[d] = from[s]!;
    }
    return { window: nb.window, bands: k, data, valid: nodataOfPicked(nb.valid, data, k, source.probe.nodata) };
  };
  return {
    probe,
    blockHeight: source.blockHeight,
    blockWidth: source.blockWidth,
    readNative: async (w, signal) => pick(await source.readNative(w, signal)),
    read: async (w, signal) => toBlock(probe, pick(await source.readNative(w, signal))),
    close: () => source.close(),
  };
}
