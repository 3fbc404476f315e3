/**
 * The sen2ships false detections (or, with --missed, the moored labels nobody found) to look at: one
 * line per item, then a montage PNG of crops around each. Detection runs the product's path (the
 * plain water mask, `mooredHullsCoarse` on it joined as `waterMask` joins it, `detectVessels` with
 * the `berthed` patches) at minVesselLengthM 30, the whole scene as one zone.
 * Each line: port, index in the montage, centre (px), detected length and width (m), how many of the
 * 3×3 pixels at the centre are moored-hull patch (`berthed`) and plain NDWI water, their mean NDWI,
 * and the distance to the nearest label's box centre (px).
 * Each crop: left, true colour with land tinted tan, moored-hull patches blue, label outlines green;
 * right, NIR/red/green false colour with detections drawn along their axis (yellow on a label, red not).
 *   BERTHWATCH_REAL_DATA=… npx tsx bench/sen2ships-false.ts [--missed] [--out FILE.png] [--radius PX]
 * The 12 false detections of 2026-12-06 (main 292eb1e), by eye: 2 faint short blobs peaking ~8.1 σ
 * (dropped by the 8.5 σ coarse seed), a 186 m row of moorings in Casablanca (dropped by `beadDips`);
 * left: San Francisco (28,40), a slender 93 m hull alone on open water 230 px from any label, most
 * likely an unlabelled ship; Busan (572,481), a third moored-hull patch beside two labelled hulls, of
 * their size (perhaps unlabelled); Casablanca (298,182), the upper piece of a ~300 m labelled hull
 * whose lower piece matched (70 m apart, the piece on plain water: `joinMooredPieces` leaves it);
 * Busan (567,128), a quay corner; Casablanca (236,181), a two-lobed 122 × 60 m white object by an
 * islet; Busan (690,660), (517,424), (377,135), small pale objects on open water, boat-sized or
 * a pontoon (63 m as measured, blurred); Busan (636,386), 30 × 10 m on streaked water, nothing seen.
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { BandRole, Block, PixelBox } from '../processing/types.ts';
import { detectOnPort, loadPortWithPlainWater, SEN2SHIPS_PORTS } from './sen2ships.ts';
import { isMoored, matchPairs } from './vessels.eval.ts';

const SCALE = 6;
const COLS = 3;

interface Crop {
  rgba: Buffer;
  tag: string;
}

/** A square-root stretch to the 99th percentile per band (raw band scales differ), as 0…255. */
function stretcher(block: Block): (role: BandRole, i: number) => number {
  const top = block.bands.map((b) => {
    const s = Float32Array.from(b).sort();
    return Math.max(1e-6, s[Math.floor(0.99 * (s.length - 1))]!);
  });
  return (role, i) => {
    const k = block.roles.indexOf(role);
    // Without red (San Francisco) green stands in for it; without NIR the panel shows black there.
    const b = k >= 0 ? k : role === 'red' ? block.roles.indexOf('green') : -1;
    if (b < 0) return 0;
    return Math.min(255, Math.round(Math.sqrt(Math.max(0, block.bands[b]![i]!) / top[b]!) * 255));
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { missed: { type: 'boolean' }, out: { type: 'string' }, radius: { type: 'string' } },
  });
  const R = Number(values.radius ?? 24);
  const out = values.out ?? `/tmp/sen2ships-${values.missed ? 'missed' : 'false'}.png`;
  const side = 2 * R + 1;
  const crops: Crop[] = [];
  for (const port of SEN2SHIPS_PORTS) {
    const scene = await loadPortWithPlainWater(port);
    const { block, gsd, plain } = scene;
    const { width: W, height: H } = block.window;
    const n = W * H;
    const { dets, water, berthed } = detectOnPort(scene);
    const matched = matchPairs(dets, scene.labels);
    const found = new Set(matched.values());
    const onLabel = new Uint8Array(n);
    for (const l of scene.labels) for (const p of l.pixels) onLabel[p] = 1;
    const green = block.bands[block.roles.indexOf('green')]!;
    const nir = block.bands[block.roles.indexOf('nir')];
    const v = stretcher(block);
    const targets: PixelBox[] = values.missed
      ? scene.labels
          .filter((l, j) => !found.has(j) && isMoored(l.pixels, plain))
          .map((l) => ({ cx: l.x + l.w / 2, cy: l.y + l.h / 2, length: 0, width: 0, angle: 0, confidence: 0 }))
      : dets.filter((_, k) => !matched.has(k));
    for (const d of targets) {
      const cx = Math.round(d.cx);
      const cy = Math.round(d.cy);
      let onBerthed = 0;
      let onPlain = 0;
      let ndwi = 0;
      let seen = 0;
      for (let y = cy - 1; y <= cy + 1; y++) {
        for (let x = cx - 1; x <= cx + 1; x++) {
          if (x < 0 || y < 0 || x >= W || y >= H) continue;
          const i = y * W + x;
          seen++;
          onBerthed += berthed[i]!;
          onPlain += plain[i]!;
          if (nir) ndwi += (green[i]! - nir[i]!) / Math.max(1e-6, green[i]! + nir[i]!);
        }
      }
      const nearest = Math.min(...scene.labels.map((l) => Math.hypot(l.x + l.w / 2 - d.cx, l.y + l.h / 2 - d.cy)));
      const size = values.missed ? '' : ` L ${(d.length * gsd).toFixed(0)} m W ${(d.width * gsd).toFixed(0)} m`;
      console.log(
        `${port} #${crops.length} (${cx},${cy})${size} berthed ${onBerthed}/${seen} plain ${onPlain}/${seen} ndwi ${nir ? (ndwi / seen).toFixed(2) : '–'} nearest label ${nearest.toFixed(1)} px`,
      );
      const rgba = Buffer.alloc(2 * side * side * 3);
      const put = (x: number, y: number, c: number[]) => rgba.set(c, (y * 2 * side + x) * 3);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const X = cx - R + x;
          const Y = cy - R + y;
          if (X < 0 || Y < 0 || X >= W || Y >= H) continue;
          const i = Y * W + X;
          const rgb = [v('red', i), v('green', i), v('blue', i)];
          let c = rgb;
          if (!water[i]) c = [Math.min(255, rgb[0]! * 0.8 + 50), rgb[1]! * 0.8 + 15, rgb[2]! * 0.8];
          if (berthed[i]) c = [rgb[0]! * 0.6, rgb[1]! * 0.6, Math.min(255, rgb[2]! * 0.6 + 110)];
          const edge = onLabel[i] && (!onLabel[i - 1] || !onLabel[i + 1] || !onLabel[i - W] || !onLabel[i + W]);
          put(x, y, edge ? [0, 255, 0] : c.map(Math.round));
          put(side + x, y, [v('nir', i), v('red', i), v('green', i)]);
        }
      }
      dets.forEach((e, k) => {
        for (let t = -e.length / 2; t <= e.length / 2; t += 0.5) {
          const x = Math.round(e.cx + Math.cos(e.angle) * t) - cx + R;
          const y = Math.round(e.cy + Math.sin(e.angle) * t) - cy + R;
          if (x >= 0 && y >= 0 && x < side && y < side) put(side + x, y, matched.has(k) ? [255, 255, 0] : [255, 0, 0]);
        }
      });
      crops.push({ rgba, tag: `${port} #${crops.length}` });
    }
  }
  if (!crops.length) return;
  const cw = 2 * side * SCALE + 10;
  const ch = side * SCALE + 30;
  const rows = Math.ceil(crops.length / COLS);
  const tiles = await Promise.all(
    crops.map(async (c, k) => ({
      input: await sharp(c.rgba, { raw: { width: 2 * side, height: side, channels: 3 } })
        .resize(2 * side * SCALE, side * SCALE, { kernel: 'nearest' })
        .png()
        .toBuffer(),
      left: (k % COLS) * cw,
      top: Math.floor(k / COLS) * ch + 24,
    })),
  );
  const text = crops
    .map(
      (c, k) =>
        `<text x="${(k % COLS) * cw + 4}" y="${Math.floor(k / COLS) * ch + 18}" font-size="18" fill="white">${c.tag}</text>`,
    )
    .join('');
  await sharp({ create: { width: COLS * cw, height: rows * ch, channels: 3, background: [0, 0, 0] } })
    .composite([
      { input: Buffer.from(`<svg width="${COLS * cw}" height="${rows * ch}">${text}</svg>`), left: 0, top: 0 },
      ...tiles,
    ])
    .png()
    .toFile(out);
  console.log(`montage: ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
