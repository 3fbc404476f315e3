/**
 * Hulls moored at quays at coarse GSD (Sentinel-2's 10 m), which NDWI takes for land: a hull reflects
 * NIR like land, and at 10 m no water shows between it and the quay it lies against.
 */
import { boxSum, chessboardDistance, dilate, openOctagon } from './box-filter.ts';
import { type Component, componentShape, labelComponents } from './components.ts';
import { orInPlace } from './mask-loops.ts';
import type { Block } from './types.ts';
import { type BerthOptions, berthedHulls } from './water-berths.ts';

export interface QuayOptions {
  /** Ground size of a pixel, metres. */
  gsdM: number;
  /** Widest raft of hulls abreast at a quay, metres: land farther than this from water is quay. */
  maxBeamM?: number;
  /** Relative colour residual (RMS over bands, to the quay's level) under which a pixel is quay or a
   * quay/water mix. sen2ships, jointly with `maxBeamM` (0.08–0.16 × 40/50/60/80 m): 0.12 and 60 m keep
   * the best pooled F1 (0.577); at 40 m Casablanca's false hulls and Honolulu's misses fall, but Busan's
   * rafts are lost (leave-one-port-out F1 0.490). */
  maxResidual?: number;
  /** Radius of the window the local water colour is taken over, metres. */
  backgroundM?: number;
}

/** NDVI above which a pixel is vegetation (dense canopy 0.6–0.9; concrete, paint and steel under 0.2). */
const VEGETATION_NDVI = 0.3;

/** Mean NDVI above which ground is vegetated, sparse grass and shrub included (the usual bare/vegetated
 * cut; paved aprons, asphalt and steel read under 0.15). */
const VEGETATED_GROUND_NDVI = 0.2;

/** Per-band mean of the `mask` pixels in a (2r+1)² box around each pixel (NaN where there are none). */
function localMeans(block: Block, mask: Uint8Array, r: number): Float32Array[] {
  const { width, height } = block.window;
  const n = width * height;
  const count = boxSum(mask, width, height, r);
  return block.bands.map((band) => {
    const s = boxSum(band, width, height, r, mask);
    for (let i = 0; i < n; i++) s[i] = count[i]! > 0 ? s[i]! / count[i]! : Number.NaN;
    return s;
  });
}

/** Widest beam a moored hull has, metres (default of `maxBeamM`). */
const MAX_BEAM_M = 60;
/** Fewest pixels long a moored hull's patch is (default of `minPatchPx`). */
const MIN_PATCH_PX = 5;

/**
 * Land within `maxBeamM` of water that is not quay: neither the colour of the land it joins nor a mix
 * of that colour with the local water's (at 10 m the shore's first land pixels are such mixes, and
 * differ from the land behind them as much as a hull does). The quay is grown breadth-first from
 * the land beyond that rim towards the water (never away from it, so a pier is followed from its root
 * however long it runs); a pixel joins from a quay neighbour when its colour lies within `maxResidual`
 * of the segment from the local water colour to the colour of the land that neighbour's chain started
 * from. Hulls stop the growth.
 * Land at the block's edge is taken as quay (beyond it the shore is unknown); vegetation is never a hull.
 */
export function notQuay(block: Block, water: Uint8Array, valid: Uint8Array, opts: QuayOptions): Uint8Array {
  const { gsdM, maxBeamM = MAX_BEAM_M, maxResidual = 0.12, backgroundM = 200 } = opts;
  const { width, height } = block.window;
  const n = width * height;
  const rim = Math.max(1, Math.ceil(maxBeamM / gsdM));
  const dist = chessboardDistance(water, width, height).map((d) => Math.min(d, rim + 2));
  const wm = localMeans(block, water, Math.max(rim, Math.round(backgroundM / gsdM)));
  const bands = block.bands;
  const nb = bands.length;
  /** Pixel i's residual off the segment from the water colour at i to the colour of pixel q (its
   * nearest point on it), relative to q's level. */
  const unmix = (i: number, q: number) => {
    let dot = 0;
    let qq = 0;
    for (let b = 0; b < nb; b++) {
      const w = wm[b]![i]!;
      const d = bands[b]![q]! - w;
      dot += (bands[b]![i]! - w) * d;
      qq += d * d;
    }
    const share = qq > 0 ? Math.min(1, Math.max(0, dot / qq)) : 0;
    let e2 = 0;
    let m2 = 0;
    for (let b = 0; b < nb; b++) {
      const w = wm[b]![i]!;
      const e = bands[b]![i]! - w - share * (bands[b]![q]! - w);
      e2 += e * e;
      m2 += bands[b]![q]! ** 2;
    }
    return Math.sqrt(e2 / Math.max(m2, 1e-12));
  };
  const quay = new Uint8Array(n);
  // The pixel whose colour stands for the land a quay pixel is made of: the land where its chain
  // started, beyond the rim. Taken over by a pixel nearly of that colour, the chain could drift a small
  // step at a time into a hull lying against the quay and take it whole (sen2ships: never handing it
  // on finds 4 more ships, with the outboard test in mooredHullsCoarse for the pier corners it adds).
  const ref = new Int32Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const x = i % width;
    const y = (i / width) | 0;
    const border = x === 0 || y === 0 || x === width - 1 || y === height - 1;
    if (dist[i]! > rim) quay[i] = 1;
    if (dist[i] === rim + 1 || (border && dist[i]! >= 1 && dist[i]! <= rim && valid[i])) {
      quay[i] = 1;
      ref[i] = i;
      queue[tail++] = i;
    }
  }
  const offs = [-width - 1, -width, -width + 1, -1, 1, width - 1, width, width + 1];
  while (head < tail) {
    const j = queue[head++]!;
    const x = j % width;
    const y = (j / width) | 0;
    if (x < 1 || y < 1 || x >= width - 1 || y >= height - 1) continue;
    for (const o of offs) {
      const i = j + o;
      const d = dist[i]!;
      if (quay[i] || d < 1 || d > dist[j]! || !valid[i]) continue;
      if (unmix(i, ref[j]!) >= maxResidual) continue;
      quay[i] = 1;
      ref[i] = ref[j]!;
      queue[tail++] = i;
    }
  }
  const red = bands[block.roles.indexOf('red')];
  const nir = bands[block.roles.indexOf('nir')];
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (quay[i] || !dist[i] || !valid[i]) continue;
    if (red && nir && (nir[i]! - red[i]!) / Math.max(1e-6, nir[i]! + red[i]!) > VEGETATION_NDVI) continue;
    out[i] = 1;
  }
  return out;
}

