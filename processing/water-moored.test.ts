import { describe, expect, it } from 'vitest';
import type { Block } from './types.ts';
import {
  dropWithoutOutboardWater,
  joinedPatches,
  landTongues,
  mooredHullsCoarse,
  nirProfileHulls,
  notQuay,
  patchesReadAsLand,
  pierShelf,
  profileRidges,
  profileValleys,
  quayFaceHulls,
  quayShelfHulls,
  quayTeeth,
  ridgeEnd,
  shoreProfiles,
} from './water-moored.ts';

// A 10 m scene: water above row 20, a concrete quay below with a pier of the same concrete running
// up into the water, the quay's first row a half-and-half mix with water (as Sentinel-2 sees a quay
// edge), and a rust-red hull 15 × 3 px lying against the quay face.
const W = 70;
const H = 40;
const WATER = [0.05, 0.06, 0.03, 0.02];
const CONCRETE = [0.25, 0.26, 0.27, 0.3];
const RUST = [0.08, 0.1, 0.16, 0.2];
const inHull = (x: number, y: number) => x >= 20 && x < 35 && y >= 17 && y < 20;
const inPier = (x: number, y: number) => x >= 50 && x < 53 && y >= 6 && y < 20;

/** Sets pixel `i` (at x, y) to `colour` with a faint texture, so nothing depends on exact ties. */
function paint(bands: Float32Array[], i: number, x: number, y: number, colour: readonly number[]): void {
  colour.forEach((c, b) => {
    bands[b]![i] = c * (1 + 0.02 * Math.sin(x * 1.7 + y * 2.3 + b));
  });
}

function scene(): { block: Block; water: Uint8Array } {
  const bands = WATER.map(() => new Float32Array(W * H));
  const water = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const colour = inHull(x, y)
        ? RUST
        : inPier(x, y)
          ? CONCRETE
          : y < 20
            ? WATER
            : y === 20
              ? CONCRETE.map((c, b) => (c + WATER[b]!) / 2)
              : CONCRETE;
      paint(bands, i, x, y, colour);
      water[i] = y < 20 && !inHull(x, y) && !inPier(x, y) ? 1 : 0;
    }
  }
  const block: Block = {
    window: { x: 0, y: 0, width: W, height: H },
    roles: ['blue', 'green', 'red', 'nir'],
    bands,
    valid: new Uint8Array(W * H).fill(1),
  };
  return { block, water };
}

const count = (m: Uint8Array, f: (x: number, y: number) => boolean) => {
  let k = 0;
  for (let i = 0; i < m.length; i++) if (m[i] && f(i % W, (i / W) | 0)) k++;
  return k;
};

describe('notQuay', () => {
  it('marks the hull, not the pier of quay colour nor the quay edge mixed with water', () => {
    const { block, water } = scene();
    const m = notQuay(block, water, block.valid, { gsdM: 10 });
    expect(count(m, inHull)).toBe(45);
    expect(count(m, inPier)).toBe(0);
    expect(count(m, (_, y) => y === 20)).toBe(0);
  });
});

describe('mooredHullsCoarse', () => {
  it('finds the hull against the quay and leaves the pier head and the quay face', () => {
    const { block, water } = scene();
    const m = mooredHullsCoarse(block, water, block.valid, { gsdM: 10 });
    expect(count(m, inHull)).toBeGreaterThanOrEqual(30);
    expect(count(m, (x, y) => !inHull(x, y))).toBe(0);
  });

  it('drops a patch shorter than the run test can resolve', () => {
    const { block, water } = scene();
    const m = mooredHullsCoarse(block, water, block.valid, { gsdM: 10, minPatchPx: 20 });
    expect(count(m, () => true)).toBe(0);
  });
});

