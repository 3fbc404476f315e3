import { describe, expect, it } from 'vitest';
import type { Block } from './types.ts';
import { CAST_SHADOW_RATIO, countShadeVotes, dropShadeNotches, isShade, lightGains } from './water-shade.ts';

const W = 120;
const H = 60;

/** Water from row 40 down (the sea below a quay face), with `extra` rectangles of water [x0, y0, x1, y1). */
const scene = (...extra: Array<[number, number, number, number]>) => {
  const raw = new Uint8Array(W * H);
  raw.fill(1, 40 * W);
  for (const [x0, y0, x1, y1] of extra) for (let y = y0; y < y1; y++) raw.fill(1, y * W + x0, y * W + x1);
  return raw;
};
/** The water only shadows made: 1 inside the rectangles [x0, y0, x1, y1). */
const inRect = (...rects: Array<[number, number, number, number]>) => {
  const m = new Uint8Array(W * H);
  for (const [x0, y0, x1, y1] of rects) for (let y = y0; y < y1; y++) m.fill(1, y * W + x0, y * W + x1);
  return m;
};

describe('dropShadeNotches', () => {
  it('drops a shadow across the apron that meets water beyond its end only at the shore it opens onto', () => {
    // The shadow (x 40–79, rows 20–39) reaches the quay face; left of it the shore steps in, so water
    // lies beside its lower quarter (a slipway), never at its middle.
    const shadow: [number, number, number, number] = [40, 20, 80, 40];
    const raw = scene(shadow, [25, 33, 40, 40]);
    dropShadeNotches(raw, W, H, inRect(shadow));
    expect(raw[30 * W + 60]).toBe(0);
    expect(raw[50 * W + 60]).toBe(1);
  });

  it('keeps a hull that stayed in shade where water lies beyond its end at its middle', () => {
    // A hull alongside the quay (x 40–79, rows 40–49) in a neighbour's shadow on the other dates.
    const hull: [number, number, number, number] = [40, 40, 80, 50];
    const raw = scene();
    dropShadeNotches(raw, W, H, inRect(hull));
    expect(raw[45 * W + 60]).toBe(1);
  });

  it('judges each of several patches on its own: the notch goes, the hull beside it stays', () => {
    const shadow: [number, number, number, number] = [40, 20, 80, 40];
    const hull: [number, number, number, number] = [90, 40, 115, 50];
    const raw = scene(shadow, [25, 33, 40, 40]);
    dropShadeNotches(raw, W, H, inRect(shadow, hull));
    expect(raw[30 * W + 60]).toBe(0);
    expect(raw[30 * W + 41]).toBe(0);
    expect(raw[45 * W + 100]).toBe(1);
    expect(raw[45 * W + 91]).toBe(1);
  });
});

/** A block of `n` pixels whose three bands are `rgb(i)`; `valid(i)` says which pixels it saw. */
const dated = (n: number, rgb: (i: number) => number[], valid: (i: number) => boolean = () => true): Block => ({
  window: { x: 0, y: 0, width: n, height: 1 },
  roles: ['red', 'green', 'blue'],
  bands: [0, 1, 2].map((b) => Float32Array.from({ length: n }, (_, i) => rgb(i)[b]!)),
  valid: Uint8Array.from({ length: n }, (_, i) => (valid(i) ? 1 : 0)),
});

describe('lightGains', () => {
  it("is each band's light on the land both dates see over the first date's, 1 where they share none", () => {
    const n = 10;
    // The later date is half as bright on land; its water (pixels 0–1), the first date's (pixel 2) and
    // what either did not see (pixel 3) are no land to both.
    const first = dated(
      n,
      (i) => (i === 2 ? [9, 9, 9] : [0.4, 0.6, 0.8]),
      (i) => i !== 3,
    );
    const later = dated(n, (i) => (i < 2 ? [5, 5, 5] : [0.2, 0.3, 0.4]));
    const none = dated(n, () => [0.2, 0.3, 0.4]);
    const mask = (wet: (i: number) => boolean) => Uint8Array.from({ length: n }, (_, i) => (wet(i) ? 1 : 0));
    const water = [mask((i) => i === 2), mask((i) => i < 2), mask(() => true)];
    const gains = lightGains([first, later, none], water);
    expect(gains[0]).toEqual([1, 1, 1]);
    gains[1]!.forEach((g) => {
      expect(g).toBeCloseTo(0.5, 6);
    });
    expect(gains[2]).toEqual([1, 1, 1]);
  });
});

describe('countShadeVotes', () => {
  it("counts, per pixel, the dates whose water vote is another date's lit ground in shade, over many runs of pixels", () => {
    // Three dates over 10,000 pixels (several of countShadeVotes' runs): the pairwise definition
    // (every voting date against every lit one, bands over the date's light) is the reference.
    const n = 10_000;
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const ground = Array.from({ length: n }, () => [0.3 + rnd() * 0.5, 0.3 + rnd() * 0.5, 0.3 + rnd() * 0.5]);
    // Each date dims the scene by its light, and in places by a shade of 0.15–0.75 (near the ratios'
    // ends) or a hue change; it votes water where dimmed.
    const dates: Block[] = [];
    const water: Uint8Array[] = [];
    for (const light of [1, 0.8, 1.25]) {
      const dim = Array.from({ length: n }, () => (rnd() < 0.3 ? 0.15 + rnd() * 0.6 : 1));
      const hue = Array.from({ length: n }, () => (rnd() < 0.2 ? [1, 0.5 + rnd(), 1] : [1, 1, 1]));
      dates.push(
        dated(
          n,
          (i) => ground[i]!.map((v, b) => v * light * dim[i]! * hue[i]![b]!),
          () => rnd() > 0.05,
        ),
      );
      water.push(Uint8Array.from(dim, (s, i) => (s < 1 && dates.at(-1)!.valid[i] ? 1 : 0)));
    }
    const shaded = new Uint8Array(n);
    const votes = Uint8Array.from({ length: n }, (_, i) => water.filter((w) => w[i]).length);
    const seen = Uint8Array.from({ length: n }, (_, i) => dates.filter((date) => date.valid[i]).length);
    countShadeVotes(dates, water, { votes, seen }, shaded);

    const gains = lightGains(dates, water);
    const seenAs = (k: number, i: number) => (dates[k]!.valid[i] ? (water[k]![i] ? 'water' : 'lit') : null);
    const inShade = (k: number, e: number, i: number) => {
      const q = [0, 1, 2].map(
        (b) => dates[k]!.bands[b]![i]! / gains[k]![b]! / Math.max(dates[e]!.bands[b]![i]! / gains[e]![b]!, 1e-4),
      );
      return isShade(Math.min(...q), Math.max(...q), CAST_SHADOW_RATIO);
    };
    const expected = Uint8Array.from({ length: n }, (_, i) => {
      const ks = [0, 1, 2];
      return ks.filter((k) => seenAs(k, i) === 'water' && ks.some((e) => seenAs(e, i) === 'lit' && inShade(k, e, i)))
        .length;
    });
    expect(shaded).toEqual(expected);
    // The scene has shade to count and water votes that are not shade.
    expect(shaded.filter((v) => v > 0).length).toBeGreaterThan(500);
    expect(water.reduce((a, w) => a + w.reduce((x, y) => x + y, 0), 0)).toBeGreaterThan(
      shaded.reduce((x, y) => x + y, 0) + 500,
    );
  });
});
