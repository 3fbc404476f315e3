import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../sample-tiles/random.ts';
import { areaSums, boxSum, chessboardDistance, windowSum } from './box-filter.ts';
import { type Component, componentOfPixels, componentShape } from './components.ts';
import type { Block } from './types.ts';
import {
  againstLand,
  berthedHulls,
  coherentAtLeast,
  cornerFaces,
  cornerMoment,
  edgeTensor,
  keepWholeHulls,
  setTensorInWasm,
  type Tensor,
  TensorSlot,
} from './water-berths.ts';

const W = 300;
const H = 300;
type Rect = [x0: number, y0: number, x1: number, y1: number];
const CONCRETE = [0.5, 0.5, 0.48];
const RED_HULL = [0.55, 0.18, 0.16];

/** A scene of land rectangles on water: the water mask (as waterMask would give it) and an RGB block. */
function scene(parts: Array<{ rect: Rect; colour: number[] }>) {
  const n = W * H;
  const water = new Uint8Array(n).fill(1);
  const bands = [0, 1, 2].map(() => new Float32Array(n).fill(0.08));
  for (const { rect, colour } of parts) {
    const [x0, y0, x1, y1] = rect;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = y * W + x;
        water[i] = 0;
        // A little texture, so colour steps are judged against a land that is not flat.
        bands.forEach((b, k) => {
          b[i] = colour[k]! + 0.02 * Math.sin(0.7 * x + 1.3 * y);
        });
      }
    }
  }
  return { block: rgbBlock(bands, W, H), water };
}

/**
 * `scene`'s land rectangles turned by `angle` (radians) about the image's centre: each pixel takes the
 * colour of the last rectangle holding the point it came from.
 */
function rotatedScene(parts: Array<{ rect: Rect; colour: number[] }>, angle: number) {
  const n = W * H;
  const water = new Uint8Array(n).fill(1);
  const bands = [0, 1, 2].map(() => new Float32Array(n).fill(0.08));
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [dx, dy] = [x + 0.5 - W / 2, y + 0.5 - H / 2];
      const [u, v] = [W / 2 + cos * dx + sin * dy, H / 2 - sin * dx + cos * dy];
      const part = parts.findLast(({ rect: [x0, y0, x1, y1] }) => u >= x0 && u < x1 && v >= y0 && v < y1);
      if (!part) continue;
      const i = y * W + x;
      water[i] = 0;
      bands.forEach((b, k) => {
        b[i] = part.colour[k]! + 0.02 * Math.sin(0.7 * x + 1.3 * y);
      });
    }
  }
  return { block: rgbBlock(bands, W, H), water };
}

/** An RGB block of `bands`, valid everywhere. */
function rgbBlock(bands: Float32Array[], width: number, height: number): Block {
  return {
    window: { x: 0, y: 0, width, height },
    roles: ['red', 'green', 'blue'],
    bands,
    valid: new Uint8Array(width * height).fill(1),
  };
}

/** Sets the pixels of `rect` in the W-wide mask `m` to `v`. */
const fill = (m: Uint8Array, [x0, y0, x1, y1]: Rect, v: number) => {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * W + x] = v;
};

/** berthedHulls' test at 1 m: a beam of 6 px, 4 beams long, 0.8 of its box filled. */
const hullShaped = (c: Component) => {
  const { major, minor } = componentShape(c);
  const [length, beam] = [Math.sqrt(12) * major, Math.sqrt(12) * minor];
  return beam >= 6 && length >= 4 * beam && c.area >= 0.8 * length * beam;
};

/**
 * The keepWholeHulls raft scene: a pier (land above and to its west), a 115 × 18 px hull along it and
 * `raft` outboard of it. Both are off the water mask and run candidates; the colour step passed the
 * inner hull whole and only the raft's 1 px rim (its deck the pier's grey).
 */
function raftAgainstPier(raft: Rect) {
  const land: Rect[] = [
    [0, 0, W, 60],
    [130, 60, 170, 250],
  ];
  const long: Rect = [170, 60, 188, 175];
  const water = new Uint8Array(W * H).fill(1);
  const cand = new Uint8Array(W * H);
  const hulls = new Uint8Array(W * H);
  for (const r of [...land, long, raft]) fill(water, r, 0);
  for (const r of [long, raft]) fill(cand, r, 1);
  fill(hulls, long, 1);
  fill(hulls, raft, 1);
  fill(hulls, [raft[0] + 1, raft[1] + 1, raft[2] - 1, raft[3] - 1], 0);
  return { long, water, cand, hulls };
}

const share = (m: Uint8Array, [x0, y0, x1, y1]: Rect) => {
  let s = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) s += m[y * W + x]!;
  return s / ((x1 - x0) * (y1 - y0));
};

/** The share of `mask`'s pixels set in `m`. */
const found = (m: Uint8Array, mask: Uint8Array) =>
  m.reduce((t, v, i) => t + (v & mask[i]!), 0) / mask.reduce((t, v) => t + v, 0);

/** A pier off the quay (north) with `hull` moored on its east side: the hull's `inside` found, not the pier nor the quay. */
function expectHullAlongPier(hull: Rect, inside: Rect, quayAtMost: number): void {
  const pier: Rect = [130, 60, 170, 250];
  const { block, water } = scene([
    { rect: [0, 0, W, 60], colour: CONCRETE },
    { rect: pier, colour: CONCRETE },
    { rect: hull, colour: RED_HULL },
  ]);
  const m = berthedHulls(block, water, block.valid, { gsdM: 1 });
  expect(share(m, inside)).toBeGreaterThan(0.9);
  expect(share(m, pier)).toBeLessThan(0.02);
  expect(share(m, [0, 0, W, 60])).toBeLessThanOrEqual(quayAtMost);
}

/** A quay (north) with a hull moored at it and a jetty stub of `stub` colour: the hull found, not the stub nor the quay. */
function expectHullNotStub(stubColour: number[]): void {
  const stub: Rect = [200, 100, 260, 112];
  const { block, water } = scene([
    { rect: [0, 0, W, 100], colour: CONCRETE },
    { rect: [60, 100, 140, 112], colour: RED_HULL },
    { rect: stub, colour: stubColour },
  ]);
  const m = berthedHulls(block, water, block.valid, { gsdM: 1 });
  expect(share(m, [63, 101, 137, 111])).toBeGreaterThan(0.9);
  expect(share(m, stub)).toBeLessThan(0.05);
  expect(share(m, [0, 0, W, 100])).toBeLessThan(0.01);
}

