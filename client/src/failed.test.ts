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
  errorCode: 'image_rejected',
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

  test('the kind of failure picks the wording, the server’s words kept as detail', () => {
    const text = 'GeoTIFF data is damaged and could not be decoded: incorrect header check';
    expect(failureReason(text, 'damaged_data')).toEqual({
      why: 'The image data is damaged and could not be decoded.',
      detail: text,
    });
    // Whatever the sentence says: the code decides, not the words.
    expect(failureReason('some new wording', 'damaged_data').why).toBe(
      'The image data is damaged and could not be decoded.',
    );
    expect(failureReason('analysis was cancelled', 'aborted')).toEqual({
      why: 'The analysis was cancelled before it finished.',
      detail: 'analysis was cancelled',
    });
    expect(failureReason('analysis worker exited with code 1', 'worker_crashed').why).toMatch(/worker crashed/);
    expect(failureReason('x is not a function', 'internal')).toEqual({
      why: 'The server could not analyse this image: an error of its own, not of the image.',
      detail: 'x is not a function',
    });
    // A refusal by the site's rules is said by the server for the analyst: it is the reason itself.
    expect(
      failureReason('image has 1 band (grey); this site’s reference image has 3 bands (RGB)', 'image_rejected'),
    ).toEqual({ why: 'image has 1 band (grey); this site’s reference image has 3 bands (RGB)', detail: null });
    // A code from a newer server this app does not know: the server's fault, its words kept.
    expect(failureReason('quota exceeded', 'out_of_quota')).toEqual({
      why: 'The server could not analyse this image: an error of its own, not of the image.',
      detail: 'quota exceeded',
    });
    expect(failureReason('oops', 'toString').why).toMatch(/error of its own/);
    expect(failureReason(null, 'aborted').detail).toBeNull();
  });

  test('a failure an older server recorded (no code) is read from its words', () => {
    expect(failureReason('Invalid typed array length: 768', null)).toEqual({
      why: 'The image data is damaged and could not be decoded.',
      detail: 'Invalid typed array length: 768',
    });
    expect(failureReason('incorrect header check', undefined).why).toBe(
      'The image data is damaged and could not be decoded.',
    );
    expect(failureReason('analysis worker exited with code 1', null).detail).toBe('analysis worker exited with code 1');
    // The pipeline's own reasons are already written for the analyst.
    expect(failureReason('image has 2 bands; expected 1, 3 or 4', null)).toEqual({
      why: 'image has 2 bands; expected 1, 3 or 4',
      detail: null,
    });
    expect(failureReason(null, null).why).toBe('The server recorded no reason.');
  });

  test('the status line counts them', () => {
    expect(failedNote(1)).toBe('1 image failed analysis');
    expect(failedNote(3)).toBe('3 images failed analysis');
  });
});