describe('mooredHullsCoarse on the shore blur', () => {
  // The same scene with the hull's colour replaced: NDWI 0, as a pixel half water and half quay reads
  // (yet off the water/quay mixing line, so notQuay alone would take it for a hull).
  const BLUR = [0.1, 0.15, 0.2, 0.15];
  const blurred = () => {
    const { block, water } = scene();
    for (let y = 17; y < 20; y++) {
      for (let x = 20; x < 35; x++) {
        BLUR.forEach((c, b) => {
          block.bands[b]![y * W + x] = c;
        });
      }
    }
    return { block, water };
  };

  it('drops a patch whose NDWI is a water/land mix, not a hull filling its pixels', () => {
    const { block, water } = blurred();
    expect(count(notQuay(block, water, block.valid, { gsdM: 10 }), inHull)).toBeGreaterThan(30);
    // The strip stands out of the quay line with NIR between the water's and the quay's, as a hull
    // alongside does (quayShelfHulls, which waives the NDWI test): the NDWI test is judged without it.
    const opts = { gsdM: 10, minQuayShelfPx: Number.POSITIVE_INFINITY };
    expect(count(mooredHullsCoarse(block, water, block.valid, opts), () => true)).toBe(0);
  });

  it('takes the mixed strip bulging out of the quay line as a hull alongside, not one set in the line', () => {
    // A known limitation, pinned here so that a fix shows: with every rule on, the strip 3 px out of
    // the quay's line reads as a hull merged with the quay (quayShelfHulls), since at 10 m nothing yet
    // tells a bulging strip of mixes from one. What must hold is the second half: flush, it is dropped.
    const { block, water } = blurred();
    const m = mooredHullsCoarse(block, water, block.valid, { gsdM: 10 });
    expect(count(m, inHull)).toBeGreaterThan(30);
    // The same mixes in the quay's first three rows, the water line straight: the shore's own blur,
    // which the NDWI test drops and no bulge excuses.
    const { block: flush, water: straight } = scene();
    for (let y = 17; y < 23; y++) {
      for (let x = 20; x < 35; x++) {
        const i = y * W + x;
        straight[i] = y < 20 ? 1 : 0;
        BLUR.forEach((c, b) => {
          flush.bands[b]![i] = y < 20 ? WATER[b]! : c;
        });
      }
    }
    const inStrip = (x: number, y: number) => x >= 20 && x < 35 && y >= 20 && y < 23;
    expect(count(notQuay(flush, straight, flush.valid, { gsdM: 10 }), inStrip)).toBeGreaterThan(30);
    expect(count(mooredHullsCoarse(flush, straight, flush.valid, { gsdM: 10 }), () => true)).toBe(0);
  });

  it('finds no hull without a NIR band', () => {
    const { block, water } = scene();
    const rgb: Block = { ...block, roles: block.roles.slice(0, 3), bands: block.bands.slice(0, 3) };
    expect(count(mooredHullsCoarse(rgb, water, block.valid, { gsdM: 10 }), () => true)).toBe(0);
  });
});

describe('mooredHullsCoarse on a green shore', () => {
  // The same scene with grass behind the hull (rows from 21 on): a bank, not a paved berth.
  const GRASS = [0.03, 0.07, 0.04, 0.3];
  it('drops a patch with vegetated land behind it', () => {
    const { block, water } = scene();
    for (let y = 21; y < H; y++) {
      for (let x = 0; x < W; x++) {
        paint(block.bands, y * W + x, x, y, GRASS);
      }
    }
    expect(count(notQuay(block, water, block.valid, { gsdM: 10 }), inHull)).toBeGreaterThan(30);
    expect(count(mooredHullsCoarse(block, water, block.valid, { gsdM: 10 }), () => true)).toBe(0);
  });
});

describe('mooredHullsCoarse on a patch set back from the water', () => {
  // The same scene with the hull set in quay concrete, 2 rows of it between the hull and the water:
  // the patch is the quay's own fabric (a roof, a yard), since a moored hull's outboard side meets
  // the water.
  it('drops a patch with more than a mixed pixel of land between it and the water', () => {
    const { block, water } = scene();
    for (let y = 15; y < 20; y++) {
      for (let x = 16; x < 39; x++) {
        if (inHull(x, y)) continue;
        water[y * W + x] = 0;
        paint(block.bands, y * W + x, x, y, CONCRETE);
      }
    }
    const setBack = (x: number, y: number) => x >= 16 && x < 39 && y >= 15 && y < 20;
    const inf = Number.POSITIVE_INFINITY;
    expect(count(mooredHullsCoarse(block, water, block.valid, { gsdM: 10, maxInsetPx: inf }), setBack)).toBeGreaterThan(
      0,
    );
    expect(count(mooredHullsCoarse(block, water, block.valid, { gsdM: 10 }), setBack)).toBe(0);
  });
});

describe('notQuay on a hull blending into the quay', () => {
  // The same scene with a hull painted a colour of the quay's brightness, its inboard rows mixing it
  // with the quay's concrete (a fifth, then half): each row close to the one inboard of it, the
  // outboard row far from the concrete.
  const PAINT = [0.36, 0.28, 0.17, 0.45];
  it('does not follow the quay colour into the hull a row at a time', () => {
    const { block, water } = scene();
    for (let y = 17; y < 20; y++) {
      const t = y === 19 ? 0.2 : y === 18 ? 0.5 : 1;
      for (let x = 20; x < 35; x++) {
        paint(
          block.bands,
          y * W + x,
          x,
          y,
          PAINT.map((c, b) => (1 - t) * CONCRETE[b]! + t * c),
        );
      }
    }
    expect(count(notQuay(block, water, block.valid, { gsdM: 10 }), inHull)).toBeGreaterThanOrEqual(15);
    expect(count(mooredHullsCoarse(block, water, block.valid, { gsdM: 10 }), inHull)).toBeGreaterThan(0);
  });
});

