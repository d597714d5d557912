import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { generateSignature } from '../../device-simulators/wacom-stu/strokes.js';
import type { PenSample } from './driver.js';
import { greyImageToPng, renderSignature, renderSignaturePng } from './render.js';

const tablet = { maxX: 10800, maxY: 6480, maxPressure: 1023, unitsPerInch: 2540 };
const sample = (x: number, y: number, sw: number, pressure = 800, rdy = true): PenSample => ({ t: 0, sequence: null, rdy, sw, pressure, x, y });

describe('renderSignature', () => {
  it('covers the tablet at the chosen ppi: white paper, black ink along the pen-down path', () => {
    const samples = [sample(1000, 1000, 1), sample(3540, 1000, 1)]; // a 1-inch line
    const { image, scale } = renderSignature(samples, tablet, { ppi: 100 });
    expect(image).toMatchObject({ width: Math.ceil(10800 / 25.4), height: Math.ceil(6480 / 25.4), ppi: 100 });
    expect(scale).toBeCloseTo(100 / 2540, 12);
    const y = Math.floor(1000 * scale);
    for (let x = Math.ceil(1000 * scale) + 1; x < Math.floor(3540 * scale) - 1; x++) expect(image.pixels[y * image.width + x]).toBeLessThan(100);
    expect(image.pixels[(y + 20) * image.width + 60]).toBe(255);
    expect(image.pixels[0]).toBe(255);
  });

  it('splits strokes where sw goes to 0 (hover is not ink) and ignores samples out of proximity', () => {
    const samples = [sample(1000, 1000, 1), sample(2000, 1000, 0, 0), sample(3000, 1000, 1), sample(5000, 3000, 1, 800, false), sample(6000, 1000, 1)];
    const { image, scale } = renderSignature(samples, tablet, { ppi: 100 });
    const at = (x: number, y: number) => image.pixels[Math.floor(y * scale) * image.width + Math.floor(x * scale)];
    expect(at(1000, 1000)).toBeLessThan(128); // a dot where the first stroke was
    expect(at(2000, 1000)).toBe(255); // the hover in between left no ink
    expect(at(3000, 1000)).toBeLessThan(128);
    expect(at(4000, 2000)).toBe(255); // no line through the out-of-proximity sample
    expect(at(5000, 3000)).toBe(255);
    expect(at(6000, 1000)).toBeLessThan(128);
  });

  it('draws heavier ink for higher pressure', () => {
    const width = (pressure: number) => {
      const { image, scale } = renderSignature([sample(1000, 3000, 1, pressure), sample(4000, 3000, 1, pressure)], tablet, { ppi: 300 });
      const x = Math.floor(2500 * scale);
      let dark = 0;
      for (let y = 0; y < image.height; y++) if ((image.pixels[y * image.width + x] ?? 255) < 128) dark++;
      return dark;
    };
    expect(width(1023)).toBeGreaterThan(width(50) + 3);
  });

  it('crops to the ink with a margin', () => {
    const { frames } = generateSignature({ seed: 2, tabletMaxX: 10800, tabletMaxY: 6480, maxPressure: 1023 });
    const samples = frames.map((f, i) => ({ ...f, t: i * 5, sequence: i }));
    const full = renderSignature(samples, tablet, { ppi: 300 });
    const cropped = renderSignature(samples, tablet, { ppi: 300, area: 'ink', marginMm: 2 });
    expect(cropped.image.width).toBeLessThan(full.image.width);
    expect(cropped.image.height).toBeLessThan(full.image.height);
    expect(cropped.originX).toBeGreaterThan(0);
    const ink = (px: Uint8Array) => px.reduce((n, v) => n + (v < 128 ? 1 : 0), 0);
    expect(Math.abs(ink(cropped.image.pixels) - ink(full.image.pixels))).toBeLessThan(ink(full.image.pixels) * 0.01);
  });

  it('encodes a one-channel PNG with the same pixels', async () => {
    const { frames } = generateSignature({ seed: 4, tabletMaxX: 10800, tabletMaxY: 6480, maxPressure: 1023 });
    const samples = frames.map((f, i) => ({ ...f, t: i * 5, sequence: i }));
    const { image } = renderSignature(samples, tablet, { ppi: 150 });
    const png = await greyImageToPng(image);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ width: image.width, height: image.height, channels: 1 });
    const { data } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect(Buffer.from(data).equals(Buffer.from(image.pixels))).toBe(true);
    expect((await renderSignaturePng(samples, tablet, { ppi: 150 })).equals(png)).toBe(true);
  });
});
