/** Messages between the job runner (main thread) and analysis workers. */
import type { Bounds, JobErrorCode, SiteSettings, ZoneCollection } from '../../contract/index.ts';
import type { BandRole, Grid } from '../../processing/types.ts';
import type { AnalysisOutcome } from '../store/catalog.ts';

export interface PriorImageMsg {
  id: string;
  dir: string;
  acquiredAt: string;
}

/** Mirrors processing/pipeline.ts AnalyzeRequest (plain data, structured-clonable). */
export interface AnalyzeRequestMsg {
  site: {
    id: string;
    bounds: Bounds;
    settings: SiteSettings;
    zones: ZoneCollection;
    grid: Grid | null;
    bands: BandRole[] | null;
  };
  image: { id: string; path: string; bounds?: Bounds; acquiredAt: string };
  dir: string;
  reference: PriorImageMsg | null;
  previous: PriorImageMsg | null;
  others?: PriorImageMsg[];
}

export type ToWorker = { type: 'run'; jobId: string; request: AnalyzeRequestMsg } | { type: 'abort'; jobId: string };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; jobId: string; fraction: number; stage: string }
  | { type: 'done'; jobId: string; outcome: AnalysisOutcome }
  | { type: 'failed'; jobId: string; error: string; errorCode: JobErrorCode };
