/**
 * Document page quality (quality.md, Documents): effective resolution,
 * sharpness, exposure, glare, skew and page coverage of an 8-bit grey page
 * image, each checked against the document type's thresholds
 * (app/quality/config.ts) with a reason code the UI can put into words.
 *
 * What the frame is taken to be: the scan or photo of one document, cropped
 * to it by the scanner or camera framing (eSCL/SANE region, document camera
 * guide). Coverage says how much of that frame is page.
 */
import { atLeast, atMost, failedReasons, scoreChecks, type Check, type QualityReason } from '../reasons.js';
import { assertGreyPixels, downsample, histogramFraction, histogramPercentile, type GreyPixels } from '../pixels.js';
import { laplacianTileStats } from '../laplacian.js';
import type { DocumentThresholds } from '../config.js';
import { estimateSkew } from './skew.js';
import { estimateCoverage, largestBrightBlob } from './regions.js';
import { documentSizesMm, MM_PER_INCH, type DocumentType } from './types.js';

export { documentTypes, documentSizesMm, type DocumentType } from './types.js';

/** Sharpness tiles: 64 px is a few text lines' height at 300 dpi, small enough that a tile is all paper or holds print. */
export const SHARPNESS_TILE = 64;
/** A tile holds print when its grey standard deviation is at least this (paper grain and JPEG noise stay well below). */
export const PRINTED_TILE_STDDEV = 12;
/** Highlights and shadows counted as clipped (the brief's ≥ 250 and ≤ 5). */
export const HIGHLIGHT_FROM = 250;
export const SHADOW_TO = 5;
/** Skew, glare and coverage run on a copy whose long side is at most this (A4 at 300 dpi: ÷ 3 → 826 × 1169). */
export const WORKING_LONG_SIDE = 1200;
/** Scanner background must differ from the page's own tone by more than this to be told apart; fill tolerance around it. */
/** Sharpness normalisation never divides by a contrast range below this (a blank page is not made sharp by it). */
export const MIN_CONTRAST_RANGE = 32;

export interface DocumentMeasures {
  /** Pixels across ÷ the type's physical width in inches, with the frame's orientation matched to the document's. */
  effectiveDpi: number;
  /** Median Laplacian variance over the printed tiles, scaled to full contrast (× (255 / (paper − ink))²), grey levels². */
  sharpness: number;
  /** Share of pixels ≥ 250 and ≤ 5. */
  highlightFraction: number;
  shadowFraction: number;
  /** 0.5th percentile grey (the ink) and 90th percentile grey (the paper). */
  inkLevel: number;
  paperLevel: number;
  /** Largest 8-connected blob at ≥ glareLevel as a share of the frame; absent when the paper itself (median grey) is that bright. */
  glareFraction?: number;
  /** Degrees, clockwise positive; absent when the page carries too little print to align. */
  skewDegrees?: number;
  /** Share of the frame that is page rather than scanner background. */
  coverage: number;
}

export function measureDocument(image: GreyPixels, type: DocumentType, glareLevel = 253): DocumentMeasures {
  assertGreyPixels(image, 'document page', 16);
  const { width, height } = image;
  const size = documentSizesMm[type];
  // Orientation: a landscape frame holds the document landscape. The smaller ratio is the honest one
  // (a frame cut slightly wider than the page must not claim more resolution than the other axis has).
  const [longMm, shortMm] = size.width >= size.height ? [size.width, size.height] : [size.height, size.width];
  const [longPx, shortPx] = width >= height ? [width, height] : [height, width];
  const effectiveDpi = Math.min(longPx / (longMm / MM_PER_INCH), shortPx / (shortMm / MM_PER_INCH));

  // One pass: histogram and per-tile grey/Laplacian sums, on every other row (laplacian.ts: exact values, half of them).
  const hist = new Uint32Array(256);
  const tiles = laplacianTileStats(image, SHARPNESS_TILE, { rowStep: 2, histogram: hist });
  const inkLevel = histogramPercentile(hist, 0.005);
  const paperLevel = histogramPercentile(hist, 0.9);
  const paperMedian = histogramPercentile(hist, 0.5);

  const printed: number[] = [];
  let allN = 0;
  let allS = 0;
  let allQ = 0;
  for (let t = 0; t < tiles.count.length; t++) {
    const n = tiles.count[t] as number;
    if (n < 16) continue;
    allN += n;
    allS += tiles.lapSum[t] as number;
    allQ += tiles.lapSumSq[t] as number;
    const gm = (tiles.greySum[t] as number) / n;
    const gv = (tiles.greySumSq[t] as number) / n - gm * gm;
    if (gv < PRINTED_TILE_STDDEV * PRINTED_TILE_STDDEV) continue;
    const lm = (tiles.lapSum[t] as number) / n;
    printed.push((tiles.lapSumSq[t] as number) / n - lm * lm);
  }
  let rawSharpness: number;
  if (printed.length > 0) {
    printed.sort((a, b) => a - b);
    rawSharpness = printed[Math.floor(printed.length / 2)] as number;
  } else {
    const lm = allN === 0 ? 0 : allS / allN;
    rawSharpness = allN === 0 ? 0 : allQ / allN - lm * lm;
  }
  // Contrast-normalised: as if ink were 0 and paper 255. A dark or washed-out page is reported as such, not also as
  // blurred (the Laplacian scales with contrast, its variance with contrast²).
  const range = Math.max(MIN_CONTRAST_RANGE, paperLevel - inkLevel);
  const sharpness = rawSharpness * (255 / range) ** 2;

  const factor = Math.max(1, Math.ceil(Math.max(width, height) / WORKING_LONG_SIDE));
  const small = downsample(image, factor);
  const smallN = small.width * small.height;

  // Glare is only told from the paper when the paper itself is below saturation (white A4 paper often is not).
  const glareCheckable = paperMedian < glareLevel;
  const glareFraction = glareCheckable ? largestBrightBlob(small, glareLevel) / smallN : undefined;
  const skew = estimateSkew(small, (inkLevel + paperLevel) / 2);
  const coverage = estimateCoverage(small);

  const measures: DocumentMeasures = {
    effectiveDpi: round(effectiveDpi, 1),
    sharpness: round(sharpness, 1),
    highlightFraction: round(histogramFraction(hist, HIGHLIGHT_FROM, 255), 4),
    shadowFraction: round(histogramFraction(hist, 0, SHADOW_TO), 4),
    inkLevel,
    paperLevel,
    coverage: round(coverage, 3),
  };
  if (glareFraction !== undefined) measures.glareFraction = round(glareFraction, 4);
  if (skew !== null) measures.skewDegrees = skew;
  return measures;
}

