import { describe, expect, it } from 'vitest';

import { detectRailcars, finiteOnly, nearCounts, partCounts, type RailInput } from './detect-railcars.ts';
import { renderPort } from './synthetic-port.ts';
import type { Block, PixelBox } from './types.ts';

const W = 400;
const H = 80;
const TRACK_Y = [28, 33.5, 39, 44.5];
const ones = () => new Uint8Array(W * H).fill(1);
/** The yard polygon drawn around the four tracks, with a margin of ground. */
function yardPolygon(): Uint8Array {
  const mask = new Uint8Array(W * H);
  for (let y = 23; y < 50; y++) for (let x = 5; x < 395; x++) mask[y * W + x] = 1;
  return mask;
}

interface Train {
  track: number;
  start: number;
  cars: number;
  carLength: number;
  tone: number;
  /** The darker end walls: how far in from each end, metres (default 0.5), and their share of the tone (0.8). */
  ends?: { m: number; factor: number };
  /** Hopper bays: darker patches (this share of the tone) 2.2 m long every quarter of a car. */
  bays?: number;
}

/** A yard at 1 m: ballast beds 4.4 m wide every 5.5 m on concrete, trains of cars with sub-metre coupler gaps. */
function yard(trains: Train[], seed = 1, beds: number[] = TRACK_Y.map(() => 0.27)) {
  return renderPort({
    width: W,
    height: H,
    quayRow: H,
    hulls: [],
    seed,
    noise: 0.01,
    paint: (x, y) => {
      let v = 0.5;
      for (const [k, ty] of TRACK_Y.entries()) if (Math.abs(y - ty) <= 2.2) v = beds[k]!;
      for (const t of trains) {
        const ty = TRACK_Y[t.track]!;
        if (Math.abs(y - ty) > 1.5) continue;
        for (let k = 0; k < t.cars; k++) {
          const x0 = t.start + k * (t.carLength + 0.6);
          const { m, factor } = t.ends ?? { m: 0.5, factor: 0.8 };
          if (!(x >= x0 && x < x0 + t.carLength)) continue;
          const u = x - x0;
          const bay = t.bays !== undefined && Math.abs((u % (t.carLength / 4)) - t.carLength / 8) < 1.1;
          v = u < m || t.carLength - u < m ? t.tone * factor : bay ? t.tone * t.bays! : t.tone;
        }
      }
      return v;
    },
  });
}

/**
 * The yard polygon's input for `block`, by default with two other dates (one bare, one with a train
 * elsewhere).
 */
async function yardDate(block: Block, others?: Block[]): Promise<RailInput> {
  return {
    block,
    tracks: [],
    yard: yardPolygon(),
    others: others ?? [await yard([], 2), await yard([{ track: 0, start: 40, cars: 5, carLength: 15, tone: 0.7 }], 3)],
    valid: ones(),
    gsdM: { x: 1, y: 1 },
    railCarLengthM: 15,
  };
}

/** `block` mirrored east to west (the yard polygon is symmetric). */
function mirrored(block: Block): Block {
  const bands = block.bands.map((band) => {
    const out = band.slice();
    for (let y = 0; y < H; y++) out.subarray(y * W, (y + 1) * W).reverse();
    return out;
  });
  return { ...block, bands };
}

/** A quay siding's input on track 1: today's block, and two other dates with the siding bare. */
async function sidingDate(block: Block): Promise<RailInput> {
  return {
    block,
    tracks: [line(1)],
    yard: null,
    others: [await yard([], 2), await yard([], 3)],
    valid: ones(),
    gsdM: { x: 1, y: 1 },
    railCarLengthM: 15,
  };
}

const line = (k: number): Array<[number, number]> => [
  [10, TRACK_Y[k]!],
  [390, TRACK_Y[k]!],
];

/** Seven 14 m cars on track 2, the middle one of `tone`, the others 0.21 (0.06 off the bed). */
const cars = (tone: number): Train[] => [
  { track: 2, start: 60, cars: 3, carLength: 14, tone: 0.21 },
  { track: 2, start: 60 + 3 * 14.6, cars: 1, carLength: 14, tone },
  { track: 2, start: 60 + 4 * 14.6, cars: 3, carLength: 14, tone: 0.21 },
];

