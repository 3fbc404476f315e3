/**
 * change.ts's first pass over a tile row of three bands, with the envelope of what it keeps: the
 * pixels whose squared plain distance exceeds the noise floor (collect.wat's `collect`, as in
 * collect.ts) and, while their rows are still in the module's memory, their squared two-way
 * local-range distance (collect.wat's `envelopes`, envelope.ts's rangeDistance3At bit for bit).
 * Read later by the judge, a tile row or more behind, the same neighbourhoods had left the cache:
 * ~0.4 µs a kept pixel in JavaScript, a third of the judge's time on change.bench's pair.
 * Planes in the kernel memory (kernel-memory.ts: the survey's reads) are read in place; others are
 * copied in, the rows above and below the tile row too, so that its pixels have their neighbours.
 * Each thread (pool worker) instantiates its own module.
 */
import { CollectKernel, screenLevel } from './collect.ts';
import { rangeDistance3At } from './envelope.ts';
import { kernelAddress, planesInKernel } from './kernel-memory.ts';

const kernel = new CollectKernel();

/** Rows of the six planes copied in at a time: 4 of 4096 px are 384 KB, within a core's L2. */
const ROWS_AT_ONCE = 4;

/**
 * The pixels of rows [y0, y1) of the w × h planes P, C (three bands each) whose squared plain
 * distance exceeds `floor2` (collect.ts's collect, same list and values) into idx and plain2, and
 * their squared two-way distance with tolerance t (envelope.ts's rangeDistance3At, same value) into
 * env; returns how many.
 */
export function collectWithEnvelopes(
  P: Float32Array[],
  C: Float32Array[],
  w: number,
  h: number,
  y0: number,
  y1: number,
  floor2: number,
  t: number,
  idx: Int32Array,
  plain2: Float64Array,
  env: Float64Array,
): number {
  const ya = y0 > 0 ? y0 - 1 : 0;
  const yb = y1 < h ? y1 + 1 : h;
  const n = (y1 - y0) * w;
  const pre = screenLevel(floor2);
  const inP = planesInKernel(P);
  const inC = inP && planesInKernel(C);
  // Planes in the kernel memory are read where they lie (each band's plane whole: rows from 0, h of
  // them); others have rows [ya, yb) of each band copied into the scratch region, the previous
  // date's bands then the current date's, before the lists.
  const nb = inC ? 0 : (yb - ya) * w;
  const planes = 6 * nb;
  const out = planes + (planes & 1);
  const at = kernel.reserve(4 * (out + 5 * n)) / 4;
  const { f32, i32, f64 } = kernel;
  const [p0, p1, p2, c0, c1, c2] = (
    inP && inC ? [...inP, ...inC] : [0, 1, 2, 3, 4, 5].map((b) => 4 * (at + b * nb))
  ) as [number, number, number, number, number, number];
  const origin = inC ? 0 : ya * w;
  const rows = inC ? h : yb - ya;
  const distAt = at + out;
  const envAt = distAt + 2 * n;
  const idxAt = distAt + 4 * n;
  // Rows are copied in a few at a time and screened at once, while they are in the core's cache (a
  // tile row of planes is larger); each row's envelopes are taken just after the next row's screen.
  let k = 0;
  let prev = 0;
  let copied = inC ? yb : ya;
  for (let y = y0; y < y1; y++) {
    if (y + 1 >= copied && copied < yb) {
      const to = Math.min(yb, Math.max(copied, y + 1) + ROWS_AT_ONCE);
      for (let b = 0; b < 3; b++) {
        f32.set(P[b]!.subarray(copied * w, to * w), at + b * nb + (copied - ya) * w);
        f32.set(C[b]!.subarray(copied * w, to * w), at + (3 + b) * nb + (copied - ya) * w);
      }
      copied = to;
    }
    const from = k;
    const o = 4 * (y * w - origin);
    k += kernel.fn.collect3(
      p0 + o,
      p1 + o,
      p2 + o,
      c0 + o,
      c1 + o,
      c2 + o,
      w,
      y * w,
      floor2,
      pre,
      4 * (idxAt + k),
      4 * (distAt + 2 * k),
    );
    if (y > y0) {
      kernel.fn.envelopes(
        p0,
        p1,
        p2,
        c0,
        c1,
        c2,
        w,
        rows,
        origin,
        4 * (idxAt + prev),
        from - prev,
        t,
        4 * (envAt + 2 * prev),
      );
    }
    prev = from;
  }
  kernel.fn.envelopes(p0, p1, p2, c0, c1, c2, w, rows, origin, 4 * (idxAt + prev), k - prev, t, 4 * (envAt + 2 * prev));
  idx.set(i32.subarray(idxAt, idxAt + k));
  plain2.set(f64.subarray(distAt / 2, distAt / 2 + k));
  env.set(f64.subarray(envAt / 2, envAt / 2 + k));
  // Pixels without their eight neighbours in the rows copied (the image's edges), or near a NaN.
  envelopesLeft(P, C, w, h, t, idx, k, env);
  return k;
}

/**
 * The envelopes the kernel left NaN, by rangeDistance3At: pixels without their eight neighbours in
 * the rows it read (the image's edges), or near a NaN value.
 */
function envelopesLeft(
  P: Float32Array[],
  C: Float32Array[],
  w: number,
  h: number,
  t: number,
  list: Int32Array,
  count: number,
  env: Float64Array,
): void {
  for (let j = 0; j < count; j++) {
    if (!Number.isNaN(env[j]!)) continue;
    const i = list[j]!;
    const y = (i / w) | 0;
    env[j] = rangeDistance3At(P[0]!, P[1]!, P[2]!, C[0]!, C[1]!, C[2]!, w, h, i - y * w, y, t);
  }
}

