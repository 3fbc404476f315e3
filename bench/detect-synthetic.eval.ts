/**
 * Vessel and rail-car counts on the synthetic Rajin series (sample-tiles/rajin) against its truth:
 * vessel count MAE per zone and image, rail-car count error. Detection only: images are re-aligned
 * with the known shift (registration is measured elsewhere). Run: npx tsx bench/detect-synthetic.eval.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryReader, sampleShifted } from '../processing/block-reader.ts';
import { detectRailcars } from '../processing/detect-railcars.ts';
import { detectVessels } from '../processing/detect-vessels.ts';
import { cloudMask } from '../processing/mask.ts';
import { applyNormalization, fitNormalization } from '../processing/normalize.ts';
import { rgbBlock } from '../processing/testing/rgb-block.ts';
import type { Block, PixelBox, Window } from '../processing/types.ts';
import { waterMask } from '../processing/water.ts';
import { REPO_ROOT } from './real-data.ts';

const SITE = join(REPO_ROOT, 'sample-tiles', 'rajin');

interface Manifest {
  generator: { width: number; height: number; gsdM: number };
  images: Array<{ date: string; file: string; bounds: number[]; shiftPx: { dx: number; dy: number }; truth: string }>;
}
interface ZoneFeature {
  properties: { id: string; kind: string };
  geometry: { type: string; coordinates: number[][] | number[][][] };
}
/** What a caller may inspect per zone and date (debug renderings). */
export interface VesselDebug {
  zone: string;
  date: number;
  block: Block;
  zoneMask: Uint8Array;
  water: Uint8Array;
  valid: Uint8Array;
  boxes: PixelBox[];
  origin: [number, number];
}
interface TruthZone {
  kind: string;
  vessels: number | null;
  railCars: number | null;
  cloudCoverage: number;
}

async function decode(file: string, shift: { dx: number; dy: number }): Promise<Block> {
  const whole = await rgbBlock(file);
  return sampleShifted(whole, whole.window, shift);
}

function crop(b: Block, w: Window): Block {
  const n = w.width * w.height;
  const bands = b.bands.map(() => new Float32Array(n));
  const valid = new Uint8Array(n);
  const W = b.window.width;
  for (let y = 0; y < w.height; y++) {
    const src = (w.y + y) * W + w.x;
    for (let k = 0; k < bands.length; k++) bands[k]!.set(b.bands[k]!.subarray(src, src + w.width), y * w.width);
    valid.set(b.valid.subarray(src, src + w.width), y * w.width);
  }
  return { window: { ...w }, roles: b.roles, bands, valid };
}

function insideRing(x: number, y: number, ring: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi! > y !== yj! > y && x < ((xj! - xi!) * (y - yi!)) / (yj! - yi!) + xi!) inside = !inside;
  }
  return inside;
}

