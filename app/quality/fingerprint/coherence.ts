/**
 * Orientation-map coherence over the ROI blocks (usnistgov/NFIQ2 v2.3,
 * quality_modules/QualityMap.cpp, computeOrientationMap with the ROI filter
 * and getAngleOfBlock): per ROI block (partial blocks included), numerical
 * gradients, coherence = |Σ(gx² − gy², 2gx·gy)| / Σ|(gx² − gy², 2gx·gy)|.
 * `OrientationMap_ROIFilter_CoherenceSum` = Σ coherence,
 * `…CoherenceRel` = that sum / number of ROI blocks.
 */
import type { GreyPixels } from './preprocess.js';
import type { RoiBlock } from './roi.js';

/**
 * Coherence of one block. Numerical gradients as QualityMap::computeNumericalGradientX/Y: forward
 * difference at the first sample, backward at the last, half the central difference inside, 0 when the
 * axis has one sample; sums in NIST's pixel order (they are not exact, so the order matters).
 */
export function blockCoherence(img: GreyPixels, block: RoiBlock): number {
  const { width, pixels } = img;
  const bw = block.width;
  const bh = block.height;
  let sumY = 0;
  let sumX = 0;
  let cohSum2 = 0;
  for (let k = 0; k < bh; k++) {
    const row = (block.y + k) * width + block.x;
    // The y gradient's neighbours for this row. Halving is exact, so × 0.5 gives what NIST's / 2 gives.
    const up = k === 0 ? row : row - width;
    const down = k === bh - 1 ? row : row + width;
    const yScale = bh < 2 ? 0 : k === 0 || k === bh - 1 ? 1 : 0.5;
    for (let l = 0; l < bw; l++) {
      const p = row + l;
      const gx = bw < 2 ? 0 : l === 0 ? pixels[p + 1]! - pixels[p]! : l === bw - 1 ? pixels[p]! - pixels[p - 1]! : (pixels[p + 1]! - pixels[p - 1]!) * 0.5;
      const gy = (pixels[down + l]! - pixels[up + l]!) * yScale;
      const y2 = 2 * gx * gy;
      const x2 = gx * gx - gy * gy;
      sumY += y2;
      sumX += x2;
      cohSum2 += Math.sqrt(y2 * y2 + x2 * x2);
    }
  }
  const cohSum1 = Math.sqrt(sumX * sumX + sumY * sumY);
  return cohSum2 !== 0 ? cohSum1 / cohSum2 : 0;
}

export function computeCoherence(img: GreyPixels, blocks: readonly RoiBlock[], out: Record<string, number>): void {
  let sum = 0;
  for (const block of blocks) {
    const c = blockCoherence(img, block);
    sum += Number.isNaN(c) ? 0 : c;
  }
  out['OrientationMap_ROIFilter_CoherenceSum'] = sum;
  out['OrientationMap_ROIFilter_CoherenceRel'] = blocks.length === 0 ? 0 : sum / blocks.length;
}