export interface CoarseBerthOptions extends QuayOptions, Pick<BerthOptions, 'minNarrowHullGapM'> {
  /** Shortest hull patch, pixels: the run test cannot tell a shorter patch from a jagged shore, and
   * under 5 px (50 m) a patch is no longer than a point's blur at 10 m. Once the shore's blur goes by
   * NDWI (`maxPatchNdwi`), sen2ships pooled P/R: 8 px 0.64/0.33, 6 0.63/0.36, 5 0.63/0.38, 4 0.63/0.39,
   * 3 0.57/0.40. */
  minPatchPx?: number;
  /** A patch whose mean NDWI lies above this is the shore's blur, not a hull: pixels half water, half
   * quay (NDWI near the water/land valley), while a hull filling its pixels reads as land (painted
   * steel, NDWI ≤ −0.11 on every patch that found a labelled sen2ships ship). Without NIR no patch
   * passes. sen2ships pooled P/R (detector shore test waived on patches, any peak): no limit 0.45/0.38,
   * −0.10 0.52/0.38, −0.12 0.58/0.36, −0.13 and −0.14 0.60/0.36, −0.16 0.62/0.32 (tuned on those
   * four scenes: no held-out 10 m set with moored labels exists here). A quantile of the patch's NDWI
   * in place of its mean (so that a hull's core passes whatever shore blur the patch also holds) does
   * not gain: pooled F1 0.606 (mean, −0.13) → 0.582 (median), 0.591 (35 %: one ship, six false more),
   * 0.561 (25 %); the lower quartile at −0.18 0.597, at −0.22 0.555. */
  maxPatchNdwi?: number;
  /** A patch whose land behind has a mean NDVI above this lies along a green shore, not a quay
   * (`dropOffGreenShores`; the usual bare/vegetated cut, not tuned: sen2ships pooled P/R 0.63/0.38 →
   * 0.66/0.38, two false detections fewer, both in Honolulu; any value from 0.16 to 0.28 does the same). */
  maxBehindNdvi?: number;
  /** The land behind a patch: from this many pixels beyond it… */
  behindFromPx?: number;
  /** …to this many (at 10 m, the apron within 20–30 m of the hull). */
  behindToPx?: number;
  /** A patch none of whose pixels lies within this chessboard distance of water (1: touching it) is
   * the quay's own fabric (a roof, a yard, a quay corner's lit face), not a hull: a moored hull's
   * outboard side meets the water, with at most its edge pixel, a hull/water mix the patch tests may
   * leave out, between. Hulls abreast whose outer one the quay test takes for quay are lost (none on
   * sen2ships). sen2ships pooled P/R 0.66/0.38 → 0.67/0.38 (Busan's false hull 6 px inside a quay
   * corner gone); 3 the same; from 4 no change; 1 loses 5 hulls (0.67/0.32): their edge pixel is not
   * patch. */
  maxInsetPx?: number;
  /** A patch with water (or another patch: hulls abreast) within `outboardReachPx` beyond its
   * outboard face along less than this share of its length is not a hull alongside
   * (`dropWithoutOutboardWater`). sen2ships pooled P/R/F1: none 0.60/0.43/0.497, 0.5 0.63/0.43/0.507,
   * 0.6 0.510, 0.7 0.66/0.43/0.517, 0.75 0.507 (a Busan hull lost), 0.9 0.514. Tuned on those four
   * scenes: chosen on three ports and scored on the fourth (bench/sen2ships-lopo.ts), 0.7 wins on
   * every fold, leave-one-port-out F1 0.517. */
  minOutboardShare?: number;
  /** How far beyond the patch the outboard water may start, pixels: at 10 m the hull's outboard edge
   * and the water next to it blur into mixes the water mask and the patch tests both leave out. Before
   * the narrow hulls and teeth, 4 won (at 3 three ships fewer). With them, sen2ships pooled F1 (share
   * 0.7): 2 0.540, 3 0.589, 4 0.577, 5 0.570; leave-one-port-out over reach 2–5 × share 0.6–0.9 × inset
   * 2–3, every fold chooses 3 and 0.7 (0.65 ties): F1 0.577 → 0.589, false ones 19 → 16 (Busan 10 → 9,
   * Casablanca 7 → 5), no ship lost: at most two pixels of land or mix between patch and water are a
   * hull's blurred edge; three are apron. */
  outboardReachPx?: number;
  /** Land narrower than twice this, metres, sticking out of wider land is a tooth (`quayTeeth`): a hull
   * moored bow-in, alone or rafted with others, too narrow to survive an opening of this radius, unlike
   * the quay it lies against (0: no teeth, and so no rows of craft or hulls along piers either:
   * `craftRows` and `pierShelfHulls` read the same tongues). */
  toothRadiusM?: number;
  /** A tooth longer than this, metres, is a pier or a jetty, not a hull (at 10 m: small ships and
   * tugs, which moor bow-in, blur into teeth of 40–80 m). */
  maxToothLengthM?: number;
  /** A tooth less elongated than this (length over width of its pixels) is a blunt bump of the shore:
   * a pier head, a corner, a ragged bank; a hull is several beams long, still about twice its width
   * blurred at 10 m. */
  minToothElongation?: number;
  /** A tongue of land `quayTeeth` rejects as too long or too blunt, no longer than this along its
   * long axis, metres, may be a row of small craft moored bow-in abreast (`craftRows`; 0: none). */
  maxRowLengthM?: number;
  /** …and is one when its NIR profile along that axis (along the quay) has at least this many ridges… */
  minRowRidges?: number;
  /** …each rising this share of the tongue's mean NIR above the lower of the valleys on either side. */
  minRidgeRise?: number;
  /** A tongue of land `quayTeeth` rejects, no longer than this along its long axis, metres, may be a
   * pier with hulls moored alongside (`pierShelfHulls`; 0: none)… */
  maxPierLengthM?: number;
  /** …whose NIR across it (a pixel per bin) falls below `minShelfNir` of its brightest bin on both
   * sides (water on both sides) and holds, between that bin and one side's edge, at least this many
   * bins on end between `minShelfNir` and `maxShelfNir` of it: a hull dimmer than the deck. */
  minShelfPx?: number;
  /** The shelf's lower bound, a share of the pier's brightest bin (below: the water's blur). */
  minShelfNir?: number;
  /** The shelf's upper bound, a share of the pier's brightest bin (above: the deck). */
  maxShelfNir?: number;
  /** A shore's NIR ramp (`quayShelfHulls`) is a hull alongside when the pixels read inboard from the
   * water before the quay's edge that lie between `minQuayRampNir` and `maxQuayRampNir` of the edge's
   * NIR span at least this many pixels across the shore (a bare quay edge falls to the water within
   * one such pixel)… */
  minQuayRampPx?: number;
  /** The ramp's lower bound, a share of the edge's NIR (below: water, or its blur). */
  minQuayRampNir?: number;
  /** The ramp's upper bound, a share of the edge's NIR (above: the edge itself). */
  maxQuayRampNir?: number;
  /** …and the ramp pixels make a hull where they join into a component at least this long along the
   * shore, pixels (∞: none is)… */
  minQuayShelfPx?: number;
  /** …at most this long, metres… */
  maxQuayShelfLengthM?: number;
  /** …at least this many times as long as wide… */
  minQuayShelfElongation?: number;
  /** …standing out of the quay's water line past both its ends by this many pixels or more (and by
   * no more than `maxBeamM`). */
  minQuayBulgePx?: number;
  /** A shore's NIR ridge (`shoreProfiles`) is a hull alongside brighter than the quay when the quay
   * behind it, within `QUAY_RIDGE_REACH_BINS` of its top, falls to this share of the top or less (≤ 0:
   * none is); its pixels join no ramp's but must make a hull of the same shape (`quayShelfHulls`)… */
  maxQuayRidgeBackNir?: number;
  /** …and the ridge, the pixels on the walk at least halfway from the quay's level to its top, spans
   * this many pixels across the shore or more (a bare quay's lit rim is one). */
  minQuayRidgePx?: number;
  /** Ramps and ridges are also joined into one mask, for a hull part dim, part lit (or rafted craft
   * of both kinds); its components, of the same shape, must stand out of the quay's water line past one
   * end by this many pixels at least (∞: no such reading): a quay's own lit rim beside a dim apron makes
   * ramps and ridges in turn along its line, where the line bulges by the 1–2 px of its rounding. */
  minQuayJointBulgePx?: number;
  /** A notQuay patch along the shore that the run test left out is a hull lying against a quay face
   * (`quayFaceHulls`) only if it is at least this many times as long as wide (∞: none is). */
  minFaceElongation?: number;
  /** …and the water line along it lies this many pixels out beyond the water line past one of its
   * ends at least (the hull's beam standing out of the quay's line; more than the shore's 1 px blur)… */
  minFaceStepPx?: number;
  /** …and no less than this past the other (−1: level with it, within a pixel: the next hull moored
   * end to end, or the quay's own line where it is built out as far). */
  minOtherFaceStepPx?: number;
}

