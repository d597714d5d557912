/**
 * Why a capture did not pass, as codes with parameters: the UI turns each
 * into a sentence in the technician's language (e.g. resolution_too_low
 * { measuredDpi: 212, requiredDpi: 300 } → "Scan at 300 dpi or more; this
 * page came in at 212 dpi."). Codes are stable API; add, never rename.
 */
export const reasonCodes = [
  // any image
  'resolution_too_low',
  'blurred',
  'overexposed',
  'underexposed',
  // documents
  'glare',
  'skewed',
  'page_not_covered',
  // signatures
  'signature_empty',
  'signature_dot',
  'signature_too_short',
  'signature_too_small',
  'signature_no_pressure',
  // fingerprints: NIST's actionable feedback, then app/quality/fingerprint/score.ts's components
  'fingerprint_empty_or_low_contrast',
  'fingerprint_uniform',
  'fingerprint_too_little_foreground',
  'fingerprint_low_contrast',
  'fingerprint_low_ridge_clarity',
  'fingerprint_low_orientation_certainty',
  'fingerprint_poor_orientation_flow',
  'fingerprint_irregular_ridge_spacing',
  'fingerprint_too_dark',
  'fingerprint_too_light',
  'score_too_low',
] as const;

export type ReasonCode = (typeof reasonCodes)[number];

export type ReasonParams = Record<string, number | string>;

export interface QualityReason {
  code: ReasonCode;
  params: ReasonParams;
}

/**
 * One threshold check: the measure, the limit, which side is good, and the
 * reason to give when it fails. `margin` is measured/limit (at least) or
 * limit/measured (at most): 1 at the threshold, above 1 on the good side.
 */
export interface Check {
  passed: boolean;
  margin: number;
  reason: QualityReason;
}

export function atLeast(measured: number, required: number, reason: QualityReason): Check {
  const margin = required <= 0 ? (measured >= required ? Infinity : 0) : measured / required;
  return { passed: measured >= required, margin: Number.isNaN(margin) ? 0 : margin, reason };
}

export function atMost(measured: number, limit: number, reason: QualityReason): Check {
  const margin = measured <= 0 ? Infinity : limit / measured;
  return { passed: measured <= limit, margin: Number.isNaN(margin) ? 0 : margin, reason };
}

export function mustHold(holds: boolean, reason: QualityReason): Check {
  return { passed: holds, margin: holds ? Infinity : 0, reason };
}

/**
 * Summary score of threshold checks, 0–100: 50 × the smallest margin, capped
 * at 100. A capture exactly at its tightest threshold scores 50, one with
 * twice the margin everywhere 100, and any failed check puts it below 50 —
 * so score ≥ 50 ⟺ every check passed. (Fingerprints use NFIQ 2's own score instead.)
 */
export function scoreChecks(checks: readonly Check[]): number {
  let least = Infinity;
  for (const c of checks) least = Math.min(least, c.margin);
  if (!Number.isFinite(least)) return 100;
  return Math.max(0, Math.min(100, Math.floor(50 * least)));
}

export function failedReasons(checks: readonly Check[]): QualityReason[] {
  return checks.filter((c) => !c.passed).map((c) => c.reason);
}
