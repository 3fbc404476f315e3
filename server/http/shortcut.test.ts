import { describe, expect, it } from 'vitest';
import type { Logger } from './log.ts';
import { TokenBuckets } from './rate-limit.ts';
import { pathAndQuery, type QuickReply, type Shortcut, withShortcut } from './shortcut.ts';

function recorder() {
  const lines: { msg: string; fields: Record<string, unknown> | undefined }[] = [];
  const log: Logger = {
    info: (msg, fields) => lines.push({ msg, fields }),
    warn: (msg, fields) => lines.push({ msg, fields }),
    error: (msg, fields) => lines.push({ msg, fields }),
  };
  return { log, lines };
}

const PNG = new Uint8Array([137, 80, 78, 71]);

/** Answers /known (304 when If-None-Match is "e"), nothing else. */
const known: Shortcut = (url, header): QuickReply | undefined => {
  if (url !== '/known?v=1') return undefined;
  const headers = { etag: '"e"', 'content-type': 'image/png' };
  return header('if-none-match') === '"e"' ? { status: 304, headers, body: null } : { status: 200, headers, body: PNG };
};

describe('withShortcut', () => {
  it('answers what the shortcut knows, with a request id and one log line, without the app', async () => {
    const { log, lines } = recorder();
    let appCalls = 0;
    const fetch = withShortcut(
      () => {
        appCalls++;
        return new Response('app');
      },
      known,
      log,
      new TokenBuckets(0),
    );
    const r = await fetch(new Request('http://h:1/known?v=1', { headers: { 'x-request-id': 'req-7' } }));
    expect(r.status).toBe(200);
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(PNG);
    expect(r.headers.get('etag')).toBe('"e"');
    expect(r.headers.get('x-request-id')).toBe('req-7');
    const fresh = await fetch(new Request('http://h:1/known?v=1', { headers: { 'if-none-match': '"e"' } }));
    expect(fresh.status).toBe(304);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16,}$/);
    expect(appCalls).toBe(0);
    expect(lines.map((l) => [l.msg, l.fields?.reqId, l.fields?.path, l.fields?.status])).toEqual([
      ['request', 'req-7', '/known', 200],
      ['request', fresh.headers.get('x-request-id'), '/known', 304],
    ]);
    expect(typeof lines[0]!.fields?.ms).toBe('number');
  });

  it('sends everything else through the app: other URLs, other methods', async () => {
    const { log, lines } = recorder();
    const seen: string[] = [];
    const fetch = withShortcut(
      (req: Request) => {
        seen.push(`${req.method} ${pathAndQuery(req.url)}`);
        return new Response('app');
      },
      known,
      log,
      new TokenBuckets(0),
    );
    await fetch(new Request('http://h:1/known?v=2'));
    await fetch(new Request('http://h:1/known'));
    await fetch(new Request('http://h:1/known?v=1', { method: 'HEAD' }));
    await fetch(new Request('http://h:1/known?v=1', { method: 'POST', body: 'x' }));
    expect(seen).toEqual(['GET /known?v=2', 'GET /known', 'HEAD /known?v=1', 'POST /known?v=1']);
    expect(lines).toEqual([]);
  });

  it('draws on the read limit: a client out of tokens goes through the app', async () => {
    const { log } = recorder();
    let appCalls = 0;
    const fetch = withShortcut(
      () => {
        appCalls++;
        return new Response('limited', { status: 429 });
      },
      known,
      log,
      new TokenBuckets(2),
    );
    const statuses = [];
    for (let k = 0; k < 3; k++) statuses.push((await fetch(new Request('http://h:1/known?v=1'))).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(appCalls).toBe(1);
  });

  it('keys on the path and query only', () => {
    expect(pathAndQuery('http://127.0.0.1:8787/api/images/a/tiles/1/2/3.png?v=4')).toBe(
      '/api/images/a/tiles/1/2/3.png?v=4',
    );
    expect(pathAndQuery('https://[::1]:9/x')).toBe('/x');
  });
});
