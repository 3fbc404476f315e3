/** Loads the labelled aerial/optical ship samples (DOTA P0706 marina, Airbus SPOT chips) as Blocks for evaluations. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rgbBlock } from '../processing/testing/rgb-block.ts';
import type { Block } from '../processing/types.ts';

/** A labelled ship: axis-aligned box around it (pixels) and its length on the ground, metres. */
export interface ShipLabel {
  x: number;
  y: number;
  w: number;
  h: number;
  lengthM: number;
}

/** DOTA P0706: Google Earth marina at 0.256 m, ship labels as oriented quads (`x1 y1 … x4 y4 class difficult`). */
export async function loadDota(dir: string): Promise<{ block: Block; labels: ShipLabel[]; gsdM: number }> {
  const root = join(dir, 'dota-examples');
  const text = readFileSync(join(root, 'labelTxt', 'P0706.txt'), 'utf8').split('\n');
  const gsdM = Number(text.find((l) => l.startsWith('gsd:'))?.slice(4) ?? 0.26);
  const labels: ShipLabel[] = [];
  for (const line of text.slice(2)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 9 || f[8] !== 'ship') continue;
    const p = f.slice(0, 8).map(Number);
    const xs = [p[0]!, p[2]!, p[4]!, p[6]!];
    const ys = [p[1]!, p[3]!, p[5]!, p[7]!];
    const side = (k: number) => Math.hypot(xs[(k + 1) % 4]! - xs[k]!, ys[(k + 1) % 4]! - ys[k]!);
    const x = Math.min(...xs);
    const y = Math.min(...ys);
    labels.push({ x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y, lengthM: Math.max(side(0), side(1)) * gsdM });
  }
  return { block: await rgbBlock(join(root, 'images', 'P0706.png')), labels, gsdM };
}

/** The Airbus chips (768², ~1.5 m) with their one labelled ship each (others may be unlabelled). */
export async function loadAirbus(
  dir: string,
  gsdM = 1.5,
): Promise<Array<{ id: string; block: Block; label: ShipLabel }>> {
  const root = join(dir, 'airbus-ship-samples');
  const rows = readFileSync(join(root, 'masks_rle.csv'), 'utf8').trim().split('\n').slice(1);
  const out: Array<{ id: string; block: Block; label: ShipLabel }> = [];
  for (const row of rows) {
    const [id, rle] = row.split(',');
    if (!id || !rle) continue;
    const block = await rgbBlock(join(root, 'images', id));
    const { width: W, height: H } = block.window;
    const runs = rle.trim().split(/\s+/).map(Number);
    let n = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    let x0 = W;
    let y0 = H;
    let x1 = 0;
    let y1 = 0;
    for (let k = 0; k + 1 < runs.length; k += 2) {
      // 1-based start, column-major (top to bottom, then left to right).
      for (let p = runs[k]! - 1; p < runs[k]! - 1 + runs[k + 1]!; p++) {
        const x = Math.floor(p / H);
        const y = p % H;
        n++;
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
    if (!n) continue;
    const mx = sx / n;
    const my = sy / n;
    const xx = sxx / n - mx * mx;
    const yy = syy / n - my * my;
    const xy = sxy / n - mx * my;
    const l1 = (xx + yy) / 2 + Math.sqrt(((xx - yy) / 2) ** 2 + xy * xy);
    out.push({
      id,
      block,
      label: { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1, lengthM: Math.sqrt(12 * l1 + 1) * gsdM },
    });
  }
  return out;
}
