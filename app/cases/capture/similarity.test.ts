// fingerSimilarity on the fingerprint simulator's prints: the same finger twice is at or above the threshold,
// different fingers clearly below it.
import { describe, expect, it } from 'vitest';
import { synthesizeFingerprint } from '../../../device-simulators/fingerprint/synthetic.js';
import type { GreyImage } from '../../../drivers/capture.js';
import { SIMILAR_FINGER_THRESHOLD } from './index.js';
import { fingerSimilarity } from './similarity.js';

const W = 320;
const H = 400;
const print = (seed: number, quality: 'good' | 'smudged' = 'good'): GreyImage => ({ width: W, height: H, ppi: 500, pixels: synthesizeFingerprint({ width: W, height: H, quality, seed }) });

/** The same finger landed dx, dy pixels elsewhere, with sensor noise. */
function moved(image: GreyImage, dx: number, dy: number, seed: number): GreyImage {
  const pixels = new Uint8Array(image.pixels.length).fill(242);
  let state = seed;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const sx = x - dx;
      const sy = y - dy;
      state = (state * 1103515245 + 12345) >>> 0;
      const noise = ((state >>> 16) % 9) - 4;
      if (sx >= 0 && sy >= 0 && sx < image.width && sy < image.height) pixels[y * image.width + x] = Math.max(0, Math.min(255, (image.pixels[sy * image.width + sx] ?? 242) + noise));
    }
  }
  return { ...image, pixels };
}

describe('fingerSimilarity', () => {
  const a = print(9 * 16 + 2);
  it('is 1 for the same impression and ≥ the threshold for the same finger shifted, with noise', () => {
    expect(fingerSimilarity(a, a)).toBeCloseTo(1, 5);
    const shifted = fingerSimilarity(a, moved(a, 13, -9, 5));
    expect(shifted).toBeGreaterThanOrEqual(SIMILAR_FINGER_THRESHOLD);
  });

  it('is clearly below the threshold for different fingers', () => {
    const scores = [3, 4, 7, 8, 10].map((p) => fingerSimilarity(a, print(9 * 16 + p)));
    for (const s of scores) expect(s).toBeLessThan(0.3);
  });

  it('gives the same score whether an image’s patterns were made before or not, and keeps them apart by geometry', () => {
    const fresh = (image: GreyImage): GreyImage => ({ ...image, pixels: image.pixels.slice() });
    const smudged = print(9 * 16 + 2, 'smudged');
    const first = fingerSimilarity(fresh(a), fresh(smudged));
    expect(first).toBeGreaterThan(0.3);
    expect(first).toBeLessThan(SIMILAR_FINGER_THRESHOLD);
    // a and smudged now have their patterns made; the same call again, and against fresh copies, agree exactly.
    fingerSimilarity(a, smudged);
    expect(fingerSimilarity(a, smudged)).toBe(first);
    expect(fingerSimilarity(fresh(smudged), a)).toBe(fingerSimilarity(fresh(smudged), fresh(a)));
    // The same bytes read as another size are another image, not the patterns already made for a.
    const reread: GreyImage = { width: H, height: W, ppi: 500, pixels: a.pixels };
    expect(fingerSimilarity(reread, smudged)).toBe(fingerSimilarity(fresh(reread), fresh(smudged)));
    expect(fingerSimilarity(reread, a)).toBeLessThan(SIMILAR_FINGER_THRESHOLD);
    // A buffer written over in place (a driver reusing its frame) is read anew, not answered from before.
    const reused = fresh(a);
    const other = print(9 * 16 + 6);
    expect(fingerSimilarity(reused, a)).toBeCloseTo(1, 5);
    reused.pixels.set(other.pixels);
    expect(fingerSimilarity(reused, a)).toBe(fingerSimilarity(fresh(other), fresh(a)));
    expect(fingerSimilarity(reused, a)).toBeLessThan(0.3);
  });

  it('works across sizes, and handles different sizes and blank images', () => {
    // A 256 × 288 window (an EF01 module's) cut from the middle of the same finger: still the same finger.
    const crop = new Uint8Array(256 * 288);
    for (let y = 0; y < 288; y++) crop.set(a.pixels.subarray((y + 56) * W + 32, (y + 56) * W + 32 + 256), y * 256);
    const small: GreyImage = { width: 256, height: 288, ppi: 500, pixels: crop };
    expect(fingerSimilarity(small, a)).toBeGreaterThanOrEqual(SIMILAR_FINGER_THRESHOLD);
    expect(fingerSimilarity(a, small)).toBeGreaterThanOrEqual(SIMILAR_FINGER_THRESHOLD);
    const blank: GreyImage = { width: W, height: H, ppi: 500, pixels: new Uint8Array(W * H).fill(240) };
    expect(fingerSimilarity(a, blank)).toBe(0);
    const other = print(9 * 16 + 5);
    const started = performance.now();
    fingerSimilarity(a, other);
    const ms = performance.now() - started;
    console.info(`fingerSimilarity 320 × 400: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(2000);
  });
});
