import { describe, expect, it } from 'vitest';
import { dilate, maskedStd } from './box-filter.ts';
import { luminance } from './rgb-luminance.ts';
import { inside, renderPort } from './synthetic-port.ts';
import { mulberry32 } from './testing/scene.ts';
import type { Block } from './types.ts';
import {
  darkFlatWater,
  keepWaterHued,
  logTexture,
  smoothSpread,
  splitOrAll,
  tallyVotes,
  textureSplit,
  valleyThreshold,
  waterMask,
  windowStd,
} from './water.ts';

const W = 200;
const H = 150;
const share = (m: Uint8Array, x0: number, y0: number, x1: number, y1: number) => {
  let s = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) s += m[y * W + x]!;
  return s / ((x1 - x0) * (y1 - y0));
};

describe('waterMask', () => {
  it('marks dark smooth water, not the textured quay, and fills the hole under a ship', async () => {
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 40,
      hulls: [{ cx: 100, cy: 100, length: 60, width: 12, angle: 0, tone: 0.8 }],
    });
    const water = waterMask(block, { gsdM: 1 });
    expect(share(water, 0, 0, W, 38)).toBeLessThan(0.02);
    expect(share(water, 0, 45, W, H)).toBeGreaterThan(0.98);
    expect(water[100 * W + 100]).toBe(1);
  });

  it('takes water seen on earlier dates for water under a ship that stayed over all the other dates', async () => {
    // A hull against the quay on this date and on every other date given: land to the votes.
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 40,
      hulls: [{ cx: 100, cy: 47, length: 60, width: 12, angle: 0, tone: 0.8 }],
    });
    const hull = [75, 43, 125, 51] as const;
    const alone = waterMask(block, { gsdM: 1, others: [block, block], berths: false });
    expect(share(alone, ...hull)).toBeLessThan(0.05);
    // The site's memory saw open water below the quay on earlier dates.
    const seen = new Uint8Array(W * H);
    seen.fill(1, 41 * W);
    const dateWater = new Uint8Array(W * H);
    const remembered = waterMask(block, { gsdM: 1, others: [block, block], berths: false, seen, dateWater });
    expect(share(remembered, ...hull)).toBe(1);
    expect(share(remembered, 0, 0, W, 38)).toBeLessThan(0.02);
    // What this date adds to the memory is its own open water: not the hull, not the quay.
    expect(share(dateWater, ...hull)).toBeLessThan(0.05);
    expect(share(dateWater, 0, 60, W, H)).toBeGreaterThan(0.98);
    expect(share(dateWater, 0, 0, W, 38)).toBeLessThan(0.02);
  });

  it("does not take a ship's shadow across the quay on another date for water: it is this date's quay in shade", async () => {
    // Water has its own hue (red well under green and blue); the quay is grey.
    const tinted = (b: Block) => {
      for (let i = 41 * W; i < W * H; i++) b.bands[0]![i]! *= 0.55;
      return b;
    };
    // A smooth concrete apron along the quay face.
    const apron = (_x: number, y: number, v: number) => (y > 20 && y <= 40 ? 0.4 : v);
    const today = tinted(await renderPort({ width: W, height: H, quayRow: 40, hulls: [], paint: apron }));
    // On an earlier date a ship at the quay cast its shadow over the apron, up to the quay face: as
    // dark and smooth as water, and joined to it.
    const shadow = { cx: 100, cy: 32, length: 80, width: 18, angle: 0, tone: 0 };
    const shade = (x: number, y: number, v: number) => (inside(shadow, x, y) ? 0.3 : 1) * apron(x, y, v);
    const earlier = tinted(await renderPort({ width: W, height: H, quayRow: 40, hulls: [], paint: shade }));
    const water = waterMask(today, { gsdM: 1, others: [earlier, today], berths: false });
    expect(share(water, 62, 25, 138, 39)).toBeLessThan(0.05);
    expect(share(water, 0, 45, W, H)).toBeGreaterThan(0.98);
  });

  // A crane's shadow cast across the apron on an earlier date, from the face of the quay inland: dark
  // and smooth as water, joined to the water at the quay face, and a notch in the quay.
  const craneShadow = async (
    share: (x: number, y: number) => [number, number, number],
    onToday = false,
    neverSeen?: Uint8Array,
  ) => {
    const tinted = (b: Block) => {
      for (let i = 41 * W; i < W * H; i++) b.bands[0]![i]! *= 0.55;
      return b;
    };
    const apron = (_x: number, y: number, v: number) => (y > 20 && y <= 40 ? 0.4 : v);
    const today = tinted(await renderPort({ width: W, height: H, quayRow: 40, hulls: [], paint: apron }));
    const earlier = tinted(await renderPort({ width: W, height: H, quayRow: 40, hulls: [], paint: apron }));
    for (let y = 21; y <= 40; y++) {
      for (let x = 90; x <= 101; x++) {
        const q = share(x, y);
        for (let b = 0; b < 3; b++) (onToday ? today : earlier).bands[b]![y * W + x]! *= q[b]!;
      }
    }
    return waterMask(today, { gsdM: 1, others: [earlier, earlier], berths: false, neverSeen });
  };

  it("does not take a crane's deep shadow across the quay on another date for water: skylight alone lights it", async () => {
    // A fifth of the light in red, more in blue (the sky's light).
    const water = await craneShadow(() => [0.21, 0.23, 0.27]);
    expect(share(water, 90, 22, 102, 40)).toBeLessThan(0.05);
    expect(share(water, 0, 45, W, H)).toBeGreaterThan(0.98);
  });

  it("does not take a hull's shadow too deep and blue for shade across the quay on another date for water where the site's memory never saw water", async () => {
    // 32558 pier-1 2025-11-13: a 143 m hull's shadow across the pier's deck kept 0.17 of the light in
    // red, 0.24 in green and blue: under the shade test's floor, and bluer than one factor allows.
    const deep = (): [number, number, number] => [0.17, 0.24, 0.24];
    expect(share(await craneShadow(deep), 90, 22, 102, 40)).toBeGreaterThan(0.5);
    // The memory, which holds the earlier date's own open water, saw water only below the quay face.
    const neverSeen = new Uint8Array(W * H);
    neverSeen.fill(1, 0, 41 * W);
    const water = await craneShadow(deep, false, neverSeen);
    expect(share(water, 90, 22, 102, 40)).toBe(0);
    expect(share(water, 0, 45, W, H)).toBeGreaterThan(0.98);
  });

  it("keeps the shore's rim that only another date saw as water where the site's memory never saw it", async () => {
    // The memory keeps a date's water opened and hue-tested: a rim a few pixels wide along the shore
    // that the votes hold and it does not is the shore's own (mixed pixels), not a shadow's patch.
    const tinted = (b: Block, row: number) => {
      for (let i = (row + 1) * W; i < W * H; i++) b.bands[0]![i]! *= 0.55;
      return b;
    };
    const today = tinted(await renderPort({ width: W, height: H, quayRow: 40, hulls: [] }), 40);
    const earlier = tinted(await renderPort({ width: W, height: H, quayRow: 37, hulls: [] }), 37);
    const neverSeen = new Uint8Array(W * H);
    neverSeen.fill(1, 0, 41 * W);
    const water = waterMask(today, { gsdM: 1, others: [earlier, earlier], berths: false, neverSeen });
    expect(share(water, 10, 38, W - 10, 41)).toBeGreaterThan(0.9);
  });

  it('does not take a shadow across the quay for water where a few of its pixels are not shade: they are not the water it opens onto', async () => {
    // Two pixels near the shadow's inland end that keep water's hue, not the quay's (noise, a puddle):
    // taken for the water the shadow opens onto, they would turn its mouth across the shore.
    const water = await craneShadow((x, y) => (x >= 100 && y <= 22 ? [0.165, 0.3, 0.3] : [0.3, 0.3, 0.3]));
    expect(share(water, 90, 22, 102, 40)).toBeLessThan(0.05);
    expect(share(water, 0, 45, W, H)).toBeGreaterThan(0.98);
  });

  it("does not take this date's own shadow across the quay for water where other dates see the quay lit", async () => {
    // A low winter sun: the stacks' and cranes' shadows reach across the apron on this date only.
    const water = await craneShadow(() => [0.3, 0.3, 0.33], true);
    expect(share(water, 90, 22, 102, 40)).toBeLessThan(0.05);
    expect(share(water, 0, 45, W, H)).toBeGreaterThan(0.98);
  });

  it('still takes a hull that stayed at the quay, in shade on another date, for water: it juts out into the water', async () => {
    const tinted = (b: Block) => {
      for (let i = 41 * W; i < W * H; i++) b.bands[0]![i]! *= 0.55;
      return b;
    };
    const hull = { cx: 100, cy: 48, length: 60, width: 12, angle: 0, tone: 0.4 };
    const today = tinted(await renderPort({ width: W, height: H, quayRow: 40, hulls: [hull] }));
    const shade = (x: number, y: number, v: number) => (inside(hull, x, y) ? 0.3 * v : v);
    const earlier = tinted(await renderPort({ width: W, height: H, quayRow: 40, hulls: [hull], paint: shade }));
    const water = waterMask(today, { gsdM: 1, others: [earlier, today], berths: false });
    expect(share(water, 72, 43, 128, 53)).toBe(1);
    // Another hull moored bow to stern beyond its one end: along the quay, water beyond the other end.
    const next = { ...hull, cx: 156, length: 50, tone: 0.6 };
    const twoToday = tinted(await renderPort({ width: W, height: H, quayRow: 40, hulls: [hull, next] }));
    const twoEarlier = tinted(
      await renderPort({ width: W, height: H, quayRow: 40, hulls: [hull, next], paint: shade }),
    );
    const two = waterMask(twoToday, { gsdM: 1, others: [twoEarlier, twoToday], berths: false });
    expect(share(two, 72, 43, 128, 53)).toBe(1);
  });

  it('uses NDWI when a NIR band exists, even where water is brighter than land in the visible', () => {
    const n = W * H;
    const green = new Float32Array(n);
    const nir = new Float32Array(n);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const isWater = x > 80;
        green[i] = isWater ? 0.3 : 0.1 + 0.01 * Math.sin(x + y);
        nir[i] = isWater ? 0.05 : 0.35;
      }
    }
    const block: Block = {
      window: { x: 0, y: 0, width: W, height: H },
      roles: ['green', 'nir'],
      bands: [green, nir],
      valid: new Uint8Array(n).fill(1),
    };
    const water = waterMask(block, { gsdM: 10, minWaterAreaM2: 100 });
    expect(share(water, 0, 0, 79, H)).toBe(0);
    expect(share(water, 82, 0, W, H)).toBe(1);
  });

  it('keeps NIR-bright roofs out of NDWI water, yet fills a bright hull on the water back in', () => {
    // A white roof on the shore passes NDWI (green ≥ NIR) but reflects NIR like land; so does a white
    // hull, which lies as a hole in the water and is filled. The roof touches land and stays land.
    const n = W * H;
    const green = new Float32Array(n);
    const nir = new Float32Array(n);
    const inRoof = (x: number, y: number) => x >= 80 && x < 95 && y >= 60 && y < 80;
    const inHull = (x: number, y: number) => x >= 140 && x < 160 && y >= 70 && y < 74;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const bright = inRoof(x, y) || inHull(x, y);
        green[i] = bright ? 0.5 : x >= 80 ? 0.08 + 0.004 * Math.sin(x * 1.3 + y) : 0.1;
        nir[i] = bright ? 0.45 : x >= 80 ? 0.02 + 0.002 * Math.cos(x + y * 0.7) : 0.3;
      }
    }
    const block: Block = {
      window: { x: 0, y: 0, width: W, height: H },
      roles: ['green', 'nir'],
      bands: [green, nir],
      valid: new Uint8Array(n).fill(1),
    };
    const water = waterMask(block, { gsdM: 10, minWaterAreaM2: 100 });
    expect(share(water, 81, 61, 94, 79)).toBe(0);
    expect(share(water, 140, 70, 160, 74)).toBe(1);
    expect(share(water, 100, 0, W, H)).toBe(1);
  });

  it('puts the NDWI threshold in the valley between land and water, not at Otsu’s split', () => {
    // Vegetation near −0.5, urban near −0.05, water near +0.1: the valley is about 0.03.
    const v = new Float32Array(3000);
    for (let i = 0; i < 3000; i++)
      v[i] = i < 1000 ? -0.5 + (i % 50) * 0.002 : i < 2000 ? -0.08 + (i % 40) * 0.0015 : 0.07 + (i % 40) * 0.0015;
    const t = valleyThreshold(v, new Uint8Array(3000).fill(1), -0.1, 0.3);
    expect(t).toBeGreaterThan(-0.02);
    expect(t).toBeLessThan(0.07);
  });

  it('takes a window of open water, with its blotchy swell, for water throughout', async () => {
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: -1,
      hulls: [{ cx: 100, cy: 75, length: 60, width: 10, angle: 0.3, tone: 0.6 }],
      noise: 0.012,
      paint: (x, y, v) => v + 0.02 * Math.sin(x / 9) * Math.cos(y / 13),
    });
    const water = waterMask(block, { gsdM: 1 });
    expect(share(water, 0, 0, W, H)).toBeGreaterThan(0.97);
  });

  it('refuses other dates of a different window size', async () => {
    const a = await renderPort({ width: W, height: H, quayRow: 40, hulls: [] });
    const b = await renderPort({ width: 50, height: 50, quayRow: 10, hulls: [] });
    expect(() => waterMask(a, { others: [b] })).toThrow(/others\[0\] is 50×50/);
  });

  it('takes an RGB luminance in one pass with the rounding of the band-by-band sum', () => {
    // Values whose float sums round differently from the exact ones, so a changed order would show.
    const n = 4096;
    const bands = [0, 1, 2].map((b) =>
      Float32Array.from({ length: n }, (_, i) => ((i * (37 + 11 * b)) % 997) / 997 + 1e-7 * b),
    );
    const block: Block = {
      window: { x: 0, y: 0, width: 64, height: 64 },
      roles: ['red', 'green', 'blue'],
      bands,
      valid: new Uint8Array(n).fill(1),
    };
    const expected = new Float32Array(n);
    for (const band of bands) for (let i = 0; i < n; i++) expected[i]! += band[i]!;
    for (let i = 0; i < n; i++) expected[i]! *= 1 / 3;
    expect(Array.from(luminance(block))).toEqual(Array.from(expected));
  });

  it('tells smooth from textured by the spread exactly as by its logarithm', () => {
    // Spreads around each threshold's boundary (a few floats either side), the floor and the odd values.
    const spreads = [Number.NaN, 0, 1e-5, Math.fround(1e-4), 1e-4, 1.0000001e-4, 1, 3, Number.POSITIVE_INFINITY];
    for (let k = 0; k < 2000; k++) spreads.push(Math.fround(10 ** (-4.5 + (4.6 * k) / 2000)));
    for (const tTex of [-5, -4, -3.9999, -2.5, -1.3, -1.30103, -0.5, 0, Number.POSITIVE_INFINITY]) {
      const { floorPasses, maxSpread } = smoothSpread(tTex);
      const boundary = Math.fround(maxSpread);
      const f = new Float32Array([boundary]);
      const bits = new Uint32Array(f.buffer);
      const near: number[] = [];
      for (let d = -3; d <= 3; d++) {
        if (!Number.isFinite(boundary)) break;
        bits[0] = bits[0]! + d;
        near.push(f[0]!);
        bits[0] = bits[0]! - d;
      }
      for (const s of [...spreads, ...near]) {
        const bySpread = s > 1e-4 ? s <= maxSpread : floorPasses;
        expect(bySpread, `spread ${s}, tTex ${tTex}`).toBe(logTexture(s) <= tTex);
      }
    }
  });
});

