import { describe, expect, it } from 'vitest';
import { SEN2SHIPS_PORTS } from './sen2ships.ts';
import { evalAirbus, evalSen2shipsPort, maskLengthM, matchToLabels, type Score } from './vessels.eval.ts';

// Floors a little below the measured numbers (see `npx tsx bench/vessels.eval.ts`), so a regression
// fails here. Measured 2026-12-01: sen2ships pooled P 0.43 (tp 19, fp 25), R 0.22 (was 0.32/0.26 before
// NIR-bright pixels left the NDWI water: 24 false detections on Busan's bridge and white roofs went, and
// 4 ships moored at quays that were found only through such mixed pixels went with them);
// Airbus recall 0.65 (0.70 before the local σ). Then boxes centred on the strong-contrast core and no
// rafted split at 10 m: P 0.55 (tp 21, fp 17), R 0.24; Airbus 0.75. 2026-12-02: Airbus 0.70 (14/20) — a part
// centred on a stronger detection's box is now that detection, and chip 0's 23 m ship had been "found"
// only through such a part, 2 px inside its label box, beside the whole-ship box just outside it.
// Then at 10 m a blob's length must show with the blur taken out (deblurredLength): P 0.67 (tp 20, fp 10),
// R 0.23 — six point targets on open water went (small craft the labels omit, a breaking wave) and one
// fragment of a quay-edge line that happened to lie in a moored ship's box. At --min-length 50 the same
// rule gives P 0.68 → 0.71, R 0.22 → 0.20 (tp 19 → 17, fp 9 → 7): blur-inflated boxes had passed 50 m
// (the labels carry no hull lengths to say which reading is right).
// 2026-12-03: the moored-hull test on at 10 m (with NIR), its shore-blur patches dropped by NDWI and its
// patches exempt from the detector's shore test: P 0.63 (tp 31, fp 18), R 0.36; moored 10 of 64. With
// patches from 5 px (was 6): P 0.63 (tp 33, fp 19), R 0.38; moored 12 of 64.
// 2026-12-06: P 0.83 (tp 43, fp 9), R 0.49, moored 22 of 64 (faint seeds and beaded rows dropped at 10 m).
// 2026-12-07: P 0.83 (tp 48, fp 10), R 0.55, moored 27 of 64 (hulls standing out of a straight quay line, quayFaceHulls).
describe('vessel scoring', () => {
  it('measures a pixel run as n pixels long', () => {
    // A uniform run of 5 pixels (variance (n²−1)/12 = 2) on a 10 m grid is 50 m long, whatever its direction.
    expect(maskLengthM([0, 1, 2, 3, 4], 100, 10)).toBeCloseTo(50, 6);
    expect(maskLengthM([0, 100, 200, 300, 400], 100, 10)).toBeCloseTo(50, 6);
  });

  it('matches each label to one detection at most, and ignores detections on labels too short to count', () => {
    const det = (cx: number, cy: number) => ({ cx, cy, length: 3, width: 1, angle: 0, confidence: 1 });
    const label = { x: 10, y: 10, w: 6, h: 3 };
    const short = { x: 40, y: 40, w: 2, h: 2 };
    const s = matchToLabels([det(12, 11), det(14, 11), det(41, 41), det(80, 80)], [label], 1, [short]);
    expect(s).toEqual({ tp: 1, fp: 2, fn: 0 });
  });
});

describe('vessel accuracy on real imagery', () => {
  it('keeps sen2ships pooled precision and recall above their floors at 30 m', async () => {
    const pooled: Score = { tp: 0, fp: 0, fn: 0 };
    const free = { found: 0, total: 0 };
    const moored = { found: 0, total: 0 };
    for (const port of SEN2SHIPS_PORTS) {
      const s = await evalSen2shipsPort(port, 30);
      pooled.tp += s.tp;
      pooled.fp += s.fp;
      pooled.fn += s.fn;
      free.found += s.bySetting.free.found;
      free.total += s.bySetting.free.total;
      moored.found += s.bySetting.moored.found;
    }
    expect(pooled.tp / (pooled.tp + pooled.fp)).toBeGreaterThanOrEqual(0.78);
    expect(pooled.tp / (pooled.tp + pooled.fn)).toBeGreaterThanOrEqual(0.45);
    // Ships on open water are what 10 m shows apart from the shore: measured 2026-12-03 21 of 23.
    // The floor lets two more go, not three; the total guards against a mask that would call the
    // hard ones moored.
    expect(free.total).toBeGreaterThanOrEqual(20);
    expect(free.found / free.total).toBeGreaterThanOrEqual(0.8);
    // Moored: 22 of 64 (0 without the moored-hull test at 10 m).
    expect(moored.found).toBeGreaterThanOrEqual(19);
  }, 120_000);

  it('finds most labelled ships of the Airbus chips', async () => {
    const r = await evalAirbus(20);
    expect(r.found / r.labels).toBeGreaterThanOrEqual(0.7);
    // 20 chips of 768² at 1.5 m take ~30 s of CPU; on the shared 2-core machine that exceeded 60 s.
  }, 180_000);
});