describe('detectRailcars', () => {
  it('counts coupled cars on a given track from the occupied length', async () => {
    const block = await yard([{ track: 1, start: 40, cars: 12, carLength: 15, tone: 0.62 }]);
    const r = detectRailcars({
      block,
      tracks: [line(1)],
      yard: null,
      valid: ones(),
      gsdM: { x: 1, y: 1 },
      railCarLengthM: 15,
    });
    expect(r.cars).toHaveLength(12);
    expect(r.trackLengthM).toBeCloseTo(380, -1);
    expect(r.occupiedLengthM).toBeGreaterThan(180);
    expect(r.occupiedLengthM).toBeLessThan(200);
  });

  it('in a yard, counts a car that reads just under the threshold between cars of its kind, not a bare gap', async () => {
    // Seed 500256: tank trains read 0.02–0.04 off the bed and broke into pieces. The middle car here is 0.035
    // off the bed (under the yard's 0.04), the cars each side 0.06 off: it looks more like them than like the bed.
    const r = detectRailcars(await yardDate(await yard(cars(0.235))));
    expect(r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[2]!) < 2).length).toBe(7);
    // The same gap bare: two trains of three.
    const bare = detectRailcars(await yardDate(await yard(cars(0.27))));
    expect(bare.cars.filter((c) => Math.abs(c.cy - TRACK_Y[2]!) < 2).length).toBe(6);
    // With a single other date, seen in the same light as today (its gains depart nowhere along the yard).
    const other = await yard([{ track: 0, start: 40, cars: 5, carLength: 15, tone: 0.7 }], 3);
    const one = detectRailcars(await yardDate(await yard(cars(0.235)), [other]));
    expect(one.cars.filter((c) => Math.abs(c.cy - TRACK_Y[2]!) < 2).length).toBe(7);
  });

  it('bridges the gaps of a train as in its mirror image: no gap is judged by one bridged before it', async () => {
    // Two near-bed cars (0.025 and 0.035 off the bed) between cars 0.06 off it. The scan runs west to
    // east: when a gap's sides were read after earlier gaps were bridged, the first car bridged drew the
    // cars' colour beside the second toward the bed, and the second passed only when the scan met the
    // 0.035 car first (5 cars one way, 6 the other).
    const trains: Train[] = [
      { track: 2, start: 60, cars: 2, carLength: 14, tone: 0.21 },
      { track: 2, start: 60 + 2 * 14.6, cars: 1, carLength: 14, tone: 0.245 },
      { track: 2, start: 60 + 3 * 14.6, cars: 1, carLength: 14, tone: 0.235 },
      { track: 2, start: 60 + 4 * 14.6, cars: 2, carLength: 14, tone: 0.21 },
    ];
    const count = async (flip: (b: Block) => Block) => {
      const others = [await yard([], 2), await yard([{ track: 0, start: 40, cars: 5, carLength: 15, tone: 0.7 }], 3)];
      const r = detectRailcars(await yardDate(flip(await yard(trains)), others.map(flip)));
      return r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[2]!) < 2).length;
    };
    // Five of the six either way: judged against the cars as read, not bridged, the nearer-bed car stays a gap.
    const eastward = await count((b) => b);
    expect(eastward).toBe(5);
    expect(await count(mirrored)).toBe(eastward);
  });

  it('bridges no gap on a date whose light departs from the other dates’ over part of the yard', async () => {
    // Seeds 524945 and 243387, 2025-08-19 and 11-13 (patchy haze): the bed read off by 0.02–0.04 stretch by
    // stretch, and noise blips a gap apart were joined into one-car strays. Where today's light departs
    // from the usual (todaysLight), a gap's place between its bed and the cars beside it is not told:
    // the yard east of x = 250 is at 0.85 of its light today, and the near-bed car stays uncounted.
    const block = await yard(cars(0.235));
    for (const band of block.bands) for (let i = 0; i < band.length; i++) if (i % W >= 250) band[i]! *= 0.85;
    const r = detectRailcars(await yardDate(block));
    expect(r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[2]!) < 2).length).toBe(6);
    // With one other date the light is not known (todaysLight cannot tell its haze from today's): that is
    // not the usual light either, and the near-bed car west of the haze stays uncounted as well.
    const one = detectRailcars(await yardDate(block, [await yard([], 2)]));
    expect(one.cars.filter((c) => Math.abs(c.cy - TRACK_Y[2]!) < 2 && c.cx < 250).length).toBe(6);
  });

  it('measures the car length of a long train instead of assuming the nominal 15 m', async () => {
    // 82 % of the track is covered: the reference date (empty track) tells the bed's colour.
    const block = await yard([{ track: 2, start: 20, cars: 16, carLength: 19, tone: 0.12 }]);
    const reference = await yard([], 3);
    const r = detectRailcars({
      block,
      tracks: [line(2)],
      yard: null,
      valid: ones(),
      gsdM: { x: 1, y: 1 },
      railCarLengthM: 15,
      reference,
    });
    expect(Math.abs(r.cars.length - 16)).toBeLessThanOrEqual(1);
  });

  it('measures the car length of a hopper train whose bays hide the car ends’ period, by its second multiple', async () => {
    // No end walls, and bays every quarter car repeat within each car: the car ends' single autocorrelation
    // peak stays below periodOf's bar, and the nominal 15 m counted these 17 m cars as 14. Their period
    // shows at one car and at two.
    const trains: Train[] = [
      { track: 1, start: 30, cars: 12, carLength: 17, tone: 0.48, ends: { m: 0.4, factor: 1 }, bays: 0.55 },
    ];
    const r = detectRailcars(await yardDate(await yard(trains)));
    expect(r.cars.length).toBe(12);
  });

  it('measures the car length of a siding train whose cars show no end walls, by its coupler gaps alone', async () => {
    // Plain 20 m cars with the bed seen through each 0.6 m coupler gap: the gaps repeat with one sign, and the
    // size of the deviations too weakly to find a period (seed 239554, 2025-08-14: 41 cars counted of 31 at
    // the nominal 15 m).
    const block = await yard([
      { track: 1, start: 15, cars: 18, carLength: 20, tone: 0.35, ends: { m: 0.5, factor: 1 } },
    ]);
    const r = detectRailcars(await sidingDate(block));
    expect(Math.abs(r.cars.length - 18)).toBeLessThanOrEqual(1);
  });

  it('counts a hopper train coupled to a tank train each at its own car length', async () => {
    // Seed 700755, 2025-01-14: yard-5's hoppers of 17.8 m ran on into tanks of 14.6 m (the gap between them
    // read as cars), one run whose period, the tanks', counted 51 cars of 43. Here the two trains are coupled.
    const hopperM = 17.8;
    const hoppers = 12;
    const tanksAt = 12 + hoppers * (hopperM + 0.6);
    const block = await yard([
      { track: 1, start: 12, cars: hoppers, carLength: hopperM, tone: 0.55, bays: 0.55 },
      { track: 1, start: tanksAt, cars: 10, carLength: 14.6, tone: 0.6, ends: { m: 0.5, factor: 0.5 } },
    ]);
    const r = detectRailcars(await yardDate(block));
    const onTrack = r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[1]!) < 2);
    expect(Math.abs(onTrack.length - 22)).toBeLessThanOrEqual(1);
  });

  it('finds the tracks of a yard polygon and counts cars within 10 %', async () => {
    const trains: Train[] = [
      { track: 0, start: 30, cars: 10, carLength: 17, tone: 0.7 },
      { track: 1, start: 100, cars: 6, carLength: 15, tone: 0.15 },
      { track: 3, start: 200, cars: 8, carLength: 16, tone: 0.4 },
    ];
    const block = await yard(trains);
    const reference = await yard([], 2);
    const mask = yardPolygon();
    const r = detectRailcars({
      block,
      tracks: [],
      yard: mask,
      valid: ones(),
      gsdM: { x: 1, y: 1 },
      railCarLengthM: 15,
      reference,
    });
    expect(Math.abs(r.cars.length - 24) / 24).toBeLessThanOrEqual(0.1);
    expect(r.trackLengthM).toBeGreaterThan(4 * 360);
    expect(r.trackLengthM).toBeLessThan(5 * 400);
  });

  it('takes the bed colour from the tracks, not from a busy yard polygon’s margin of ground', async () => {
    // Every track is three-quarters full: the bare ground along the polygon's edges (where lines at 22.5
    // and 50 m fall) is the commonest colour in the yard, yet not the bed's. Two earlier dates, with other
    // trains, show where the tracks are.
    const tones = [0.7, 0.1, 0.4, 0.6, 0.1, 0.8, 0.38, 0.65];
    const trains: Train[] = [0, 1, 2, 3].flatMap((k) => [
      { track: k, start: 15 + 20 * k, cars: 9, carLength: 15, tone: tones[2 * k]! },
      { track: k, start: 190 + 15 * k, cars: 10, carLength: 15, tone: tones[2 * k + 1]! },
    ]);
    const block = await yard(trains);
    const mask = new Uint8Array(W * H);
    for (let y = 18; y < 55; y++) for (let x = 5; x < 395; x++) mask[y * W + x] = 1;
    const others = await Promise.all([
      yard(
        [0, 1, 2, 3].map((k) => ({ track: k, start: 60 + 40 * k, cars: 6, carLength: 15, tone: 0.15 + 0.2 * k })),
        3,
      ),
      yard(
        [1, 3].map((k) => ({ track: k, start: 30, cars: 14, carLength: 15, tone: 0.75 })),
        4,
      ),
    ]);
    const r = detectRailcars({
      block,
      tracks: [],
      yard: mask,
      others,
      valid: ones(),
      gsdM: { x: 1, y: 1 },
      railCarLengthM: 15,
    });
    expect(Math.abs(r.cars.length - 76) / 76).toBeLessThanOrEqual(0.1);
  });

  it('counts a train of the bed’s colour that stood on every date by its car ends', async () => {
    // Track 1 holds 16 cars of 17 m as dark as the ballast on all three dates: no date shows its bed, and
    // its colour is the bed's; only the darker car ends (a metre of end wall each), every 17.6 m, tell it.
    // Trains elsewhere on each date show where the tracks are.
    const hidden: Train = { track: 1, start: 60, cars: 16, carLength: 17, tone: 0.27, ends: { m: 1, factor: 0.6 } };
    const seen: Train[] = [
      { track: 0, start: 30, cars: 10, carLength: 17, tone: 0.7 },
      { track: 2, start: 150, cars: 8, carLength: 15, tone: 0.15 },
      { track: 3, start: 200, cars: 8, carLength: 16, tone: 0.45 },
    ];
    const withHidden = await yard([...seen, hidden]);
    const without = await yard(seen);
    const others = await Promise.all([
      yard([hidden, { track: 3, start: 40, cars: 6, carLength: 15, tone: 0.6 }], 2),
      yard([hidden, { track: 0, start: 150, cars: 9, carLength: 16, tone: 0.2 }], 3),
    ]);
    const bare = await Promise.all([
      yard([{ track: 3, start: 40, cars: 6, carLength: 15, tone: 0.6 }], 2),
      yard([{ track: 0, start: 150, cars: 9, carLength: 16, tone: 0.2 }], 3),
    ]);
    const onTrack1 = (r: { cars: Array<{ cy: number }> }) => r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[1]!) < 2);
    const found = detectRailcars({ ...(await yardDate(withHidden, others)) });
    expect(Math.abs(onTrack1(found).length - 16)).toBeLessThanOrEqual(1);
    expect(Math.abs(found.cars.length - 42)).toBeLessThanOrEqual(3);
    // The bare bed has no period: nothing is found on that track when the train is not there.
    const empty = detectRailcars({ ...(await yardDate(without, bare)) });
    expect(onTrack1(empty)).toHaveLength(0);
    expect(Math.abs(empty.cars.length - 26)).toBeLessThanOrEqual(3);
  });

  it('keeps a yard track that is mostly under cloud and counts the cars seen', async () => {
    // Only the first 65 m of the yard are clear; there a 3-car train stands on each track.
    const tones = [0.7, 0.1, 0.45, 0.6];
    const block = await yard(TRACK_Y.map((_, k) => ({ track: k, start: 12, cars: 3, carLength: 15, tone: tones[k]! })));
    const valid = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < 70; x++) valid[y * W + x] = 1;
    const mask = yardPolygon();
    const r = detectRailcars({
      block,
      tracks: [],
      yard: mask,
      valid,
      gsdM: { x: 1, y: 1 },
      railCarLengthM: 15,
    });
    expect(Math.abs(r.cars.length - 12)).toBeLessThanOrEqual(1);
  });

  it('takes no light from the few stations by a cloud’s edge: the bare bed the other dates saw there stays bare', async () => {
    // Seed 524945, 2025-09-13: a cloud hides the yard's middle today (x 100–300); just east of it three of
    // the four tracks hold light cars (45 m each), the rest is bare. The two other dates saw the whole yard
    // bare. The gain window around x = 255 sees only x 300–355 today, mostly those cars: their ratio to the
    // bare bed, taken for today's light, lit the other dates' bare bed under the cloud into cars.
    const block = await yard([0, 1, 2].map((k) => ({ track: k, start: 302, cars: 3, carLength: 15, tone: 0.6 })));
    const valid = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) valid[y * W + x] = x < 100 || x >= 300 ? 1 : 0;
    const r = detectRailcars({ ...(await yardDate(block, [await yard([], 2), await yard([], 3)])), valid });
    expect(r.cars).toHaveLength(9);
    // Hidden: the mean of today's rate (140 m of 760 m) over 800 m hidden and the other dates' none.
    expect(r.hidden.trackLengthM).toBeCloseTo(800, -1);
    expect(r.hidden.cars).toBeGreaterThanOrEqual(4);
    expect(r.hidden.cars).toBeLessThanOrEqual(6);
  });

  it('reads the other dates’ trains on the track hidden today with their gaps closed, as today’s', async () => {
    // The other dates saw ten hoppers of the bed's tone on each track under today's cloud (x < 200): only
    // their bays and end walls read off the bed, less than 4 m apart. Today's clear half holds one train.
    const hoppers = [0, 1, 2, 3].map((k) => ({ track: k, start: 20, cars: 10, carLength: 15, tone: 0.27, bays: 0.5 }));
    const block = await yard([{ track: 0, start: 250, cars: 5, carLength: 15, tone: 0.7 }]);
    const valid = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 200; x < W; x++) valid[y * W + x] = 1;
    const others = [await yard(hoppers, 2), await yard(hoppers, 3)];
    const r = detectRailcars({ ...(await yardDate(block, others)), valid });
    expect(r.cars).toHaveLength(5);
    // Half way between today's rate (78 m of 780 m: 5 cars hidden) and the other dates' 40 cars.
    expect(r.hidden.cars).toBeGreaterThanOrEqual(20);
    expect(r.hidden.cars).toBeLessThanOrEqual(25);
  });

  it('reads the other dates’ near-bed cars between alike cars on the track hidden today, as today’s', async () => {
    // The other dates saw on each track under today's cloud (x < 200) seven 14 m cars 0.06 off the bed,
    // every other one 0.035 off it (under the yard's 0.04): today such gaps are bridged (bridgeLikeCars),
    // and the hidden estimate reads the other dates' stations the same way.
    const alternating = [0, 1, 2, 3].flatMap((k) =>
      [0, 1, 2, 3, 4, 5, 6].map((c) => ({
        track: k,
        start: 20 + c * 14.6,
        cars: 1,
        carLength: 14,
        tone: c % 2 ? 0.235 : 0.21,
      })),
    );
    const block = await yard([{ track: 0, start: 250, cars: 5, carLength: 15, tone: 0.7 }]);
    const valid = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 200; x < W; x++) valid[y * W + x] = 1;
    const others = [await yard(alternating, 2), await yard(alternating, 3)];
    const r = detectRailcars({ ...(await yardDate(block, others)), valid });
    expect(r.cars).toHaveLength(5);
    // Half way between today's rate (75 m of 780 m: 5 cars hidden) and the other dates' 28 cars: 16; the
    // near-bed cars left out, 12.
    expect(r.hidden.cars).toBeGreaterThanOrEqual(14);
    expect(r.hidden.cars).toBeLessThanOrEqual(17);
  });

  it('keeps a yard track full of cars today: the other dates show its bare bed', async () => {
    // Track 1 carries one train over the whole polygon today; the two other dates show it bare.
    const trains: Train[] = [
      { track: 1, start: 6, cars: 25, carLength: 15, tone: 0.62 },
      { track: 3, start: 100, cars: 8, carLength: 15, tone: 0.7 },
    ];
    const r = detectRailcars(await yardDate(await yard(trains)));
    expect(Math.abs(r.cars.length - 33)).toBeLessThanOrEqual(2);
  });

  it('on a first date, keeps the yard tracks full of cars between two tracks that show their bed', async () => {
    // No other dates: tracks 1 and 2 carry trains over the whole polygon, so neither ever shows its bed;
    // they lie between tracks 0 and 3, which do, so they are tracks, not the polygon's margin of ground.
    const trains: Train[] = [
      { track: 0, start: 40, cars: 6, carLength: 15, tone: 0.7 },
      { track: 1, start: 6, cars: 25, carLength: 15, tone: 0.62 },
      { track: 2, start: 6, cars: 12, carLength: 15, tone: 0.15 },
      { track: 2, start: 193, cars: 13, carLength: 15, tone: 0.7 },
      { track: 3, start: 200, cars: 8, carLength: 15, tone: 0.4 },
    ];
    const r = detectRailcars(await yardDate(await yard(trains), []));
    expect(Math.abs(r.cars.length - 64)).toBeLessThanOrEqual(3);
  });

  it('on a first date, keeps an outer yard track nearly full of cars: its cars set the comb, margin ground has none', async () => {
    // No other dates: track 3, the outermost, carries one train over all but 4 % of the polygon, so it
    // shows too little bare bed to pass for a track by its bed; the cars the track comb caught there do.
    const trains: Train[] = [
      { track: 0, start: 40, cars: 6, carLength: 15, tone: 0.7 },
      { track: 1, start: 200, cars: 8, carLength: 15, tone: 0.4 },
      { track: 3, start: 8, cars: 24, carLength: 15, tone: 0.62 },
    ];
    const r = detectRailcars(await yardDate(await yard(trains), []));
    expect(Math.abs(r.cars.length - 38)).toBeLessThanOrEqual(2);
  });

  it('keeps a yard track whose only bare stretch lies in the next train’s shadow', async () => {
    // First date (no other dates): track 2 is full but for its east end, in the shadow of the train on
    // track 3 beside it.
    const trains: Train[] = [
      { track: 0, start: 40, cars: 6, carLength: 15, tone: 0.7 },
      { track: 2, start: 6, cars: 18, carLength: 15, tone: 0.62 },
      { track: 3, start: 292, cars: 6, carLength: 15, tone: 0.7 },
    ];
    const block = await yard(trains);
    for (const band of block.bands)
      for (let y = 36; y <= 41; y++) for (let x = 292; x < 395; x++) band[y * W + x]! *= 0.55;
    const r = detectRailcars(await yardDate(block, []));
    expect(Math.abs(r.cars.length - 30)).toBeLessThanOrEqual(2);
  });

  it('scales the other dates to today’s light on the bed: a dimmer date is not a yard full of cars', async () => {
    const block = await yard([
      { track: 0, start: 40, cars: 8, carLength: 15, tone: 0.7 },
      { track: 2, start: 150, cars: 6, carLength: 15, tone: 0.15 },
    ]);
    // Today's whole image is a fifth darker (haze, or a normalisation that missed the dark end).
    for (const band of block.bands) for (let i = 0; i < band.length; i++) band[i]! *= 0.8;
    const r = detectRailcars(await yardDate(block));
    expect(Math.abs(r.cars.length - 14)).toBeLessThanOrEqual(1);
  });

  it('counts cars within 0.045 of the bed’s colour in a yard', async () => {
    // Dark grey tanks in summer light: 0.04 brighter than the bed over their width.
    const trains: Train[] = [{ track: 1, start: 100, cars: 8, carLength: 15, tone: 0.31 }];
    const r = detectRailcars(await yardDate(await yard(trains)));
    expect(Math.abs(r.cars.length - 8)).toBeLessThanOrEqual(1);
  });

  it('counts a dark train parked today and on an earlier date by the bed its track showed bare on another', async () => {
    // Seed 239554, 2025-03-15: 32 black tank cars on yard-1 since 2025-02-13, a little darker than the yard's
    // bed (within its tolerance) and more than that below the lighter ballast the track showed on 2025-01-14:
    // the spot's usual colour, the train's, was taken for its bed (21 cars found).
    const beds = [0.27, 0.285, 0.27, 0.27];
    // Tank cars: no darker end walls for the car-end period to find.
    const parked: Train = { track: 1, start: 100, cars: 8, carLength: 15, tone: 0.24, ends: { m: 0.5, factor: 1 } };
    const elsewhere: Train = { track: 3, start: 60, cars: 5, carLength: 15, tone: 0.7 };
    const r = detectRailcars(
      await yardDate(await yard([parked, elsewhere], 1, beds), [
        await yard([], 2, beds),
        await yard([parked], 3, beds),
      ]),
    );
    expect(Math.abs(r.cars.length - 13)).toBeLessThanOrEqual(1);
  });

  it('counts a grey tank train parked on every date, a little off the bed, against the yard’s bed', async () => {
    // Seed 564807, 2025-08-14: grey tanks standing on all four dates pooled read within the tolerance of
    // the yard's bed on the other dates (here 0.025 below it) and past it today (0.048); their spot, never
    // seen bare, took the tanks' own usual colour for its bed, and the train was lost (2 cars found of 11;
    // here 3 of 8).
    const tank = (tone: number): Train => ({
      track: 1,
      start: 100,
      cars: 8,
      carLength: 15,
      tone,
      ends: { m: 0.5, factor: 1 },
    });
    const elsewhere: Train = { track: 3, start: 60, cars: 5, carLength: 15, tone: 0.7 };
    const r = detectRailcars(
      await yardDate(await yard([tank(0.222), elsewhere], 1), [
        await yard([tank(0.245)], 2),
        await yard([tank(0.242), { track: 0, start: 40, cars: 5, carLength: 15, tone: 0.7 }], 3),
      ]),
    );
    const onTrack1 = r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[1]!) < 2);
    expect(Math.abs(onTrack1.length - 8)).toBeLessThanOrEqual(1);
    expect(Math.abs(r.cars.length - 13)).toBeLessThanOrEqual(1);
  });

  it('does not count the shadow a yard train casts on the next track', async () => {
    const block = await yard([{ track: 1, start: 100, cars: 8, carLength: 15, tone: 0.6 }]);
    // The train's shadow falls on the track north of it, over the same stretch (half the light, hue kept).
    for (const band of block.bands)
      for (let y = 26; y <= 31; y++) for (let x = 100; x < 224; x++) band[y * W + x]! *= 0.55;
    const reference = await yard([], 2);
    const mask = yardPolygon();
    const r = detectRailcars({
      block,
      tracks: [],
      yard: mask,
      valid: ones(),
      gsdM: { x: 1, y: 1 },
      railCarLengthM: 15,
      reference,
    });
    expect(Math.abs(r.cars.length - 8)).toBeLessThanOrEqual(1);
  });

  it('does not count a low sun’s long shadow across the two tracks beyond its train, knowing the sun or not', async () => {
    // Winter, sun in the south-south-east 22° up: a 4 m car's shadow reaches ~9 m north and ~3 m west.
    const block = await yard([{ track: 3, start: 100, cars: 8, carLength: 15, tone: 0.6 }]);
    for (const band of block.bands)
      for (let y = 31; y <= 42; y++) for (let x = 97; x < 221; x++) band[y * W + x]! *= 0.55;
    // Without the sun, the shadow's side is guessed from where shaded runs lie beside trains.
    for (const sun of [{ azimuthDeg: 160, elevationDeg: 22 }, undefined]) {
      const r = detectRailcars({ ...(await yardDate(block)), sun });
      expect(Math.abs(r.cars.length - 8)).toBeLessThanOrEqual(1);
    }
  });

  it('knowing a low sun, counts a train of the bed’s hue as dark as shade in the next train’s shadow: shade is bluer', async () => {
    // Seed 794624, 2025-12-14: a train on yard-2 read as the bed dimmed, under the shadow of yard-3's. Shade
    // keeps more of blue than of red (skylight: the generator's 0.50/0.52/0.58); the cars keep the bed's hue.
    const trains = [
      { track: 3, start: 100, cars: 8, carLength: 15, tone: 0.6 },
      { track: 2, start: 110, cars: 6, carLength: 15, tone: 0.16 },
    ];
    const block = await yard(trains);
    const tone = [0.5, 0.52, 0.58];
    const onCar = (x: number, y: number) => Math.abs(y - TRACK_Y[2]!) <= 1.5 && x >= 110 && x < 110 + 6 * 15.6;
    for (const [b, band] of block.bands.entries())
      for (let y = 31; y <= 42; y++) for (let x = 97; x < 221; x++) if (!onCar(x, y)) band[y * W + x]! *= tone[b]!;
    const r = detectRailcars({ ...(await yardDate(block)), sun: { azimuthDeg: 160, elevationDeg: 22 } });
    expect(Math.abs(r.cars.length - 14)).toBeLessThanOrEqual(1);
  });

  it('knowing a low sun, counts dark cars of shade’s very colour in the next train’s shadow by their own car ends', async () => {
    // Seed 839718, 2025-10-14 to 12-16: gondolas (dark open tops, light rims) on yard-1 under the shadow of
    // yard-2's train read as that shade in colour and tint; only their ends, every 14.9 m where the caster's
    // come every 16.6–18.4 m, told them (2–11 of 24 found).
    const block = await yard([{ track: 3, start: 60, cars: 16, carLength: 18, tone: 0.6 }]);
    const tone = [0.5, 0.52, 0.58];
    const carAt = (x: number, y: number) => {
      if (Math.abs(y - TRACK_Y[2]!) > 1.5 || x < 100) return null;
      const k = Math.floor((x - 100) / 15.6);
      const u = x - 100 - k * 15.6;
      return k < 12 && u < 15 ? (u < 0.6 || u > 14.4 ? 'end' : 'body') : null;
    };
    for (const [b, band] of block.bands.entries())
      for (let y = 31; y <= 42; y++)
        for (let x = 57; x < 354; x++) {
          const car = carAt(x, y);
          band[y * W + x] = car === 'end' ? 0.45 : car === 'body' ? 0.27 * tone[b]! : band[y * W + x]! * tone[b]!;
        }
    const r = detectRailcars({ ...(await yardDate(block)), sun: { azimuthDeg: 160, elevationDeg: 22 } });
    // The caster's 16 and, of the 12 in its shadow, those along the stretch whose ends repeat: the code before
    // ownCarEnds found none of them (16), this finds 5 (21).
    const inShadow = r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[2]!) < 2);
    expect(r.cars.length - inShadow.length).toBe(16);
    expect(inShadow.length).toBeGreaterThanOrEqual(4);
    expect(inShadow.length).toBeLessThanOrEqual(12);
  });

  it('knowing a low sun, counts dark cars in the next train’s shadow whose colour runs are pieces of it, by their car ends', async () => {
    // Seed 604035, 2025-12-16: yard-2's grey gondolas in yard-3's winter shadow read, a few metres at a time,
    // as that shade (cleared) or darker and as blue (kept as colour): pieces of up to two cars inside one
    // stretch whose ends repeat every 15.6 m. Each piece over half a car was taken for a piece of the shadow,
    // and the stretches between were too short to count by their ends alone (8 of 26 found without
    // mostlyDark, 23 with). Here every other car reads as the shade, the others darker.
    const casterM = 18;
    const block = await yard([{ track: 3, start: 60, cars: 16, carLength: casterM, tone: 0.6 }]);
    const shade = [0.5, 0.52, 0.58];
    const carAt = (x: number, y: number) => {
      if (Math.abs(y - TRACK_Y[2]!) > 1.5 || x < 100) return null;
      const k = Math.floor((x - 100) / 15.6);
      const u = x - 100 - k * 15.6;
      if (k >= 12 || u >= 15) return null;
      return u < 0.6 || u > 14.4 ? 'end' : k % 2 ? 'shade' : 'deeper';
    };
    const shadowEnd = 60 + 16 * (casterM + 0.6) - 3;
    for (const [b, band] of block.bands.entries())
      for (let y = 31; y <= 42; y++)
        for (let x = 57; x < shadowEnd; x++) {
          const car = carAt(x, y);
          const v = band[y * W + x]!;
          const s = shade[b]!;
          band[y * W + x] =
            car === 'end' ? 0.45 : car === 'deeper' ? 0.27 * s * 0.6 : car === 'shade' ? 0.27 * s : v * s;
        }
    const r = detectRailcars({ ...(await yardDate(block)), sun: { azimuthDeg: 160, elevationDeg: 22 } });
    // Without mostlyDark 8 of the 12 (on six noise seeds alike), with it 10.
    const inShadow = r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[2]!) < 2).length;
    expect(inShadow).toBeGreaterThanOrEqual(10);
    expect(inShadow).toBeLessThanOrEqual(12);
    expect(r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[3]!) < 2).length).toBe(16);
  });

  it('knowing a low sun, counts a dark reddish train in line with the next train’s shadow: shade is bluer', async () => {
    // Seed 892223, 2025-12-16: yard-3's dark brown cars stood where yard-4's train casts its shadow, their runs
    // starting where that shadow does, and were cleared as it (21 cars found as 10). They keep less blue than
    // the bed in sun does; shade keeps more.
    const trains: Train[] = [
      { track: 3, start: 100, cars: 8, carLength: 15, tone: 0.6 },
      { track: 2, start: 98, cars: 8, carLength: 15, tone: 0.27, ends: { m: 0.5, factor: 1 } },
    ];
    const block = await yard(trains);
    const shade = [0.5, 0.52, 0.58];
    const car = [0.78, 0.66, 0.58];
    const onCar = (x: number, y: number) => Math.abs(y - TRACK_Y[2]!) <= 1.5 && x >= 98 && x < 98 + 8 * 15.6;
    for (const [b, band] of block.bands.entries())
      for (let y = 31; y <= 42; y++)
        for (let x = 97; x < 221; x++) band[y * W + x]! *= onCar(x, y) ? car[b]! : shade[b]!;
    const r = detectRailcars({ ...(await yardDate(block)), sun: { azimuthDeg: 160, elevationDeg: 22 } });
    expect(r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[2]!) < 2).length).toBe(8);
  });

  it('knowing a low sun, counts a train of the bed’s hue that runs out of the next train’s shadow, the shade beside it not', async () => {
    // Seed 892223, 2025-12-14: a dark train in the bed's hue, partly in the next train's shadow beside a long
    // stretch of bare bed in that shadow: the tint averaged over the whole shaded stretch read as shade and
    // the cars in it were cleared. No darker end walls: nothing periodic tells these cars.
    const trains = [
      { track: 3, start: 100, cars: 8, carLength: 15, tone: 0.6 },
      { track: 2, start: 195, cars: 6, carLength: 15, tone: 0.16, ends: { m: 0.5, factor: 1 } },
    ];
    const block = await yard(trains);
    const tone = [0.5, 0.52, 0.58];
    const onCar = (x: number, y: number) => Math.abs(y - TRACK_Y[2]!) <= 1.5 && x >= 195 && x < 195 + 6 * 15.6;
    for (const [b, band] of block.bands.entries())
      for (let y = 31; y <= 42; y++) for (let x = 97; x < 221; x++) if (!onCar(x, y)) band[y * W + x]! *= tone[b]!;
    const r = detectRailcars({ ...(await yardDate(block)), sun: { azimuthDeg: 160, elevationDeg: 22 } });
    // All six on track 2, a car and a half of them in the shadow (on main that part was cleared: 5).
    expect(r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[2]!) < 2).length).toBe(6);
    expect(Math.abs(r.cars.length - 14)).toBeLessThanOrEqual(1);
  });

  it('knowing a low sun, does not count its train’s shadow that reads a third of the bed (too dark for shade)', async () => {
    // After normalisation a winter shadow on dark ballast keeps ~1/3 of the light (seed 20251, 2025-12-14).
    const block = await yard([{ track: 3, start: 100, cars: 8, carLength: 15, tone: 0.6 }]);
    for (const band of block.bands)
      for (let y = 31; y <= 42; y++) for (let x = 97; x < 221; x++) band[y * W + x]! *= 0.33;
    const r = detectRailcars({ ...(await yardDate(block)), sun: { azimuthDeg: 160, elevationDeg: 22 } });
    expect(Math.abs(r.cars.length - 8)).toBeLessThanOrEqual(1);
  });

  it('knowing a low sun, does not count a piece of a train’s deep shadow that lines up with neither of its ends', async () => {
    // Seed 209764, 2025-11-13: a train's shadow on the next track, too dark for shade (a third of the bed) and
    // broken into pieces; the pieces between its ends were counted (~20 cars). Shade is bluer than the bed
    // (skylight), as this shadow is; a second train's ordinary shade gives the image's shade tint.
    const block = await yard([
      { track: 3, start: 100, cars: 8, carLength: 15, tone: 0.6 },
      { track: 1, start: 250, cars: 6, carLength: 15, tone: 0.6 },
    ]);
    const deep = [0.3, 0.32, 0.38];
    const shade = [0.5, 0.52, 0.58];
    // Light reaches the track through two gaps in the shadow, 6 m each.
    const gap = (x: number) => (x >= 140 && x < 146) || (x >= 180 && x < 186);
    for (const [b, band] of block.bands.entries()) {
      for (let y = 31; y <= 42; y++) for (let x = 97; x < 221; x++) if (!gap(x)) band[y * W + x]! *= deep[b]!;
      for (let y = 20; y <= 31; y++) for (let x = 247; x < 341; x++) band[y * W + x]! *= shade[b]!;
    }
    const r = detectRailcars({ ...(await yardDate(block)), sun: { azimuthDeg: 160, elevationDeg: 22 } });
    expect(Math.abs(r.cars.length - 14)).toBeLessThanOrEqual(1);
  });

  it('knowing a low sun, counts dark tanks lit beside the deeper shadow they run into: one dark run, two depths', async () => {
    // Seed 604035, 2025-12-16: yard-5's 13 black tanks stood beside yard-6's train, lit (0.5 of the bed), and the
    // train's winter shadow (0.3 of the bed) ran on beyond them on the same track: one dark run lining up with
    // the shadow's end, cleared whole as that shadow (1 car found of 13).
    const trains: Train[] = [
      { track: 3, start: 100, cars: 10, carLength: 15, tone: 0.6 },
      { track: 2, start: 100, cars: 6, carLength: 15, tone: 0.27 },
    ];
    const block = await yard(trains);
    // That date's ratios to the bed, band by band: the shadow's and the tanks'.
    const deep = [0.32, 0.3, 0.43];
    const tank = [0.46, 0.53, 0.69];
    const onTank = (x: number, y: number) => Math.abs(y - TRACK_Y[2]!) <= 1.5 && x >= 100 && x < 100 + 6 * 15.6;
    // The shadow ends just beyond track 2: the ground half-way to track 1 stays lit.
    for (const [b, band] of block.bands.entries())
      for (let y = 37; y <= 42; y++)
        for (let x = 97; x < 257; x++) band[y * W + x]! *= onTank(x, y) ? tank[b]! : deep[b]!;
    const r = detectRailcars({ ...(await yardDate(block)), sun: { azimuthDeg: 160, elevationDeg: 22 } });
    // On main the tanks and the shadow beyond were one run cleared as shadow: none found on track 2.
    expect(r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[2]!) < 2).length).toBe(6);
    expect(r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[3]!) < 2).length).toBe(10);
  });

  it('on a first date, takes an empty outer track for a track: its bed, not a long train’s colour, is the bed', async () => {
    // No other dates: track 3 is bare (one colour everywhere, as a polygon's margin of ground looks), and
    // a long train's brown cars are the busy tracks' commonest colour, commoner there than the bed.
    const block = await yard([
      { track: 0, start: 8, cars: 20, carLength: 15, tone: 0.45 },
      { track: 1, start: 8, cars: 10, carLength: 15, tone: 0.45 },
      { track: 1, start: 200, cars: 10, carLength: 15, tone: 0.08 },
      { track: 2, start: 20, cars: 10, carLength: 15, tone: 0.7 },
      { track: 2, start: 200, cars: 10, carLength: 15, tone: 0.6 },
    ]);
    const r = detectRailcars(await yardDate(block, []));
    expect(Math.abs(r.cars.length - 60)).toBeLessThanOrEqual(4);
  });

  it('on a first date under a low sun, takes the sunlit bed for the bed though shaded bed is commoner', async () => {
    // Two long trains, each shading the whole next track north of it (as in seeds 892223 and 674324 on
    // 2025-01-14): more bed in shade than in sun, and no other dates to pool.
    const block = await yard([
      { track: 1, start: 40, cars: 20, carLength: 15, tone: 0.6 },
      { track: 3, start: 40, cars: 20, carLength: 15, tone: 0.75 },
    ]);
    for (const [y0, y1] of [
      [24, 31],
      [35, 42],
    ] as const)
      for (const band of block.bands)
        for (let y = y0; y <= y1; y++) for (let x = 37; x < 349; x++) band[y * W + x]! *= 0.5;
    const r = detectRailcars({ ...(await yardDate(block, [])), sun: { azimuthDeg: 160, elevationDeg: 22 } });
    expect(Math.abs(r.cars.length - 40)).toBeLessThanOrEqual(2);
  });

  it('on a first date under a low sun, takes the sunlit bed for the bed past grey cars as dark as shade and black cars', async () => {
    // Seed 700755, 2025-01-14: grey cars at about 0.75 of the bed the commonest colour, black cars (0.45 of
    // the bed, as if shade of the grey) commoner than the sunlit bed, no other dates: the grey was taken for
    // the bed, the bare track read as cars (254 cars found of 189); here the outer light train is lost too.
    // A low sun in the north (shadows toward +y).
    const block = await yard([
      { track: 0, start: 30, cars: 20, carLength: 15, tone: 0.2 },
      { track: 1, start: 8, cars: 24, carLength: 15, tone: 0.12 },
      { track: 2, start: 10, cars: 18, carLength: 15, tone: 0.2 },
      { track: 3, start: 40, cars: 20, carLength: 15, tone: 0.7 },
    ]);
    // The grey cars warmer than shade (which keeps more of blue than of red), so that they count as cars.
    const warm = [1, 0.97, 0.88];
    for (const [t, x0, x1] of [
      [0, 30, 342],
      [2, 10, 291],
    ] as const)
      for (const [b, band] of block.bands.entries())
        for (let y = Math.ceil(TRACK_Y[t]! - 1.5); y <= TRACK_Y[t]! + 1.5; y++)
          for (let x = x0; x < x1; x++) band[y * W + x]! *= warm[b]!;
    const r = detectRailcars({ ...(await yardDate(block, [])), sun: { azimuthDeg: 340, elevationDeg: 22 } });
    const on = (t: number) => r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[t]!) < 1.5);
    const onBare = (t: number, x0: number, x1: number) => on(t).filter((c) => c.cx < x0 || c.cx > x1).length;
    expect(onBare(0, 30, 342) + onBare(2, 10, 291) + onBare(3, 40, 352)).toBe(0);
    // The trains on tracks 1 and 2 stand where the next train's shadow would fall (not painted here), as a
    // shadow would: this test reads the sunlit tracks' trains.
    expect(Math.abs(on(0).length - 20)).toBeLessThanOrEqual(1);
    expect(Math.abs(on(3).length - 20)).toBeLessThanOrEqual(1);
  });

  it('on a first date, takes the sunlit bed for the bed though the commonest cross-section is half in a shadow', async () => {
    // Seed 564807, 2025-01-14: trains' shadows end half-way over the next track north, so along most of
    // the bare track the cross-section mixes sun and shade (about 0.65 of the sunlit bed here), commoner
    // than the sunlit bed, and the sunlit bed too rare to climb to: the mix was taken for the bed and the
    // sunlit bare track for cars (198 cars found of 129). A 4 m car's shadow under a 45° sun from the south
    // reaches from each train on tracks 1 and 3 to the next track's centre, over bare track west of the
    // short trains on tracks 0 and 2.
    const block = await yard([
      { track: 0, start: 250, cars: 7, carLength: 15, tone: 0.7 },
      { track: 1, start: 20, cars: 22, carLength: 15, tone: 0.62 },
      { track: 2, start: 250, cars: 7, carLength: 15, tone: 0.7 },
      { track: 3, start: 20, cars: 22, carLength: 15, tone: 0.62 },
    ]);
    for (const [y0, y1] of [
      [28, 31],
      [39, 42],
    ] as const)
      for (const band of block.bands)
        for (let y = y0; y <= y1; y++) for (let x = 20; x < 250; x++) band[y * W + x]! *= 0.5;
    const r = detectRailcars({ ...(await yardDate(block, [])), sun: { azimuthDeg: 180, elevationDeg: 45 } });
    const on = (t: number, x0 = 0, x1 = W) =>
      r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[t]!) < 1.5 && c.cx > x0 && c.cx < x1).length;
    // No cars on the bare track, in sun or half in shade.
    expect(on(0, 0, 248) + on(0, 361) + on(2, 0, 248) + on(2, 361)).toBe(0);
    for (const [t, n] of [
      [0, 7],
      [1, 22],
      [2, 7],
      [3, 22],
    ] as const)
      expect(Math.abs(on(t) - n)).toBeLessThanOrEqual(1);
  });

  it('under a high sun after low-sun dates, takes the sunlit bed for the bed though the pool holds more shaded bed', async () => {
    // Two long trains stay on tracks 1 and 3 through two winter dates, each shading the whole next track
    // north of it, and on into spring, when the sun is too high for their shadows to reach it and a third
    // train stands on track 2. Pooled, the bed in shade is the commonest colour (seed 992491, 2025-04-14
    // after 01-14, 02-13 and 03-15: the bare track read as cars, 289 cars found of 179).
    const staying: Train[] = [
      { track: 1, start: 10, cars: 20, carLength: 15, tone: 0.6 },
      { track: 3, start: 10, cars: 20, carLength: 15, tone: 0.75 },
    ];
    const winter = async (seed: number) => {
      const b = await yard(staying, seed);
      for (const [y0, y1] of [
        [24, 31],
        [35, 42],
      ] as const)
        for (const band of b.bands)
          for (let y = y0; y <= y1; y++) for (let x = 7; x < 388; x++) band[y * W + x]! *= 0.5;
      return b;
    };
    const today = await yard([...staying, { track: 2, start: 100, cars: 8, carLength: 15, tone: 0.45 }]);
    const input: RailInput = {
      ...(await yardDate(today, [await winter(4), await winter(5)])),
      sun: { azimuthDeg: 160, elevationDeg: 60 },
    };
    const low = { azimuthDeg: 160, elevationDeg: 22 };
    const onBareTrack = (cars: PixelBox[]) => cars.filter((c) => Math.abs(c.cy - TRACK_Y[0]!) < 1.5).length;
    const r = detectRailcars({ ...input, othersSun: [low, low] });
    expect(Math.abs(r.cars.length - 48)).toBeLessThanOrEqual(2);
    expect(onBareTrack(r.cars)).toBe(0);
    // Not knowing the other dates' sun, today's high sun alone took the shaded bed for the bed: the bare
    // track read as a train, and the tracks the staying trains fill as showing no bed (not tracks).
    expect(onBareTrack(detectRailcars(input).cars)).toBeGreaterThan(20);
  });

  it('counts a train in a yard under haze that thickens along it, the bare bed at both ends not cars', async () => {
    // Patchy haze: nothing at the west end, 0.08 of bright haze at the east end, on today's image only
    // (one gain for the whole yard: 10 cars too many). Much thicker haze still fails: a station's bed is
    // trusted only near the yard's one commonest bed colour.
    const block = await yard([{ track: 2, start: 150, cars: 8, carLength: 15, tone: 0.6 }]);
    for (const band of block.bands)
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) band[y * W + x]! += (0.08 * x) / W;
    const r = detectRailcars(await yardDate(block));
    expect(Math.abs(r.cars.length - 8)).toBeLessThanOrEqual(1);
  });

  it('counts a train in a yard whose west end lies under thinner haze today, the bare bed there not cars', async () => {
    // Seed 32558, 2025-08-19: the yard's west end at 0.68 of the light over the rest of it today, on every
    // other date's gains alike; its bare bed far from the yard's commonest bed colour (63 cars found there).
    const block = await yard([{ track: 2, start: 250, cars: 8, carLength: 15, tone: 0.6 }]);
    const light = (x: number) => (x < 120 ? 0.65 : x < 220 ? 0.65 + (0.35 * (x - 120)) / 100 : 1);
    for (const band of block.bands)
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) band[y * W + x]! *= light(x);
    const r = detectRailcars(await yardDate(block, [await yard([], 2), await yard([], 3), await yard([], 4)]));
    expect(Math.abs(r.cars.length - 8)).toBeLessThanOrEqual(1);
  });

  it('does not count bare yard tracks under a cloud’s shadow that dims the ground beside them alike, and counts a train there', async () => {
    // Seeds 561837, 263935, 656465 on 2025-03-15: a cloud south of the yard, its shadow (unmasked: the cloud
    // mask covers the cloud) over the western end of the outer lines, bare bed read as 25–35 cars. Here the
    // shadow dims tracks 2 and 3 and the ground around them to 0.7 over 160 m; a train of 8 stands on
    // track 0 in the sun, and (second image) one of 6 on each shaded track.
    const shade = (b: Block) => {
      for (const band of b.bands) for (let y = 35; y < H; y++) for (let x = 40; x < 200; x++) band[y * W + x]! *= 0.7;
      return b;
    };
    // Ballast a little darker than the ground between the beds (0.4 under 0.5), as in the generated yards.
    const beds = [0.4, 0.4, 0.4, 0.4];
    const others = async () => [await yard([], 2, beds), await yard([], 3, beds)];
    const sunlit: Train = { track: 0, start: 40, cars: 8, carLength: 15, tone: 0.7 };
    // Mid-March at 42° N: the sun in the south 40° up.
    const sun = { azimuthDeg: 180, elevationDeg: 40 };
    const bare = detectRailcars({ ...(await yardDate(shade(await yard([sunlit], 1, beds)), await others())), sun });
    expect(Math.abs(bare.cars.length - 8)).toBeLessThanOrEqual(1);
    // Trains on both shaded tracks still count: dimmed as the ground is, a car stays off the dimmed bed
    // (each reads 7 of 6 here: its run reaches a few metres past its end, as without the cloud rule).
    const inShade: Train[] = [2, 3].map((track) => ({ track, start: 60, cars: 6, carLength: 15, tone: 0.6 }));
    const busy = detectRailcars({
      ...(await yardDate(shade(await yard([sunlit, ...inShade], 1, beds)), await others())),
      sun,
    });
    expect(Math.abs(busy.cars.length - 20)).toBeLessThanOrEqual(2);
  });

  it('knowing a high sun, counts a dark train beside another: its short shadow cannot reach the next track', async () => {
    const trains: Train[] = [
      { track: 2, start: 100, cars: 8, carLength: 15, tone: 0.6 },
      { track: 1, start: 100, cars: 8, carLength: 15, tone: 0.15 },
    ];
    const r = detectRailcars({ ...(await yardDate(await yard(trains))), sun: { azimuthDeg: 160, elevationDeg: 70 } });
    expect(Math.abs(r.cars.length - 16)).toBeLessThanOrEqual(1);
  });

  it('knowing the sun, counts a dark train beside another whose shadow could only graze its track’s near edge', async () => {
    // Seed 500256, 2025-04-14, sun 58° up across the tracks: 26 dark gondolas beside a tank train read as the bed
    // in shade and were cleared as its shadow, which even a 5 m car casts no farther than the near edge of their
    // cross-section, too little of it to read as shade (7 of 29 found).
    const trains: Train[] = [
      { track: 2, start: 100, cars: 8, carLength: 15, tone: 0.6 },
      { track: 1, start: 100, cars: 8, carLength: 15, tone: 0.19 },
    ];
    const r = detectRailcars({ ...(await yardDate(await yard(trains))), sun: { azimuthDeg: 180, elevationDeg: 58 } });
    expect(r.cars.filter((c) => Math.abs(c.cy - TRACK_Y[1]!) < 2).length).toBe(8);
  });

  it('knowing a high sun, does not count the edge of the next train’s shadow over a bare track', async () => {
    // Summer, sun in the south-east 54° up: a 4 m car's shadow ends ~2 m north of the car, and the blur
    // of a 1 m pixel spreads it over the south edge of the bare track north of it (seed 794624,
    // 2025-08-19: that track read 0.7–0.8 of the bed along the train and 38 cars were found on it).
    const block = await yard([{ track: 2, start: 100, cars: 8, carLength: 15, tone: 0.6 }]);
    for (const [y, f] of [
      [33, 0.85],
      [34, 0.6],
      [35, 0.55],
      [36, 0.55],
    ] as const)
      for (const band of block.bands) for (let x = 98; x < 222; x++) band[y * W + x]! *= f;
    const r = detectRailcars({ ...(await yardDate(block)), sun: { azimuthDeg: 140, elevationDeg: 54 } });
    expect(Math.abs(r.cars.length - 8)).toBeLessThanOrEqual(1);
  });

  it('does not take a ship’s shadow across a quay siding for cars', async () => {
    const base = await yard([]);
    // A 40 m wide shadow band leaves ~55 % of the light on bed and ground alike, hue unchanged.
    for (const band of base.bands) for (let y = 0; y < H; y++) for (let x = 150; x < 190; x++) band[y * W + x]! *= 0.55;
    const r = detectRailcars({
      block: base,
      tracks: [line(1)],
      yard: null,
      valid: ones(),
      gsdM: { x: 1, y: 1 },
      railCarLengthM: 15,
    });
    expect(r.cars).toHaveLength(0);
  });

  it('does not take a bluish cloud shadow over a quay siding and the ground beside it for cars', async () => {
    // Shade lit by the sky keeps more blue than red: not the even dimming of the shade rule, but the
    // ground beside the track dims by the same factors.
    const block = await yard([{ track: 1, start: 250, cars: 6, carLength: 15, tone: 0.62 }]);
    const factors = [0.45, 0.52, 0.7];
    for (const [b, band] of block.bands.entries())
      for (let y = 0; y < H; y++) for (let x = 60; x < 200; x++) band[y * W + x]! *= factors[b]!;
    const r = detectRailcars(await sidingDate(block));
    expect(r.cars).toHaveLength(6);
  });

  it('does not take a quay siding under thinner haze than the image’s average for cars, and still counts a train there', async () => {
    // Less airlight than normalisation assumed over the western half: each band falls by a share of its
    // distance to the airlight (white), so the dark ballast darkens by 0.037–0.051 (a car, by the threshold)
    // and the lighter ground beside it by 0.025–0.035 (a change, but not by the bed's factor).
    const block = await yard([{ track: 1, start: 250, cars: 6, carLength: 15, tone: 0.62 }]);
    const shares = [0.05, 0.06, 0.07];
    for (const [b, band] of block.bands.entries())
      for (let y = 0; y < H; y++) for (let x = 0; x < 220; x++) band[y * W + x]! -= shares[b]! * (1 - band[y * W + x]!);
    const r = detectRailcars(await sidingDate(block));
    expect(r.cars).toHaveLength(6);
    // A train under the same haze is still a train.
    const busy = await yard([{ track: 1, start: 40, cars: 8, carLength: 15, tone: 0.62 }]);
    for (const [b, band] of busy.bands.entries())
      for (let y = 0; y < H; y++) for (let x = 0; x < 220; x++) band[y * W + x]! -= shares[b]! * (1 - band[y * W + x]!);
    expect(detectRailcars(await sidingDate(busy)).cars).toHaveLength(8);
  });

  it('does not take a quay siding whose ballast reads darker today, the quay beside it not, for cars, and counts a train there', async () => {
    // Seed 32558, 2025-08-19 (a hazy JPEG date): the siding's bare ballast 0.8 of its light on the other
    // dates along its whole length, the lighter quay beside it as on them (94 cars found of 24).
    const darkBed = (b: Block) => {
      for (const band of b.bands)
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++) if (Math.abs(y - TRACK_Y[1]!) <= 2.2) band[y * W + x]! *= 0.8;
      return b;
    };
    const r = detectRailcars(
      await sidingDate(darkBed(await yard([{ track: 1, start: 250, cars: 6, carLength: 15, tone: 0.62 }]))),
    );
    expect(r.cars).toHaveLength(6);
  });

  it('counts a long dark train on a quay siding whose shadow darkens the ground on one side only: not haze', async () => {
    // Seed 399631, 2025-04-14: black tank cars over most of the siding at 0.85 of the ballast's light read
    // as the bed under haze (9 cars found of 61); haze would change the ground on both sides alike, while
    // the train's shadow (the sun south-south-east, 40° up) falls on the ground north of it only.
    const block = await yard([{ track: 1, start: 30, cars: 22, carLength: 15, tone: 0.21 }]);
    const end = 30 + 22 * 15.6;
    for (const band of block.bands)
      for (let y = 26; y < 32; y++) for (let x = 30; x < end; x++) band[y * W + x]! *= 0.6;
    const input = { ...(await sidingDate(block)), sun: { azimuthDeg: 160, elevationDeg: 40 } };
    expect(Math.abs(detectRailcars(input).cars.length - 22)).toBeLessThanOrEqual(1);
  });

  it('keeps a hazy quay siding’s gain where the ground beside it got lighter on one side, or darker on the sun’s side', async () => {
    // Seed 32558's haze (the siding's ballast at 0.8 of its light) with the ground south of the track
    // changed today: stacks moved away (lighter), or a wet quay (darker) on the side facing a south-south-east
    // sun. Neither is a train's shadow, which falls away from the sun and darkens.
    const hazyWith = async (f: number) => {
      const b = await yard([{ track: 1, start: 250, cars: 6, carLength: 15, tone: 0.62 }]);
      for (const band of b.bands)
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++) {
            if (Math.abs(y - TRACK_Y[1]!) <= 2.2) band[y * W + x]! *= 0.8;
            else if (y >= 37 && y < 43) band[y * W + x]! *= f;
          }
      return sidingDate(b);
    };
    for (const f of [1.15, 1.3]) expect(detectRailcars(await hazyWith(f)).cars).toHaveLength(6);
    // 0.88: darker, and the sunward ground's own rules take the gainless bed's stretches as cars.
    const wet = await hazyWith(0.88);
    expect(detectRailcars({ ...wet, sun: { azimuthDeg: 160, elevationDeg: 40 } }).cars).toHaveLength(6);
  });

  it('knowing the sun, counts a dark grey train on a quay siding that reads as the bed in shade', async () => {
    // Gondolas at 0.6 of the bed's light, its hue: the shade rule alone takes them for a ship's shadow. The
    // sun (south-south-east, 30° up) lights the ground south of the track; their own shadow falls north.
    const block = await yard([{ track: 1, start: 60, cars: 10, carLength: 15, tone: 0.16 }]);
    for (const band of block.bands)
      for (let y = 26; y < 32; y++) for (let x = 57; x < 213; x++) band[y * W + x]! *= 0.55;
    const input = await sidingDate(block);
    expect(detectRailcars({ ...input, sun: { azimuthDeg: 160, elevationDeg: 30 } }).cars).toHaveLength(10);
    expect(detectRailcars(input).cars).toHaveLength(0);
  });

  it('knowing the sun, does not count a low sun’s ship shadow across a quay siding, too dark for shade', async () => {
    // A hull south of the track (the sun's side) shades the ground between it and the track, and the track,
    // to a third of their light: darker than the shade rule allows, so without the sun it reads as cars.
    const block = await yard([]);
    for (const band of block.bands)
      for (let y = 31; y < H; y++) for (let x = 150; x < 200; x++) band[y * W + x]! *= 0.33;
    const input = await sidingDate(block);
    expect(detectRailcars(input).cars.length).toBeGreaterThan(0);
    expect(detectRailcars({ ...input, sun: { azimuthDeg: 160, elevationDeg: 20 } }).cars).toHaveLength(0);
  });

  it('reports empty tracks as empty', async () => {
    const block = await yard([]);
    const r = detectRailcars({
      block,
      tracks: [line(0), line(3)],
      yard: null,
      valid: ones(),
      gsdM: { x: 1, y: 1 },
      railCarLengthM: 15,
    });
    expect(r.cars).toHaveLength(0);
    expect(r.occupiedLengthM).toBe(0);
  });

  it('estimates the cars on the track hidden today from how full it is seen today and on other dates', async () => {
    // West of x = 200 is clear today: a 6-car train (96 m of the 190 m seen). The other dates saw 9 cars
    // from x = 220: 139 m of the 190 m hidden today.
    const block = await yard([{ track: 1, start: 40, cars: 6, carLength: 15, tone: 0.62 }]);
    const valid = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < 200; x++) valid[y * W + x] = 1;
    const busy = (seed: number) => yard([{ track: 1, start: 220, cars: 9, carLength: 15, tone: 0.7 }], seed);
    const r = detectRailcars({
      block,
      tracks: [line(1)],
      yard: null,
      others: [await busy(2), await busy(3)],
      valid,
      gsdM: { x: 1, y: 1 },
      railCarLengthM: 15,
    });
    expect(r.cars).toHaveLength(6);
    expect(r.hidden.trackLengthM).toBeCloseTo(190, -1);
    // Half way between today's rate (96 m, 6 cars) and the other dates' (139 m, 9 cars).
    expect(r.hidden.cars).toBeGreaterThanOrEqual(7);
    expect(r.hidden.cars).toBeLessThanOrEqual(8);
  });

  it('measures only the stretch of track inside countWithin, so overlapping tiles count each stretch once', async () => {
    const block = await yard([
      { track: 1, start: 40, cars: 6, carLength: 15, tone: 0.62 },
      { track: 1, start: 250, cars: 5, carLength: 15, tone: 0.7 },
    ]);
    const reference = await yard([], 2);
    const run = (countWithin?: { x: number; y: number; width: number; height: number }) =>
      detectRailcars({
        block,
        tracks: [line(1)],
        yard: null,
        reference,
        valid: ones(),
        gsdM: { x: 1, y: 1 },
        railCarLengthM: 15,
        ...(countWithin ? { countWithin } : {}),
      });
    const whole = run();
    // Split at x = 200, between the two trains, as two tile cores would.
    const west = run({ x: 0, y: 0, width: 200, height: H });
    const east = run({ x: 200, y: 0, width: W - 200, height: H });
    expect(whole.cars).toHaveLength(11);
    expect(west.cars).toHaveLength(6);
    expect(east.cars).toHaveLength(5);
    expect(west.trackLengthM + east.trackLengthM).toBeCloseTo(whole.trackLengthM, 0);
    expect(west.occupiedLengthM + east.occupiedLengthM).toBeCloseTo(whole.occupiedLengthM, 0);
    expect(west.occupiedLengthM).toBeCloseTo(90, -1);
  });
});