describe('textureSplit', () => {
  /** `splitOrAll` of the spreads' logarithms: the reference. */
  const reference = (std: Float32Array, mask: Uint8Array, minSep: number) => {
    const logs = new Float32Array(std.length);
    for (let i = 0; i < std.length; i++) logs[i] = logTexture(std[i]!);
    return splitOrAll(logs, mask, -4, 0, minSep);
  };
  /** A float whose logarithm lies exactly on a histogram bin's edge, or its neighbours `d` floats away. */
  const onEdge = (b: number, d: number) => {
    const f = new Float32Array([10 ** (-4 + b / 64)]);
    const bits = new Uint32Array(f.buffer);
    bits[0] = bits[0]! + d;
    return f[0]!;
  };
  const rand = mulberry32(7);

  it("gives splitOrAll's threshold of the logarithms, or +∞, for spreads of two textures at every separation", () => {
    const n = 3000;
    let split = 0;
    let all = 0;
    // Two textures (water's fine, land's coarse) whose logarithms' means lie 0 to 0.7 decades apart:
    // both sides of the 0.35 decades `minSeparation` and within a bin of it, where the bins cannot tell.
    for (let k = 0; k <= 140; k++) {
      const gap = k * 0.005;
      const std = new Float32Array(n);
      const mask = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const coarse = i % 3 === 0;
        std[i] = 10 ** (-2.6 + (coarse ? gap : 0) + 0.08 * (rand() - 0.5));
        mask[i] = rand() < 0.9 ? 1 : 0;
      }
      // The odd spreads: none, the floor, below it, on bins' edges and a float either side of them.
      const odd = [Number.NaN, 0, -0, 1e-6, Math.fround(1e-4), onEdge(90, 0), onEdge(90, -1), onEdge(90, 1)];
      for (const [j, v] of odd.entries()) std[17 * j + 1] = v;
      for (let j = 0; j < 40; j++) std[200 + j] = onEdge(Math.floor(rand() * 250), Math.round(rand() * 2 - 1));
      const expected = reference(std, mask, 0.35);
      expect(textureSplit(std, mask, 0.35), `gap ${gap}`).toBe(expected);
      if (Number.isFinite(expected)) split++;
      else all++;
    }
    expect(split).toBeGreaterThan(20);
    expect(all).toBeGreaterThan(10);
  });

  it('counts a value exactly on the split as the lower class, and handles no mask, one class and spreads over 1', () => {
    // Half the pixels on the edge the split falls on: splitOrAll puts them below it.
    const std = new Float32Array(1000);
    for (let i = 0; i < std.length; i++) std[i] = i % 2 ? onEdge(100, 0) : onEdge(150, (i % 5) - 2);
    const mask = new Uint8Array(std.length).fill(1);
    for (const minSep of [0, 0.3, 0.78, 0.79, 0.8, 2])
      expect(textureSplit(std, mask, minSep)).toBe(reference(std, mask, minSep));
    expect(textureSplit(std, new Uint8Array(std.length), 0.35)).toBe(Number.POSITIVE_INFINITY);
    expect(textureSplit(new Float32Array(50).fill(0.01), new Uint8Array(50).fill(1), 0.35)).toBe(
      Number.POSITIVE_INFINITY,
    );
    const wide = Float32Array.from({ length: 400 }, (_, i) => (i % 2 ? 2 + i : 0.001));
    const m = new Uint8Array(400).fill(1);
    for (const minSep of [0.35, 3, 4, 6]) expect(textureSplit(wide, m, minSep)).toBe(reference(wide, m, minSep));
  });
});

