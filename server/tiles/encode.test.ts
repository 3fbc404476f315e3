import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../sample-tiles/random.ts';
import { encodeTilePng } from './encode.ts';

const S = 256;

async function decode(png: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height, info.channels]).toEqual([S, S, 4]);
  return data;
}

/** IHDR bit depth and colour type (bytes 24 and 25 of any PNG). */
const header = (png: Buffer) => ({ bits: png[24], colourType: png[25] });

/** A tile of `colours` distinct RGBA values (the first fully transparent) scattered at random. */
function fewColours(colours: number, seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  const table = Array.from({ length: colours }, (_, k) =>
    k === 0 ? [0, 0, 0, 0] : [(rnd() * 256) | 0, (rnd() * 256) | 0, (rnd() * 256) | 0, k % 3 === 0 ? 128 : 255],
  );
  const out = new Uint8Array(S * S * 4);
  for (let i = 0; i < S * S; i++) out.set(table[(rnd() * colours) | 0]!, i * 4);
  return out;
}

/** Smooth terrain with sensor noise, like imagery: thousands of colours. */
function imagery(seed: number, alphaHole: boolean): Uint8Array {
  const rnd = mulberry32(seed);
  const out = new Uint8Array(S * S * 4);
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      const o = (y * S + x) * 4;
      const base = 90 + 60 * Math.sin(x / 23) * Math.cos(y / 31);
      out[o] = base + rnd() * 6;
      out[o + 1] = base * 0.9 + 20 + rnd() * 6;
      out[o + 2] = base * 0.8 + 40 + rnd() * 6;
      out[o + 3] = alphaHole && x < 40 ? 0 : 255;
      if (alphaHole && x < 40) out.fill(0, o, o + 3);
    }
  return out;
}

describe('encodeTilePng', () => {
  it('writes few-colour tiles as indexed PNGs of the fewest bits, decoding to the exact pixels', async () => {
    for (const [colours, bits] of [
      [1, 1],
      [2, 1],
      [3, 2],
      [5, 4],
      [17, 8],
      [256, 8],
    ] as const) {
      const rgba = fewColours(colours, 1000 + colours);
      const png = await encodeTilePng(rgba, S, S);
      expect(header(png), `${colours} colours`).toEqual({ bits, colourType: 3 });
      expect((await decode(png)).equals(Buffer.from(rgba)), `${colours} colours`).toBe(true);
    }
  });

  it('keeps truecolour for many colours: RGB when opaque or colour-keyed, else RGBA, exact either way', async () => {
    const hasTrns = (png: Buffer) => png.includes(Buffer.from('tRNS', 'latin1'));
    for (const hole of [false, true]) {
      const rgba = imagery(7, hole);
      const png = await encodeTilePng(rgba, S, S);
      // The transparent strip is black and no opaque pixel is: RGB with black keyed transparent.
      expect(header(png)).toEqual({ bits: 8, colourType: 2 });
      expect(hasTrns(png)).toBe(hole);
      expect((await decode(png)).equals(Buffer.from(rgba))).toBe(true);
    }
    // An opaque black pixel, or a half-transparent one, rules the key out.
    for (const [o, v] of [
      [(100 * S + 100) * 4, [0, 0, 0, 255]],
      [(100 * S + 100) * 4, [10, 20, 30, 128]],
    ] as const) {
      const rgba = imagery(8, true);
      rgba.set(v, o);
      const png = await encodeTilePng(rgba, S, S);
      expect(header(png)).toEqual({ bits: 8, colourType: 6 });
      expect((await decode(png)).equals(Buffer.from(rgba))).toBe(true);
    }
    // 257 colours is one too many for a palette.
    const rgba = fewColours(257, 3);
    expect(header(await encodeTilePng(rgba, S, S)).colourType).toBe(6);
  });

  it('is smaller than the unfiltered RGBA encoding tiles used before', async () => {
    for (const seed of [11, 12]) {
      const rgba = imagery(seed, false);
      const before = await sharp(rgba, { raw: { width: S, height: S, channels: 4 } })
        .png({ compressionLevel: 3, adaptiveFiltering: false })
        .toBuffer();
      const after = await encodeTilePng(rgba, S, S);
      expect(after.length).toBeLessThan(before.length * 0.9);
    }
    const empty = await encodeTilePng(new Uint8Array(S * S * 4), S, S);
    expect(empty.length).toBeLessThan(200);
  });
});
