/**
 * Quality thresholds, as a zod schema with defaults, per modality (and per
 * document type where a page's paper changes what a measure means). Parse
 * `{}` to get every default: `QualityConfig.parse({})`. The station config
 * embeds it as `quality` (docs/quality.md lists each threshold and why).
 */
import { z } from 'zod';
import { documentTypes, type DocumentType } from './document/types.js';

const fraction = z.number().min(0).max(1);
const grey = z.number().min(0).max(255);

export interface DocumentThresholdDefaults {
  minDpi: number;
  minSharpness: number;
  maxHighlightFraction: number | null;
  maxShadowFraction: number | null;
  maxInkLevel: number;
  minPaperLevel: number;
  maxGlareFraction: number | null;
  glareLevel: number;
  maxSkewDegrees: number;
  minCoverage: number;
}

function documentThresholds(d: DocumentThresholdDefaults) {
  return z
    .object({
      /** Effective resolution, pixels across ÷ the type's physical width. 300 dpi: what OCR and archival of ID documents expect. */
      minDpi: z.number().positive().max(2400).default(d.minDpi),
      /** Median Laplacian variance of the printed tiles (grey levels²), tuned on simulated pages (docs/quality.md). */
      minSharpness: z.number().min(0).default(d.minSharpness),
      /** Most of the page at ≥ 250 is wrong on tinted cards; null where white paper is itself ≥ 250 (A4). */
      maxHighlightFraction: fraction.nullable().default(d.maxHighlightFraction),
      /** Share of the page at ≤ 5 (clipped shadows); null to skip. */
      maxShadowFraction: fraction.nullable().default(d.maxShadowFraction),
      /** The darkest 0.5 % of the page (the ink) must be at most this: above, print is washed out. */
      maxInkLevel: grey.default(d.maxInkLevel),
      /** The brightest 10 % (the paper) must be at least this: below, the page came in dark. */
      minPaperLevel: grey.default(d.minPaperLevel),
      /** Largest connected saturated blob as a share of the page; null to skip. */
      maxGlareFraction: fraction.nullable().default(d.maxGlareFraction),
      /** Grey level from which a pixel counts as saturated for glare. */
      glareLevel: z.number().int().min(1).max(255).default(d.glareLevel),
      maxSkewDegrees: z.number().min(0).max(15).default(d.maxSkewDegrees),
      /** Share of the frame that must be page rather than scanner background. */
      minCoverage: fraction.default(d.minCoverage),
    })
    .strict();
}

export const documentDefaults: Readonly<Record<DocumentType, DocumentThresholdDefaults>> = {
  a4: {
    minDpi: 300,
    minSharpness: 100,
    maxHighlightFraction: null,
    maxShadowFraction: 0.25,
    maxInkLevel: 110,
    minPaperLevel: 150,
    maxGlareFraction: 0.005,
    glareLevel: 253,
    maxSkewDegrees: 2,
    minCoverage: 0.9,
  },
  id1: {
    minDpi: 300,
    minSharpness: 100,
    maxHighlightFraction: 0.5,
    maxShadowFraction: 0.25,
    maxInkLevel: 110,
    minPaperLevel: 150,
    maxGlareFraction: 0.005,
    glareLevel: 253,
    maxSkewDegrees: 2,
    minCoverage: 0.9,
  },
  td3: {
    minDpi: 300,
    minSharpness: 100,
    maxHighlightFraction: 0.5,
    maxShadowFraction: 0.25,
    maxInkLevel: 110,
    minPaperLevel: 150,
    maxGlareFraction: 0.005,
    glareLevel: 253,
    maxSkewDegrees: 2,
    minCoverage: 0.9,
  },
};

export const DocumentThresholds = documentThresholds(documentDefaults.a4);
export type DocumentThresholds = z.infer<typeof DocumentThresholds>;

const DocumentsConfig = z
  .object(
    Object.fromEntries(documentTypes.map((t) => [t, documentThresholds(documentDefaults[t]).prefault({})])) as Record<
      DocumentType,
      z.ZodPrefault<ReturnType<typeof documentThresholds>>
    >,
  )
  .strict();

export const SignatureThresholds = z
  .object({
    /** Pen-down samples needed for anything more than a tap. */
    minPoints: z.number().int().min(1).default(10),
    /** From first to last pen-down sample. A hand signature takes a second or more; 300 ms is a scribble or an accidental touch. */
    minDurationMs: z.number().min(0).default(300),
    /** Bounding box of the ink as a share of the pad area. */
    minBoxFraction: fraction.default(0.01),
    /** Bounding-box diagonal below this share of the pad's diagonal is a dot. */
    dotDiagonalFraction: fraction.default(0.02),
    /** Require pressure that is non-zero and varies (a pen, not a mouse or finger). */
    requirePressure: z.boolean().default(true),
  })
  .strict();
export type SignatureThresholds = z.infer<typeof SignatureThresholds>;

export const FaceThresholds = z
  .object({
    /** Short and long side of the camera frame, orientation-free: 480 × 640 (VGA) is the floor. */
    minShortSide: z.number().int().min(1).default(480),
    minLongSide: z.number().int().min(1).default(640),
    /** Mean luminance of the frame must lie in [min, max]. */
    minMeanLuminance: grey.default(70),
    maxMeanLuminance: grey.default(200),
    /** Shares of the frame in OFIQ's over- (247–255) and under-exposure (0–25) ranges (ISO/IEC 29794-5). */
    maxOverexposedFraction: fraction.default(0.05),
    maxUnderexposedFraction: fraction.default(0.1),
    /** Laplacian variance of the whole frame (grey levels²). */
    minSharpness: z.number().min(0).default(100),
  })
  .strict();
export type FaceThresholds = z.infer<typeof FaceThresholds>;

export const FingerThresholds = z
  .object({
    /** NFIQ 2 unified score needed to accept; MOSIP uses 40 for slaps (quality.md). */
    minScore: z.number().min(0).max(100).default(40),
  })
  .strict();
export type FingerThresholds = z.infer<typeof FingerThresholds>;

export const QualityConfig = z
  .object({
    finger: FingerThresholds.prefault({}),
    documents: DocumentsConfig.prefault({}),
    signature: SignatureThresholds.prefault({}),
    face: FaceThresholds.prefault({}),
    /** Captures per item before the operator may force-capture (see decide in assess.ts). */
    maxAttempts: z.number().int().min(1).max(10).default(3),
  })
  .strict();
export type QualityConfig = z.infer<typeof QualityConfig>;

export const defaultQualityConfig: QualityConfig = QualityConfig.parse({});