describe('darkFlatWater', () => {
  /** The mask from the spread of every pixel: smooth dark pixels, and the dark pixels within r of one. */
  const reference = (
    lum: Float32Array,
    valid: Uint8Array,
    tDark: number,
    smooth: ReturnType<typeof smoothSpread>,
    w: number,
    h: number,
    r: number,
  ) => {
    const std = maskedStd(lum, valid, w, h, r);
    const out = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) {
      const s = std[i]!;
      const flat = s > 1e-4 ? s <= smooth.maxSpread : smooth.floorPasses;
      out[i] = valid[i] && lum[i]! <= tDark && flat ? 1 : 0;
    }
    const near = dilate(out, w, h, r);
    for (let i = 0; i < w * h; i++) if (near[i] && valid[i] && lum[i]! <= tDark) out[i] = 1;
    return out;
  };

  it('takes the spread of one window as the sweep does, bit for bit', async () => {
    const block = await renderPort({ width: 61, height: 47, quayRow: 20, hulls: [], noise: 0.03 });
    const lum = luminance(block);
    const valid = new Uint8Array(lum.length).fill(1);
    for (let i = 0; i < lum.length; i += 7) valid[i] = 0;
    for (const r of [1, 2, 4]) {
      const std = maskedStd(lum, valid, 61, 47, r);
      for (let y = 0; y < 47; y++)
        for (let x = 0; x < 61; x++) expect(windowStd(lum, valid, 61, 47, x, y, r)).toBe(std[y * 61 + x]);
    }
  });

  it('gives the mask of the spread of every pixel: open water, rough water, hulls, shore, gaps and edges', async () => {
    // Odd sizes (tiles cut by the edges), a quay, hulls, a patch of rough water and one of no data.
    const W2 = 203;
    const H2 = 151;
    const block = await renderPort({
      width: W2,
      height: H2,
      quayRow: 30,
      noise: 0.02,
      hulls: [
        { cx: 90, cy: 37, length: 50, width: 10, angle: 0, tone: 0.7 },
        { cx: 150, cy: 110, length: 40, width: 8, angle: 0.6, tone: 0.5 },
      ],
      paint: (x, y, v) => (x > 20 && x < 70 && y > 80 && y < 130 ? v + 0.05 * Math.sin(x * 1.3 + y * 0.4) : v),
    });
    const lum = luminance(block);
    const valid = block.valid.slice();
    for (let y = 60; y < 75; y++) for (let x = 100; x < 130; x++) valid[y * W2 + x] = 0;
    let water = 0;
    for (const r of [1, 2, 4, 7]) {
      for (const tTex of [-3, -2.2, -1.8, -1.2]) {
        for (const tDark of [0.2, 0.3, 0.6]) {
          const smooth = smoothSpread(tTex);
          const want = reference(lum, valid, tDark, smooth, W2, H2, r);
          const got = darkFlatWater(lum, valid, tDark, smooth, W2, H2, r);
          expect(Array.from(got), `r ${r}, tTex ${tTex}, tDark ${tDark}`).toEqual(Array.from(want));
          for (const v of got) water += v;
        }
      }
    }
    // Neither all water nor none: the cases hold both.
    expect(water).toBeGreaterThan(0);
    expect(water).toBeLessThan(4 * 4 * 3 * W2 * H2);
  });
});