/**
 * Moored hulls at coarse GSD: land that ends along the shore within a hull's length (berthedHulls'
 * run test) and is not quay (notQuay), and hulls moored bow-in, found by their shape (quayTeeth);
 * rows of craft, hulls along piers and hulls alongside a straight quay by their NIR across or along
 * the land (craftRows, pierShelfHulls, quayShelfHulls).
 * At 10 m the run test alone takes quay corners, pier heads and curved shores for hulls, and its
 * colour step cannot help: the shore's mixed pixels differ from the land behind them as much as hulls
 * do (sen2ships, whole scenes: the run test with its colour step found 13 more ships and 63 more false
 * ones; with notQuay instead, 7 more ships and 11 more false).
 * Neither cue separates hulls from the shore well at 10 m. Colour: land pixels within 30 m of water
 * have the same NIR and NDWI quartiles (within 0.05) on labelled hulls as on the rest of the rim. Per
 * pixel on the rim 1–5 px from water, no band, index or colour relative to the quay behind tells
 * labelled hulls from the rest better than ROC AUC 0.60 (the residual off a water/quay mix; SWIR B11,
 * which the pipeline does not read, 0.40, NDBI 0.48), while distance to water alone gives 0.70
 * (bench/sen2ships-probe.ts --rim).
 * Shape: taking every land chord shorter than 400 m with water at both ends, in 16 directions, and
 * keeping 2–6 px deep strips, finds 38 more of the 66 ships the detector misses but adds 205 false
 * ones (beach curves, pier sides and heads); fill, depth, NDVI and a straight-quay test beyond the
 * strip's ends keep at best about 18 of those ships for 46 false.
 * What the 42 moored ships still missed look like (bench/sen2ships-miss-crops.ts): 18 hulls alongside
 * a straight quay or pier side, as bright as land somewhere behind it (notQuay's chain reaches them
 * through darker apron it reads as a water mix, or along the rim from beyond their ends); 15 small
 * craft moored bow-in in rows (Busan) or between finger piers (Honolulu), whose row makes one tooth of
 * 120–240 m; 5 at pier heads and corners; 4 in San Francisco, which has no NIR. Tried, none kept
 * (pooled F1 0.589 before): a dark seam inboard of the hull (per rim pixel ROC AUC 0.50–0.57); the
 * chain grown only towards the water (0.452; lateral steps only within 1–4 px of it, 0.491–0.581),
 * water mixes only within 1–6 px of the water (0.451–0.589), a chain's land share never rising
 * towards the water by more than 0.1–0.5 (0.520–0.593, the gain on Busan alone); NIR valleys
 * joined to the water as slits between hulls abreast: everywhere 0.524–0.558 (thin strips of the
 * quay face), within the land the teeth opening removes 0.612 at 10 % depth but 0.585 at 5 % and
 * 0.579 at 15 %, Busan alone, through hull-end fragments, not the rows (their pieces then fail
 * maxPatchNdwi; teeth exempt from it: 0.469–0.610, precision 0.43–0.70).
 * Where the 38 missed moored ships with NIR are lost, waiving one patch test at a time
 * (bench/sen2ships-patch-tests.ts): 7 before any patch test (1–2 px craft the run or the opening
 * drops), 3 by the detector on kept patches, 14 reach the mask with one test waived (length 6,
 * NDWI 7, quay colour 3; two with either of two), 7 only with the quay colour test and another waived (4 of them NDWI), 7 only
 * with every test waived. Waiving a test costs far more than it gains: NDWI alone pooled P/R 0.38/0.53
 * (3 ships, 62 false more), quay colour and NDWI 0.33/0.56 (6 ships, 89 false). Of the patches those
 * two tests remove, 12 lie on missed moored ships and 102 on no label (bench/sen2ships-quay-patches.ts):
 * no patch feature tells them apart better than ROC AUC 0.61 (length 0.61, elongation 0.60, depth from the water 0.58,
 * SWIR/NIR over the quay ring's 0.57, NDWI 0.56, each band over the quay ring's 0.44–0.54, mean
 * along-shore contrast 0.46–0.50). Along-shore contrast (a rim pixel 1–3 px from water against the rim
 * pixels at the same distance 4–15 px away along the shore on both sides, the smaller difference:
 * along a straight quay the rim's quay/water mix runs on, a hull alongside changes it;
 * bench/sen2ships-alongshore.ts) tells moored hulls' rim pixels from the rest at AUC 0.61 (4 px) to
 * 0.68 (15 px, where the rim runs on that far), no better than nearness to the water (0.67). Tried,
 * none kept (pooled F1 0.606 before, leave-one-port-out 0.606): a bulge test on those patches (within
 * 3 px beyond both ends water on the outboard half of the beam, land inboard: a hull alongside a
 * straight quay, not a pier head or a corner) 6 ships for 24 false (F1 0.570), with the patch's
 * SWIR/NIR at least 1.1 times the quay ring's 2 ships (Honolulu) and no false (0.625) but measured
 * on joined patches 1 ship for 5 false, leave-one-port-out 0.593; SWIR B11 as a fifth band of the
 * quay colour residual 0.514 (maxResidual 0.10–0.16: 0.529–0.548).
 * 2026-12-06, the 42 missed moored ships by the first stage that keeps none of their pixels, the patch
 * tests switched on in the order applied here (bench/sen2ships-moored-stages.ts): the run 1, the
 * opening 6, notQuay 8, patch length 11, NDWI 9, inset, outboard water and green shore none, the
 * detector 3 (Casablanca's 260 m hull cut in two pieces under `berthedShoreZ`; a Honolulu hull of 5
 * patch pixels that barely stands out; Busan's hull abreast of a found one, in its box), and 4 in San
 * Francisco (no NIR). Of the 9 NDWI ones, the 6 whose patches pass every other test read as 1 px
 * strips along the water (mean depth 1.0–1.25 px, one 2.2) at NDWI −0.03 to −0.12, as the 87
 * NDWI-dropped patches on no label do; their mean NIR or visible brightness over the land ring's
 * (0.17–1.12; on no label 0.12–3.03) and SWIR/NIR over the ring's do not separate them either.
 * Tried, not kept: the length measured on patches joined across gaps of 2–4 px (pieces of one hull in
 * line along the quay) adds a false one and no ship; the patches themselves joined across 2 px lose two
 * ships (pooled F1 0.619 → 0.582); `berthedShoreZ` 12 finds Casablanca's hull for a false piece beside
 * it, and leave-one-port-out keeps 15 for Casablanca's fold. Nor does a hull's protrusion from a
 * straight quay line (the land edge 1–15 px beyond both ends fitted by a line): offset ≥ 1.2 px on a
 * straight line keeps 3 of the NDWI-dropped missed ships and 13 patches on no label (shore bumps,
 * building fronts at the water); `quayFaceHulls`, kept later, reads that protrusion only on notQuay
 * patches the run test left out, from the water line rather than the land edge, one end standing out
 * and the other level.
 * 2026-12-06 later (main 1d8dcdd, pooled P/R/F1 0.83/0.51/0.629, moored 23/64, leave-one-port-out 0.629),
 * the 41 missed moored ships by first stage: run 1, opening 7, notQuay 8, length 8, NDWI 10, detector 2,
 * box 1, no NIR 4. About 15 of them are Busan's small craft abreast in rows (labels 2–3 px apart, a
 * pixel or two wide each), which a 10 m shore mask cannot part. Tried, none kept (pooled F1): NDWI
 * per pixel cut before the patches are formed, so the shore blur a hull's patch picked up no longer
 * dilutes its mean (0 0.615, −0.05 0.573, −0.10 0.456, −0.13 0.507); the NDWI test on each unjoined
 * piece (−0.11/−0.13/−0.15: 0.571/0.574/0.571);
 * teeth at a second radius, for craft too thin for the 70 m opening to part from their neighbours
 * (20/30/40/50 m: 0.609/0.625/0.585/0.616); teeth of the land under an NDWI of −0.05 to −0.20 (the mixed
 * gaps between craft abreast as water: 0.621/0.620/0.629/0.629; with the NDWI test waived, 2 ships for
 * 11 false more). The detector's shore test (`shoreZ`) waived finds 7 more ships for 84 false more;
 * letting a blob touching land through where that land is a moored-hull candidate the patch tests
 * dropped (NDWI and length, or all of them, waived; share of its land contact 0.3–0.7, peak 10–20 σ)
 * gains at best 1 ship for 2 false (0.629), mostly 0.600–0.620; the blobs' brightness over the land
 * beside them, land share and NDWI overlap (ratio to the land's mean: true 0.65–1.17, false 0.20–2.18).
 * Re-checked at this code, none above 0.629: minPatchPx 4/3, maxPatchNdwi −0.11/−0.10, maxResidual
 * 0/0.08/0.16/0.20 (0 loses 5 ships: the patches merge with the quay and fail the later tests), shoreZ
 * 20/25/40, berthedShoreZ 10 (leave-one-port-out over these detector limits 0.620: three folds take
 * berthedShoreZ 10, one shoreZ 20), maxToothLengthM 200/250 (elongation 1.25 too). On the patches the quay
 * colour and NDWI tests remove, chroma ((max − min)/mean of RGB) over the land ring's tells the missed
 * hulls at ROC AUC 0.41, red/blue over the ring's 0.35 (hulls bluer), peak NIR over the ring's 0.51.
 */
export function mooredHullsCoarse(
  block: Block,
  water: Uint8Array,
  valid: Uint8Array,
  opts: CoarseBerthOptions,
): Uint8Array {
  const { minPatchPx = MIN_PATCH_PX, maxPatchNdwi = -0.13 } = opts;
  const { width, height } = block.window;
  const n = width * height;
  const green = block.bands[block.roles.indexOf('green')];
  const nir = block.bands[block.roles.indexOf('nir')];
  // Without NIR the water itself is image-based at 10 m and its edge too loose to read hulls off
  // (sen2ships San Francisco: 2 more ships, 6 more false).
  if (!green || !nir) return new Uint8Array(n);
  // notQuay replaces berthedHulls' colour step, which at 10 m also cuts holes in hulls whose colour
  // is near the mean of the land around.
  const { gsdM, minNarrowHullGapM } = opts;
  const hull = berthedHulls(block, water, valid, { gsdM, minColourStep: 0, minNarrowHullGapM });
  const foreign = notQuay(block, water, valid, opts);
  for (let i = 0; i < n; i++) hull[i]! &= foreign[i]!;
  const tongues = landTongues(water, valid, width, height, opts);
  const teeth = quayTeeth(water, valid, width, height, opts, tongues);
  for (let i = 0; i < n; i++) hull[i]! |= teeth[i]!;
  const dist = chessboardDistance(water, width, height);
  // Row and shelf pixels: NDWI waived for the patches they are most of (patchesReadAsLand).
  const waived = nirProfileHulls(nir, water, valid, width, height, tongues, teeth, opts, dist);
  orInPlace(hull, waived);
  const faces = quayFaceHulls(water, foreign, hull, width, height, opts);
  for (let i = 0; i < n; i++) hull[i]! |= faces[i]!;
  // Measured joined, less the pixel the joining adds at each end.
  const patches = joinedPatches(hull, width, height);
  const { labels, components } = patches;
  const keep = new Uint8Array(components.length + 1);
  const landLike = patchesReadAsLand(green, nir, hull, waived, labels, components.length, maxPatchNdwi);
  for (const c of components) {
    const long = Math.sqrt(12) * componentShape(c).major - 2 >= minPatchPx;
    keep[c.label] = long && landLike[c.label] ? 1 : 0;
  }
  const { maxInsetPx = 2 } = opts;
  if (Number.isFinite(maxInsetPx)) {
    // Measured on the joined patch: the hull is one whichever of its pieces meets the water.
    const near = new Uint8Array(components.length + 1);
    for (let i = 0; i < n; i++) if (hull[i] && dist[i]! <= maxInsetPx) near[labels[i]!] = 1;
    for (const c of components) if (!near[c.label]) keep[c.label] = 0;
  }
  // Whole patches go, so the kept ones keep their labels.
  for (let i = 0; i < n; i++) hull[i]! &= keep[labels[i]!]!;
  return dropOffGreenShores(block, water, dropWithoutOutboardWater(water, hull, patches, width, height, opts), opts);
}

