/**
 * Orientation flow (usnistgov/NFIQ2 v2.3, quality_modules/OF.cpp): the ridge
 * orientation of every local region, then for each region the mean absolute
 * angle difference to its 8 neighbours (zero-padded grid, circular at 2π).
 * Regions whose 3 × 3 neighbourhood is all foreground and whose difference
 * exceeds 4° contribute (diff − 4°) / (90° − 4°) to `OF_Bin10_*`
 * (OFHISTLIMITS, OF.h; angleMin = 4).
 */
import { allForeground, forEachLocalRegion, localOrientations, type LocalOrientations } from './blocks.js';
import { addHistogram } from './histogram.js';
import type { GreyPixels } from './preprocess.js';

export const OF_BOUNDS = [1.715e-2, 3.5e-2, 5.57e-2, 8.1e-2, 1.15e-1, 1.718e-1, 2.569e-1, 4.758e-1, 7.48e-1] as const;
/** OF::angleMin, degrees. */
export const OF_ANGLE_MIN = 4;

export function computeOf(img: GreyPixels, seg: { fg: Uint8Array; cols: number }, out: Record<string, number>, orientations: LocalOrientations = localOrientations(img)): Float64Array {
  const fg: number[] = [];
  const { rows, cols } = forEachLocalRegion(img, (top, left) => {
    fg.push(allForeground(seg, top, left) ? 1 : 0);
  });
  const orient = orientations.angle;
  const deg2rad = Math.PI / 180;
  const threeSixty = deg2rad * 360;
  const angDiff = (90 - OF_ANGLE_MIN) * deg2rad;
  const angMin = OF_ANGLE_MIN * deg2rad;
  const at = (grid: ArrayLike<number>, i: number, j: number): number => (i < 0 || j < 0 || i >= rows || j >= cols ? 0 : grid[i * cols + j]!);
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const centre = orient[i * cols + j]!;
      let allFg = true;
      const diffs: number[] = [];
      for (let di = -1; di <= 1; di++) {
        for (let dj = -1; dj <= 1; dj++) {
          const d = Math.abs(centre - at(orient, i + di, j + dj));
          diffs.push(Math.min(d, threeSixty - d));
          if (at(fg, i + di, j + dj) === 0) allFg = false;
        }
      }
      // cv::sum of the continuous 3 × 3 absdiff result: four at a time (CV_ENABLE_UNROLLED), then the ninth.
      let sum = diffs[0]! + diffs[1]! + diffs[2]! + diffs[3]!;
      sum += diffs[4]! + diffs[5]! + diffs[6]! + diffs[7]!;
      sum += diffs[8]!;
      const loq = sum / 8;
      if (allFg && loq > angMin) values.push((loq - angMin) / angDiff);
    }
  }
  const result = Float64Array.from(values);
  addHistogram(out, 'OF_Bin10_', OF_BOUNDS, result);
  return result;
}
