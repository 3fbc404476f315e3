/**
 * The moored-hull patches that the quay colour test (notQuay) and the patch NDWI test remove at 10 m,
 * one line each with patch-level features, and per feature the ROC AUC of the patches on a missed
 * moored label against those on no label: to look for a patch test that keeps the hulls among them
 * (SWIR B11, which the pipeline does not read, included).
 * Candidates: mooredHullsCoarse with both tests off (maxResidual 0, maxPatchNdwi ∞), joined, less those
 * sharing a pixel with what it keeps with them on.
 *   BERTHWATCH_REAL_DATA=… npx tsx bench/sen2ships-quay-patches.ts
 */
import { chessboardDistance, dilate } from '../processing/box-filter.ts';
import { componentShape } from '../processing/components.ts';
import { joinedPatches, mooredHullsCoarse } from '../processing/water-moored.ts';
import { detectOnPort, loadPortWithPlainWater, readSwir, SEN2SHIPS_PORTS } from './sen2ships.ts';
import { alongShoreContrast } from './sen2ships-alongshore.ts';
import { isMoored, matchPairs } from './vessels.eval.ts';

const rows: Array<{ cls: 'pos' | 'neg' | 'other'; f: Record<string, number> }> = [];
for (const port of SEN2SHIPS_PORTS) {
  const scene = await loadPortWithPlainWater(port);
  const { block, gsd, plain } = scene;
  const swir = await readSwir(port);
  if (!block.roles.includes('nir')) continue;
  const { width, height } = block.window;
  const n = width * height;
  const on = mooredHullsCoarse(block, plain, block.valid, { gsdM: gsd });
  const off = mooredHullsCoarse(block, plain, block.valid, { gsdM: gsd, maxResidual: 0, maxPatchNdwi: 9 });
  const found = new Set(matchPairs(detectOnPort(scene).dets, scene.labels).values());
  const labelOf = new Int32Array(n).fill(-1);
  scene.labels.forEach((l, j) => {
    for (const p of l.pixels) labelOf[p] = j;
  });
  const patches = joinedPatches(off, width, height);
  const dist = chessboardDistance(plain, width, height);
  const land = new Uint8Array(n);
  for (let i = 0; i < n; i++) land[i] = plain[i] || off[i] ? 0 : 1;
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (!off[i]) continue;
    const k = patches.labels[i]!;
    const own = byLabel.get(k);
    if (own) own.push(i);
    else byLabel.set(k, [i]);
  }
  const green = block.bands[block.roles.indexOf('green')]!;
  const nir = block.bands[block.roles.indexOf('nir')]!;
  const ndwiOf = (p: number) => (green[p]! - nir[p]!) / Math.max(1e-6, green[p]! + nir[p]!);
  const bands = [...block.bands, ...(swir ? [swir] : [])];
  const [along11, along15] = alongShoreContrast(block, plain, [11, 15]);
  for (const c of patches.components) {
    const px = byLabel.get(c.label);
    if (!px || px.some((p) => on[p])) continue;
    const hits = new Map<number, number>();
    for (const p of px) if (labelOf[p]! >= 0) hits.set(labelOf[p]!, (hits.get(labelOf[p]!) ?? 0) + 1);
    const hit = [...hits].sort((a, b) => b[1] - a[1])[0];
    const moored = hit && isMoored(scene.labels[hit[0]]!.pixels, plain);
    const cls = !hit ? 'neg' : moored && !found.has(hit[0]) && hit[1] >= 5 ? 'pos' : 'other';
    const mask = new Uint8Array(n);
    for (const p of px) mask[p] = 1;
    const ring = dilate(mask, width, height, 3);
    const inner = dilate(mask, width, height, 1);
    const ringPx: number[] = [];
    for (let i = 0; i < n; i++) if (ring[i] && !inner[i] && land[i]) ringPx.push(i);
    const mean = (b: Float32Array, ps: number[]) => ps.reduce((s, p) => s + b[p]!, 0) / Math.max(1, ps.length);
    const rel = bands.map((b) => mean(b, px) / Math.max(1e-6, mean(b, ringPx)));
    const { major, minor } = componentShape(c);
    const core = px.filter((p) => dist[p]! >= 2);
    const meanOf = (f: Float32Array, ps: number[]) => {
      const v = ps.map((p) => f[p]!).filter((x) => !Number.isNaN(x));
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
    };
    const f: Record<string, number> = {
      n: px.length,
      len: Math.sqrt(12) * major,
      wid: Math.sqrt(12) * minor,
      elong: major / Math.max(minor, 1e-6),
      dist: px.reduce((s, p) => s + dist[p]!, 0) / px.length,
      ndwi: px.reduce((s, p) => s + ndwiOf(p), 0) / px.length,
      ndwiCore: core.length ? core.reduce((s, p) => s + ndwiOf(p), 0) / core.length : 0,
      landShare: px.filter((p) => ndwiOf(p) <= -0.13).length / px.length,
      relB: rel[0]!,
      relG: rel[1]!,
      relR: rel[2]!,
      relN: rel[3]!,
      relS: rel[4] ?? 1,
      swirNir: (rel[4] ?? 1) / rel[3]!,
      along11: meanOf(along11!, px),
      along15: meanOf(along15!, px),
    };
    rows.push({ cls, f });
    if (cls !== 'neg')
      console.log(
        `${port} ${cls} L${hit![0]}(${hit![1]}) at ${c.minX},${c.minY} ${Object.entries(f)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(' ')}`,
      );
  }
}
const auc = (pos: number[], neg: number[]) => {
  let s = 0;
  for (const p of pos) for (const q of neg) s += p > q ? 1 : p === q ? 0.5 : 0;
  return s / Math.max(1, pos.length * neg.length);
};
const pos = rows.filter((r) => r.cls === 'pos');
const neg = rows.filter((r) => r.cls === 'neg');
console.log(`pos ${pos.length}, neg ${neg.length}`);
for (const k of Object.keys(rows[0]!.f)) {
  const q = (v: number[]) => [...v].sort((a, b) => a - b);
  const pv = q(pos.map((r) => r.f[k]!));
  const nv = q(neg.map((r) => r.f[k]!));
  const med = (v: number[]) => v[Math.floor(v.length / 2)]!.toFixed(2);
  console.log(`${k.padEnd(9)} AUC ${auc(pv, nv).toFixed(2)}  pos median ${med(pv)}  neg median ${med(nv)}`);
}
