import { describe, expect, test } from 'vitest';
import { area, day, int, longDay, pct } from './format.ts';

describe('formatting scores for display', () => {
  test('shows a missing value as a dash, never as zero', () => {
    expect(int(null)).toBe('—');
    expect(pct(null)).toBe('—');
    expect(area(undefined)).toBe('—');
    expect(int(0)).toBe('0');
  });

  test('gives areas in square metres below a hectare and in hectares above', () => {
    expect(area(9283.4)).toBe('9,283 m²');
    expect(area(16_500)).toBe('1.65 ha');
  });

  test('reads dates in UTC whatever the browser time zone', () => {
    expect(day('2025-12-16T01:17:00.000Z')).toBe('2025-12-16');
    expect(longDay('2025-12-31T23:30:00Z')).toBe('31 Dec 2025');
    expect(pct(0.083)).toBe('8.3 %');
  });
});
