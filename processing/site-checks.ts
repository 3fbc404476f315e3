/**
 * What an image must meet to be analysed against its site: overlap, ground resolution, bands. Pure
 * rules (no decoding), so the upload (server/ingest) and the analysis (warp.ts, normalize.ts) apply
 * the same ones and an image the upload accepts is never one its job can only fail on.
 */
import { type Bounds, MAX_MIN_VESSEL_LENGTH_M } from '../contract/index.ts';
import { ProcessingError } from './errors.ts';

/** What the rules read of a probed image (validate.ts ImageProbe). */
export interface ProbedPlacement {
  width: number;
  height: number;
  bounds: Bounds;
  gsdM: number;
  georeferenced: boolean;
}

/** Bounds for a message: [w, s, e, n] to 5 decimals (~1 m), trailing zeros dropped. */
function formatBounds(b: Bounds): string {
  return `[${b.map((v) => Number(v.toFixed(5))).join(', ')}]`;
}

/**
 * Refuses an image whose EPSG:4326 envelope misses the site's: the wrong image for this site, or
 * bounds with a typo. The one rule for both the upload (server/ingest) and the analysis (warp.ts),
 * so an image the upload accepts is never one the analysis refuses for this reason.
 */
export function refuseOutsideSite(image: Bounds, site: Bounds): void {
  const [w, s, e, n] = image;
  const [sw, ss, se, sn] = site;
  if (w >= se || e <= sw || s >= sn || n <= ss) {
    throw new ProcessingError(
      'no_overlap',
      `image bounds ${formatBounds(image)} do not overlap the site ${formatBounds(site)}`,
      'bounds',
    );
  }
}

/**
 * A pixel wider than the longest hull any site may ask to count (minVesselLengthM ≤ 500 m) holds no
 * countable vessel, and no rail car (≤ 60 m) either: nothing of a port analysis is left. Every sensor
 * imaging ports passes (Sentinel-2 10–60 m, Landsat 30 m, the 300 m Landsat fixture, MODIS 250 m); bounds
 * that belong to another image (a whole-world box on a thumbnail: hundreds of km a pixel) do not.
 */
export const MAX_GSD_M = MAX_MIN_VESSEL_LENGTH_M;

/**
 * Refuses pixels too coarse for any port analysis (MAX_GSD_M); the bounds are at fault unless the file
 * placed itself. Used by the upload and the analysis (warp.ts) alike; decoding alone does not apply it.
 */
export function refuseTooCoarse(probe: ProbedPlacement, maxGsdM = MAX_GSD_M): void {
  if (probe.gsdM <= maxGsdM) return;
  const size = probe.gsdM >= 1000 ? `${(probe.gsdM / 1000).toFixed(1)} km` : `${probe.gsdM.toFixed(1)} m`;
  throw new ProcessingError(
    'too_coarse',
    `${probe.width} × ${probe.height} px over ${formatBounds(probe.bounds)} gives pixels of ${size}; the limit is ${maxGsdM} m a pixel (the longest vessel a site can count)`,
    probe.georeferenced ? 'file' : 'bounds',
  );
}

const BAND_NAMES: Record<number, string> = { 1: '1 band (grey)', 3: '3 bands (RGB)', 4: '4 bands (RGB + NIR)' };

/**
 * The analysis matches and compares an image band for band with the site's reference (normalize.ts)
 * and its previous date (change.ts), reading of each image the reference's bands (band-select.ts). An
 * RGB + NIR image on an RGB site is read as its RGB. The other way round is refused: on a site whose
 * reference has NIR, every date's analysis raster holds NIR and the normalisation, the change between
 * dates and the water mask (its NDWI on each date and on the other dates the detectors pool) read it;
 * an RGB date there would need each of them to fall back, date by date, to an RGB-only comparison.
 * A grey image on an RGB site (or RGB on a grey one) has no band to compare with. `bands` and
 * `referenceBands` count roles (1 grey, 3 RGB, 4 for RGB + NIR and more).
 */
export function refuseOtherBands(bands: number, referenceBands: number, field = 'file'): void {
  if (bands === referenceBands || (bands === 4 && referenceBands === 3)) return;
  const name = (n: number) => BAND_NAMES[n] ?? `${n} bands`;
  const reason =
    bands === 3 && referenceBands === 4
      ? ': every date of this site is analysed with its near-infrared band (the water mask, the normalisation to the reference and the change between dates read it), which this image lacks; analyse it on a site whose reference image is RGB'
      : ', and the analysis compares images band for band';
  throw new ProcessingError(
    'bad_bands',
    `image has ${name(bands)}; this site's reference image has ${name(referenceBands)}${reason}`,
    field,
  );
}
