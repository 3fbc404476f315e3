/** Structured logs: one JSON line per request (and per 5xx, with its stack), each with a request id. */
import { randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';

export type LogLevel = 'info' | 'warn' | 'error' | 'silent';
const RANK: Record<LogLevel, number> = { info: 0, warn: 1, error: 2, silent: 3 };

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A JSON-lines logger to stdout (info) and stderr (warn, error). */
export function createLogger(level: LogLevel): Logger {
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] < RANK[level]) return;
    const line = JSON.stringify({ t: new Date().toISOString(), level: lvl, msg, ...fields });
    (lvl === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

const GOOD_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** Request ids: a random per-process prefix and a counter (unique, and no crypto call per request). */
const PREFIX = randomBytes(5).toString('hex');
let counter = 0;

/** The request's id: a sane incoming X-Request-Id, else a fresh one. */
export function requestId(incoming: string | undefined): string {
  return incoming && GOOD_ID.test(incoming) ? incoming : `${PREFIX}${(++counter).toString(16).padStart(6, '0')}`;
}

export interface RequestFields {
  reqId: string;
  method: string;
  path: string;
  status: number;
}

/** The one log line of a request that started at `t0` (5xx as errors). */
export function logRequest(log: Logger, f: RequestFields, t0: number): void {
  const fields = { ...f, ms: +(performance.now() - t0).toFixed(1) };
  if (f.status >= 500) log.error('request', fields);
  else log.info('request', fields);
}

/** Assigns a request id (honouring a sane incoming X-Request-Id), echoes it, logs the request when done. */
export function requestLog(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = requestId(c.req.header('x-request-id'));
    c.set('requestId', id);
    const t0 = performance.now();
    await next();
    c.res.headers.set('x-request-id', id);
    logRequest(log, { reqId: id, method: c.req.method, path: c.req.path, status: c.res.status }, t0);
  };
}
