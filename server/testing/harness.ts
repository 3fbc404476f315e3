/** Test helpers: a real server on a random port over a temp data dir, real HTTP, and small real images. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { type Bounds, Job } from '../../contract/index.ts';
import type { ServerConfig } from '../config.ts';
import { type RunningServer, startServer } from '../start.ts';

export const TEST_KEY = 'test-key-0123456789abcdef';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** fetch against the server; `auth: true` adds the test key. */
  req(path: string, init?: RequestInit & { auth?: boolean | string }): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestServer(
  opts: { dataDir?: string; config?: Partial<ServerConfig>; apiKeys?: string[]; workerEntry?: URL } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'bw-test-')));
  const s = await startServer({
    dataDir,
    apiKeys: opts.apiKeys ?? [TEST_KEY],
    config: { log: 'silent', ...opts.config },
    workerEntry: opts.workerEntry,
  });
  return {
    ...s,
    dataDir,
    req(path, init = {}) {
      const { auth, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (auth) headers.set('authorization', `Bearer ${auth === true ? TEST_KEY : auth}`);
      return fetch(s.url + path, { ...rest, headers });
    },
    async stop() {
      await s.close();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The job once it has succeeded or failed, polled over the API; throws after `timeoutMs`. */
export async function settledJob(server: TestServer, id: string, timeoutMs = 120_000): Promise<Job> {
  for (const t0 = Date.now(); ; ) {
    const job = Job.parse(await (await server.req(`/api/jobs/${id}`)).json());
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    if (Date.now() - t0 > timeoutMs) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Where a test site lies: BOUNDS with ZONES unless a sample crop's bounds, zones and settings are given. */
export interface SitePlace {
  bounds: Bounds;
  zones: unknown;
  settings?: unknown;
}

/** Creates site `id` through the API; the response, for the caller to check (201). */
export function createSite(
  server: TestServer,
  id: string,
  name = id,
  place: SitePlace = { bounds: BOUNDS, zones: ZONES },
): Promise<Response> {
  return server.req('/api/sites', {
    method: 'POST',
    auth: true,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, name, bounds: place.bounds, zones: place.zones, settings: place.settings }),
  });
}

/** A small zones collection inside BOUNDS: one berth, one rail line, one anchorage. */
export const BOUNDS: [number, number, number, number] = [130.24, 42.24, 130.26, 42.256];
export const ZONES = {
  type: 'FeatureCollection' as const,
  features: [
    {
      type: 'Feature' as const,
      properties: { id: 'pier-1', name: 'Pier 1', kind: 'berth' as const },
      geometry: {
        type: 'Polygon' as const,
        coordinates: [
          [
            [130.245, 42.245],
            [130.25, 42.245],
            [130.25, 42.25],
            [130.245, 42.25],
            [130.245, 42.245],
          ],
        ],
      },
    },
    {
      type: 'Feature' as const,
      properties: { id: 'yard', name: 'Rail yard', kind: 'rail' as const },
      geometry: {
        type: 'LineString' as const,
        coordinates: [
          [130.242, 42.252],
          [130.258, 42.252],
        ],
      },
    },
  ],
};

/** A real PNG of `w`×`h` with some texture (so it is not trivially compressible). */
export async function pngImage(w = 64, h = 48, seed = 1): Promise<Buffer> {
  const raw = Buffer.alloc(w * h * 3);
  let x = seed * 2654435761;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    raw[i] = (x >>> 16) & 0xff;
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
}

/** A PNG whose header claims `side`×`side` px over a few hundred bytes of zeros: a decompression bomb. */
export function bombPng(side = 100_000): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const v of b) c = crcTable[(c ^ v) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(4096))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** multipart/form-data body for an upload. */
export function uploadForm(file: Buffer | null, fields: Record<string, string>, filename = 'image.png'): FormData {
  const fd = new FormData();
  if (file) fd.set('file', new Blob([new Uint8Array(file)]), filename);
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  return fd;
}

/**
 * A real deflate-compressed RGB TIFF in 64 px tiles whose middle third is overwritten: header, first tiles
 * and the IFD (libvips writes it last) intact, so only decoding the pixels finds the damage.
 */
export async function damagedTiff(w = 256, h = 192): Promise<Buffer> {
  const raw = Buffer.alloc(w * h * 3);
  let x = 12345;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    // A pattern with a little noise: compresses like imagery, so a large one stays a small file.
    raw[i] = (((i / 3) % w) + ((x >>> 28) & 7)) & 0xff;
  }
  const tif = await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .tiff({ compression: 'deflate', tile: true, tileWidth: 64, tileHeight: 64 })
    .toBuffer();
  for (let i = Math.floor(tif.length / 3); i < Math.floor((2 * tif.length) / 3); i++) tif[i] = (i * 7919) & 0xff;
  return tif;
}
