/** What the HTTP app needs from the outside world: storage behind interfaces, config, keys, logs, the job queue. */
import { join } from 'node:path';
import type { ServerConfig } from './config.ts';
import type { KeyRing } from './http/keys.ts';
import type { Logger } from './http/log.ts';
import type { BlobStore } from './store/blob-store.ts';
import type { Catalog } from './store/catalog.ts';

/** Where derived, rebuildable data lives (analysis rasters, tile pyramids); ids are validated before use. */
export interface DataPaths {
  root: string;
  analysisDir(imageId: string): string;
  tilesDir(imageId: string): string;
}

export function dataPaths(root: string): DataPaths {
  return {
    root,
    analysisDir: (id) => join(root, 'analysis', id),
    tilesDir: (id) => join(root, 'tiles', id),
  };
}

export interface AppDeps {
  config: ServerConfig;
  catalog: Catalog;
  blobs: BlobStore;
  keys: KeyRing;
  log: Logger;
  paths: DataPaths;
  /** Tells the job runner new work is queued. */
  wakeJobs(): void;
  /** Stops a running analysis of an image being deleted. */
  cancelJobs(imageId: string): void;
  /** Directory of the built web app (dist/client). */
  clientDir: string;
  version: string;
}
