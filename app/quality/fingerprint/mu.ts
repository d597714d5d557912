/**
 * Contrast measures (usnistgov/NFIQ2 v2.3, quality_modules/Mu.cpp):
 * `Mu` = cv::meanStdDev mean of the trimmed image, its deviation σ (NIST's
 * "sigma", reported as the UniformImage feedback), and `MMB` = the mean of
 * the 32 × 32 block means (partial blocks at the right/bottom included),
 * accumulated as Σ(mean_i / count) in block order.
 */
import { BLOCK } from './blocks.js';
import { cvMeanStdDev8u } from './cv.js';
import type { GreyPixels } from './preprocess.js';

export interface ContrastMeasures {
  Mu: number;
  MMB: number;
  sigma: number;
}

export function computeContrast(img: GreyPixels): ContrastMeasures {
  const { width, height, pixels } = img;
  const { mean: mu, stdDev: sigma } = cvMeanStdDev8u(pixels, width * height);

  const cols = Math.ceil(width / BLOCK);
  const rows = Math.ceil(height / BLOCK);
  const count = cols * rows;
  let mmb = 0;
  for (let y0 = 0; y0 < height; y0 += BLOCK) {
    const y1 = Math.min(y0 + BLOCK, height);
    for (let x0 = 0; x0 < width; x0 += BLOCK) {
      const x1 = Math.min(x0 + BLOCK, width);
      let bs = 0;
      for (let y = y0; y < y1; y++) for (let i = y * width + x0, e = y * width + x1; i < e; i++) bs += pixels[i]!;
      // cv::mean: sum × (1/n).
      mmb += (bs * (1 / ((y1 - y0) * (x1 - x0)))) / count;
    }
  }
  return { Mu: mu, MMB: mmb, sigma };
}
