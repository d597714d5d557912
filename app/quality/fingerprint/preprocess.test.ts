import { describe, expect, it } from 'vitest';
import { FingerprintQualityError, findNearWhiteFrame, trimNearWhiteFrame } from './preprocess.js';
import { computeNativeMeasures } from './index.js';

function image(width: number, height: number, fill: (x: number, y: number) => number) {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = fill(x, y);
  return { width, height, pixels };
}

describe('near-white frame removal', () => {
  it('removes exactly the edge rows and columns whose mean is above 250', () => {
    // 10 white rows on top, 5 at the bottom, 3 white columns left, 7 right; a row of mean exactly 250 stays.
    const img = image(60, 50, (x, y) => (y < 10 || y >= 45 || x < 3 || x >= 53 ? 255 : 100));
    expect(findNearWhiteFrame(img)).toEqual({ left: 3, top: 10, width: 50, height: 35 });
    const at250 = image(4, 3, (_x, y) => (y === 0 ? 250 : y === 2 ? 251 : 0));
    expect(findNearWhiteFrame(at250)).toEqual({ left: 0, top: 0, width: 4, height: 2 });
  });

  it('keeps an all-white image whole and copies the trimmed pixels', () => {
    expect(findNearWhiteFrame(image(8, 6, () => 255))).toEqual({ left: 0, top: 0, width: 8, height: 6 });
    const img = image(5, 4, (x, y) => (x === 0 || y === 0 ? 255 : x * 10 + y));
    const t = trimNearWhiteFrame(img);
    expect([t.width, t.height]).toEqual([4, 3]);
    expect(Array.from(t.pixels.subarray(0, 4))).toEqual([11, 21, 31, 41]);
  });

  it('rejects images larger than 800 × 1000 after trimming and inconsistent buffers, with NIST-style messages', () => {
    const wide = image(801, 40, () => 0);
    expect(() => trimNearWhiteFrame(wide)).toThrow(FingerprintQualityError);
    expect(() => trimNearWhiteFrame(wide)).toThrow(/801 × 40 .* at most 800 pixels across/);
    expect(() => trimNearWhiteFrame(image(40, 1001, () => 0))).toThrow(/at most 1000 pixels down/);
    // White margins do not count against the limit.
    expect(trimNearWhiteFrame(image(900, 40, (x) => (x < 100 ? 255 : 0))).width).toBe(800);
    expect(() => trimNearWhiteFrame({ width: 10, height: 10, pixels: new Uint8Array(99) })).toThrow(/10 × 10 = 100 grey bytes, got 99/);
    expect(() => trimNearWhiteFrame({ width: 0, height: 10, pixels: new Uint8Array(0) })).toThrow(FingerprintQualityError);
  });
});

describe('actionable feedback (NIST thresholds)', () => {
  it('flags a uniform image (σ < 1) and stops before the other measures, as NIST does', () => {
    const r = computeNativeMeasures(image(300, 300, () => 128));
    expect(r.complete).toBe(false);
    expect(r.feedback.UniformImage).toEqual({ value: 0, threshold: 1, flagged: true });
    expect(r.feedback.EmptyImageOrContrastTooLow.flagged).toBe(false);
    expect(r.feedback.SufficientFingerprintForeground).toBeUndefined();
    expect(Object.keys(r.measures).sort()).toEqual(['MMB', 'Mu']);
  });

  it('flags an empty, near-white image (Mu > 250)', () => {
    const r = computeNativeMeasures(image(300, 300, (x, y) => ((x + y) % 2 ? 255 : 250)));
    expect(r.feedback.EmptyImageOrContrastTooLow.flagged).toBe(true);
    expect(r.feedback.EmptyImageOrContrastTooLow.value).toBeGreaterThan(250);
    expect(r.complete).toBe(false);
  });

  it('reports too little foreground on a small synthetic ridge patch', () => {
    // 260 × 260 ridges (period 9) on white: fewer than 50 000 ROI pixels.
    const r = computeNativeMeasures(image(400, 400, (x, y) => (x > 70 && x < 330 && y > 70 && y < 330 ? (Math.sin((x + y) / 3) > 0 ? 40 : 200) : 255)));
    expect(r.complete).toBe(true);
    expect(r.feedback.SufficientFingerprintForeground?.flagged).toBe(true);
    expect(r.feedback.SufficientFingerprintForeground!.value).toBeLessThan(50000);
  });
});
