/** The upper median of `v` (the middle value, the higher of the two middles for an even count); NaN when empty. */
export function upperMedian(v: ArrayLike<number>): number {
  if (!v.length) return Number.NaN;
  const s = Float64Array.from(v).sort();
  return s[s.length >> 1]!;
}