describe('nearCounts', () => {
  /** The plain quadratic loop every pair went through before the colours were ordered by their first band. */
  function plainNearCounts(sample: number[][], tol: number): Int32Array {
    const m = sample.length;
    const counts = new Int32Array(m).fill(1);
    const below = 3 * tol * tol * (1 - 1e-9);
    const above = 3 * tol * tol * (1 + 1e-9);
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += (sample[i]![k]! - sample[j]![k]!) ** 2;
        if (s < below || (s <= above && Math.sqrt(s / 3) < tol)) {
          counts[i]!++;
          counts[j]!++;
        }
      }
    }
    return counts;
  }

  it('counts the neighbours of RGB colours as the plain pairwise loop does, ties and the tolerance’s edge included', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const tol = 0.02;
    for (let trial = 0; trial < 40; trial++) {
      const m = 2 + Math.floor(rand() * 300);
      // A few tight clusters (a bed, cars, shade) and scattered colours; some first bands repeated exactly.
      const centres = Array.from({ length: 1 + (trial % 4) }, () => [rand(), rand(), rand()]);
      const sample: number[][] = [];
      for (let i = 0; i < m; i++) {
        if (i > 0 && rand() < 0.1) {
          const c = sample[Math.floor(rand() * i)]!;
          sample.push([c[0]!, c[1]! + (rand() - 0.5) * 0.04, c[2]!]);
          continue;
        }
        const c = centres[Math.floor(rand() * centres.length)]!;
        const spread = rand() < 0.8 ? 0.02 : 0.3;
        sample.push(c.map((v) => v + (rand() - 0.5) * spread));
      }
      // A pair exactly at the tolerance in the first band alone, and one just inside.
      sample.push(
        [0.5, 0.5, 0.5],
        [0.5 + tol * Math.sqrt(3), 0.5, 0.5],
        [0.5 - tol * Math.sqrt(3) * 0.999999, 0.5, 0.5],
      );
      expect(Array.from(nearCounts(sample, tol))).toEqual(Array.from(plainNearCounts(sample, tol)));
    }
  });

  it('counts a few colours (a station’s dates) as the plain loop does, on either side of the few-colour path', () => {
    let seed = 11;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const tol = 0.02;
    for (let trial = 0; trial < 400; trial++) {
      const m = 1 + (trial % 20);
      const centre = [rand(), rand(), rand()];
      const sample: number[][] = [];
      for (let i = 0; i < m; i++) {
        if (i > 0 && rand() < 0.15) {
          // The same colour again, or one exactly at the tolerance in the first band alone.
          const c = sample[Math.floor(rand() * i)]!;
          sample.push(rand() < 0.5 ? [...c] : [c[0]! + tol * Math.sqrt(3), c[1]!, c[2]!]);
          continue;
        }
        const spread = rand() < 0.7 ? 0.04 : 0.4;
        sample.push(centre.map((v) => v + (rand() - 0.5) * spread));
      }
      expect(Array.from(nearCounts(sample, tol))).toEqual(Array.from(plainNearCounts(sample, tol)));
    }
  });
});

