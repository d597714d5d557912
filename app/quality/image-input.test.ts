// The hardened decoder on hostile and unusual inputs, all generated here: a hand-made PNG encoder (so that
// headers, bit depths and chunks are exactly what the test says), sharp for JPEG.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { createPrng } from '../../device-simulators/random.js';
import { ImageInputError, decodeGreyImage, readGreyImageFile, type ImageInputErrorCode } from './image-input.js';
import { QualityInputError } from './pixels.js';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** PNG (spec §11): colour type 0 grey, 2 RGB, 4 grey + alpha; samples row-major, 8 or 16 bits big-endian. */
function png(width: number, height: number, colourType: 0 | 2 | 4, bitDepth: 8 | 16, samples: ArrayLike<number>, ppi?: number): Buffer {
  const channels = colourType === 0 ? 1 : colourType === 2 ? 3 : 2;
  const bytes = bitDepth / 8;
  const row = 1 + width * channels * bytes;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width * channels; i++) {
      const v = samples[y * width * channels + i]!;
      if (bytes === 2) raw.writeUInt16BE(v, y * row + 1 + 2 * i);
      else raw[y * row + 1 + i] = v;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colourType;
  const parts = [Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr)];
  if (ppi !== undefined) {
    const phys = Buffer.alloc(9);
    const ppm = Math.round(ppi / 0.0254);
    phys.writeUInt32BE(ppm, 0);
    phys.writeUInt32BE(ppm, 4);
    phys[8] = 1; // metre
    parts.push(chunk('pHYs', phys));
  }
  parts.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}

async function failure(p: Promise<unknown>): Promise<ImageInputError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageInputError);
  expect(error).toBeInstanceOf(QualityInputError);
  return error as ImageInputError;
}

async function expectCode(p: Promise<unknown>, code: ImageInputErrorCode, name: string): Promise<ImageInputError> {
  const error = await failure(p);
  expect(error.inputCode, error.message).toBe(code);
  expect(error.message).toContain(name);
  expect(error.file).toBe(name);
  return error;
}

