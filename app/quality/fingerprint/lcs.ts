/**
 * Local clarity score (usnistgov/NFIQ2 v2.3, quality_modules/LCS.cpp,
 * loclar): each local region's 36 × 36 window is rotated (no padding) so
 * that its ridges run vertically, the central 32 × 16 slanted block is split
 * into ridge and valley columns by the regression line of its column means,
 * and the score is 1 − (share of valley pixels below the line + share of
 * ridge pixels at/above it) / 2 when the mean ridge and valley widths are
 * plausible for 500 ppi, else 0. Only regions whose 32 × 32 block is all
 * foreground count. `LCS_Bin10_*` with LCSHISTLIMITS (LCS.h).
 */
import {
  SLANTED_H,
  SLANTED_W,
  WINDOW,
  allForeground,
  forEachLocalRegion,
  localOrientations,
  ridgeValleyStructure,
  rotateWindow,
  type LocalOrientations,
} from './blocks.js';
import { cvMean64 } from './cv.js';
import { addHistogram } from './histogram.js';
import type { GreyPixels } from './preprocess.js';

export const LCS_BOUNDS = [0, 0.7, 0.74, 0.77, 0.79, 0.81, 0.83, 0.85, 0.87] as const;

/** Scanner resolution NIST assumes (LCS.h scannerRes). */
const PPI = 500;
// Ridge/valley width limits in pixels and the 125 ppi normalisation (loclar). NIST normalises all four limits
// by the ridge scale (its own comment asks whether the valley ones should use VscaleNorm); so do we.
const W_MAX_125 = 5;
const SCALE = (PPI / 125) * W_MAX_125;
const NWR_MIN = 3 / SCALE;
const NWR_MAX = 10 / SCALE;
const NWV_MIN = 2 / SCALE;
const NWV_MAX = 10 / SCALE;

export interface LcsScratch {
  rotated: Uint8Array;
  ridval: Uint8Array;
  dt: Float64Array;
  v3: Float64Array;
  widths: Float64Array;
  nwr: Float64Array;
  nwv: Float64Array;
}

export function lcsScratch(): LcsScratch {
  return {
    rotated: new Uint8Array(WINDOW * WINDOW),
    ridval: new Uint8Array(SLANTED_W),
    dt: new Float64Array(SLANTED_W),
    v3: new Float64Array(SLANTED_W),
    widths: new Float64Array(SLANTED_W),
    nwr: new Float64Array(SLANTED_W),
    nwv: new Float64Array(SLANTED_W),
  };
}

/** loclar on the window at (top, left), orientation in radians. */
export function localClarity(img: GreyPixels, top: number, left: number, orientation: number, s: LcsScratch): number {
  const c = WINDOW / 2;
  const rowStart = c - (SLANTED_H / 2 - 1) - 1;
  const colStart = c - (SLANTED_W / 2 - 1) - 1;
  // Only the slanted block is read.
  rotateWindow(img, top, left, 0, s.rotated, WINDOW, orientation, { top: rowStart, left: colStart, rows: SLANTED_H, cols: SLANTED_W });
  const offset = rowStart * WINDOW + colStart;
  const { ridval, dt } = s;
  ridgeValleyStructure(s.rotated, offset, WINDOW, SLANTED_H, SLANTED_W, ridval, dt, s.v3);

  // change[i] = ridval[i] != ridval[i-1] (circularly); the first is dropped, indices shift by one.
  const n = SLANTED_W;
  const changes: number[] = [];
  for (let i = 1; i < n; i++) if (ridval[i] !== ridval[i - 1]) changes.push(i - 1);
  if (changes.length === 0) return 0;

  const begrid = ridval[0] === 1;
  const wrv = s.widths;
  wrv[0] = changes[0]!;
  for (let i = 1; i < changes.length; i++) wrv[i] = changes[i]! - changes[i - 1]!;
  const m = changes.length;
  let nr = 0;
  let nv = 0;
  for (let i = 0; i < m; i += 2) {
    if (begrid) s.nwr[nr++] = wrv[i]! / SCALE;
    else s.nwv[nv++] = wrv[i]! / SCALE;
  }
  for (let i = 0; i + 1 < m; i += 2) {
    if (begrid) s.nwv[nv++] = wrv[i + 1]! / SCALE;
    else s.nwr[nr++] = wrv[i + 1]! / SCALE;
  }
  const muR = nr > 0 ? cvMean64(s.nwr, 0, nr) : 0;
  const muV = nv > 0 ? cvMean64(s.nwv, 0, nv) : 0;
  if (!(muR >= NWR_MIN && muR <= NWR_MAX && muV >= NWV_MIN && muV <= NWV_MAX)) return 0;

  let ridgeGood = 0;
  let ridgeCount = 0;
  let valleyGood = 0;
  let valleyCount = 0;
  for (let j = 0; j < n; j++) {
    const t = dt[j]!;
    let good = 0;
    if (ridval[j] === 1) {
      for (let i = 0, p = offset + j; i < SLANTED_H; i++, p += WINDOW) if (s.rotated[p]! >= t) good++;
      ridgeGood += good;
      ridgeCount += SLANTED_H;
    } else {
      for (let i = 0, p = offset + j; i < SLANTED_H; i++, p += WINDOW) if (s.rotated[p]! < t) good++;
      valleyGood += good;
      valleyCount += SLANTED_H;
    }
  }
  const alpha = valleyGood / valleyCount;
  const beta = ridgeGood / ridgeCount;
  return 1 - (alpha + beta) / 2;
}

export function computeLcs(img: GreyPixels, seg: { fg: Uint8Array; cols: number }, out: Record<string, number>, orientations: LocalOrientations = localOrientations(img)): Float64Array {
  const values: number[] = [];
  const s = lcsScratch();
  forEachLocalRegion(img, (top, left, br, bc) => {
    if (!allForeground(seg, top, left)) return;
    const orientation = orientations.angle[br * orientations.cols + bc]!;
    values.push(localClarity(img, top, left, orientation, s));
  });
  const result = Float64Array.from(values);
  addHistogram(out, 'LCS_Bin10_', LCS_BOUNDS, result);
  return result;
}
