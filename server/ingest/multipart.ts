/**
 * Streams a multipart/form-data upload with busboy: the one `file` part goes straight to the blob
 * store's staging area (hashed on the way, never held in memory), the other parts are collected as
 * strings. Every defect becomes a 4xx problem naming the field.
 */
import { Readable } from 'node:stream';
import Busboy from 'busboy';
import { HttpProblem } from '../http/problem.ts';
import type { BlobStore, StagedBlob } from '../store/blob-store.ts';

export interface ParsedUpload {
  staged: StagedBlob | null;
  fields: Record<string, string>;
}

const MAX_FIELD_BYTES = 64 * 1024;
const MAX_FIELDS = 16;

/** Reads the request body; on failure discards anything staged and throws an HttpProblem. */
export async function parseUpload(
  headers: Record<string, string>,
  body: ReadableStream<Uint8Array> | null,
  blobs: BlobStore,
  maxBytes: number,
): Promise<ParsedUpload> {
  const type = headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    throw new HttpProblem(
      415,
      'unsupported_media_type',
      `expected multipart/form-data, got ${type || 'no content type'}`,
      [{ field: 'content-type', message: 'must be multipart/form-data with a boundary' }],
    );
  }
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + MAX_FIELDS * MAX_FIELD_BYTES) {
    throw new HttpProblem(
      413,
      'file_too_large',
      `request body of ${declared} bytes exceeds the ${maxBytes}-byte upload limit`,
      [{ field: 'file', message: `larger than ${maxBytes} bytes` }],
    );
  }
  if (!body)
    throw new HttpProblem(400, 'invalid_request', 'empty request body', [{ field: 'file', message: 'missing' }]);

  let bb: Busboy.Busboy;
  try {
    bb = Busboy({
      headers: { 'content-type': type },
      limits: {
        fileSize: maxBytes + 1,
        files: 4,
        fields: MAX_FIELDS,
        fieldSize: MAX_FIELD_BYTES,
        parts: MAX_FIELDS + 1,
      },
    });
  } catch (e) {
    throw new HttpProblem(400, 'malformed_multipart', `malformed multipart header: ${(e as Error).message}`, [
      { field: 'content-type', message: 'bad multipart boundary' },
    ]);
  }

  const fields: Record<string, string> = {};
  const problems: { status: number; field: string; message: string }[] = [];
  let staging: Promise<StagedBlob> | null = null;

  const done = new Promise<void>((resolve, reject) => {
    bb.on('file', (name, stream) => {
      if (name !== 'file') {
        problems.push({ status: 400, field: name, message: 'unexpected file part; the image goes in "file"' });
        stream.resume();
        return;
      }
      if (staging) {
        problems.push({ status: 400, field: 'file', message: 'more than one file' });
        stream.resume();
        return;
      }
      staging = blobs.stage(stream, { maxBytes });
      // Keep the rejection handled here; it is re-thrown when awaited below.
      staging.catch(() => stream.resume());
    });
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated)
        problems.push({ status: 413, field: name, message: `longer than ${MAX_FIELD_BYTES} bytes` });
      else if (name in fields) problems.push({ status: 400, field: name, message: 'given more than once' });
      else fields[name] = value;
    });
    bb.on('filesLimit', () => problems.push({ status: 400, field: '(body)', message: 'too many file parts' }));
    bb.on('fieldsLimit', () => problems.push({ status: 400, field: '(body)', message: 'too many fields' }));
    bb.on('partsLimit', () => problems.push({ status: 400, field: '(body)', message: 'too many parts' }));
    bb.on('error', (e) => reject(e));
    bb.on('close', () => resolve());
  });

  const source = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
  source.on('error', (e) => bb.destroy(e));
  source.pipe(bb);

  let staged: StagedBlob | null = null;
  try {
    await done;
  } catch (e) {
    source.destroy();
    const settled = await (staging as Promise<StagedBlob> | null)?.catch(() => null);
    if (settled) await blobs.discard(settled);
    throw new HttpProblem(400, 'malformed_multipart', `malformed multipart body: ${(e as Error).message}`, [
      { field: '(body)', message: (e as Error).message },
    ]);
  }
  try {
    staged = staging ? await staging : null;
  } catch (e) {
    const tooLarge = (e as Error).name === 'BlobTooLargeError';
    if (tooLarge) throw e;
    throw new HttpProblem(400, 'malformed_multipart', `the file part was cut short: ${(e as Error).message}`, [
      { field: 'file', message: 'incomplete' },
    ]);
  }
  if (problems.length > 0) {
    if (staged) await blobs.discard(staged);
    const status = problems.some((p) => p.status === 413) ? 413 : 400;
    throw new HttpProblem(
      status,
      'invalid_request',
      `invalid upload: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      problems.map(({ field, message }) => ({ field, message })),
    );
  }
  return { staged, fields };
}