describe('mooredHullsCoarse on a hull moored bow-in', () => {
  // The same scene with a hull 2 × 6 px (20 × 60 m) sticking out of the quay face into the water, its
  // bow against the quay, a quarter water in every pixel; and a blunt 4 × 3 px bump of quay concrete.
  const inBowIn = (x: number, y: number) => x >= 10 && x < 12 && y >= 14 && y < 20;
  const inBump = (x: number, y: number) => x >= 40 && x < 44 && y >= 17 && y < 20;
  const bowIn = () => {
    const { block, water } = scene();
    for (let y = 14; y < 20; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        if (!inBowIn(x, y) && !inBump(x, y)) continue;
        water[i] = 0;
        const colour = inBowIn(x, y) ? RUST.map((c, b) => 0.75 * c + 0.25 * WATER[b]!) : CONCRETE;
        paint(block.bands, i, x, y, colour);
      }
    }
    return { block, water };
  };

  it('finds the hull by its shape, not the pier or the bump', () => {
    const { block, water } = bowIn();
    const m = mooredHullsCoarse(block, water, block.valid, { gsdM: 10 });
    expect(count(m, inBowIn)).toBe(12);
    expect(count(m, inPier)).toBe(0);
    expect(count(m, inBump)).toBe(0);
  });

  it('takes as teeth only narrow, elongated tongues shorter than a pier', () => {
    const { block, water } = bowIn();
    const t = quayTeeth(water, block.valid, W, H, { gsdM: 10 });
    expect(count(t, inBowIn)).toBe(12);
    expect(count(t, (x, y) => !inBowIn(x, y))).toBe(0);
    expect(count(quayTeeth(water, block.valid, W, H, { gsdM: 10, toothRadiusM: 0 }), () => true)).toBe(0);
  });
});

describe('dropWithoutOutboardWater', () => {
  // Water above row 10, land below; two 10 × 3 px patches on the land: one lying along the shore, one
  // running inland from it (water only beyond its end, as at a pier's corner or inside a terminal).
  const w = 30;
  const h = 20;
  const along = (x: number, y: number) => x >= 2 && x < 12 && y >= 10 && y < 13;
  const inland = (x: number, y: number) => x >= 20 && x < 23 && y >= 10 && y < 20;
  type Area = (x: number, y: number) => boolean;
  /** How many pixels of each patch the test keeps. */
  function keptOf(...patches: Area[]): (f: Area) => number {
    const water = new Uint8Array(w * h);
    const hull = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) {
      const x = i % w;
      const y = (i / w) | 0;
      water[i] = y < 10 ? 1 : 0;
      hull[i] = patches.some((f) => f(x, y)) ? 1 : 0;
    }
    const out = dropWithoutOutboardWater(water, hull, joinedPatches(hull, w, h), w, h);
    return (f) => out.filter((v, i) => v && f(i % w, (i / w) | 0)).length;
  }

  it('keeps the patch with water along its outboard side and drops the one with land on both sides', () => {
    const kept = keptOf(along, inland);
    expect(kept(along)).toBe(30);
    expect(kept(inland)).toBe(0);
  });

  it('takes up to two pixels of land between the patch and its outboard water as its blurred edge, not three', () => {
    // Two 10 × 3 px patches along the shore: one two rows in from the water (its edge's mixes), one
    // three rows in (a strip of apron between it and the water).
    const edge = (x: number, y: number) => x >= 2 && x < 12 && y >= 12 && y < 15;
    const apron = (x: number, y: number) => x >= 16 && x < 26 && y >= 13 && y < 16;
    const kept = keptOf(edge, apron);
    expect(kept(edge)).toBe(30);
    expect(kept(apron)).toBe(0);
  });
});

describe('mooredHullsCoarse on a hull against a stretch of quay built out as far as its beam', () => {
  // The same scene with the quay east of the hull built out to the hull's outboard side (concrete in
  // rows 17–19 from x 35 on): along the shore the hull's land runs on into that quay for 350 m to the
  // block's edge, past any hull's length, so the run test ends only a row of it; its west end steps
  // back 3 px to the quay face.
  const builtOut = (x: number, y: number) => x >= 35 && y >= 17 && y < 20;
  const withBuiltOut = () => {
    const { block, water } = scene();
    for (let y = 17; y < 20; y++) {
      for (let x = 35; x < W; x++) {
        const i = y * W + x;
        water[i] = 0;
        paint(block.bands, i, x, y, CONCRETE);
      }
    }
    return { block, water };
  };

  it('finds the whole hull by its step out of the quay line, and nothing on the built-out quay', () => {
    const { block, water } = withBuiltOut();
    const m = mooredHullsCoarse(block, water, block.valid, { gsdM: 10 });
    expect(count(m, inHull)).toBe(45);
    expect(count(m, (x, y) => !inHull(x, y))).toBe(0);
    expect(count(m, builtOut)).toBe(0);
    const inf = Number.POSITIVE_INFINITY;
    expect(count(mooredHullsCoarse(block, water, block.valid, { gsdM: 10, minFaceElongation: inf }), inHull)).toBe(15);
    expect(count(mooredHullsCoarse(block, water, block.valid, { gsdM: 10, minFaceStepPx: 4 }), inHull)).toBe(15);
  });
});