const ramp = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('decodeGreyImage', () => {
  it('returns 8-bit grey PNG pixels unchanged with the pHYs density as ppi', async () => {
    const samples = ramp(40 * 30, (i) => (i * 37) % 256);
    const out = await decodeGreyImage(png(40, 30, 0, 8, samples, 500), { name: 'finger.png' });
    expect(out).toMatchObject({ width: 40, height: 30, format: 'png', sourceBitDepth: 8, sourceChannels: 1, conversions: [] });
    expect(Array.from(out.pixels)).toEqual(samples);
    expect(out.ppi).toBeCloseTo(500, 0);
    const noDensity = await decodeGreyImage(png(4, 4, 0, 8, ramp(16, (i) => i)));
    expect(noDensity.ppi).toBeUndefined();
  });

  it('maps 16-bit samples to 8 bits as round(v / 257)', async () => {
    const samples = [0, 128, 129, 257, 385, 386, 32768, 65407, 65408, 65535, 1000, 50000];
    const out = await decodeGreyImage(png(4, 3, 0, 16, samples), { name: 'deep.png' });
    expect(out.sourceBitDepth).toBe(16);
    expect(out.conversions).toEqual(['16_to_8_bit']);
    expect(Array.from(out.pixels)).toEqual(samples.map((v) => Math.round(v / 257)));
  });

  it('converts colour to grey with BT.601 luma (exact on a lossless RGB PNG, close on a JPEG)', async () => {
    const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 100, 50, 255, 255, 255, 0, 0, 0];
    const out = await decodeGreyImage(png(3, 2, 2, 8, rgb), { name: 'colour.png' });
    expect(out.conversions).toEqual(['colour_to_grey']);
    expect(out.sourceChannels).toBe(3);
    expect(Array.from(out.pixels)).toEqual([76, 150, 29, 124, 255, 0]);

    const jpeg = await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 200, g: 100, b: 50 } } }).jpeg({ quality: 95 }).withMetadata({ density: 300 }).toBuffer();
    const j = await decodeGreyImage(jpeg, { name: 'photo.jpg' });
    expect(j).toMatchObject({ width: 32, height: 24, format: 'jpeg', sourceChannels: 3, conversions: ['colour_to_grey'] });
    expect(j.ppi).toBe(300);
    for (const v of j.pixels) expect(Math.abs(v - 124)).toBeLessThanOrEqual(2);
  });

  it('composites transparency onto white', async () => {
    const out = await decodeGreyImage(png(3, 1, 4, 8, [0, 255, 0, 0, 0, 128]));
    expect(out.conversions).toEqual(['alpha_on_white']);
    expect(Array.from(out.pixels)).toEqual([0, 255, 127]);
  });

  it('refuses an empty buffer, random bytes and an oversized buffer with their codes', async () => {
    await expectCode(decodeGreyImage(new Uint8Array(0), { name: 'empty.png' }), 'empty', 'empty.png');
    const random = createPrng(99);
    const junk = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
    await expectCode(decodeGreyImage(junk, { name: 'junk.bin' }), 'unsupported_format', 'junk.bin');
    const ok = png(64, 64, 0, 8, ramp(64 * 64, (i) => i % 256));
    const e = await expectCode(decodeGreyImage(ok, { name: 'big.png', maxBytes: 100 }), 'too_large', 'big.png');
    expect(e.code).toBe('image_too_large');
  });

  it('refuses a truncated PNG and a truncated JPEG as truncated, not as a partly grey image', async () => {
    const random = createPrng(5);
    const noisy = png(120, 90, 0, 8, ramp(120 * 90, () => Math.floor(random() * 256)));
    await expectCode(decodeGreyImage(noisy.subarray(0, Math.floor(noisy.length * 0.6)), { name: 'cut.png' }), 'truncated', 'cut.png');
    const jpeg = await sharp(Buffer.from(ramp(120 * 90 * 3, () => Math.floor(random() * 256))), { raw: { width: 120, height: 90, channels: 3 } }).jpeg().toBuffer();
    await expectCode(decodeGreyImage(jpeg.subarray(0, Math.floor(jpeg.length * 0.5)), { name: 'cut.jpg' }), 'truncated', 'cut.jpg');
  });

  it('refuses a decompression bomb from its header, and images above a configured pixel limit', async () => {
    // A valid 8 × 8 PNG whose IHDR (CRC fixed up) claims 100 000 × 100 000 pixels: 10 GP from a tiny file.
    const bomb = png(8, 8, 0, 8, ramp(64, () => 0));
    bomb.writeUInt32BE(100000, 16);
    bomb.writeUInt32BE(100000, 20);
    bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)) >>> 0, 29);
    const e = await expectCode(decodeGreyImage(bomb, { name: 'bomb.png' }), 'too_many_pixels', 'bomb.png');
    expect(e.code).toBe('image_too_large');
    await expectCode(decodeGreyImage(png(100, 60, 0, 8, ramp(6000, () => 9)), { name: 'six-k.png', maxPixels: 5000 }), 'too_many_pixels', 'six-k.png');
    expect((await decodeGreyImage(png(100, 60, 0, 8, ramp(6000, () => 9)), { maxPixels: 6000 })).width).toBe(100);
  });

  it('throws only ImageInputError on 300 randomly damaged PNGs and JPEGs', async () => {
    const random = createPrng(0xbad);
    const sources = [png(24, 16, 0, 8, ramp(384, (i) => i % 256), 500), png(8, 8, 0, 16, ramp(64, (i) => i * 1000)), await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } }).jpeg().toBuffer()];
    let decoded = 0;
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(sources[i % sources.length]!);
      const cut = random() < 0.3 ? Math.floor(random() * b.length) : b.length;
      for (let m = 0, flips = 1 + Math.floor(random() * 4); m < flips; m++) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
      try {
        const out = await decodeGreyImage(b.subarray(0, Math.max(cut, 1)), { name: `mutant-${i}` });
        expect(out.pixels.length).toBe(out.width * out.height);
        decoded++;
      } catch (error) {
        expect(error, String(error)).toBeInstanceOf(ImageInputError);
        refused++;
      }
    }
    expect(decoded + refused).toBe(300);
    expect(refused).toBeGreaterThan(0);
  });
});

describe('readGreyImageFile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'image-input-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file, and names the file in every refusal', async () => {
    const good = path.join(dir, 'good.png');
    writeFileSync(good, png(10, 10, 0, 8, ramp(100, (i) => i), 500));
    expect((await readGreyImageFile(good)).pixels[99]).toBe(99);
    await expectCode(readGreyImageFile(path.join(dir, 'missing.png')), 'not_found', path.join(dir, 'missing.png'));
    await expectCode(readGreyImageFile(dir), 'not_found', dir);
    const empty = path.join(dir, 'empty.png');
    writeFileSync(empty, '');
    await expectCode(readGreyImageFile(empty), 'empty', empty);
    await expectCode(readGreyImageFile(good, { maxBytes: 10 }), 'too_large', good);
  });
});

describe('density', () => {
  it('reads JFIF density and reports none for a JPEG that states none (libvips would say 72)', async () => {
    const plain = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).jpeg().toBuffer();
    expect((await decodeGreyImage(plain)).ppi).toBeUndefined();
    // Insert an APP0 JFIF segment: version 1.02, units 2 (dots per cm), 197 × 197.
    const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x02, 0x02, 0x00, 0xc5, 0x00, 0xc5, 0x00, 0x00]);
    const jfif = Buffer.concat([plain.subarray(0, 2), app0, plain.subarray(2)]);
    expect((await decodeGreyImage(jfif)).ppi).toBeCloseTo(500.38, 2);
  });
});
