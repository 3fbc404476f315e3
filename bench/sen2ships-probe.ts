/**
 * What the detector sees on sen2ships, one line per detection and per label: to sort false detections
 * into classes and to compare moored hulls with the quay beside them band by band (B11 SWIR included,
 * which the pipeline does not read). With --rim, instead: how well single pixels tell labelled hulls
 * from the rest of the land rim (1–5 px from the NDWI water) — ROC AUC per band, index and colour
 * relative to the quay behind (land 7–12 px from water) or to a mix of that quay with water.
 *   npx tsx bench/sen2ships-probe.ts [--coarse-berths] [--rim]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fromArrayBuffer } from 'geotiff';
import { boxSum, chessboardDistance } from '../processing/box-filter.ts';
import { detectVessels } from '../processing/detect-vessels.ts';
import { waterMask } from '../processing/water.ts';
import { realDataDir } from './real-data.ts';
import { loadSen2ships, SEN2SHIPS_PORTS } from './sen2ships.ts';
import { isMoored, matchPairs } from './vessels.eval.ts';

async function readB11(port: string): Promise<Float32Array | null> {
  const folder = join(realDataDir(), 'sen2ships-ports', port);
  const file = readdirSync(folder).find((f) => f.includes('_B11_') && f.endsWith('.tiff'));
  if (!file) return null;
  const buf = readFileSync(join(folder, file));
  const tiff = await fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const raster = (await (await tiff.getImage()).readRasters({ samples: [0] }))[0] as Uint16Array;
  return Float32Array.from(raster, (v) => v / 65535);
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : Number.NaN;
};
const f = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '  nan');

/** Probability that a random positive scores above a random negative (Mann–Whitney). */
function auc(pos: number[], neg: number[]): number {
  const all = [...pos.map((v) => [v, 1] as const), ...neg.map((v) => [v, 0] as const)].sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  all.forEach(([, c], k) => {
    if (c) rankSum += k + 1;
  });
  return (rankSum - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length);
}

/** Mean of `band` over `mask` in a (2r+1)² box around each pixel; NaN with fewer than 6 such pixels. */
function maskedBoxMean(band: Float32Array, mask: Uint8Array, width: number, height: number, r: number): Float32Array {
  const count = boxSum(mask, width, height, r);
  const sum = boxSum(
    Float32Array.from(band, (v, i) => (mask[i] ? v : 0)),
    width,
    height,
    r,
  );
  return sum.map((s, i) => (count[i]! > 5 ? s / count[i]! : Number.NaN));
}

/** Rim pixels, labelled hull or not, scored by colour features; prints each feature's AUC. */
async function rimSeparability(): Promise<void> {
  const feats = new Map<string, { pos: number[]; neg: number[] }>();
  const add = (name: string, v: number, pos: boolean) => {
    if (!Number.isFinite(v)) return;
    if (!feats.has(name)) feats.set(name, { pos: [], neg: [] });
    feats.get(name)![pos ? 'pos' : 'neg'].push(v);
  };
  const nd = (a: number, b: number) => (a - b) / Math.max(1e-6, a + b);
  for (const port of SEN2SHIPS_PORTS) {
    const { block, labels, gsdM } = await loadSen2ships(realDataDir(), port);
    const swir = await readB11(port);
    const k = (role: string) => block.roles.indexOf(role as never);
    if (k('red') < 0 || k('nir') < 0 || !swir) continue; // San Francisco has no red or NIR
    const { width, height } = block.window;
    const n = width * height;
    const water = waterMask(block, { gsdM: Math.sqrt(gsdM.x * gsdM.y) });
    const dist = chessboardDistance(water, width, height);
    const onLabel = new Uint8Array(n);
    for (const l of labels) for (const p of l.pixels) onLabel[p] = 1;
    const bands = [...block.bands, swir];
    const names = [...block.roles, 'swir'];
    const behind = Uint8Array.from(dist, (d) => (d >= 7 && d <= 12 ? 1 : 0));
    const quay = bands.map((b) => maskedBoxMean(b, behind, width, height, 12));
    const sea = bands.map((b) => maskedBoxMean(b, water, width, height, 12));
    const [B, G, R, N] = [k('blue'), k('green'), k('red'), k('nir')].map((j) => block.bands[j]!) as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    for (let i = 0; i < n; i++) {
      if (dist[i]! < 1 || dist[i]! > 5) continue;
      const pos = onLabel[i] === 1;
      bands.forEach((b, j) => {
        add(names[j]!, b[i]!, pos);
        add(`${names[j]} − quay behind`, b[i]! - quay[j]![i]!, pos);
      });
      add('NDWI', nd(G[i]!, N[i]!), pos);
      add('NDVI', nd(N[i]!, R[i]!), pos);
      add('NDBI (swir, nir)', nd(swir[i]!, N[i]!), pos);
      add('(swir, green)', nd(swir[i]!, G[i]!), pos);
      add('(red, blue)', nd(R[i]!, B[i]!), pos);
      add('distance to water', dist[i]!, pos);
      // Off the segment from the local water colour to the quay's: what a water/quay mix cannot explain.
      let dot = 0;
      let qq = 0;
      let m2 = 0;
      bands.forEach((b, j) => {
        const w = sea[j]![i]!;
        const q = quay[j]![i]! - w;
        dot += (b[i]! - w) * q;
        qq += q * q;
        m2 += quay[j]![i]! ** 2;
      });
      const share = dot / qq;
      let e2 = 0;
      bands.forEach((b, j) => {
        const w = sea[j]![i]!;
        e2 += (b[i]! - w - share * (quay[j]![i]! - w)) ** 2;
      });
      add('residual off the water–quay mix', Math.sqrt(e2 / m2), pos);
    }
  }
  console.log('rim pixels 1–5 px from water (busan, casablanca, honolulu): AUC labelled hull vs rest (0.5 = no cue)');
  for (const [name, { pos, neg }] of feats) {
    console.log(`  ${name.padEnd(32)} ${auc(pos, neg).toFixed(3)}   (${pos.length} hull, ${neg.length} other)`);
  }
}

