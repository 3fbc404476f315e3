import { describe, expect, test } from 'vitest';
import { dateFromName, fieldOf } from './upload.ts';

describe('the upload form', () => {
  test('puts each problem the server names beside the field it belongs to', () => {
    expect(fieldOf('bounds')).toBe('bounds');
    expect(fieldOf('bounds.2')).toBe('bounds');
    expect(fieldOf('bounds[0]')).toBe('bounds');
    expect(fieldOf('acquiredAt')).toBe('acquiredAt');
    expect(fieldOf('file')).toBe('file');
    expect(fieldOf('authorization')).toBe('apiKey');
    expect(fieldOf('site')).toBe('form');
  });

  test('pre-fills the date from a dated file name, and only from a real date', () => {
    expect(dateFromName('rajin_2025-03-14_rgb.tif')).toBe('2025-03-14');
    expect(dateFromName('S2A_20250314T021601.jp2')).toBe('2025-03-14');
    expect(dateFromName('scene-2025-13-40.png')).toBeNull();
    expect(dateFromName('harbour.png')).toBeNull();
  });
});
