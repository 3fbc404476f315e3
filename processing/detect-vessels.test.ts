import { describe, expect, it } from 'vitest';
import {
  alongAcross,
  boxOf,
  deblurredLength,
  detectVessels,
  extent,
  fadingRaft,
  sideProfile,
} from './detect-vessels.ts';
import { type Hull, inside, renderPort } from './synthetic-port.ts';
import type { Block } from './types.ts';
import { waterMask } from './water.ts';

const W = 320;
const H = 220;
const ones = () => new Uint8Array(W * H).fill(1);
const ship = (cx: number, cy: number, length: number, width: number, angle = 0, tone = 0.7): Hull => ({
  cx,
  cy,
  length,
  width,
  angle,
  tone,
});

/** A hull along x whose bow (its +x end) is rounded (or `pointed`) over its last fifth, as a ship's is. */
const bowed = (cx: number, cy: number, length: number, width: number, tone: number, pointed = false) => ({
  cx,
  cy,
  length,
  width,
  tone,
  pointed,
});

/** Paints `bowed` hulls over the scene (`renderPort` paints rectangles only). */
const paintHulls =
  (hulls: ReturnType<typeof bowed>[]) =>
  (x: number, y: number, value: number): number => {
    for (const h of hulls) {
      const t = (x - h.cx + h.length / 2) / h.length;
      if (t < 0 || t > 1) continue;
      const k = t > 0.8 ? (t - 0.8) / 0.2 : 0;
      if (Math.abs(y - h.cy) <= (h.width / 2) * (h.pointed ? 1 - k : Math.sqrt(1 - k * k))) return h.tone;
    }
    return value;
  };

function detect(block: Block, others: Block[] = [], minVesselLengthM = 20) {
  return detectOn(block, waterMask(block, { others, gsdM: 1 }), minVesselLengthM);
}

/** Detection at 1 m over the whole block, on the water mask given. */
function detectOn(block: Block, water: Uint8Array, minVesselLengthM = 20) {
  return detectVessels({ block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM });
}

