import { describe, expect, test } from 'vitest';
import { ApiError } from './api.ts';
import { latestOnly, retryDelay, STALE } from './refresh.ts';

describe('re-reading a site while it is analysed', () => {
  test('an answer overtaken by a later call is dropped, a success or a failure alike', async () => {
    const gates: Array<(v: string) => void> = [];
    const fails: Array<(e: Error) => void> = [];
    const read = latestOnly(
      (_: string) =>
        new Promise<string>((resolve, reject) => {
          gates.push(resolve);
          fails.push(reject);
        }),
    );
    const poll = read('poll'); // started before the DELETE
    const afterDelete = read('after delete');
    gates[1]!('without the image');
    gates[0]!('with the image'); // lands last
    expect(await afterDelete).toBe('without the image');
    expect(await poll).toBe(STALE);
    const old = read('a');
    const latest = read('b');
    fails[2]!(new Error('network'));
    gates[3]!('fresh');
    expect(await old).toBe(STALE);
    expect(await latest).toBe('fresh');
    // The latest call's own failure is delivered.
    const alone = read('c');
    fails[4]!(new Error('network'));
    await expect(alone).rejects.toThrow('network');
  });

  test('retries back off from 3 s to a minute, and stop on a 4xx the request cannot outwait', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map((n) => retryDelay(n, new TypeError('Failed to fetch')))).toEqual([
      3000, 6000, 12_000, 24_000, 48_000, 60_000, 60_000,
    ]);
    expect(retryDelay(1, new ApiError(503, null))).toBe(3000);
    expect(retryDelay(2, new ApiError(429, null))).toBe(6000);
    expect(retryDelay(1, new ApiError(404, null))).toBeNull();
    expect(retryDelay(1, new ApiError(400, null))).toBeNull();
  });
});
