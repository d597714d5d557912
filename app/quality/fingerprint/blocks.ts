/**
 * Local-region machinery shared by LCS, FDA, RVUP and OF (usnistgov/NFIQ2
 * v2.3, quality_modules/common_functions.cpp: ridgesegment, covcoef,
 * ridgeorient, allfun, getRidgeValleyStructure; and the block walk each of
 * those measures repeats).
 */
import { cRound, cvMeanStdDev8u, fusedMulAdd, rotateNearestFrom, type RotateCrop } from './cv.js';
import type { GreyPixels } from './preprocess.js';

/** NFIQ2::Sizes::LocalRegionSquare. */
export const BLOCK = 32;
/** Vertically aligned local region (slanted block) 32 × 16 (Sizes::VerticallyAlignedLocalRegionWidth/Height). */
export const SLANTED_W = 32;
export const SLANTED_H = 16;
/** ridgesegment threshold on the block standard deviation of the normalised image (".1" in FDA.h, LCS.h, OF.h, RVUPHistogram.h). */
export const SEGMENT_THRESHOLD = 0.1;
/** ceil(√(32² + 16²)) = 36: the window that still covers the slanted block at any angle. */
export const WINDOW = Math.ceil(Math.sqrt(SLANTED_W * SLANTED_W + SLANTED_H * SLANTED_H));
/** Overlap border around each 32-block: ceil((36 − 32) / 2) = 2. */
export const WINDOW_OFFSET = Math.ceil((WINDOW - BLOCK) / 2);

/**
 * ridgesegment: normalise the image to zero mean, unit deviation (OpenCV
 * computes fma(x, 1/σ, −μ·(1/σ)) through convertTo), take the population
 * deviation of every 32 × 32 block from the origin (partial blocks at the
 * right/bottom), and mark the block foreground when it exceeds 0.1.
 * Returns one byte per segmentation block (1 = foreground) and the grid width.
 * `stats` is cv::meanStdDev of the image; computeNativeMeasures passes the one Mu already computed
 * (computeContrast, the same function on the same pixels) instead of a second pass.
 */
export function ridgeSegmentBlocks(
  img: GreyPixels,
  stats: { mean: number; stdDev: number } = cvMeanStdDev8u(img.pixels, img.width * img.height),
): { fg: Uint8Array; cols: number; rows: number } {
  const { width, height, pixels } = img;
  const { mean, stdDev: std } = stats;
  const alpha = 1 / std;
  const beta = -mean * alpha;
  const lut = new Float64Array(256);
  // convertTo(64F, α, β) runs as a fused multiply-add in OpenCV's SIMD path (v_fma).
  for (let v = 0; v < 256; v++) lut[v] = fusedMulAdd(v, alpha, beta);
  const cols = Math.ceil(width / BLOCK);
  const rows = Math.ceil(height / BLOCK);
  const fg = new Uint8Array(cols * rows);
  for (let by = 0; by < rows; by++) {
    const y0 = by * BLOCK;
    const y1 = Math.min(y0 + BLOCK, height);
    for (let bx = 0; bx < cols; bx++) {
      const x0 = bx * BLOCK;
      const x1 = Math.min(x0 + BLOCK, width);
      let bs = 0;
      let bsq = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0, i = y * width + x0; x < x1; x++, i++) {
          const v = lut[pixels[i]!]!;
          bs += v;
          bsq += v * v;
        }
      }
      const bscale = 1 / ((y1 - y0) * (x1 - x0));
      const bmean = bs * bscale;
      const bstd = Math.sqrt(Math.max(bsq * bscale - bmean * bmean, 0));
      fg[by * cols + bx] = bstd > SEGMENT_THRESHOLD ? 1 : 0;
    }
  }
  return { fg, cols, rows };
}

/** allfun over the 32 × 32 pixel mask at (top, left): every segmentation block it touches is foreground. */
export function allForeground(seg: { fg: Uint8Array; cols: number }, top: number, left: number): boolean {
  const by0 = Math.floor(top / BLOCK);
  const by1 = Math.floor((top + BLOCK - 1) / BLOCK);
  const bx0 = Math.floor(left / BLOCK);
  const bx1 = Math.floor((left + BLOCK - 1) / BLOCK);
  for (let by = by0; by <= by1; by++) for (let bx = bx0; bx <= bx1; bx++) if (seg.fg[by * seg.cols + bx] === 0) return false;
  return true;
}

