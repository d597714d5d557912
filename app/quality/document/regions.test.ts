import { describe, expect, it } from 'vitest';
import type { GreyPixels } from '../pixels.js';
import { backgroundFromEdge, estimateCoverage, largestBrightBlob } from './regions.js';
import { estimateSkew } from './skew.js';

function image(width: number, height: number, fill: number, paint?: (x: number, y: number) => number | undefined): GreyPixels {
  const pixels = new Uint8Array(width * height).fill(fill);
  if (paint) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const v = paint(x, y);
    if (v !== undefined) pixels[y * width + x] = v;
  }
  return { width, height, pixels };
}

describe('largestBrightBlob', () => {
  it('counts 8-connected pixels: a diagonal chain is one blob', () => {
    const diag = image(10, 10, 0, (x, y) => (x === y ? 255 : undefined));
    expect(largestBrightBlob(diag, 250)).toBe(10);
  });
  it('returns the larger of two separate blobs', () => {
    const two = image(20, 10, 100, (x, y) => ((x < 3 && y < 3) || (x >= 10 && x < 15 && y >= 5 && y < 9) ? 254 : undefined));
    expect(largestBrightBlob(two, 253)).toBe(20);
  });
});

describe('coverage', () => {
  it('background on one side, 30 of 100 columns: 0.7', () => {
    const img = image(100, 80, 240, (x) => (x < 30 ? 200 : undefined));
    expect(estimateCoverage(img)).toBeCloseTo(0.7, 5);
  });
  it('a page the tone of the background cannot be told apart: 1', () => {
    expect(estimateCoverage(image(100, 80, 240))).toBe(1);
  });
  it('a lighter band of the page along an edge, with print in it (a passport MRZ zone), is page: 1', () => {
    // Page tone 238; the bottom 20 rows are 248 with two lines of dark "characters" 3 px wide every 6 px.
    const band = image(120, 80, 238, (x, y) => (y >= 60 ? ((y === 66 || y === 67 || y === 73 || y === 74) && x % 6 < 3 && x > 4 && x < 115 ? 20 : 248) : undefined));
    expect(estimateCoverage(band)).toBe(1);
    // The same band bare (the lid where the page slid off) is background.
    const bare = image(120, 80, 238, (_x, y) => (y >= 60 ? 248 : undefined));
    expect(estimateCoverage(bare)).toBeCloseTo(60 / 80, 5);
    // Bare lid with a few specks of dust is still background.
    const dusty = image(120, 80, 238, (x, y) => (y >= 60 ? ((x === 30 && y === 70) || (x === 90 && y === 65) ? 60 : 248) : undefined));
    expect(estimateCoverage(dusty)).toBeCloseTo(60 / 80 + 2 / (120 * 80), 5);
  });

  it('the flood fill does not pass a page edge', () => {
    const img = image(50, 50, 30, (x, y) => (x >= 10 && x < 40 && y >= 10 && y < 40 ? 250 : undefined));
    expect(backgroundFromEdge(img, 30, 6)).toBe(2500 - 900);
    expect(estimateCoverage(img)).toBeCloseTo(900 / 2500, 5);
  });
});

describe('estimateSkew', () => {
  /** Dark lines of text 3 px thick every 20 px across a 600 × 400 page, turned clockwise by `degrees`. */
  const lines = (degrees: number) => {
    const t = (degrees * Math.PI) / 180;
    return image(600, 400, 255, (x, y) => {
      // Un-rotate the pixel to page coordinates about the centre.
      const dx = x - 300;
      const dy = y - 200;
      const py = -dx * Math.sin(t) + dy * Math.cos(t) + 200;
      const px = dx * Math.cos(t) + dy * Math.sin(t) + 300;
      return px > 60 && px < 540 && py > 40 && py < 360 && ((py % 20) + 20) % 20 < 3 ? 0 : undefined;
    });
  };
  for (const degrees of [0, 2.5, -7, 12]) {
    it(`finds ${degrees}° within 0.1°`, () => {
      expect(Math.abs(estimateSkew(lines(degrees), 128)! - degrees)).toBeLessThanOrEqual(0.1);
    });
  }
  it('gives no estimate for a page with almost no ink', () => {
    expect(estimateSkew(image(100, 100, 255, (x, y) => (x === 5 && y < 10 ? 0 : undefined)), 128)).toBeNull();
  });
});