describe('quayFaceHulls', () => {
  // Water above row 20 (no hull in it), land below; the patch to judge is the hull's 15 × 3 px.
  const shore = (land: (x: number, y: number) => boolean) => {
    const water = new Uint8Array(W * H);
    const patch = new Uint8Array(W * H);
    for (let i = 0; i < W * H; i++) {
      const x = i % W;
      const y = (i / W) | 0;
      water[i] = y < 20 && !land(x, y) ? 1 : 0;
    }
    return { water, patch };
  };
  const found = (water: Uint8Array, patch: Uint8Array, f: (x: number, y: number) => boolean) => {
    for (let i = 0; i < W * H; i++) patch[i] = f(i % W, (i / W) | 0) ? 1 : 0;
    return count(quayFaceHulls(water, patch, new Uint8Array(W * H), W, H, { gsdM: 10 }), () => true);
  };

  it('takes a patch standing out of a straight quay face, not one flush with it', () => {
    const { water, patch } = shore(inHull);
    expect(found(water, patch, inHull)).toBe(45);
    // Rust-coloured paving in the quay's first three rows, no hull: the water line runs straight on.
    const { water: plain, patch: p2 } = shore(() => false);
    expect(found(plain, p2, (x, y) => x >= 20 && x < 35 && y >= 20 && y < 23)).toBe(0);
  });

  it('takes no patch between the quay face and land standing out farther, as at a pier root', () => {
    // East of the hull the land stands out 3 px beyond it (rows 14–19): the patch lies in the corner.
    const { water, patch } = shore((x, y) => inHull(x, y) || (x >= 35 && x < 50 && y >= 14));
    expect(found(water, patch, inHull)).toBe(0);
  });

  it("takes no patch on a pier head's end face, whose water line steps back farther than a beam", () => {
    // A 15 px wide pier out to row 4; the patch is its head's outer 3 rows: past either end the water
    // line runs back along the pier's sides, 10 px and more inboard (over maxBeamM's 6 px at 10 m).
    const pier = (x: number, y: number) => x >= 20 && x < 35 && y >= 4;
    const { water, patch } = shore(pier);
    expect(found(water, patch, (x, y) => pier(x, y) && y < 7)).toBe(0);
  });
});

describe('mooredHullsCoarse on a row of small craft moored bow-in abreast', () => {
  // The scene with five pale craft 1 × 7 px (10 × 70 m) side by side across the quay face, 2 px apart:
  // each pixel a quarter water, the pixel between two craft 60 % water, both of a colour notQuay takes
  // for a mix of the concrete with water, and land to the water mask (the row one 9 × 7 px tongue, too
  // blunt for a tooth); and a bump of quay concrete of the same size.
  const inRow = (x: number, y: number) => x >= 8 && x <= 16 && y >= 13 && y < 20;
  const inCraft = (x: number, y: number) => inRow(x, y) && x % 2 === 0;
  const inBump = (x: number, y: number) => x >= 39 && x <= 47 && y >= 13 && y < 20;
  const rowScene = () => {
    const { block, water } = scene();
    for (let y = 13; y < 20; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        if (!inRow(x, y) && !inBump(x, y)) continue;
        water[i] = 0;
        const hull = inCraft(x, y) ? 0.75 : 0.4;
        const colour = inBump(x, y) ? CONCRETE : CONCRETE.map((c, b) => hull * c + (1 - hull) * WATER[b]!);
        paint(block.bands, i, x, y, colour);
      }
    }
    return { block, water };
  };

  it('finds each craft by the NIR ridges along the row, not the water between them or the bump', () => {
    const { block, water } = rowScene();
    const m = mooredHullsCoarse(block, water, block.valid, { gsdM: 10 });
    for (let x = 8; x <= 16; x += 2) expect(count(m, (cx, cy) => cx === x && inCraft(cx, cy))).toBeGreaterThan(3);
    expect(count(m, (x, y) => inRow(x, y) && !inCraft(x, y))).toBe(0);
    expect(count(m, inBump)).toBe(0);
    const off = mooredHullsCoarse(block, water, block.valid, { gsdM: 10, maxRowLengthM: 0 });
    expect(count(off, inRow)).toBe(0);
  });
});

