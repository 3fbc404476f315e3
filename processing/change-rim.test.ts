import { describe, expect, it } from 'vitest';
import { dilutedRim } from './change-rim.ts';

/** A 3×1 pair: pixel 0 a rim, pixel 1 a strong change (distance 0.5), pixel 2 unchanged. */
function pair(rim: [number[], number[]]) {
  const ground = [0.22, 0.22, 0.21];
  const p = [rim[0], [0.65, 0.66, 0.62], ground];
  const c = [rim[1], [0.16, 0.15, 0.15], ground];
  const plane = (px: number[][], b: number) => Float32Array.from(px.map((v) => v[b]!));
  const rgb = (px: number[][]) => ({ r: plane(px, 0), g: plane(px, 1), b: plane(px, 2) });
  return { p: rgb(p), c: rgb(c), dist: Float32Array.from([0.07, 0.5, 0]) };
}

describe('dilutedRim', () => {
  it('takes a pixel changing by a small share of its strong neighbour, in the same direction, for its rim', () => {
    const { p, c, dist } = pair([
      [0.28, 0.27, 0.26],
      [0.2, 0.2, 0.17],
    ]);
    expect(dilutedRim(p, c, dist, 3, 1, 0, 0, 0.2, 0.4, 0.04)).toBe(true);
  });

  it('keeps a pixel whose change goes another way, or is most of its neighbour’s', () => {
    const other = pair([
      [0.22, 0.22, 0.21],
      [0.3, 0.22, 0.15],
    ]);
    expect(dilutedRim(other.p, other.c, other.dist, 3, 1, 0, 0, 0.2, 0.4, 0.04)).toBe(false);
    const most = pair([
      [0.5, 0.5, 0.48],
      [0.2, 0.2, 0.19],
    ]);
    expect(dilutedRim(most.p, most.c, most.dist, 3, 1, 0, 0, 0.2, 0.4, 0.04)).toBe(false);
  });
});