/** Runs the detectors over every date and zone; returns per-zone-and-date errors. */
export async function evalSynthetic(
  opts: {
    dates?: number;
    zones?: string[];
    railReference?: boolean;
    onVessels?: (info: VesselDebug) => void | Promise<void>;
  } = {},
) {
  const manifest = JSON.parse(readFileSync(join(SITE, 'manifest.json'), 'utf8')) as Manifest;
  const zones = JSON.parse(readFileSync(join(SITE, 'zones.geojson'), 'utf8')).features as ZoneFeature[];
  const { width: W, height: H, gsdM } = manifest.generator;
  const [w, s, e, n] = manifest.images[0]!.bounds as [number, number, number, number];
  const toPx = ([lon, lat]: number[]): [number, number] => [((lon! - w) / (e - w)) * W, ((n - lat!) / (n - s)) * H];
  const images = manifest.images.slice(0, opts.dates ?? manifest.images.length);
  const blocks: Block[] = [];
  // As the pipeline does: re-aligned (here with the known shift) and normalised to the first date.
  for (const im of images) {
    const b = await decode(join(SITE, im.file), im.shiftPx);
    if (blocks.length)
      applyNormalization(b, await fitNormalization(memoryReader(blocks[0]!), memoryReader(b), { dx: 0, dy: 0 }));
    blocks.push(b);
  }
  const truths = images.map(
    (im) => (JSON.parse(readFileSync(join(SITE, im.truth), 'utf8')) as { zones: Record<string, TruthZone> }).zones,
  );

  const vesselErrors: Array<{ zone: string; date: string; truth: number; found: number }> = [];
  const railErrors: Array<{ zone: string; date: string; truth: number; found: number }> = [];
  const obscured: Array<{ zone: string; date: string }> = [];
  for (const z of zones) {
    const kind = z.properties.kind;
    if (kind !== 'berth' && kind !== 'anchorage' && kind !== 'rail') continue;
    if (opts.zones && !opts.zones.includes(z.properties.id)) continue;
    const line = z.geometry.type === 'LineString' ? (z.geometry.coordinates as number[][]).map(toPx) : null;
    const ring = z.geometry.type === 'Polygon' ? (z.geometry.coordinates as number[][][])[0]!.map(toPx) : null;
    const pts = line ?? ring ?? [];
    const margin = kind === 'rail' ? 20 : 150;
    const x0 = Math.max(0, Math.floor(Math.min(...pts.map((p) => p[0]))) - margin);
    const y0 = Math.max(0, Math.floor(Math.min(...pts.map((p) => p[1]))) - margin);
    const x1 = Math.min(W, Math.ceil(Math.max(...pts.map((p) => p[0]))) + margin);
    const y1 = Math.min(H, Math.ceil(Math.max(...pts.map((p) => p[1]))) + margin);
    const win = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
    const mask = new Uint8Array(win.width * win.height);
    if (ring) {
      const local = ring.map(([x, y]) => [x - x0, y - y0]);
      for (let y = 0; y < win.height; y++)
        for (let x = 0; x < win.width; x++) mask[y * win.width + x] = insideRing(x + 0.5, y + 0.5, local) ? 1 : 0;
    }
    const crops = blocks.map((b) => crop(b, win));
    const reference = crops[0]!;
    for (const [d, block] of crops.entries()) {
      const truth = truths[d]![z.properties.id]!;
      const cloud = cloudMask(block, d === 0 ? { gsdM } : { reference, gsdM });
      const valid = block.valid.map((v, i) => (v && !cloud[i] ? 1 : 0));
      // DESIGN: a zone under half covered by clear pixels gets null counts (obscured), not 0.
      let inZone = 0;
      let clear = 0;
      if (ring) {
        for (let i = 0; i < mask.length; i++) {
          inZone += mask[i]!;
          clear += mask[i]! & valid[i]!;
        }
      }
      if (ring && clear < 0.5 * inZone) {
        obscured.push({ zone: z.properties.id, date: images[d]!.date });
        continue;
      }
      if (kind === 'rail') {
        if (truth.railCars === null || truth.cloudCoverage > 0.5) continue;
        const r = detectRailcars({
          block,
          tracks: line ? [line.map(([x, y]) => [x - x0, y - y0] as [number, number])] : [],
          yard: line ? null : mask,
          valid,
          gsdM: { x: gsdM, y: gsdM },
          railCarLengthM: 15,
          // Other dates of the window, as processing/detect.ts reads them for the water mask.
          others: crops.filter((_, k) => k !== d),
          ...(opts.railReference ? { reference: d === 0 ? crops[1]! : reference } : {}),
        });
        railErrors.push({ zone: z.properties.id, date: images[d]!.date, truth: truth.railCars, found: r.cars.length });
        continue;
      }
      if (truth.vessels === null || truth.cloudCoverage > 0.5) continue;
      const others = crops.filter((_, k) => k !== d);
      const water = waterMask(block, { others, gsdM });
      const found = detectVessels({
        block,
        zone: mask,
        water,
        valid,
        gsdM: { x: gsdM, y: gsdM },
        minVesselLengthM: 20,
      });
      vesselErrors.push({ zone: z.properties.id, date: images[d]!.date, truth: truth.vessels, found: found.length });
      await opts.onVessels?.({
        zone: z.properties.id,
        date: d,
        block,
        zoneMask: mask,
        water,
        valid,
        boxes: found,
        origin: [x0, y0],
      });
    }
  }
  const mae = vesselErrors.reduce((a, r) => a + Math.abs(r.found - r.truth), 0) / Math.max(1, vesselErrors.length);
  const railTruth = railErrors.reduce((a, r) => a + r.truth, 0);
  const railAbs = railErrors.reduce((a, r) => a + Math.abs(r.found - r.truth), 0);
  return { vesselErrors, railErrors, obscured, mae, railRelError: railTruth ? railAbs / railTruth : 0 };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const only = process.argv.slice(2);
  const r = await evalSynthetic(only.length ? { zones: only } : {});
  for (const v of r.vesselErrors)
    if (v.found !== v.truth) console.log(`  vessels ${v.zone} ${v.date}: ${v.found} vs ${v.truth}`);
  for (const v of r.railErrors) console.log(`  rail ${v.zone} ${v.date}: ${v.found} vs ${v.truth}`);
  for (const o of r.obscured) console.log(`  obscured (coverage < 0.5, null counts): ${o.zone} ${o.date}`);
  console.log(`vessel count MAE per zone and image: ${r.mae.toFixed(3)} (${r.vesselErrors.length} zone-images)`);
  console.log(`rail-car count error: ${(100 * r.railRelError).toFixed(1)} % (${r.railErrors.length} zone-images)`);
  console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