describe('profileRidges', () => {
  it('counts the maxima rising the given share of the mean above both neighbouring valleys', () => {
    expect(profileRidges([1, 2, 1, 2, 1, 2, 1], 0.3)).toBe(3);
    expect(profileRidges([1, 2, 1, 2, 1, 2, 1], 0.9)).toBe(0);
    // One hump, with a shallow dip on its top: one ridge.
    expect(profileRidges([1, 2, 3, 2.9, 3, 2, 1], 0.3)).toBe(1);
    expect(profileRidges([2, 2, 2, 2], 0.1)).toBe(0);
  });

  it('counts a flat-topped ridge once, and none where the mean is not positive', () => {
    expect(profileRidges([1, 3, 3, 1, 3, 3, 1, 3, 3, 1], 0.3)).toBe(3);
    expect(profileRidges([1, 3, 3, 3, 1], 0.3)).toBe(1);
    // A flat shoulder on a slope is no ridge.
    expect(profileRidges([1, 3, 2, 2, 1], 0.01)).toBe(1);
    expect(profileRidges([-1, 1, -1, 1, -1, 1, -1], 0.3)).toBe(0);
    expect(profileRidges([1, 2, 1, Number.NaN, 1, 2, 1], 0.3)).toBe(0);
  });
});

describe('patchesReadAsLand', () => {
  it('waives the NDWI test for a patch mostly of row or shelf pixels, not for one a stray such pixel joins', () => {
    // Three patches of four pixels, each reading as water (NDWI 0.5 > −0.13); patch 1 has one waived
    // pixel, patch 2 three, patch 3 none but reads as land (NDWI −0.5).
    const labels = Int32Array.from([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    const waived = Uint8Array.from([1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0]);
    const green = Float32Array.from(labels, (k) => (k === 3 ? 0.1 : 0.3));
    const nir = Float32Array.from(labels, (k) => (k === 3 ? 0.3 : 0.1));
    const hull = new Uint8Array(labels.length).fill(1);
    expect(Array.from(patchesReadAsLand(green, nir, hull, waived, labels, 3, -0.13))).toEqual([0, 0, 1, 1]);
  });
});

describe('profileValleys', () => {
  it('marks every bin of an interior minimum, a flat bottom whole, and no shoulder or edge', () => {
    expect(Array.from(profileValleys([3, 1, 1, 3]))).toEqual([0, 1, 1, 0]);
    expect(Array.from(profileValleys([3, 1, 3, 2, 2, 2, 3]))).toEqual([0, 1, 0, 1, 1, 1, 0]);
    expect(Array.from(profileValleys([3, 2, 2, 1, 3]))).toEqual([0, 0, 0, 1, 0]);
    expect(Array.from(profileValleys([3, 1, 1]))).toEqual([0, 0, 0]);
  });
});

describe('mooredHullsCoarse on a hull moored alongside a narrow pier', () => {
  // A concrete pier 3 px wide (x 30–32) running 16 px (160 m) out of the quay, its sides a pixel of
  // 10 % concrete the water mask takes for land; along its west side a hull 3 × 9 px (x 27–29, rows
  // 8–16), each pixel 45 % hull and 55 % water, with the water's 1 px blur beyond it. Pier and hull are
  // one tongue of land too long for a tooth, every pixel of it failing the NDWI test.
  const inDeck = (x: number, y: number) => x >= 30 && x <= 32 && y >= 4 && y < 20;
  const inHullAlong = (x: number, y: number) => x >= 27 && x <= 29 && y >= 8 && y <= 16;
  const mix = (share: number) => CONCRETE.map((c, b) => share * c + (1 - share) * WATER[b]!);
  const pierScene = (withHull: boolean) => {
    const { block, water } = scene();
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const hull = withHull && inHullAlong(x, y);
        const blur = y >= 4 && (x === 33 || (x === 29 && !hull) || (withHull && x === 26 && y >= 8 && y <= 16));
        // The default scene's other pier and hull are left out: this scene is the pier alone.
        const colour = inDeck(x, y) ? CONCRETE : hull ? mix(0.45) : blur ? mix(0.1) : WATER;
        water[i] = inDeck(x, y) || hull || blur ? 0 : 1;
        paint(block.bands, i, x, y, colour);
      }
    }
    return { block, water };
  };

  it('finds the hull by the NIR shelf beside the deck, and nothing on a bare pier', () => {
    const { block, water } = pierScene(true);
    const m = mooredHullsCoarse(block, water, block.valid, { gsdM: 10 });
    expect(count(m, inHullAlong)).toBeGreaterThan(20);
    // The hull tilts the tongue's axis a little off the grid: a few deck pixels fall in the shelf's bins.
    expect(count(m, inDeck)).toBeLessThanOrEqual(3);
    const off = mooredHullsCoarse(block, water, block.valid, { gsdM: 10, maxPierLengthM: 0 });
    expect(count(off, inHullAlong)).toBe(0);
    const bare = pierScene(false);
    expect(count(mooredHullsCoarse(bare.block, bare.water, bare.block.valid, { gsdM: 10 }), () => true)).toBe(0);
  });
});

