/**
 * NIST's histogram form of a local measure (common_functions.cpp,
 * addHistogramFeatures): the values sorted ascending, counted into ten bins
 * by nine lower bounds (a value equal to a bound goes to the upper bin), plus
 * cv::meanStdDev of the sorted values (population deviation).
 */
import { cvMeanStdDev64 } from './cv.js';

export function addHistogram(out: Record<string, number>, prefix: string, bounds: readonly number[], values: Float64Array | number[]): void {
  if (bounds.length !== 9) throw new RangeError(`${prefix}: NIST histograms have 9 bounds, got ${bounds.length}`);
  const sorted = Float64Array.from(values).sort();
  const bins = new Array<number>(10).fill(0);
  let bucket = 0;
  let bound = bounds[0]!;
  for (const v of sorted) {
    while (v !== Infinity && v !== -Infinity && v >= bound) {
      bucket++;
      bound = bucket < 9 ? bounds[bucket]! : Infinity;
    }
    bins[bucket]!++;
  }
  for (let i = 0; i < 10; i++) out[`${prefix}${i}`] = bins[i]!;
  const { mean, stdDev } = cvMeanStdDev64(sorted);
  out[`${prefix}Mean`] = mean;
  out[`${prefix}StdDev`] = stdDev;
}
