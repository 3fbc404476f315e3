/**
 * Along-shore contrast on the sen2ships land rim at 10 m: a land pixel 1–3 px from the water against
 * the rim pixels at the same distance from the water L px away along the shore on both sides. Along a
 * straight quay the rim's colour runs on (the same quay/water mix); a hull lying alongside changes it
 * over its length. Prints, per L, the ROC AUC of the moored labels' rim pixels against the rest of
 * the rim, and that of the distance to the water alone.
 *   BERTHWATCH_REAL_DATA=… npx tsx bench/sen2ships-alongshore.ts
 */
import { boxSum, chessboardDistance } from '../processing/box-filter.ts';
import type { Block } from '../processing/types.ts';
import { loadPortWithPlainWater, SEN2SHIPS_PORTS } from './sen2ships.ts';
import { isMoored } from './vessels.eval.ts';

/**
 * Per land pixel 1–3 px from the water, its along-shore contrast at each L of `ls` (NaN where the rim
 * at ±L is not found): the smaller of its relative RMS colour differences to the two rim pixels at the
 * same distance from the water L px away along the shore (the tangent of the smoothed water share).
 */
export function alongShoreContrast(block: Block, water: Uint8Array, ls: number[]): Float32Array[] {
  const { width, height } = block.window;
  const n = width * height;
  const dist = chessboardDistance(water, width, height);
  const sm = boxSum(water, width, height, 3);
  const bands = block.bands;
  const out = ls.map(() => new Float32Array(n).fill(Number.NaN));
  const diff = (a: number, b: number) => {
    let e = 0;
    let m = 0;
    for (const band of bands) {
      e += (band[a]! - band[b]!) ** 2;
      m += band[a]! ** 2 + band[b]! ** 2;
    }
    return Math.sqrt((2 * e) / Math.max(m, 1e-12));
  };
  /** The pixel at distance d from water nearest to (x, y) within ±2 px along the normal, or −1. */
  const snap = (x: number, y: number, nx: number, ny: number, d: number) => {
    for (const k of [0, 1, -1, 2, -2]) {
      const xi = Math.round(x + nx * k);
      const yi = Math.round(y + ny * k);
      if (xi < 0 || yi < 0 || xi >= width || yi >= height) continue;
      const q = yi * width + xi;
      if (dist[q] === d) return q;
    }
    return -1;
  };
  for (let y = 4; y < height - 4; y++) {
    for (let x = 4; x < width - 4; x++) {
      const i = y * width + x;
      const d = dist[i]!;
      if (d < 1 || d > 3) continue;
      // Normal towards the water: the gradient of the local water share.
      const gx = sm[i + 1]! - sm[i - 1]!;
      const gy = sm[i + width]! - sm[i - width]!;
      const g = Math.hypot(gx, gy);
      if (g === 0) continue;
      const nx = gx / g;
      const ny = gy / g;
      ls.forEach((L, k) => {
        const a = snap(x - ny * L, y + nx * L, nx, ny, d);
        const b = snap(x + ny * L, y - nx * L, nx, ny, d);
        if (a >= 0 && b >= 0) out[k]![i] = Math.min(diff(i, a), diff(i, b));
      });
    }
  }
  return out;
}

const auc = (pos: number[], neg: number[]) => {
  const all = [...pos.map((v) => [v, 1] as const), ...neg.map((v) => [v, 0] as const)].sort((a, b) => a[0] - b[0]);
  let r = 0;
  all.forEach(([, c], k) => {
    if (c) r += k + 1;
  });
  return (r - (pos.length * (pos.length + 1)) / 2) / Math.max(1, pos.length * neg.length);
};

async function main(): Promise<void> {
  const LS = [4, 6, 8, 11, 15];
  const pos: number[][] = LS.map(() => []);
  const neg: number[][] = LS.map(() => []);
  const distPos: number[] = [];
  const distNeg: number[] = [];
  for (const port of SEN2SHIPS_PORTS) {
    const scene = await loadPortWithPlainWater(port);
    const { block, plain } = scene;
    if (!block.roles.includes('nir')) continue;
    const { width, height } = block.window;
    const n = width * height;
    const dist = chessboardDistance(plain, width, height);
    const moored = new Uint8Array(n);
    for (const l of scene.labels) if (isMoored(l.pixels, plain)) for (const p of l.pixels) if (!plain[p]) moored[p] = 1;
    const feats = alongShoreContrast(block, plain, LS);
    for (let i = 0; i < n; i++) {
      if (dist[i]! < 1 || dist[i]! > 3) continue;
      (moored[i] ? distPos : distNeg).push(dist[i]!);
      feats.forEach((f, k) => {
        if (!Number.isNaN(f[i]!)) (moored[i] ? pos : neg)[k]!.push(f[i]!);
      });
    }
  }
  LS.forEach((L, k) => {
    console.log(`L ${L}: AUC ${auc(pos[k]!, neg[k]!).toFixed(3)} (moored ${pos[k]!.length}, rest ${neg[k]!.length})`);
  });
  console.log(`distance to water alone: AUC ${auc(distPos, distNeg).toFixed(3)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
