import { describe, expect, it } from 'vitest';
import { shiftOnly } from '../sample-tiles/scene.ts';
import { memoryReader } from './block-reader.ts';
import { changeMask } from './change.ts';
import { applyNormalization, fitNormalization } from './normalize.ts';
import { register } from './register.ts';
import { rgbBlock } from './testing/rgb-block.ts';

// The generated Rajin port (sample-tiles), a quay-and-yard crop: the same scene, moved and relit.
const WINDOW = { x: 512, y: 256, width: 1024, height: 768 };

describe('register and changeMask on the synthetic Rajin port', () => {
  it('recovers sub-pixel shifts within 0.3 px and reports under 2 % change under new light', async () => {
    const cases = [
      { dx: 3.37, dy: -5.81, illumination: { gain: 1.3, gamma: 0.8, tint: [1.05, 1, 0.9] as const, haze: 0.08 } },
      { dx: -7.62, dy: 2.14, illumination: { gain: 0.7, gamma: 1.3, tint: [0.95, 1, 1.1] as const, haze: 0.02 } },
    ];
    for (const c of cases) {
      const pair = await shiftOnly(7, c.dx, c.dy, c.illumination, WINDOW);
      const reference = await rgbBlock(pair.reference);
      const moved = await rgbBlock(pair.moved);
      const r = await register(memoryReader(reference), memoryReader(moved));
      expect(r.trusted, r.reason).toBe(true);
      expect(Math.hypot(r.dx - c.dx, r.dy - c.dy)).toBeLessThan(0.3);

      const shift = { dx: r.dx, dy: r.dy };
      const norm = await fitNormalization(memoryReader(reference), memoryReader(moved), shift);
      const win = { x: 16, y: 16, width: WINDOW.width - 32, height: WINDOW.height - 32 };
      const prev = await memoryReader(reference).read(win);
      const cur = applyNormalization(await memoryReader(moved).read(win, { shift }), norm);
      const mask = changeMask(prev, cur);
      const changed = mask.reduce((s, v) => s + v, 0) / mask.length;
      expect(changed).toBeLessThan(0.02);
    }
  }, 180_000);
});
