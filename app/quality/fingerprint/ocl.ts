/**
 * Orientation certainty level (usnistgov/NFIQ2 v2.3,
 * quality_modules/OCLHistogram.cpp): for every full 32 × 32 block from the
 * origin, the covariance of Matlab-style numerical gradients, and
 * 1 − λmin/λmax of it; blocks with λmax = 0 are left out. Reported as
 * `OCL_Bin10_*` with NIST's bin bounds (OCLHistogram.h, OCLPHISTLIMITS).
 */
import { BLOCK, covcoef, type Covariance } from './blocks.js';
import { addHistogram } from './histogram.js';
import type { GreyPixels } from './preprocess.js';

export const OCL_BOUNDS = [0.337, 0.479, 0.579, 0.655, 0.716, 0.766, 0.81, 0.852, 0.898] as const;

/** OCL of the block at (top, left), or undefined when the block has no gradient at all. */
export function oclOfBlock(img: GreyPixels, top: number, left: number, cov: Covariance): number | undefined {
  const { a, b, c } = covcoef(img, top, left, cov);
  const root = Math.sqrt((a - b) * (a - b) + 4 * (c * c));
  const max = (a + b + root) / 2;
  const min = (a + b - root) / 2;
  if (max === 0) return undefined;
  return 1 - min / max;
}

export function computeOcl(img: GreyPixels, out: Record<string, number>): Float64Array {
  const values: number[] = [];
  const cov: Covariance = { a: 0, b: 0, c: 0 };
  for (let i = 0; i + BLOCK <= img.height; i += BLOCK) {
    for (let j = 0; j + BLOCK <= img.width; j += BLOCK) {
      const v = oclOfBlock(img, i, j, cov);
      if (v !== undefined) values.push(v);
    }
  }
  const result = Float64Array.from(values);
  addHistogram(out, 'OCL_Bin10_', OCL_BOUNDS, result);
  return result;
}
