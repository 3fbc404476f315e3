import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openAnalysisRaster } from './analysis-raster.ts';
import { labelComponents } from './components.ts';
import { failureCode, ProcessingError } from './errors.ts';
import { decodeError } from './validate.ts';

describe('the kind of an analysis failure', () => {
  test('a decoder’s failure is damaged data, whatever its library said', () => {
    expect(failureCode(decodeError(new RangeError('Invalid typed array length: 768'), 'geotiff'))).toBe('damaged_data');
    expect(failureCode(decodeError(new Error('incorrect header check'), 'geotiff'))).toBe('damaged_data');
    expect(failureCode(decodeError(new Error('VipsJpeg: Premature end of JPEG file'), 'jpeg'))).toBe('damaged_data');
  });

  test('a refusal by the site’s rules is a rejected image; a cancel or timeout is aborted', () => {
    expect(failureCode(new ProcessingError('bad_bands', 'image has 1 band (grey)', 'file'))).toBe('image_rejected');
    expect(failureCode(new ProcessingError('no_overlap', 'image bounds do not overlap', 'bounds'))).toBe(
      'image_rejected',
    );
    expect(failureCode(new ProcessingError('aborted', 'analysis was cancelled'))).toBe('aborted');
    expect(failureCode(new DOMException('The operation was aborted.', 'AbortError'))).toBe('aborted');
    expect(failureCode(new DOMException('The operation timed out.', 'TimeoutError'))).toBe('aborted');
  });

  test('anything else is the server’s own fault', () => {
    expect(failureCode(new TypeError('Cannot read properties of undefined'))).toBe('internal');
    expect(failureCode('a thrown string')).toBe('internal');
  });

  test('an analysis’s own consistency check is internal, not the image’s fault, whatever code it throws', () => {
    let thrown: unknown;
    try {
      labelComponents(new Uint8Array(5), 2, 2);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(failureCode(thrown)).toBe('internal');
    expect(failureCode(new ProcessingError('bad_bands', 'reference has 3 pixels', 'reference'))).toBe('internal');
    expect(failureCode(new ProcessingError('invalid_zone', 'railCarLengthM must be positive', 'railCarLengthM'))).toBe(
      'internal',
    );
  });

  test('a missing analysis raster (another date’s, usually) is internal and does not show the server’s path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'errors-'));
    try {
      const err = await openAnalysisRaster(join(dir, 'img_x', 'raster')).catch((e: unknown) => e);
      expect(failureCode(err)).toBe('internal');
      expect((err as Error).message).not.toContain(dir);
      expect((err as Error).message).toContain('img_x');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('told by name and shape: a ProcessingError from another copy of the module is still classified', () => {
    const copy = Object.assign(new Error('PNG ends before its IEND chunk'), {
      name: 'ProcessingError',
      code: 'truncated_image',
      field: 'file',
    });
    expect(failureCode(copy)).toBe('damaged_data');
    expect(failureCode(Object.assign(new Error('x'), { name: 'ProcessingError', code: 'no_such_code' }))).toBe(
      'internal',
    );
  });
});