describe('pierShelf', () => {
  it('takes a run of bins between the water blur and the deck, with water on both sides', () => {
    // Water blur, a hull 3 px, the deck, a 1 px blur: the hull's bins.
    expect(Array.from(pierShelf([0.1, 0.4, 0.5, 0.45, 1, 0.9, 0.3, 0.1], 3, 0.25, 0.65))).toEqual([
      0, 1, 1, 1, 0, 0, 0, 0,
    ]);
    // The deck's blur alone, two bins: no shelf.
    expect(Array.from(pierShelf([0.1, 0.3, 0.5, 1, 0.5, 0.1], 3, 0.25, 0.65)).some((v) => v)).toBe(false);
    // Land at an edge (no water on that side): not a pier.
    expect(Array.from(pierShelf([0.4, 0.4, 0.5, 0.45, 1, 0.1], 3, 0.25, 0.65)).some((v) => v)).toBe(false);
  });
});

describe('mooredHullsCoarse on a hull alongside a straight quay, merged with it', () => {
  // The scene's hull (x 20–34, rows 17–19) as a 10 m pixel sees one alongside a concrete quay: each
  // pixel a concrete/water mix (30 %, 50 %, 70 % from the water in), so its colour is the quay's blur
  // to notQuay and its NDWI a mix's; its NIR ramps up from the water over two pixels before the quay's
  // edge, where the bare quay rises within one (its edge row a half-and-half mix).
  const mix = (share: number) => CONCRETE.map((c, b) => share * c + (1 - share) * WATER[b]!);
  const alongside = (ramp: (x: number) => boolean) => {
    const { block, water } = scene();
    for (let y = 17; y < 20; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        if (!ramp(x)) continue;
        water[i] = 0;
        paint(block.bands, i, x, y, mix(0.3 + 0.2 * (y - 17)));
      }
    }
    return { block, water };
  };
  const inRamp = (x: number, y: number) => x >= 20 && x < 35 && y >= 17 && y < 19;

  it('finds the hull by the NIR ramp bulging out of the quay line', () => {
    const { block, water } = alongside((x) => x >= 20 && x < 35);
    const m = mooredHullsCoarse(block, water, block.valid, { gsdM: 10 });
    expect(count(m, inRamp)).toBeGreaterThanOrEqual(20);
    // Read diagonally at the hull's ends, the ramp reaches into the quay's edge row: a pixel or two there.
    expect(count(m, (x, y) => !inHull(x, y))).toBeLessThanOrEqual(4);
    const inf = Number.POSITIVE_INFINITY;
    expect(count(mooredHullsCoarse(block, water, block.valid, { gsdM: 10, minQuayShelfPx: inf }), () => true)).toBe(0);
  });

  it('reads NIR profiles only at the pixel sizes their pixel limits were measured at (8–12 m)', () => {
    const { block, water } = alongside((x) => x >= 20 && x < 35);
    // No length cap, so that only the pixel-size gate can reject the 15 px ramp (225 m at 15 m).
    const shelves = (gsdM: number) => {
      const tongues = landTongues(water, block.valid, W, H, { gsdM });
      const teeth = quayTeeth(water, block.valid, W, H, { gsdM }, tongues);
      const opts = { gsdM, maxQuayShelfLengthM: Number.POSITIVE_INFINITY };
      return count(nirProfileHulls(block.bands[3]!, water, block.valid, W, H, tongues, teeth, opts), () => true);
    };
    expect(shelves(10)).toBeGreaterThanOrEqual(20);
    // At 5 m the same 2 px ramp is 10 m, a bare quay's blur, and the 15 px hull 75 m long.
    expect(shelves(5)).toBe(0);
    expect(shelves(15)).toBe(0);
  });

  it('takes no ramp set in the quay line (a slipway, a dim apron), where the water line does not bulge', () => {
    // The same ramp in the quay's first three rows (20–22) under the hull's stretch, no hull beyond.
    const { block, water } = scene();
    for (let y = 17; y < 23; y++) {
      for (let x = 20; x < 35; x++) {
        const i = y * W + x;
        water[i] = y < 20 ? 1 : 0;
        paint(block.bands, i, x, y, y < 20 ? WATER : mix(0.3 + 0.2 * (y - 20)));
      }
    }
    expect(count(mooredHullsCoarse(block, water, block.valid, { gsdM: 10 }), () => true)).toBe(0);
    // The ramps are there; the water line past the ends, level with the one along them, rejects them.
    const nir = block.bands[3]!;
    const slip = (x: number, y: number) => x >= 20 && x < 35 && y >= 20 && y < 23;
    expect(count(shoreProfiles(nir, water, block.valid, W, H, {}).ramps, slip)).toBeGreaterThanOrEqual(30);
    expect(count(quayShelfHulls(nir, water, block.valid, W, H, { gsdM: 10 }), () => true)).toBe(0);
    const level = quayShelfHulls(nir, water, block.valid, W, H, { gsdM: 10, minQuayBulgePx: -1 });
    expect(count(level, slip)).toBeGreaterThanOrEqual(30);
  });
});