describe('berthedHulls', () => {
  it('finds a hull moored along a pier, not the pier nor its head', () => {
    expectHullAlongPier([170, 120, 182, 200], [171, 123, 181, 197], 0);
  });

  it('keeps whole a hull along a pier whose deck has the pier’s grey (only its rim steps in colour)', () => {
    const pier: Rect = [130, 60, 170, 250];
    const { block, water } = scene([
      { rect: [0, 0, W, 60], colour: CONCRETE },
      { rect: pier, colour: CONCRETE },
      { rect: [170, 120, 182, 200], colour: RED_HULL },
      { rect: [172, 124, 180, 196], colour: CONCRETE },
    ]);
    const m = berthedHulls(block, water, block.valid, { gsdM: 1 });
    expect(share(m, [171, 123, 181, 197])).toBeGreaterThan(0.9);
    expect(share(m, pier)).toBeLessThan(0.02);
    expect(share(m, [0, 0, W, 60])).toBe(0);
  });

  it('finds a hull moored near a wide pier’s head, where the raft-wide window sees the head’s face as much as the side’s', () => {
    // The edges over a beam or two (the hull's outer side) give the shore there: 0.22 of the hull found without them.
    const pier: Rect = [100, 40, 170, 260];
    const { block, water } = scene([
      { rect: [0, 0, W, 40], colour: CONCRETE },
      { rect: pier, colour: CONCRETE },
      { rect: [170, 185, 180, 245], colour: RED_HULL },
    ]);
    const m = berthedHulls(block, water, block.valid, { gsdM: 1 });
    expect(share(m, [171, 188, 179, 242])).toBeGreaterThan(0.6);
    expect(share(m, pier)).toBe(0);
  });

  it('finds a hull along a pier with its bow against the quay at the pier’s root', () => {
    // The run along the hull goes on into the quay: it ends where the water beside it falls behind.
    expectHullAlongPier([170, 60, 182, 150], [171, 63, 181, 147], 0.01);
  });

  it('finds a long hull along a pier with its bow against the quay, its run measured to the quay’s face', () => {
    // A 175 × 25 m tanker: the walk from its stern is known to have left the shore only 40 m or more
    // into the quay (the tolerance for a tilted direction grows with the way travelled), over 200 m in
    // all; the hull ends at the quay's face. The pier beside it, which runs on off the image, stays land.
    const quay: Rect = [0, 0, W, 100];
    const pier: Rect = [130, 100, 170, H];
    const { block, water } = scene([
      { rect: quay, colour: CONCRETE },
      { rect: pier, colour: CONCRETE },
      { rect: [170, 100, 195, 275], colour: RED_HULL },
    ]);
    const m = berthedHulls(block, water, block.valid, { gsdM: 1 });
    expect(share(m, [172, 103, 193, 272])).toBeGreaterThan(0.9);
    expect(share(m, pier)).toBe(0);
    expect(share(m, quay)).toBe(0);
  });

  it('finds a hull in the corner where a wide pier meets the quay, whose two faces the raft-wide window holds alike', () => {
    // The structure tensor over the corner averages the quay's face and the pier's into neither: 0.51 of
    // the hull found without the two faces read apart (cornerFaces), 0.99 with them.
    const pier: Rect = [110, 60, 170, 280];
    const { block, water } = scene([
      { rect: [0, 0, W, 60], colour: CONCRETE },
      { rect: pier, colour: CONCRETE },
      { rect: [170, 60, 180, 119], colour: RED_HULL },
    ]);
    const m = berthedHulls(block, water, block.valid, { gsdM: 1 });
    expect(share(m, [171, 61, 179, 118])).toBeGreaterThan(0.9);
    expect(share(m, pier)).toBe(0);
    expect(share(m, [0, 0, W, 60])).toBe(0);
  });

  it('finds a hull alongside a straight quay, but not a jetty stub the colour of the quay', () => {
    expectHullNotStub(CONCRETE);
  });

  it('finds a hull alongside a quay, but not a jetty stub in shade (the quay’s hue, dimmed)', () => {
    // Clear-sky shade keeps under half the light, a little more in blue (skylight).
    expectHullNotStub(CONCRETE.map((c, k) => c * [0.4, 0.42, 0.48][k]!));
  });

  it('keeps the hatches of a hull that look like shade on the quay (dimmed, with its hue)', () => {
    const hull: Rect = [60, 100, 140, 114];
    const hatches: Rect = [70, 104, 130, 110];
    const { block, water } = scene([
      { rect: [0, 0, W, 100], colour: CONCRETE },
      { rect: hull, colour: RED_HULL },
      { rect: hatches, colour: CONCRETE.map((c) => c * 0.45) },
    ]);
    const m = berthedHulls(block, water, block.valid, { gsdM: 1 });
    expect(share(m, hatches)).toBeGreaterThan(0.9);
  });

  it('drops a patch that is unchanged on the other dates and not shaped like a hull (a fixed structure), keeps one that came', () => {
    const patch: Rect = [60, 100, 90, 120];
    const quay = { rect: [0, 0, W, 100] as Rect, colour: CONCRETE };
    const today = scene([quay, { rect: patch, colour: RED_HULL }]);
    const empty = scene([quay]);
    const inner: Rect = [63, 101, 87, 117];
    const same = berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [today.block] });
    expect(share(same, inner)).toBe(0);
    const came = berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [empty.block] });
    expect(share(came, inner)).toBeGreaterThan(0.9);
  });

  it('does not take a pier’s deck for hull where dark roofs darken the land around, and keeps the hull moored at it', () => {
    // A short pier (its runs end at its head and leave the shore at its root) has the quay's concrete;
    // dark roofs on the quay near its root make the deck step 0.2+ from the land's mean, so it passed
    // the colour test (0.23 of the pier taken). It carries on from the quay with no edge: it is land.
    const base = [
      { rect: [0, 0, W, 60] as Rect, colour: CONCRETE },
      { rect: [100, 15, 200, 50] as Rect, colour: CONCRETE.map((c) => c * 0.3) },
      { rect: [140, 60, 160, 200] as Rect, colour: CONCRETE },
    ];
    const today = scene([...base, { rect: [160, 100, 172, 180], colour: RED_HULL }]);
    const before = scene(base);
    const m = berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [before.block] });
    expect(share(m, [140, 60, 160, 200])).toBeLessThan(0.02);
    expect(share(m, [161, 103, 171, 177])).toBeGreaterThan(0.9);
  });

  it('does not take a pier’s deck for hull on a series’ first date (no other date to show it stays put)', () => {
    // As above, with no other date: the deck carries on from the quay with no edge, which is evidence
    // enough (656465 pier-3 2025-01-14: a wedge of a pier's head beside a hull's stern read as a hull).
    const today = scene([
      { rect: [0, 0, W, 60], colour: CONCRETE },
      { rect: [100, 15, 200, 50], colour: CONCRETE.map((c) => c * 0.3) },
      { rect: [140, 60, 160, 200], colour: CONCRETE },
      { rect: [160, 100, 172, 180], colour: RED_HULL },
    ]);
    const m = berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [] });
    expect(share(m, [140, 60, 160, 200])).toBeLessThan(0.02);
    expect(share(m, [161, 103, 171, 177])).toBeGreaterThan(0.9);
  });

  it('keeps a hull-shaped patch unchanged on the other dates (a hull that stayed at its berth)', () => {
    const hull: Rect = [60, 100, 140, 112];
    const today = scene([
      { rect: [0, 0, W, 100], colour: CONCRETE },
      { rect: hull, colour: RED_HULL },
    ]);
    const stayed = berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [today.block] });
    expect(share(stayed, [63, 101, 137, 111])).toBeGreaterThan(0.9);
  });

  it('finds a hull whose deck has the quay’s colour by the seam along its inboard side, where the quay’s face runs on', () => {
    // 999089 pier-3: white decks beside a white pier fail the colour step; a 2 px dark gap marks the hull's side.
    const hull: Rect = [60, 100, 140, 112];
    const withSeam = (seam: number[], quay: Rect[] = [[0, 0, W, 100]]) => {
      const today = scene([
        ...quay.map((rect) => ({ rect, colour: CONCRETE })),
        { rect: hull, colour: CONCRETE },
        { rect: [60, 100, 140, 102], colour: seam },
      ]);
      const m = berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [today.block] });
      return { hull: share(m, [63, 103, 137, 111]), quay: share(m, [0, 0, W, 100]) };
    };
    const seamed = withSeam(CONCRETE.map((c) => 0.4 * c));
    expect(seamed.hull).toBeGreaterThan(0.9);
    expect(seamed.quay).toBe(0);
    // No seam: a jetty stub built out from the quay, which stays land; nor where the quay's face beyond
    // its two ends is not one line (the quay steps out 8 px, over a beam, past its east end: a bend, no berth).
    expect(withSeam(CONCRETE).hull).toBeLessThan(0.05);
    const stepped: Rect[] = [
      [0, 0, W, 100],
      [144, 100, W, 108],
    ];
    const dark = CONCRETE.map((c) => 0.4 * c);
    expect(withSeam(dark, stepped).hull).toBeLessThan(0.05);
  });

  it('keeps a stayed patch 4.3 beams long (a hull read fat: its rim and shade widen it), drops a stubbier one', () => {
    // 271411: a 76 × 13 m hull (5.8 beams) that stayed at its berth read 72 × 16 (4.5) and was dropped.
    const quay = { rect: [0, 0, W, 100] as Rect, colour: CONCRETE };
    const stayed = (hull: Rect) => {
      const today = scene([quay, { rect: hull, colour: RED_HULL }]);
      const m = berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [today.block] });
      return share(m, [hull[0] + 3, hull[1] + 1, hull[2] - 3, hull[3] - 1]);
    };
    expect(stayed([60, 100, 116, 113])).toBeGreaterThan(0.9);
    expect(stayed([60, 100, 102, 113])).toBe(0);
  });

  it('keeps a stayed narrow hull read short by the opening (its bow cut back), drops stayed stubs of that shape on an apron or as jetties', () => {
    // 886063 pier-2 2025-05-14: a 41 × 8 m boat that stayed at its berth read 29 × 7.4 (3.9 beams) once
    // the opening by a narrowest beam had cut its pointed bow back, and was dropped as unchanged structure.
    const quay = { rect: [0, 0, W, 100] as Rect, colour: CONCRETE };
    const body: Rect = [60, 100, 90, 108];
    const bow: Rect[] = [
      [90, 101, 93, 107],
      [93, 102, 96, 106],
      [96, 103, 98, 105],
    ];
    const today = scene([quay, ...[body, ...bow].map((rect) => ({ rect, colour: RED_HULL }))]);
    const m = berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [today.block] });
    expect(share(m, [63, 101, 87, 107])).toBeGreaterThan(0.9);
    expect(share(m, [0, 0, W, 100])).toBe(0);
    // A stayed patch of that shape lying back on a wide apron built out from the quay, two beams and more
    // from the water, is no hull moored at the face.
    const apron = scene([
      quay,
      { rect: [30, 100, 130, 128], colour: CONCRETE },
      { rect: [60, 100, 91, 108], colour: RED_HULL },
    ]);
    const back = berthedHulls(apron.block, apron.water, apron.block.valid, { gsdM: 1, others: [apron.block] });
    expect(share(back, [60, 100, 91, 108])).toBe(0);
    // Jetties of that shape built out from the quay, water along both their sides, stay land.
    const rng = mulberry32(38);
    for (let k = 0; k < 12; k++) {
      const beam = 6 + Math.floor(7 * rng());
      const length = Math.round((3.2 + 0.75 * rng()) * beam);
      const x0 = 40 + Math.floor(150 * rng());
      const jetty: Rect = [x0, 100, x0 + beam, 100 + length];
      const colour = rng() < 0.5 ? RED_HULL : CONCRETE.map((c) => 0.6 * c);
      const stub = scene([quay, { rect: jetty, colour }]);
      const j = berthedHulls(stub.block, stub.water, stub.block.valid, { gsdM: 1, others: [stub.block] });
      expect(share(j, jetty), `jetty ${jetty.join(',')}`).toBe(0);
    }
  });

  it('keeps a stayed raft of two hulls abreast (hull-shaped on each side of a seam), drops a seamless patch as fat', () => {
    // 271411 pier-3 2025-05-17: a raft of two 168 × 24 m hulls that stayed since the previous dates read
    // as one 151 × 49 m patch, too fat for one hull, and was dropped as a fixed structure. Here two
    // 80 × 12 px hulls, a water-dark seam between them (its 1 px of water taken for land).
    const quay = { rect: [0, 0, W, 100] as Rect, colour: CONCRETE };
    const stayed = (parts: Array<{ rect: Rect; colour: number[] }>) => {
      const today = scene([quay, ...parts]);
      return berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [today.block] });
    };
    const inner: Rect = [60, 100, 140, 112];
    const outer: Rect = [60, 113, 140, 125];
    const raft = stayed([
      { rect: inner, colour: RED_HULL },
      { rect: [60, 112, 140, 113], colour: [0.08, 0.08, 0.08] },
      { rect: outer, colour: [0.8, 0.8, 0.78] },
    ]);
    // (main: 0 of either hull)
    expect(share(raft, [63, 101, 137, 111])).toBeGreaterThan(0.9);
    expect(share(raft, [63, 114, 137, 124])).toBeGreaterThan(0.9);
    // The same patch in one colour has no seam: a fixed structure, dropped.
    expect(share(stayed([{ rect: [60, 100, 140, 125], colour: RED_HULL }]), [63, 101, 137, 124])).toBe(0);
    // Nor is a patch with a seam whose sides are too stubby for hulls a raft.
    const stubby = stayed([
      { rect: [60, 100, 100, 112], colour: RED_HULL },
      { rect: [60, 112, 100, 113], colour: [0.08, 0.08, 0.08] },
      { rect: [60, 113, 100, 125], colour: [0.8, 0.8, 0.78] },
    ]);
    expect(share(stubby, [63, 101, 97, 124])).toBe(0);
    // Nor are two strips with a seam, each a hull's shape, that are together under 2.5 times as long
    // as wide: the stubby end of one hull (506327 pier-1 2025-02-13: a 32 × 14 m end piece of a 93 m
    // hull, bright rims and a duller deck, read as two strips of 4.6 beams and a seam).
    const end = stayed([
      { rect: [60, 100, 96, 107], colour: RED_HULL },
      { rect: [60, 107, 96, 108], colour: [0.08, 0.08, 0.08] },
      { rect: [60, 108, 96, 115], colour: [0.8, 0.8, 0.78] },
    ]);
    expect(share(end, [63, 101, 93, 114])).toBe(0);
  });

  it('keeps a stayed raft of a long hull and a shorter one against part of its side, with no seam between them', () => {
    // 154862 pier-3 2025-02-13: a 44 × 8 m white-decked hull against the bow half of a 107 × 15 m
    // white hull, read as one 79 × 21 m patch too fat for one hull, whose seam the two light decks blur
    // away (raftAbreast finds none): dropped as a fixed structure. The step in its outline where the
    // shorter hull ends splits it (raftAlongside). Here an 80 × 14 px hull and a 44 × 8 px one.
    const quay = { rect: [0, 0, W, 100] as Rect, colour: CONCRETE };
    const stayed = (parts: Array<{ rect: Rect; colour: number[] }>) => {
      const today = scene([quay, ...parts]);
      return berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [today.block] });
    };
    const white = [0.8, 0.8, 0.78];
    const raft = stayed([
      { rect: [60, 100, 140, 114], colour: white },
      { rect: [62, 114, 106, 122], colour: [0.78, 0.8, 0.76] },
    ]);
    // (main: 0 of either hull)
    expect(share(raft, [63, 101, 137, 113])).toBeGreaterThan(0.9);
    expect(share(raft, [65, 115, 103, 121])).toBeGreaterThan(0.9);
    // A patch too fat for one hull that steps out by a piece too stubby for a hull (a quay corner's
    // block against a jetty) stays dropped.
    const block = stayed([
      { rect: [60, 100, 120, 114], colour: white },
      { rect: [62, 114, 92, 122], colour: [0.78, 0.8, 0.76] },
    ]);
    expect(share(block, [63, 101, 117, 121])).toBe(0);
  });

  it('keepWholeHulls gives back a hull rafted outboard of one whose bow lies against the quay, both judged alone', () => {
    // 271411 pier-2: a 52 × 9 m white hull outboard of a 115 × 19 m one moored along a pier, whose bow
    // lies 5 m off the quay wall across the berth's end (water the mask's opening drops). The raft's
    // deck has the pier's grey: only its rim passes the colour step. The joint patch meets no water
    // beyond the inner bow, so it is not given back whole; the raft alone has its bow and stern in
    // water. Here 115 × 18 px and 52 × 9 px, the raft's rim 1 px, the inner hull found whole.
    const raft: Rect = [188, 118, 197, 170];
    const { long, water, cand, hulls } = raftAgainstPier(raft);
    keepWholeHulls(hulls, cand, water, chessboardDistance(water, W, H), W, H, 6, hullShaped);
    // (main: 0, only the rim)
    expect(share(hulls, [189, 119, 196, 169])).toBe(1);
    expect(share(hulls, long)).toBe(1);
    expect(share(hulls, [130, 60, 170, 250])).toBe(0);
    // Without the raft, the inner hull's rim alone (its deck the pier's grey) is no patch to give back
    // whole: its bow meets no water.
    const alone = new Uint8Array(W * H);
    fill(alone, long, 1);
    fill(alone, [long[0] + 1, long[1] + 1, long[2] - 1, long[3] - 1], 0);
    const candAlone = new Uint8Array(W * H);
    fill(candAlone, long, 1);
    const waterAlone = water.slice();
    fill(waterAlone, raft, 1);
    keepWholeHulls(alone, candAlone, waterAlone, chessboardDistance(waterAlone, W, H), W, H, 6, hullShaped);
    expect(share(alone, [172, 62, 186, 173])).toBe(0);
    // With the raft's stern against a jetty, the raft has no stern in water of its own: the pair
    // is not given back (the same outline could be a pier's apron beside a shed).
    const jetty: Rect = [186, 170, 220, 200];
    const stern = raftAgainstPier(raft).hulls;
    const waterStern = water.slice();
    fill(waterStern, jetty, 0);
    keepWholeHulls(stern, cand, waterStern, chessboardDistance(waterStern, W, H), W, H, 6, hullShaped);
    expect(share(stern, [189, 119, 196, 169])).toBe(0);
  });

  it('keepWholeHulls judges the inner hull’s depth to the water or to the hull rafted outboard of it', () => {
    // As above, with a raft wider than half the inner hull's beam (70 × 16 px; its rim and a line of
    // hatch coamings down its middle pass the colour step): from the inner hull's side against the
    // pier, the water beyond the raft lies 18 + 16 = 34 px off and beyond its ends 35 px, over 1.5 of
    // the inner part's beam (21 px as alongsideParts cuts it: 32), though the inner hull lies a beam
    // from the raft it is moored to.
    const raft: Rect = [188, 100, 204, 170];
    const { long, water, cand, hulls } = raftAgainstPier(raft);
    fill(hulls, [195, raft[1], 197, raft[3]], 1);
    keepWholeHulls(hulls, cand, water, chessboardDistance(water, W, H), W, H, 6, hullShaped);
    // (main: 0.14, the raft's rim and coamings only: the inner hull judged 34 px from the water)
    expect(share(hulls, [189, 101, 203, 169])).toBe(1);
    expect(share(hulls, long)).toBe(1);
    expect(share(hulls, [130, 60, 170, 250])).toBe(0);
  });

  it('keeps a stayed hull whose deck has the pier’s grey, its hatch covers judged together as one hull', () => {
    // Bow against the quay at the pier's root: no water beyond that end, so the covers are not given
    // back as a whole hull, and each cover alone is too stubby for a hull (old: 0 of the hull kept).
    const covers: Rect[] = [0, 1, 2, 3].map((k) => [172, 64 + 20 * k, 180, 78 + 20 * k]);
    const today = scene([
      { rect: [0, 0, W, 60], colour: CONCRETE },
      { rect: [130, 60, 170, 250], colour: CONCRETE },
      { rect: [170, 60, 182, 150], colour: CONCRETE },
      ...covers.map((rect) => ({ rect, colour: RED_HULL })),
    ]);
    const stayed = berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [today.block] });
    // The bow cover lies within a beam of the quay's face, whose direction runs there take once the
    // hull's own outline is left out (alongFaces): its rows nearest the quay are lost (0.71 kept).
    expect(share(stayed, covers[0]!)).toBeGreaterThan(0.6);
    for (const c of covers.slice(1)) expect(share(stayed, c)).toBeGreaterThan(0.9);
  });

  it('keeps a stayed hull whose hatch covers have the pier’s grey (its rim a ring round them), drops a stayed frame as wide as long', () => {
    // 9851 pier-2 2025-02-13: a white hull whose hatch covers share the pier's grey passes the colour
    // step as a ring, holes wider than the closing fills; judged with them it is neither solid nor
    // hull-shaped, and on a date after others that saw it, it was dropped as unchanged structure.
    const WHITE = [0.85, 0.85, 0.83];
    const pier: Rect = [130, 60, 170, 250];
    // Covers 18 px wide: wider than the closing by a beam (12 px) that keepWholeHulls gives.
    const hull: Rect = [170, 100, 194, 220];
    const covers: Rect[] = [0, 1, 2, 3].map((k) => [173, 106 + 24 * k, 191, 126 + 24 * k]);
    const today = scene([
      { rect: [0, 0, W, 60], colour: CONCRETE },
      { rect: pier, colour: CONCRETE },
      { rect: hull, colour: WHITE },
      ...covers.map((rect) => ({ rect, colour: CONCRETE })),
    ]);
    const stayed = berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [today.block] });
    // (main: 0 of the hull)
    expect(share(stayed, [171, 102, 193, 218])).toBeGreaterThan(0.9);
    for (const c of covers) expect(share(stayed, c)).toBe(1);
    expect(share(stayed, pier)).toBeLessThan(0.02);
    // A stayed white frame round grey land at the quay, as wide as it is long, is no hull: still dropped.
    const frame = scene([
      { rect: [0, 0, W, 60], colour: CONCRETE },
      { rect: [100, 60, 140, 100], colour: WHITE },
      { rect: [104, 64, 136, 96], colour: CONCRETE },
    ]);
    const fixed = berthedHulls(frame.block, frame.water, frame.block.valid, { gsdM: 1, others: [frame.block] });
    expect(share(fixed, [100, 60, 140, 100])).toBe(0);
  });

  it('againstLand reads a hull against a pier turned off the grid as deep as along it', () => {
    // The ring test's hull (24 px beam) against a pier 0.7 of its beam wide, water beyond both: it lies
    // (24 + 17) / 2 px deep, 0.85 of its beam. The chessboard distance from the water reads a band at 45°
    // √2 shallower than along the grid: without the turn's correction it read 0.65 there and the group
    // went as a pier's deck (0.7).
    const hull: Rect = [170, 100, 194, 220];
    const pier: Rect = [153, 60, 170, 250];
    for (const angle of [0, Math.PI / 8, Math.PI / 4, -Math.PI / 6]) {
      const { water } = rotatedScene(
        [
          { rect: pier, colour: CONCRETE },
          { rect: hull, colour: RED_HULL },
        ],
        angle,
      );
      const onHull = rotatedScene([{ rect: hull, colour: RED_HULL }], angle).water;
      const dist = chessboardDistance(water, W, H);
      const pixels: number[] = [];
      onHull.forEach((v, i) => {
        if (!v) pixels.push(i);
      });
      const deepest = Math.max(...pixels.map((i) => dist[i]!));
      expect(againstLand(componentOfPixels(pixels, W), deepest)).toBe(true);
      // The pier's deck alone, water along both its sides, still reads half its width deep.
      const onPier = rotatedScene([{ rect: [153, 60, 177, 250], colour: CONCRETE }], angle).water;
      const deck: number[] = [];
      onPier.forEach((v, i) => {
        if (!v) deck.push(i);
      });
      const deckDist = chessboardDistance(onPier, W, H);
      expect(againstLand(componentOfPixels(deck, W), Math.max(...deck.map((i) => deckDist[i]!)))).toBe(false);
    }
  });

  it('drops a stayed finger pier’s deck whose kerb or cross-bars pass the colour step, water along both its sides', () => {
    // 504252 pier-3 2025-03-15, 04-14: a pier's deck whose speckle passed the colour step, joined into
    // a slender unchanged group as wide as the pier, was kept whole as a 229 and a 183 × 38 m hull. A hull
    // moored at land lies a beam deep from the water (the ring test above: a white ring round grey
    // covers against a pier, still kept); a deck with water along both sides lies half its width deep.
    const WHITE = [0.85, 0.85, 0.83];
    const finger: Rect = [170, 60, 194, 220];
    const stayedDeck = (parts: Array<{ rect: Rect; colour: number[] }>) => {
      const today = scene([{ rect: [0, 0, W, 60], colour: CONCRETE }, ...parts]);
      return berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [today.block] });
    };
    // A light kerb round grey deck sections: a ring whose holes the unchanged test fills.
    const sections: Rect[] = [0, 1, 2, 3, 4, 5].map((k) => [173, 66 + 24 * k, 191, 86 + 24 * k]);
    const ring = stayedDeck([{ rect: finger, colour: WHITE }, ...sections.map((rect) => ({ rect, colour: CONCRETE }))]);
    // (main: 0.71 of it, its first four sections whole)
    expect(share(ring, finger)).toBeLessThan(0.05);
    // Light bars across a grey deck, 4 px apart: pieces the closing joins, no hole among them.
    const bars: Rect[] = Array.from({ length: 20 }, (_, k) => [170, 64 + 8 * k, 194, 68 + 8 * k]);
    const barred = stayedDeck([{ rect: finger, colour: CONCRETE }, ...bars.map((rect) => ({ rect, colour: WHITE }))]);
    // (main: 0.69 of it)
    expect(share(barred, finger)).toBeLessThan(0.05);
  });

  it('drops a finger pier’s deck the site’s memory never saw as water, changed in colour since the other dates, and keeps a hull moored at the quay', () => {
    // 504252 pier-3 2025-11-13 to 12-16: the pier's deck passed the colour step whole, and differed from
    // the other dates (a hull's shade across it, the light) on over half its pixels: kept as a changed
    // patch, a 255 × 37 m hull. Dry on every date the memory holds, with water along both its sides.
    // The hull at the quay is dry in the memory here too (as one there since the first date is) but
    // lies a beam deep against the quay.
    const LIGHT = [0.8, 0.8, 0.78];
    const finger: Rect = [176, 60, 188, 220];
    const hull: Rect = [40, 60, 140, 72];
    const quay = { rect: [0, 0, W, 60] as Rect, colour: CONCRETE };
    const today = scene([quay, { rect: finger, colour: LIGHT }, { rect: hull, colour: RED_HULL }]);
    const before = scene([quay, { rect: finger, colour: CONCRETE }]);
    const land = today.water.map((w) => 1 - w);
    const opts = { gsdM: 1, others: [before.block] };
    const plain = berthedHulls(today.block, today.water, today.block.valid, opts);
    const remembered = berthedHulls(today.block, today.water, today.block.valid, { ...opts, neverSeen: land });
    const hullInside: Rect = [43, 61, 137, 71];
    // (without the memory: its 68 px next to the quay kept, a 12 px beam, 0.5 of it deep)
    expect(share(plain, finger)).toBeGreaterThan(0.4);
    expect(share(remembered, finger)).toBeLessThan(0.05);
    expect(share(plain, hullInside)).toBeGreaterThan(0.9);
    expect(share(remembered, hullInside)).toBeGreaterThan(0.9);
  });

  it('keeps a stayed hull whose deck amidships has the pier’s grey, its two ends in line joined as one hull', () => {
    // 506327 2025-02-13 pier-1: a 93 × 15 m hull that stayed passed the colour step only at its two
    // ends (33 × 14 and 32 × 13 m), 13 m apart: each too stubby for a hull, too far apart for the
    // closing, both dropped as fixed structures. Here each end is 30 × 10 px, 16 px apart.
    const ends: Rect[] = [
      [172, 84, 182, 114],
      [172, 130, 182, 160],
    ];
    const base = [
      { rect: [0, 0, W, 60] as Rect, colour: CONCRETE },
      { rect: [130, 60, 170, 250] as Rect, colour: CONCRETE },
    ];
    const stayed = (parts: Array<{ rect: Rect; colour: number[] }>) => {
      const today = scene([...base, ...parts]);
      return berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [today.block] });
    };
    // One hull 80 × 14 px along the pier's east side, its deck the pier's grey but at its red ends.
    const inTwo = stayed([
      { rect: [170, 82, 184, 162], colour: CONCRETE },
      ...ends.map((rect) => ({ rect, colour: RED_HULL })),
    ]);
    // (main: 0 of either end, nor of the deck between)
    for (const e of ends) expect(share(inTwo, [e[0] + 1, e[1] + 1, e[2] - 1, e[3] - 1])).toBeGreaterThan(0.85);
    // The grey deck between them is given back too: the detector sees one hull, not two.
    expect(share(inTwo, [173, 116, 181, 128])).toBeGreaterThan(0.9);
    // Two such stubs with open water between them are two things, each too stubby for a hull: dropped.
    const apart = stayed(
      ends.flatMap((rect) => [
        { rect: [rect[0] - 2, rect[1] - 2, rect[2] + 2, rect[3] + 2] as Rect, colour: CONCRETE },
        { rect, colour: RED_HULL },
      ]),
    );
    for (const e of ends) expect(share(apart, [e[0] + 1, e[1] + 1, e[2] - 1, e[3] - 1])).toBe(0);
  });

  it('joins a stayed hull’s two ends across its dark deck the water tests took for water, not across open water', () => {
    // 271411 east-quay 2025-07-15: a 154 × 23 m hull with a dark-red deck (0.3/0.08/0.07) stayed at its
    // berth; its dark stretches were water to the water tests, its lighter ones unchanged pieces in line
    // with water between them, each dropped as a fixed structure. Here two red ends 30 × 10 px along a
    // pier, and between them 16 px of dark-red deck that the water mask holds as water.
    const ends: Rect[] = [
      [172, 84, 182, 114],
      [172, 130, 182, 160],
    ];
    const gap: Rect = [172, 114, 182, 130];
    const base = [
      { rect: [0, 0, W, 60] as Rect, colour: CONCRETE },
      { rect: [130, 60, 170, 250] as Rect, colour: CONCRETE },
    ];
    const stayed = (gapColour: number[]) => {
      const today = scene([
        ...base,
        ...ends.flatMap((rect) => [
          { rect: [rect[0] - 2, rect[1] - 2, rect[2] + 2, rect[3] + 2] as Rect, colour: CONCRETE },
          { rect, colour: RED_HULL },
        ]),
      ]);
      for (let y = gap[1]; y < gap[3]; y++) {
        for (let x = gap[0] - 2; x < gap[2] + 2; x++) {
          if (!today.water[y * W + x]) continue;
          for (const [k, b] of today.block.bands.entries()) b[y * W + x] = gapColour[k]!;
        }
      }
      return berthedHulls(today.block, today.water, today.block.valid, { gsdM: 1, others: [today.block] });
    };
    // (main: 0 of either end)
    const deck = stayed([0.3, 0.08, 0.07]);
    for (const e of ends) expect(share(deck, [e[0] + 1, e[1] + 1, e[2] - 1, e[3] - 1])).toBeGreaterThan(0.85);
    // Open water between them (its own colour): two things, each too stubby for a hull, dropped.
    const open = stayed([0.08, 0.08, 0.08]);
    for (const e of ends) expect(share(open, [e[0] + 1, e[1] + 1, e[2] - 1, e[3] - 1])).toBe(0);
  });

  it('does not take the end of a quay at a bend of the shore for a hull, and keeps a hull moored near the bend', () => {
    // The quay (north) turns north-east at x 220; containers stand at its end. The shore's fit
    // there mixes both faces, and a run along it met the quay face at a slant: the containers and the
    // apron under them read as a short run of land that differs from the quay around.
    const n = W * H;
    const water = new Uint8Array(n);
    const bands = [0, 1, 2].map(() => new Float32Array(n));
    const hull: Rect = [60, 150, 180, 164];
    const inside = (r: Rect, x: number, y: number) => x >= r[0] && x < r[2] && y >= r[1] && y < r[3];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const onHull = inside(hull, x, y);
        if (!onHull && y >= (x <= 220 ? 150 : 150 - 1.3 * (x - 220))) {
          water[i] = 1;
          bands.forEach((b) => {
            b[i] = 0.08;
          });
          continue;
        }
        const c = onHull ? RED_HULL : inside([190, 100, 230, 140], x, y) ? [0.3, 0.34, 0.4] : CONCRETE;
        bands.forEach((b, k) => {
          b[i] = c[k]! + 0.02 * Math.sin(0.7 * x + 1.3 * y);
        });
      }
    }
    const block = rgbBlock(bands, W, H);
    const m = berthedHulls(block, water, block.valid, { gsdM: 1 });
    expect(share(m, [63, 151, 177, 163])).toBeGreaterThan(0.9);
    expect(share(m, [190, 100, 222, 150])).toBeLessThan(0.05);
  });

  it('finds a hull moored along a pier askew of the pixel grid, not a strip of the pier’s deck', () => {
    // The pier leaves the quay (north) 28° off south; the hull lies along its east face. The shore's
    // direction read from central differences leaned 5° off the face: runs drifted off the face and
    // a quarter of the hull was lost.
    const n = W * H;
    const { block, water } = scene([{ rect: [0, 0, W, 40], colour: CONCRETE }]);
    const a = (28 * Math.PI) / 180;
    const pier = new Uint8Array(n);
    const hull = new Uint8Array(n);
    for (let y = 40; y < H; y++) {
      for (let x = 0; x < W; x++) {
        // Along the pier from its root at (100, 40), and across it towards the east.
        const s = (x - 100) * Math.sin(a) + (y - 40) * Math.cos(a);
        const v = (x - 100) * Math.cos(a) - (y - 40) * Math.sin(a);
        const i = y * W + x;
        pier[i] = s < 240 && Math.abs(v) < 15 ? 1 : 0;
        hull[i] = s >= 90 && s < 200 && v >= 15 && v < 33 ? 1 : 0;
        if (!pier[i] && !hull[i]) continue;
        water[i] = 0;
        block.bands.forEach((b, k) => {
          b[i] = (hull[i] ? RED_HULL : CONCRETE)[k]! + 0.02 * Math.sin(0.7 * x + 1.3 * y);
        });
      }
    }
    const m = berthedHulls(block, water, block.valid, { gsdM: 1 });
    expect(found(m, hull)).toBeGreaterThan(0.9);
    expect(found(m, pier)).toBeLessThan(0.01);
  });

  it('does not take the pier’s deck for hull where a hull swung askew touches the pier near one moored along it', () => {
    // The askew hull's outline turned the edges' direction over the deck between the two hulls: runs
    // there drifted across the deck to water at both ends (7% of the deck was taken for hull).
    const size = 400;
    const n = size * size;
    const water = new Uint8Array(n).fill(1);
    const bands = [0, 1, 2].map(() => new Float32Array(n).fill(0.08));
    const pier = new Uint8Array(n);
    const moored = new Uint8Array(n);
    const a = (-20 * Math.PI) / 180;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = y * size + x;
        pier[i] = y >= 50 && y < 370 && x >= 135 && x < 165 ? 1 : 0;
        // Moored along the pier's east face, bow (the last fifth, elliptic) to the south.
        const t = (y - 200) / 118;
        const halfBeam = t > 0.8 ? 12 * Math.sqrt(Math.max(0, 1 - ((t - 0.8) / 0.2) ** 2)) : 12;
        moored[i] = t >= 0 && t <= 1 && Math.abs(x - 177) <= halfBeam ? 1 : 0;
        const u = (x - 110) * Math.cos(a) + (y - 300) * Math.sin(a);
        const v = -(x - 110) * Math.sin(a) + (y - 300) * Math.cos(a);
        // Its bow overhangs the pier's edge.
        const askew = Math.abs(u) < 50 && Math.abs(v) < 9;
        if (askew) pier[i] = 0;
        if (!(y < 50 || pier[i] || moored[i] || askew)) continue;
        water[i] = 0;
        bands.forEach((b, k) => {
          b[i] = (moored[i] || askew ? RED_HULL : CONCRETE)[k]! + 0.02 * Math.sin(0.7 * x + 1.3 * y);
        });
      }
    }
    const block = rgbBlock(bands, size, size);
    const m = berthedHulls(block, water, block.valid, { gsdM: 1 });
    expect(found(m, pier)).toBeLessThan(0.01);
    expect(found(m, moored)).toBeGreaterThan(0.9);
  });

  it('finds hulls moored along both faces of a pier askew of the grid, whose faces the hulls hide nearly all of', () => {
    // The pier leaves the quay (north) 12° off south, a long hull along each face. Read without the
    // hulls' patches, the window holds only scraps of the faces (the gap between the hulls' ends and
    // the pier's root, the bows' taper), which tilted the re-walk's direction: a tenth of the hulls'
    // middles was lost.
    const size = 400;
    const n = size * size;
    const water = new Uint8Array(n).fill(1);
    const bands = [0, 1, 2].map(() => new Float32Array(n).fill(0.08));
    const pier = new Uint8Array(n);
    const hulls = new Uint8Array(n);
    const middles = new Uint8Array(n);
    const a = (12 * Math.PI) / 180;
    const length = 240;
    const beam = 16;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = y * size + x;
        // Along the pier from its root at (200, 40), and across it towards the east.
        const s = (x - 200) * Math.sin(a) + (y - 40) * Math.cos(a);
        const v = (x - 200) * Math.cos(a) - (y - 40) * Math.sin(a);
        pier[i] = y >= 40 && s < 330 && Math.abs(v) < 15 ? 1 : 0;
        // West hull from 30 px off the root, east from 40; bows (the last tenth, elliptic) to the south.
        for (const [side, from] of [
          [-1, 30],
          [1, 40],
        ] as const) {
          const t = (s - from) / length;
          const taper = t > 0.9 ? Math.sqrt(Math.max(0, 1 - ((t - 0.9) / 0.1) ** 2)) : 1;
          if (t < 0 || t > 1 || Math.abs(v - side * (15 + beam / 2)) > (beam / 2) * taper) continue;
          hulls[i] = 1;
          // Away from the quay's face at the root and short of the bows.
          if (s >= 80 && s < 240) middles[i] = 1;
        }
        if (!(y < 40 || pier[i] || hulls[i])) continue;
        water[i] = 0;
        bands.forEach((b, k) => {
          b[i] = (hulls[i] ? RED_HULL : CONCRETE)[k]! + 0.02 * Math.sin(0.7 * x + 1.3 * y);
        });
      }
    }
    const block = rgbBlock(bands, size, size);
    const m = berthedHulls(block, water, block.valid, { gsdM: 1 });
    expect(found(m, middles)).toBeGreaterThan(0.95);
    expect(found(m, pier)).toBeLessThan(0.01);
  });

  it('keeps a hull 2 px wide alongside a quay at 10 m, not a 1 px strip nor one within the gap of a wider hull', () => {
    const narrow: Rect = [60, 100, 75, 102];
    const wide: Rect = [150, 100, 165, 104];
    const fringe: Rect = [170, 100, 182, 102];
    const strip: Rect = [220, 100, 250, 101];
    const { block, water } = scene([
      { rect: [0, 0, W, 100], colour: CONCRETE },
      ...[narrow, wide, fringe, strip].map((rect) => ({ rect, colour: RED_HULL })),
    ]);
    const m = berthedHulls(block, water, block.valid, { gsdM: 10 });
    // The runs lose a pixel here and there, as on the wider hull.
    expect(share(m, narrow)).toBeGreaterThan(0.8);
    expect(share(m, wide)).toBeGreaterThan(0);
    expect(share(m, fringe)).toBe(0);
    expect(share(m, strip)).toBe(0);
    expect(share(m, [0, 0, W, 100])).toBe(0);
  });

  it('gives the same mask with runs taken only where the opening can keep them as with every run', () => {
    // A traced call takes every run; piers, stubs, a raft and ragged land at several angles.
    const rng = (k: number) => (Math.sin(k * 12.9898) * 43758.5453) % 1;
    const parts: Array<{ rect: Rect; colour: number[] }> = [{ rect: [0, 0, W, 60], colour: CONCRETE }];
    for (let k = 0; k < 40; k++) {
      const x0 = Math.floor(Math.abs(rng(k)) * (W - 40));
      const y0 = 60 + Math.floor(Math.abs(rng(k + 100)) * (H - 100));
      const w = 3 + Math.floor(Math.abs(rng(k + 200)) * 60);
      const h = 3 + Math.floor(Math.abs(rng(k + 300)) * 30);
      const rect: Rect = k % 2 ? [x0, y0, x0 + w, y0 + h] : [x0, y0, x0 + h, y0 + w];
      parts.push({
        rect: [rect[0], rect[1], Math.min(W, rect[2]), Math.min(H, rect[3])],
        colour: k % 3 ? CONCRETE : RED_HULL,
      });
    }
    const { block, water } = scene(parts);
    let found = 0;
    for (const gsdM of [0.5, 1, 2]) {
      const pruned = berthedHulls(block, water, block.valid, { gsdM });
      const all = berthedHulls(block, water, block.valid, { gsdM, trace: {} });
      expect(pruned).toEqual(all);
      for (const v of pruned) found += v;
    }
    expect(found).toBeGreaterThan(0);
  });

  it('finds nothing without valid land near water (open water, or the shore off the image), as the full walk does', () => {
    const open = scene([]);
    const quay = scene([
      { rect: [0, 0, W, 60], colour: CONCRETE },
      { rect: [130, 60, 170, 200], colour: RED_HULL },
    ]);
    // The land, all within a raft's reach of the water, is invalid (cloud, off the image).
    const farOnly = quay.water.slice();
    const cases = [
      { ...open, valid: open.block.valid },
      { ...quay, valid: farOnly },
    ];
    for (const { block, water, valid } of cases) {
      const fast = berthedHulls(block, water, valid, { gsdM: 1 });
      expect(fast).toEqual(berthedHulls(block, water, valid, { gsdM: 1, trace: {} }));
      expect(fast.every((v) => v === 0)).toBe(true);
    }
    // With the shore valid, the red stub is found (the skip is not taken).
    const m = berthedHulls(quay.block, quay.water, quay.block.valid, { gsdM: 1 });
    expect(share(m, [130, 60, 170, 200])).toBeGreaterThan(0.2);
  });

  it('edgeTensor gives the summed-area tables of the gradient planes, plain and smoothed, with and without skipped pixels', () => {
    const [w, h] = [53, 41];
    const water = new Uint8Array(w * h);
    const skip = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) {
      const [x, y] = [i % w, Math.floor(i / w)];
      water[i] = (x - 20) ** 2 + (y - 18) ** 2 < 150 || x + 2 * y > 90 || (x * 7 + y * 13) % 29 === 0 ? 1 : 0;
      skip[i] = (x * 3 + y * 5) % 11 === 0 ? 1 : 0;
    }
    for (const smooth of [false, true]) {
      for (const s of [undefined, skip]) {
        // The planes as they were built before the tables, then areaSums of each.
        const m = smooth ? boxSum(water, w, h, 1) : water;
        const o = smooth ? 2 : 1;
        const planes = [0, 1, 2].map(() => new Int16Array(w * h));
        for (let y = o; y < h - o; y++) {
          for (let x = o; x < w - o; x++) {
            const i = y * w + x;
            if (s?.[i]) continue;
            const gx = smooth
              ? m[i - w + 1]! + 2 * m[i + 1]! + m[i + w + 1]! - m[i - w - 1]! - 2 * m[i - 1]! - m[i + w - 1]!
              : m[i + 1]! - m[i - 1]!;
            const gy = smooth
              ? m[i + w - 1]! + 2 * m[i + w]! + m[i + w + 1]! - m[i - w - 1]! - 2 * m[i - w]! - m[i - w + 1]!
              : m[i + w]! - m[i - w]!;
            planes[0]![i] = gx * gx;
            planes[1]![i] = gx * gy;
            planes[2]![i] = gy * gy;
          }
        }
        const t = edgeTensor(water, w, h, smooth, s);
        expect(t.xx.sat).toEqual(areaSums(planes[0]!, w, h).sat);
        expect(t.xy.sat).toEqual(areaSums(planes[1]!, w, h).sat);
        expect(t.yy.sat).toEqual(areaSums(planes[2]!, w, h).sat);
        expect(t.xx.sat.some((v) => v !== 0)).toBe(true);
      }
    }
  });

  it('edgeTensor and cornerMoment take the same tables in WebAssembly as in JavaScript (shores, speckle, skips, every size)', () => {
    // A seeded generator: the scenes are the same on every run.
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const sizes: Array<[number, number]> = [
      [1, 1],
      [2, 7],
      [5, 5],
      [17, 3],
      [33, 40],
      [61, 29],
      [97, 113],
      [300, 251],
      [1031, 70],
      [257, 700],
    ];
    const bytes = (t: Int32Array) => Buffer.from(t.buffer, t.byteOffset, t.byteLength);
    const tables = (water: Uint8Array, w: number, h: number, skip: Uint8Array | undefined, kept = false) => {
      const sums3 = boxSum(water, w, h, 1);
      const slot = (s: TensorSlot) => (kept ? s : undefined);
      const corner = cornerMoment(sums3, w, h, slot(TensorSlot.corner));
      return [
        edgeTensor(water, w, h, false, skip, undefined, slot(TensorSlot.edges)),
        edgeTensor(water, w, h, true, skip, undefined, slot(TensorSlot.along)),
        edgeTensor(water, w, h, true, skip, sums3, slot(TensorSlot.faces)),
      ]
        .flatMap((t) => [t.xx.sat, t.xy.sat, t.yy.sat])
        .concat([corner.cos.sat, corner.sin.sat]);
    };
    for (const [w, h] of sizes) {
      for (const kind of ['shore', 'speckle', 'full', 'empty']) {
        // A wavy shore with a pier and a few holes, or speckle, or one value.
        const water = new Uint8Array(w * h);
        const a = rand() * 6;
        const cx = rand() * w;
        for (let i = 0; i < w * h; i++) {
          const [x, y] = [i % w, Math.floor(i / w)];
          if (kind === 'shore') {
            const pier = Math.abs(x - cx) < 4 && y < h * 0.7;
            water[i] = y > h / 2 + a * Math.sin(x / 9) && !pier ? 1 : rand() < 0.01 ? 1 : 0;
          } else if (kind === 'speckle') water[i] = rand() < 0.3 ? 1 : 0;
          else water[i] = kind === 'full' ? 1 : 0;
        }
        const skip = new Uint8Array(w * h);
        for (let i = 0; i < w * h; i++) skip[i] = rand() < 0.2 ? 1 : 0;
        for (const s of [undefined, skip]) {
          setTensorInWasm(false);
          const js = tables(water, w, h, s);
          setTensorInWasm(true);
          const wasm = tables(water, w, h, s);
          for (const [k, t] of js.entries())
            expect(bytes(wasm[k]!).equals(bytes(t)), `${w}×${h} ${kind} table ${k}`).toBe(true);
          // Kept in the kernel memory (berthedHulls' slots), after another window's tables took the slots.
          tables(water.subarray(0, w * (h >> 1)), w, h >> 1, s?.subarray(0, w * (h >> 1)), true);
          const kept = tables(water, w, h, s, true);
          for (const [k, t] of js.entries())
            expect(bytes(kept[k]!).equals(bytes(t)), `${w}×${h} ${kind} kept table ${k}`).toBe(true);
        }
      }
    }
  });

  it('cornerFaces resolves the two faces where a pier 12° askew meets the quay, and none along one straight face', () => {
    // Land: the quay north of y = 100, and a pier 50 px wide running south from it, 12° off the grid.
    const t = (12 * Math.PI) / 180;
    const water = new Uint8Array(W * H).fill(1);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const across = (x - 150) * Math.cos(t) - (y - 100) * Math.sin(t);
        if (y < 100 || Math.abs(across) < 25) water[y * W + x] = 0;
      }
    }
    const sums3 = boxSum(water, W, H, 1);
    const along = edgeTensor(water, W, H, true, undefined, sums3);
    const corner = cornerMoment(sums3, W, H);
    // Beside the pier's east face near its root, over a raft's reach: both faces in the window.
    const u = cornerFaces(corner, along, 170, 115, 60);
    expect(u).not.toBeNull();
    // One face along the quay (x), the other along the pier (sin 12°, cos 12°), each within 2°.
    const [quay, pier] = [u!.slice(0, 2), u!.slice(2)].sort((p, q) => Math.abs(q[0]!) - Math.abs(p[0]!));
    const cos2 = Math.cos((2 * Math.PI) / 180);
    expect(Math.abs(quay![0]!)).toBeGreaterThan(cos2);
    expect(Math.abs(pier![0]! * Math.sin(t) + pier![1]! * Math.cos(t))).toBeGreaterThan(cos2);
    // Along the quay far from the pier the edges hold one face: no corner.
    expect(cornerFaces(corner, along, 40, 90, 30)).toBeNull();
  });

  it('cornerFaces resolves two faces mirrored across a grid axis (a 90° V of land, faces at ±45°)', () => {
    const water = new Uint8Array(W * H).fill(1);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (x >= 100 + Math.abs(y - 100)) water[y * W + x] = 0;
    const sums3 = boxSum(water, W, H, 1);
    const along = edgeTensor(water, W, H, true, undefined, sums3);
    const u = cornerFaces(cornerMoment(sums3, W, H), along, 104, 100, 24);
    expect(u).not.toBeNull();
    // Both directions at 45° to the grid, one rising and one falling.
    for (const k of [0, 2]) expect(Math.abs(Math.abs(u![k]!) - Math.SQRT1_2)).toBeLessThan(0.05);
    expect(Math.sign(u![0]! * u![1]!)).toBe(-Math.sign(u![2]! * u![3]!));
  });

  it('coherentAtLeast answers as the coherence ratio in doubles, at every window of a shore scene and at ties', () => {
    // The tensor of a scene's water edges (piers, a slanted quay, a hull) at every pixel and radius the
    // near-shore pass reads, and sums whose ratio is exactly 0.3 or 0.6 (3-4-5 triangles).
    const { water } = scene(
      [
        [40, 0, 70, 200],
        [150, 0, 190, 120],
        [70, 150, 110, 162],
      ].map((rect) => ({ rect: rect as Rect, colour: CONCRETE })),
    );
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (x + 0.4 * y > 330) water[y * W + x] = 0;
    const t: Tensor = edgeTensor(water, W, H, false);
    const ratio = (a: number, b: number, c: number) => Math.hypot(a - c, 2 * b) / Math.max(1e-6, a + c);
    let checked = 0;
    for (const r of [4, 15, 60]) {
      for (let y = 0; y < H; y += 3) {
        for (let x = 0; x < W; x += 3) {
          const a = windowSum(t.xx, x, y, r);
          const b = windowSum(t.xy, x, y, r);
          const c = windowSum(t.yy, x, y, r);
          expect(coherentAtLeast(a, b, c, 3)).toBe(ratio(a, b, c) >= 0.3);
          expect(coherentAtLeast(a, b, c, 6)).toBe(ratio(a, b, c) >= 0.6);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20_000);
    // hypot(a − c, 2b) = 0.3 (a + c): a − c = 18k, 2b = 24k, a + c = 100k; and 0.6: a − c = 36k, 2b = 48k.
    for (const k of [1, 7, 123]) {
      expect(coherentAtLeast(59 * k, 12 * k, 41 * k, 3)).toBe(ratio(59 * k, 12 * k, 41 * k) >= 0.3);
      expect(coherentAtLeast(59 * k, 12 * k, 41 * k, 3)).toBe(true);
      expect(coherentAtLeast(68 * k, 24 * k, 32 * k, 6)).toBe(ratio(68 * k, 24 * k, 32 * k) >= 0.6);
      expect(coherentAtLeast(59 * k - 1, 12 * k, 41 * k + 1, 3)).toBe(ratio(59 * k - 1, 12 * k, 41 * k + 1) >= 0.3);
    }
    expect(coherentAtLeast(0, 0, 0, 3)).toBe(false);
  });
});
