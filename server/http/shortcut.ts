/**
 * A shortcut in front of the app for replies that need no routing and no await (cached tiles, which
 * are most requests). Through Hono, a cached tile built Headers objects for the request and the
 * response, ran three async middleware steps and a close handler, and cost the server about twice
 * what Node itself spends sending it; here it is one map lookup and a plain Response that
 * @hono/node-server writes at once. The shortcut only answers what a route put in it earlier, so
 * routing stays in the app; it gives the reply the same request id header and log line as the app.
 */
import type { IncomingMessage } from 'node:http';
import { getPath } from 'hono/utils/url';
import { type Logger, logRequest, requestId } from './log.ts';
import { clientAddress, type TokenBuckets } from './rate-limit.ts';

/** A complete reply: status, headers (lower-case names) and body. */
export interface QuickReply {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | null;
}

/** The reply to a GET of `pathAndQuery`, or undefined to send the request through the app. */
export type Shortcut = (
  pathAndQuery: string,
  header: (lowerCaseName: string) => string | undefined,
) => QuickReply | undefined;

/** The path and query of a request URL (the path starts where Hono's getPath starts it): the shortcut's key. */
export function pathAndQuery(url: string): string {
  return url.slice(url.indexOf('/', url.indexOf(':') + 4));
}

type Fetch<Env, Rest extends unknown[]> = (req: Request, env?: Env, ...rest: Rest) => Response | Promise<Response>;

/**
 * `fetch` with `shortcut` tried first for GETs. A reply takes a token from `readLimit` like any read;
 * a client out of tokens goes through the app, which refuses it (429) as it refuses other reads.
 */
export function withShortcut<Env, Rest extends unknown[]>(
  fetch: Fetch<Env, Rest>,
  shortcut: Shortcut,
  log: Logger,
  readLimit: TokenBuckets,
): Fetch<Env, Rest> {
  return (req, env, ...rest) => {
    if (req.method !== 'GET') return fetch(req, env, ...rest);
    const t0 = performance.now();
    // Under @hono/node-server the raw request is at hand: its headers are read as they are, where
    // req.headers would first copy them all into a Headers object.
    const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const header = incoming
      ? (name: string) => {
          const v = incoming.headers[name];
          return typeof v === 'string' ? v : undefined;
        }
      : (name: string) => req.headers.get(name) ?? undefined;
    const reply = shortcut(pathAndQuery(req.url), header);
    if (!reply || readLimit.take(clientAddress(incoming)) > 0) return fetch(req, env, ...rest);
    const id = requestId(header('x-request-id'));
    reply.headers['x-request-id'] = id;
    logRequest(log, { reqId: id, method: 'GET', path: getPath(req), status: reply.status }, t0);
    return new Response(reply.body, { status: reply.status, headers: reply.headers });
  };
}