describe('finiteOnly', () => {
  it('keeps the colours finite in every band, in order, as a filter does', () => {
    const a = [0.1, 0.2, 0.3];
    const b = [0.4, Number.NaN, 0.6];
    const c = [0.7, 0.8, 0.9];
    const d = [Number.POSITIVE_INFINITY, 0.1, 0.1];
    for (const colours of [[], [a], [b], [a, c], [b, a, c], [a, b, c], [a, c, d], [b, d], [d, a, b, c, d]]) {
      expect(finiteOnly(colours)).toEqual(colours.filter((x) => x.every(Number.isFinite)));
    }
  });
});

describe('partCounts', () => {
  it('rounds a split run once and hands the cars out by the largest remainders', () => {
    // Rounded part by part 2.4 + 3.4 would be 5 cars; the run holds 5.8.
    expect(partCounts([2.4, 3.4])).toEqual([3, 3]);
    expect(partCounts([12.6])).toEqual([13]);
    expect(partCounts([0.2])).toEqual([1]);
    expect(partCounts([1.5, 2.3, 4.4]).reduce((a, c) => a + c, 0)).toBe(8);
  });

  it('counts nothing rather than looping on empty, infinite or NaN shares', () => {
    expect(partCounts([])).toEqual([]);
    expect(partCounts([Number.POSITIVE_INFINITY, 2])).toEqual([0, 0]);
    expect(partCounts([Number.NaN])).toEqual([0]);
  });
});
