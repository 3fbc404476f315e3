import { describe, expect, test } from 'vitest';
import { area, axisDate, dateLabel, day, int, longDay, pct, sharedDays, utcTime } from './format.ts';

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

  test('labels the chart’s time axis in UTC, day before month, never as 1/14', () => {
    const jan14 = Date.UTC(2025, 0, 14) / 1000;
    expect(axisDate(jan14, 86_400, false)).toBe('14 Jan');
    expect(axisDate(Date.UTC(2025, 1, 1) / 1000, 31 * 86_400, false)).toBe('Feb');
    expect(axisDate(Date.UTC(2026, 0, 1) / 1000, 31 * 86_400, false)).toBe('Jan 2026');
    expect(axisDate(Date.UTC(2025, 4, 1) / 1000, 31 * 86_400, true)).toBe('May 2025');
  });
});

describe('naming a date in lists and the slider', () => {
  const dates = [
    { acquiredAt: '2025-05-14T01:33:00.000Z' },
    { acquiredAt: '2025-05-17T01:38:00.000Z' },
    { acquiredAt: '2025-05-17T13:05:00.000Z' },
  ];
  test('gives the UTC time only where two dates share a day, so they never read alike', () => {
    const shared = sharedDays(dates);
    expect([...shared]).toEqual(['2025-05-17']);
    expect(dates.map((d) => dateLabel(d.acquiredAt, shared))).toEqual([
      '14 May 2025',
      '17 May 2025 01:38 UTC',
      '17 May 2025 13:05 UTC',
    ]);
    expect(utcTime('2025-05-17T13:05:00.000Z')).toBe('13:05 UTC');
  });
});
