import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../http/problem.ts';
import { TileParams, tileParams } from './tiles.ts';

/** What the route answered before the plain-address shortcut: the zod schema's verdict. */
function viaZod(raw: Record<string, string>) {
  const r = TileParams.safeParse(raw);
  return r.success ? r.data : null;
}

function viaRoute(raw: Record<string, string>) {
  try {
    return tileParams(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(HttpProblem);
    expect((e as HttpProblem).status).toBe(400);
    return null;
  }
}

describe('tile address parsing', () => {
  it('accepts and refuses exactly what the TileParams schema does', () => {
    const ids = ['img_abc-DEF1', 'a'.repeat(64), 'a'.repeat(65), 'bad.id', ''];
    const zs = ['0', '07', '17', '24', '25', '-1', '1.5', '0x3', ' 3', '1e1', ''];
    const xs = ['0', '00042', '123456789', '1234567890', '-3', '2.0', 'x', ''];
    const ys = ['0.png', '12.png', '123456789.png', '1234567890.png', '12.jpg', '12', '-1.png', '1.5.png'];
    let checked = 0;
    for (const id of ids)
      for (const z of zs)
        for (const x of xs)
          for (const y of ys) {
            const raw = { id, z, x, y };
            expect(viaRoute(raw), JSON.stringify(raw)).toEqual(viaZod(raw));
            checked++;
          }
    expect(checked).toBe(ids.length * zs.length * xs.length * ys.length);
  });

  it('names the field at fault', () => {
    expect(() => tileParams({ id: 'img_1', z: '25', x: '1', y: '1.png' })).toThrow(/z: /);
    expect(() => tileParams({ id: 'img_1', z: '3', x: '1', y: '1.jpg' })).toThrow(/y: must be <row>\.png/);
  });
});