/**
 * The hulls `mooredHullsCoarse` reads from NIR profiles rather than the mask's shape: rows of craft
 * moored bow-in (`craftRows`) and hulls along a pier (`pierShelfHulls`), on the land tongues the quay's
 * teeth leave, and hulls alongside a straight quay (`quayShelfHulls`); 1 on any of their pixels. Only
 * at a GSD of 8–12 m (`NIR_PROFILE_GSD_M`), where their pixel limits were measured; none elsewhere.
 */
export function nirProfileHulls(
  nir: Float32Array,
  water: Uint8Array,
  valid: Uint8Array,
  width: number,
  height: number,
  tongues: LandTongues,
  teeth: Uint8Array,
  opts: CoarseBerthOptions,
  dist = chessboardDistance(water, width, height),
): Uint8Array {
  if (opts.gsdM < NIR_PROFILE_GSD_M[0] || opts.gsdM > NIR_PROFILE_GSD_M[1]) return new Uint8Array(width * height);
  const rows = craftRows(nir, tongues, teeth, width, opts);
  const piers = pierShelfHulls(nir, tongues, teeth, rows, width, opts);
  orInPlace(rows, piers);
  orInPlace(rows, quayShelfHulls(nir, water, valid, width, height, opts, dist));
  return rows;
}

/**
 * Per patch label (0 … `maxLabel`), 1 when the patch's `hull` pixels read as land: mean NDWI at most
 * `maxPatchNdwi`. Each craft of a row is narrower than a pixel, its NDWI a mix with the water around
 * it: the row's NIR ridges stand for the NDWI test; so does the NIR shelf of a hull along a pier, a
 * 1–3 px mix with the water on its outboard side (`waived` marks both). They stand for it only where
 * they are most of the patch's pixels: the joining can take a stray row or shelf pixel into a patch of
 * quay. Leaving them out and testing the rest instead loses a Honolulu ship (sen2ships tp 52 → 51): the
 * pier hull's patch holds deck pixels that fail it.
 */
export function patchesReadAsLand(
  green: Float32Array,
  nir: Float32Array,
  hull: Uint8Array,
  waived: Uint8Array,
  labels: Int32Array,
  maxLabel: number,
  maxPatchNdwi: number,
): Uint8Array {
  const ndwiSum = new Float64Array(maxLabel + 1);
  const count = new Uint32Array(maxLabel + 1);
  const waivedCount = new Uint32Array(maxLabel + 1);
  for (let i = 0; i < hull.length; i++) {
    if (!hull[i]) continue;
    const s = green[i]! + nir[i]!;
    ndwiSum[labels[i]!]! += s > 1e-6 ? (green[i]! - nir[i]!) / s : 0;
    count[labels[i]!]!++;
    waivedCount[labels[i]!]! += waived[i]!;
  }
  const out = new Uint8Array(maxLabel + 1);
  for (let k = 1; k <= maxLabel; k++)
    out[k] = 2 * waivedCount[k]! > count[k]! || ndwiSum[k]! <= maxPatchNdwi * count[k]! ? 1 : 0;
  return out;
}

/**
 * Hulls moored bow-in (sen2ships Busan's rafts, several abreast with their bows against the quay): at
 * 10 m each hull, or each pair, is a 20–25 % water/quay mix in every band, so no colour test tells it
 * from the quay (notQuay takes it for quay) and the run along the shore sees the quay's length. Its
 * shape does: a short, narrow, elongated tongue of land sticking out of the quay into the water. The
 * land an octagonal opening of radius `toothRadiusM` removes (a square's would also shave the corners
 * of quays turned to the pixel grid), in components that touch the land it keeps (the quay they stick
 * out of), no longer than `maxToothLengthM` and at least `minToothElongation` as long as wide. Whole
 * narrow piers are longer; pier heads and shore bumps are blunt. sen2ships (bench/sen2ships-lopo.ts,
 * over radius 30–80 m, length 80/120/160 m, elongation 1.5/1.75/2.5 and no teeth): leave-one-port-out
 * F1 0.517 → 0.541 (0.530 with a square opening), each fold choosing elongation 1.75 and three of four
 * radius 70 m, length 120 m (Busan's fold 60 m, 80 m); at those, pooled P/R 0.66/0.43 → 0.68/0.47.
 * Chosen jointly with minNarrowHullGapM (radius 60/70 m × length 80/120/160 m × elongation
 * 1.5/1.75/2.5 × gap 50/80/120 m), these values keep the best pooled F1 (0.577 with outboard reach 4,
 * 0.589 with 3) and every fold chooses them. A tooth's reach from the quay in place of its length (a row of bow-in hulls runs along the quay
 * for more than 120 m) changes Busan alone, and gains there only with elongation lowered to 1.25, which
 * also takes a ragged bank: pooled F1 0.597, leave-one-port-out 0.577.
 */
export function quayTeeth(
  water: Uint8Array,
  valid: Uint8Array,
  width: number,
  height: number,
  opts: Pick<CoarseBerthOptions, 'gsdM' | 'toothRadiusM' | 'maxToothLengthM' | 'minToothElongation'>,
  tongues: LandTongues = landTongues(water, valid, width, height, opts),
): Uint8Array {
  const { gsdM, maxToothLengthM = 120, minToothElongation = 1.75 } = opts;
  const { labels, components, rooted } = tongues;
  const keep = new Uint8Array(components.length + 1);
  for (const c of components) {
    const { major, minor } = componentShape(c);
    const short = Math.sqrt(12) * major * gsdM <= maxToothLengthM;
    keep[c.label] = rooted[c.label]! && short && major >= minToothElongation * minor ? 1 : 0;
  }
  const tooth = new Uint8Array(width * height);
  for (let i = 0; i < tooth.length; i++) tooth[i] = keep[labels[i]!]!;
  return tooth;
}

/** Land an opening removes, labelled, with the components that touch the land it keeps marked rooted. */
export interface LandTongues {
  labels: Int32Array;
  components: Component[];
  rooted: Uint8Array;
}

/** The land an octagonal opening of radius `toothRadiusM` removes, in components, each marked rooted
 * when it touches the land the opening keeps (the quay it sticks out of). */
export function landTongues(
  water: Uint8Array,
  valid: Uint8Array,
  width: number,
  height: number,
  opts: Pick<CoarseBerthOptions, 'gsdM' | 'toothRadiusM'>,
): LandTongues {
  const { gsdM, toothRadiusM = 70 } = opts;
  const n = width * height;
  const r = Math.round(toothRadiusM / gsdM);
  const tongue = new Uint8Array(n);
  if (r < 1) return { labels: new Int32Array(n), components: [], rooted: new Uint8Array(1) };
  const land = new Uint8Array(n);
  for (let i = 0; i < n; i++) land[i] = valid[i]! & (water[i]! ^ 1);
  const kept = openOctagon(land, width, height, r);
  for (let i = 0; i < n; i++) tongue[i] = land[i]! & (kept[i]! ^ 1);
  const { labels, components } = labelComponents(tongue, width, height, { connectivity: 8 });
  const rooted = new Uint8Array(components.length + 1);
  const rootReach = dilate(kept, width, height, 1);
  for (let i = 0; i < n; i++) if (tongue[i] && rootReach[i]) rooted[labels[i]!] = 1;
  return { labels, components, rooted };
}

/**
 * Rows of small craft moored bow-in abreast (sen2ships Busan's rows of tugs and fishing craft): at
 * 10 m each craft is a bar of land 1–2 px wide across the quay face, the water between neighbours a
 * 1 px mix the water mask takes for land, so the row is one tongue of land running along the quay —
 * too long or too blunt for `quayTeeth`, and each pixel too much a water mix for any colour or NDWI
 * test. Its NIR is what tells it: along the row the hulls are ridges over the water between them,
 * while a quay bump or a stretch of built-out quay rises once and falls at its ends. Rooted tongues
 * `quayTeeth` rejects, no longer than `maxRowLengthM`, whose mean NIR across them, binned a pixel at a
 * time along their long axis, has `minRowRidges` ridges rising `minRidgeRise` of the tongue's mean or
 * more above the valleys on both sides; the valley bins (the water between craft) are left out, so
 * each craft, or pair, is a patch of its own. At 10 m only: at 1–3 m the water between craft shows.
 * sen2ships (bench/sen2ships-lopo.ts): pooled tp/fp/fn 48/10/39 → 50/10/37, F1 0.662 → 0.680: two craft
 * of Busan's row at (614–619, 529–536) found, a third reaching the mask but read as one with its
 * neighbour; rise 0.3 and 0.4 the same, 0.2 two false more; two ridges 51/17/36; rows up to 200 or
 * 250 m long two and three false more, up to 120 m nothing. Only Busan has such rows, so
 * leave-one-port-out cannot test the values on them (its fold ties on the other three, where no
 * setting adds a false detection up to 160 m).
 */