describe('detectVessels', () => {
  it('finds each ship on open water and ignores boats shorter than the minimum', async () => {
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(80, 100, 90, 16, 0.3), ship(220, 90, 60, 10, -0.8), ship(200, 180, 120, 20, 0), ship(60, 180, 8, 3)],
    });
    const found = detect(block);
    expect(found).toHaveLength(3);
    const big = found.reduce((a, b) => (a.length > b.length ? a : b));
    expect(big.length).toBeGreaterThan(110);
    expect(big.length).toBeLessThan(130);
    expect(big.width).toBeGreaterThan(16);
    expect(big.width).toBeLessThan(24);
    expect(Math.abs(Math.sin(big.angle))).toBeLessThan(0.05);
  });

  it('counts two vessels moored side by side', async () => {
    // Two 100 m hulls rafted hull to hull, no water between them.
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(160, 110, 100, 16, 0.4), ship(160 - 17 * Math.sin(0.4), 110 + 17 * Math.cos(0.4), 100, 16, 0.4)],
    });
    expect(detect(block)).toHaveLength(2);
  });

  it('counts a short hull rafted alongside part of a long one', async () => {
    // A 45 m hull against the middle of a 150 m one, no water or seam between them: the pair's
    // moments box is barely wider than the long hull, so only its side's step shows the second hull.
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(160, 100, 150, 20, 0, 0.7), ship(150, 115, 45, 9, 0, 0.7)],
    });
    const water = waterMask(block, { gsdM: 1 });
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    const found = detectVessels(input);
    expect(found).toHaveLength(2);
    expect(found.some((b) => b.length < 60 && b.cy > 110)).toBe(true);
    expect(detectVessels(input, { splitsAlongside: false })).toHaveLength(1);
  });

  it('counts a short hull rafted alongside a long one whose outer edge fades into the water', async () => {
    // A 45 × 8 m hull against the middle of a 150 m one, its outer 2 m near water's colour (a dark
    // hull's edges blend with the water): it stands out only 5 px from the long hull's side, under a
    // minimum beam (338068: a 40 × 8 m dark hull alongside a 184 m ship, lost on its date).
    const raft = ship(150, 113, 45, 6, 0, 0.7);
    const fade = ship(150, 117, 45, 2, 0, 0.14);
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(160, 100, 150, 20, 0, 0.7), raft, fade],
    });
    const found = detect(block);
    expect(found).toHaveLength(2);
    expect(found.some((b) => inside(raft, b.cx, b.cy) && b.length > 35)).toBe(true);
  });

  it('does not cut a strip along a ship’s quay side, standing out under a beam, as a hull rafted there', async () => {
    // A 150 × 20 m ship moored 6 m off the quay, a 40 × 5 m lit strip between its side and the quay
    // face (the quay's fringe, 999089): it stands out as a faded hull's side would, but against land.
    const moored = ship(160, 47, 150, 20, 0, 0.7);
    const fringe = ship(150, 34.5, 40, 5, 0, 0.7);
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [moored, fringe] });
    const found = detect(block);
    expect(found).toHaveLength(1);
  });

  it('does not cut a strip standing out under a beam beside a dark hull (its shade, which no sun test tells)', async () => {
    // A dark 150 × 14 m hull with a dark 35 × 5 m strip along its side (886063: a deckhouse's shade
    // on the water beside a grey hull): beside a lit hull the sun test would tell shade from a hull.
    const hull = ship(160, 100, 150, 14, 0, 0.03);
    const strip = ship(150, 109.5, 35, 5, 0, 0.03);
    const found = detect(await renderPort({ width: W, height: H, quayRow: 30, hulls: [hull, strip] }));
    expect(found).toHaveLength(1);
  });

  it('reads a fading cut as a raft only where each part of the rest fills its box as a hull does', () => {
    // 645854 pier-1: a 65 × 11 m hull trailing a 1 px line 110 m long in line; the trail pulls the
    // side's line off the hull, whose own side then stands out under a beam and is cut off. The part
    // left in line, the hull's rear joined to the trail, is hollow: no hull. Without the trail, the
    // same three parts are a hull with a partner alongside and one moored in line.
    const width = W;
    const rect = (x0: number, y0: number, w: number, h: number) => {
      const px: number[] = [];
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) px.push(y * width + x);
      return px;
    };
    const water = new Uint8Array(W * H).fill(1);
    const dark = new Uint8Array(W * H);
    const along = rect(105, 10, 7, 37);
    const bump = rect(100, 16, 5, 31);
    const rear = rect(102, 47, 10, 28);
    expect(fadingRaft([along, rear, bump], width, 6, water, dark)).toBe(true);
    expect(fadingRaft([along, rear.concat(rect(111, 75, 1, 110)), bump], width, 6, water, dark)).toBe(false);
  });

  /** A 150 × 20 m hull moored off the quay with `raft` against it. */
  const besideLongHull = (raft: ReturnType<typeof ship>) =>
    renderPort({ width: W, height: H, quayRow: 30, hulls: [ship(160, 100, 150, 20, 0, 0.7), raft] });

  it('counts a short hull rafted against one end of a long one, which tilts the pair’s axis', async () => {
    // A 58 m hull along the first 40 % of a 150 m one: read along the pair's moments axis, tilted
    // towards it, only part of its side stands out a beam from the side's median line.
    const raft = ship(120, 114.5, 58, 8, 0, 0.7);
    const found = detect(await besideLongHull(raft));
    expect(found).toHaveLength(2);
    const short = found.find((b) => b.length < 100)!;
    expect(inside(raft, short.cx, short.cy)).toBe(true);
    expect(short.length).toBeGreaterThan(50);
  });

  it('keeps a hull split off alongside a long one whose box, widened by the raft, covers its centre', async () => {
    const raft = ship(125, 115.5, 58, 10, 0, 0.7);
    const found = detect(await besideLongHull(raft));
    expect(found).toHaveLength(2);
    expect(found.some((b) => inside(raft, b.cx, b.cy))).toBe(true);
  });

  it('counts a short hull rafted along more than half of a longer one, outside its moments’ reach', async () => {
    // A 55 × 8 m hull along the first 60 % of a 95 × 13 m one (154862's dark rafted hull outside a
    // lit one): measured from the side's median line the raft is the side, and the pair's moments
    // box (96 × 18 m) is no fatter than one hull. Beyond the raft the long hull's side runs straight.
    const long = ship(160, 110, 95, 13, 0, 0.7);
    const raft = ship(140, 120.5, 55, 8, 0, 0.7);
    const found = detect(await renderPort({ width: W, height: H, quayRow: 30, hulls: [long, raft] }));
    expect(found).toHaveLength(2);
    const short = found.find((b) => inside(raft, b.cx, b.cy) && !inside(long, b.cx, b.cy));
    expect(short?.length).toBeGreaterThan(45);
  });

  it('counts a short hull rafted against one end of a long one whose far side recedes along it', async () => {
    // 271411 pier-2: a 52 × 10 m hull outboard along the first 45 % of a 115 × 18 m one, whose other
    // (quay) side is lost 4 m deep from 25 m to 62 m (the water mask cuts it back there). Read along
    // the far side's line, the far side's middle third lies 4 px off the line through its ends, by the
    // raft's stretch; beside that stretch it runs straight.
    const long = ship(160, 110, 115, 18, 0, 0.7);
    const raft = ship(129.5, 124, 52, 10, 0, 0.7);
    const cutBack = ship(146, 101, 37, 8, 0, 0.12);
    const found = detect(await renderPort({ width: W, height: H, quayRow: 30, hulls: [long, raft, cutBack] }));
    expect(found).toHaveLength(2);
    expect(found.some((b) => inside(raft, b.cx, b.cy) && !inside(long, b.cx, b.cy))).toBe(true);
  });

  it('does not cut a hull lengthwise where the water mask takes part of it for the quay', async () => {
    // 886063 east-quay: a 130 × 19 m hull moored against the quay, the quay-side half of its last
    // 90 m (10 m deep) taken for land by the water mask. Its first 40 m, full beam on the water,
    // stand out from the side left along the mask's edge as a raft would (3 found without the test):
    // beside that stretch the side is land's.
    const moored = ship(160, 41, 130, 19, 0, 0.7);
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [moored] });
    const water = waterMask(block, { gsdM: 1 });
    for (let y = 0; y < 42; y++) for (let x = 135; x < W; x++) water[y * W + x] = 0;
    const found = detectOn(block, water);
    expect(found).toHaveLength(1);
    expect(inside(moored, found[0]!.cx, found[0]!.cy)).toBe(true);
  });

  it('does not cut a hull lengthwise beside a lit line trailing from it along its side', async () => {
    // 465523 pier-1: a 74 × 13 m hull trailing a 1 px lit line (here 110 m long) in line with its side (a
    // quay face's fringe). The line is the side's median line beside the hull, so the hull's stretch
    // stands out from it a beam as a raft would and was cut into two 7 m strips. Read from the other
    // side, the whole hull stands out and the cut leaves only the line: that cut is kept.
    const hull = ship(220, 100, 74, 13);
    const line = ship(128, 94, 110, 1);
    const found = detect(await renderPort({ width: W, height: H, quayRow: 30, hulls: [hull, line] }));
    expect(found).toHaveLength(1);
    expect(inside(hull, found[0]!.cx, found[0]!.cy)).toBe(true);
    expect(found[0]!.length).toBeLessThan(90);
  });

  it('does not split a wider ship in line with a narrower one as a hull alongside (stepOut)', async () => {
    // A 40 × 22 m ship bow to stern with a 100 × 10 m one, on one axis: along the wide one both sides
    // stand out 6 m from the narrow one's, as a raft's outer side would on one side only. Read beside
    // that stretch (bendBeside) the far side runs straight; along it, it stands out over half a beam
    // (3 found without the stepOut test).
    const narrow = ship(110, 110, 100, 10);
    const wide = ship(180, 110, 40, 22);
    const found = detect(await renderPort({ width: W, height: H, quayRow: 30, hulls: [narrow, wide] }));
    expect(found).toHaveLength(2);
    expect(found.some((b) => inside(wide, b.cx, b.cy))).toBe(true);
  });

  it('does not cut a hull lengthwise along a dent in its side near one end', async () => {
    // A 95 × 20 m hull whose side is dented 6 m deep for 26 m, 6 m from its bow (506327): along the
    // rest of the hull the side stands out from the dent's line as a raft would, but it stands out
    // again beyond the dent, at the bow.
    const long = ship(160, 110, 95, 20, 0, 0.7);
    const dent = ship(131.5, 118, 26, 8, 0, 0.12);
    const found = detect(await renderPort({ width: W, height: H, quayRow: 30, hulls: [long, dent] }));
    expect(found).toHaveLength(1);
  });

  it('does not split a hull whose sides run straight', async () => {
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [ship(160, 110, 150, 20, 0.2, 0.7)] });
    expect(detect(block)).toHaveLength(1);
  });

  it('takes a stub cut off the side of a rafted hull, centred within its box, for a piece of it', async () => {
    // Two 90 × 15 m hulls rafted at a seam; on the outer one's side a 23 × 7 m bulge (a deckhouse or
    // crane's foot overhanging, 3.3 beams: no hull's shape) is cut off with the raft. Its centre lies
    // within the hull's padded box; split from the same raft it used to pass as a hull of its own
    // (seed 271411: two such false:split).
    const hulls = [
      ship(160, 100, 90, 15, 0, 0.7),
      ship(160, 115, 90, 15, 0, 0.75),
      { ...ship(160, 107.5, 90, 1), tone: 0.3 },
      ship(160, 125, 23, 7, 0, 0.8),
    ];
    const found = detect(await renderPort({ width: W, height: H, quayRow: 30, hulls }));
    expect(found).toHaveLength(2);
    expect(found.every((b) => b.length > 80)).toBe(true);
  });

  it('cuts a raft of two staggered hulls along their sides, not along the pair’s tilted moments axis (sidesAxis)', async () => {
    // 700755 pier-2: a dark 106 × 17 m hull rafted outboard of a lit one whose blob is 95 m long, the
    // outer one reaching 23 m beyond its end. The pair's moments axis leans 6° towards the diagonal;
    // cut along it, both hulls were sliced askew and the slices split again (four found).
    const inner = ship(160, 100, 95, 22, 0, 0.7);
    const outer = ship(142.5, 119.5, 106, 17, 0, 0.3);
    const found = detect(await renderPort({ width: W, height: H, quayRow: 30, hulls: [inner, outer] }));
    expect(found).toHaveLength(2);
    expect(found.some((b) => inside(outer, b.cx, b.cy) && !inside(inner, b.cx, b.cy))).toBe(true);
    for (const b of found) expect(Math.abs(Math.sin(b.angle))).toBeLessThan(Math.sin((4 * Math.PI) / 180));
  });

  it('reads a blob under two shortest hulls long along its moments axis, not its narrowest (sidesAxis’ length gate)', async () => {
    // A 36 × 8 m hull with a 3 m fringe along one side, half as bright (its shade side, a fender
    // line), reaching 4 m past one end: a 38 × 12 m blob, 1.9 typical beams abreast, under two
    // shortest hulls (40 m) long. Its narrowest reading across follows the fringe's stagger, and cut
    // along it the fringe came off as a 38 × 4 m hull of its own (two found, without the gate); read
    // along its moments axis it stays one hull.
    const hull = ship(160, 110, 36, 8, 0, 0.7);
    const fringe = ship(164, 115.5, 36, 3, 0, 0.4);
    const found = detect(await renderPort({ width: W, height: H, quayRow: 30, hulls: [hull, fringe] }));
    expect(found).toHaveLength(1);
    expect(found[0]!.length).toBeGreaterThan(34);
    expect(found[0]!.width).toBeLessThan(12);
  });

  it('splits three rafted hulls at the darker seams between them', async () => {
    const hulls = [0, 1, 2].map((k) => ship(160, 90 + 15 * k, 110, 14, 0, 0.6 + 0.05 * k));
    const seams = [0, 1].map((k) => ({ ...ship(160, 97.5 + 15 * k, 110, 1), tone: 0.3 }));
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [...hulls, ...seams] });
    expect(detect(block)).toHaveLength(3);
  });

  it('splits two short hulls rafted at a seam, though their joint box reads as three typical beams', async () => {
    // Two 36 × 8 m hulls (4.5 beams long, stubbier than the typical 6) rafted at a darker seam:
    // together 36 × 16.5 m, 2.75 typical beams abreast, which rounds to three hulls, cut only at
    // seams a third of the way across, where there are none.
    const hulls = [ship(160, 110, 36, 8, 0, 0.7), ship(160, 118.5, 36, 8, 0, 0.65)];
    const seam = { ...ship(160, 114.25, 36, 1), tone: 0.3 };
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [...hulls, seam] });
    const found = detect(block);
    expect(found).toHaveLength(2);
    expect(found.every((b) => b.length > 30 && b.width < 12)).toBe(true);
  });

  it('splits two short hulls rafted abreast with no seam where their decks differ (deckStep)', async () => {
    // Two 36 × 8 m hulls touching, decks 0.7 and 0.4 on water at 0.12, no darker line between them:
    // together 36 × 16 m, 2.7 typical beams abreast (read as three, cut only at seams), and the
    // contrast profile across them steps from one deck's level to the other's without dipping
    // (387845: a dark and a lit 40 m hull rafted at a quay, counted as one on two dates).
    const hulls = [ship(160, 110, 36, 8, 0, 0.7), ship(160, 118, 36, 8, 0, 0.4)];
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls });
    const found = detect(block);
    expect(found).toHaveLength(2);
    expect(found.every((b) => b.length > 30 && b.width < 10)).toBe(true);
  });

  it('splits two hulls over a tug’s length rafted abreast with no seam, though their joint box reads as three typical beams (stubbyPair)', async () => {
    // Two 40 × 9 m hulls touching, decks alike, no darker line between them: together 40 × 18 m,
    // 2.6 typical beams abreast (read as three, cut only at seams), 2.3 widths long: no hull over
    // 38 m is that stubby (999089, 338068, 465523: such pairs counted as one).
    const hulls = [ship(160, 110, 40, 9, 0, 0.7), ship(160, 119, 40, 9, 0, 0.7)];
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls });
    const found = detect(block);
    expect(found).toHaveLength(2);
    expect(found.every((b) => b.length > 35 && b.width < 12)).toBe(true);
  });

  it('splits two hulls over a tug’s length rafted abreast though a one-pixel line trails from them (linePieces)', async () => {
    // The pair above with a 1 px line running 90 m on from one hull's side (a quay face's shaded
    // edge): the line stretches the blob's moments box to about 86 × 18 m, under 1.3 typical beams
    // abreast, so the raft was left whole (338068: two 40 × 8 m hulls counted as one).
    const hulls = [ship(160, 110, 40, 9, 0, 0.7), ship(160, 119, 40, 9, 0, 0.7)];
    const line = ship(225, 123, 90, 1, 0, 0.7);
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [...hulls, line] });
    const found = detect(block);
    expect(found).toHaveLength(2);
    for (const h of hulls) expect(found.some((b) => Math.abs(b.cy - h.cy) < 3 && b.width < 12)).toBe(true);
  });

  it('splits a raft on a one-pixel line that runs on to a hull in line, and counts that hull (linePieces)', async () => {
    // Two 40 × 9 m hulls abreast, 30 m of 1 px line along the quay side to a 40 × 10 m hull in line,
    // and 60 m more beyond it: one blob, its box about 140 × 16 m (338068 06-13 pier-1: such a chain
    // read as one 134 × 14 m detection, three hulls lost).
    const hulls = [ship(100, 110, 40, 9), ship(100, 119, 40, 9), ship(170, 118, 40, 10)];
    const lines = [ship(135, 123, 30, 1), ship(220, 123, 60, 1)];
    const found = detect(await renderPort({ width: W, height: H, quayRow: 30, hulls: [...hulls, ...lines] }));
    expect(found).toHaveLength(3);
    expect(found.filter((b) => Math.abs(b.cx - 100) < 4 && b.width < 13)).toHaveLength(2);
    expect(found.filter((b) => Math.abs(b.cx - 170) < 4)).toHaveLength(1);
  });

  it('splits two short hulls rafted abreast, decks unlike, cut in line from a ship beyond them (stubbyPair)', async () => {
    // A 100 × 17 m ship and, in line beyond its end, two 40 × 9 m hulls abreast (decks 0.7 and
    // 0.4, no seam; 2.7 typical beams abreast), joined to it by a 4 m strip along one side: the blob
    // is cut in line first, and a stubby piece cut in line was never cut abreast, as a hull's stern
    // would not be. Over a tug's length and stepping between two decks, it is two hulls (338068:
    // such a pair counted as one on two dates).
    const ship1 = ship(70, 55, 100, 17, 0, 0.6);
    const pair = [ship(147, 51, 40, 9, 0, 0.7), ship(147, 60, 40, 9, 0, 0.4)];
    const strip = { ...ship(123.5, 62, 7, 4), tone: 0.3 };
    const found = detect(await renderPort({ width: W, height: H, quayRow: 42, hulls: [ship1, ...pair, strip] }));
    expect(found).toHaveLength(3);
    expect(found.filter((b) => b.cx > 125 && b.width < 12)).toHaveLength(2);
  });

  it('splits two hulls rafted abreast with no seam where each hull’s bow shows at the blob’s end and their decks differ (endsApartAt, twoDecks)', async () => {
    // Two 150 × 20 m hulls touching, no darker line between them, bows rounded over their last
    // fifth and 4 m apart: together 150 × 40 m, 1.6 typical beams abreast, which only a visible
    // seam cuts (999089: two container ships of 146 and 142 m read as one 140 × 38 m blob). The
    // blob's end is two bows with a notch between them, and the decks are two levels (0.7, 0.58).
    const hulls = [bowed(158, 100, 150, 20, 0.7), bowed(162, 120, 150, 20, 0.58)];
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [], paint: paintHulls(hulls) });
    const found = detect(block);
    expect(found).toHaveLength(2);
    expect(found.every((b) => b.length > 130 && b.width < 26)).toBe(true);
  });

  it('keeps a hull with a faint fringe along one side whole though its ends show two ends (twoDecks)', async () => {
    // One 150 × 26 m hull and a 10 m fringe of half-lit water along it, shaped like it and 10 m
    // ahead (a shade or wake read askew): 1.44 typical beams abreast, and cut off the fringe, each
    // part's bow recedes towards the cut as two hulls' do. The fringe is no deck: a fifth of the
    // hull's contrast over the water (700755: a 97 m hull at anchor cut into two).
    const hulls = [bowed(160, 100, 150, 26, 0.7), bowed(170, 118, 150, 10, 0.22)];
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [], paint: paintHulls(hulls) });
    expect(detect(block)).toHaveLength(1);
  });

  it('keeps one fat hull whole: its bow’s tip lies on its centre line (endsApartAt)', async () => {
    // One 150 × 36 m hull, its bow pointed over its last fifth: 1.4 typical beams abreast, as fat as
    // the pair above. Cut off its centre line, the part holding the tip recedes towards the cut as a
    // hull's bow does, but the other part rises towards it: no two hulls' ends.
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [],
      paint: paintHulls([bowed(160, 110, 150, 36, 0.7, true)]),
    });
    expect(detect(block)).toHaveLength(1);
  });

  it('keeps a stubby hull of one deck whole: its profile does not step (deckStep)', async () => {
    // One 36 × 16 m hull, as stubby as the raft above, one deck tone: level across its beam.
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [ship(160, 114, 36, 16, 0, 0.55)] });
    expect(detect(block)).toHaveLength(1);
  });

  it('keeps two hulls rafted abreast beyond a narrower ship in line, though the cut leaves one a strip', async () => {
    // A 63 × 11 m ship and, 8 m beyond its end across deck-coloured water that does not read as open,
    // two 41 × 8 m hulls abreast (decks 0.8 and 0.62): the raft's cut falls off-centre into the
    // dimmer hull, leaving it a strip under a beam wide, yet the raft is half as wide again as the
    // ship: two hulls, not the ship's end cut lengthwise (154862: both lost so).
    const hulls = [ship(130, 100, 63, 11, 0, 0.62), ship(190, 96, 41, 8, 0, 0.8), ship(190, 104, 41, 8, 0, 0.62)];
    const gap = { ...ship(165.5, 100, 8, 16), tone: 0.135 };
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls, shadows: [gap] });
    const found = detect(block);
    expect(found).toHaveLength(3);
    expect(found.filter((b) => b.cx > 170)).toHaveLength(2);
  });

  it('does not cut a seamless piece three beams fat into strips (deckhouses across a raft whose decks blend with water)', async () => {
    // Two 120 m × 22 m hulls rafted, decks at water's tone; only their deckhouses, 20 m long and side
    // by side, stand out: a 44 m × 20 m band across the raft with no seam in it.
    const decks = [ship(160, 110, 120, 22, 0, 0.13), ship(160, 132, 120, 22, 0, 0.13)];
    const houses = [ship(210, 110, 20, 22, 0, 0.8), ship(210, 132, 20, 22, 0, 0.8)];
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [...decks, ...houses] });
    expect(detect(block).length).toBeLessThanOrEqual(2);
  });

  it('counts ships moored bow to stern along a quay with shadow between them', async () => {
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(70, 45, 90, 14), ship(170, 45, 100, 16), ship(260, 45, 70, 12)],
      // Each hull shades the water beside and beyond it, bridging the gaps between the ships.
      shadows: [{ ...ship(165, 56, 290, 12), tone: 0.05 }],
    });
    const now = block;
    const empty = await renderPort({ width: W, height: H, quayRow: 30, hulls: [], seed: 9 });
    const found = detect(now, [empty, empty]);
    if (found.length !== 3)
      console.log(found.map((b) => [b.cx, b.cy, b.length, b.width].map((v) => v.toFixed(1)).join(' ')));
    expect(found).toHaveLength(3);
  });

  it('with the sun known, splits ships moored bow to stern that their shade, off water’s hue, joins', async () => {
    // Path radiance tints water but not its shade, so the shade passes as a dark deck (darker in
    // every band, not water's hue). Sun in the north-east at 45°: each hull's shade falls south-west
    // up to 14 m (its height), the second one's across the gap onto the first.
    const hulls = [ship(100, 110, 90, 14), ship(202, 110, 100, 16)];
    const sun = { azimuthDeg: 45, elevationDeg: 45 };
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls, noise: 0.006 });
    const tint = [0.07, 0.05, 0.045];
    const shaded = (x: number, y: number) =>
      hulls.some((h) =>
        Array.from({ length: 15 }, (_, t) => t).some((t) => inside(h, x + t * Math.SQRT1_2, y - t * Math.SQRT1_2)),
      );
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (!shaded(x, y) || hulls.some((h) => inside(h, x, y))) continue;
        for (let b = 0; b < 3; b++) block.bands[b]![y * W + x] = tint[b]!;
      }
    }
    const water = waterMask(block, { gsdM: 1 });
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    // Without the sun the shade passes as deck: a box reaches over it (today the joint blob is cut
    // between the ships by `splitInLine` and the shade along the first stands as a third detection).
    expect(detectVessels(input).some((b) => b.cy >= 114)).toBe(true);
    const found = detectVessels({ ...input, sun });
    expect(found).toHaveLength(2);
    expect(found.every((b) => b.cy < 114 && b.length < 110)).toBe(true);
  });

  it('with the sun known, keeps a hull whole whose dark hatches lit deck walls in', async () => {
    const hull = ship(160, 110, 150, 24);
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [hull], noise: 0.006 });
    // Five dark hatch covers along the deck, 3 px of lit deck around each.
    const tint = [0.07, 0.05, 0.045];
    for (let k = 0; k < 5; k++) {
      const hatch = ship(100 + 30 * k, 110, 24, 18);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          if (inside(hatch, x, y)) for (let b = 0; b < 3; b++) block.bands[b]![y * W + x] = tint[b]!;
        }
      }
    }
    const water = waterMask(block, { gsdM: 1 });
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    expect(detectVessels({ ...input, sun: { azimuthDeg: 0, elevationDeg: 45 } })).toHaveLength(1);
  });

  // The dark deck east of each lit part lies within the hull's shadow reach, as its shade would: it is
  // hull since dark deck out of any shadow's reach lies beyond it along the sun's line (h-vessels7;
  // before, the hull was cut in two, 94 m + 46 m).
  it('with the sun known, keeps a dark-decked hull whole that its lit deckhouse and hatch covers seem to shade', async () => {
    // A dark deck (off water's hue, as shade tinted by path radiance is) with a lit deckhouse across
    // the beam at the stern and lit hatch covers along the middle; the sun in the west.
    const hull = ship(160, 110, 150, 24);
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [hull], noise: 0.006 });
    const deck = [0.07, 0.05, 0.045];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const lit = x < 100 || (Math.abs(y - 110) < 6 && (x - 110) % 24 < 16 && x >= 110 && x < 225);
        if (inside(hull, x, y) && !lit) for (let b = 0; b < 3; b++) block.bands[b]![y * W + x] = deck[b]!;
      }
    }
    const water = waterMask(block, { gsdM: 1 });
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    const found = detectVessels({ ...input, sun: { azimuthDeg: 270, elevationDeg: 45 } });
    expect(found).toHaveLength(1);
    expect(found[0]!.length).toBeGreaterThan(130);
  });

  // The shade test takes the dark deck along the side away from the sun for the covers' shade, and
  // with it the seams joined to it: the hull thins to nothing at each seam, on water, as between two
  // ships (before, it was cut at the seams, 31 + 66 + 20 m).
  it('with the sun known, keeps a hull whole whose lit hatch covers stand between 2 m seams of dark deck', async () => {
    // A 150 × 22 m hull on open water, askew; lit hatch covers (off water's hue) across the beam but
    // for 3 m of dark deck along the side away from the sun, 2 m of dark deck between each two.
    const [cx, cy, angle] = [160, 110, 0.5];
    const hull = ship(cx, cy, 150, 22, angle);
    const block = await renderPort({ width: W, height: H, quayRow: 20, hulls: [hull], noise: 0.006 });
    const [deck, cover] = [
      [0.07, 0.05, 0.045],
      [0.7, 0.5, 0.45],
    ];
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (!inside(hull, x, y)) continue;
        const u = (x - cx) * c + (y - cy) * s + 75;
        const v = -(x - cx) * s + (y - cy) * c;
        const lit = u > 8 && u < 142 && u % 22 >= 2 && v < 8;
        for (let b = 0; b < 3; b++) block.bands[b]![y * W + x] = (lit ? cover : deck)[b]!;
      }
    }
    const water = waterMask(block, { gsdM: 1 });
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    const found = detectVessels({ ...input, sun: { azimuthDeg: 0, elevationDeg: 45 } });
    expect(found).toHaveLength(1);
    expect(found[0]!.length).toBeGreaterThan(125);
  });

  it('with the sun known, keeps a dark hull lying off a lit one deeper than the lit hull’s shade reaches', async () => {
    // A dark hull 4 px off a lit 110 m hull's shaded side, sun in the north at 60°: the lit hull's
    // shade reaches 27.5 m × 0.58 ≈ 16 px south. The dark hull's centre lies within that sweep; a 20 px
    // beam's far side does not (a hull), an 8 px strip's does: of water's colour dimmed, it is shade as
    // far as a shadow can tell; redder than the water (its blue under half its red), a deck of its own.
    const lit = ship(160, 100, 110, 18);
    const found = async (beam: number, deck = [0.01, 0.005, 0.004]) => {
      const darkHull = ship(160, 109 + beam / 2 + 4, 100, beam);
      const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [lit, darkHull], noise: 0.006 });
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          if (inside(darkHull, x, y)) for (let b = 0; b < 3; b++) block.bands[b]![y * W + x] = deck[b]!;
        }
      }
      const water = waterMask(block, { gsdM: 1 });
      const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
      return detectVessels({ ...input, sun: { azimuthDeg: 0, elevationDeg: 60 } });
    };
    expect(await found(20)).toHaveLength(2);
    expect(await found(20, [0.012, 0.012, 0.013])).toHaveLength(2);
    expect(await found(8, [0.012, 0.012, 0.013])).toHaveLength(1);
    expect(await found(8)).toHaveLength(2);
  });

  it('with the sun known, does not cut a dark hull’s own shade off it as a hull rafted alongside (shadeAbreast)', async () => {
    // A dark-red 70 × 10 m hull at anchor with four lit hatch covers, its shade to the south: 2 px of
    // water's hue (taken out as shade, so a seam) and 7 px off it (path radiance tints water, not its
    // shade), which passes as dark deck. The blob's shade test keeps the strip (the covers can cast
    // only a third of the dark region it shares with the deck), and the blob, 19 px across, is cut at
    // the seam (999089: a 69 × 10 m dark hull and a 47 × 7 m strip of its shade counted as two).
    const hull = ship(160, 110, 70, 10, 0);
    const seam = ship(160, 116, 70, 2, 0);
    const strip = ship(160, 120.5, 70, 7, 0);
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [], noise: 0.006 });
    const paint = (h: Hull, rgb: number[]) => {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          if (inside(h, x, y)) for (let b = 0; b < 3; b++) block.bands[b]![y * W + x] = rgb[b]!;
        }
      }
    };
    paint(hull, [0.05, 0.02, 0.02]);
    for (const x of [138, 150, 162, 174]) paint(ship(x, 110, 6, 4, 0), [0.3, 0.3, 0.3]);
    paint(seam, [0.06, 0.06, 0.065]);
    paint(strip, [0.07, 0.05, 0.045]);
    const water = waterMask(block, { gsdM: 1 });
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    // Sun in the north at 45°: the strip lies where the hull's shade falls, within its reach.
    const north = detectVessels({ ...input, sun: { azimuthDeg: 0, elevationDeg: 45 } });
    expect(north).toHaveLength(1);
    expect(north[0]!.cy).toBeLessThan(114);
    // Sun in the south: the hull's shade falls north, so the dark strip south of it is a hull rafted there.
    expect(detectVessels({ ...input, sun: { azimuthDeg: 180, elevationDeg: 45 } })).toHaveLength(2);
  });

  it('cuts two ships in line joined by a strip along the quay, the blob too slender for one hull', async () => {
    // A 93 m and a 117 m hull, 16 m apart, joined by a 5 m strip along their quay side (the quay
    // face's shade or edge): the joint blob, 226 m × 17 m, is longer than any hull of that beam, and
    // thins to under two fifths of it between them, though not to a quarter.
    const hulls = [ship(60, 60, 93, 16, 0, 0.6), ship(181, 60, 117, 16, 0, 0.7)];
    const strip = { ...ship(114.5, 54.5, 18, 5), tone: 0.3 };
    const found = detect(await renderPort({ width: W, height: H, quayRow: 43, hulls: [...hulls, strip] }));
    expect(found).toHaveLength(2);
    for (const h of hulls)
      expect(found.some((b) => Math.abs(b.cx - h.cx) < 4 && Math.abs(b.length - h.length) < 6)).toBe(true);
  });

  it('cuts a blob bow to stern only where water thins it, not where the water mask lost a deck', async () => {
    // A hull's 8 px waist is water but for a 2 px strip along one side (a mooring line, a fender):
    // two ships in line. The same waist read as land is a deck the water mask missed: one ship.
    const waist = { ...ship(160, 109, 8, 8), tone: 0.12 };
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(160, 110, 120, 10), waist],
      noise: 0.006,
    });
    const water = waterMask(block, { gsdM: 1 });
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    expect(detectVessels(input)).toHaveLength(2);
    const deck = Uint8Array.from(water, (v, i) => (inside(waist, i % W, Math.floor(i / W)) ? 0 : v));
    expect(detectVessels({ ...input, water: deck })).toHaveLength(1);
  });

  it('cuts bow to stern across water between the hulls’ ends, though the quay lies beside the narrower one', async () => {
    // A narrow hull along a quay face, a wide one in line with it where the quay steps back, a 5 px gap
    // of water between them bridged by a mooring line. Across the wide hull's breadth the gap is more
    // quay than water; across the ends that face each other it is all water.
    const line = ship(162.5, 101, 7, 1);
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(110, 103, 100, 6), ship(225, 112, 120, 24), line],
      noise: 0.006,
    });
    const quay = (x: number, y: number) => (y >= 107 && x < 165) || y >= 125;
    const water = Uint8Array.from(waterMask(block, { gsdM: 1 }), (v, i) => (quay(i % W, Math.floor(i / W)) ? 0 : v));
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    expect(detectVessels(input)).toHaveLength(2);
  });

  it('does not count a ship’s shadow as a ship', async () => {
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(160, 120, 100, 16)],
      shadows: [{ ...ship(164, 131, 100, 10), tone: 0.02 }],
      noise: 0.008,
    });
    expect(detect(block)).toHaveLength(1);
  });

  it('does not count a ship’s shadow cut off from it by a seam of water', async () => {
    // A strip of shade as long as the hull, 2 px of lit water from its side: a blob of its own.
    const shadow = { ...ship(160, 136, 96, 10), tone: 0.02 };
    const spec = {
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(160, 120, 100, 16)],
      shadows: [shadow],
      noise: 0.006,
    };
    const block = await renderPort(spec);
    const found = detect(block);
    expect(found).toHaveLength(1);
    expect(found[0]!.cy).toBeLessThan(128);
    // The same dark strip away from any hull is a dark hull.
    const alone = await renderPort({ ...spec, hulls: [ship(160, 60, 100, 16)] });
    expect(detect(alone)).toHaveLength(2);
  });

  it('with the sun known, a dark part within a hull’s shadow reach away from the sun is shadow, sunward it is a hull', async () => {
    // A crane's or superstructure's shade, askew to the hull and cut off from it by lit water: the shape
    // alone cannot tell it from a dark hull.
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(160, 120, 100, 16)],
      shadows: [{ ...ship(165, 150, 44, 12, 0.5), tone: 0.02 }],
      noise: 0.006,
    });
    const water = waterMask(block, { gsdM: 1 });
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    expect(detectVessels(input)).toHaveLength(2);
    // Sun in the north at 45°: shadows fall south (down the image), a metre per metre of height.
    const south = detectVessels({ ...input, sun: { azimuthDeg: 0, elevationDeg: 45 } });
    expect(south).toHaveLength(1);
    expect(south[0]!.cy).toBeLessThan(128);
    // Sun in the south: the hull's shadow falls north, so the dark part south of it is a hull.
    expect(detectVessels({ ...input, sun: { azimuthDeg: 180, elevationDeg: 45 } })).toHaveLength(2);
    // A low sun in the north casts far, but not past the hull's height: the same part 150 px away is a hull.
    const far = await renderPort({
      width: W,
      height: H + 100,
      quayRow: 30,
      hulls: [ship(160, 80, 100, 16)],
      shadows: [{ ...ship(165, 250, 44, 12, 0.5), tone: 0.02 }],
      noise: 0.006,
    });
    const n = W * (H + 100);
    const farInput = {
      block: far,
      zone: new Uint8Array(n).fill(1),
      water: waterMask(far, { gsdM: 1 }),
      valid: new Uint8Array(n).fill(1),
      gsdM: { x: 1, y: 1 },
      minVesselLengthM: 20,
    };
    expect(detectVessels({ ...farInput, sun: { azimuthDeg: 0, elevationDeg: 30 } })).toHaveLength(2);
  });

  it('with the sun known, keeps a dark hull whose colour leans away from blue within a lit hull’s shade reach', async () => {
    // A 100 × 16 m black hull 2 m off a lit 120 m one's side away from a low sun (312134 pier-1: a
    // 112 m black hull rafted on a lit 139 m one's shaded side, lost on two December dates). A
    // neutral dark part there may be the lit hull's shade, dimmed water; one redder than the water
    // (its blue half its red) is a deck of its own colour.
    const black = ship(160, 131, 100, 16, 0, 0.03);
    const found = async (blueShare: number) => {
      const block = await renderPort({
        width: W,
        height: H,
        quayRow: 30,
        hulls: [ship(160, 110, 120, 18), black],
        noise: 0.006,
      });
      const [red, , blue] = block.bands;
      for (let i = 0; i < W * H; i++) if (inside(black, i % W, Math.floor(i / W))) blue![i] = red![i]! * blueShare;
      const water = waterMask(block, { gsdM: 1 });
      const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
      return detectVessels({ ...input, sun: { azimuthDeg: 0, elevationDeg: 30 } });
    };
    expect(await found(1)).toHaveLength(1);
    const kept = await found(0.5);
    expect(kept).toHaveLength(2);
    expect(kept.some((b) => inside(black, b.cx, b.cy))).toBe(true);
  });

  it('does not count scattered pieces joined by thin lines as a hull spanning them (the moments box of a sparse part)', async () => {
    // Two 12 m flecks joined by 2 m lines that turn a corner (312134 pier-2: a shade fringe along a
    // hull and a fleck at the pier's root, left when the hull was cut out, read as a 354 × 49 m hull):
    // their moments spread a box across open water that the pieces fill a few per cent of.
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 20,
      hulls: [ship(60, 70, 12, 12), ship(140, 70, 160, 2), ship(220, 115, 2, 90), ship(220, 160, 12, 12)],
    });
    expect(detect(block)).toHaveLength(0);
  });

  it('finds a dark hull on water at fine resolution', async () => {
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(160, 120, 80, 14, 0.5, 0.01)],
      noise: 0.006,
    });
    expect(detect(block)).toHaveLength(1);
  });

  it('counts a hull whose hatches stand out only a little more than the deck seams between them', async () => {
    // Deck under 3 σ off water, hatch covers about 6 σ, each shorter than a minimum hull: in the
    // contrast the hull is pieces parted by 3 m seams of deck.
    const deck = ship(160, 120, 100, 12, 0, 0.1475);
    const hatches = [-38, -19, 0, 19, 38].map((u) => ship(160 + u, 120, 16, 8, 0, 0.18));
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [deck, ...hatches] });
    const water = waterMask(block, { gsdM: 1 });
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    const found = detectVessels(input);
    expect(found).toHaveLength(1);
    expect(found[0]!.length).toBeGreaterThan(80);
    // Without the seams bridged, the pieces that pass count as two or more ships.
    expect(detectVessels(input, { deckSeamM: 0 }).length).toBeGreaterThan(1);
  });

  it('does not count a patchy dark patch on water (a shadow on ripples), but keeps a solid dark hull', async () => {
    // A ship-sized patch where ~40 % of the pixels are dark, scattered: wave facets in a hull's shadow.
    const patch = ship(120, 130, 80, 14, 0.2);
    const hash = (x: number, y: number) => {
      const h = Math.sin(x * 12.9898 + y * 78.233) * 43758.5453;
      return h - Math.floor(h);
    };
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(250, 150, 70, 12, -0.3, 0.01)],
      paint: (x, y, v) => (inside(patch, x, y) && hash(x, y) < 0.4 ? 0.01 : v),
      noise: 0.006,
    });
    const water = waterMask(block, { gsdM: 1 });
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    const found = detectVessels(input);
    expect(found).toHaveLength(1);
    expect(found[0]!.cx).toBeGreaterThan(200);
    // Without the fill test the patch is a second "dark hull".
    expect(detectVessels(input, { minDarkFill: 0 })).toHaveLength(2);
  });

  it('counts a ship moored against the quay when other dates show the berth empty', async () => {
    const moored = ship(150, 40, 110, 18, 0);
    const scene = (hulls: Hull[], seed: number) => renderPort({ width: W, height: H, quayRow: 30, hulls, seed });
    const now = await scene([moored], 1);
    const others = [await scene([], 2), await scene([], 3)];
    const found = detect(now, others);
    expect(found).toHaveLength(1);
    expect(found[0]!.cy).toBeGreaterThan(30);
  });

  it('counts a ship moored against the quay on a single date (the water mask alone calls it quay)', async () => {
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [ship(150, 40, 110, 18, 0)], seed: 1 });
    const alone = (berths: boolean) =>
      detectVessels({
        block,
        zone: ones(),
        water: waterMask(block, { gsdM: 1, berths }),
        valid: ones(),
        gsdM: { x: 1, y: 1 },
        minVesselLengthM: 20,
      });
    expect(alone(false)).toHaveLength(0);
    const found = alone(true);
    expect(found).toHaveLength(1);
    expect(found[0]!.length).toBeGreaterThan(90);
  });

  it('does not count a patch of quay that the water mask took for a moored hull (walled in by land)', async () => {
    // A bright roof on the quay, away from its edge, and a hull moored against the quay face.
    const roof = ship(90, 30, 60, 14, 0, 0.85);
    const block = await renderPort({ width: W, height: H, quayRow: 60, hulls: [roof, ship(220, 70, 100, 18, 0)] });
    // As if the berth rule had called the roof water too (it steps in colour from the quay, as a hull does).
    const water = waterMask(block, { gsdM: 1 });
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) if (inside({ ...roof, length: 64, width: 18 }, x, y)) water[y * W + x] = 1;
    }
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    const found = detectVessels(input);
    expect(found).toHaveLength(1);
    expect(found[0]!.cx).toBeGreaterThan(150);
    expect(detectVessels(input, { minOpenContact: 0 }).length).toBeGreaterThan(1);
  });

  it('counts a hull whose only water is its own shade (moored in a slip, or a raft between ships in line)', async () => {
    const hull = ship(160, 69, 80, 16, 0, 0.7);
    const shade = { ...ship(160, 80, 84, 6), tone: 0.04 };
    const block = await renderPort({ width: W, height: H, quayRow: 60, hulls: [hull], shadows: [shade] });
    const water = waterMask(block, { gsdM: 1 });
    // Land at both ends of the berth (the slip's sides), as ships moored in line would be.
    for (let y = 60; y < 100; y++) for (let x = 0; x < W; x++) if (x < 120 || x > 200) water[y * W + x] = 0;
    const found = detectOn(block, water);
    expect(found).toHaveLength(1);
    expect(inside(hull, found[0]!.cx, found[0]!.cy)).toBe(true);
  });

  it('counts the inner hull of a raft at a quay between ships in line, though it touches no open water', async () => {
    // Two 100 m × 14 m hulls rafted against the quay, a darker seam between them, in a berth closed
    // at both ends (as ships moored in line close it): only the outer hull's side touches water.
    const inner = ship(160, 68, 100, 14, 0, 0.7);
    const outer = ship(160, 83, 100, 14, 0, 0.65);
    const seam = { ...ship(160, 75.5, 100, 1), tone: 0.3 };
    const block = await renderPort({ width: W, height: H, quayRow: 60, hulls: [inner, outer, seam] });
    // The berth's hulls taken for water, as the berth rule takes a moored hull.
    const water = waterMask(block, { gsdM: 1 });
    for (let y = 61; y < 110; y++) for (let x = 0; x < W; x++) water[y * W + x] = x >= 110 && x <= 210 ? 1 : 0;
    const found = detectOn(block, water);
    expect(found).toHaveLength(2);
    expect(found.some((b) => inside(inner, b.cx, b.cy))).toBe(true);
    expect(found.some((b) => inside(outer, b.cx, b.cy))).toBe(true);
  });

  it('does not count a bright line many times longer than wide (a wake, a lit edge) as a hull', async () => {
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(150, 115, 160, 8, 0.1, 0.6), ship(150, 170, 80, 12, 0.1)],
    });
    const water = waterMask(block, { gsdM: 1 });
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    const found = detectVessels(input);
    expect(found).toHaveLength(1);
    expect(found[0]!.cy).toBeGreaterThan(150);
    expect(detectVessels(input, { maxLengthToWidth: 1000 })).toHaveLength(2);
  });

  it('counts a dark hull joined in line to a one-pixel line along a quay face, many times its length (trimThinEnds)', async () => {
    // A 55 × 10 m dark hull whose side continues as a 1 px dark line for 170 m (a quay face's shaded
    // edge): the joint part is over 15 widths long, though the hull stands full beam in it.
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(90, 120, 55, 10, 0, 0.01), ship(203, 115.5, 170, 1, 0, 0.01)],
      noise: 0.006,
    });
    const found = detect(block);
    expect(found).toHaveLength(1);
    expect(found[0]!.length).toBeGreaterThan(45);
    expect(found[0]!.length).toBeLessThan(65);
    expect(Math.abs(found[0]!.cx - 90)).toBeLessThan(8);
  });

  it('does not count a line narrower than any beam and longer for its width than a hull (a boat with its wake’s start)', async () => {
    // 30 m × 3 m: under the 15 widths of a line, but no 30 m hull is 3 m in the beam. A slender 45 m
    // × 7 m hull beside it stays.
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(120, 120, 30, 3, 0.4, 0.75), ship(220, 150, 45, 7, -0.2, 0.7)],
    });
    const found = detect(block);
    expect(found).toHaveLength(1);
    expect(found[0]!.cx).toBeGreaterThan(180);
  });

  it('does not count a wake’s streak fringed by faint foam on both sides as a hull', async () => {
    // 36 m × 3 m of foam, and foam spreading 2 m beyond both its sides, too faint (2–3 σ over still
    // water) to grow the blob but brighter than water: the streak has little open water under 2 σ
    // along its sides (312134, 338068: boats' wakes 27–73 m × 2–5 m counted as vessels). A dark deck
    // beside a lit rail would be darker than water, and stays deck.
    const angle = 0.3;
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    const foam = (x: number, y: number, v: number) => {
      const u = (x - 150) * c + (y - 120) * s;
      const w = Math.abs(-(x - 150) * s + (y - 120) * c);
      return Math.abs(u) <= 20 && w <= 3.5 && v < 0.14 ? 0.128 : v;
    };
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(150, 120, 36, 3, angle, 0.3), ship(240, 170, 45, 7, -0.2, 0.7)],
      paint: foam,
      noise: 0.002,
    });
    const found = detect(block);
    expect(found).toHaveLength(1);
    expect(found[0]!.cx).toBeGreaterThan(200);
  });

  it('counts a slender hull whose faint rim is red, not foam, though it is not darker than water', async () => {
    // 312134 2025-05-14: a 50 × 8 m hull, deck 0.30/0.08/0.07, found as a 44 × 6 m part whose faint
    // rim (2–3 σ) is its red deck: brighter than water in red, darker in green and blue. Foam is white.
    const angle = 0.3;
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(150, 120, 36, 3, angle, 0.3)],
      noise: 0.002,
    });
    const [red, green, blue] = block.bands as [Float32Array, Float32Array, Float32Array];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const u = (x - 150) * c + (y - 120) * s;
        const w = Math.abs(-(x - 150) * s + (y - 120) * c);
        const i = y * W + x;
        if (Math.abs(u) > 20 || w > 3.5 || red[i]! >= 0.14) continue;
        red[i] = red[i]! + 4 / 255;
        green[i] = green[i]! - 1 / 255;
        blue[i] = blue[i]! - 1 / 255;
      }
    }
    const found = detect(block);
    expect(found).toHaveLength(1);
    expect(Math.abs(found[0]!.cx - 150)).toBeLessThan(8);
  });

  it('counts the hatch row of a dark hull rafted outside another as a hull, not a line on the water', async () => {
    // A 53 × 8 m hull, deck 0.10 (water 0.12: under 2 σ), lit rims, four 9 m hatch covers 5 m wide
    // with deck between them, rafted outside a 69 m hull. Only its rims and hatch row stand out: a
    // part under any beam wide and many widths long, whose dark deck between hatches makes it touch
    // open water along more than both its sides. Beyond it are its outer rim's water on one side and
    // the inner hull on the other, no open water both ways.
    const hulls = [ship(160, 91, 69, 10, 0, 0.3), ship(165, 100, 53, 8, 0, 0.17), ship(165, 100, 51, 6, 0, 0.1)];
    for (let k = 0; k < 4; k++) hulls.push(ship(147 + 11 * k, 100, 9, 5, 0, 0.5));
    const found = detect(await renderPort({ width: W, height: H, quayRow: 30, hulls }));
    expect(found).toHaveLength(2);
    expect(found.some((b) => inside(hulls[1]!, b.cx, b.cy) && !inside(hulls[0]!, b.cx, b.cy))).toBe(true);
  });

  it('counts a deckhouse beyond the cargo of a hull whose deck blends with water as part of that hull', async () => {
    // Deck (0.14) barely above water (0.12): only the cargo and the deckhouse stand out, 11 m apart.
    const deck = ship(160, 110, 150, 16, 0, 0.14);
    const cargo = ship(150, 110, 100, 12, 0, 0.6);
    const deckhouse = ship(222, 110, 22, 14, 0, 0.8);
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [deck, cargo, deckhouse] });
    const water = waterMask(block, { gsdM: 1 });
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    expect(detectVessels(input)).toHaveLength(1);
    expect(detectVessels(input, { openWaterZ: Number.POSITIVE_INFINITY })).toHaveLength(2);
    // With water between them, the bright block beyond the cargo is something else, still counted.
    const apart = await renderPort({ width: W, height: H, quayRow: 30, hulls: [cargo, deckhouse] });
    const apartWater = waterMask(apart, { gsdM: 1 });
    const found = detectVessels({ ...input, block: apart, water: apartWater });
    expect(found.some((b) => b.cx > 205)).toBe(true);
  });

  it('does not cut a hull lengthwise when the water mask cut it short (the rest of it taken for land)', async () => {
    // A 110 m × 16 m hull off a quay whose northern 65 m the water mask calls land: on water only a
    // 45 m × 16 m piece is left, fat enough for two hulls abreast by its proportions.
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [ship(160, 115, 110, 16, Math.PI / 2)] });
    const water = waterMask(block, { gsdM: 1 });
    for (let y = 0; y < 125; y++) for (let x = 151; x <= 169; x++) water[y * W + x] = 0;
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    expect(detectVessels(input)).toHaveLength(1);
    // The same piece with water beyond both ends is a raft by its proportions.
    const cut = await renderPort({ width: W, height: H, quayRow: 30, hulls: [ship(160, 147, 45, 16, Math.PI / 2)] });
    const cutWater = waterMask(cut, { gsdM: 1 });
    expect(detectVessels({ ...input, block: cut, water: cutWater }).length).toBeGreaterThan(1);
  });

  it('counts a deckhouse beyond the cargo as part of its hull when no water lies between them', async () => {
    // Deck (0.14) barely above water (0.12), a 22 m × 14 m deckhouse 1 or 2 m beyond the cargo, the
    // deck between them taken for land: no water between them, so no second ship.
    for (const gap of [1, 2]) {
      const deck = ship(160, 110, 150, 16, 0, 0.14);
      const cargo = ship(150, 110, 100, 12, 0, 0.6);
      const deckhouse = ship(211 + gap, 110, 22, 14, 0, 0.8);
      const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [deck, cargo, deckhouse] });
      const water = waterMask(block, { gsdM: 1 });
      for (let y = 95; y < 125; y++) for (let x = 200; x < 200 + gap; x++) water[y * W + x] = 0;
      const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
      expect(detectVessels(input)).toHaveLength(1);
    }
  });

  it('counts a fat piece cut off a hull’s end by deck that blends with water as part of that hull', async () => {
    // Deck (0.14) barely above water (0.12) joins a 100 m cargo to a 34 m × 16 m deckhouse block at
    // its end, fat enough to be cut lengthwise; with water between them, both stay.
    const deck = ship(160, 110, 160, 16, 0, 0.14);
    const cargo = ship(140, 110, 100, 16, 0, 0.6);
    const block = [ship(218, 106, 34, 8, 0, 0.8), ship(218, 114, 34, 8, 0, 0.75)];
    const seam = { ...ship(218, 110, 34, 1), tone: 0.3 };
    const joined = await renderPort({ width: W, height: H, quayRow: 30, hulls: [deck, cargo, ...block, seam] });
    const water = waterMask(joined, { gsdM: 1 });
    const input = { block: joined, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    expect(detectVessels(input)).toHaveLength(1);
    const apart = await renderPort({ width: W, height: H, quayRow: 30, hulls: [cargo, ...block, seam] });
    const apartWater = waterMask(apart, { gsdM: 1 });
    expect(detectVessels({ ...input, block: apart, water: apartWater }).length).toBeGreaterThan(1);
  });

  it('keeps two hulls rafted abreast moored bow to stern with a longer ship, though deck that blends with water joins them', async () => {
    // As above, but beyond the cargo's end lie two hulls of 60 m × 9 m abreast (6.7 beams long each),
    // not a deckhouse cut lengthwise in two.
    const deck = ship(170, 110, 180, 16, 0, 0.14);
    const cargo = ship(140, 110, 100, 16, 0, 0.6);
    const raft = [ship(227, 105, 60, 9, 0, 0.8), ship(227, 114, 60, 9, 0, 0.75)];
    const seam = { ...ship(227, 110, 60, 1), tone: 0.3 };
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [deck, cargo, ...raft, seam] });
    expect(detect(block)).toHaveLength(3);
  });

  it('keeps a raft beyond a longer ship’s end whose cut leaves one strip stubbier than a hull', async () => {
    // As above, but the raft's hulls are 56 m × 7 m and 56 m × 12 m (4.7 beams: a strip under five
    // beams long, as an off-centre cut leaves one); together, two hulls abreast (56 m × 19 m).
    const deck = ship(170, 110, 180, 16, 0, 0.14);
    const cargo = ship(140, 110, 100, 16, 0, 0.6);
    const raft = [ship(225, 104, 56, 7, 0, 0.8), ship(225, 114, 56, 12, 0, 0.75)];
    const seam = { ...ship(225, 107.5, 56, 1), tone: 0.3 };
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [deck, cargo, ...raft, seam] });
    expect(detect(block)).toHaveLength(3);
  });

  it('counts a stub and a strip cut lengthwise that reach alongside a hull piece’s end as that hull’s end (endOf overlap)', async () => {
    // A 60 m × 17 m lit piece whose end steps in on one side for 6 m; a 42 m × 5 m strip runs from
    // beside that step and a 32 m × 8 m stub beside it, a seam between them: pieces of one hull cut
    // by contrast, their joint box reaching into the piece's end. Moved 10 m off, with open water
    // between, they are a raft beyond a ship.
    const piece = (x0: number) => [ship(x0 - 30, 110, 60, 17, 0, 0.6), ship(x0 + 3, 113.5, 6, 10, 0, 0.6)];
    const raft = (x0: number) => [
      ship(x0 + 23, 104, 42, 5, 0, 0.8),
      ship(x0 + 26, 111.5, 32, 8, 0, 0.75),
      { ...ship(x0 + 26, 107, 32, 1), tone: 0.3 },
    ];
    const joined = await renderPort({ width: W, height: H, quayRow: 30, hulls: [...piece(156), ...raft(156)] });
    expect(detect(joined)).toHaveLength(1);
    const apart = await renderPort({ width: W, height: H, quayRow: 30, hulls: [...piece(146), ...raft(156)] });
    expect(detect(apart)).toHaveLength(3);
  });

  it('counts two fat seamless pieces of one hull in line, each cut lengthwise, as one hull', async () => {
    // A 93 m × 14 m hull whose deck (0.14) barely stands out from water (0.12) over 5 m between two
    // 44 m blocks: each block (1.9 beams abreast for its length) is cut lengthwise into two seamless
    // strips, and the same-raft exemption kept all four. In line, end to end and as wide as each
    // other, the two "rafts" are pieces of one hull. With a seam along each they are two rafts of two
    // hulls moored bow to stern.
    const deck = ship(146.5, 110, 95, 14, 0, 0.14);
    const ends = [ship(122, 110, 44, 14, 0, 0.7), ship(171, 110, 44, 14, 0, 0.65)];
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [deck, ...ends] });
    const found = detect(block);
    expect(found).toHaveLength(1);
    expect(found[0]!.width).toBeGreaterThan(12);
    const seams = ends.map((e) => ({ ...ship(e.cx, 110, 44, 1), tone: 0.3 }));
    const rafts = await renderPort({ width: W, height: H, quayRow: 30, hulls: [deck, ...ends, ...seams] });
    expect(detect(rafts)).toHaveLength(4);
  });

  it('counts the hulls of a raft moored bow to stern with a single ship that joins them in one blob', async () => {
    // A 60 m × 10 m ship end to end with two 65 m × 10 m hulls abreast (no water between): together
    // 125 m × 20 m, too slender to split abreast; the raft is the longer part, the ship's line too
    // slender for one hull. As short as 40 m, the raft is the shorter part.
    for (const raftM of [65, 40]) {
      const single = ship(105, 110, 60, 10, 0, 0.6);
      const raft = [ship(135 + raftM / 2, 110, raftM, 10, 0, 0.7), ship(135 + raftM / 2, 120, raftM, 10, 0, 0.65)];
      const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [single, ...raft] });
      const found = detect(block);
      expect(found).toHaveLength(3);
      for (const h of [single, ...raft]) expect(found.some((b) => Math.hypot(b.cx - h.cx, b.cy - h.cy) < 8)).toBe(true);
    }
  });

  it('does not count a stub in line with a raft, too stubby for a hull, as a ship moored bow to stern', async () => {
    // As above, but in line with the raft lies a 24 m × 10 m stub (2.4 beams: a pontoon, a deckhouse
    // and its shade) instead of a ship: the raft's line is still too slender for one hull, but the
    // stub is no hull of its own, only the raft's two hulls are.
    const stub = ship(123, 110, 24, 10, 0, 0.6);
    const raft = [ship(167.5, 110, 65, 10, 0, 0.7), ship(167.5, 120, 65, 10, 0, 0.65)];
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [stub, ...raft] });
    const found = detect(block);
    expect(found).toHaveLength(2);
    for (const h of raft) expect(found.some((b) => Math.abs(b.cy - h.cy) < 4 && b.length > 50)).toBe(true);
  });

  it('counts a sliver in line with a stern piece, deck that blends with water between them, as one hull', async () => {
    // A dark 36 m deck lined by a lit rail 2 m wide (a sliver no hull is as narrow as), then deck
    // (0.14) barely above water (0.12) for 4 m to a lit 28 m × 9 m stern piece: two pieces of one
    // hull, not two ships. With open water between the rail's hull and the stern piece, two.
    const stern = ship(182, 110, 28, 9, 0, 0.7);
    const darkDeck = ship(140, 112, 36, 8, 0, 0.03);
    const joined = [ship(160, 110, 80, 12, 0, 0.14), darkDeck, ship(143, 107, 42, 2, 0, 0.7), stern];
    const found = detect(await renderPort({ width: W, height: H, quayRow: 30, hulls: joined }));
    expect(found).toHaveLength(1);
    expect(found[0]!.length).toBeGreaterThan(70);
    const apart = [ship(141, 110, 42, 12, 0, 0.14), darkDeck, ship(141, 107, 38, 2, 0, 0.7), stern];
    expect(detect(await renderPort({ width: W, height: H, quayRow: 30, hulls: apart }))).toHaveLength(2);
  });

  it('counts two blunt pieces of one hull in line, deck that blends with water between them, as one hull', async () => {
    // A hull whose deck (0.14) barely stands out from water (0.12) between two lit blocks at its ends,
    // each too blunt for a hull (28 × 14 m and 22 × 14 m; 26 × 12 m twice), 12–16 m apart: one hull
    // cut short by contrast, not two ships. With open water between the blocks, two.
    for (const [a, b, beam, gap] of [
      [28, 22, 14, 12],
      [26, 26, 12, 16],
    ] as const) {
      const length = a + b + gap;
      const x0 = 160 - length / 2;
      const ends = [ship(x0 + a / 2, 110, a, beam, 0, 0.7), ship(x0 + a + gap + b / 2, 110, b, beam, 0, 0.65)];
      const deck = ship(160, 110, length, beam, 0, 0.14);
      const found = detect(await renderPort({ width: W, height: H, quayRow: 30, hulls: [deck, ...ends] }));
      expect(found).toHaveLength(1);
      expect(found[0]!.length).toBeGreaterThan(length - 6);
      expect(detect(await renderPort({ width: W, height: H, quayRow: 30, hulls: ends }))).toHaveLength(2);
    }
  });

  it('keeps a hull’s box within its pixels when only its deckhouse stands out (not over a hull beyond)', async () => {
    // A dark 100 m hull whose lit 14 m deckhouse aft alone stands out strongly: boxed about the
    // deckhouse, it reached 40 m past the stern over a 40 m hull moored 6 m beyond, which it covered.
    const deck = ship(110, 110, 100, 16, 0, 0.03);
    const deckhouse = ship(153, 110, 14, 14, 0, 0.9);
    const next = ship(186, 110, 40, 9, 0, 0.25);
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [deck, deckhouse, next] });
    const found = detect(block);
    expect(found).toHaveLength(2);
    expect(found.some((b) => Math.abs(b.cx - 186) < 8)).toBe(true);
  });

  it('does not count a boat under way with its wake trailing behind it as a hull', async () => {
    // A 12 m boat heading +x, its foam fading and spreading over 60 m behind its stern: one blob, whose
    // strong core is the boat alone.
    const boat = ship(200, 120, 12, 3, 0, 0.85);
    const wake = (x: number, y: number, v: number) => {
      const d = 194 - x;
      if (d < 0 || d > 70 || Math.abs(y - 120) > 1.5 + 0.06 * d) return v;
      return Math.max(v, 0.12 + 0.25 * Math.exp(-d / 30));
    };
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [boat], paint: wake });
    expect(detect(block)).toHaveLength(0);
    // A hull as long as the wake, lit at one end, is kept.
    const hull = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(165, 120, 70, 12, 0, 0.3), ship(194, 120, 12, 12, 0, 0.9)],
    });
    expect(detect(hull)).toHaveLength(1);
    // Nor is a hull a boat's wake when its strong core is a one-pixel line (a lit rail at its end).
    const railed = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [ship(165, 120, 42, 8, 0, 0.3), ship(181, 120, 8, 1, 0, 0.95)],
    });
    expect(detect(railed)).toHaveLength(1);
  });

  it('measures a dark hull whose strong core is only its lit rail by the hull, not by the rail', async () => {
    // 700755 2025-01-14 pier-1: a 112 × 18 m dark hull whose lit side (a 1 px rail along a quarter of
    // its length) alone passed the core's floor; the box was the rail's, 30 widths long, and dropped.
    const hull = ship(160, 120, 112, 18, 0, 0.3);
    const rail = ship(180, 111.5, 30, 1, 0, 0.95);
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [hull, rail] });
    const found = detect(block);
    expect(found).toHaveLength(1);
    expect(found[0]!.length).toBeGreaterThan(100);
  });

  it('counts a dark hull of a raft whose only strong part is a narrow lit strip at one end (not a boat leading a wake)', async () => {
    // 271411 2025-05-14: a dark 168 m hull rafted between a pier and a white hull, only the edge of its
    // lit deckhouse standing out (16 × 4 m at its end): taken for a boat and its wake, though a boat
    // under way trails its wake in open water and this part has the pier and the next hull beside it.
    const dark = ship(150, 71, 140, 18, 0, 0.25);
    const strip = ship(212, 71, 16, 4, 0, 0.95);
    const white = ship(150, 91, 140, 18, 0, 0.75);
    const seam = ship(150, 81, 140, 1, 0, 0.18);
    const block = await renderPort({ width: W, height: H, quayRow: 61, hulls: [dark, strip, white, seam] });
    const water = waterMask(block, { gsdM: 1 });
    // The raft taken for water, as the berth rule takes moored hulls.
    for (let y = 62; y < 100; y++) for (let x = 80; x <= 220; x++) water[y * W + x] = 1;
    const found = detectOn(block, water);
    expect(found).toHaveLength(2);
    expect(found.some((b) => inside(dark, b.cx, b.cy))).toBe(true);
    expect(found.some((b) => inside(white, b.cx, b.cy))).toBe(true);
  });

  it('does not count a boat under way whose wake trails behind it barely widening as a hull', async () => {
    // A 10 m boat heading +x, the turbulent core of its wake widening only from 4 to 9 m over the 60 m
    // behind its stern as it fades: one blob, no wider than a hull's beam for most of its length, whose
    // strong part (the boat and its wake's first metres) lies at one end, narrower than any hull. A
    // slender 45 m × 7 m hull beside it, lit evenly, stays.
    const boat = ship(200, 120, 10, 3, 0, 0.85);
    const wake = (x: number, y: number, v: number) => {
      const d = 195 - x;
      if (d < 0 || d > 60 || Math.abs(y - 120) > 2 + 0.04 * d) return v;
      return Math.max(v, 0.12 + 0.25 * Math.exp(-d / 25));
    };
    const block = await renderPort({
      width: W,
      height: H,
      quayRow: 30,
      hulls: [boat, ship(120, 170, 45, 7, -0.2, 0.7)],
      paint: wake,
    });
    const found = detect(block);
    expect(found).toHaveLength(1);
    expect(found[0]!.cy).toBeGreaterThan(150);
  });

  it('counts two slender strips side by side as one hull when together they have a hull’s proportions', async () => {
    // A hull cut lengthwise by a dark line (a container deck's rows, a seam): 120 m × 19 m together.
    const strips = [ship(160, 100, 120, 9, 0, 0.6), ship(160, 110, 120, 9, 0, 0.6)];
    const seam = { ...ship(160, 105, 120, 1), tone: 0.12 };
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [...strips, seam] });
    const water = waterMask(block, { gsdM: 1 });
    const input = { block, zone: ones(), water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 };
    const found = detectVessels(input);
    expect(found).toHaveLength(1);
    expect(found[0]!.width).toBeGreaterThan(16);
    expect(detectVessels(input, { minJointLengthToBeam: Number.POSITIVE_INFINITY })).toHaveLength(2);
  });

  it('keeps two hulls cut apart with no seam by their ends and two decks apart, each too slender for a hull alone', async () => {
    // A 112 × 13 m hull and a 96 × 11 m one of a dimmer deck alongside it, touching, no darker line
    // between: cut where the blob's ends show two hulls' ends and the profile two decks (`endsApartAt`,
    // `twoDecks`) into two parts each too slender for a whole hull, whose joint box has a hull's
    // proportions, as the strips of one hull cut lengthwise have. A cut so confirmed is two hulls, not
    // joined back (132971: a dark 59 m hull outboard of an 83 m one so joined, missed).
    const hulls = [bowed(160, 104, 112, 13, 0.7), bowed(160, 116, 96, 11, 0.58)];
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [], paint: paintHulls(hulls) });
    const found = detect(block).sort((p, q) => p.cy - q.cy);
    expect(found).toHaveLength(2);
    expect(found[0]!.length).toBeGreaterThan(103);
    expect(found[1]!.length).toBeLessThan(100);
    expect(found.every((b) => b.width < 15)).toBe(true);
  });

  it('splits a shorter hull rafted abreast of a longer one, decks alike and no seam, by their lengths (lengthStepAt)', async () => {
    // A 72 × 9 m hull and a 46 × 7 m one alongside it, touching, decks of one tone, bows flush: one
    // 67 × 15 m blob, 1.3 typical beams abreast, with no seam, no second deck and one pair of ends
    // flush, was left whole (338068: a 44 m hull abreast a 69 m one, decks alike in contrast, counted
    // as one on four dates). Across it, the blob is about 45 px long over one beam and 70 over the other.
    const hulls = [bowed(160, 110, 72, 9, 0.7), bowed(173, 118, 46, 7, 0.7)];
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [], paint: paintHulls(hulls) });
    const found = detect(block).sort((p, q) => p.cy - q.cy);
    expect(found).toHaveLength(2);
    expect(found[0]!.length).toBeGreaterThan(62);
    expect(found[1]!.length).toBeLessThan(56);
    expect(found.every((b) => b.width < 12)).toBe(true);
  });

  it('does not cut off a dim strip shorter than the hull beside it as a hull by their lengths (lengthStepAt)', async () => {
    // The pair above with the shorter one a third as bright over the water as the longer: a fringe
    // or shade beside the hull, not a hull rafted there (555921: a 126 m hull beside a 64 m strip of
    // a third of its contrast, cut off as a hull).
    const hulls = [bowed(160, 110, 72, 9, 0.7), bowed(173, 118, 46, 7, 0.3)];
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [], paint: paintHulls(hulls) });
    expect(detect(block)).toHaveLength(1);
  });

  it('finds nothing outside the zone or on land', async () => {
    const block = await renderPort({ width: W, height: H, quayRow: 30, hulls: [ship(100, 120, 80, 14)] });
    const water = waterMask(block, { gsdM: 1 });
    const zone = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 200; x < W; x++) zone[y * W + x] = 1;
    const found = detectVessels({ block, zone, water, valid: ones(), gsdM: { x: 1, y: 1 }, minVesselLengthM: 20 });
    expect(found).toHaveLength(0);
  });
});

