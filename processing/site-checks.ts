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
 * and its previous date (change.ts): a grey image on an RGB site, or RGB + NIR on an RGB one, can
 * only fail there. `bands` and `referenceBands` count roles (1 grey, 3 RGB, 4 for RGB + NIR and more).
 */
export function refuseOtherBands(bands: number, referenceBands: number, field = 'file'): void {
  if (bands === referenceBands) return;
  const name = (n: number) => BAND_NAMES[n] ?? `${n} bands`;
  throw new ProcessingError(
    'bad_bands',
    `image has ${name(bands)}; this site's reference image has ${name(referenceBands)}, and the analysis compares images band for band`,
    field,
  );
}
