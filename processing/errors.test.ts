import { describe, expect, test } from 'vitest';
import { failureCode, ProcessingError } from './errors.ts';
import { decodeError } from './validate.ts';

describe('the kind of an analysis failure', () => {
  test('a decoder’s failure is damaged data, whatever its library said', () => {
    expect(failureCode(decodeError(new RangeError('Invalid typed array length: 768'), 'geotiff'))).toBe('damaged_data');
    expect(failureCode(decodeError(new Error('incorrect header check'), 'geotiff'))).toBe('damaged_data');
    expect(failureCode(decodeError(new Error('VipsJpeg: Premature end of JPEG file'), 'jpeg'))).toBe('damaged_data');
  });

  test('a refusal by the site’s rules is a rejected image; a cancel or timeout is aborted', () => {
    expect(failureCode(new ProcessingError('bad_bands', 'image has 1 band (grey)'))).toBe('image_rejected');
    expect(failureCode(new ProcessingError('no_overlap', 'image bounds do not overlap'))).toBe('image_rejected');
    expect(failureCode(new ProcessingError('aborted', 'analysis was cancelled'))).toBe('aborted');
    expect(failureCode(new DOMException('The operation was aborted.', 'AbortError'))).toBe('aborted');
    expect(failureCode(new DOMException('The operation timed out.', 'TimeoutError'))).toBe('aborted');
  });

  test('anything else is the server’s own fault', () => {
    expect(failureCode(new TypeError('Cannot read properties of undefined'))).toBe('internal');
    expect(failureCode('a thrown string')).toBe('internal');
  });
});
