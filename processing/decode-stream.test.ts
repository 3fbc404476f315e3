import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

/**
 * Streaming decodes in a worker thread, as the server's analysis workers run them: there Node tracks
 * the fds fs opens, and any fd closed behind fs's back shows up as a process warning when its number
 * is opened again.
 */
function decodeInWorker(rounds: number): Promise<{ warnings: string[]; lastBytes: number[] }> {
  // tsx's ESM build (the resolved CommonJS one loads its register hook by a path that does not exist).
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const stream = new URL('./decode-stream.ts', import.meta.url).href;
  const errors = new URL('./errors.ts', import.meta.url).href;
  const code = `
const { parentPort } = require('node:worker_threads');
const { openSync, closeSync } = require('node:fs');
const warnings = [];
process.on('warning', (w) => warnings.push(w.message));
(async () => {
  (await import(${JSON.stringify(tsxApi)})).register();
  const sharp = require('sharp');
  const { streamVips } = await import(${JSON.stringify(stream)});
  const { ProcessingError } = await import(${JSON.stringify(errors)});
  const lastBytes = [];
  for (let k = 0; k < ${rounds}; k++) {
    const w = 600, h = 400;
    const image = sharp({ create: { width: w, height: h, channels: 3, background: { r: 40 * k, g: 20, b: 30 } } });
    const s = await streamVips(image, { width: w, height: h, channels: 3, bytes: 1 }, require('node:os').tmpdir(),
      (e) => new ProcessingError('corrupt_image', String(e)));
    // The last row: every byte of the decode has come through by then.
    const row = await s.read(w * 3 * (h - 1), w * 3 * h, 0);
    lastBytes.push(row[0]);
    await s.close();
    // Another fs open, which is given the number a stale fd would have left behind.
    closeSync(openSync('/dev/null', 'r'));
  }
  await new Promise((r) => setImmediate(r));
  parentPort.postMessage({ warnings, lastBytes });
})().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true });
    worker.once('message', (m: { warnings: string[]; lastBytes: number[]; error?: string }) => {
      void worker.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    });
    worker.once('error', reject);
  });
}

describe.skipIf(process.platform === 'win32')('FIFO decode stream', () => {
  it('reads decodes in a worker thread without fd warnings', async () => {
    const { warnings, lastBytes } = await decodeInWorker(3);
    expect(lastBytes).toEqual([0, 40, 80]);
    expect(warnings.filter((w) => w.includes('File descriptor'))).toEqual([]);
  }, 60_000);
});
