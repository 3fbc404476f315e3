import { describe, expect, test } from 'vitest';
import type { ProcessingError } from './errors.ts';
import { refuseOtherBands } from './site-checks.ts';

const refusal = (bands: number, referenceBands: number): ProcessingError | null => {
  try {
    refuseOtherBands(bands, referenceBands);
    return null;
  } catch (err) {
    return err as ProcessingError;
  }
};

describe('bands an image must have for its site', () => {
  test('the reference’s bands, or RGB + NIR on an RGB site (read as its RGB)', () => {
    for (const n of [1, 3, 4]) expect(refusal(n, n)).toBeNull();
    expect(refusal(4, 3)).toBeNull();
  });

  test('RGB on an RGB + NIR site is refused, saying what the missing band is for', () => {
    const err = refusal(3, 4);
    expect(err?.code).toBe('bad_bands');
    expect(err?.field).toBe('file');
    expect(err?.message).toMatch(
      /^image has 3 bands \(RGB\); this site's reference image has 4 bands \(RGB \+ NIR\): /,
    );
    expect(err?.message).toMatch(/near-infrared band .* which this image lacks/);
  });

  test('grey and colour never mix', () => {
    expect(refusal(1, 3)?.message).toBe(
      "image has 1 band (grey); this site's reference image has 3 bands (RGB), and the analysis compares images band for band",
    );
    expect(refusal(3, 1)?.code).toBe('bad_bands');
    expect(refusal(4, 1)?.code).toBe('bad_bands');
    expect(refusal(1, 4)?.code).toBe('bad_bands');
  });
});
