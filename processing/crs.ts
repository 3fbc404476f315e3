/**
 * Coordinate reference systems: proj4 definitions for the EPSG codes imagery comes in, and
 * transforms between a CRS and lon/lat (EPSG:4326).
 *
 * proj4 itself knows EPSG:4326, 4269, 3857 and the WGS 84 UTM zones (326xx/327xx); we add the
 * other UTM families satellite and aerial products ship in, plus a few national grids. Anything
 * else is refused with `unsupported_crs` rather than guessed.
 */
import proj4 from 'proj4';
import { ProcessingError } from './errors.ts';

const EXTRA: Record<number, string> = {
  4258: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0 +no_defs',
  4283: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0 +no_defs',
  4167: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0 +no_defs',
  3395: '+proj=merc +lon_0=0 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs',
  2154: '+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0 +units=m +no_defs',
  27700:
    '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs',
  3031: '+proj=stere +lat_0=-90 +lat_ts=-71 +lon_0=0 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs',
  3413: '+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs',
  2056: '+proj=somerc +lat_0=46.9524055555556 +lon_0=7.43958333333333 +k_0=1 +x_0=2600000 +y_0=1200000 +ellps=bessel +towgs84=674.374,15.056,405.346,0,0,0,0 +units=m +no_defs',
  3067: '+proj=utm +zone=35 +ellps=GRS80 +towgs84=0,0,0 +units=m +no_defs',
  5186: '+proj=tmerc +lat_0=38 +lon_0=127 +k=1 +x_0=200000 +y_0=600000 +ellps=GRS80 +towgs84=0,0,0 +units=m +no_defs',
};

/** UTM families by EPSG code: [first code, first zone, last zone, datum/ellipsoid, south]. */
const UTM_FAMILIES: Array<[number, number, number, string, boolean]> = [
  [26901, 1, 23, '+datum=NAD83', false], // NAD83 / UTM 1N–23N (e.g. 26913, Colorado aerials)
  [25828, 28, 38, '+ellps=GRS80 +towgs84=0,0,0', false], // ETRS89 / UTM 28N–38N
  [28348, 48, 58, '+ellps=GRS80 +towgs84=0,0,0', true], // GDA94 / MGA 48–58
  [7846, 46, 59, '+ellps=GRS80 +towgs84=0,0,0', true], // GDA2020 / MGA 46–59
  [32201, 1, 60, '+ellps=WGS72 +towgs84=0,0,4.5,0,0,0.554,0.2263', false], // WGS 72 / UTM N
  [32301, 1, 60, '+ellps=WGS72 +towgs84=0,0,4.5,0,0,0.554,0.2263', true], // WGS 72 / UTM S
  [31965, 11, 22, '+ellps=GRS80 +towgs84=0,0,0', false], // SIRGAS 2000 / UTM 11N–22N
  [31977, 17, 25, '+ellps=GRS80 +towgs84=0,0,0', true], // SIRGAS 2000 / UTM 17S–25S
  [3097, 51, 55, '+ellps=GRS80 +towgs84=0,0,0', false], // JGD2000 / UTM 51N–55N
];

/** The proj4 definition string for an EPSG code, or null when we do not know it. */
function projDefinition(epsg: number): string | null {
  const known = proj4.defs(`EPSG:${epsg}`);
  if (known) return `EPSG:${epsg}`;
  const extra = EXTRA[epsg];
  if (extra) return extra;
  for (const [first, zone0, zone1, datum, south] of UTM_FAMILIES) {
    const zone = zone0 + (epsg - first);
    if (epsg >= first && zone <= zone1) {
      return `+proj=utm +zone=${zone}${south ? ' +south' : ''} ${datum} +units=m +no_defs`;
    }
  }
  return null;
}

/** Converts between a CRS and lon/lat. */
export interface CrsTransform {
  crs: string;
  /** True when the CRS is lon/lat itself (no projection). */
  geographic: boolean;
  toLonLat(x: number, y: number): [number, number];
  fromLonLat(lon: number, lat: number): [number, number];
}

const GEOGRAPHIC = new Set([4326, 4269, 4258, 4283, 4167]);

/** A transform for `crs` ('EPSG:32652'); throws `unsupported_crs` for codes we cannot project. */
export function crsTransform(crs: string): CrsTransform {
  const m = /^EPSG:(\d+)$/.exec(crs);
  const epsg = m ? Number(m[1]) : Number.NaN;
  const def = Number.isFinite(epsg) ? projDefinition(epsg) : null;
  if (!def) {
    throw new ProcessingError(
      'unsupported_crs',
      `coordinate reference system ${crs} is not supported; use EPSG:4326, EPSG:3857 or a UTM zone`,
      'file',
    );
  }
  if (GEOGRAPHIC.has(epsg)) {
    // Datum shifts between these and WGS 84 are below a metre: treat them as lon/lat.
    return { crs, geographic: true, toLonLat: (x, y) => [x, y], fromLonLat: (lon, lat) => [lon, lat] };
  }
  const conv = proj4(def, 'EPSG:4326');
  return {
    crs,
    geographic: false,
    toLonLat: (x, y) => conv.forward([x, y]) as [number, number],
    fromLonLat: (lon, lat) => conv.inverse([lon, lat]) as [number, number],
  };
}
