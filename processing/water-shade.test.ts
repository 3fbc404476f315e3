import { describe, expect, it } from 'vitest';
import { dropShadeNotches } from './water-shade.ts';

const W = 120;
const H = 60;

/** Water from row 40 down (the sea below a quay face), with `extra` rectangles of water [x0, y0, x1, y1). */
const scene = (...extra: Array<[number, number, number, number]>) => {
  const raw = new Uint8Array(W * H);
  raw.fill(1, 40 * W);
  for (const [x0, y0, x1, y1] of extra) for (let y = y0; y < y1; y++) raw.fill(1, y * W + x0, y * W + x1);
  return raw;
};
const inRect =
  ([x0, y0, x1, y1]: [number, number, number, number]) =>
  (i: number) => {
    const [x, y] = [i % W, Math.floor(i / W)];
    return x >= x0 && x < x1 && y >= y0 && y < y1;
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
});