/**
 * A 10 m scene of calm water (0.05 with ±0.003 of deterministic noise) and targets blurred by a
 * Gaussian point spread of σ 0.7 px, about Sentinel-2's: each target is a list of sub-pixel points
 * with the reflectance they add.
 */
function coarseScene(width: number, height: number, targets: Array<Array<[number, number, number]>>): Block {
  const n = width * height;
  let seed = 7;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed / 2147483648 - 0.5) * 0.006;
  };
  const base = Float32Array.from({ length: n }, () => 0.05 + noise());
  const add = new Float32Array(n);
  for (const t of targets) {
    for (const [px, py, v] of t) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++)
          add[y * width + x]! += v * Math.exp(-((x - px) ** 2 + (y - py) ** 2) / (2 * 0.5));
      }
    }
  }
  const band = () => Float32Array.from(base, (b, i) => b + add[i]! + noise());
  return {
    window: { x: 0, y: 0, width, height },
    roles: ['blue', 'green', 'red', 'nir'],
    bands: [band(), band(), band(), band()],
    valid: new Uint8Array(n).fill(1),
  };
}

describe('deblurredLength', () => {
  const pixelsOver = (block: Block, level: number) =>
    Array.from(block.bands[0]!).flatMap((v, i) => (v > level ? [i] : []));
  const weights = (block: Block) => Float32Array.from(block.bands[0]!, (v) => Math.max(0, v - 0.05));

  it('takes the blur out: a point target comes out near 0 px, a 5 px hull about 5 px in any direction', () => {
    const point = coarseScene(40, 40, [[[20.3, 19.6, 0.5]]]);
    const pts = pixelsOver(point, 0.062);
    // The blur spreads the point over a 3×3 blob: as long as a 30 m hull at 10 m.
    expect(boxOf(pts, 40).length).toBeGreaterThanOrEqual(3);
    expect(deblurredLength(pts, weights(point), 40, 6).length).toBeLessThan(1);
    for (const angle of [0, 0.5, Math.PI / 2]) {
      const bar: Array<[number, number, number]> = [-2, -1, 0, 1, 2].map((t) => [
        20 + t * Math.cos(angle),
        20 + t * Math.sin(angle),
        0.1,
      ]);
      const hull = coarseScene(40, 40, [bar]);
      const d = deblurredLength(pixelsOver(hull, 0.062), weights(hull), 40, 6);
      expect(d.length).toBeGreaterThan(4);
      expect(d.length).toBeLessThan(6.5);
    }
  });

  it('at 10 m keeps a 50 m hull and drops a bright point target whose blur spans 30 m', () => {
    const bar: Array<[number, number, number]> = [-2, -1, 0, 1, 2].map((t) => [60 + t, 40, 0.1]);
    const block = coarseScene(120, 80, [[[30.3, 40.4, 0.5]], bar]);
    const n = 120 * 80;
    const all = new Uint8Array(n).fill(1);
    const found = detectVessels({
      block,
      zone: all,
      water: all,
      valid: all,
      gsdM: { x: 10, y: 10 },
      minVesselLengthM: 30,
    });
    expect(found).toHaveLength(1);
    expect(found[0]!.cx).toBeCloseTo(60, 0);
  });

  it('at 10 m drops a blob broader than any hull and keeps a broad 250 m hull', () => {
    // A 250 m × 130 m floating structure (points 1 px apart) and a 250 m × 50 m hull, both on water.
    const rect = (cx: number, cy: number, w: number, h: number) =>
      Array.from({ length: w * h }, (_, k): [number, number, number] => [
        cx - (w - 1) / 2 + (k % w),
        cy - (h - 1) / 2 + Math.floor(k / w),
        0.05,
      ]);
    const block = coarseScene(160, 80, [rect(40, 30, 25, 13), rect(110, 50, 25, 5)]);
    const all = new Uint8Array(160 * 80).fill(1);
    const input = { block, zone: all, water: all, valid: all, gsdM: { x: 10, y: 10 }, minVesselLengthM: 30 };
    const found = detectVessels(input);
    expect(found).toHaveLength(1);
    expect(found[0]!.cx).toBeCloseTo(110, 0);
    expect(detectVessels(input, { maxCoarseWidthM: Number.POSITIVE_INFINITY })).toHaveLength(2);
  });
});

