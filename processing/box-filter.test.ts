import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../sample-tiles/random.ts';
import {
  areaSums,
  boxSum,
  chessboardDistance,
  dilate,
  erode,
  maskedBoxMeans3,
  maskedBoxSums3,
  maskedBoxSums3Where,
  maskedStd,
  maskedStdRows,
  meanOfSums,
  openOctagon,
  setMomentsInWasm,
  setSums3InWasm,
  windowSum,
} from './box-filter.ts';
import { kernelAddress } from './kernel-memory.ts';
import { PlanePool } from './plane-pool.ts';

/**
 * The straightforward forms the fast filters replace: full-size row-pass planes, one box sum per
 * quantity, morphology by thresholding box sums. The fast ones must give the same bits.
 */
function refBoxSum(src: Float32Array | Uint8Array, width: number, height: number, r: number): Float32Array {
  const tmp = new Float32Array(width * height);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let acc = 0;
    for (let x = 0; x < Math.min(r, width); x++) acc += src[row + x]!;
    for (let x = 0; x < width; x++) {
      if (x + r < width) acc += src[row + x + r]!;
      if (x - r - 1 >= 0) acc -= src[row + x - r - 1]!;
      tmp[row + x] = acc;
    }
  }
  const col = new Float64Array(width);
  for (let y = 0; y < Math.min(r, height); y++) for (let x = 0; x < width; x++) col[x]! += tmp[y * width + x]!;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let a = col[x]!;
      if (y + r < height) a += tmp[(y + r) * width + x]!;
      if (y - r - 1 >= 0) a -= tmp[(y - r - 1) * width + x]!;
      col[x] = a;
      out[y * width + x] = a;
    }
  }
  return out;
}

function refStd(values: Float32Array, weight: Uint8Array, width: number, height: number, r: number, minCount = 1) {
  const n = width * height;
  const v = new Float32Array(n);
  const v2 = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = weight[i] ? values[i]! : 0;
    v[i] = x;
    v2[i] = x * x;
  }
  const s = refBoxSum(v, width, height, r);
  const s2 = refBoxSum(v2, width, height, r);
  const c = refBoxSum(weight, width, height, r);
  const std = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = c[i]!;
    if (k < minCount || k === 0) {
      std[i] = Number.NaN;
      continue;
    }
    const m = s[i]! / k;
    std[i] = Math.sqrt(Math.max(0, s2[i]! / k - m * m));
  }
  return std;
}

function refDilate(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const s = refBoxSum(mask, width, height, r);
  return Uint8Array.from(s, (v) => (v > 0.5 ? 1 : 0));
}

/** A scene-like plane: smooth levels with noise, some exact zeros and a few bright spots. */
function plane(width: number, height: number, seed: number) {
  const rnd = mulberry32(seed);
  const values = new Float32Array(width * height);
  const weight = new Uint8Array(width * height);
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const base = x < width / 3 ? 0.05 : 0.4 + 0.3 * Math.sin(y / 7);
      values[i] = Math.max(0, base + 0.05 * (rnd() - 0.5)) * (rnd() < 0.02 ? 0 : 1);
      weight[i] = rnd() < 0.9 ? 1 : 0;
      mask[i] = rnd() < 0.03 || (x > width / 2 && y > height / 2 && rnd() < 0.9) ? 1 : 0;
    }
  }
  return { values, weight, mask };
}

const sizes: Array<[number, number, number]> = [
  [37, 23, 3],
  [64, 50, 10],
  [50, 64, 0],
  [9, 7, 12],
  [120, 80, 1],
  [1, 40, 2],
  [40, 1, 2],
];

/** A plane's bits, every NaN as one (JavaScript and WebAssembly NaNs may differ in their sign bit). */
function bits(p: Float32Array): Uint32Array {
  return new Uint32Array(p.buffer, p.byteOffset, p.length).map((b, i) => (Number.isNaN(p[i]!) ? 0x7fc00000 : b));
}

/** A few NaN and ±Inf values in random pixels of each band (masked-in or not). */
function withNonFinite(bands: Float32Array[], rnd: () => number): void {
  for (const band of bands) {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      band[Math.floor(rnd() * band.length)] = v;
    }
  }
}

