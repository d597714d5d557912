import { describe, expect, it } from 'vitest';
import { laplacianTileStats, laplacianVariance } from './laplacian.js';

describe('3 × 3 Laplacian', () => {
  it('is 0 on a flat image and on a linear ramp (second derivative zero)', () => {
    expect(laplacianVariance({ width: 5, height: 5, pixels: new Uint8Array(25).fill(77) })).toBe(0);
    const ramp = Uint8Array.from({ length: 100 }, (_, i) => (i % 10) * 20);
    expect(laplacianVariance({ width: 10, height: 10, pixels: ramp })).toBe(0);
  });

  it('on a 0/255 checkerboard every interior value is ±1020, variance 1020²', () => {
    const w = 8;
    const pixels = Uint8Array.from({ length: w * w }, (_, i) => (((i % w) + Math.floor(i / w)) % 2 ? 255 : 0));
    expect(laplacianVariance({ width: w, height: w, pixels })).toBe(1020 * 1020);
  });

  it('a single bright pixel: values −4·255 once and 255 four times over 9 interior pixels', () => {
    const pixels = new Uint8Array(25);
    pixels[12] = 255;
    const values = [-1020, 255, 255, 255, 255, 0, 0, 0, 0];
    const mean = values.reduce((a, b) => a + b) / 9;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / 9;
    expect(laplacianVariance({ width: 5, height: 5, pixels })).toBeCloseTo(variance, 6);
  });

  it('tile sums add up to the whole-image figures, and rowStep 2 keeps every other row', () => {
    const w = 37;
    const h = 29;
    const pixels = Uint8Array.from({ length: w * h }, (_, i) => (i * 73) % 251);
    const whole = laplacianTileStats({ width: w, height: h, pixels }, 1000);
    const tiled = laplacianTileStats({ width: w, height: h, pixels }, 8);
    const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
    expect(sum(tiled.count)).toBe((w - 2) * (h - 2));
    expect(sum(tiled.lapSumSq)).toBe(sum(whole.lapSumSq));
    const hist = new Uint32Array(256);
    const half = laplacianTileStats({ width: w, height: h, pixels }, 8, { rowStep: 2, histogram: hist });
    expect(sum(half.count)).toBe((w - 2) * Math.ceil((h - 2) / 2));
    expect(hist.reduce((s, v) => s + v, 0)).toBe(sum(half.count));
  });
});