describe('faint and beaded targets at 10 m', () => {
  const all = new Uint8Array(160 * 80).fill(1);
  const detectAt10m = (block: Block, opts = {}) =>
    detectVessels({ block, zone: all, water: all, valid: all, gsdM: { x: 10, y: 10 }, minVesselLengthM: 30 }, opts);
  // A 40 m × 10 m hull of points adding `v` each (1 px apart along x).
  const bar = (v: number) => [-1.5, -0.5, 0.5, 1.5].map((t): [number, number, number] => [60 + t, 40, v]);

  it('drops a short target peaking just over 8 σ and keeps a slightly brighter one', () => {
    // 0.018 peaks near 8.3 σ: passed the former 8 σ seed.
    expect(detectAt10m(coarseScene(160, 80, [bar(0.018)]), { coarseSeedZ: 8 })).toHaveLength(1);
    expect(detectAt10m(coarseScene(160, 80, [bar(0.018)]))).toHaveLength(0);
    expect(detectAt10m(coarseScene(160, 80, [bar(0.02)]))).toHaveLength(1);
  });

  it('drops a row of buoys whose blurs touch and keeps a hull with a bright deckhouse', () => {
    // Six buoys 3 px apart on a diagonal (one blob, 180 m) and a 200 m × 30 m hull whose deckhouse
    // near the stern is five times as bright as its deck.
    const row = Array.from({ length: 6 }, (_, k): [number, number, number] => [
      40 + 3 * (k - 2.5) * 0.8,
      40.3 + 3 * (k - 2.5) * 0.6,
      0.05,
    ]);
    const hull = Array.from({ length: 21 * 3 }, (_, k): [number, number, number] => [
      100 + (k % 21),
      39 + Math.floor(k / 21),
      0.02,
    ]);
    const house: Array<[number, number, number]> = [
      [102, 40, 0.1],
      [103, 40, 0.1],
    ];
    const block = coarseScene(160, 80, [row, hull, house]);
    const found = detectAt10m(block);
    expect(found).toHaveLength(1);
    expect(found[0]!.cx).toBeCloseTo(107, 0);
    // Without the test the row passes as a 180 m ship.
    const all2 = detectAt10m(block, { maxCoarseBeadDips: Number.POSITIVE_INFINITY });
    expect(all2).toHaveLength(2);
    expect(all2.some((d) => Math.abs(d.cx - 40) < 1 && d.length * 10 > 150)).toBe(true);
  });
});