/**
 * The squared two-way distances with tolerance t (envelope.ts's rangeDistance3At, same values) of
 * the `count` listed pixels (global indices, raster order) of the w × h planes P, C into env, read
 * where the planes lie in the kernel memory (kernel-memory.ts: the survey's reads); false, nothing
 * written, where they do not (collectWithEnvelopes then takes the envelopes as it collects).
 * change.ts takes them here for the pixels it judges alone: of those collectWithEnvelopes would
 * take, ~40 % on change.bench's pair are isolated noise pixels in tiles nothing reads (each taken
 * one band at a time, the kernel's slow path), and the rows the judge reads a few tile rows behind
 * are still in the outer cache, the kernel's loads need no copy.
 */
export function envelopesInPlace(
  P: Float32Array[],
  C: Float32Array[],
  w: number,
  h: number,
  t: number,
  list: Int32Array,
  count: number,
  env: Float64Array,
): boolean {
  const inP = planesInKernel(P);
  const inC = inP && planesInKernel(C);
  if (!inC) return false;
  if (count === 0) return true;
  // Layout (4-byte words from the scratch region's start): the f64 envelopes, then the indices.
  const at = kernel.reserve(12 * count) / 4;
  const envAt = at;
  const idxAt = at + 2 * count;
  kernel.i32.set(list.subarray(0, count), idxAt);
  kernel.fn.envelopes(inP[0], inP[1], inP[2], ...inC, w, h, 0, 4 * idxAt, count, t, 4 * envAt);
  env.set(kernel.f64.subarray(envAt / 2, envAt / 2 + count));
  envelopesLeft(P, C, w, h, t, list, count, env);
  return true;
}

/** The parameters of change.ts's judge that collect.wat's `judge3` takes. */
interface JudgeParams {
  invSat: number;
  naturalWeight: number;
  strong2: number;
  strongChange: number;
  shadowDiscount: number;
  maxGain: number;
}

/** Values `judgeInPlace` writes a pixel (JUDGED_STRIDE f64 each): state, distance, normal, beside, deep, candidate. */
export const JUDGED_STRIDE = 6;
/** A judged pixel's state: nothing to write (within the envelope, settled, or 0). The third state, 1: judged, its values written. */
export const JUDGED_NONE = 0;
/** A judged pixel's state: left to the JavaScript (a NaN two-way distance: near a NaN value). */
export const JUDGED_LEFT = 2;

/**
 * envelopesInPlace's envelopes into env, then change.ts's judge of the listed pixels (its weigh,
 * judgePixel and shadowLike, bit for bit) in collect.wat's `judge3`: returns its results, JUDGED_STRIDE
 * values a pixel: the state (JUDGED_*), the weighted distance, the shadow scores normal, beside and
 * deep, and a deep-shadow candidate's value. They are a view of the kernel memory, not copied out
 * (6 doubles a pixel), valid until the module's next call. `planes`: the compared dates' bands in
 * band order (previous date's three, then current's), their red, green, blue planes (previous,
 * current), then those of the chroma dates; null, nothing written, unless all 18 lie in the kernel
 * memory. With `ready`, env already holds the listed pixels' envelopes (collectWithEnvelopes': taken
 * as collected, complete) and they are judged as they are.
 * In JavaScript the judge cost ~0.35 µs a pixel (43 ms of change.bench's ~165 at 4096²).
 */
export function judgeInPlace(
  planes: Float32Array[],
  w: number,
  h: number,
  t: number,
  params: JudgeParams,
  list: Int32Array,
  plain2: Float64Array,
  count: number,
  env: Float64Array,
  ready = false,
): Float64Array | null {
  if (planes.length !== 18) return null;
  const at18 = planes.map(kernelAddress);
  if (at18.some((a) => a < 0)) return null;
  if (count === 0) return kernel.f64.subarray(0, 0);
  // Layout (4-byte words from the scratch region's start): the f64 envelopes, plain distances and
  // results, then the indices and the plane table.
  const at = kernel.reserve(4 * (2 * count + 2 * count + 2 * JUDGED_STRIDE * count + count + 18)) / 4;
  const envAt = at;
  const plainAt = envAt + 2 * count;
  const outAt = plainAt + 2 * count;
  const idxAt = outAt + 2 * JUDGED_STRIDE * count;
  const tableAt = idxAt + count;
  const { i32, f64 } = kernel;
  i32.set(list.subarray(0, count), idxAt);
  i32.set(at18, tableAt);
  f64.set(plain2.subarray(0, count), plainAt / 2);
  const [p0, p1, p2, c0, c1, c2] = at18 as [number, number, number, number, number, number];
  if (ready) f64.set(env.subarray(0, count), envAt / 2);
  else kernel.fn.envelopes(p0, p1, p2, c0, c1, c2, w, h, 0, 4 * idxAt, count, t, 4 * envAt);
  kernel.fn.judge3(
    4 * tableAt,
    4 * idxAt,
    4 * plainAt,
    4 * envAt,
    count,
    4 * outAt,
    params.invSat,
    params.naturalWeight,
    params.strong2,
    params.strongChange,
    params.shadowDiscount,
    params.maxGain,
  );
  if (!ready) {
    env.set(f64.subarray(envAt / 2, envAt / 2 + count));
    // Judged NaN by the kernel and left to the JavaScript, their envelopes here.
    envelopesLeft(planes.slice(0, 3), planes.slice(3, 6), w, h, t, list, count, env);
  }
  return f64.subarray(outAt / 2, outAt / 2 + JUDGED_STRIDE * count);
}
