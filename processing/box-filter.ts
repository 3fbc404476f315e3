/** Box (moving-window) sums, masked means and square morphology in O(n), independent of the radius. */

type Plane = Float32Array | Uint8Array;

/**
 * Sum of `src` over the (2r+1)² window around each pixel, clipped at the edges. Separable running
 * sums (a row pass, then a column pass), so the cost per pixel does not grow with r.
 */
export function boxSum(src: Plane, width: number, height: number, r: number): Float32Array {
  // Running sums accumulate in doubles; stored as floats (relative error ~1e-7) to halve memory traffic.
  const tmp = new Float32Array(width * height);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let acc = 0;
    for (let x = 0; x < Math.min(r, width); x++) acc += src[row + x]!;
    for (let x = 0; x < width; x++) {
      const add = x + r;
      if (add < width) acc += src[row + add]!;
      const drop = x - r - 1;
      if (drop >= 0) acc -= src[row + drop]!;
      tmp[row + x] = acc;
    }
  }
  const colAcc = new Float64Array(width);
  for (let y = 0; y < Math.min(r, height); y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) colAcc[x]! += tmp[row + x]!;
  }
  for (let y = 0; y < height; y++) {
    const add = y + r;
    const drop = y - r - 1;
    const addRow = add * width;
    const dropRow = drop * width;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let a = colAcc[x]!;
      if (add < height) a += tmp[addRow + x]!;
      if (drop >= 0) a -= tmp[dropRow + x]!;
      colAcc[x] = a;
      out[row + x] = a;
    }
  }
  return out;
}

/**
 * Mean and standard deviation of `values` over the window, counting only pixels where `weight` is 1.
 * Pixels whose window holds fewer than `minCount` weighted pixels get NaN.
 */
export function maskedMeanStd(
  values: Float32Array,
  weight: Uint8Array,
  width: number,
  height: number,
  r: number,
  minCount = 1,
): { mean: Float32Array; std: Float32Array } {
  const n = width * height;
  const v = new Float32Array(n);
  const v2 = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = weight[i] ? values[i]! : 0;
    v[i] = x;
    v2[i] = x * x;
  }
  const s = boxSum(v, width, height, r);
  const s2 = boxSum(v2, width, height, r);
  const c = boxSum(weight, width, height, r);
  const mean = new Float32Array(n);
  const std = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = c[i]!;
    if (k < minCount || k === 0) {
      mean[i] = Number.NaN;
      std[i] = Number.NaN;
      continue;
    }
    const m = s[i]! / k;
    mean[i] = m;
    std[i] = Math.sqrt(Math.max(0, s2[i]! / k - m * m));
  }
  return { mean, std };
}

/** Square dilation: 1 where any pixel of the (2r+1)² window is set. */
export function dilate(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  if (r <= 0) return mask.slice();
  const s = boxSum(mask, width, height, r);
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = s[i]! > 0.5 ? 1 : 0;
  return out;
}

/** Square erosion: 1 where every in-image pixel of the (2r+1)² window is set (edges do not erode). */
export function erode(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  if (r <= 0) return mask.slice();
  const inverse = new Uint8Array(width * height);
  for (let i = 0; i < inverse.length; i++) inverse[i] = mask[i] ? 0 : 1;
  const grown = dilate(inverse, width, height, r);
  for (let i = 0; i < grown.length; i++) grown[i] = grown[i] ? 0 : 1;
  return grown;
}

/** Otsu's threshold (1979) of the values where `weight` is set, over `bins` bins between lo and hi. */
export function otsuThreshold(
  values: Float32Array,
  weight: Uint8Array | null,
  lo: number,
  hi: number,
  bins = 256,
): number {
  const hist = new Float64Array(bins);
  const scale = bins / (hi - lo);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    if (weight && !weight[i]) continue;
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    let b = Math.floor((v - lo) * scale);
    b = b < 0 ? 0 : b >= bins ? bins - 1 : b;
    hist[b]!++;
    total++;
  }
  if (total === 0) return (lo + hi) / 2;
  let sumAll = 0;
  for (let b = 0; b < bins; b++) sumAll += b * hist[b]!;
  let w0 = 0;
  let sum0 = 0;
  let best = 0;
  let bestVar = -1;
  for (let b = 0; b < bins - 1; b++) {
    w0 += hist[b]!;
    sum0 += b * hist[b]!;
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const m0 = sum0 / w0;
    const m1 = (sumAll - sum0) / w1;
    const between = w0 * w1 * (m0 - m1) * (m0 - m1);
    if (between > bestVar) {
      bestVar = between;
      best = b;
    }
  }
  return lo + (best + 1) / scale;
}
