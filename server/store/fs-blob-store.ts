/** Content-addressed originals in a folder: temp file + fsync + rename, so a crash never leaves half a blob. */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type BlobStore, BlobTooLargeError, type StagedBlob } from './blob-store.ts';

const KEY = /^[0-9a-f]{64}$/;

/** Fsyncs a file or directory so a rename or a write survives power loss. */
async function fsync(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class FsBlobStore implements BlobStore {
  private readonly tmpDir: string;
  private readonly blobDir: string;

  constructor(root: string) {
    this.tmpDir = join(root, 'tmp');
    this.blobDir = join(root, 'blobs');
  }

  async init(): Promise<this> {
    await mkdir(this.tmpDir, { recursive: true });
    await mkdir(this.blobDir, { recursive: true });
    return this;
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`not a blob key: ${key}`);
    return join(this.blobDir, key.slice(0, 2), key);
  }

  async stage(source: Readable, { maxBytes }: { maxBytes: number }): Promise<StagedBlob> {
    const localPath = join(this.tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new BlobTooLargeError(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(localPath, { flags: 'wx' }));
    } catch (e) {
      await rm(localPath, { force: true });
      throw e;
    }
    return { sha256: hash.digest('hex'), size, localPath };
  }

  async commit(staged: StagedBlob): Promise<string> {
    const key = staged.sha256;
    const dest = this.pathOf(key);
    if (await this.has(key)) {
      await this.discard(staged);
      return key;
    }
    await mkdir(join(this.blobDir, key.slice(0, 2)), { recursive: true });
    await fsync(staged.localPath);
    await rename(staged.localPath, dest);
    await fsync(join(this.blobDir, key.slice(0, 2)));
    return key;
  }

  async discard(staged: StagedBlob): Promise<void> {
    await rm(staged.localPath, { force: true });
  }

  async localPath(key: string): Promise<string> {
    return this.pathOf(key);
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async sweep(referenced: Set<string>): Promise<{ temps: number; orphans: number }> {
    let temps = 0;
    let orphans = 0;
    for (const f of await readdir(this.tmpDir)) {
      await rm(join(this.tmpDir, f), { force: true, recursive: true });
      temps++;
    }
    for (const d of await readdir(this.blobDir)) {
      for (const f of await readdir(join(this.blobDir, d))) {
        if (!referenced.has(f)) {
          await rm(join(this.blobDir, d, f), { force: true });
          orphans++;
        }
      }
    }
    return { temps, orphans };
  }
}