export interface Covariance {
  a: number;
  b: number;
  c: number;
}

/**
 * covcoef with CENTERED_DIFFERENCES (Matlab gradient()): forward differences
 * on the edges, central differences inside; a = mean(fx²), b = mean(fy²),
 * c = mean(fx·fy) over the 32 × 32 block at (top, left). Computed exactly in
 * integers: X = 2·fx and Y = 2·fy are integers (the central difference
 * undivided, the edge difference doubled), so Σ X², Σ Y², Σ X·Y are exact
 * and a = Σ X² / 4 / 1024 etc. are exact too (powers of two) — the same
 * doubles NIST's floating-point sums give, since every term there is a
 * multiple of 1/4 and the sums stay far below 2⁵³.
 */
export function covcoef(img: GreyPixels, top: number, left: number, out: Covariance): Covariance {
  const { width, pixels } = img;
  let sa = 0;
  let sb = 0;
  let sc = 0;
  const last = BLOCK - 1;
  for (let i = 0; i < BLOCK; i++) {
    const row = (top + i) * width + left;
    const edgeRow = i === 0 || i === last;
    const up = i === 0 ? row : row - width;
    const down = i === last ? row : row + width;
    const yScale = edgeRow ? 2 : 1;
    // j = 0: forward difference.
    {
      const x = 2 * (pixels[row + 1]! - pixels[row]!);
      const y = yScale * (pixels[down]! - pixels[up]!);
      sa += x * x;
      sb += y * y;
      sc += x * y;
    }
    for (let j = 1; j < last; j++) {
      const x = pixels[row + j + 1]! - pixels[row + j - 1]!;
      const y = yScale * (pixels[down + j]! - pixels[up + j]!);
      sa += x * x;
      sb += y * y;
      sc += x * y;
    }
    // j = 31: backward difference.
    {
      const x = 2 * (pixels[row + last]! - pixels[row + last - 1]!);
      const y = yScale * (pixels[down + last]! - pixels[up + last]!);
      sa += x * x;
      sb += y * y;
      sc += x * y;
    }
  }
  const inv = 1 / (4 * BLOCK * BLOCK);
  out.a = sa * inv;
  out.b = sb * inv;
  out.c = sc * inv;
  return out;
}

const DBL_EPSILON = 2.220446049250313e-16;

/** ridgeorient: angle of the line perpendicular to the ridges, atan2(c, a − b) / 2 after NIST's ε-regularised normalisation. */
export function ridgeOrient(cov: Covariance): number {
  const temp = cov.a - cov.b;
  const denom = cov.c * cov.c + temp * temp + DBL_EPSILON;
  return Math.atan2(cov.c / denom, temp / denom) / 2;
}

/**
 * Copies the WINDOW × WINDOW neighbourhood of the block at (top, left) into
 * `dst`, widened by `pad` on every side. NIST pads with
 * copyMakeBorder(BORDER_CONSTANT, 0) on a window that is a view into the
 * whole image, and OpenCV then takes the neighbouring image pixels (it pads
 * with zeros only outside the image, since BORDER_ISOLATED is not given).
 */
export function extractWindow(img: GreyPixels, top: number, left: number, dst: Uint8Array, pad: number): number {
  const size = WINDOW + 2 * pad;
  const y0 = top - WINDOW_OFFSET - pad;
  const x0 = left - WINDOW_OFFSET - pad;
  const inside = y0 >= 0 && x0 >= 0 && y0 + size <= img.height && x0 + size <= img.width;
  if (!inside) dst.fill(0, 0, size * size);
  for (let y = 0; y < size; y++) {
    const sy = y0 + y;
    if (sy < 0 || sy >= img.height) continue;
    const sx0 = Math.max(x0, 0);
    const sx1 = Math.min(x0 + size, img.width);
    if (sx1 > sx0) dst.set(img.pixels.subarray(sy * img.width + sx0, sy * img.width + sx1), y * size + (sx0 - x0));
  }
  return size;
}

/**
 * rotateBlockNearest(extractWindow(img, top, left, ·, pad)) without the copy: the rotation reads the window
 * where it lies in the image, and whatever of it falls outside the image reads as 0, as the copy's zero
 * padding. Returns the window size (WINDOW + 2·pad). fast-paths.test.ts checks it against the two steps.
 */