const { values } = parseArgs({ options: { 'coarse-berths': { type: 'boolean' }, rim: { type: 'boolean' } } });
if (values.rim) {
  await rimSeparability();
  process.exit(0);
}
for (const port of SEN2SHIPS_PORTS) {
  const scene = await loadSen2ships(realDataDir(), port);
  const { block, labels, gsdM } = scene;
  const { width, height } = block.window;
  const n = width * height;
  const gsd = Math.sqrt(gsdM.x * gsdM.y);
  const water = waterMask(block, { gsdM: gsd, coarseBerths: values['coarse-berths'] ?? false });
  const dets = detectVessels({
    block,
    zone: new Uint8Array(n).fill(1),
    water,
    valid: block.valid,
    gsdM,
    minVesselLengthM: 30,
  });
  const swir = await readB11(port);
  const bands: Array<[string, Float32Array]> = block.roles.map((r, k) => [r, block.bands[k]!]);
  if (swir) bands.push(['swir', swir]);
  const land = Uint8Array.from(water, (w) => (w ? 0 : 1));
  const toLand = chessboardDistance(land, width, height);
  const toWater = chessboardDistance(water, width, height);
  const matched = matchPairs(dets, labels);
  const found = new Set(matched.values());
  console.log(`== ${port} ${width}×${height}; bands ${bands.map((b) => b[0]).join(',')}`);
  dets.forEach((d, i) => {
    const j = matched.get(i);
    const c = Math.round(d.cy) * width + Math.round(d.cx);
    console.log(
      `det ${j === undefined ? 'FP' : 'TP'} at (${d.cx.toFixed(0)},${d.cy.toFixed(0)}) L ${(d.length * gsd).toFixed(0)} m W ${(d.width * gsd).toFixed(0)} m conf ${d.confidence.toFixed(2)} toLand ${toLand[c]} ${bands.map(([name, b]) => `${name} ${f(b[c]!)}`).join(' ')}`,
    );
  });
  // Each label: its median per band, and the land ring 1–3 px outside it (not on another label).
  const onLabel = new Uint8Array(n);
  for (const l of labels) for (const p of l.pixels) onLabel[p] = 1;
  labels.forEach((l, j) => {
    const inMask = new Uint8Array(n);
    for (const p of l.pixels) inMask[p] = 1;
    const ring: number[] = [];
    const x0 = Math.max(0, l.x - 3);
    const x1 = Math.min(width - 1, l.x + l.w + 3);
    const y0 = Math.max(0, l.y - 3);
    const y1 = Math.min(height - 1, l.y + l.h + 3);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const i = y * width + x;
        if (!onLabel[i] && !water[i]) ring.push(i);
      }
    }
    const hull = l.pixels.filter((p) => !water[p]);
    const moored = isMoored(l.pixels, water);
    const cols = bands
      .map(([name, b]) => `${name} ${f(median(hull.map((p) => b[p]!)))}/${f(median(ring.map((p) => b[p]!)))}`)
      .join(' ');
    const depth = Math.max(0, ...l.pixels.map((p) => toWater[p]!));
    console.log(
      `lab ${found.has(j) ? 'found' : 'MISS '} ${moored ? 'moored' : 'free  '} (${(l.x + l.w / 2).toFixed(0)},${(l.y + l.h / 2).toFixed(0)}) ${l.w}×${l.h} px ${l.pixels.length} depth ${depth} hull/ring ${cols}`,
    );
  });
}
