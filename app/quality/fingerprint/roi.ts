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
 * The binarised mask as runs: each row cut into maximal runs of one value, 0 (black) or 255 (white), which
 * tile the row. 4-connected regions are then unions of runs (runs in neighbouring rows touch when they
 * share a column), found with a union-find over runs instead of a pixel flood fill: a smooth mask has a few
 * runs per row, so the fills cost O(runs) instead of O(pixels).
 */
interface Runs {
  x0: Int32Array;
  x1: Int32Array; // exclusive
  black: Uint8Array; // 1 = black (0 in the mask)
  /** Runs of row y are rowStart[y] … rowStart[y + 1] − 1. */
  rowStart: Int32Array;
  parent: Int32Array;
  flag: Uint8Array;
  count: number;
}

/** At most `width` runs per row; arrays of `reuse` are kept when long enough. */
function runsScratch(width: number, height: number, reuse?: Runs): Runs {
  const max = width * height;
  if (reuse !== undefined && reuse.x0.length >= max && reuse.rowStart.length >= height + 1) return reuse;
  return {
    x0: new Int32Array(max),
    x1: new Int32Array(max),
    black: new Uint8Array(max),
    rowStart: new Int32Array(height + 1),
    parent: new Int32Array(max),
    flag: new Uint8Array(max),
    count: 0,
  };
}

/** Cuts the 0/255 image into runs (native indexOf finds each run's end). */
function toRuns(bin: Uint8Array, width: number, height: number, r: Runs): void {
  let c = 0;
  for (let y = 0; y < height; y++) {
    r.rowStart[y] = c;
    const row = bin.subarray(y * width, y * width + width);
    for (let x = 0; x < width; ) {
      const v = row[x]!;
      let end = row.indexOf(v ^ 255, x + 1);
      if (end === -1) end = width;
      r.x0[c] = x;
      r.x1[c] = end;
      r.black[c] = v === 0 ? 1 : 0;
      c++;
      x = end;
    }
  }
  r.rowStart[height] = c;
  r.count = c;
}

function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    const g = parent[parent[i]!]!;
    parent[i] = g; // path halving
    i = g;
  }
  return i;
}

/**
 * Joins the runs of colour `black` (1 or 0) that share a column with a run of the same colour in the next
 * row. Both rows tile [0, width), so a sweep that advances whichever run ends first always holds two
 * overlapping runs. The smaller index becomes the root, so a region's root is its first run in raster
 * order, which holds the region's first pixel in raster order.
 */
function joinRows(r: Runs, height: number, black: number): void {
  const { x1, parent, rowStart } = r;
  const colour = r.black;
  for (let i = 0; i < r.count; i++) parent[i] = i;
  for (let y = 0; y + 1 < height; y++) {
    let i = rowStart[y]!;
    const iEnd = rowStart[y + 1]!;
    let j = iEnd;
    const jEnd = rowStart[y + 2]!;
    while (i < iEnd && j < jEnd) {
      if (colour[i] === black && colour[j] === black) {
        const a = find(parent, i);
        const b = find(parent, j);
        if (a < b) parent[b] = a;
        else if (b < a) parent[a] = b;
      }
      const ei = x1[i]!;
      const ej = x1[j]!;
      if (ei <= ej) i++;
      if (ej <= ei) j++;
    }
  }
}

/**
 * Working buffers for the last image size seen; not shared across threads. Trimmed images differ in size
 * from one capture to the next, so a new size keeps every buffer that is already long enough.
 */
let cachedScratch: { width: number; height: number; bBuffer: Uint8Array; b: Uint8Array; scratch: BlurScratch; runs: Runs } | undefined;

function roiScratch(width: number, height: number): { b: Uint8Array; scratch: BlurScratch; runs: Runs } {
  if (cachedScratch?.width !== width || cachedScratch.height !== height) {
    const n = width * height;
    const old = cachedScratch;
    // b starts the buffer, so it stays word-aligned for binariseWords.
    const bBuffer = old !== undefined && old.bBuffer.length >= n ? old.bBuffer : new Uint8Array(n);
    cachedScratch = { width, height, bBuffer, b: bBuffer.subarray(0, n), scratch: blurScratch(width, height, 91, old?.scratch), runs: runsScratch(width, height, old?.runs) };
  }
  return cachedScratch;
}

