/**
 * A unified 0–100 fingerprint quality score from the NFIQ 2 native measures
 * (index.ts), with reason codes.
 *
 * This is NOT NFIQ 2's UnifiedQualityScore. NIST's score is the output of a
 * random forest trained on all features, including the FingerJetFX minutiae
 * measures (FingerJetFX_MinutiaeCount, FJFXPos_*), which need the
 * FingerJetFX minutiae extractor that this project does not include; without
 * those inputs the forest cannot be evaluated. Instead this score is a
 * documented, deterministic formula (docs/quality-fingerprint.md):
 *
 *   each component c_i = ramp(measure_i; bad_i → 0, good_i → 1), clamped to [0, 1]
 *   score = round(100 · Π_i c_i^(w_i))
 *
 * A weighted geometric product: every component can only lower the score, one
 * bad aspect (no contrast, smudge, too little finger) is enough to pull it
 * down however good the rest is, and several mediocre aspects compound. The
 * factor c_i^(w_i) of each component is reported, and every component whose
 * factor is below REASON_FACTOR gives its reason code. NIST's own actionable
 * feedback (empty/low contrast, uniform image, too little foreground) forces
 * the score to 0.
 *
 * The breakpoints were calibrated on synthetic fingerprints
 * (device-simulators/fingerprint/synthetic.ts, every quality kind, 416 × 560)
 * and NIST's two example images (NFIQ 2 scores 54 and 45), so that good
 * images land clearly above 40 and each poor kind clearly below; score.test.ts
 * checks that ordering on seeded images. They are a heuristic, not a
 * validated predictor of matching performance.
 */
import { FEEDBACK_THRESHOLDS, type NativeMeasuresResult } from './index.js';

/** Why an image scored low; the UI translates the codes. In `reasons`, NIST's feedback first, then the weakest factor first. */
export type FingerprintReasonCode =
  | 'empty_or_low_contrast' // NIST EmptyImageOrContrastTooLow: mean grey above 250
  | 'uniform' // NIST UniformImage: grey deviation below 1
  | 'too_little_foreground' // NIST SufficientFingerprintForeground, or the foreground component is weak
  | 'low_contrast' // ridges and valleys too close in grey
  | 'low_ridge_clarity' // LCS: ridges and valleys not cleanly separated (smudge, dryness)
  | 'low_orientation_certainty' // OCL: blocks without a clear ridge direction
  | 'poor_orientation_flow' // orientation-map coherence: ridge flow broken up
  | 'irregular_ridge_spacing' // RVUP spread: ridge/valley widths vary a lot
  | 'too_dark' // ROI mean grey low: over-inked or wet finger
  | 'too_light'; // ROI mean grey high: faint or dry finger

export interface ScoreComponent {
  /** Component name, stable. */
  name: 'contrast' | 'ridge_clarity' | 'orientation_certainty' | 'orientation_flow' | 'ridge_uniformity' | 'foreground' | 'darkness' | 'lightness';
  /** The NIST measure (or feedback value) it is computed from, and its value. */
  measure: string;
  value: number;
  /** 0 … 1 after the ramp. */
  component: number;
  weight: number;
  /** component^weight: the factor this component multiplies the score by. */
  factor: number;
  /** The reason reported when this component pulls the score down. */
  reason: FingerprintReasonCode;
}

export interface FingerprintScore {
  /** 0 (unusable) … 100 (excellent); integer. */
  score: number;
  /** Reason codes, most important first; empty when nothing pulled the score down. */
  reasons: FingerprintReasonCode[];
  components: ScoreComponent[];
}

/**
 * A component definition: value → 0 at `bad`, → 1 at `good`, linear between (bad may be above good when
 * lower is better). Breakpoints from the calibration described above and in docs/quality-fingerprint.md.
 */
interface Ramp {
  name: ScoreComponent['name'];
  measure: string;
  bad: number;
  good: number;
  weight: number;
  reason: FingerprintReasonCode;
}

/** Value used for the foreground component and NIST's SufficientFingerprintForeground feedback (ROI pixels). */
const FOREGROUND_MEASURE = 'SufficientFingerprintForeground';
/** Value used for the contrast component: NIST's σ of the trimmed image (UniformImage feedback value). */
const CONTRAST_MEASURE = 'UniformImage';

