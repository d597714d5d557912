/**
 * Frequency domain analysis (usnistgov/NFIQ2 v2.3, quality_modules/FDA.cpp):
 * each foreground local region's 36 × 36 window, zero-padded by 2, is rotated
 * by its orientation + π/2 so that the ridges run horizontally; the 32 × 16
 * slanted block's row means form a 32-sample signature whose DFT amplitude
 * spectrum (DC cut) gives (A_max + 0.3·(A_max−1 + A_max+1)) / Σ of the lower
 * half of the amplitudes. `FDA_Bin10_*` with FDAHISTLIMITS (FDA.h); NIST
 * refuses fewer than 10 regions.
 */
import { SLANTED_H, SLANTED_W, WINDOW, allForeground, forEachLocalRegion, localOrientations, rotateWindow, type LocalOrientations } from './blocks.js';
import { cvSum64 } from './cv.js';
import { addHistogram } from './histogram.js';
import { FingerprintQualityError, type GreyPixels } from './preprocess.js';

export const FDA_BOUNDS = [0.268, 0.304, 0.33, 0.355, 0.38, 0.407, 0.44, 0.5, 1] as const;

/** cv::getOptimalDFTSize(32) = 32, the signature length. */
const N = SLANTED_W;
const COS = new Float64Array(N);
const SIN = new Float64Array(N);
for (let k = 0; k < N; k++) {
  COS[k] = Math.cos((2 * Math.PI * k) / N);
  SIN[k] = Math.sin((2 * Math.PI * k) / N);
}

export interface FdaScratch {
  rotated: Uint8Array;
  signature: Float64Array;
  amp: Float64Array;
}

export function fdaScratch(): FdaScratch {
  return { rotated: new Uint8Array(WINDOW * WINDOW), signature: new Float64Array(N), amp: new Float64Array(N - 1) };
}

/** fda() of the window at (top, left). */
export function frequencyDomain(img: GreyPixels, top: number, left: number, orientation: number, s: FdaScratch): number {
  const c = WINDOW / 2;
  // blockCropped = rows c−(xoff−1)−1 … c+xoff, cols c−(yoff−1)−1 … c+yoff: 32 rows × 16 columns.
  const rowStart = c - (SLANTED_W / 2 - 1) - 1;
  const colStart = c - (SLANTED_H / 2 - 1) - 1;
  // Only the slanted block is read.
  rotateWindow(img, top, left, 2, s.rotated, WINDOW, orientation + Math.PI / 2, { top: rowStart, left: colStart, rows: SLANTED_W, cols: SLANTED_H });
  const t = s.signature;
  for (let r = 0; r < N; r++) {
    let sum = 0;
    const base = (rowStart + r) * WINDOW + colStart;
    for (let j = 0; j < SLANTED_H; j++) sum += s.rotated[base + j]!;
    t[r] = sum * (1 / SLANTED_H);
  }
  // |DFT| of the signature, bins 1 … 31.
  const amp = s.amp;
  for (let k = 1; k < N; k++) {
    let re = 0;
    let im = 0;
    for (let n = 0; n < N; n++) {
      const idx = (k * n) & (N - 1); // (k·n) mod 32
      re += t[n]! * COS[idx]!;
      im -= t[n]! * SIN[idx]!;
    }
    amp[k - 1] = Math.sqrt(re * re + im * im);
  }
  // cv::minMaxLoc: first maximum.
  let maxLoc = 0;
  let maxVal = amp[0]!;
  for (let i = 1; i < N - 1; i++) {
    if (amp[i]! > maxVal) {
      maxVal = amp[i]!;
      maxLoc = i;
    }
  }
  const denom = cvSum64(amp, 0, Math.floor((N - 1) / 2));
  if (maxLoc === 0 || maxLoc + 1 >= N - 1) return 1;
  return (maxVal + 0.3 * (amp[maxLoc - 1]! + amp[maxLoc + 1]!)) / denom;
}

export function computeFda(img: GreyPixels, seg: { fg: Uint8Array; cols: number }, out: Record<string, number>, orientations: LocalOrientations = localOrientations(img)): Float64Array {
  const values: number[] = [];
  const s = fdaScratch();
  forEachLocalRegion(img, (top, left, br, bc) => {
    if (!allForeground(seg, top, left)) return;
    const orientation = orientations.angle[br * orientations.cols + bc]!;
    values.push(frequencyDomain(img, top, left, orientation, s));
  });
  if (values.length < 10) {
    throw new FingerprintQualityError(
      'not_enough_data',
      `Frequency domain analysis found ${values.length} foreground local regions; NFIQ 2 needs at least 10 (is the image blank?).`,
    );
  }
  const result = Float64Array.from(values);
  addHistogram(out, 'FDA_Bin10_', FDA_BOUNDS, result);
  return result;
}
