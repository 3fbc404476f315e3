/**
 * The file-store interface: originals, content-addressed by sha256. The embedded implementation
 * is a folder (fs-blob-store.ts); an S3-compatible one can follow behind the same methods.
 */
import type { Readable } from 'node:stream';

/** Bytes written to a temporary place, hashed, not yet visible under their key. */
export interface StagedBlob {
  readonly sha256: string;
  readonly size: number;
  /** Where the staged bytes can be read (validation happens before commit). */
  readonly localPath: string;
}

/** Thrown by `stage` when the stream exceeds `maxBytes`; the HTTP layer answers 413. */
export class BlobTooLargeError extends Error {
  override name = 'BlobTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`file is larger than the ${maxBytes}-byte limit`);
  }
}

export interface BlobStore {
  /** Streams `source` to a temporary file while hashing it; never holds the whole file in memory. */
  stage(source: Readable, opts: { maxBytes: number }): Promise<StagedBlob>;
  /** Makes the staged bytes durable under their sha256 key (idempotent: same bytes, same key). */
  commit(staged: StagedBlob): Promise<string>;
  /** Drops a staged blob that will not be committed. */
  discard(staged: StagedBlob): Promise<void>;
  /** A local path to read the blob from. */
  localPath(key: string): Promise<string>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Removes leftovers of interrupted uploads and blobs no record references; returns what it removed. */
  sweep(referenced: Set<string>): Promise<{ temps: number; orphans: number }>;
}