export function craftRows(
  nir: Float32Array,
  tongues: LandTongues,
  teeth: Uint8Array,
  width: number,
  opts: Pick<CoarseBerthOptions, 'gsdM' | 'maxRowLengthM' | 'minRowRidges' | 'minRidgeRise'>,
): Uint8Array {
  const { gsdM, maxRowLengthM = 160, minRowRidges = 3, minRidgeRise = 0.3 } = opts;
  const out = new Uint8Array(teeth.length);
  // `minRowRidges` interior maxima need twice as many bins and one more, each of a pixel at least.
  const candidates = tongueCandidates(tongues, 2 * minRowRidges + 1, maxRowLengthM, gsdM, teeth);
  for (const { shape, pixels: own } of candidates.values()) {
    const { binOf, profile } = axisProfile(own, shape, 'along', width, nir);
    if (profileRidges(profile, minRidgeRise) < minRowRidges) continue;
    const valley = profileValleys(profile);
    own.forEach((p, j) => {
      if (!valley[binOf[j]!]) out[p] = 1;
    });
  }
  return out;
}

/**
 * Hulls moored alongside a narrow pier (sen2ships Honolulu's piers): at 10 m the pier and the hulls
 * along it are one tongue of land with water on both sides, too long for `quayTeeth`, and the hull a
 * water mix notQuay takes for the deck's blur. Across the pier its NIR tells them apart: the deck is
 * the brightest strip, the water's blur on a bare side falls from it to the water within a pixel or
 * two, while a hull alongside is a shelf of several pixels between the two (a painted steel deck and
 * hull, partly in the pier's shadow, reflect less than a concrete deck and far more than water).
 * Rooted tongues `quayTeeth` and `craftRows` leave, no longer than `maxPierLengthM`, whose mean NIR
 * per 1 px bin across their long axis is under `minShelfNir` of the brightest bin at both edges; on
 * each side of that bin, the longest run of bins between `minShelfNir` and `maxShelfNir` of it, if
 * `minShelfPx` or more, is taken as hull. At 10 m only: at 1–3 m the hull's own water line shows.
 * sen2ships (bench/sen2ships-lopo.ts): pooled tp/fp/fn 50/10/37 → 52/10/35; two Honolulu tongues
 * fire, no other in the four ports: the pier whose two hulls are labels 0 and 6 (one patch, credited
 * to 6) and a marina's finger pier (label at 199, 223). Without the edge test (water on both sides)
 * Busan's quay bumps make 3–12 false detections; shelf 2 px 52/11/35 at 250 m; 200 m 51/10/36;
 * lower bound 0.2 53/12/34, 0.3 51/10/36; upper 0.6–0.7 the same (a separate edge threshold of 0.3,
 * the shelf floor left at 0.25, gave 52/12/35 in a one-off experiment: there is no such option).
 */
export function pierShelfHulls(
  nir: Float32Array,
  tongues: LandTongues,
  teeth: Uint8Array,
  rows: Uint8Array,
  width: number,
  opts: Pick<CoarseBerthOptions, 'gsdM' | 'maxPierLengthM' | 'minShelfPx' | 'minShelfNir' | 'maxShelfNir'>,
): Uint8Array {
  const { gsdM, maxPierLengthM = 250, minShelfPx = 3, minShelfNir = 0.25, maxShelfNir = 0.65 } = opts;
  const out = new Uint8Array(teeth.length);
  const taken = teeth.slice();
  orInPlace(taken, rows);
  const candidates = tongueCandidates(tongues, minShelfPx + 3, maxPierLengthM, gsdM, taken);
  for (const { shape, pixels: own } of candidates.values()) {
    const { binOf, profile } = axisProfile(own, shape, 'across', width, nir);
    const shelf = pierShelf(profile, minShelfPx, minShelfNir, maxShelfNir);
    own.forEach((p, j) => {
      if (shelf[binOf[j]!]) out[p] = 1;
    });
  }
  return out;
}

/** A land tongue that may hold hulls, with its shape and its pixels. */
interface TongueCandidate {
  shape: ReturnType<typeof componentShape>;
  pixels: number[];
}

/** Rooted tongues of `minArea` pixels or more, no longer than `maxLengthM` along their long axis, and
 * without a pixel an earlier finder took (`skip`: its finds are whole tongues or parts of one), by label. */
function tongueCandidates(
  tongues: LandTongues,
  minArea: number,
  maxLengthM: number,
  gsdM: number,
  skip: Uint8Array,
): Map<number, TongueCandidate> {
  const { labels, components, rooted } = tongues;
  const out = new Map<number, TongueCandidate>();
  for (const c of components) {
    if (!rooted[c.label] || c.area < minArea) continue;
    const shape = componentShape(c);
    if (Math.sqrt(12) * shape.major * gsdM <= maxLengthM) out.set(c.label, { shape, pixels: [] });
  }
  if (out.size === 0) return out;
  const taken = new Set<number>();
  for (let i = 0; i < labels.length; i++) {
    if (!labels[i]) continue;
    const own = out.get(labels[i]!);
    if (!own) continue;
    if (skip[i]) taken.add(labels[i]!);
    own.pixels.push(i);
  }
  for (const k of taken) out.delete(k);
  return out;
}

/** Mean of `band` over a tongue's `pixels` per 1 px bin of their position along its long axis or
 * across it, bins in increasing order (a bin no pixel falls in — a diagonal step can skip one — is
 * left out of the profile); `binOf[j]` is the place of `pixels[j]`'s bin in `profile`. */
function axisProfile(
  pixels: readonly number[],
  shape: TongueCandidate['shape'],
  axis: 'along' | 'across',
  width: number,
  band: Float32Array,
): { binOf: number[]; profile: number[] } {
  const { cx, cy, angle } = shape;
  const [ux, uy] = axis === 'along' ? [Math.cos(angle), Math.sin(angle)] : [-Math.sin(angle), Math.cos(angle)];
  const pos = pixels.map((p) => Math.round(((p % width) - cx) * ux + (((p / width) | 0) - cy) * uy));
  const sorted = [...new Set(pos)].sort((a, b) => a - b);
  const place = new Map(sorted.map((b, j) => [b, j]));
  const binOf = pos.map((b) => place.get(b)!);
  const sum = new Float64Array(sorted.length);
  const cnt = new Uint32Array(sorted.length);
  pixels.forEach((p, j) => {
    sum[binOf[j]!]! += band[p]!;
    cnt[binOf[j]!]!++;
  });
  return { binOf, profile: Array.from(sum, (v, j) => v / cnt[j]!) };
}

/** Per bin of a profile across a pier, 1 on a hull's shelf: see `pierShelfHulls`. */
export function pierShelf(profile: readonly number[], minShelfPx: number, lo: number, hi: number): Uint8Array {
  const out = new Uint8Array(profile.length);
  let peak = 0;
  for (let j = 1; j < profile.length; j++) if (profile[j]! > profile[peak]!) peak = j;
  const top = profile[peak]!;
  if (!(top > 0) || profile[0]! >= lo * top || profile[profile.length - 1]! >= lo * top) return out;
  for (const dir of [-1, 1]) {
    let run: number[] = [];
    let best: number[] = [];
    for (let j = peak + dir; j >= 0 && j < profile.length; j += dir) {
      const r = profile[j]! / top;
      if (r >= lo && r <= hi) run.push(j);
      else {
        if (run.length > best.length) best = run;
        run = [];
      }
    }
    // The walk's last bin is under lo (the test above), so no run is left open here.
    if (best.length >= minShelfPx) for (const j of best) out[j] = 1;
  }
  return out;
}

/** How many interior maxima of `profile` (a flat top of equal bins is one) rise at least `minRise`
 * times its mean above the higher of the lowest values on either side before a higher value (their
 * prominence; of two equal maxima, the later one's reaches past the earlier). None unless the mean is
 * positive: the rise is a share of it. */
export function profileRidges(profile: readonly number[], minRise: number): number {
  const mean = profile.reduce((a, b) => a + b, 0) / Math.max(1, profile.length);
  if (!(mean > 0)) return 0;
  let ridges = 0;
  for (const [first, last] of interiorPlateaus(profile, 1)) {
    const v = profile[first]!;
    let left = v;
    for (let j = first - 1; j >= 0 && profile[j]! <= v; j--) left = Math.min(left, profile[j]!);
    let right = v;
    for (let j = last + 1; j < profile.length && profile[j]! < v; j++) right = Math.min(right, profile[j]!);
    if (v - Math.max(left, right) >= minRise * mean) ridges++;
  }
  return ridges;
}

/** Per bin, 1 where `profile` has an interior local minimum (every bin of a flat bottom). */
export function profileValleys(profile: readonly number[]): Uint8Array {
  const out = new Uint8Array(profile.length);
  for (const [first, last] of interiorPlateaus(profile, -1)) out.fill(1, first, last + 1);
  return out;
}

/** The runs of equal bins of `profile` (one bin or more) with a bin on either side, both lower
 * (`sign` 1: maxima) or both higher (−1: minima), as [first, last]. */
function interiorPlateaus(profile: readonly number[], sign: 1 | -1): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let first = 1;
  while (first < profile.length - 1) {
    let last = first;
    while (last + 1 < profile.length && profile[last + 1] === profile[first]) last++;
    const v = sign * profile[first]!;
    if (last + 1 < profile.length && sign * profile[first - 1]! < v && sign * profile[last + 1]! < v)
      out.push([first, last]);
    first = last + 1;
  }
  return out;
}

/** Patches a pixel apart are one hull (the run test's samples can miss a column): `hull` joined by a
 * 1 px dilation and labelled. */
