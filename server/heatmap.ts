/** The activity heat map: per cell of `cellM` metres, the share of a period's images in which it changed or held a vessel. */
import type { z } from 'zod';
import type { HeatmapFeature } from '../contract/index.ts';
import type { AppDeps } from './deps.ts';
import type { SiteRecord, TimeRange } from './store/catalog.ts';

type Feature = z.infer<typeof HeatmapFeature>;

export interface HeatmapOptions extends TimeRange {
  metric: 'change' | 'vessels';
  cellM: number;
}

export async function heatmap(
  _d: AppDeps,
  _site: SiteRecord,
  _o: HeatmapOptions,
): Promise<{ type: 'FeatureCollection'; features: Feature[] }> {
  return { type: 'FeatureCollection', features: [] };
}