describe('hulls the water mask took from the quay (berthed)', () => {
  // A 50 m hull at 10 m lying against land (rows from 42 on): its blob touches the quay, which at 10 m
  // marks the shore's mixed pixels, unless the water mask says it took that patch for a moored hull.
  const n = 120 * 80;
  const all = new Uint8Array(n).fill(1);
  const water = Uint8Array.from(all, (_, i) => (((i / 120) | 0) < 42 ? 1 : 0));
  const berthed = Uint8Array.from(all, (_, i) => {
    const x = i % 120;
    const y = (i / 120) | 0;
    return x >= 57 && x <= 63 && y >= 39 && y <= 41 ? 1 : 0;
  });
  const detectAt10m = (block: Block, waterMask: Uint8Array, b?: Uint8Array) =>
    detectVessels({
      block,
      zone: all,
      water: waterMask,
      valid: all,
      gsdM: { x: 10, y: 10 },
      minVesselLengthM: 30,
      berthed: b,
    });
  const detect = (v: number, b?: Uint8Array) => {
    const bar: Array<[number, number, number]> = [-2, -1, 0, 1, 2].map((t) => [60 + t, 40, v]);
    return detectAt10m(coarseScene(120, 80, [bar]), water, b);
  };

  it('keeps a moored-hull patch against the quay that the shore test would drop', () => {
    expect(detect(0.04)).toHaveLength(0);
    const found = detect(0.04, berthed);
    expect(found).toHaveLength(1);
    expect(found[0]!.cx).toBeCloseTo(60, 0);
  });

  it('still drops such a patch when it barely stands out from the water', () => {
    expect(detect(0.02, berthed)).toHaveLength(0);
  });

  it('scores a raft of patches against the open water, not against the raft itself', () => {
    // Nine 50 m hulls moored bow-in, 100 m apart, along the quay of a basin 120 m wide (rows 30–41):
    // their patches are a tenth of the basin's water (the old code found none of them).
    const xs = [20, 30, 40, 50, 60, 70, 80, 90, 100];
    const hulls = xs.map((x) => [-2, -1, 0, 1, 2].map((t): [number, number, number] => [x, 39 + t, 0.04]));
    const block = coarseScene(120, 80, hulls);
    const basin = Uint8Array.from(all, (_, i) => (((i / 120) | 0) >= 30 && ((i / 120) | 0) < 42 ? 1 : 0));
    const raft = Uint8Array.from(all, (_, i) => {
      const x = i % 120;
      const y = (i / 120) | 0;
      return y >= 36 && y <= 41 && xs.some((c) => Math.abs(x - c) <= 1) ? 1 : 0;
    });
    expect(detectAt10m(block, basin, raft)).toHaveLength(xs.length);
  });

  it('takes pieces of one long hull along one patch for one hull, and hulls apart for two', () => {
    // A 230 m hull against the quay whose middle 30 m barely stands out (a deck near water's colour):
    // the blob falls apart there into two pieces on the one moored-hull patch.
    const hull = (from: number, to: number, dim: number[]) =>
      Array.from({ length: to - from + 1 }, (_, k): [number, number, number] => [
        from + k,
        40,
        dim.includes(from + k) ? 0.004 : 0.04,
      ]);
    const patch = (x0: number, x1: number) =>
      Uint8Array.from(all, (_, i) => {
        const x = i % 120;
        const y = (i / 120) | 0;
        return x >= x0 && x <= x1 && y >= 39 && y <= 41 ? 1 : 0;
      });
    const long = coarseScene(120, 80, [hull(49, 71, [59, 60, 61])]);
    const input = { block: long, zone: all, water, valid: all, gsdM: { x: 10, y: 10 }, minVesselLengthM: 30 };
    const pieces = detectVessels({ ...input, berthed: patch(48, 72) }, { maxMooredPieceGapM: -1 });
    expect(pieces).toHaveLength(2);
    const one = detectVessels({ ...input, berthed: patch(48, 72) });
    expect(one).toHaveLength(1);
    expect(one[0]!.cx).toBeCloseTo(60, 0);
    expect(one[0]!.length).toBeGreaterThan(18);
    // The same pieces on patches of their own (the quay between them) are two hulls.
    const aft = patch(62, 72);
    const apart = Uint8Array.from(patch(48, 58), (v, i) => v | aft[i]!);
    expect(detectVessels({ ...input, berthed: apart })).toHaveLength(2);
    // Two hulls moored bow to stern on one patch, 80 m between their ends, are two as well.
    const inLine = coarseScene(120, 80, [hull(36, 50, []), hull(59, 73, [])]);
    expect(detectVessels({ ...input, block: inLine, berthed: patch(35, 74) }, { maxMooredPieceGapM: -1 })).toHaveLength(
      2,
    );
    expect(detectVessels({ ...input, block: inLine, berthed: patch(35, 74) })).toHaveLength(2);
  });
});

