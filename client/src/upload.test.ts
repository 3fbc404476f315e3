import { describe, expect, test } from 'vitest';
import { dateFromName, fieldOf, isoDate, utcTime } from './upload.ts';

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

  test('reads the acquisition date as ISO yyyy-mm-dd only, refusing locale orders and days not in the calendar', () => {
    expect(isoDate('2026-03-14')).toBe('2026-03-14');
    expect(isoDate(' 2026-3-4 ')).toBe('2026-03-04');
    expect(isoDate('2024-02-29')).toBe('2024-02-29');
    expect(isoDate('2025-02-29')).toBeNull();
    expect(isoDate('03/14/2026')).toBeNull();
    expect(isoDate('14/03/2026')).toBeNull();
    expect(isoDate('2026-13-01')).toBeNull();
    expect(isoDate('')).toBeNull();
  });

  test('reads the acquisition time as 24-hour UTC, refusing 12-hour and out-of-range times', () => {
    expect(utcTime('')).toBe('00:00:00');
    expect(utcTime('9:05')).toBe('09:05:00');
    expect(utcTime('14:05')).toBe('14:05:00');
    expect(utcTime(' 23:59:59 ')).toBe('23:59:59');
    expect(utcTime('24:00')).toBeNull();
    expect(utcTime('12:00:00 AM')).toBeNull();
    expect(utcTime('2 pm')).toBeNull();
    expect(utcTime('14:60')).toBeNull();
  });
});
