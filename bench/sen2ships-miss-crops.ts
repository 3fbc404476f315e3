/**
 * Crops of the sen2ships labels the 10 m path misses, to look at and sort by what they look like:
 * per label one PNG of three panels side by side, each stretched to the crop's own 2–98 % range —
 * true colour, NIR, and the masks (plain NDWI water blue, moored-hull patches orange, land grey, the
 * label's outline green, detections red). Named <port>-<label>[-moored].png (moored: under half the
 * label on the plain water). --only port:j,… renders those labels found or not; --points
 * port:x,y;… crops around those pixels instead (a false detection, say).
 *   BERTHWATCH_REAL_DATA=… npx tsx bench/sen2ships-miss-crops.ts --out /tmp/crops [--radius 24]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { detectOnPort, loadPortWithPlainWater, SEN2SHIPS_PORTS, type VesselLabel } from './sen2ships.ts';
import { isMoored, matchPairs } from './vessels.eval.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '/tmp/sen2ships-crops' },
    radius: { type: 'string', default: '24' },
    only: { type: 'string' },
    points: { type: 'string' },
  },
});
const R = Number(values.radius);
const SCALE = 8;
const only = values.only?.split(',');
const points = values.points?.split(';').map((t) => {
  const [port, xy] = t.split(':');
  const [x, y] = xy!.split(',').map(Number);
  return { port: port!, x: x!, y: y! };
});

for (const port of SEN2SHIPS_PORTS) {
  const scene = await loadPortWithPlainWater(port);
  const { block, plain, labels } = scene;
  const W = block.window.width;
  const H = block.window.height;
  const { dets, berthed } = detectOnPort(scene);
  const found = new Set(matchPairs(dets, labels).values());
  const band = (role: 'red' | 'green' | 'blue' | 'nir') => block.bands[block.roles.indexOf(role)];
  const items: Array<{ name: string; label: VesselLabel }> = points
    ? points
        .filter((p) => p.port === port)
        .map((p) => ({ name: `${port}-at-${p.x}-${p.y}`, label: { x: p.x, y: p.y, w: 0, h: 0, pixels: [] } }))
    : labels.flatMap((label, j) =>
        (only ? only.includes(`${port}:${j}`) : !found.has(j))
          ? [{ name: `${port}-${j}${isMoored(label.pixels, plain) ? '-moored' : ''}`, label }]
          : [],
      );
  for (const { name, label: l } of items) {
    const cx = Math.round(l.x + l.w / 2);
    const cy = Math.round(l.y + l.h / 2);
    const x0 = Math.max(0, cx - R);
    const y0 = Math.max(0, cy - R);
    const cw = Math.min(W, cx + R) - x0;
    const ch = Math.min(H, cy + R) - y0;
    const mine = new Set(l.pixels);
    const out = Buffer.alloc(cw * 3 * ch * 3);
    const set = (panel: number, x: number, y: number, c: number[]) => out.set(c, (y * cw * 3 + panel * cw + x) * 3);
    const stretch = (b: Float32Array | undefined) => {
      if (!b) return () => 0;
      const v: number[] = [];
      for (let y = y0; y < y0 + ch; y++) for (let x = x0; x < x0 + cw; x++) v.push(b[y * W + x]!);
      v.sort((a, c) => a - c);
      const lo = v[Math.floor(0.02 * v.length)]!;
      const hi = v[Math.floor(0.98 * v.length)]!;
      return (i: number) => Math.max(0, Math.min(255, Math.round(((b[i]! - lo) / Math.max(1e-6, hi - lo)) * 255)));
    };
    // Without red (San Francisco) green stands in for it.
    const [r, g, bl, ni] = [band('red') ?? band('green'), band('green'), band('blue'), band('nir')].map(stretch);
    for (let y = y0; y < y0 + ch; y++)
      for (let x = x0; x < x0 + cw; x++) {
        const i = y * W + x;
        const edge = mine.has(i) && (!mine.has(i - 1) || !mine.has(i + 1) || !mine.has(i - W) || !mine.has(i + W));
        set(0, x - x0, y - y0, [r!(i), g!(i), bl!(i)]);
        set(1, x - x0, y - y0, [ni!(i), ni!(i), ni!(i)]);
        const c = plain[i] ? [40, 80, 200] : berthed[i] ? [255, 150, 0] : [150, 140, 120];
        set(2, x - x0, y - y0, edge ? [0, 255, 0] : c);
      }
    for (const d of dets)
      for (let t = -d.length / 2; t <= d.length / 2; t += 0.5) {
        const x = Math.round(d.cx + Math.cos(d.angle) * t) - x0;
        const y = Math.round(d.cy + Math.sin(d.angle) * t) - y0;
        if (x >= 0 && y >= 0 && x < cw && y < ch) set(2, x, y, [255, 0, 0]);
      }
    await sharp(out, { raw: { width: cw * 3, height: ch, channels: 3 } })
      .resize(cw * 3 * SCALE, ch * SCALE, { kernel: 'nearest' })
      .png()
      .toFile(join(values.out!, `${name}.png`));
    console.log(`${name}: box ${l.x},${l.y} ${l.w}×${l.h}, ${l.pixels.length} px`);
  }
}
