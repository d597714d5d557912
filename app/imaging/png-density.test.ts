import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { crc32, withPngDensity } from './png-density.js';

describe('withPngDensity', () => {
  it('computes the standard CRC-32 (check value of "123456789" is 0xCBF43926)', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('gives a grey PNG its resolution and keeps it one 8-bit channel with the same pixels', async () => {
    const pixels = Buffer.from(Array.from({ length: 40 * 30 }, (_, i) => i % 251));
    const png = await sharp(pixels, { raw: { width: 40, height: 30, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    const dense = withPngDensity(withPngDensity(png, 300), 500);
    const meta = await sharp(dense).metadata();
    expect(meta).toMatchObject({ channels: 1, depth: 'uchar', density: 500, width: 40, height: 30 });
    expect(dense.toString('latin1').split('pHYs').length - 1).toBe(1);
    // Decoded as grey: sharp's raw output is sRGB unless told otherwise.
    const { data } = await sharp(dense).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect(Buffer.from(data).equals(pixels)).toBe(true);
  });

  it('refuses what is not a PNG', () => {
    expect(() => withPngDensity(Buffer.from('GIF89a not a png at all, not at all.'), 500)).toThrow(/Not a PNG/);
  });
});