export function joinedPatches(
  hull: Uint8Array,
  width: number,
  height: number,
): { labels: Int32Array; components: Component[] } {
  return labelComponents(dilate(hull, width, height, 1), width, height, { connectivity: 8 });
}

/**
 * Drops the patches without open water along their outboard face: a hull alongside a quay has the
 * quay along one long side and water along the other, while the quay test's leftovers at 10 m (the
 * inner corners of pier heads and jetties, a lit face inside a terminal) have land or quay on both.
 * For each patch pixel and each side across the patch's long axis, a step out of the patch to the
 * first pixel beyond it, and then up to `outboardReachPx` pixels on: does it reach water? The side
 * where more pixels do is the outboard face; its share of the patch's pixels is tested. `patches` is
 * `joinedPatches` of `hull` (or of a hull it was cut from by whole patches); `hull` is cleared in
 * place and returned.
 */
export function dropWithoutOutboardWater(
  water: Uint8Array,
  hull: Uint8Array,
  patches: { labels: Int32Array; components: Component[] },
  width: number,
  height: number,
  opts: Pick<CoarseBerthOptions, 'minOutboardShare' | 'outboardReachPx'> = {},
): Uint8Array {
  const { minOutboardShare = 0.7, outboardReachPx = 3 } = opts;
  const n = width * height;
  const { labels, components } = patches;
  const pixels = pixelsByLabel(labels, (i) => hull[i] !== 0);
  /** The pixel k steps from p along (dx, dy), or −1 off the block. */
  const step = (p: number, dx: number, dy: number, k: number) => {
    const x = Math.round((p % width) + dx * k);
    const y = Math.round(((p / width) | 0) + dy * k);
    return x < 0 || y < 0 || x >= width || y >= height ? -1 : y * width + x;
  };
  const drop = new Uint8Array(components.length + 1);
  for (const c of components) {
    const own = pixels.get(c.label);
    if (!own) continue;
    const wetShare = (dx: number, dy: number) => {
      let wet = 0;
      for (const p of own) {
        let k = 1;
        for (let q = step(p, dx, dy, k); q >= 0 && hull[q] && labels[q] === c.label; q = step(p, dx, dy, ++k));
        for (let m = 0; m < outboardReachPx; m++, k++) {
          const q = step(p, dx, dy, k);
          if (q < 0) break;
          if (water[q] || (hull[q] && labels[q] !== c.label)) {
            wet++;
            break;
          }
        }
      }
      return wet / own.length;
    };
    const { angle } = componentShape(c);
    const nx = -Math.sin(angle);
    const ny = Math.cos(angle);
    if (Math.max(wetShare(nx, ny), wetShare(-nx, -ny)) < minOutboardShare) drop[c.label] = 1;
  }
  for (let i = 0; i < n; i++) if (drop[labels[i]!]) hull[i] = 0;
  return hull;
}

/**
 * Drops the patches with vegetated land behind them: a ship moors at a paved quay, whose apron runs
 * the berth's length, while a patch along grass or trees is the shore's own blur (a beach, a park's
 * bank, a lawn between a marina's finger piers), where vegetation mixed with water no longer reads as
 * vegetation pixel by pixel. The land behind is the ring `behindFromPx`–`behindToPx` pixels beyond
 * the patch, off water and patches; its mean NDVI tells (sen2ships: 0.29 and 0.53 behind the two
 * patches on Honolulu's green shores that made false detections, at most 0.15 behind every other).
 */
function dropOffGreenShores(block: Block, water: Uint8Array, hull: Uint8Array, opts: CoarseBerthOptions): Uint8Array {
  const { behindFromPx = 2, behindToPx = 3, maxBehindNdvi = VEGETATED_GROUND_NDVI } = opts;
  const red = block.bands[block.roles.indexOf('red')];
  const nir = block.bands[block.roles.indexOf('nir')];
  if (!red || !nir) return hull;
  const { width, height } = block.window;
  const n = width * height;
  // Each ring pixel is credited to the patch whose label the dilation of the patches gives it:
  // patches farther apart than twice the ring's reach (most at 10 m) each get their own ring.
  const { labels, components } = labelComponents(dilate(hull, width, height, behindToPx), width, height, {
    connectivity: 8,
  });
  const near = dilate(hull, width, height, behindFromPx - 1);
  const ndviSum = new Float64Array(components.length + 1);
  const count = new Uint32Array(components.length + 1);
  for (let i = 0; i < n; i++) {
    if (!labels[i] || near[i] || water[i] || hull[i]) continue;
    const s = nir[i]! + red[i]!;
    ndviSum[labels[i]!]! += s > 1e-6 ? (nir[i]! - red[i]!) / s : 0;
    count[labels[i]!]!++;
  }
  for (let i = 0; i < n; i++) {
    const k = labels[i]!;
    if (hull[i] && count[k]! > 0 && ndviSum[k]! > maxBehindNdvi * count[k]!) hull[i] = 0;
  }
  return hull;
}

/**
 * Hulls lying against a straight quay face whose run along the shore the run test cannot end: a hull
 * moored end to end with the next, or against a stretch of quay built out as far as its beam, runs on
 * into that land along the shore (sen2ships Busan's N–S crane quay and its long hull off the crane
 * quay in the south). Its colour still sets it apart (notQuay), and its shape tells it from the quay's
 * own fabric: an elongated patch along the shore, whose outboard side stands out of the quay's line —
 * the water line along it lies `minFaceStepPx` or more beyond the water line past one of its ends (the
 * quay face, where no hull lies: more than the shore's 1 px blur) and no more than a pixel inside the
 * water line past the other (land standing out farther there makes the patch a corner's or a pier
 * root's, not a hull's), and by at most `maxBeamM` (water farther back is a basin or a pier's side,
 * not the quay's line). Patches half of whose pixels the run test or the teeth already took are theirs
 * to judge. The patch tests of `mooredHullsCoarse` then apply as to every patch. Not read: a hull
 * alongside a pier under ~9 px wide (the water line is sought from 10 px inboard, so the pier's far
 * side is found first and both steps read 0) and no-data pixels, taken as land.
 * sen2ships (bench/sen2ships-lopo.ts; elongation 1.75/2/2.5, step 2/3, other end −2/−1/0): pooled
 * P/R/F1 0.81/0.51/0.624 → 0.83/0.55/0.662, four moored ships more (Busan's three along crane quays;
 * Casablanca's 221 m hull the detector lost in two pieces, now whole), one false detection more
 * (Busan: a strip along the roots of a row of bow-in craft) and one fewer (Casablanca: the second
 * piece of a ~300 m hull whose first matched, now joined to it);
 * leave-one-port-out 0.662, every fold choosing elongation 2, step 2, other end −1.
 */
export function quayFaceHulls(
  water: Uint8Array,
  foreign: Uint8Array,
  hull: Uint8Array,
  width: number,
  height: number,
  opts: CoarseBerthOptions,
): Uint8Array {
  const { gsdM, maxBeamM = MAX_BEAM_M, minPatchPx = MIN_PATCH_PX } = opts;
  const { minFaceElongation = 2, minFaceStepPx = 2, minOtherFaceStepPx = -1 } = opts;
  const n = width * height;
  if (!Number.isFinite(minFaceElongation)) return new Uint8Array(n);
  const maxStep = Math.ceil(maxBeamM / gsdM);
  const patches = labelComponents(foreign, width, height, { connectivity: 8 });
  const taken = new Uint32Array(patches.components.length + 1);
  for (let i = 0; i < n; i++) taken[patches.labels[i]!]! += hull[i]!;
  return bulgingPatches(
    patches,
    water,
    width,
    height,
    (c, { major, minor }) =>
      2 * taken[c.label]! <= c.area && Math.sqrt(12) * major >= minPatchPx && major >= minFaceElongation * minor,
    (lo, hi) => hi >= minFaceStepPx && lo >= minOtherFaceStepPx && hi <= maxStep,
  );
}

/** The pixels `keep` takes (each index with its label; label 0, the background, never), by label. */
function pixelsByLabel(labels: Int32Array, keep: (i: number, label: number) => boolean): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i]!;
    if (!k || !keep(i, k)) continue;
    const own = out.get(k);
    if (own) own.push(i);
    else out.set(k, [i]);
  }
  return out;
}

/**
 * The patches (labelled components) of the shape `shapeOk` takes whose water line stands out of the
 * quay's line past their ends as `stepsOk` takes (`waterLineSteps`, the smaller step and the larger),
 * as a mask: the test the two quay-hull rules (quayFaceHulls, quayShelfHulls) share. Only the pixels
 * of patches of the right shape are gathered.
 */
function bulgingPatches(
  patches: { labels: Int32Array; components: Component[] },
  water: Uint8Array,
  width: number,
  height: number,
  shapeOk: (c: Component, shape: ReturnType<typeof componentShape>) => boolean,
  stepsOk: (lo: number, hi: number) => boolean,
): Uint8Array {
  const out = new Uint8Array(width * height);
  const axis = new Map<number, number>();
  for (const c of patches.components) {
    const shape = componentShape(c);
    if (shapeOk(c, shape)) axis.set(c.label, shape.angle);
  }
  if (axis.size === 0) return out;
  for (const [k, own] of pixelsByLabel(patches.labels, (_, label) => axis.has(label))) {
    const steps = waterLineSteps(own, axis.get(k)!, water, width, height);
    if (!steps || !stepsOk(Math.min(...steps), Math.max(...steps))) continue;
    for (const p of own) out[p] = 1;
  }
  return out;
}

