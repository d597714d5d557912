/**
 * Contrast measures (usnistgov/NFIQ2 v2.3, quality_modules/Mu.cpp):
 * `Mu` = cv::meanStdDev mean of the trimmed image, its deviation σ (NIST's
 * "sigma", reported as the UniformImage feedback), and `MMB` = the mean of
 * the 32 × 32 block means (partial blocks at the right/bottom included),
 * accumulated as Σ(mean_i / count) in block order.
 */
import { BLOCK } from './blocks.js';
import type { GreyPixels } from './preprocess.js';

export interface ContrastMeasures {
  Mu: number;
  MMB: number;
  sigma: number;
}

export function computeContrast(img: GreyPixels): ContrastMeasures {
  const { width, height, pixels } = img;
  // One pass: the block sums for MMB and, over the same pixels, cv::meanStdDev's Σp and Σp² (exact
  // integers, so summing block by block gives the very sums cvMeanStdDev8u forms row by row).
  const cols = Math.ceil(width / BLOCK);
  const rows = Math.ceil(height / BLOCK);
  const count = cols * rows;
  let s = 0;
  let sq = 0;
  let mmb = 0;
  for (let y0 = 0; y0 < height; y0 += BLOCK) {
    const y1 = Math.min(y0 + BLOCK, height);
    for (let x0 = 0; x0 < width; x0 += BLOCK) {
      const x1 = Math.min(x0 + BLOCK, width);
      let bs = 0;
      for (let y = y0; y < y1; y++) {
        for (let i = y * width + x0, e = y * width + x1; i < e; i++) {
          const v = pixels[i]!;
          bs += v;
          sq += v * v;
        }
      }
      s += bs;
      // cv::mean: sum × (1/n).
      mmb += (bs * (1 / ((y1 - y0) * (x1 - x0)))) / count;
    }
  }
  // cvMeanStdDev8u's arithmetic on those sums.
  const scale = 1 / (width * height);
  const mu = s * scale;
  const sigma = Math.sqrt(Math.max(sq * scale - mu * mu, 0));
  return { Mu: mu, MMB: mmb, sigma };
}