describe('keepWaterHued', () => {
  it("keeps as a sighting water's hue, not a shadow on the quay that keeps the quay's hue", () => {
    // Each row: lit grey quay, the quay in a ship's shadow (every band × 0.25), open water (red well
    // under green), and open water in shade (darker, same hue). Rows repeat so that each class has
    // enough pixels for its median.
    const row: Array<[number, number, number]> = [
      ...Array<[number, number, number]>(20).fill([0.6, 0.59, 0.56]),
      ...Array<[number, number, number]>(10).fill([0.15, 0.148, 0.14]),
      ...Array<[number, number, number]>(20).fill([0.094, 0.173, 0.176]),
      ...Array<[number, number, number]>(10).fill([0.05, 0.09, 0.095]),
    ];
    const [W, H] = [row.length, 8];
    const block: Block = {
      window: { x: 0, y: 0, width: W, height: H },
      roles: ['red', 'green', 'blue'],
      bands: [0, 1, 2].map((k) => Float32Array.from({ length: W * H }, (_, i) => row[i % W]![k]!)),
      valid: new Uint8Array(W * H).fill(1),
    };
    // The date's own vote: the shadow and both waters are dark and smooth.
    const vote = () => Uint8Array.from({ length: W * H }, (_, i) => (i % W >= 20 ? 1 : 0));
    const water = vote();
    keepWaterHued(block, water);
    expect([...water.subarray(0, W)]).toEqual([...Array(30).fill(0), ...Array(30).fill(1)]);
    // Without red, green and blue, or with water as grey as the quay, the vote is left as it is.
    const grey = vote();
    keepWaterHued({ ...block, roles: ['gray'], bands: [block.bands[0]!] }, grey);
    expect(grey).toEqual(vote());
    const greySea = vote();
    const flat = block.bands[1]!.map((v) => v);
    keepWaterHued({ ...block, bands: [flat, flat, flat] }, greySea);
    expect(greySea).toEqual(vote());
  });
});

