/** The upper median of `v` (the middle value, the higher of the two middles for an even count); NaN when empty. */
export function upperMedian(v: ArrayLike<number>): number {
  if (!v.length) return Number.NaN;
  // By selection, not a sort of the copy: the same value (kthOf), at a fraction of the work
  // (dropBankStrips takes three per band and candidate patch).
  const s = Float64Array.from(v);
  return kthOf(s, s.length >> 1);
}

/**
 * The value at index `k` of `v` sorted (`v.sort()[k]`) by selection (Hoare's quickselect), without the
 * sort: `v` is reordered. The same value as the sort's for values without NaN (which the sort puts
 * last; here they are sorted as it does). A ring's median of tens of thousands of pixels was three
 * full sorts per box and date.
 */
export function kthOf(v: Float32Array | Float64Array, k: number): number {
  for (let i = 0; i < v.length; i++) if (Number.isNaN(v[i]!)) return v.sort()[k]!;
  let lo = 0;
  let hi = v.length - 1;
  while (hi > lo) {
    const pivot = v[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i]! < pivot) i++;
      while (v[j]! > pivot) j--;
      if (i <= j) {
        const t = v[i]!;
        v[i] = v[j]!;
        v[j] = t;
        i++;
        j--;
      }
    }
    // [lo, j] holds values up to the pivot, [i, hi] from it, and between them the pivot's equals.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return v[k]!;
  }
  return v[k]!;
}