export const SCORE_RAMPS: readonly Ramp[] = [
  // σ of grey: synthetic poor contrast ≈ 31, smudged ≈ 53, dry ≈ 56, good ≈ 88, NIST examples ≈ 71.
  { name: 'contrast', measure: CONTRAST_MEASURE, bad: 25, good: 65, weight: 0.75, reason: 'low_contrast' },
  // LCS mean: smudged 0.62–0.69, dry ≈ 0.60, good 0.80–0.84, NIST 0.704 (NFIQ 2: 45) and 0.771 (NFIQ 2: 54).
  { name: 'ridge_clarity', measure: 'LCS_Bin10_Mean', bad: 0.62, good: 0.82, weight: 0.75, reason: 'low_ridge_clarity' },
  // OCL mean (all full blocks, background included): partial ≈ 0.34, dry ≈ 0.43, good ≈ 0.62–0.64, NIST 0.83–0.87.
  { name: 'orientation_certainty', measure: 'OCL_Bin10_Mean', bad: 0.3, good: 0.6, weight: 0.5, reason: 'low_orientation_certainty' },
  // Coherence of the ROI orientation map: dry ≈ 0.39–0.40, others ≥ 0.66, NIST 0.73–0.77.
  { name: 'orientation_flow', measure: 'OrientationMap_ROIFilter_CoherenceRel', bad: 0.45, good: 0.65, weight: 0.75, reason: 'poor_orientation_flow' },
  // RVUP standard deviation (lower is more uniform): NIST ≈ 0.36, good 0.38–0.89, dry and smudged up to 1.3.
  { name: 'ridge_uniformity', measure: 'RVUP_Bin10_StdDev', bad: 1.6, good: 0.8, weight: 0.5, reason: 'irregular_ridge_spacing' },
  // ROI pixels: NIST's own threshold (50 000) is 0; a full 416 × 560 finger has 130 000–190 000, partial ≈ 60 000.
  { name: 'foreground', measure: FOREGROUND_MEASURE, bad: FEEDBACK_THRESHOLDS.SufficientFingerprintForeground, good: 100000, weight: 0.75, reason: 'too_little_foreground' },
  // ROI mean grey, dark side: wet ≈ 99, good synthetic ≈ 133, NIST ≈ 172–177.
  { name: 'darkness', measure: 'ImgProcROIArea_Mean', bad: 100, good: 120, weight: 1, reason: 'too_dark' },
  // ROI mean grey, light side: dry ≈ 192, poor contrast ≈ 186 (both caught mainly by other components).
  { name: 'lightness', measure: 'ImgProcROIArea_Mean', bad: 235, good: 205, weight: 1, reason: 'too_light' },
];

/** A component whose factor c^w is below this (it takes more than a fifth off the score) gives its reason code. */
export const REASON_FACTOR = 0.8;

function ramp(value: number, bad: number, good: number): number {
  if (!Number.isFinite(value)) return 0;
  const t = (value - bad) / (good - bad);
  return t <= 0 ? 0 : t >= 1 ? 1 : t;
}

/**
 * How much foreground (ROI pixels) a print needs, for the score and the pass
 * rule. NIST's SufficientFingerprintForeground (50 000 pixels, about 129 mm²
 * at 500 ppi) assumes a sensor larger than that: the common single-finger
 * modules are not (EF01/R30x 256 × 288 = 73 728 pixels, GT-5xx 258 × 202 =
 * 52 116), so a perfect press there could never pass. For an image smaller
 * than NIST's plain-impression size the requirement is scaled to the image:
 * at least half of it is finger, and three quarters is full marks. For
 * images of at least 100 000 pixels (416 × 560 is 232 960) nothing changes.
 * NIST's own feedback value and flag are still reported unchanged.
 */
export function foregroundNeeds(imageArea?: number): { bad: number; good: number } {
  const nist = { bad: FEEDBACK_THRESHOLDS.SufficientFingerprintForeground, good: 100000 };
  if (imageArea === undefined || !Number.isFinite(imageArea) || imageArea <= 0) return nist;
  return { bad: Math.min(nist.bad, Math.round(imageArea * 0.5)), good: Math.min(nist.good, Math.round(imageArea * 0.75)) };
}

/**
 * The unified score of computeNativeMeasures' result. Pure and deterministic.
 * `imageArea` (width × height of the image as captured) scales the
 * foreground requirement for small sensors (foregroundNeeds).
 */
export function fingerprintScore(result: NativeMeasuresResult, options: { imageArea?: number } = {}): FingerprintScore {
  const { feedback, measures } = result;
  const reasons: FingerprintReasonCode[] = [];
  if (feedback.EmptyImageOrContrastTooLow.flagged) reasons.push('empty_or_low_contrast');
  if (feedback.UniformImage.flagged) reasons.push('uniform');
  if (!result.complete) return { score: 0, reasons, components: [] };

  const valueOf = (measure: string): number => {
    if (measure === FOREGROUND_MEASURE) return feedback.SufficientFingerprintForeground?.value ?? 0;
    if (measure === CONTRAST_MEASURE) return feedback.UniformImage.value;
    return measures[measure] ?? Number.NaN;
  };
  const foreground = foregroundNeeds(options.imageArea);
  const components: ScoreComponent[] = SCORE_RAMPS.map((r) => {
    const value = valueOf(r.measure);
    const { bad, good } = r.measure === FOREGROUND_MEASURE ? foreground : r;
    const component = ramp(value, bad, good);
    return { name: r.name, measure: r.measure, value, component, weight: r.weight, factor: component ** r.weight, reason: r.reason };
  });
  let product = 1;
  for (const c of components) product *= c.factor;
  const nistForeground = (feedback.SufficientFingerprintForeground?.value ?? 0) < foreground.bad;
  const score = nistForeground ? 0 : Math.round(100 * product);

  if (nistForeground) reasons.push('too_little_foreground');
  const weak = components.filter((c) => c.factor < REASON_FACTOR).sort((a, b) => a.factor - b.factor);
  for (const c of weak) if (!reasons.includes(c.reason)) reasons.push(c.reason);
  return { score, reasons, components };
}
