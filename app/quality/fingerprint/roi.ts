/**
 * Image-processing region of interest (usnistgov/NFIQ2 v2.3,
 * quality_modules/ImgProcROI.cpp, computeROI): erode 5 × 5, Gaussian blur
 * 41 × 41, Otsu, Gaussian blur 91 × 91, Otsu; close the white holes inside
 * the black foreground (findContours RETR_CCOMP + filled drawContours of
 * every contour with a parent = every white 4-connected region that does
 * not reach the image edge); keep only the 4-connected black region with
 * the largest bounding box (floodFill, first-found wins ties). ROI = its
 * pixels. `ImgProcROIArea_Mean` = mean grey of the original image over the
 * ROI; the pixel count is NIST's SufficientFingerprintForeground feedback;
 * the 32 × 32 blocks (partial ones included) holding any ROI pixel feed the
 * coherence measures.
 */
import { BLOCK } from './blocks.js';
import { binariseWords, blurScratch, erodeRect, gaussianBlur8u, gaussianBlurBinary8u, otsuThresholdOfHistogram, type BlurScratch } from './cv.js';
import type { GreyPixels } from './preprocess.js';

export interface RoiBlock {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RoiResult {
  /** 0 = ROI (foreground), 255 = background, as NIST's threshImg2. */
  mask: Uint8Array;
  pixelCount: number;
  /** Mean grey of the ROI in the original image; 255 when the ROI is empty. */
  mean: number;
  blocks: RoiBlock[];
}

/**
 * 4-connected flood fill of value `from` with `to`, from `seed`; returns the bounding box area
 * (cv::floodFill with default flags, zero tolerance, which is what NIST relies on). Scan-line form:
 * a popped seed grows into its whole horizontal run, which is filled at once, and one seed is pushed per
 * run of `from` in the row segments above and below. The set filled (the 4-connected component) and so
 * the bounding box do not depend on the order of the walk. Each pixel is pushed at most twice (once from
 * the span above it, once from the span below), so `stack` needs 2·width·height + 1 entries.
 */
export function floodFill(img: Uint8Array, width: number, height: number, seed: number, from: number, to: number, stack: Int32Array): number {
  let top = 0;
  stack[top++] = seed;
  let minX = width;
  let maxX = -1;
  let minY = height;
  let maxY = -1;
  while (top > 0) {
    const p = stack[--top]!;
    if (img[p] !== from) continue;
    const y = Math.floor(p / width);
    const row = y * width;
    let l = p;
    while (l > row && img[l - 1] === from) l--;
    let r = p;
    const rowEnd = row + width - 1;
    while (r < rowEnd && img[r + 1] === from) r++;
    img.fill(to, l, r + 1);
    if (l - row < minX) minX = l - row;
    if (r - row > maxX) maxX = r - row;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    for (let side = 0; side < 2; side++) {
      if (side === 0 ? y === 0 : y === height - 1) continue;
      const shift = side === 0 ? -width : width;
      let inRun = false;
      for (let q = l + shift, e = r + shift; q <= e; q++) {
        if (img[q] === from) {
          if (!inRun) {
            stack[top++] = q;
            inRun = true;
          }
        } else inRun = false;
      }
    }
  }
  return (maxX - minX + 1) * (maxY - minY + 1);
}

/** Working buffers of the last image size seen (enrolment images all have one size); not shared across threads. */
let cachedScratch: { width: number; height: number; b: Uint8Array; scratch: BlurScratch; stack: Int32Array } | undefined;

function roiScratch(width: number, height: number): { b: Uint8Array; scratch: BlurScratch; stack: Int32Array } {
  if (cachedScratch?.width !== width || cachedScratch.height !== height) {
    const n = width * height;
    cachedScratch = { width, height, b: new Uint8Array(n), scratch: blurScratch(width, height, 91), stack: new Int32Array(2 * n + 1) };
  }
  return cachedScratch;
}

export function computeRoi(img: GreyPixels): RoiResult {
  const { width, height, pixels } = img;
  const n = width * height;
  const a = new Uint8Array(n); // becomes the returned mask, so never reused
  const { b, scratch, stack } = roiScratch(width, height);
  erodeRect(pixels, a, width, height, 5, b);
  gaussianBlur8u(a, b, width, height, 41, scratch);
  // Otsu on the histogram the blur left; the binary form of the next blur thresholds as it reads
  // (gaussianBlurBinary8u ≡ binarise then gaussianBlur8u, with fewer passes).
  gaussianBlurBinary8u(b, a, width, height, 91, scratch, otsuThresholdOfHistogram(scratch.hist, n));
  const mask = a;
  // NIST binarises this blur with Otsu (threshImg2); the binarised image goes straight into `work`, since
  // the hole filling below rewrites every pixel of the mask from it.
  const work = b;
  binariseWords(mask, work, otsuThresholdOfHistogram(scratch.hist, n));

  // Holes: white pixels not 4-connected through white to the image edge become black.
  for (let x = 0; x < width; x++) {
    if (work[x] === 255) floodFill(work, width, height, x, 255, 128, stack);
    const bottom = (height - 1) * width + x;
    if (work[bottom] === 255) floodFill(work, width, height, bottom, 255, 128, stack);
  }
  for (let y = 0; y < height; y++) {
    const l = y * width;
    if (work[l] === 255) floodFill(work, width, height, l, 255, 128, stack);
    const r = l + width - 1;
    if (work[r] === 255) floodFill(work, width, height, r, 255, 128, stack);
  }
  // White still 255 is a hole: black in the mask; border-connected white (128) stays white. The work copy
  // for the region search below is the same filled mask.
  // Four pixels per word (both buffers start on a word boundary: fresh or scratch arrays): the pixels are
  // 0, 128 or 255, and 128 is the one with the top bit set and the low bit clear.
  const words = n >>> 2;
  const work32 = new Uint32Array(work.buffer, work.byteOffset, words);
  const mask32 = new Uint32Array(mask.buffer, mask.byteOffset, words);
  for (let i = 0; i < words; i++) {
    const w = work32[i]!;
    const v = Math.imul(((w & ~(w << 7)) & 0x80808080) >>> 7, 255);
    mask32[i] = v;
    work32[i] = v;
  }
  for (let i = words * 4; i < n; i++) {
    const v = work[i] === 128 ? 255 : 0;
    mask[i] = v;
    work[i] = v;
  }

  // Black regions: keep the one with the largest bounding box (first found wins ties). indexOf finds the
  // next unvisited black pixel natively; visited ones are 255 in `work`.
  const seeds: number[] = [];
  const areas: number[] = [];
  for (let i = work.indexOf(0); i !== -1; i = work.indexOf(0, i + 1)) {
    seeds.push(i);
    areas.push(floodFill(work, width, height, i, 0, 255, stack));
  }
  let maxIdx = 0;
  let maxSize = 0;
  for (let i = 0; i < areas.length; i++) {
    if (areas[i]! > maxSize) {
      maxIdx = i;
      maxSize = areas[i]!;
    }
  }
  for (let i = 0; i < seeds.length; i++) if (i !== maxIdx) floodFill(mask, width, height, seeds[i]!, 0, 255, stack);

  // ROI pixel count, grey sum (exact integers, so the order is free) and the blocks holding ROI, in one pass.
  let count = 0;
  let sum = 0;
  const blocks: RoiBlock[] = [];
  const blockCols = Math.ceil(width / BLOCK);
  const blockCount = new Int32Array(blockCols);
  for (let y0 = 0; y0 < height; y0 += BLOCK) {
    const h = Math.min(BLOCK, height - y0);
    blockCount.fill(0);
    for (let y = y0; y < y0 + h; y++) {
      const row = y * width;
      for (let bx = 0; bx < blockCols; bx++) {
        let c = 0;
        for (let i = row + bx * BLOCK, e = row + Math.min(width, (bx + 1) * BLOCK); i < e; i++) {
          if (mask[i] === 0) {
            c++;
            sum += pixels[i]!;
          }
        }
        blockCount[bx] = blockCount[bx]! + c;
        count += c;
      }
    }
    for (let bx = 0; bx < blockCols; bx++) if (blockCount[bx]! > 0) blocks.push({ x: bx * BLOCK, y: y0, width: Math.min(BLOCK, width - bx * BLOCK), height: h });
  }
  const mean = count === 0 ? 255 : sum / count;
  return { mask, pixelCount: count, mean, blocks };
}