/** How far a pixel set's axis line must be followed out from it, past this many pixels inboard. */
const LINE_FROM_PX = -10;
/** …and at most this far outboard. */
const LINE_TO_PX = 14;
/** The quay's water line is read this many pixels beyond each end of the patch… */
const BEYOND_FROM_PX = 2;
/** …to this many (past the blur of the hull's end and the next bollard's worth of shore). */
const BEYOND_TO_PX = 12;
/** Half-width of the band on either side of the axis in which the outboard side is sought, pixels. */
const SIDE_REACH_PX = 8;

/**
 * How far out the water line along a patch (`pixels`, long axis at `angle`) lies beyond the water
 * line 2–12 px past each of its ends, pixels, as [before its start, past its end]; null where either
 * is not read (the block's edge, no water line there). The water line along a line across the axis is
 * where the water begins for two pixels on end, sought from inboard outwards on the side where more
 * water lies; each side's figure is the median over the positions along the axis.
 */
export function waterLineSteps(
  pixels: number[],
  angle: number,
  water: Uint8Array,
  width: number,
  height: number,
): [number, number] | null {
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  let cx = 0;
  let cy = 0;
  for (const p of pixels) {
    cx += p % width;
    cy += (p / width) | 0;
  }
  cx /= pixels.length;
  cy /= pixels.length;
  let tMin = Number.POSITIVE_INFINITY;
  let tMax = Number.NEGATIVE_INFINITY;
  for (const p of pixels) {
    const t = ((p % width) - cx) * ux + (((p / width) | 0) - cy) * uy;
    tMin = Math.min(tMin, t);
    tMax = Math.max(tMax, t);
  }
  /** 1 water, 0 land, −1 off the block, at the point t along the axis and s across it. */
  const wet = (t: number, s: number, vx: number, vy: number) => {
    const x = Math.round(cx + ux * t + vx * s);
    const y = Math.round(cy + uy * t + vy * s);
    return x < 0 || y < 0 || x >= width || y >= height ? -1 : water[y * width + x]!;
  };
  let plus = 0;
  let minus = 0;
  for (let t = tMin; t <= tMax; t++)
    for (let s = 1; s <= SIDE_REACH_PX; s++) {
      if (wet(t, s, -uy, ux) === 1) plus++;
      if (wet(t, -s, -uy, ux) === 1) minus++;
    }
  const vx = plus >= minus ? -uy : uy;
  const vy = plus >= minus ? ux : -ux;
  const lineAt = (t: number) => {
    for (let s = LINE_FROM_PX; s <= LINE_TO_PX; s++) {
      const a = wet(t, s, vx, vy);
      if (a === -1) return Number.NaN;
      if (a === 1 && wet(t, s + 1, vx, vy) === 1) return s;
    }
    return Number.NaN;
  };
  const median = (ts: number[]) => {
    const v = ts
      .map(lineAt)
      .filter((s) => Number.isFinite(s))
      .sort((a, b) => a - b);
    return v.length >= 3 ? v[v.length >> 1]! : Number.NaN;
  };
  const along: number[] = [];
  for (let t = tMin + 1; t <= tMax - 1; t++) along.push(t);
  const before: number[] = [];
  const after: number[] = [];
  for (let k = BEYOND_FROM_PX; k <= BEYOND_TO_PX; k++) {
    before.push(tMin - k);
    after.push(tMax + k);
  }
  const line = median(along.length >= 3 ? along : [tMin, (tMin + tMax) / 2, tMax]);
  const steps: [number, number] = [line - median(before), line - median(after)];
  return Number.isFinite(steps[0]) && Number.isFinite(steps[1]) ? steps : null;
}

/** How far inboard from the first land pixel the NIR profile across a quay is read, pixels: past the
 * widest hull alongside (`maxBeamM` 60 m, 6 px at 10 m) and a pixel of blur on either side of it, so
 * the quay's edge behind the hull is within reach. sen2ships pooled tp/fp/fn: 6 px 56/14/31, 8
 * 58/11/29, 10 57/11/30. */
const QUAY_PROFILE_PX = 8;
/** Half-width of the window whose water pixels give the shore's outward direction, pixels: wide enough
 * that the direction is finer than a 3 × 3 window's eight and averages the shore's one-pixel steps,
 * narrow enough (70 m across at 10 m) to lie within a hull's length, so the water past its ends does
 * not turn it. sen2ships pooled tp/fp/fn: 2 57/11/30, 3 58/11/29, 4 56/13/31. */
const SHORE_NORMAL_R = 3;
/** The ground pixel sizes `nirProfileHulls` holds for, metres: its rules' limits are in pixels (a row's
 * craft a 1 px bin apart, a pier's shelf 3 px wide, a quay ramp of 2 px against a 1 px blur, shelves from
 * 10 px long) and were measured only on Sentinel-2's 10 m (sen2ships); at 4–5 m a 2 px ramp is a bare
 * quay's blur, at 20 m a hull is no longer 10 px long. */
const NIR_PROFILE_GSD_M: readonly [number, number] = [8, 12];

/**
 * Hulls moored alongside a straight quay, merged with it at 10 m (sen2ships: Busan's, Casablanca's and
 * Honolulu's quays): the hull's colour is a mix of the quay's and the water's (notQuay takes it for the
 * quay's blur) and its NDWI −0.03…−0.09 (too wet for the NDWI test). Two cues together tell it.
 * Across the shore, its NIR: a bare quay's edge rises from the water to its level within a pixel (the
 * blur), while a hull alongside is a ramp or shelf of two pixels or more between the water and the
 * quay's edge (a hull dimmer than the deck, or its own rise seen at a beam). And the shore's shape: the
 * hull makes the water line bulge out of the quay's straight line by up to a beam along the ship's
 * length, with ends, the line past both ends level with the quay (`waterLineSteps`) — where a ramp
 * runs along a beach, a dim apron or a curved bank, no such bulge shows.
 * From each first land pixel, the NIR is read inboard along the shore's normal (`shoreProfiles`); the
 * ramps, joined, must be `minQuayShelfPx` to `maxQuayShelfLengthM` long, `minQuayShelfElongation`
 * times as long as wide and stand out of the water line past both ends by `minQuayBulgePx` to
 * `maxBeamM`; their pixels are exempt from the NDWI test as the rows' and shelves' are. So a strip of
 * water/quay mixes that bulges out of the quay's line so (NIR between the water's and the quay's,
 * NDWI near 0) is taken for a hull whatever its NDWI: at 10 m nothing here tells it from one. The
 * shore's own blur, a pixel wide in the quay's line, does not bulge and is still dropped by NDWI.
 * Neither cue alone is enough on sen2ships: the ramps alone (before any shape test) make 5–8 times as
 * many components off the labels as on them, and the bulge alone was tried on the patches the quay and
 * NDWI tests drop (6 ships for 24 false). Together (bench/sen2ships-lopo.ts): pooled tp/fp/fn 52/10/35
 * → 59/10/28, P 0.84 → 0.86, R 0.60 → 0.68 (Busan 40, Casablanca 1, 5, 12, Honolulu 7, 8, 10 found;
 * the ten false detections the same ten; since the profile is read a distinct pixel per step, ramps
 * counted across the shore (2026-12-07): 58/11/29, Casablanca one ship fewer, Honolulu one false
 * more — the figures below were measured before). Each limit moved alone from these values: ramp ≥ 3 px
 * 53/12/34; floor 0.2 / 0.3 59/16/28, 56/11/31; top 0.85 / 0.95 59/12/28, 56/14/31; ≥ 8 / 12 px long
 * 60/13/27, 57/10/30; ≤ 150 / 250 m 56/10/31, 58/11/29; elongation 1.75 the same, 2.5 58/10/29; bulge
 * ≥ 0 (level with the quay past an end) 59/21/28, ≥ 2 58/10/29. Leave-one-port-out over that grid with
 * the rule off listed first: F1 0.698 → 0.739 (58/12/29), three folds choosing these values and
 * Casablanca's top 0.85 (11/3/4 there).
 * A hull brighter than the quay behind it reads as no ramp but as a ridge (`shoreProfiles`); ridges are
 * joined and tested apart from ramps, since a ridge pixel joined to a ramp's component changes its
 * shape (read as one mask, sen2ships lost Honolulu 7, 8, 10, found by their ramps). 2026-12-07, main
 * 58/11/29 → 59/10/28 (Busan 42 found; Honolulu's false (46,104) gone); the quay behind at ≤ 0.6–0.7
 * of the top the same, ≤ 0.75–0.85 59/11/28, 0.9 59/12/28; ridges ≥ 3 px 58/11/29 (Busan 42 lost).
 * Read as one mask with the ramps as well (their components on top of each apart's), a hull part dim,
 * part lit is one: Busan 12 and 20 (two craft of a row, one component) found, 59/10/28 → 61/10/26; but
 * along a quay's lit rim beside a dim apron ramps and ridges alternate too, in the quay's line, so the
 * joint components must stand out past one end by `minQuayJointBulgePx`: 3–5 px 61/10/26, 2 61/11/26,
 * 1 (as apart) 61/12/26 (Casablanca: a breakwater's rim, 242 m, and a white object at a breakwater's
 * root); with the quay behind a ridge at ≤ 0.8 of its top 61/13/26 (Busan's quay rim twice). Only Busan
 * gains, so leave-one-port-out cannot test the joint reading: its fold ties on the other three ports
 * and takes whichever is listed first (0.756 with it off first); on the three, 3 px adds no false one.
 * The experiment's code: /work/briefs/s37/h-sen2-ridge-experiment.patch.
 */
