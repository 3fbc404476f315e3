import kinks from '@turf/kinks';
import { describe, expect, it } from 'vitest';
import { firstSelfIntersection } from './self-intersection.ts';
import { mulberry32 as rng } from './testing/scene.ts';

const close = (ring: number[][]) => [...ring, ring[0]!];
const withoutRepeats = (line: number[][]) =>
  line.filter((p, i) => i === 0 || p[0] !== line[i - 1]![0] || p[1] !== line[i - 1]![1]);

/** A ring of `n` vertices at random radii around a centre, sorted by angle: simple unless `shuffle`. */
function ring(r: () => number, n: number, cx: number, cy: number, opts: { grid?: number; shuffle?: boolean } = {}) {
  const pts = Array.from({ length: n }, (_, i) => {
    const a = opts.shuffle ? r() * 2 * Math.PI : (2 * Math.PI * i) / n;
    const rad = 0.2 + r() * 0.8;
    let x = cx + rad * Math.cos(a);
    let y = cy + rad * Math.sin(a);
    // On a coarse grid, so vertices touch segments and rings touch each other (the degenerate cases); in
    // integers, so both tests compute exactly (on decimals kinks also reported disjoint collinear segments
    // as crossing, from a denominator of 5e-17 that should be 0, where the x-range pruning skips the pair).
    if (opts.grid) {
      x = Math.round(x * opts.grid);
      y = Math.round(y * opts.grid);
    }
    return [x, y];
  });
  return close(pts);
}

describe('the first self-intersection of a zone outline', () => {
  it('is found exactly where turf kinks finds crossings, and only there (2,000 random outlines)', () => {
    let crossing = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const r = rng(seed);
      const n = 4 + Math.floor(r() * 12);
      const grid = seed % 3 === 0 ? 4 : seed % 3 === 1 ? 10 : undefined;
      const lines = [ring(r, n, 0, 0, { grid, shuffle: seed % 2 === 0 })];
      // A second ring (a hole, or a MultiPolygon's other polygon) now and then, near or across the first.
      if (seed % 5 === 0) lines.push(ring(r, 3 + Math.floor(r() * 5), r() * 1.5, r() * 1.5, { grid }));
      // kinks is given the outlines without repeated vertices, which it would call crossings (see below).
      const all = kinks({ type: 'MultiLineString', coordinates: lines.map(withoutRepeats) }).features.map(
        (f) => f.geometry.coordinates,
      );
      const first = firstSelfIntersection(lines);
      if (all.length === 0) expect(first, `seed ${seed}`).toBeNull();
      else {
        crossing++;
        expect(first, `seed ${seed}`).not.toBeNull();
        expect(all, `seed ${seed}`).toContainEqual(first);
      }
    }
    // Both kinds were tried.
    expect(crossing).toBeGreaterThan(400);
    expect(crossing).toBeLessThan(1800);
  });

  it('names the bow-tie crossing, and passes a square, a ring touching its closing vertex and a hole', () => {
    const bowtie = [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
    ];
    expect(firstSelfIntersection([bowtie])).toEqual([0.5, 0.5]);
    const square = close([
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ]);
    expect(firstSelfIntersection([square])).toBeNull();
    const hole = close([
      [0.25, 0.25],
      [0.75, 0.25],
      [0.75, 0.75],
      [0.25, 0.75],
    ]);
    expect(firstSelfIntersection([square, hole])).toBeNull();
    // A hole touching the outer ring at a vertex is a crossing for kinks, and here.
    const touching = close([
      [0, 0.5],
      [0.5, 0.25],
      [0.5, 0.75],
    ]);
    expect(firstSelfIntersection([square, touching])).toEqual([0, 0.5]);
  });

  it('passes outlines with a repeated vertex or a doubled closing vertex, and still finds a crossing in one', () => {
    const square = [
      [0, 0],
      [1, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ];
    expect(firstSelfIntersection([square])).toBeNull();
    expect(firstSelfIntersection([[...square, [0, 0]]])).toBeNull();
    const bowtie = [
      [0, 0],
      [1, 1],
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
      [0, 0],
    ];
    expect(firstSelfIntersection([bowtie])).toEqual([0.5, 0.5]);
  });

  it('stops at the first crossing of a ring that crosses itself everywhere, in milliseconds', () => {
    // A star polygon {n/k}: every edge crosses many others; kinks listed ~n²/2 points.
    const n = 20_001;
    const star = close(
      Array.from({ length: n }, (_, i) => {
        const a = (2 * Math.PI * ((i * 10_000) % n)) / n;
        return [Math.cos(a), Math.sin(a)];
      }),
    );
    const t0 = performance.now();
    expect(firstSelfIntersection([star])).not.toBeNull();
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
