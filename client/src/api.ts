// Typed access to the Berthwatch HTTP API (DESIGN "HTTP API"): reads, URL builders and the upload.

import type { FeatureCollection, Point, Polygon } from 'geojson';
import type { Image, Job, Problem, ScoreRow, Site } from '../../contract/index.ts';

/** A non-2xx answer, with the server's problem+json when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem ? problem.detail || problem.title : `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

interface PageBody<T> {
  items: T[];
  nextCursor: string | null;
}

export type DetectionCollection = FeatureCollection<Polygon, import('../../contract/index.ts').DetectionProperties>;
export type HeatmapCollection = FeatureCollection<Point, { weight: number }>;
export type HeatmapMetric = 'change' | 'vessels';

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && 'status' in body && 'title' in body;
}

/** Parses a failed response into an ApiError (problem+json when present). */
async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // A proxy or crash page: no problem body, the status says enough.
  }
  return new ApiError(res.status, isProblem(body) ? body : null);
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) throw await toApiError(res);
  return (await res.json()) as T;
}

/** Follows `nextCursor` until the list ends (max page size, DESIGN "Lists use cursor pagination"). */
async function getAll<T>(path: string, signal?: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url: string = `${path}${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: PageBody<T> = await getJson<PageBody<T>>(url, signal);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

const enc = encodeURIComponent;

/** Relative API paths, also used for the copyable links. */
export const paths = {
  sites: () => '/api/sites',
  site: (site: string) => `/api/sites/${enc(site)}`,
  images: (site: string) => `/api/sites/${enc(site)}/images`,
  uploadImage: (site: string) => `/api/sites/${enc(site)}/images`,
  scores: (site: string, zone?: string, format?: 'csv') => {
    const q = new URLSearchParams();
    if (zone) q.set('zone', zone);
    if (format) q.set('format', format);
    const qs = q.toString();
    return `/api/sites/${enc(site)}/scores${qs ? `?${qs}` : ''}`;
  },
  detections: (image: string) => `/api/images/${enc(image)}/detections`,
  image: (image: string) => `/api/images/${enc(image)}`,
  stac: (image: string) => `/api/images/${enc(image)}/stac`,
  tileJson: (image: string) => `/api/images/${enc(image)}/tiles.json`,
  tiles: (image: string) => `/api/images/${enc(image)}/tiles/{z}/{x}/{y}.png`,
  changeTiles: (image: string) => `/api/images/${enc(image)}/change/{z}/{x}/{y}.png`,
  heatmap: (site: string, metric: HeatmapMetric, from?: string, to?: string) => {
    const q = new URLSearchParams({ metric });
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    return `/api/sites/${enc(site)}/heatmap?${q}`;
  },
  job: (job: string) => `/api/jobs/${enc(job)}`,
};

/** Absolute URL of an API path, for copying out of the app. Keeps `{z}/{x}/{y}` readable. */
export function absolute(path: string): string {
  return new URL(path, window.location.origin).toString().replaceAll('%7B', '{').replaceAll('%7D', '}');
}

export const api = {
  sites: (signal?: AbortSignal) => getAll<Site>(paths.sites(), signal),
  site: (site: string, signal?: AbortSignal) => getJson<Site>(paths.site(site), signal),
  images: (site: string, signal?: AbortSignal) => getAll<Image>(paths.images(site), signal),
  scores: (site: string, signal?: AbortSignal) => getAll<ScoreRow>(paths.scores(site), signal),
  detections: (image: string, signal?: AbortSignal) => getJson<DetectionCollection>(paths.detections(image), signal),
  heatmap: (site: string, metric: HeatmapMetric, from?: string, to?: string, signal?: AbortSignal) =>
    getJson<HeatmapCollection>(paths.heatmap(site, metric, from, to), signal),
  job: (job: string, signal?: AbortSignal) => getJson<Job>(paths.job(job), signal),
  tileJson: (image: string, signal?: AbortSignal) => getJson<TileJson>(paths.tileJson(image), signal),
};

/** Where the app keeps the API key the analyst typed (write routes need it; DESIGN "HTTP API"). */
export const API_KEY_STORAGE = 'berthwatch.apiKey';

/** Removes an image (DELETE /api/images/:id, with the key); the server re-scores the date after it. */
export async function deleteImage(image: string, apiKey: string, signal?: AbortSignal): Promise<void> {
  const res = await fetch(paths.image(image), {
    method: 'DELETE',
    signal,
    headers: { accept: 'application/json', authorization: `Bearer ${apiKey}` },
  });
  if (!res.ok) throw await toApiError(res);
}

/** The TileJSON 3.0.0 fields the map uses. */
export interface TileJson {
  tiles: string[];
  minzoom?: number;
  maxzoom?: number;
  bounds?: [number, number, number, number];
}

export interface UploadResult {
  status: number;
  image: Image;
  job: Job | null;
}

/**
 * Sends one image as multipart/form-data with the API key. XMLHttpRequest rather than fetch
 * because only XHR reports upload progress in browsers today.
 */
export function uploadImage(
  site: string,
  form: FormData,
  apiKey: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', paths.uploadImage(site));
    xhr.setRequestHeader('Authorization', `Bearer ${apiKey}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, null));
    xhr.onabort = () => reject(new DOMException('upload cancelled', 'AbortError'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body && typeof body === 'object') {
        const b = body as { image?: Image; job?: Job | null } & Partial<Image>;
        // 202 → {image, job}; 200 (same bytes again) → the existing image, bare or wrapped.
        const image = b.image ?? (b as Image);
        resolve({ status: xhr.status, image, job: b.job ?? null });
      } else {
        reject(new ApiError(xhr.status, isProblem(body) ? body : null));
      }
    };
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}
