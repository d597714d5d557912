/**
 * The 'finger' modality of assess(): NFIQ 2 native measures and the unified
 * score (app/quality/fingerprint, its own module: index.ts and score.ts),
 * turned into the common result shape with NIST's measure names. passed ⟺
 * score ≥ config.finger.minScore and no NIST feedback flag; when it did not
 * pass, the reasons are NIST's feedback and the score's weak components,
 * prefixed 'fingerprint_', then score_too_low.
 */
import { computeNativeMeasures, FingerprintQualityError, type NativeMeasuresResult } from './fingerprint/index.js';
import { fingerprintScore, foregroundNeeds, type FingerprintReasonCode } from './fingerprint/score.js';
import type { FingerThresholds } from './config.js';
import { QualityInputError, type GreyPixels } from './pixels.js';
import type { QualityReason, ReasonCode, ReasonParams } from './reasons.js';

export interface FingerprintScoreOutput {
  /** 0–100. */
  score: number;
  reasons?: readonly QualityReason[];
}

/** Turns the native measures into a 0–100 score (and optionally reasons). Only called for complete measure sets. */
export type FingerprintScorer = (native: NativeMeasuresResult, context: { imageArea: number }) => number | FingerprintScoreOutput;

const reasonCode: Record<FingerprintReasonCode, ReasonCode> = {
  empty_or_low_contrast: 'fingerprint_empty_or_low_contrast',
  uniform: 'fingerprint_uniform',
  too_little_foreground: 'fingerprint_too_little_foreground',
  low_contrast: 'fingerprint_low_contrast',
  low_ridge_clarity: 'fingerprint_low_ridge_clarity',
  low_orientation_certainty: 'fingerprint_low_orientation_certainty',
  poor_orientation_flow: 'fingerprint_poor_orientation_flow',
  irregular_ridge_spacing: 'fingerprint_irregular_ridge_spacing',
  too_dark: 'fingerprint_too_dark',
  too_light: 'fingerprint_too_light',
};

/** The module's own unified score (app/quality/fingerprint/score.ts), with each weak component's measure and value as parameters. */
export const defaultFingerprintScorer: FingerprintScorer = (native, context) => {
  const s = fingerprintScore(native, { imageArea: context.imageArea });
  return {
    score: s.score,
    reasons: s.reasons.map((code): QualityReason => {
      const c = s.components.find((x) => x.reason === code);
      const params: ReasonParams = c ? { measure: c.measure, value: round(c.value) } : {};
      return { code: reasonCode[code], params };
    }),
  };
};

export interface FingerAssessment {
  score: number;
  passed: boolean;
  measures: Record<string, number>;
  reasons: QualityReason[];
}

export function assessFinger(image: GreyPixels, thresholds: FingerThresholds, scorer: FingerprintScorer = defaultFingerprintScorer): FingerAssessment {
  let native: NativeMeasuresResult;
  try {
    native = computeNativeMeasures(image);
  } catch (error) {
    if (error instanceof FingerprintQualityError) {
      const code = error.code === 'invalid_image' ? 'invalid_input' : error.code === 'image_too_large' ? 'image_too_large' : 'image_too_small';
      throw new QualityInputError(code, error.message);
    }
    throw error;
  }
  const reasons: QualityReason[] = [];
  const add = (r: QualityReason) => {
    if (!reasons.some((x) => x.code === r.code)) reasons.push({ code: r.code, params: { ...r.params } });
  };
  const fb = native.feedback;
  if (fb.EmptyImageOrContrastTooLow.flagged) add({ code: 'fingerprint_empty_or_low_contrast', params: { Mu: round(fb.EmptyImageOrContrastTooLow.value), maxMu: fb.EmptyImageOrContrastTooLow.threshold } });
  if (fb.UniformImage.flagged) add({ code: 'fingerprint_uniform', params: { sigma: round(fb.UniformImage.value), minSigma: fb.UniformImage.threshold } });
  // NIST's 50 000 pixels, scaled down for sensors smaller than that (score.ts foregroundNeeds).
  const imageArea = image.width * image.height;
  const minRoiPixels = foregroundNeeds(imageArea).bad;
  if (fb.SufficientFingerprintForeground !== undefined && fb.SufficientFingerprintForeground.value < minRoiPixels) {
    add({ code: 'fingerprint_too_little_foreground', params: { roiPixels: fb.SufficientFingerprintForeground.value, minRoiPixels } });
  }
  const flagged = reasons.length > 0;
  let score = 0;
  // An empty or uniform image has no features to score (NIST stops at its feedback); its score is 0.
  if (native.complete) {
    const out = scorer(native, { imageArea });
    const raw = typeof out === 'number' ? out : out.score;
    score = Number.isFinite(raw) ? Math.max(0, Math.min(100, Math.round(raw))) : 0;
    if (typeof out !== 'number') for (const r of out.reasons ?? []) add(r);
  }
  const passed = !flagged && score >= thresholds.minScore;
  if (passed) return { score, passed, measures: { ...native.measures }, reasons: [] };
  if (score < thresholds.minScore) add({ code: 'score_too_low', params: { score, minScore: thresholds.minScore } });
  return { score, passed, measures: { ...native.measures }, reasons };
}

const round = (v: number) => Math.round(v * 1000) / 1000;
