/**
 * One entry point for the quality stage (DESIGN.md: capture → quality →
 * case): every modality's capture comes back as a score 0–100, passed or
 * not, its measures by name, and the reasons it did not pass as codes with
 * parameters. Capture flows call decide() with the result to retry, accept
 * or let the operator force the capture.
 *
 * How "passed" is decided:
 *  - finger: the fingerprint module's unified score (app/quality/fingerprint/
 *    score.ts: a documented formula over the NFIQ 2 native measures, not
 *    NIST's random forest) ≥ config.finger.minScore (default 40, MOSIP's
 *    NFIQ 2 threshold for slaps) and none of NIST's actionable-feedback flags.
 *  - document, signature, face: every threshold check holds; the score is
 *    reasons.ts scoreChecks (50 at the tightest threshold, so passed ⟺
 *    score ≥ 50).
 */
import { QualityConfig, defaultQualityConfig } from './config.js';
import { assessDocument, type DocumentType } from './document/index.js';
import { assessFace } from './face/index.js';
import { assessFinger, type FingerprintScorer } from './finger.js';
import { QualityInputError, type GreyPixels } from './pixels.js';
import type { QualityReason } from './reasons.js';
import { assessSignature, type SignatureInput } from './signature/index.js';

export const modalities = ['finger', 'document', 'signature', 'face'] as const;
export type Modality = (typeof modalities)[number];

export interface DocumentInput {
  image: GreyPixels;
  type: DocumentType;
}

export interface AssessInputs {
  /** 500 ppi, 8-bit grey (NFIQ 2's input). */
  finger: GreyPixels;
  document: DocumentInput;
  signature: SignatureInput;
  /** A camera frame, 8-bit grey. */
  face: GreyPixels;
}

export interface AssessContext {
  /** Thresholds; defaults when absent. Pass the station config's `quality` (already parsed by QualityConfig). */
  config?: QualityConfig;
  /** Replaces the fingerprint score (tests; another scoring model); default app/quality/fingerprint/score.ts via finger.ts. */
  fingerprintScorer?: FingerprintScorer;
}

export interface QualityResult {
  /** 0–100. */
  score: number;
  passed: boolean;
  measures: Record<string, number>;
  reasons: QualityReason[];
}

export function assess<M extends Modality>(modality: M, input: AssessInputs[M], context: AssessContext = {}): QualityResult {
  const config = context.config ?? defaultQualityConfig;
  switch (modality) {
    case 'finger':
      return assessFinger(input as GreyPixels, config.finger, context.fingerprintScorer);
    case 'document': {
      const doc = input as DocumentInput;
      const thresholds = config.documents[doc?.type];
      if (!thresholds) throw new QualityInputError('invalid_input', `Unknown document type ${JSON.stringify(doc?.type)}; the quality stage knows ${Object.keys(config.documents).join(', ')}.`);
      return assessDocument(doc.image, doc.type, thresholds);
    }
    case 'signature':
      return assessSignature(input as SignatureInput, config.signature);
    case 'face':
      return assessFace(input as GreyPixels, config.face);
    default:
      throw new QualityInputError('invalid_input', `Unknown modality ${JSON.stringify(modality)}; the quality stage assesses ${modalities.join(', ')}.`);
  }
}

export type Decision = 'accept' | 'retry' | 'force_capture_allowed';

/**
 * What the capture flow does next. `attempt` is the number of the capture
 * just assessed, from 1. A capture that passed is accepted; one that failed
 * is retried while attempts remain; after the last failed attempt the
 * operator may force-capture (the flow records it as forced, with the
 * reasons — that decision is the operator's, not this function's).
 */
export function decide(result: Pick<QualityResult, 'passed'>, attempt: number, maxAttempts: number = defaultQualityConfig.maxAttempts): Decision {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt counts from 1, got ${attempt}.`);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be a whole number of at least 1, got ${maxAttempts}.`);
  if (result.passed) return 'accept';
  return attempt < maxAttempts ? 'retry' : 'force_capture_allowed';
}

export { QualityConfig, defaultQualityConfig };
