/**
 * Every sen2ships detection (product path at 30 m, as sen2ships-false.ts runs it) with its shape:
 * port, true or false, centre, length and width (m), length/width, confidence, berthed pixels at the
 * centre. For sorting the false detections against the true ones by one feature at a time.
 *   BERTHWATCH_REAL_DATA=… npx tsx bench/sen2ships-det-features.ts
 */
import { detectOnPort, loadPortWithPlainWater, SEN2SHIPS_PORTS } from './sen2ships.ts';
import { matchPairs } from './vessels.eval.ts';

for (const port of SEN2SHIPS_PORTS) {
  const scene = await loadPortWithPlainWater(port);
  const { dets, berthed } = detectOnPort(scene);
  const matched = matchPairs(dets, scene.labels);
  const W = scene.block.window.width;
  dets.forEach((d, k) => {
    const i = Math.round(d.cy) * W + Math.round(d.cx);
    console.log(
      [
        port,
        matched.has(k) ? 'TP' : 'FP',
        `(${Math.round(d.cx)},${Math.round(d.cy)})`,
        `L ${(d.length * scene.gsd).toFixed(0)}`,
        `W ${(d.width * scene.gsd).toFixed(0)}`,
        `L/W ${(d.length / d.width).toFixed(2)}`,
        `conf ${d.confidence.toFixed(2)}`,
        `berthed ${berthed[i]}`,
      ].join(' '),
    );
  });
}