export function computeRoi(img: GreyPixels): RoiResult {
  const { width, height, pixels } = img;
  const n = width * height;
  const a = new Uint8Array(n); // becomes the returned mask, so never reused
  const { b, scratch, runs } = roiScratch(width, height);
  erodeRect(pixels, a, width, height, 5, b);
  gaussianBlur8u(a, b, width, height, 41, scratch);
  // Otsu on the histogram the blur left; the binary form of the next blur thresholds as it reads
  // (gaussianBlurBinary8u ≡ binarise then gaussianBlur8u, with fewer passes).
  gaussianBlurBinary8u(b, a, width, height, 91, scratch, otsuThresholdOfHistogram(scratch.hist, n));
  // NIST binarises this blur with Otsu (threshImg2); everything after works on its runs.
  binariseWords(a, b, otsuThresholdOfHistogram(scratch.hist, n));
  toRuns(b, width, height, runs);
  const { x0, x1, parent, flag, rowStart } = runs;
  const colour = runs.black;

  // Holes: white regions that do not reach the image edge become black (NIST: findContours RETR_CCOMP and
  // every contour with a parent drawn filled).
  joinRows(runs, height, 0);
  flag.fill(0, 0, runs.count);
  for (let y = 0; y < height; y++) {
    const edgeRow = y === 0 || y === height - 1;
    for (let i = rowStart[y]!, e = rowStart[y + 1]!; i < e; i++) {
      if (colour[i] === 0 && (edgeRow || x0[i] === 0 || x1[i] === width)) flag[find(parent, i)] = 1;
    }
  }
  // Rebuild the runs with holes turned black, merging neighbours of one colour (a hole lies between two
  // black runs of its row). Written in place: the rebuilt list is never longer than the old one.
  let c = 0;
  for (let y = 0; y < height; y++) {
    const start = rowStart[y]!;
    const end = rowStart[y + 1]!;
    rowStart[y] = c;
    for (let i = start; i < end; i++) {
      const isBlack = colour[i] === 1 || flag[find(parent, i)] === 0 ? 1 : 0;
      if (c > rowStart[y]! && colour[c - 1] === isBlack) x1[c - 1] = x1[i]!;
      else {
        x0[c] = x0[i]!;
        x1[c] = x1[i]!;
        colour[c] = isBlack;
        c++;
      }
    }
  }
  rowStart[height] = c;
  runs.count = c;

  // Black regions: keep the one with the largest bounding box, the first found (in raster order) on ties,
  // as NIST's floodFill walk.
  joinRows(runs, height, 1);
  const minX = new Int32Array(c);
  const maxX = new Int32Array(c);
  const minY = new Int32Array(c);
  const maxY = new Int32Array(c);
  const root = new Int32Array(c);
  for (let y = 0; y < height; y++) {
    for (let i = rowStart[y]!, e = rowStart[y + 1]!; i < e; i++) {
      if (colour[i] !== 1) continue;
      const r = find(parent, i);
      root[i] = r;
      if (r === i) {
        minX[r] = x0[i]!;
        maxX[r] = x1[i]! - 1;
        minY[r] = y;
        maxY[r] = y;
      } else {
        if (x0[i]! < minX[r]!) minX[r] = x0[i]!;
        if (x1[i]! - 1 > maxX[r]!) maxX[r] = x1[i]! - 1;
        maxY[r] = y;
      }
    }
  }
  // Roots in increasing index are the regions in raster order of their first pixel.
  let best = -1;
  let bestSize = 0;
  for (let i = 0; i < c; i++) {
    if (colour[i] !== 1 || root[i] !== i) continue;
    const size = (maxX[i]! - minX[i]! + 1) * (maxY[i]! - minY[i]! + 1);
    if (size > bestSize) {
      best = i;
      bestSize = size;
    }
  }

  // The mask (0 = the kept region), its pixel count, grey sum (exact integers) and the blocks holding ROI.
  const mask = a;
  mask.fill(255);
  let count = 0;
  let sum = 0;
  const blocks: RoiBlock[] = [];
  const blockCols = Math.ceil(width / BLOCK);
  const hasRoi = new Uint8Array(blockCols);
  for (let y0 = 0; y0 < height; y0 += BLOCK) {
    const h = Math.min(BLOCK, height - y0);
    hasRoi.fill(0);
    for (let y = y0; y < y0 + h; y++) {
      const row = y * width;
      for (let i = rowStart[y]!, e = rowStart[y + 1]!; i < e; i++) {
        if (colour[i] !== 1 || root[i] !== best) continue;
        const l = x0[i]!;
        const r = x1[i]!;
        mask.fill(0, row + l, row + r);
        count += r - l;
        for (let p = row + l, pe = row + r; p < pe; p++) sum += pixels[p]!;
        for (let bx = Math.floor(l / BLOCK), be = Math.floor((r - 1) / BLOCK); bx <= be; bx++) hasRoi[bx] = 1;
      }
    }
    for (let bx = 0; bx < blockCols; bx++) if (hasRoi[bx] === 1) blocks.push({ x: bx * BLOCK, y: y0, width: Math.min(BLOCK, width - bx * BLOCK), height: h });
  }
  const mean = count === 0 ? 255 : sum / count;
  return { mask, pixelCount: count, mean, blocks };
}
