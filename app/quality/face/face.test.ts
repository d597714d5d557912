import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../../device-simulators/random.js';
import { defaultQualityConfig } from '../config.js';
import type { GreyPixels } from '../pixels.js';
import { assessFace, measureFace } from './index.js';

const thresholds = defaultQualityConfig.face;

/** A camera frame: a lit background gradient, a head-and-shoulders shape, dark eyes and mouth, and sensor noise (σ ≈ 4.6). */
function frame(width = 640, height = 480, seed = 3): GreyPixels {
  const random = createPrng(seed);
  const pixels = new Uint8Array(width * height);
  const cx = width / 2;
  const cy = height * 0.45;
  const rx = width * 0.14;
  const ry = height * 0.28;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 90 + (50 * x) / width;
      const inFace = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1;
      const inShoulders = y > height * 0.75 && Math.abs(x - cx) < width * 0.3;
      if (inShoulders) v = 60;
      if (inFace) v = 175;
      const eye = (ex: number) => ((x - ex) / (rx * 0.18)) ** 2 + ((y - (cy - ry * 0.15)) / (ry * 0.06)) ** 2 < 1;
      if (eye(cx - rx * 0.4) || eye(cx + rx * 0.4)) v = 40;
      if (Math.abs(x - cx) < rx * 0.35 && Math.abs(y - (cy + ry * 0.45)) < ry * 0.03) v = 80;
      pixels[y * width + x] = Math.max(0, Math.min(255, Math.round(v + (random() - 0.5) * 16)));
    }
  }
  return { width, height, pixels };
}

const map = (img: GreyPixels, f: (v: number) => number): GreyPixels => ({ ...img, pixels: img.pixels.map((v) => Math.max(0, Math.min(255, Math.round(f(v))))) });
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

async function blur(img: GreyPixels, sigma: number): Promise<GreyPixels> {
  const data = await sharp(img.pixels, { raw: { width: img.width, height: img.height, channels: 1 } }).blur(sigma).toColourspace('b-w').raw().toBuffer();
  return { ...img, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

describe('face frame pre-checks (no face detector)', () => {
  it('a well-lit, focused VGA frame passes', () => {
    const r = assessFace(frame(), thresholds);
    expect(r.reasons).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.measures['meanLuminance']).toBeGreaterThan(90);
    expect(r.measures['sharpness']).toBeGreaterThan(thresholds.minSharpness);
  });

  it('portrait orientation counts the same as landscape', () => {
    expect(assessFace(frame(480, 640), thresholds).passed).toBe(true);
  });

  it('a 320 × 240 frame: resolution_too_low with the size and the minimum', () => {
    const r = assessFace(frame(320, 240), thresholds);
    expect(r.reasons).toContainEqual({ code: 'resolution_too_low', params: { width: 320, height: 240, minShortSide: 480, minLongSide: 640 } });
  });

  it('a washed-out frame: overexposed (mean and the 247–255 share)', () => {
    const r = assessFace(map(frame(), (v) => v * 1.6 + 60), thresholds);
    expect(codes(r)).toContain('overexposed');
    expect(r.measures['overexposedFraction']).toBeGreaterThan(0.05);
    expect(r.reasons.find((x) => x.code === 'overexposed')!.params).toHaveProperty('meanLuminance');
  });

  it('a dark room: underexposed (mean and the 0–25 share)', () => {
    const r = assessFace(map(frame(), (v) => v * 0.2), thresholds);
    expect(codes(r)).toContain('underexposed');
    expect(r.measures['underexposedFraction']).toBeGreaterThan(0.1);
  });

  it('out of focus: blurred; the focused frame measures far sharper', async () => {
    const sharpFrame = frame();
    const soft = await blur(sharpFrame, 4);
    const r = assessFace(soft, thresholds);
    expect(codes(r)).toEqual(['blurred']);
    expect(measureFace(sharpFrame).sharpness).toBeGreaterThan(5 * r.measures['sharpness']!);
  });
});