describe('box filters', () => {
  // A failed comparison must not leave the later tests (and files in this fork) on the JavaScript sweep.
  afterEach(() => setSums3InWasm(true));

  it('boxSum matches the plain two-pass sum bit for bit, floats and bytes, whatever r', () => {
    for (const [w, h, r] of sizes) {
      const { values, mask } = plane(w, h, w * 31 + h);
      expect(boxSum(values, w, h, r)).toEqual(refBoxSum(values, w, h, r));
      expect(boxSum(mask, w, h, r)).toEqual(refBoxSum(mask, w, h, r));
    }
  });

  it('boxSum with a mask is the box sum of the values where it is set, 0 elsewhere, bit for bit', () => {
    for (const [w, h, r] of sizes) {
      const { values, weight } = plane(w, h, w * 13 + h);
      const copy = values.map((v, i) => (weight[i] ? v : 0));
      expect(boxSum(values, w, h, r, weight)).toEqual(refBoxSum(copy, w, h, r));
    }
  });

  it('maskedBoxSums3 gives boxSum of each band under the mask and of the mask itself, bit for bit', () => {
    const more: Array<[number, number, number]> = [...sizes, [37, 23, 40], [300, 9, 200]];
    for (const [w, h, r] of more) {
      const a = plane(w, h, w * 7 + h);
      const b = plane(w, h, w * 5 + h + 1);
      const c = plane(w, h, w * 3 + h + 2);
      const bands: [Float32Array, Float32Array, Float32Array] = [a.values, b.values, c.values];
      const got = maskedBoxSums3(bands, a.weight, w, h, r);
      for (const [k, band] of bands.entries()) {
        const copy = band.map((v, i) => (a.weight[i] ? v : 0));
        expect(got.sums[k]).toEqual(refBoxSum(copy, w, h, r));
      }
      expect(got.count).toEqual(refBoxSum(a.weight, w, h, r));
    }
  });

  it('maskedBoxSums3 into a pool: the same bits as fresh planes, in the slots, reused from call to call', () => {
    const pool = new PlanePool();
    // A large plane first, then smaller ones: the slots keep the large buffers, their heads not zeroed (every
    // pixel is written: stale sums must not show through).
    for (const [w, h, r] of [[300, 9, 200], ...sizes, [37, 23, 40]] as Array<[number, number, number]>) {
      const a = plane(w, h, w * 7 + h);
      const b = plane(w, h, w * 5 + h + 1);
      const c = plane(w, h, w * 3 + h + 2);
      const bands: [Float32Array, Float32Array, Float32Array] = [a.values, b.values, c.values];
      const fresh = maskedBoxSums3(bands, a.weight, w, h, r);
      const pooled = maskedBoxSums3(bands, a.weight, w, h, r, pool, 4);
      expect(pooled.sums).toEqual(fresh.sums);
      expect(pooled.count).toEqual(fresh.count);
      expect(pooled.count.buffer).toBe(pool.floats(7, 0).buffer);
      expect(pooled.sums[0].buffer).toBe(pool.floats(4, 0).buffer);
    }
  });

  it("maskedBoxSums3 in WebAssembly gives the JavaScript sweep's bits: odd sizes, radii past the edges, wide-ranging values, NaN and ±Inf, any mask byte", () => {
    const rnd = mulberry32(3232);
    const kernelPool = new PlanePool({ kernel: true });
    for (let t = 0; t < 80; t++) {
      const w = 1 + Math.floor(rnd() * (t < 50 ? 40 : 260));
      const h = 1 + Math.floor(rnd() * 40);
      const r = Math.floor(rnd() * (t % 4 === 0 ? 60 : 9));
      const n = w * h;
      // Values over six decades and signs, so the doubles' running sums round when stored as floats.
      const band = () => Float32Array.from({ length: n }, () => (rnd() - 0.3) * 10 ** Math.floor(rnd() * 6 - 2));
      const bands: [Float32Array, Float32Array, Float32Array] = [band(), band(), band()];
      const mask = Uint8Array.from({ length: n }, () => (rnd() < 0.6 ? (rnd() < 0.9 ? 1 : 3) : 0));
      if (t % 4 === 1) withNonFinite(bands, rnd);
      setSums3InWasm(false);
      const js = maskedBoxSums3(bands, mask, w, h, r);
      setSums3InWasm(true);
      const wasm = maskedBoxSums3(bands, mask, w, h, r);
      // Into planes in the kernel memory: written where they lie.
      const inKernel = maskedBoxSums3(bands, mask, w, h, r, kernelPool, 0);
      expect(kernelAddress(inKernel.count)).toBeGreaterThanOrEqual(0);
      for (const got of [wasm, inKernel]) {
        for (let k = 0; k < 3; k++) expect(bits(got.sums[k]!)).toEqual(bits(js.sums[k]!));
        expect(bits(got.count)).toEqual(bits(js.count));
      }
    }
    kernelPool.release();
  });

  it('maskedBoxMeans3 gives meanOfSums of maskedBoxSums3 bit for bit: JavaScript, WebAssembly, means in its column step (with a fallback or none)', () => {
    const rnd = mulberry32(3233);
    const kernelPool = new PlanePool({ kernel: true });
    const jsPool = new PlanePool();
    for (let t = 0; t < 60; t++) {
      const w = 1 + Math.floor(rnd() * (t < 40 ? 40 : 200));
      const h = 1 + Math.floor(rnd() * 40);
      const r = Math.floor(rnd() * 6);
      const n = w * h;
      const band = () => Float32Array.from({ length: n }, () => rnd() * 0.4);
      const bands: [Float32Array, Float32Array, Float32Array] = [band(), band(), band()];
      if (t % 4 === 1) withNonFinite(bands, rnd);
      // Sparse masks too: windows under 8 pixels (the fallback, or the mean of what there is) and empty ones.
      const share = [0.02, 0.2, 0.7][t % 3]!;
      const mask = Uint8Array.from({ length: n }, () => (rnd() < share ? 1 : 0));
      const withNaN = band();
      withNaN[0] = Number.NaN;
      for (const fallback of [null, [band(), withNaN, band()] as [Float32Array, Float32Array, Float32Array]]) {
        setSums3InWasm(false);
        const ref = maskedBoxSums3(bands, mask, w, h, r);
        for (let b = 0; b < 3; b++) meanOfSums(ref.sums[b]!, ref.count, fallback?.[b] ?? null);
        const js = maskedBoxMeans3(bands, mask, w, h, r, fallback, jsPool, 0);
        setSums3InWasm(true);
        const fresh = maskedBoxMeans3(bands, mask, w, h, r, fallback);
        // The fallback's planes in the kernel memory too (waterContrast's second sweep): the step takes the means.
        const fbKernel = fallback
          ? (fallback.map((p, b) => {
              const k = kernelPool.floatsAsIs(8 + b, n);
              k.set(p);
              return k;
            }) as typeof fallback)
          : null;
        const inKernel = maskedBoxMeans3(bands, mask, w, h, r, fbKernel, kernelPool, 0);
        expect(kernelAddress(inKernel.count)).toBeGreaterThanOrEqual(0);
        for (const got of [js, fresh, inKernel]) {
          for (let b = 0; b < 3; b++) expect(bits(got.means[b]!)).toEqual(bits(ref.sums[b]!));
          expect(bits(got.count)).toEqual(bits(ref.count));
        }
      }
    }
    kernelPool.release();
  });

  it('maskedBoxSums3Where gives maskedBoxSums3 bit for bit at the wanted pixels, swept only around them', () => {
    // Wanted pixels in a few clusters (against the edges, far apart, a gap joined within 2r + 2 rows)
    // so the runs' crops, not the whole plane, are swept; and a dense case that sweeps the plane.
    const cases: Array<[number, number, number, Array<[number, number, number, number]>]> = [
      [
        300,
        200,
        10,
        [
          [0, 0, 5, 4],
          [150, 90, 30, 3],
          [160, 112, 6, 2],
          [290, 190, 10, 10],
          [40, 160, 1, 1],
        ],
      ],
      [
        300,
        200,
        3,
        [
          [100, 20, 50, 1],
          [5, 100, 1, 30],
          [200, 150, 20, 20],
        ],
      ],
      [80, 60, 40, [[30, 20, 10, 10]]],
      [60, 40, 2, [[0, 0, 60, 40]]],
    ];
    for (const [w, h, r, boxes] of cases) {
      const a = plane(w, h, w + h + r);
      const b = plane(w, h, w * 3 + r);
      const c = plane(w, h, h * 5 + r);
      const bands: [Float32Array, Float32Array, Float32Array] = [a.values, b.values, c.values];
      const want = new Uint8Array(w * h);
      const rnd = mulberry32(r);
      for (const [x0, y0, bw, bh] of boxes)
        for (let y = y0; y < y0 + bh; y++) for (let x = x0; x < x0 + bw; x++) want[y * w + x] = rnd() < 0.7 ? 1 : 0;
      const full = maskedBoxSums3(bands, a.weight, w, h, r);
      const got = maskedBoxSums3Where(bands, a.weight, w, h, r, want);
      const at = (p: Float32Array) => p.map((v, i) => (want[i] ? v : 0));
      for (let k = 0; k < 3; k++) expect(at(got.sums[k]!)).toEqual(at(full.sums[k]!));
      expect(at(got.count)).toEqual(at(full.count));
      expect(want.some((v) => v)).toBe(true);
    }
  });

  it('windowSum of a summed-area table is boxSum of the integer plane at every pixel, signs included', () => {
    for (const [w, h, r] of sizes) {
      const rand = mulberry32(w * 7 + h);
      const plane = Int8Array.from({ length: w * h }, () => (rand() < 0.3 ? Math.floor(rand() * 3) - 1 : 0));
      const want = boxSum(Float32Array.from(plane), w, h, r);
      const sums = areaSums(plane, w, h);
      const got = Float32Array.from({ length: w * h }, (_, i) => windowSum(sums, i % w, Math.floor(i / w), r));
      expect(got).toEqual(want);
    }
  });

  it('maskedStd matches three box sums bit for bit, minCount included', () => {
    for (const [w, h, r] of sizes) {
      const { values, weight } = plane(w, h, w + h * 17);
      for (const minCount of [1, 5]) {
        expect(maskedStd(values, weight, w, h, r, minCount)).toEqual(refStd(values, weight, w, h, r, minCount));
      }
    }
  });

  it('maskedStdRows gives the same std where wanted, in runs of rows and alone', () => {
    const [w, h, r] = [90, 70, 6];
    const { values, weight, mask } = plane(w, h, 5);
    const want = refStd(values, weight, w, h, r);
    const need = new Uint8Array(w * h);
    for (const y of [0, 1, 2, 20, 33, 34, 35, 36, 60, 69]) need.set(mask.subarray(y * w, (y + 1) * w), y * w);
    need[45 * w + 89] = 1;
    const got = maskedStdRows(values, weight, w, h, r, need);
    let wanted = 0;
    for (let i = 0; i < w * h; i++) {
      if (!need[i]) expect(got[i]).toBe(0);
      else {
        wanted++;
        expect(Object.is(got[i], want[i])).toBe(true);
      }
    }
    expect(wanted).toBeGreaterThan(50);
  });

  it('maskedStdRows gives the same std in column bands: patches inside, across and at the edges of bands', () => {
    // Wider than several bands (256 columns each at these radii), so sweeps start mid-row.
    for (const [w, h, r] of [
      [700, 60, 4],
      [531, 45, 40],
    ] as const) {
      const { values, weight } = plane(w, h, w + r);
      const want = refStd(values, weight, w, h, r);
      const need = new Uint8Array(w * h);
      const patches = [
        [0, 0, 3, 5],
        [250, 10, 12, 4],
        [300, 30, 5, 15],
        [w - 3, h - 6, 3, 6],
        [511, 0, 3, h],
      ] as const;
      for (const [px, py, pw, ph] of patches) {
        for (let y = py; y < Math.min(h, py + ph); y++)
          for (let x = px; x < Math.min(w, px + pw); x++) need[y * w + x] = 1;
      }
      const got = maskedStdRows(values, weight, w, h, r, need);
      for (let i = 0; i < w * h; i++) {
        if (!need[i]) expect(got[i]).toBe(0);
        else expect(Object.is(got[i], want[i])).toBe(true);
      }
    }
  });

  it("maskedStd and maskedStdRows in WebAssembly (planes staged whole or by rows) give the JavaScript passes' bits: odd sizes, radii, bands, borders", () => {
    const rnd = mulberry32(2026);
    /**
     * The std of one call with the moments in JavaScript, in WebAssembly with the planes staged whole,
     * and staged a row at a time, into a plane prefilled with `fill`.
     */
    const both = (call: (std: Float32Array) => void, n: number, fill: Float32Array) => {
      const out: Float32Array[] = [];
      for (const [on, stageMax] of [
        [false, undefined],
        [true, undefined],
        [true, 0],
      ] as const) {
        setMomentsInWasm(on, stageMax);
        const std = fill.slice(0, n);
        call(std);
        out.push(std);
      }
      setMomentsInWasm(true);
      return out as [Float32Array, Float32Array, Float32Array];
    };
    let compared = 0;
    let nan = 0;
    for (let t = 0; t < 60; t++) {
      const w = 1 + Math.floor(rnd() * (t < 40 ? 45 : 300));
      const h = 1 + Math.floor(rnd() * 40);
      const r = Math.floor(rnd() * 9);
      const n = w * h;
      const values = new Float32Array(n);
      const weight = new Uint8Array(n);
      const need = new Uint8Array(n);
      const scale = [1, 255, 1e-3, 3e4][t % 4]!;
      const dense = rnd();
      for (let i = 0; i < n; i++) {
        values[i] = (rnd() - 0.2) * scale;
        weight[i] = rnd() < dense ? 1 : 0;
        // Values under weight 0 (a date's invalid pixels) must not reach the sums, NaN as they may be.
        if (!weight[i] && t % 2) values[i] = Number.NaN;
        need[i] = rnd() < 0.3 ? 1 : 0;
      }
      // Some rows need nothing, so maskedStdRows sweeps runs of rows; every fifth plane a single pixel,
      // so little of it is swept that its planes are not staged whole.
      for (let y = 0; y < h; y++) if (rnd() < 0.3) need.fill(0, y * w, (y + 1) * w);
      if (t % 5 === 4) {
        need.fill(0);
        need[Math.floor(rnd() * n)] = 1;
      }
      const fill = new Float32Array(n);
      for (let i = 0; i < n; i++) fill[i] = rnd() < 0.5 ? 0 : -7;
      const minCount = [1, 3, 1 + 2 * r * r][t % 3]!;
      const cases = [
        both((std) => std.set(maskedStd(values, weight, w, h, r, minCount)), n, fill),
        both((std) => maskedStdRows(values, weight, w, h, r, need, 1 + (t % 7), std), n, fill),
        both((std) => maskedStdRows(values, weight, w, h, r, need, 256, std), n, fill),
      ];
      for (const [js, wasm, byRows] of cases) {
        expect(new Uint32Array(wasm.buffer)).toEqual(new Uint32Array(js.buffer));
        expect(new Uint32Array(byRows.buffer)).toEqual(new Uint32Array(js.buffer));
        compared += n;
        for (const v of js) if (Number.isNaN(v)) nan++;
      }
    }
    expect(compared).toBeGreaterThan(50_000);
    expect(nan).toBeGreaterThan(100);
  });

  it('dilate and erode match thresholded box sums, also for masks with values above 1', () => {
    for (const [w, h, r] of sizes) {
      const { mask } = plane(w, h, w * h);
      const big = mask.map((v, i) => (v ? (i % 2 ? 255 : 1) : 0));
      expect(dilate(mask, w, h, r)).toEqual(r > 0 ? refDilate(mask, w, h, r) : mask);
      expect(dilate(big, w, h, r)).toEqual(r > 0 ? refDilate(big, w, h, r) : big);
      const inverse = mask.map((v) => (v ? 0 : 1));
      const eroded = r > 0 ? refDilate(inverse, w, h, r).map((v) => (v ? 0 : 1)) : mask;
      expect(erode(mask, w, h, r)).toEqual(eroded);
    }
  });

  it('dilate and erode match thresholded box sums where the set pixels (or the holes) keep to a few columns', () => {
    // Small blobs at the window's sides and middle, some touching its edges, over empty rows between:
    // each output row reads only the columns its window's rows marked.
    for (const [w, h, r] of [
      [97, 60, 3],
      [64, 40, 1],
      [130, 50, 7],
      [40, 90, 20],
      [301, 33, 2],
    ] as Array<[number, number, number]>) {
      const rand = mulberry32(3 * w + h + r);
      const mask = new Uint8Array(w * h);
      for (let k = 0; k < 6; k++) {
        const cx = k === 0 ? 0 : k === 1 ? w - 1 : Math.floor(rand() * w);
        const cy = Math.floor(rand() * h);
        const rx = 1 + Math.floor(rand() * 5);
        const ry = 1 + Math.floor(rand() * 5);
        for (let y = Math.max(0, cy - ry); y < Math.min(h, cy + ry); y++)
          for (let x = Math.max(0, cx - rx); x < Math.min(w, cx + rx); x++) mask[y * w + x] = rand() < 0.9 ? 1 : 0;
      }
      const inverse = mask.map((v) => (v ? 0 : 1));
      expect(dilate(mask, w, h, r)).toEqual(refDilate(mask, w, h, r));
      expect(erode(mask, w, h, r)).toEqual(refDilate(inverse, w, h, r).map((v) => (v ? 0 : 1)));
      expect(erode(inverse, w, h, r)).toEqual(refDilate(mask, w, h, r).map((v) => (v ? 0 : 1)));
      expect(dilate(inverse, w, h, r)).toEqual(refDilate(inverse, w, h, r));
    }
  });

  it('dilate and erode match thresholded box sums on sparse masks: empty and full rows, long zero runs, unaligned bytes', () => {
    // Rows left empty, rows set whole, a few set pixels in long empty stretches (skipped a word at a
    // time), and the same mask as a view that does not start on a word.
    for (const [w, h, r] of [
      [97, 60, 3],
      [64, 40, 1],
      [130, 50, 7],
      [40, 90, 20],
    ] as Array<[number, number, number]>) {
      const rand = mulberry32(w + h + r);
      const buffer = new Uint8Array(w * h + 3);
      const mask = buffer.subarray(3);
      for (let y = 0; y < h; y++) {
        const kind = y % 11 < 4 ? 'empty' : y % 11 === 5 ? 'full' : y % 11 === 7 ? 'dense' : 'sparse';
        for (let x = 0; x < w; x++) {
          const p = kind === 'empty' ? 0 : kind === 'full' ? 1 : kind === 'dense' ? 0.8 : 0.02;
          mask[y * w + x] = rand() < p ? 1 : 0;
        }
      }
      const aligned = mask.slice();
      for (const m of [mask, aligned]) {
        expect(dilate(m, w, h, r)).toEqual(refDilate(m, w, h, r));
        const inverse = m.map((v) => (v ? 0 : 1));
        expect(erode(m, w, h, r)).toEqual(refDilate(inverse, w, h, r).map((v) => (v ? 0 : 1)));
      }
    }
  });

  it('chessboardDistance is the distance to the nearest set pixel by brute force, 65535 with none', () => {
    const w = 37;
    const h = 23;
    const rand = mulberry32(7);
    const mask = Uint8Array.from({ length: w * h }, () => (rand() < 0.03 ? 1 : 0));
    const want = Array.from(mask, (_, i) => {
      let best = 65535;
      for (let j = 0; j < mask.length; j++) {
        if (!mask[j]) continue;
        const d = Math.max(Math.abs((i % w) - (j % w)), Math.abs(Math.floor(i / w) - Math.floor(j / w)));
        best = Math.min(best, d);
      }
      return best;
    });
    expect(Array.from(chessboardDistance(mask, w, h))).toEqual(want);
    expect(Array.from(chessboardDistance(new Uint8Array(6), 3, 2))).toEqual(Array(6).fill(65535));
  });
});

