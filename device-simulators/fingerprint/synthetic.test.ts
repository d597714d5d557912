import { describe, expect, it } from 'vitest';
import { fingerprintQualities, hasFingerprint, synthesizeFingerprint, synthesizeFingerprintAsync, type FingerprintQuality } from './synthetic.js';

const W = 256;
const H = 288;

function stats(pixels: Uint8Array): { mean: number; sd: number; foreground: number } {
  let sum = 0;
  for (const p of pixels) sum += p;
  const mean = sum / pixels.length;
  let variance = 0;
  let foreground = 0;
  for (const p of pixels) {
    variance += (p - mean) ** 2;
    if (p < 215) foreground++;
  }
  return { mean, sd: Math.sqrt(variance / pixels.length), foreground: foreground / pixels.length };
}

const images = new Map<FingerprintQuality, Uint8Array>();
function image(quality: FingerprintQuality): Uint8Array {
  let pixels = images.get(quality);
  if (!pixels) {
    pixels = synthesizeFingerprint({ width: W, height: H, quality, seed: 7 });
    images.set(quality, pixels);
  }
  return pixels;
}

describe('synthesizeFingerprint', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = synthesizeFingerprint({ width: W, height: H, quality: 'good', seed: 1234 });
    const b = synthesizeFingerprint({ width: W, height: H, quality: 'good', seed: 1234 });
    const c = synthesizeFingerprint({ width: W, height: H, quality: 'good', seed: 1235 });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it.each(fingerprintQualities)('%s: right size, 8-bit, near-white background at the corners', (quality) => {
    const pixels = image(quality);
    expect(pixels).toBeInstanceOf(Uint8Array);
    expect(pixels.length).toBe(W * H);
    expect(pixels[0]).toBeGreaterThan(225);
    expect(pixels[W * H - 1]).toBeGreaterThan(225);
  });

  it('makes other sizes (GT-5xx 258 × 202)', () => {
    expect(synthesizeFingerprint({ width: 258, height: 202, quality: 'good', seed: 3 }).length).toBe(258 * 202);
    expect(() => synthesizeFingerprint({ width: 0, height: 10, quality: 'good', seed: 3 })).toThrow(RangeError);
  });

  it("'good' has more contrast than 'poor_contrast' and 'smudged'", () => {
    const good = stats(image('good'));
    expect(good.sd).toBeGreaterThan(stats(image('poor_contrast')).sd * 2);
    expect(good.sd).toBeGreaterThan(stats(image('smudged')).sd * 1.2);
  });

  it("'partial' has less foreground than 'good'; 'wet' is darker and 'dry' lighter", () => {
    const good = stats(image('good'));
    expect(stats(image('partial')).foreground).toBeLessThan(good.foreground * 0.7);
    expect(stats(image('wet')).mean).toBeLessThan(good.mean);
    expect(stats(image('dry')).mean).toBeGreaterThan(good.mean);
  });

  it('has ridges at about the 500 ppi period (9–10 px) across the core area', () => {
    // Count dark/light transitions along the middle row of the good image: ~2 per ridge period.
    const pixels = image('good');
    const y = Math.round(H * 0.6);
    let crossings = 0;
    let previous = (pixels[y * W + 60] ?? 0) < 130;
    for (let x = 61; x < 196; x++) {
      const dark = (pixels[y * W + x] ?? 0) < 130;
      if (dark !== previous) crossings++;
      previous = dark;
    }
    const period = (2 * 135) / crossings; // the row is not always perpendicular to the ridges: period seen ≥ true period
    expect(period).toBeGreaterThan(7);
    expect(period).toBeLessThan(20);
  });
});

describe('the print shelf', () => {
  it('makes a print once per process and hands each caller its own copy', async () => {
    const options = { width: 96, height: 112, quality: 'good' as const, seed: 424242 };
    expect(hasFingerprint(options)).toBe(false);
    const [a, b] = await Promise.all([synthesizeFingerprintAsync(options), synthesizeFingerprintAsync(options)]);
    expect(hasFingerprint(options)).toBe(true);
    expect(a).not.toBe(b);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    // What one caller does to its pixels does not reach the next one.
    const original = a[0];
    a.fill(7);
    const c = synthesizeFingerprint(options);
    expect(c[0]).toBe(original);
    expect(Buffer.from(c).equals(Buffer.from(b))).toBe(true);
    // Another quality or seed is another print.
    expect(hasFingerprint({ ...options, quality: 'smudged' })).toBe(false);
    expect(hasFingerprint({ ...options, seed: 424243 })).toBe(false);
  });
});
