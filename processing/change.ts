/** Change detection: a per-block mask of pixels that changed between two registered, normalised images. */
import { componentShape, labelComponents } from './components.ts';
import { addRangeDistance, boxMean, rangeScratch, SATURATED } from './envelope.ts';
import { ProcessingError } from './errors.ts';
import type { BandRole, Block } from './types.ts';

/** Context (px) the pipeline adds around each block: the envelope, smoothing and blob decisions look this far. */
export const CHANGE_MARGIN_PX = 8;

export { SATURATED } from './envelope.ts';

export interface ChangeOptions {
  /** Seed level of the smoothed colour difference (0..1 units, after normalisation). */
  threshold?: number;
  /** Level a changed region may grow into from its seeds (hysteresis). */
  lowThreshold?: number;
  /** Smallest changed blob kept, px. */
  minAreaPx?: number;
  /**
   * Share of the neighbourhood's range a pixel may move towards (0.5: up to the half-way values to
   * each neighbour, i.e. ±½ px of misregistration on a sharp edge). 1 tolerates whole-pixel shifts
   * but blinds the mask to objects under 3 px wide.
   */
  tolerance?: number;
  /** Half-size of the box that averages the difference before thresholding. */
  smoothPx?: number;
  /**
   * Weight of a change where neither date is achromatic (grey, white, black: roofs, concrete,
   * asphalt, hulls, rail cars), relative to one where either is. Natural surfaces (vegetation, soil,
   * water) are chromatic and change with seasons and tides; 1 weighs all change alike.
   */
  naturalWeight?: number;
  /** Colour distance above which a change counts in full even between chromatic surfaces; it keeps what exceeds this. */
  strongChange?: number;
  /**
   * The blocks to judge greyness on, when the compared ones were normalised: per-band normalisation
   * to another date's histograms shifts hues where land cover changed, so greyness is best read in
   * each image's own radiometry (un-normalised, same window). Defaults to the compared blocks.
   */
  chroma?: { previous?: Block; current?: Block };
  /** Saturation ((max−min)/max over R, G, B) at and above which a surface counts as fully chromatic. */
  chromaticSaturation?: number;
  /**
   * Smallest fill of a kept blob: its area over that of the rectangle with the same second
   * moments (1 for a rectangle, ~0.3 for a thin ring or a ragged fringe). Man-made objects are compact.
   */
  minFill?: number;
}

/**
 * 1 where the scene changed between `previous` and `current` (same window, same bands, already
 * registered and normalised), 0 elsewhere and wherever either image is invalid.
 *
 * 1. Per band, each pixel is compared with the value range of its 3×3 neighbourhood in the other
 *    image, both ways, keeping the smaller distance (the envelope test of Bruzzone & Cossu 2003,
 *    shrunk to half-way values so objects 1–2 px wide survive): an edge displaced by under half a
 *    pixel lies inside the other image's range and scores 0. Saturated values are censored.
 * 2. Bands combine into a colour distance, weighted down where both dates are chromatic
 *    (natural surfaces), then averaged over a box against noise.
 * 3. Hysteresis (seeds above `threshold`, grown over `lowThreshold`), a minimum blob size and a
 *    minimum fill decide per object, not per pixel.
 * Work is done in row strips so the temporaries stay in cache.
 */
export function changeMask(previous: Block, current: Block, opts: ChangeOptions = {}): Uint8Array {
  const { width, height } = previous.window;
  checkBlocks(previous, current);
  const { fine, coarse } = scores(previous, current, opts);
  return decide(fine, coarse, previous.valid, current.valid, width, height, opts);
}

function checkBlocks(previous: Block, current: Block): void {
  const { width, height } = previous.window;
  if (current.window.width !== width || current.window.height !== height) {
    throw new ProcessingError(
      'bad_bands',
      `blocks differ in size: previous ${width}×${height}, current ${current.window.width}×${current.window.height}`,
    );
  }
  if (previous.bands.length !== current.bands.length) {
    throw new ProcessingError(
      'bad_bands',
      `current block has ${current.bands.length} bands; the previous has ${previous.bands.length}`,
    );
  }
}

/** Rows per strip: the four scratch planes of a strip (plus halo) stay in the CPU cache. */
const STRIP = 16;

/** The smoothed, weighted change score of every pixel (0..~1.7), before any decision. */
export function changeScore(previous: Block, current: Block, opts: ChangeOptions = {}): Float32Array {
  return scores(previous, current, opts).coarse;
}

/**
 * The weighted two-way distance averaged over 3×3 (`fine`, which draws outlines) and further over
 * `smoothPx` (`coarse`, which decides objects).
 */
