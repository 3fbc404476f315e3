/**
 * Types shared by the processing stages. The pipeline (pipeline.ts) owns I/O and hands each
 * stage plain in-memory blocks; stages never read files, the environment or HTTP.
 */
import type { Bounds } from '../contract/index.ts';

/** A pixel window of a raster, in pixels of that raster. */
export interface Window {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type BandRole = 'red' | 'green' | 'blue' | 'nir' | 'gray';

/**
 * The pixel grid an image is analysed on. Every image of a site is resampled onto the
 * site's grid (equally spaced in lon/lat over the site bounds, at the first image's GSD), so
 * pixel (x, y) is the same place on the ground in every date, up to residual misregistration
 * which register.ts measures.
 */
export interface Grid {
  /** [west, south, east, north] in EPSG:4326; pixel edges, not centres. */
  bounds: Bounds;
  width: number;
  height: number;
  /** Ground size of a pixel at the grid centre, metres (geodesic). */
  pixelWidthM: number;
  pixelHeightM: number;
}

/**
 * Pixels of one window: planar bands scaled 0..1 (band i has role roles[i]) and a validity
 * mask (1 = a real pixel of the image, 0 = outside its footprint or nodata).
 */
export interface Block {
  window: Window;
  roles: BandRole[];
  bands: Float32Array[];
  valid: Uint8Array;
}

/** An oriented box in pixel coordinates of a block or grid. Angle: radians, long axis, from +x towards +y. */
export interface PixelBox {
  cx: number;
  cy: number;
  length: number;
  width: number;
  angle: number;
  confidence: number;
}

export type Progress = (fraction: number, stage: string) => void;

/** Options every long-running call takes. */
export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: Progress;
}

/** A shift in grid pixels: reading with it samples the source at (x + dx, y + dy). */
export interface Shift {
  dx: number;
  dy: number;
}

/**
 * Reads windows of an image already on the site grid. The on-disk analysis raster
 * (analysis-raster.ts) and the in-memory reader (block-reader.ts, for tests) both implement it.
 * With `shift`, pixel (x, y) of the returned block is the source sampled bilinearly at
 * (x + dx, y + dy); samples falling outside the source are invalid.
 */
export interface BlockReader {
  readonly width: number;
  readonly height: number;
  readonly roles: BandRole[];
  read(window: Window, options?: { shift?: Shift }): Promise<Block>;
}