describe('extent', () => {
  it('reads a typed array as the plain array of its values (cutAlongside sizes its coordinates once)', () => {
    const values = Array.from({ length: 200_001 }, (_, k) => Math.sin(k * 0.37) * 1e3 - k * 1e-3);
    expect(extent(Float64Array.from(values))).toEqual(extent(values));
    expect(extent(new Float64Array(0))).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
  });
});

/** cutAlongside's coordinate build as it was before the typed arrays: plain arrays grown by push. */
function alongAcrossPlain(pixels: number[], width: number, centre: { cx: number; cy: number }, angle: number) {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const us: number[] = [];
  const vs: number[] = [];
  for (const p of pixels) {
    const dx = (p % width) - centre.cx;
    const dy = ((p / width) | 0) - centre.cy;
    us.push(dx * c + dy * s);
    vs.push(-dx * s + dy * c);
  }
  return { us, vs };
}

/** A random blob: pixels of a `width`-wide image inside a random ellipse with ragged edges. */
function randomBlob(rand: () => number, width: number): { pixels: number[]; cx: number; cy: number } {
  const cx = 20 + rand() * (width - 40);
  const cy = 20 + rand() * 60;
  const a = 3 + rand() * 15;
  const b = 2 + rand() * 6;
  const tilt = rand() * Math.PI;
  const pixels: number[] = [];
  for (let y = 0; y < 100; y++) {
    for (let x = 0; x < width; x++) {
      const u = ((x - cx) * Math.cos(tilt) + (y - cy) * Math.sin(tilt)) / a;
      const v = (-(x - cx) * Math.sin(tilt) + (y - cy) * Math.cos(tilt)) / b;
      if (u * u + v * v <= 1 + 0.3 * (rand() - 0.5)) pixels.push(y * width + x);
    }
  }
  return { pixels, cx, cy };
}

describe('cutAlongside coordinates', () => {
  it('typed, give the same along/across values and side profiles as the push-grown plain arrays, bit for bit', () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const width = 120;
    for (let trial = 0; trial < 25; trial++) {
      const { pixels, cx, cy } = randomBlob(rand, width);
      expect(pixels.length).toBeGreaterThan(0);
      const centre = { cx: cx + rand() - 0.5, cy: cy + rand() - 0.5 };
      const angle = (rand() - 0.5) * 2 * Math.PI;
      const typed = alongAcross(pixels, width, centre, angle);
      const plain = alongAcrossPlain(pixels, width, centre, angle);
      expect(Array.from(typed.us)).toEqual(plain.us);
      expect(Array.from(typed.vs)).toEqual(plain.vs);
      for (const side of [1, -1]) {
        expect(sideProfile(typed.us, typed.vs, pixels, side)).toEqual(sideProfile(plain.us, plain.vs, pixels, side));
      }
    }
  });
});
