/**
 * Pre-checks on a camera frame before a face photo is taken or kept —
 * WITHOUT a face detector. OFIQ (ISO/IEC 29794-5) measures luminance and
 * exposure inside the face region found by detection and landmarks
 * (quality.md, Faces); here there is no detector, so the same statistics are
 * taken over the whole frame. They catch a dark room, a blown-out frame, a
 * camera out of focus or too coarse; they cannot say whether a face is
 * present, centred, frontal, or how far apart the eyes are (OFIQ's
 * inter-eye distance). Those need a detector and are not done here.
 */
import type { FaceThresholds } from '../config.js';
import { laplacianVariance } from '../laplacian.js';
import { assertGreyPixels, greyHistogram, histogramFraction, histogramMean, type GreyPixels } from '../pixels.js';
import { atLeast, atMost, failedReasons, scoreChecks, type Check, type QualityReason } from '../reasons.js';

/** OFIQ's exposure ranges (ISO/IEC 29794-5; quality.md): over 247–255, under 0–25. */
export const OVEREXPOSED_FROM = 247;
export const UNDEREXPOSED_TO = 25;

export interface FaceMeasures {
  width: number;
  height: number;
  meanLuminance: number;
  overexposedFraction: number;
  underexposedFraction: number;
  /** Laplacian variance of the whole frame (grey levels²). */
  sharpness: number;
}

export function measureFace(image: GreyPixels): FaceMeasures {
  assertGreyPixels(image, 'camera frame');
  const hist = greyHistogram(image.pixels);
  return {
    width: image.width,
    height: image.height,
    meanLuminance: Math.round(histogramMean(hist) * 10) / 10,
    overexposedFraction: round4(histogramFraction(hist, OVEREXPOSED_FROM, 255)),
    underexposedFraction: round4(histogramFraction(hist, 0, UNDEREXPOSED_TO)),
    sharpness: Math.round(laplacianVariance(image) * 10) / 10,
  };
}

export interface FaceAssessment {
  score: number;
  passed: boolean;
  measures: Record<string, number>;
  reasons: QualityReason[];
}

export function assessFace(image: GreyPixels, thresholds: FaceThresholds): FaceAssessment {
  const m = measureFace(image);
  const short = Math.min(m.width, m.height);
  const long = Math.max(m.width, m.height);
  const resolution = { code: 'resolution_too_low', params: { width: m.width, height: m.height, minShortSide: thresholds.minShortSide, minLongSide: thresholds.minLongSide } } as const;
  const checks: Check[] = [
    atLeast(short, thresholds.minShortSide, resolution),
    atLeast(long, thresholds.minLongSide, resolution),
    atMost(m.meanLuminance, thresholds.maxMeanLuminance, { code: 'overexposed', params: { meanLuminance: m.meanLuminance, maxMeanLuminance: thresholds.maxMeanLuminance } }),
    atMost(m.overexposedFraction, thresholds.maxOverexposedFraction, { code: 'overexposed', params: { overexposedFraction: m.overexposedFraction, maxOverexposedFraction: thresholds.maxOverexposedFraction } }),
    atLeast(m.meanLuminance, thresholds.minMeanLuminance, { code: 'underexposed', params: { meanLuminance: m.meanLuminance, minMeanLuminance: thresholds.minMeanLuminance } }),
    atMost(m.underexposedFraction, thresholds.maxUnderexposedFraction, { code: 'underexposed', params: { underexposedFraction: m.underexposedFraction, maxUnderexposedFraction: thresholds.maxUnderexposedFraction } }),
    atLeast(m.sharpness, thresholds.minSharpness, { code: 'blurred', params: { sharpness: m.sharpness, requiredSharpness: thresholds.minSharpness } }),
  ];
  const reasons: QualityReason[] = [];
  for (const r of failedReasons(checks)) {
    const seen = reasons.find((x) => x.code === r.code);
    if (seen) seen.params = { ...seen.params, ...r.params };
    else reasons.push({ code: r.code, params: { ...r.params } });
  }
  return { score: scoreChecks(checks), passed: reasons.length === 0, measures: { ...m }, reasons };
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;