export interface DocumentAssessment {
  score: number;
  passed: boolean;
  measures: Record<string, number>;
  reasons: QualityReason[];
}

/** Measures the page and checks every measure against the type's thresholds. */
export function assessDocument(image: GreyPixels, type: DocumentType, thresholds: DocumentThresholds): DocumentAssessment {
  const m = measureDocument(image, type, thresholds.glareLevel);
  const checks: Check[] = [
    // Half a dot per inch of slack: page sizes in mm do not land on whole pixels (A4 at 300 dpi is 2480 px = 299.96 dpi).
    atLeast(m.effectiveDpi + 0.5, thresholds.minDpi, { code: 'resolution_too_low', params: { measuredDpi: Math.round(m.effectiveDpi), requiredDpi: thresholds.minDpi, documentType: type } }),
    atLeast(m.sharpness, thresholds.minSharpness, { code: 'blurred', params: { sharpness: m.sharpness, requiredSharpness: thresholds.minSharpness } }),
    atMost(m.inkLevel, thresholds.maxInkLevel, { code: 'overexposed', params: { inkLevel: m.inkLevel, maxInkLevel: thresholds.maxInkLevel } }),
    atLeast(m.paperLevel, thresholds.minPaperLevel, { code: 'underexposed', params: { paperLevel: m.paperLevel, minPaperLevel: thresholds.minPaperLevel } }),
    atLeast(m.coverage, thresholds.minCoverage, { code: 'page_not_covered', params: { coverage: m.coverage, minCoverage: thresholds.minCoverage } }),
  ];
  if (thresholds.maxHighlightFraction !== null) {
    checks.push(atMost(m.highlightFraction, thresholds.maxHighlightFraction, { code: 'overexposed', params: { highlightFraction: m.highlightFraction, maxHighlightFraction: thresholds.maxHighlightFraction } }));
  }
  if (thresholds.maxShadowFraction !== null) {
    checks.push(atMost(m.shadowFraction, thresholds.maxShadowFraction, { code: 'underexposed', params: { shadowFraction: m.shadowFraction, maxShadowFraction: thresholds.maxShadowFraction } }));
  }
  // Glare can only be told from the paper when the paper itself is below the saturation level (white A4 paper often is not).
  if (thresholds.maxGlareFraction !== null && m.glareFraction !== undefined) {
    checks.push(atMost(m.glareFraction, thresholds.maxGlareFraction, { code: 'glare', params: { glareFraction: m.glareFraction, maxGlareFraction: thresholds.maxGlareFraction } }));
  }
  if (m.skewDegrees !== undefined) {
    const skew = Math.abs(m.skewDegrees);
    checks.push(atMost(skew, thresholds.maxSkewDegrees, { code: 'skewed', params: { skewDegrees: m.skewDegrees, maxSkewDegrees: thresholds.maxSkewDegrees } }));
  }
  const reasons = dedupe(failedReasons(checks));
  return { score: scoreChecks(checks), passed: reasons.length === 0, measures: { ...m }, reasons };
}

/** One reason per code (two exposure checks may both fail); the first keeps its parameters, later ones add theirs. */
function dedupe(reasons: QualityReason[]): QualityReason[] {
  const byCode = new Map<string, QualityReason>();
  for (const r of reasons) {
    const seen = byCode.get(r.code);
    if (seen) seen.params = { ...seen.params, ...r.params };
    else byCode.set(r.code, { code: r.code, params: { ...r.params } });
  }
  return [...byCode.values()];
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
