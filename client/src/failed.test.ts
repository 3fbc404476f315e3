import { describe, expect, test } from 'vitest';
import type { Image } from '../../contract/index.ts';
import { describeFailed, failedNote, failureReason } from './failed.ts';

const failed = (patch: Partial<Image>): Image => ({
  id: 'img_f',
  siteId: 'port',
  acquiredAt: '2025-01-14T01:52:00.000Z',
  sensor: 'SynthSat-1',
  bounds: [0, 0, 1, 1],
  gsdM: 1,
  width: 2048,
  height: 1536,
  sha256: '0'.repeat(64),
  status: 'failed',
  registration: null,
  cloudFraction: null,
  coverage: null,
  createdAt: '2026-12-07T10:00:00.000Z',
  error: 'image has 2 bands; expected 1, 3 or 4',
  analysisRev: 0,
  ...patch,
});

describe('a failed image as the dialog lists it', () => {
  test('says when (UTC, with the time, 00:00 too, as the header), what, and the server’s reason', () => {
    expect(describeFailed(failed({}))).toEqual({
      when: '14 Jan 2025 01:52 UTC',
      what: 'SynthSat-1 · 2048 × 1536 px · 1.0 m a pixel · uploaded 7 Dec 2026',
      why: 'image has 2 bands; expected 1, 3 or 4',
      detail: null,
    });
    const bare = describeFailed(
      failed({ acquiredAt: '2025-01-14T00:00:00.000Z', sensor: null, error: null, gsdM: 30 }),
    );
    expect(bare.when).toBe('14 Jan 2025 00:00 UTC');
    expect(bare.what).toBe('2048 × 1536 px · 30 m a pixel · uploaded 7 Dec 2026');
    expect(bare.why).toBe('The server recorded no reason.');
  });

  test('a decoder’s own words become a reason the analyst can read, the words kept as detail', () => {
    expect(failureReason('Invalid typed array length: 768')).toEqual({
      why: 'The image data is damaged and could not be decoded.',
      detail: 'Invalid typed array length: 768',
    });
    expect(failureReason('incorrect header check').why).toBe('The image data is damaged and could not be decoded.');
    expect(failureReason('analysis worker exited with code 1').detail).toBe('analysis worker exited with code 1');
    // The pipeline's own reasons are already written for the analyst.
    expect(failureReason('image has 2 bands; expected 1, 3 or 4')).toEqual({
      why: 'image has 2 bands; expected 1, 3 or 4',
      detail: null,
    });
  });

  test('the status line counts them', () => {
    expect(failedNote(1)).toBe('1 image failed analysis');
    expect(failedNote(3)).toBe('3 images failed analysis');
  });
});
