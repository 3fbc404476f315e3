/**
 * Why our LEVIR-CD change mask wins or loses, pair by pair. Writes one PNG per pair to --out
 * (default /tmp/levircd-view): A | B | label | ours | CVA + Otsu, the masks coloured TP white,
 * FP red, FN blue over B's dimmed green band; and prints, pooled over the pairs, our TP / FP / FN
 * pixels by the surface on each date (raw radiometry: dark = every band < 0.2, grey = saturation
 * < 0.1, veg = green the highest band, soil = the rest), to see which false changes dominate.
 *   npx tsx bench/levircd-view.ts [--out DIR] [--only NAME_PART]
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { rgbBlock } from '../processing/testing/rgb-block.ts';
import type { Block } from '../processing/types.ts';
import { cvaOtsu, ourChange } from './levircd.eval.ts';
import { realDataDir } from './real-data.ts';

const { values } = parseArgs({ options: { out: { type: 'string' }, only: { type: 'string' } } });
const out = values.out ?? '/tmp/levircd-view';

/** The surface class of pixel i, as printed in the tally. */
function surface(b: Block, i: number): string {
  const r = b.bands[0]![i]!;
  const g = b.bands[1]![i]!;
  const bl = b.bands[2]![i]!;
  const mx = Math.max(r, g, bl);
  const s = (mx - Math.min(r, g, bl)) / (mx + 0.02);
  if (mx < 0.2) return 'dark';
  if (s < 0.1) return 'grey';
  return g >= r && g > bl ? 'veg' : 'soil';
}

const dir = join(realDataDir(), 'levircd-samples');
mkdirSync(out, { recursive: true });
const tally = new Map<string, { tp: number; fp: number; fn: number }>();
for (const name of readdirSync(join(dir, 'label'))
  .filter((f) => f.endsWith('.png'))
  .sort()) {
  if (values.only && !name.includes(values.only)) continue;
  const a = await rgbBlock(join(dir, 'A', name));
  const b = await rgbBlock(join(dir, 'B', name));
  const { data: label, info } = await sharp(join(dir, 'label', name))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const ours = await ourChange(a, b);
  const cva = cvaOtsu(a, b);
  const W = info.width;
  const panels = 5;
  const img = Buffer.alloc(W * panels * info.height * 3);
  const put = (p: number, i: number, rgb: [number, number, number]) => {
    const o = (((i / W) | 0) * W * panels + p * W + (i % W)) * 3;
    img[o] = rgb[0];
    img[o + 1] = rgb[1];
    img[o + 2] = rgb[2];
  };
  const byte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  for (let i = 0; i < label.length; i++) {
    const truth = label[i]! > 127;
    put(0, i, [byte(a.bands[0]![i]!), byte(a.bands[1]![i]!), byte(a.bands[2]![i]!)]);
    put(1, i, [byte(b.bands[0]![i]!), byte(b.bands[1]![i]!), byte(b.bands[2]![i]!)]);
    put(2, i, truth ? [255, 255, 255] : [0, 0, 0]);
    const dim = byte(b.bands[1]![i]! * 0.35);
    for (const [p, m] of [
      [3, ours],
      [4, cva],
    ] as const) {
      if (m[i] && truth) put(p, i, [255, 255, 255]);
      else if (m[i]) put(p, i, [255, 40, 40]);
      else if (truth) put(p, i, [40, 90, 255]);
      else put(p, i, [dim, dim, dim]);
    }
    if (!ours[i] && !truth) continue;
    const key = `${surface(a, i)} -> ${surface(b, i)}`;
    const t = tally.get(key) ?? { tp: 0, fp: 0, fn: 0 };
    if (ours[i] && truth) t.tp++;
    else if (ours[i]) t.fp++;
    else t.fn++;
    tally.set(key, t);
  }
  await sharp(img, { raw: { width: W * panels, height: info.height, channels: 3 } })
    .png()
    .toFile(join(out, name));
}
console.log(`panels A | B | label | ours | CVA+Otsu in ${out}\nours by surface (A -> B), pooled:`);
for (const [k, t] of [...tally].sort((x, y) => y[1].fp - x[1].fp)) {
  console.log(
    `  ${k.padEnd(14)} TP ${String(t.tp).padStart(6)}  FP ${String(t.fp).padStart(6)}  FN ${String(t.fn).padStart(6)}`,
  );
}