describe('openOctagon', () => {
  // A 41 × 31 px block of land turned 45° to the pixel grid (a quay at that angle), with a 2 px wide
  // tongue sticking 6 px out of its upper-left face.
  const w = 80;
  const h = 80;
  const c = Math.SQRT1_2;
  const inBlock = (x: number, y: number) => {
    const u = (x - 40) * c + (y - 40) * c;
    const v = -(x - 40) * c + (y - 40) * c;
    return Math.abs(u) <= 20 && Math.abs(v) <= 15;
  };
  const tongue = (x: number, y: number) => !inBlock(x, y) && x - y >= 0 && x - y <= 1 && x + y >= 40 && x + y < 52;
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) mask[i] = inBlock(i % w, (i / w) | 0) || tongue(i % w, (i / w) | 0) ? 1 : 0;
  const removed = (m: Uint8Array, f: (x: number, y: number) => boolean) =>
    m.filter((v, i) => mask[i] && !v && f(i % w, (i / w) | 0)).length;

  it('removes the narrow tongue and cuts the turned corners far less than a square does', () => {
    const o = openOctagon(mask, w, h, 6);
    const square = dilate(erode(mask, w, h, 6), w, h, 6);
    expect(removed(o, tongue)).toBe(mask.filter((v, i) => v && tongue(i % w, (i / w) | 0)).length);
    expect(removed(o, tongue)).toBeGreaterThan(6);
    expect(removed(o, inBlock)).toBeLessThan(removed(square, inBlock) / 2);
  });
});
