/**
 * NFIQ 2 native quality measures (ISO/IEC 29794-4; usnistgov/NFIQ2 v2.3),
 * without the FingerJetFX minutiae measures and without the random-forest
 * unified score. Names are NIST's, exactly as its tool prints them.
 *
 * Order of work, as NIST: trim the near-white frame, check the size, compute
 * Mu/σ first; an empty or uniform image stops there (NIST returns its
 * actionable feedback without features in that case), everything else
 * follows.
 */
import { localOrientations, ridgeSegmentBlocks } from './blocks.js';
import { computeCoherence } from './coherence.js';
import { computeFda } from './fda.js';
import { computeLcs } from './lcs.js';
import { computeContrast } from './mu.js';
import { computeOcl } from './ocl.js';
import { computeOf } from './of.js';
import { FingerprintQualityError, trimNearWhiteFrame, type GreyPixels, type TrimBox } from './preprocess.js';
import { computeRoi } from './roi.js';
import { computeRvup } from './rvup.js';

export { FingerprintQualityError, type FingerprintQualityErrorCode, type GreyPixels } from './preprocess.js';

/**
 * NIST's actionable feedback thresholds (include/nfiq2_interfacedefinitions.hpp,
 * ActionableQualityFeedbackThreshold): Mu above 250 = empty or too little
 * contrast; σ below 1 = uniform image; fewer than 50 000 ROI pixels =
 * insufficient foreground. (FingerprintImageWithMinutiae, ≥ 5 minutiae, needs
 * FingerJetFX and is not computed here.)
 */
export const FEEDBACK_THRESHOLDS = {
  EmptyImageOrContrastTooLow: 250,
  UniformImage: 1,
  SufficientFingerprintForeground: 50000,
} as const;

export interface FeedbackItem {
  /** NIST's value (Mu, σ, ROI pixel count). */
  value: number;
  threshold: number;
  /** True when the value is on the bad side of NIST's threshold. */
  flagged: boolean;
}

export interface NativeFeedback {
  EmptyImageOrContrastTooLow: FeedbackItem;
  UniformImage: FeedbackItem;
  /** Absent when Mu/σ already flagged the image (NIST stops before the ROI). */
  SufficientFingerprintForeground?: FeedbackItem;
}

export interface NativeMeasuresResult {
  /** NIST measure name → value. All native measures when `complete`, only Mu and MMB otherwise. */
  measures: Record<string, number>;
  feedback: NativeFeedback;
  /** False when the image is empty or uniform and NIST would not compute the other measures. */
  complete: boolean;
  /** Where the trimmed image lies in the input. */
  trimmed: TrimBox;
}

/** Names of the native measures this module computes, in NIST's print order. */
export const NATIVE_MEASURE_NAMES: readonly string[] = [
  ...histogramNames('FDA_Bin10_'),
  'ImgProcROIArea_Mean',
  ...histogramNames('LCS_Bin10_'),
  'MMB',
  'Mu',
  ...histogramNames('OCL_Bin10_'),
  ...histogramNames('OF_Bin10_'),
  'OrientationMap_ROIFilter_CoherenceRel',
  'OrientationMap_ROIFilter_CoherenceSum',
  ...histogramNames('RVUP_Bin10_'),
];

function histogramNames(prefix: string): string[] {
  return [...Array.from({ length: 10 }, (_, i) => `${prefix}${i}`), `${prefix}Mean`, `${prefix}StdDev`];
}

/**
 * Computes NFIQ 2's native quality measures of a 500 ppi, 8-bit grey
 * fingerprint image. Throws FingerprintQualityError (invalid_image,
 * image_too_large, image_too_small, not_enough_data).
 */
export function computeNativeMeasures(image: GreyPixels): NativeMeasuresResult {
  const trimmed = trimNearWhiteFrame(image);
  const img: GreyPixels = trimmed;
  const measures: Record<string, number> = {};
  const contrast = computeContrast(img);
  measures['MMB'] = contrast.MMB;
  measures['Mu'] = contrast.Mu;
  const empty = contrast.Mu > FEEDBACK_THRESHOLDS.EmptyImageOrContrastTooLow;
  const uniform = contrast.sigma < FEEDBACK_THRESHOLDS.UniformImage;
  const feedback: NativeFeedback = {
    EmptyImageOrContrastTooLow: { value: contrast.Mu, threshold: FEEDBACK_THRESHOLDS.EmptyImageOrContrastTooLow, flagged: empty },
    UniformImage: { value: contrast.sigma, threshold: FEEDBACK_THRESHOLDS.UniformImage, flagged: uniform },
  };
  if (empty || uniform) return { measures, feedback, complete: false, trimmed: trimmed.box };
  if (img.width < 36 || img.height < 36) {
    throw new FingerprintQualityError(
      'image_too_small',
      `Fingerprint image is ${img.width} × ${img.height} after trimming; NFIQ 2's local regions need at least 36 × 36 pixels.`,
    );
  }

  const seg = ridgeSegmentBlocks(img, { mean: contrast.Mu, stdDev: contrast.sigma });
  const orientations = localOrientations(img);
  computeFda(img, seg, measures, orientations);
  const roi = computeRoi(img);
  measures['ImgProcROIArea_Mean'] = roi.mean;
  computeLcs(img, seg, measures, orientations);
  computeOcl(img, measures);
  computeOf(img, seg, measures, orientations);
  computeCoherence(img, roi.blocks, measures);
  computeRvup(img, seg, measures, orientations);
  feedback.SufficientFingerprintForeground = {
    value: roi.pixelCount,
    threshold: FEEDBACK_THRESHOLDS.SufficientFingerprintForeground,
    flagged: roi.pixelCount < FEEDBACK_THRESHOLDS.SufficientFingerprintForeground,
  };
  return { measures, feedback, complete: true, trimmed: trimmed.box };
}
