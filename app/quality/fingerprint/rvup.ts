/**
 * Ridge-valley uniformity (usnistgov/NFIQ2 v2.3,
 * quality_modules/RVUPHistogram.cpp, rvuhist): in each foreground local
 * region, rotated (window zero-padded by 2) so ridges run vertically, the
 * ridge/valley columns of the 32 × 16 slanted block are found as for LCS;
 * the incomplete first and last runs are dropped and the ratios of
 * consecutive run widths (ridge/valley) are collected. Every ratio of every
 * region goes into `RVUP_Bin10_*` with RVUPHISTLIMITS (RVUPHistogram.h).
 */
import { SLANTED_H, SLANTED_W, WINDOW, allForeground, forEachLocalRegion, localOrientations, ridgeValleyStructure, rotateWindow, type LocalOrientations } from './blocks.js';
import { addHistogram } from './histogram.js';
import type { GreyPixels } from './preprocess.js';

export const RVUP_BOUNDS = [0.5, 0.667, 0.8, 1, 1.25, 1.5, 2, 24, 30] as const;

export interface RvupScratch {
  rotated: Uint8Array;
  ridval: Uint8Array;
  dt: Float64Array;
  v3: Float64Array;
}

export function rvupScratch(): RvupScratch {
  return {
    rotated: new Uint8Array(WINDOW * WINDOW),
    ridval: new Uint8Array(SLANTED_W),
    dt: new Float64Array(SLANTED_W),
    v3: new Float64Array(SLANTED_W),
  };
}

/** rvuhist of the window at (top, left): pushes its ratios onto `ratios`. */
export function ridgeValleyRatios(img: GreyPixels, top: number, left: number, orientation: number, s: RvupScratch, ratios: number[]): void {
  const c = WINDOW / 2;
  const rowStart = c - (SLANTED_H / 2 - 1) - 1;
  const colStart = c - (SLANTED_W / 2 - 1) - 1;
  // Only the slanted block is read.
  rotateWindow(img, top, left, 2, s.rotated, WINDOW, orientation, { top: rowStart, left: colStart, rows: SLANTED_H, cols: SLANTED_W });
  const { ridval } = s;
  ridgeValleyStructure(s.rotated, rowStart * WINDOW + colStart, WINDOW, SLANTED_H, SLANTED_W, ridval, s.dt, s.v3);

  // NIST builds `change` over the first n−1 elements only (loop bound ridval.size() − 1), then drops change[0].
  const n = SLANTED_W;
  const changeIndex: number[] = [];
  for (let i = 1; i < n - 1; i++) if (ridval[i] !== ridval[i - 1]) changeIndex.push(i - 1);
  if (changeIndex.length === 0) return;
  const first = changeIndex[0]!;
  const lastIdx = changeIndex[changeIndex.length - 1]!;
  // ridvalComplete = ridval[first+1 … last−1]
  if (first + 1 >= lastIdx) return;
  const begrid = ridval[first + 1]!;
  const complete: number[] = [];
  for (let i = 1; i < changeIndex.length; i++) complete.push(changeIndex[i]! - first);
  const size = complete.length;
  if (size <= 1) return;
  // changeComplete2: run widths, last to first.
  const widths: number[] = [];
  for (let i = size - 1; i > 0; i--) widths.push(complete[i]! - complete[i - 1]!);
  const local: number[] = [];
  for (let m = 0; m + 1 < widths.length; m++) local.push(widths[m]! / widths[m + 1]!);
  for (let i = begrid; i < local.length; i += 2) local[i] = 1 / local[i]!;
  for (const r of local) ratios.push(r);
}

export function computeRvup(img: GreyPixels, seg: { fg: Uint8Array; cols: number }, out: Record<string, number>, orientations: LocalOrientations = localOrientations(img)): Float64Array {
  const ratios: number[] = [];
  const s = rvupScratch();
  forEachLocalRegion(img, (top, left, br, bc) => {
    if (!allForeground(seg, top, left)) return;
    const orientation = orientations.angle[br * orientations.cols + bc]!;
    ridgeValleyRatios(img, top, left, orientation, s, ratios);
  });
  const result = Float64Array.from(ratios);
  addHistogram(out, 'RVUP_Bin10_', RVUP_BOUNDS, result);
  return result;
}
