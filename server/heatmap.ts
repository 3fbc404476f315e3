/**
 * The activity heat map of a site over a period, on square-ish cells of `cellM` metres laid over the
 * site grid: `change` weights a cell by the share of the period's images whose change mask covers at
 * least 5 % of it; `vessels` by the share in which a detected vessel's box covers its centre or holds
 * its centroid. Cells with weight 0 are left out. Results are cached per site version.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { booleanPointInPolygon, centroid } from '@turf/turf';
import sharp from 'sharp';
import type { z } from 'zod';
import type { HeatmapFeature } from '../contract/index.ts';
import type { Grid } from '../processing/types.ts';
import type { AppDeps } from './deps.ts';
import type { ImageRecord, SiteRecord, TimeRange } from './store/catalog.ts';

type Feature = z.infer<typeof HeatmapFeature>;
export type HeatmapCollection = { type: 'FeatureCollection'; features: Feature[] };

export interface HeatmapOptions extends TimeRange {
  metric: 'change' | 'vessels';
  cellM: number;
}

/** A cell changed when at least this share of its pixels changed (one stray pixel is noise, not activity). */
const CHANGED_SHARE = 0.05;
/** Cap on cells per side so a tiny cellM over a big site stays cheap. */
const MAX_CELLS_SIDE = 1000;

interface Cells {
  cw: number;
  ch: number;
}

function cellsOf(grid: Grid, cellM: number): Cells {
  const cw = Math.max(1, Math.min(MAX_CELLS_SIDE, Math.round((grid.width * grid.pixelWidthM) / cellM)));
  const ch = Math.max(1, Math.min(MAX_CELLS_SIDE, Math.round((grid.height * grid.pixelHeightM) / cellM)));
  return { cw, ch };
}

async function readyImages(d: AppDeps, site: SiteRecord, range: TimeRange): Promise<ImageRecord[]> {
  const out: ImageRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await d.catalog.listImages(site.id, range, { limit: 1000, cursor });
    out.push(...page.items.filter((i) => i.analysisRev > 0));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

async function changeCounts(d: AppDeps, images: ImageRecord[], { cw, ch }: Cells) {
  const counts = new Uint32Array(cw * ch);
  let n = 0;
  for (const img of images) {
    const file = join(d.paths.analysisDir(img.id), 'change.png');
    if (!existsSync(file)) continue;
    // Area-averaging downscale: each cell's byte is the changed share of its pixels × 255.
    const cells = await sharp(file, { limitInputPixels: false })
      .extractChannel(0)
      .resize(cw, ch, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
    for (let i = 0; i < counts.length; i++) if (cells[i]! >= CHANGED_SHARE * 255) counts[i]!++;
    n++;
  }
  return { counts, n };
}

async function vesselCounts(d: AppDeps, images: ImageRecord[], grid: Grid, { cw, ch }: Cells) {
  const counts = new Uint32Array(cw * ch);
  const [w, s, e, nn] = grid.bounds;
  const dx = (e - w) / cw;
  const dy = (nn - s) / ch;
  const cellOf = (lon: number, lat: number) => [Math.floor((lon - w) / dx), Math.floor((nn - lat) / dy)] as const;
  for (const img of images) {
    const hit = new Uint8Array(cw * ch);
    for (const det of await d.catalog.listDetections(img.id, 'vessel')) {
      const ring = det.geometry.coordinates[0] ?? [];
      const lons = ring.map((p) => p[0]!);
      const lats = ring.map((p) => p[1]!);
      const [i0, j1] = cellOf(Math.min(...lons), Math.min(...lats));
      const [i1, j0] = cellOf(Math.max(...lons), Math.max(...lats));
      for (let j = Math.max(0, j0); j <= Math.min(ch - 1, j1); j++) {
        for (let i = Math.max(0, i0); i <= Math.min(cw - 1, i1); i++) {
          const c: [number, number] = [w + (i + 0.5) * dx, nn - (j + 0.5) * dy];
          if (booleanPointInPolygon(c, det.geometry)) hit[j * cw + i] = 1;
        }
      }
      const [cx, cy] = centroid(det.geometry).geometry.coordinates as [number, number];
      const [ci, cj] = cellOf(cx, cy);
      if (ci >= 0 && ci < cw && cj >= 0 && cj < ch) hit[cj * cw + ci] = 1;
    }
    for (let k = 0; k < hit.length; k++) counts[k]! += hit[k]!;
  }
  return { counts, n: images.length };
}

const cache = new Map<string, HeatmapCollection>();

/** The heat map of `site` (empty when the site has no analysed image in the period). */
export async function heatmap(d: AppDeps, site: SiteRecord, o: HeatmapOptions): Promise<HeatmapCollection> {
  const key = `${d.paths.root}:${site.id}:${site.createdAt}:${site.version}:${o.metric}:${o.cellM}:${o.from ?? ''}:${o.to ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const grid = site.grid;
  const features: Feature[] = [];
  if (grid) {
    const cells = cellsOf(grid, o.cellM);
    const images = await readyImages(d, site, o);
    const { counts, n } =
      o.metric === 'change' ? await changeCounts(d, images, cells) : await vesselCounts(d, images, grid, cells);
    const [w, , e, nn] = grid.bounds;
    const s = grid.bounds[1];
    for (let j = 0; j < cells.ch && n > 0; j++) {
      for (let i = 0; i < cells.cw; i++) {
        const c = counts[j * cells.cw + i]!;
        if (c === 0) continue;
        const lon = w + ((i + 0.5) * (e - w)) / cells.cw;
        const lat = nn - ((j + 0.5) * (nn - s)) / cells.ch;
        features.push({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [+lon.toFixed(7), +lat.toFixed(7)] },
          properties: { weight: +(c / n).toFixed(4) },
        });
      }
    }
  }
  const fc: HeatmapCollection = { type: 'FeatureCollection', features };
  if (cache.size > 200) cache.clear();
  cache.set(key, fc);
  return fc;
}
