import { describe, expect, it } from 'vitest';
import { blurScratch, cRound, cvRound, fusedMulAdd, gaussianBlur8u, gaussianKernelQ8, otsuThreshold, reflect101 } from './cv.js';

describe('OpenCV arithmetic', () => {
  it('rounds like cvRound (half to even) and C round (half away from zero)', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(cvRound)).toEqual([0, 2, 2, -0, -2, -2, 2, -3]);
    expect([0.5, 1.5, 2.5, -0.5, -2.5].map(cRound)).toEqual([1, 2, 3, -1, -3]);
  });

  it('fuses multiply-add like softfloat mulAdd (σ of the 41 and 91 kernels are exactly 6.5 and 14)', () => {
    expect(fusedMulAdd(41, 0.15, 0.35)).toBe(6.5);
    expect(41 * 0.15 + 0.35).not.toBe(6.5); // the unfused expression rounds twice
    expect(fusedMulAdd(91, 0.15, 0.35)).toBe(14);
  });

  it('reflects borders as BORDER_REFLECT_101', () => {
    expect([-3, -1, 0, 4, 5, 7].map((p) => reflect101(p, 5))).toEqual([3, 1, 0, 4, 3, 1]);
    expect(reflect101(-12, 5)).toBe(4);
  });

  it('builds fixed-point Gaussian kernels that sum to 256 and are symmetric', () => {
    for (const n of [41, 91]) {
      const k = Array.from(gaussianKernelQ8(n));
      expect(k.reduce((a, b) => a + b, 0)).toBe(256);
      expect(k).toEqual([...k].reverse());
    }
    expect(gaussianKernelQ8(41)[20]).toBe(16);
  });

  it('blurs with the exact integer sums of the direct separable filter', () => {
    const w = 57;
    const h = 49;
    const src = new Uint8Array(w * h).map((_, i) => (i * 7919) % 256);
    for (const n of [41, 91]) {
      const k = gaussianKernelQ8(n);
      const r = (n - 1) / 2;
      const rows = new Float64Array(w * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let i = 0; i < n; i++) rows[y * w + x]! += k[i]! * src[y * w + reflect101(x + i - r, w)]!;
      const fast = new Uint8Array(w * h);
      gaussianBlur8u(src, fast, w, h, n, blurScratch(w, h, 91));
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let a = 0;
          for (let i = 0; i < n; i++) a += k[i]! * rows[reflect101(y + i - r, h) * w + x]!;
          expect(fast[y * w + x]).toBe(Math.min(255, Math.floor((a + 32768) / 65536)));
        }
      }
    }
  });

  it('picks Otsu thresholds between two modes', () => {
    const px = new Uint8Array(1000).map((_, i) => (i < 400 ? 30 + (i % 5) : 200 + (i % 7)));
    const t = otsuThreshold(px);
    expect(t).toBeGreaterThanOrEqual(34);
    expect(t).toBeLessThan(200);
  });
});