describe('shoreProfiles: ramps on an oblique shore', () => {
  // A straight shore through the middle of a 60 × 60 block, its normal `deg` from the y axis; inboard
  // of the water a hull-like ramp of 30 %, 50 % and 70 % of the quay edge's NIR (a pixel each across
  // the shore), the edge, then the deck a little dimmer.
  const S = 60;
  // A hull's 3 px ramp of mixes up to the quay's edge (d: pixels inboard of the shore).
  const hullRamp = (d: number) => (d < 3 ? 0.3 * (0.3 + 0.2 * Math.floor(d)) : d < 4 ? 0.3 : 0.25);
  // Per shore angle: the share of the ramp's pixels marked, and how many pixels are marked in all.
  const oblique = (deg: number, land = hullRamp) => {
    const a = (deg * Math.PI) / 180;
    const nir = new Float32Array(S * S);
    const water = new Uint8Array(S * S);
    const inRamp = new Uint8Array(S * S);
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const i = y * S + x;
        const d = (x - S / 2) * Math.sin(a) + (y - S / 2) * Math.cos(a);
        water[i] = d < 0 ? 1 : 0;
        inRamp[i] = d >= 0 && d < 3 ? 1 : 0;
        nir[i] = d < 0 ? 0.02 : land(d);
      }
    }
    const { ramps } = shoreProfiles(nir, water, new Uint8Array(S * S).fill(1), S, S, {});
    // Away from the block's edges, where the shore's normal is read over a clipped window.
    let marked = 0;
    let total = 0;
    let all = 0;
    for (let y = 8; y < S - 8; y++) {
      for (let x = 8; x < S - 8; x++) {
        total += inRamp[y * S + x]!;
        marked += ramps[y * S + x]! & inRamp[y * S + x]!;
        all += ramps[y * S + x]!;
      }
    }
    return { share: marked / total, all };
  };

  it('reads the ramp whichever way the shore runs, each pixel once', () => {
    expect(oblique(0).share).toBe(1);
    // At 45° the profile read by rounding x + k·normal held each diagonal pixel twice; the repeat read
    // as the quay's edge one sample in, and no ramp was found.
    expect(oblique(45).share).toBeGreaterThan(0.9);
    expect(oblique(30).share).toBeGreaterThan(0.85);
  });

  it('reads no ramp at a bare quay edge blurred over one pixel, along the grid or diagonally', () => {
    const bare = (d: number) => (d < 1 ? 0.16 : d < 2 ? 0.3 : 0.25);
    expect(oblique(0, bare).all).toBe(0);
    expect(oblique(45, bare).all).toBe(0);
  });
});

describe('mooredHullsCoarse on a hull alongside a quay, brighter than the quay', () => {
  // A white hull (x 20–34, rows 17–19) against the concrete quay, brighter than it in NIR: its first
  // row a half-and-half mix with the water, then two rows of hull, then the quay. Its NDWI (−0.09) is
  // too wet for the NDWI test, and to the ramp reading it is the quay's edge behind a pixel of blur.
  const WHITE = [0.4, 0.42, 0.42, 0.5];
  const half = WHITE.map((c, b) => (c + WATER[b]!) / 2);
  const brightHull = (rim: boolean) => {
    const { block, water } = scene();
    for (let y = 17; y < 22; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        if (rim) {
          // No hull: the quay's edge row a mix, then a 1 px lit rim along the whole quay.
          if (y === 21) paint(block.bands, i, x, y, WHITE);
          if (y < 20 && inHull(x, y)) {
            water[i] = 1;
            paint(block.bands, i, x, y, WATER);
          }
          continue;
        }
        if (x < 20 || x >= 35 || y >= 20) continue;
        water[i] = 0;
        paint(block.bands, i, x, y, y === 17 ? half : WHITE);
      }
    }
    return { block, water };
  };
  const onHull = (x: number, y: number) => x >= 20 && x < 35 && y >= 17 && y < 20;

  it('finds the hull by the NIR ridge bulging out of the quay line', () => {
    const { block, water } = brightHull(false);
    const m = mooredHullsCoarse(block, water, block.valid, { gsdM: 10 });
    expect(count(m, onHull)).toBeGreaterThanOrEqual(30);
    expect(count(m, (x, y) => !onHull(x, y))).toBeLessThanOrEqual(4);
    // The ridges read apart from the ramps find it (a white hull has no ramp to join).
    const apart = mooredHullsCoarse(block, water, block.valid, {
      gsdM: 10,
      minQuayJointBulgePx: Number.POSITIVE_INFINITY,
    });
    expect(count(apart, onHull)).toBeGreaterThanOrEqual(30);
    // Without the ridge reading the hull is lost (its NDWI is a mix's).
    const off = mooredHullsCoarse(block, water, block.valid, { gsdM: 10, maxQuayRidgeBackNir: 0 });
    expect(count(off, () => true)).toBe(0);
  });

  it("reads a ridge only two pixels or more across, not a bare quay's lit rim", () => {
    const { block, water } = brightHull(true);
    const { ramps, ridges } = shoreProfiles(block.bands[3]!, water, block.valid, W, H, {});
    // Along the quay face (the pier's root, whose walks cross the rim at a slant, aside).
    const face = (x: number) => x < 45;
    expect(count(ridges, face)).toBe(0);
    expect(count(ramps, face)).toBe(0);
    expect(count(mooredHullsCoarse(block, water, block.valid, { gsdM: 10 }), () => true)).toBe(0);
  });
});

