/**
 * Whole-window loops over masks, each a function of its own. Inside the large functions that
 * called them (berthedHulls, waterMask, dropPierDeck…), every such loop was a point where V8 compiled
 * the whole function again for on-stack replacement (with all it inlines: 50–300 ms of TurboFan per
 * compile for berthedHulls, fifteen compiles over three 4 MP detect runs); a small function is
 * compiled once, fast, and serves every caller. Same arithmetic, same order: same masks.
 */

/** a &= b, pixel by pixel (four bytes a step where both are word-aligned: a bitwise AND either way). */
export function andInPlace(a: Uint8Array, b: Uint8Array): void {
  let i = 0;
  // The word views would read past a shorter `b`; the byte loop reads it as 0 there.
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0 && b.length >= a.length) {
    const words = a.length >> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    for (let k = 0; k < words; k++) wa[k]! &= wb[k]!;
    i = words << 2;
  }
  for (; i < a.length; i++) a[i]! &= b[i]!;
}

/** a |= b, pixel by pixel. */
export function orInPlace(a: Uint8Array, b: Uint8Array): void {
  for (let i = 0; i < a.length; i++) a[i]! |= b[i]!;
}

/** a = (a & b) | c, pixel by pixel. */
export function andOrInPlace(a: Uint8Array, b: Uint8Array, c: Uint8Array): void {
  for (let i = 0; i < a.length; i++) a[i] = (a[i]! & b[i]!) | c[i]!;
}

/** Sets `mask` to 1 where `flag[labels[i]]` is set. */
export function setWhereLabel(mask: Uint8Array, labels: Int32Array, flag: Uint8Array): void {
  for (let i = 0; i < mask.length; i++) if (flag[labels[i]!]) mask[i] = 1;
}

/** Per label, the count of pixels where `values` is set (`sums[labels[i]] += values[i]`, for all i). */
export function sumByLabel(sums: Float64Array, labels: Int32Array, values: Uint8Array): void {
  for (let i = 0; i < values.length; i++) sums[labels[i]!]! += values[i]!;
}

/** Into `out`, a & b & c; whether that meets `d` anywhere. */
export function andOfThree(a: Uint8Array, b: Uint8Array, c: Uint8Array, d: Uint8Array, out: Uint8Array): boolean {
  let any = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = a[i]! & b[i]! & c[i]!;
    any |= out[i]! & d[i]!;
  }
  return any !== 0;
}

/** Into `out`, 1 where `v` is at least `t`. */
export function atLeast(v: Float32Array, t: number, out: Uint8Array): void {
  for (let i = 0; i < out.length; i++) out[i] = v[i]! >= t ? 1 : 0;
}

/** 1 where `mask` is 0, 0 elsewhere. */
export function notMask(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] ? 0 : 1;
  return out;
}

/**
 * Whether any byte of `a` is non-zero, four bytes a step where word-aligned: `a.indexOf(1) >= 0` for
 * 0/1 masks, several times faster over a strip's millions of bytes.
 */
export function anySet(a: Uint8Array): boolean {
  let i = 0;
  if (a.byteOffset % 4 === 0) {
    const words = a.length >> 2;
    const w = new Uint32Array(a.buffer, a.byteOffset, words);
    // Sixteen bytes a test.
    const quads = words & ~3;
    for (let k = 0; k < quads; k += 4) if ((w[k]! | w[k + 1]! | w[k + 2]! | w[k + 3]!) !== 0) return true;
    for (let k = quads; k < words; k++) if (w[k] !== 0) return true;
    i = words << 2;
  }
  for (; i < a.length; i++) if (a[i] !== 0) return true;
  return false;
}