export function rotateWindow(img: GreyPixels, top: number, left: number, pad: number, dst: Uint8Array, outSize: number, orientation: number, crop: RotateCrop): number {
  const size = WINDOW + 2 * pad;
  const y0 = top - WINDOW_OFFSET - pad;
  const x0 = left - WINDOW_OFFSET - pad;
  const xLo = x0 < 0 ? -x0 : 0;
  const yLo = y0 < 0 ? -y0 : 0;
  const xHi = Math.min(size, img.width - x0);
  const yHi = Math.min(size, img.height - y0);
  rotateNearestFrom(img.pixels, img.width, y0 * img.width + x0, xLo, xHi, yLo, yHi, size, dst, outSize, orientation, crop);
  return size;
}

/**
 * getRidgeValleyStructure on a rows × cols crop (row-major, stride `stride`,
 * starting at `offset`): column means v3 (integer sum × 1/rows), the least
 * squares line dt = slope·x + intercept over x = 1…cols with both
 * coefficients rounded to 10 decimals as NIST does, and ridval = v3 < dt.
 */
export function ridgeValleyStructure(
  src: Uint8Array,
  offset: number,
  stride: number,
  rows: number,
  cols: number,
  ridval: Uint8Array,
  dt: Float64Array,
  v3: Float64Array,
): void {
  const inv = 1 / rows;
  let sumY = 0;
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let i = 0, p = offset + j; i < rows; i++, p += stride) s += src[p]!;
    v3[j] = s * inv;
    sumY += v3[j]!;
  }
  const meanX = (cols + 1) / 2;
  const meanY = sumY / cols;
  let sxy = 0;
  let sxx = 0;
  for (let j = 0; j < cols; j++) {
    const dx = j + 1 - meanX;
    sxy += dx * (v3[j]! - meanY);
    sxx += dx * dx;
  }
  let slope = sxy / sxx;
  let intercept = meanY - slope * meanX;
  slope = cRound(slope * 1e10) / 1e10;
  intercept = cRound(intercept * 1e10) / 1e10;
  for (let j = 0; j < cols; j++) {
    const t = (j + 1) * slope + intercept;
    dt[j] = t;
    ridval[j] = v3[j]! < t ? 1 : 0;
  }
}

/** The local-region walk of LCS/FDA/RVUP/OF: 32-blocks starting at the 2-pixel overlap border, only those whose 36-window fits. */
export function forEachLocalRegion(img: GreyPixels, visit: (top: number, left: number, br: number, bc: number) => void): { rows: number; cols: number } {
  let br = 0;
  let cols = 0;
  for (let r = WINDOW_OFFSET; r < img.height - (BLOCK + WINDOW_OFFSET - 1); r += BLOCK, br++) {
    let bc = 0;
    for (let c = WINDOW_OFFSET; c < img.width - (BLOCK + WINDOW_OFFSET - 1); c += BLOCK, bc++) visit(r, c, br, bc);
    cols = bc;
  }
  return { rows: br, cols };
}

/** ridgeOrient(covcoef) of every local region of forEachLocalRegion, row-major; computed once and shared by FDA, LCS, OF and RVUP. */
export interface LocalOrientations {
  rows: number;
  cols: number;
  angle: Float64Array;
}

export function localOrientations(img: GreyPixels): LocalOrientations {
  const rows = Math.max(0, Math.ceil((img.height - (BLOCK + WINDOW_OFFSET - 1) - WINDOW_OFFSET) / BLOCK));
  const cols = Math.max(0, Math.ceil((img.width - (BLOCK + WINDOW_OFFSET - 1) - WINDOW_OFFSET) / BLOCK));
  const angle = new Float64Array(rows * cols);
  const cov: Covariance = { a: 0, b: 0, c: 0 };
  const grid = forEachLocalRegion(img, (top, left, br, bc) => {
    angle[br * cols + bc] = ridgeOrient(covcoef(img, top, left, cov));
  });
  if (grid.rows !== rows || (rows > 0 && grid.cols !== cols)) throw new Error(`local region grid ${grid.rows} × ${grid.cols} ≠ ${rows} × ${cols}`);
  return { rows, cols, angle };
}
