/**
 * What the detector sees on sen2ships, one line per detection and per label: to sort false detections
 * into classes and to compare moored hulls with the quay beside them band by band (B11 SWIR included,
 * which the pipeline does not read).
 *   npx tsx bench/sen2ships-probe.ts [--coarse-berths]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fromArrayBuffer } from 'geotiff';
import { chessboardDistance } from '../processing/box-filter.ts';
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

const { values } = parseArgs({ options: { 'coarse-berths': { type: 'boolean' } } });
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
