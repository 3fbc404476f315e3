import { describe, expect, test } from 'vitest';
import { readAsBands } from './band-select.ts';
import type { NativeBlock, RasterSource } from './decode.ts';
import type { BandRole, Window } from './types.ts';
import type { ImageProbe } from './validate.ts';

/** A 16-bit source of `roles` whose sample of band b at pixel i is 1000·b + i. */
function source(roles: BandRole[], nodata: number | null = null): RasterSource & { closed: boolean } {
  const probe = {
    width: 4,
    height: 2,
    bandCount: roles.length,
    roles,
    bitDepth: 16,
    sampleFormat: 1,
    nodata,
  } as ImageProbe;
  const valid = new Uint8Array(8).fill(1);
  const readNative = async (w: Window): Promise<NativeBlock> => {
    const n = w.width * w.height;
    const data = new Uint16Array(n * roles.length);
    for (let i = 0; i < n; i++) for (let b = 0; b < roles.length; b++) data[i * roles.length + b] = 1000 * b + i;
    // Pixel 5: its RGB at the nodata value, its NIR not (the decoder judged it valid with all four bands).
    if (nodata !== null) for (let b = 0; b < roles.length - 1; b++) data[5 * roles.length + b] = nodata;
    // One validity plane handed to every read, as a decoder's cached block would be.
    return { window: w, bands: roles.length, data, valid: valid.subarray(0, n) };
  };
  const s = {
    probe,
    blockHeight: 1,
    blockWidth: 4,
    readNative,
    read: () => Promise.reject(new Error('unused')),
    closed: false,
    close: async () => {
      s.closed = true;
    },
  };
  return s;
}

const RGB: BandRole[] = ['red', 'green', 'blue'];
const WINDOW = { x: 0, y: 0, width: 4, height: 2 };

describe('reading an image as its site reference’s bands', () => {
  test('RGB + NIR read as RGB: the same samples, at their native depth, without the NIR', async () => {
    const src = source([...RGB, 'nir']);
    const rgb = readAsBands(src, RGB);
    expect(rgb.probe.roles).toEqual(RGB);
    expect(rgb.probe.bandCount).toBe(3);
    const nb = await rgb.readNative(WINDOW);
    expect(nb.bands).toBe(3);
    expect(nb.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(nb.data.subarray(0, 6))).toEqual([0, 1000, 2000, 1, 1001, 2001]);
    const block = await rgb.read(WINDOW);
    expect(block.roles).toEqual(RGB);
    expect(block.bands.length).toBe(3);
    expect(block.bands[2]![1]).toBeCloseTo(2001 / 65535, 6);
    await rgb.close();
    expect(src.closed).toBe(true);
  });

  test('a pixel whose RGB all hold the nodata value is nodata once its NIR is dropped; the source’s plane untouched', async () => {
    const src = source([...RGB, 'nir'], 7);
    const nb = await readAsBands(src, RGB).readNative(WINDOW);
    expect(Array.from(nb.valid)).toEqual([1, 1, 1, 1, 1, 0, 1, 1]);
    expect(Array.from((await src.readNative(WINDOW)).valid)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    // Without a nodata value nothing changes.
    expect(Array.from((await readAsBands(source([...RGB, 'nir']), RGB).readNative(WINDOW)).valid)).toEqual(
      new Array(8).fill(1),
    );
  });

  test('the same bands: the source itself; missing bands: refused', () => {
    const src = source(RGB);
    expect(readAsBands(src, RGB)).toBe(src);
    expect(() => readAsBands(src, [...RGB, 'nir'])).toThrow(/near-infrared/);
    expect(() => readAsBands(source(['gray']), RGB)).toThrow(/band for band/);
  });
});
