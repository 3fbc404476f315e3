/** Server configuration, parsed once from the environment with zod: the only file that reads process.env. */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

const csv = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
const flag = z.enum(['0', '1', 'true', 'false']).transform((s) => s === '1' || s === 'true');

/** The environment variables we read, with their defaults (README "Configuration" mirrors this). */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  BERTHWATCH_DATA_DIR: z.string().min(1).default('./data'),
  BERTHWATCH_SEED: flag.default(true),
  BERTHWATCH_API_KEYS: csv,
  BERTHWATCH_CORS_ORIGINS: csv,
  BERTHWATCH_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  BERTHWATCH_RATE_LIMIT_WRITES: z.coerce.number().int().min(0).default(120),
  BERTHWATCH_RATE_LIMIT_READS: z.coerce.number().int().min(0).default(0),
  BERTHWATCH_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 1024 ** 3),
  BERTHWATCH_MAX_SIDE_PX: z.coerce.number().int().positive().default(40_000),
  BERTHWATCH_MAX_MEGAPIXELS: z.coerce.number().positive().default(1000),
  BERTHWATCH_LOG: z.enum(['info', 'warn', 'error', 'silent']).default('info'),
});

/** Everything the server needs to run; `startServer` and the CLI take it, tests build it directly. */
export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  seed: boolean;
  /** Keys from the environment; the store may hold more (created by the CLI or on first start). */
  apiKeys: string[];
  /** Allowed CORS origins; empty = same-origin only; `*` = any. */
  corsOrigins: string[];
  workers: number;
  /** Requests per minute per key on write routes (0 = unlimited). */
  rateLimitWrites: number;
  /** Requests per minute per client address on read routes (0 = unlimited). */
  rateLimitReads: number;
  limits: UploadLimits;
  log: 'info' | 'warn' | 'error' | 'silent';
}

export interface UploadLimits {
  maxBytes: number;
  maxSidePx: number;
  maxMegapixels: number;
}

/** Defaults for every field, so tests and `startServer` need only name what differs. */
export function defaultConfig(overrides: Partial<ServerConfig> & { dataDir: string }): ServerConfig {
  const base = fromEnv({});
  return { ...base, ...overrides, dataDir: resolve(overrides.dataDir) };
}

function fromEnv(env: Record<string, string | undefined>): ServerConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.BERTHWATCH_DATA_DIR),
    seed: e.BERTHWATCH_SEED,
    apiKeys: e.BERTHWATCH_API_KEYS,
    corsOrigins: e.BERTHWATCH_CORS_ORIGINS,
    workers: e.BERTHWATCH_WORKERS ?? Math.max(1, availableParallelism()),
    rateLimitWrites: e.BERTHWATCH_RATE_LIMIT_WRITES,
    rateLimitReads: e.BERTHWATCH_RATE_LIMIT_READS,
    limits: {
      maxBytes: e.BERTHWATCH_MAX_UPLOAD_BYTES,
      maxSidePx: e.BERTHWATCH_MAX_SIDE_PX,
      maxMegapixels: e.BERTHWATCH_MAX_MEGAPIXELS,
    },
    log: e.BERTHWATCH_LOG,
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the process environment once; throws ConfigError with one line per bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  for (const k of ['BERTHWATCH_API_KEYS'] as const) {
    const keys = (env[k] ?? '').split(',').map((s) => s.trim());
    if (keys.some((key) => key.length > 0 && key.length < 16)) {
      throw new ConfigError(`invalid configuration:\n  ${k}: every key must be at least 16 characters`);
    }
  }
  return fromEnv(env);
}
