import type { QualityReasonView } from '../../../../../app/contract/cases';

/**
 * Quality reasons (app/quality/reasons.ts codes with their parameters) as
 * translation keys and formatted parameters. The same code may come with
 * different measures (an exposure problem is the ink level on a page, the
 * mean luminance on a face), so each code lists variants, most specific
 * first; the first whose parameters are all present is used, and every code
 * has a plain variant for a reason that came without them.
 *
 * The codes are repeated here (the renderer may import only app/contract);
 * quality.test.ts checks the list against app/quality/reasons.ts.
 */

type Format = 'int' | 'dec' | 'percent' | 'degrees' | 'seconds' | 'text';

interface Variant {
  name: string;
  params: Record<string, Format>;
}

const plain: Variant = { name: 'plain', params: {} };
const v = (name: string, params: Record<string, Format>): Variant => ({ name, params });

export const reasonVariants: Record<string, readonly Variant[]> = {
  resolution_too_low: [v('dpi', { measuredDpi: 'int', requiredDpi: 'int' }), v('size', { width: 'int', height: 'int', minShortSide: 'int', minLongSide: 'int' }), plain],
  blurred: [v('sharpness', { sharpness: 'dec', requiredSharpness: 'dec' }), plain],
  overexposed: [
    v('ink', { inkLevel: 'int', maxInkLevel: 'int' }),
    v('highlights', { highlightFraction: 'percent', maxHighlightFraction: 'percent' }),
    v('mean', { meanLuminance: 'int', maxMeanLuminance: 'int' }),
    v('share', { overexposedFraction: 'percent', maxOverexposedFraction: 'percent' }),
    plain,
  ],
  underexposed: [
    v('paper', { paperLevel: 'int', minPaperLevel: 'int' }),
    v('shadows', { shadowFraction: 'percent', maxShadowFraction: 'percent' }),
    v('mean', { meanLuminance: 'int', minMeanLuminance: 'int' }),
    v('share', { underexposedFraction: 'percent', maxUnderexposedFraction: 'percent' }),
    plain,
  ],
  glare: [v('share', { glareFraction: 'percent', maxGlareFraction: 'percent' }), plain],
  skewed: [v('angle', { skewDegrees: 'degrees', maxSkewDegrees: 'degrees' }), plain],
  page_not_covered: [v('share', { coverage: 'percent', minCoverage: 'percent' }), plain],
  signature_empty: [plain],
  signature_dot: [v('points', { pointCount: 'int', minPoints: 'int' }), plain],
  signature_too_short: [v('time', { durationMs: 'seconds', minDurationMs: 'seconds' }), plain],
  signature_too_small: [v('area', { boxAreaFraction: 'percent', minBoxFraction: 'percent' }), plain],
  signature_no_pressure: [plain],
  fingerprint_empty_or_low_contrast: [v('mean', { Mu: 'int', maxMu: 'int' }), plain],
  fingerprint_uniform: [v('spread', { sigma: 'dec', minSigma: 'dec' }), plain],
  fingerprint_too_little_foreground: [v('area', { roiPixels: 'int', minRoiPixels: 'int' }), plain],
  fingerprint_low_contrast: [v('measure', { measure: 'text', value: 'dec' }), plain],
  fingerprint_low_ridge_clarity: [v('measure', { measure: 'text', value: 'dec' }), plain],
  fingerprint_low_orientation_certainty: [v('measure', { measure: 'text', value: 'dec' }), plain],
  fingerprint_poor_orientation_flow: [v('measure', { measure: 'text', value: 'dec' }), plain],
  fingerprint_irregular_ridge_spacing: [v('measure', { measure: 'text', value: 'dec' }), plain],
  fingerprint_too_dark: [v('measure', { measure: 'text', value: 'dec' }), plain],
  fingerprint_too_light: [v('measure', { measure: 'text', value: 'dec' }), plain],
  score_too_low: [v('score', { score: 'int', minScore: 'int' }), plain],
};

export const knownReasonCodes = Object.keys(reasonVariants);

export interface ReasonText {
  key: string;
  params: Record<string, string>;
}

function formatValue(value: number | string, format: Format, language: string): string {
  if (format === 'text' || typeof value === 'string') return String(value);
  switch (format) {
    case 'int':
      return new Intl.NumberFormat(language, { maximumFractionDigits: 0 }).format(value);
    case 'dec':
      return new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(value);
    case 'percent':
      // Shares such as glare are often well under 1 %: one decimal keeps 0.5 % from reading as 1 %.
      return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(value);
    case 'degrees':
      return `${new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(Math.abs(value))}°`;
    case 'seconds':
      return new Intl.NumberFormat(language, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 1 }).format(value / 1000);
  }
}

/** The key and formatted parameters for one reason; a code this build does not know gets a sentence naming it. */
export function reasonText(reason: QualityReasonView, language: string): ReasonText {
  const variants = reasonVariants[reason.code];
  if (variants === undefined) return { key: 'capture.quality.unknownReason', params: { code: reason.code } };
  for (const variant of variants) {
    const names = Object.keys(variant.params);
    const present = names.every((n) => {
      const value = reason.params[n];
      return variant.params[n] === 'text' ? typeof value === 'string' || typeof value === 'number' : typeof value === 'number' && Number.isFinite(value);
    });
    if (!present) continue;
    const params: Record<string, string> = {};
    for (const n of names) params[n] = formatValue(reason.params[n] as number | string, variant.params[n] as Format, language);
    return { key: `capture.quality.reasons.${reason.code}.${variant.name}`, params };
  }
  return { key: `capture.quality.reasons.${reason.code}.plain`, params: {} };
}
