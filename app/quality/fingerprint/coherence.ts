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
 * axis has one sample.
 *
 * NIST sums doubles per pixel (y2 = 2·gx·gy, x2 = gx² − gy², √(y2² + x2²)); here the same sums come from
 * integers, with the same bits. G = 2g is an integer (|G| ≤ 510), so y2 = Gx·Gy / 2, x2 = (Gx² − Gy²) / 4,
 * and √(y2² + x2²) = (Gx² + Gy²) / 4 exactly: (2·gx·gy)² + (gx² − gy²)² = (gx² + gy²)², every intermediate
 * is a multiple of 1/16 below 2³⁵ (so exact in a double), and a correctly rounded square root of a square
 * whose root is representable returns that root. Every term is a multiple of 1/4 and a block's sums stay
 * below 2²⁷ in absolute value, so NIST's running sums are exact too and equal the integer sums divided by 2 or 4 (exact
 * powers of two) whatever the order. No square root per pixel; cv-reference.ts keeps NIST's form and
 * fast-paths.test.ts compares the two with Object.is.
 */
export function blockCoherence(img: GreyPixels, block: RoiBlock): number {
  const { width, pixels } = img;
  const bw = block.width;
  const bh = block.height;
  let sxy = 0; // Σ Gx·Gy
  let sxx = 0; // Σ Gx² − Gy²
  let s2 = 0; // Σ Gx² + Gy²
  const last = bw - 1;
  for (let k = 0; k < bh; k++) {
    const row = (block.y + k) * width + block.x;
    const up = k === 0 ? row : row - width;
    const down = k === bh - 1 ? row : row + width;
    // 2·gy: the one-sided difference doubled on the first and last row, the central difference inside.
    const yScale = bh < 2 ? 0 : k === 0 || k === bh - 1 ? 2 : 1;
    if (bw < 2) {
      for (let l = 0; l < bw; l++) {
        const gy = yScale * (pixels[down + l]! - pixels[up + l]!);
        sxx -= gy * gy;
        s2 += gy * gy;
      }
      continue;
    }
    {
      const gx = 2 * (pixels[row + 1]! - pixels[row]!);
      const gy = yScale * (pixels[down]! - pixels[up]!);
      sxy += gx * gy;
      sxx += gx * gx - gy * gy;
      s2 += gx * gx + gy * gy;
    }
    for (let l = 1; l < last; l++) {
      const gx = pixels[row + l + 1]! - pixels[row + l - 1]!;
      const gy = yScale * (pixels[down + l]! - pixels[up + l]!);
      const xx = gx * gx;
      const yy = gy * gy;
      sxy += gx * gy;
      sxx += xx - yy;
      s2 += xx + yy;
    }
    {
      const gx = 2 * (pixels[row + last]! - pixels[row + last - 1]!);
      const gy = yScale * (pixels[down + last]! - pixels[up + last]!);
      sxy += gx * gy;
      sxx += gx * gx - gy * gy;
      s2 += gx * gx + gy * gy;
    }
  }
  const sumY = sxy * 0.5;
  const sumX = sxx * 0.25;
  const cohSum2 = s2 * 0.25;
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