export function quayShelfHulls(
  nir: Float32Array,
  water: Uint8Array,
  valid: Uint8Array,
  width: number,
  height: number,
  opts: CoarseBerthOptions,
  dist = chessboardDistance(water, width, height),
): Uint8Array {
  const { gsdM, maxBeamM = MAX_BEAM_M, minQuayShelfPx = 10, maxQuayShelfLengthM = 200 } = opts;
  const { minQuayShelfElongation = 2, minQuayBulgePx = 1, minQuayJointBulgePx = 3 } = opts;
  if (!Number.isFinite(minQuayShelfPx)) return new Uint8Array(width * height);
  const { ramps, ridges } = shoreProfiles(nir, water, valid, width, height, opts, dist);
  const maxStep = Math.ceil(maxBeamM / gsdM);
  const hulls = (marked: Uint8Array, minOuterStep = minQuayBulgePx) =>
    bulgingPatches(
      labelComponents(marked, width, height, { connectivity: 8 }),
      water,
      width,
      height,
      (_, { major, minor }) => {
        const length = Math.sqrt(12) * major;
        return (
          length >= minQuayShelfPx && length * gsdM <= maxQuayShelfLengthM && major >= minQuayShelfElongation * minor
        );
      },
      (lo, hi) => lo >= minQuayBulgePx && hi >= minOuterStep && hi <= maxStep,
    );
  // Ramps and ridges apart, then together: a ridge joined to a ramp's component changes its shape.
  const out = hulls(ramps);
  orInPlace(out, hulls(ridges));
  if (Number.isFinite(minQuayJointBulgePx)) {
    orInPlace(ramps, ridges);
    orInPlace(out, hulls(ramps, minQuayJointBulgePx));
  }
  return out;
}

/** How far inboard of a ridge's top the quay's level behind it is read, bins of the profile (1 px
 * across the shore along a row or column, up to √2 on a diagonal one: 3–4.2 px): past the hull's far
 * side blurred (a beam of 2–3 px at 10 m lies on both sides of its top). Set in bins when measured
 * (sen2ships); the same 3 px on every shore, `round(3 / stride)` bins, loses a Busan hull (61/10/26 →
 * 60/10/27). */
const QUAY_RIDGE_REACH_BINS = 3;

/**
 * The NIR across the shore as two masks, `ramps` (a hull dimmer than the quay's edge) and `ridges` (a
 * hull brighter than the quay behind it). From each first land pixel (touching the water), the NIR is
 * read inboard along the shore's normal (`shoreNormal`) up to `QUAY_PROFILE_PX` pixels, one pixel per
 * step along the normal's major axis (a bin: 1 px across the shore along a row or column, up to √2 on
 * a diagonal one; widths below are counted in bins times that), to its first local maximum (the
 * quay's edge).
 * A ramp: the pixels before the edge lying between `minQuayRampNir` and `maxQuayRampNir` of the edge's
 * NIR span at least `minQuayRampPx` across the shore; those from `minQuayRampNir` up are marked. On an
 * oblique shore a 1 px wide band of mixes can still hold two pixels along the walk (a shore at 26.6°,
 * its mixed band's pixels two abreast on every other row), and reads as a ramp.
 * A ridge, where a profile holds no ramp: a white or lit hull against a darker apron (sen2ships Busan,
 * Casablanca), which the ramp reading takes for the quay's edge with at most the shore's blur before
 * it. There the profile falls past its first maximum to `maxQuayRidgeBackNir` of it or less within
 * `QUAY_RIDGE_REACH_BINS`, and the ridge (the pixels from the shore on, up to where it falls under
 * halfway from that level to its top, that are at least halfway) spans `minQuayRidgePx` across the
 * shore or more; every pixel from the shore to its inboard side is marked (the blur outboard of it is
 * the hull's water side, which the outboard-water test reads).
 */
export function shoreProfiles(
  nir: Float32Array,
  water: Uint8Array,
  valid: Uint8Array,
  width: number,
  height: number,
  opts: Pick<
    CoarseBerthOptions,
    'minQuayRampPx' | 'minQuayRampNir' | 'maxQuayRampNir' | 'maxQuayRidgeBackNir' | 'minQuayRidgePx'
  >,
  dist = chessboardDistance(water, width, height),
): { ramps: Uint8Array; ridges: Uint8Array } {
  const { minQuayRampPx = 2, minQuayRampNir = 0.25, maxQuayRampNir = 0.9 } = opts;
  const { maxQuayRidgeBackNir = 0.7, minQuayRidgePx = 2 } = opts;
  const ramps = new Uint8Array(width * height);
  const ridges = new Uint8Array(width * height);
  const profile: number[] = [];
  const at: number[] = [];
  for (let y = SHORE_NORMAL_R; y < height - SHORE_NORMAL_R; y++)
    for (let x = SHORE_NORMAL_R; x < width - SHORE_NORMAL_R; x++) {
      const p = y * width + x;
      if (dist[p] !== 1 || !valid[p]) continue;
      const normal = shoreNormal(water, p, width);
      if (!normal) continue;
      profile.length = 0;
      at.length = 0;
      // A pixel per step along the normal's major axis, so no pixel is read twice (rounding x + k·normal
      // repeats pixels on an oblique shore, and a repeated value reads as the quay's edge); each step
      // is `stride` pixels across the shore.
      const stride = 1 / Math.max(Math.abs(normal[0]), Math.abs(normal[1]));
      const steps = Math.round(QUAY_PROFILE_PX / stride);
      for (let k = 0; k <= steps; k++) {
        const qx = Math.round(x + normal[0] * stride * k);
        const qy = Math.round(y + normal[1] * stride * k);
        if (qx < 0 || qy < 0 || qx >= width || qy >= height) break;
        const q = qy * width + qx;
        if (water[q] || !valid[q]) break;
        profile.push(nir[q]!);
        at.push(q);
      }
      // The edge: the first local maximum inboard (a profile rising to its end has none read).
      let edge = 1;
      while (
        edge + 1 < profile.length &&
        !(profile[edge]! >= profile[edge + 1]! && profile[edge]! > profile[edge - 1]!)
      )
        edge++;
      if (edge + 1 >= profile.length) continue;
      const top = profile[edge]!;
      let ramp = 0;
      for (let j = 0; j < edge; j++)
        if (profile[j]! >= minQuayRampNir * top && profile[j]! <= maxQuayRampNir * top) ramp++;
      if (ramp * stride >= minQuayRampPx) {
        for (let j = 0; j < edge; j++) if (profile[j]! >= minQuayRampNir * top) ramps[at[j]!] = 1;
        continue;
      }
      const end = ridgeEnd(profile, edge, maxQuayRidgeBackNir, minQuayRidgePx / stride);
      for (let j = 0; j <= end; j++) ridges[at[j]!] = 1;
    }
  return { ramps, ridges };
}

/**
 * The last bin of a ridge topped at `edge` (its first local maximum) in a profile across the shore,
 * or −1 for none: the lowest value within `QUAY_RIDGE_REACH_BINS` beyond the top (the quay's level) at
 * most `maxBack` of the top, and at least `minBins` bins from the shore to the fall at least halfway
 * from that level to the top.
 */
export function ridgeEnd(profile: readonly number[], edge: number, maxBack: number, minBins: number): number {
  const top = profile[edge]!;
  if (!(maxBack > 0) || !(top > 0)) return -1;
  let back = top;
  for (let j = edge + 1; j < Math.min(profile.length, edge + 1 + QUAY_RIDGE_REACH_BINS); j++)
    back = Math.min(back, profile[j]!);
  if (back > maxBack * top) return -1;
  const half = (top + back) / 2;
  let end = edge;
  while (end + 1 < profile.length && profile[end + 1]! >= half) end++;
  let wide = 0;
  for (let j = 0; j <= end; j++) if (profile[j]! >= half) wide++;
  return wide >= minBins ? end : -1;
}

/** The unit vector from the water around pixel p (its `SHORE_NORMAL_R` window) towards p: the way
 * inboard across the shore; null where no water lies around it, or it lies evenly around. p must lie
 * at least `SHORE_NORMAL_R` pixels inside the block. */
function shoreNormal(water: Uint8Array, p: number, width: number): [number, number] | null {
  let sx = 0;
  let sy = 0;
  for (let dy = -SHORE_NORMAL_R; dy <= SHORE_NORMAL_R; dy++)
    for (let dx = -SHORE_NORMAL_R; dx <= SHORE_NORMAL_R; dx++)
      if (water[p + dy * width + dx]) {
        sx -= dx;
        sy -= dy;
      }
  const norm = Math.hypot(sx, sy);
  return norm > 0 ? [sx / norm, sy / norm] : null;
}