function scores(previous: Block, current: Block, opts: ChangeOptions): { fine: Float32Array; coarse: Float32Array } {
  const { tolerance = 0.5, smoothPx = 3, naturalWeight = 0, strongChange = 0.3, chromaticSaturation = 0.25 } = opts;
  checkBlocks(previous, current);
  const { width: w, height: h } = previous.window;
  const dist = new Float32Array(w * h);
  const scratch = rangeScratch(w, STRIP);
  const censor = previous.bands.map((b, i) => hasSaturation(b) || hasSaturation(current.bands[i]!));
  const rgbP = rgbBands(opts.chroma?.previous ?? previous);
  const rgbC = rgbBands(opts.chroma?.current ?? current);
  const invSat = 1 / chromaticSaturation;
  for (let y0 = 0; y0 < h; y0 += STRIP) {
    const y1 = Math.min(h, y0 + STRIP);
    for (let b = 0; b < previous.bands.length; b++) {
      addRangeDistance(previous.bands[b]!, current.bands[b]!, w, h, y0, y1, tolerance, censor[b]!, dist, scratch);
    }
    const end = y1 * w;
    if (rgbP && rgbC && naturalWeight < 1) {
      for (let k = y0 * w; k < end; k++) {
        const d = Math.sqrt(dist[k]!);
        const a = achromatic(rgbP[0][k]!, rgbP[1][k]!, rgbP[2][k]!, invSat);
        const c = achromatic(rgbC[0][k]!, rgbC[1][k]!, rgbC[2][k]!, invSat);
        const weighted = d * (naturalWeight + (1 - naturalWeight) * (a > c ? a : c));
        // A change too strong for seasons (a red hull on blue water) counts whatever the colours.
        const strong = d - strongChange;
        dist[k] = weighted > strong ? weighted : strong;
      }
    } else {
      for (let k = y0 * w; k < end; k++) dist[k] = Math.sqrt(dist[k]!);
    }
  }
  const fine = boxMean(dist, w, h, 1);
  return { fine, coarse: smoothPx > 1 ? boxMean(fine, w, h, smoothPx - 1) : fine };
}

/** 1 for a grey pixel, falling to 0 at saturation ≥ chromaticSaturation (invSat is its inverse). */
function achromatic(r: number, g: number, b: number, invSat: number): number {
  const mx = r > g ? (r > b ? r : b) : g > b ? g : b;
  const mn = r < g ? (r < b ? r : b) : g < b ? g : b;
  const a = 1 - ((mx - mn) / (mx + 0.02)) * invSat;
  return a > 0 ? (a < 1 ? a : 1) : 0;
}

function rgbBands(block: Block): [Float32Array, Float32Array, Float32Array] | null {
  if (block.valid.length !== block.window.width * block.window.height) return null;
  const find = (role: BandRole) => block.bands[block.roles.indexOf(role)];
  const r = find('red');
  const g = find('green');
  const b = find('blue');
  return r && g && b ? [r, g, b] : null;
}

function hasSaturation(band: Float32Array): boolean {
  for (let i = 0; i < band.length; i++) if (band[i]! >= SATURATED) return true;
  return false;
}

/** Hysteresis, validity, minimum area and fill: the per-object decision, then the fine outline. */
function decide(
  fine: Float32Array,
  score: Float32Array,
  validA: Uint8Array,
  validB: Uint8Array,
  w: number,
  h: number,
  opts: ChangeOptions,
): Uint8Array {
  const { threshold = 0.13, lowThreshold = 0.06, minAreaPx = 12, minFill = 0.4 } = opts;
  const n = w * h;
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = validA[i]! & validB[i]! & (score[i]! > lowThreshold ? 1 : 0);
  const { labels, components } = labelComponents(mask, w, h);
  const keep = new Uint8Array(components.length + 1);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l > 0 && score[i]! > threshold) keep[l] = 1;
  }
  for (const c of components) {
    if (!keep[c.label]) continue;
    if (c.area < minAreaPx) keep[c.label] = 0;
    else if (minFill > 0 && c.area >= 16) {
      const s = componentShape(c);
      // A solid rectangle with axis std-devs σ1, σ2 has area 12·σ1·σ2.
      const fill = c.area / (12 * s.major * s.minor);
      if (fill < minFill) keep[c.label] = 0;
    }
  }
  // Objects are decided on the coarse score; their outline follows the fine one.
  for (let i = 0; i < n; i++) mask[i] = keep[labels[i]!]! & (fine[i]! > lowThreshold ? 1 : 0);
  return mask;
}
