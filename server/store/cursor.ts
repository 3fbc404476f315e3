/** Opaque pagination cursors: base64url of the last row's sort key. */

/** Thrown for a cursor we did not mint; the HTTP layer answers 400 naming `cursor`. */
export class CursorError extends Error {
  override name = 'CursorError';
}

/** Encodes a sort key (strings) as an opaque cursor. */
export function encodeCursor(key: string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor into `arity` strings, or returns `start` when there is none. */
export function decodeCursor(cursor: string | undefined, arity: number, start: string[]): string[] {
  if (cursor === undefined || cursor === '') return start;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('cursor is not one this server issued');
  }
  if (!Array.isArray(key) || key.length !== arity || !key.every((k) => typeof k === 'string')) {
    throw new CursorError('cursor is not one this server issued');
  }
  return key as string[];
}
