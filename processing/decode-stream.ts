/**
 * A sequential, bounded-memory decode of a sharp format without a temp file: libvips writes its
 * uncompressed `.v` format into a named pipe (FIFO) and we read rows off the other end as the
 * warp consumes them. Reading a strip behind the stream position is refused (null), and the
 * caller falls back to decoding into a temp file. Why: on slow disks the temp file's write and
 * read-back cost more than the decode itself (100 MP RGB = 300 MB each way).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sharp } from 'sharp';
import { ProcessingError } from './errors.ts';

/** libvips `.v` header: 64 bytes, then band-interleaved pixels in native byte order. */
export const V_HEADER = 64;

export interface VipsLayout {
  width: number;
  height: number;
  channels: number;
  /** Bytes per sample: 1 (uchar) or 2 (ushort). */
  bytes: number;
}

/** Checks a `.v` header against the layout we asked libvips for. */
export function checkVipsHeader(head: Buffer, want: VipsLayout): void {
  const w = head.readInt32LE(4);
  const h = head.readInt32LE(8);
  const b = head.readInt32LE(12);
  const fmt = head.readInt32LE(20); // 0 uchar, 2 ushort
  if (w !== want.width || h !== want.height || b !== want.channels || fmt !== (want.bytes === 2 ? 2 : 0)) {
    throw new ProcessingError(
      'corrupt_image',
      `decoded ${w} × ${h} px with ${b} bands (format ${fmt}); the header promised ${want.width} × ${want.height} with ${want.channels}`,
      'file',
    );
  }
}

export interface RowStream {
  /** Bytes [start, end) of the pixel data (offsets exclude the header), or null if already passed. */
  read(start: number, end: number, keepFrom: number): Promise<Buffer | null>;
  close(): Promise<void>;
}

/** Don't let the pipe run further ahead of the consumer than this. */
const READ_AHEAD = 16 * 2 ** 20;

/**
 * Starts `pipeline` writing a `.v` image into a FIFO and returns a reader of its pixel bytes, or
 * null where FIFOs are unavailable (no `mkfifo`, not POSIX). `onError` maps a decode failure.
 */
export async function streamVips(
  pipeline: Sharp,
  layout: VipsLayout,
  tempRoot: string,
  onError: (err: unknown) => ProcessingError,
): Promise<RowStream | null> {
  if (process.platform === 'win32') return null;
  const dir = await mkdtemp(join(tempRoot, 'berthwatch-fifo-'));
  const fifo = join(dir, 'pixels.v');
  if (spawnSync('mkfifo', ['-m', '600', fifo]).status !== 0) {
    await rm(dir, { recursive: true, force: true });
    return null;
  }
  // Our end of the FIFO, opened O_RDWR: that never blocks, and libvips's open for writing then
  // does not block either. We never read it: `cat` does, from a copy of it as its stdin, with
  // blocking reads in its own process, and we read cat's stdout, a pipe that libuv owns and polls
  // (no thread of the libuv pool waits on the FIFO). Why not a net.Socket on this fd: in a worker
  // thread Node tracks the fds fs opens, and a socket closes its fd without telling fs, so the
  // next fs open given the same number warned "File descriptor N opened in unmanaged mode twice"
  // (and the worker's exit would have closed that number again, whoever held it by then).
  // This fd is opened and closed by fs; cat's pipe is libuv's own.
  const keeper = openSync(fifo, constants.O_RDWR);
  let relay: ChildProcess;
  try {
    relay = spawn('cat', { stdio: [keeper, 'pipe', 'ignore'] });
  } catch {
    closeSync(keeper);
    await rm(dir, { recursive: true, force: true });
    return null;
  }
  const sock = relay.stdout!;
  const chunks: Buffer[] = [];
  let base = 0; // stream offset of chunks[0]
  let received = 0;
  let failure: ProcessingError | null = null;
  let decodeFailure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  let wanted = 0;
  let draining = false;
  sock.on('data', (c: Buffer) => {
    if (draining) return;
    chunks.push(c);
    received += c.length;
    // Backpressure: libvips blocks on the full pipe until the consumer asks for more.
    if (received - wanted > READ_AHEAD) sock.pause();
    notify();
  });
  sock.on('error', (err) => {
    failure ??= onError(err);
    notify();
  });
  const relayDone = new Promise<void>((resolve) => {
    relay.once('close', () => resolve());
    relay.once('error', (err) => {
      failure ??= onError(err);
      notify();
      resolve();
    });
  });
  relay.once('exit', () => {
    // cat ends only when we end it: earlier, no more bytes can come.
    if (!draining) failure ??= onError(new Error('the FIFO relay (cat) exited before the decode was read'));
    notify();
  });
  const job = pipeline.toFile(fifo).then(
    () => undefined,
    (err: unknown) => {
      // libvips fails after the pixels, appending metadata to a file it cannot seek: harmless
      // once every pixel byte has come through (need() decides, as the pipe may still hold some).
      decodeFailure = err;
      notify();
    },
  );
  let headerChecked = false;

  const need = async (end: number) => {
    wanted = Math.max(wanted, end);
    while (received < end) {
      if (failure) throw failure;
      sock.resume();
      const before = received;
      const settled = decodeFailure !== null;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((res) => {
        wake = res;
        // Once libvips has stopped, only what is left in the pipe can still arrive.
        if (settled) timer = setTimeout(notify, 200);
      });
      clearTimeout(timer);
      if (settled && received === before && received < end) failure ??= onError(decodeFailure);
    }
  };

  const copy = (start: number, end: number): Buffer => {
    const out = Buffer.allocUnsafe(end - start);
    let off = base;
    for (const c of chunks) {
      const from = Math.max(start, off);
      const to = Math.min(end, off + c.length);
      if (to > from) c.copy(out, from - start, from - off, to - off);
      off += c.length;
      if (off >= end) break;
    }
    return out;
  };

  return {
    async read(start, end, keepFrom) {
      const s = V_HEADER + start;
      const e = V_HEADER + end;
      if (s < base) return null;
      if (!headerChecked) {
        await need(V_HEADER);
        checkVipsHeader(copy(0, V_HEADER), layout);
        headerChecked = true;
      }
      await need(e);
      const span = copy(s, e);
      // Drop what lies before `keepFrom`: later windows never reach back past it.
      const keep = V_HEADER + keepFrom;
      while (chunks.length > 0 && base + chunks[0]!.length <= keep) base += chunks.shift()!.length;
      return span;
    },
    async close() {
      // Our end holds the FIFO open read-write, so ending cat would not fail libvips's blocked
      // write: it would wait forever. Drain instead (the rest of the decode runs, as it would
      // have into a temp file), then end cat and close our end.
      draining = true;
      chunks.length = 0;
      sock.resume();
      await job;
      relay.kill();
      await relayDone;
      closeSync(keeper);
      notify();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