describe('tallyVotes', () => {
  it('gives the per-date sums (bytes, wrapping) and the share of the sweep per date, for 1 to 5 dates', () => {
    const rnd = mulberry32(77);
    for (let t = 0; t < 40; t++) {
      const d = 1 + (t % 5);
      const n = 1 + Math.floor(rnd() * 3000);
      const big = t % 4 === 3;
      const voted = Array.from({ length: d }, () => Uint8Array.from({ length: n }, () => (rnd() < 0.5 ? 1 : 0)));
      const valid = Array.from({ length: d }, () =>
        Uint8Array.from({ length: n }, () => (big ? Math.floor(rnd() * 256) : rnd() < 0.8 ? 1 : 0)),
      );
      const minShare = [0.2, 0.5, 0.67, 1][t % 4]!;
      // The plain form: a sweep per date, then one for the share.
      const votes = new Uint8Array(n);
      const seen = new Uint8Array(n);
      for (let k = 0; k < d; k++) {
        for (let i = 0; i < n; i++) {
          seen[i]! += valid[k]![i]!;
          votes[i]! += voted[k]![i]!;
        }
      }
      const raw = Uint8Array.from(votes, (v, i) => (seen[i]! > 0 && v >= Math.max(1, minShare * seen[i]!) ? 1 : 0));
      const got = { votes: new Uint8Array(n), seen: new Uint8Array(n) };
      const gotRaw = new Uint8Array(n).fill(9);
      tallyVotes(voted, valid, minShare, got, gotRaw);
      expect(got.votes).toEqual(votes);
      expect(got.seen).toEqual(seen);
      expect(gotRaw).toEqual(raw);
    }
  });
});
