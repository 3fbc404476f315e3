import { describe, expect, test } from 'vitest';
import type { Image } from '../../contract/index.ts';
import { orderedPeriod } from './layers.ts';

const dates = ['a', 'b', 'c', 'd'].map((id, i) => ({ id, acquiredAt: `2025-0${i + 1}-01T00:00:00.000Z` }) as Image);

describe('the heat map period', () => {
  test('keeps a period whose ends are in order', () => {
    expect(orderedPeriod(dates, 'b', 'd', 'from')).toEqual({ fromId: 'b', toId: 'd' });
    expect(orderedPeriod(dates, 'c', 'c', 'to')).toEqual({ fromId: 'c', toId: 'c' });
  });

  test('never reverses: an end moved past the other takes it along', () => {
    expect(orderedPeriod(dates, 'd', 'b', 'from')).toEqual({ fromId: 'd', toId: 'd' });
    expect(orderedPeriod(dates, 'c', 'a', 'to')).toEqual({ fromId: 'a', toId: 'a' });
  });

  test('leaves unknown dates alone', () => {
    expect(orderedPeriod(dates, 'x', 'a', 'from')).toEqual({ fromId: 'x', toId: 'a' });
  });
});
