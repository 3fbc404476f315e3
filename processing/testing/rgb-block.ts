import sharp from 'sharp';
import type { Block } from '../types.ts';

/** An image file or buffer as a whole-image RGB Block (0..1, every pixel valid), for tests and evals. */
export async function rgbBlock(input: string | Buffer): Promise<Block> {
  const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const n = info.width * info.height;
  const c = info.channels;
  const bands = [0, 1, 2].map((b) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = data[i * c + b]! / 255;
    return out;
  });
  return {
    window: { x: 0, y: 0, width: info.width, height: info.height },
    roles: ['red', 'green', 'blue'],
    bands,
    valid: new Uint8Array(n).fill(1),
  };
}