describe('mooredHullsCoarse on a hull alongside a quay, part dimmer and part brighter than the quay', () => {
  // A 14 px hull (x 20–33, rows 17–19): its west half a ramp of concrete/water mixes (30 %, 50 %, 70 %),
  // its east half white, brighter than the quay, its first row a mix. Each half alone is 7 px, under
  // the shortest shelf (10 px); read together they make one hull.
  const WHITE = [0.4, 0.42, 0.42, 0.5];
  const mix = (share: number, c: readonly number[]) => c.map((v, b) => share * v + (1 - share) * WATER[b]!);
  // `nearEast`: the quay's face east of the hull (to past the water line's reach, x 34–47) a row
  // further out, so the hull stands out of the quay's line by 3 px past its west end, 2 px past its east.
  const twoTone = (nearEast = false) => {
    const { block, water } = scene();
    for (let y = 17; y < 20; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        if (x < 20 || x >= 34) {
          if (inHull(x, y)) {
            water[i] = 1;
            paint(block.bands, i, x, y, WATER);
          }
          continue;
        }
        water[i] = 0;
        const colour = x < 27 ? mix(0.3 + 0.2 * (y - 17), CONCRETE) : y === 17 ? mix(0.5, WHITE) : WHITE;
        paint(block.bands, i, x, y, colour);
      }
    }
    if (nearEast)
      for (let y = 19; y < 21; y++)
        for (let x = 34; x < 48; x++) {
          const i = y * W + x;
          water[i] = 0;
          paint(block.bands, i, x, y, y === 19 ? CONCRETE.map((c, b) => (c + WATER[b]!) / 2) : CONCRETE);
        }
    return { block, water };
  };
  const onHull = (x: number, y: number) => x >= 20 && x < 34 && y >= 17 && y < 20;

  it('finds the hull by its ramp and ridge read together, each too short alone', () => {
    const { block, water } = twoTone();
    const m = mooredHullsCoarse(block, water, block.valid, { gsdM: 10 });
    expect(count(m, onHull)).toBeGreaterThanOrEqual(25);
    expect(count(m, (x, y) => !onHull(x, y))).toBeLessThanOrEqual(4);
    const apart = { gsdM: 10, minQuayJointBulgePx: Number.POSITIVE_INFINITY };
    expect(count(mooredHullsCoarse(block, water, block.valid, apart), () => true)).toBe(0);
  });

  it('takes the two read together only where they stand out past an end by the joint bulge', () => {
    const { block, water } = twoTone();
    // The hull stands 3 px out of the quay line: a joint bulge of 4 px rejects it.
    const strict = { gsdM: 10, minQuayJointBulgePx: 4 };
    expect(count(mooredHullsCoarse(block, water, block.valid, strict), () => true)).toBe(0);
  });

  it('takes the two read together where they stand out by the joint bulge past one end only', () => {
    const { block, water } = twoTone(true);
    const m = mooredHullsCoarse(block, water, block.valid, { gsdM: 10 });
    expect(count(m, onHull)).toBeGreaterThanOrEqual(25);
    expect(count(m, (x, y) => !onHull(x, y))).toBeLessThanOrEqual(4);
  });
});

describe('ridgeEnd', () => {
  it('ends a ridge where the profile falls halfway to the quay behind it, if that is low and the ridge wide', () => {
    // Blur, hull 2 px (its top at bin 1), the quay at 0.6 of the top: the ridge runs to bin 2.
    expect(ridgeEnd([0.5, 1, 0.95, 0.6, 0.6, 0.6], 1, 0.7, 2)).toBe(2);
    // The quay behind at 0.8 of the top: a lit quay edge, not a hull.
    expect(ridgeEnd([0.5, 1, 0.95, 0.8, 0.8, 0.8], 1, 0.7, 2)).toBe(-1);
    // One bin at or over halfway: a rim, not a beam.
    expect(ridgeEnd([0.3, 1, 0.6, 0.6, 0.6], 1, 0.7, 2)).toBe(-1);
    // Off (no level allowed).
    expect(ridgeEnd([0.5, 1, 0.95, 0.6, 0.6, 0.6], 1, 0, 2)).toBe(-1);
  });
});
