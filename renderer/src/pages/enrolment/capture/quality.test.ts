import { describe, expect, it } from 'vitest';
import { reasonCodes } from '../../../../../app/quality/reasons';
import { locales } from '../../../../../app/contract/channels';
import { messages } from '../../../i18n/resources';
import { knownReasonCodes, reasonText, reasonVariants } from './quality';

function lookup(tree: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], tree);
}

const placeholders = (text: string) => new Set([...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]));

describe('quality reasons → sentences', () => {
  it('covers exactly the codes app/quality/reasons.ts defines', () => {
    expect([...knownReasonCodes].sort()).toEqual([...reasonCodes].sort());
  });

  it('has a sentence for every variant in every language, using exactly that variant’s parameters', () => {
    const problems: string[] = [];
    for (const [code, variants] of Object.entries(reasonVariants)) {
      expect(variants.some((v) => v.name === 'plain')).toBe(true);
      for (const variant of variants) {
        const key = `capture.quality.reasons.${code}.${variant.name}`;
        for (const language of locales) {
          const text = lookup(messages[language], key);
          if (typeof text !== 'string') {
            problems.push(`${language}: ${key} missing`);
            continue;
          }
          const expected = [...Object.keys(variant.params)].sort();
          const used = [...placeholders(text)].sort();
          if (expected.join() !== used.join()) problems.push(`${language}: ${key} uses {${used.join()}} not {${expected.join()}}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('turns a document resolution reason into the dpi sentence with whole numbers', () => {
    const text = reasonText({ code: 'resolution_too_low', params: { measuredDpi: 212, requiredDpi: 300, documentType: 'a4' } }, 'en');
    expect(text).toEqual({ key: 'capture.quality.reasons.resolution_too_low.dpi', params: { measuredDpi: '212', requiredDpi: '300' } });
  });

  it('picks the variant by the measures present (the same code differs by modality)', () => {
    expect(reasonText({ code: 'overexposed', params: { inkLevel: 140, maxInkLevel: 110 } }, 'en').key).toMatch(/\.ink$/);
    expect(reasonText({ code: 'overexposed', params: { meanLuminance: 230.4, maxMeanLuminance: 210 } }, 'en').key).toMatch(/\.mean$/);
    expect(reasonText({ code: 'underexposed', params: { shadowFraction: 0.3, maxShadowFraction: 0.25 } }, 'en').key).toMatch(/\.shadows$/);
    expect(reasonText({ code: 'resolution_too_low', params: { width: 300, height: 400, minShortSide: 480, minLongSide: 640 } }, 'en').key).toMatch(/\.size$/);
  });

  it('formats shares as percentages, angles without sign, durations in seconds, in the operator’s language', () => {
    expect(reasonText({ code: 'glare', params: { glareFraction: 0.0123, maxGlareFraction: 0.005 } }, 'en').params).toEqual({ glareFraction: '1.2%', maxGlareFraction: '0.5%' });
    expect(reasonText({ code: 'skewed', params: { skewDegrees: -4.26, maxSkewDegrees: 2 } }, 'en').params).toEqual({ skewDegrees: '4.3°', maxSkewDegrees: '2°' });
    const time = reasonText({ code: 'signature_too_short', params: { durationMs: 180, minDurationMs: 300 } }, 'en').params;
    expect(time.durationMs).toMatch(/^0\.2\s?s/);
    expect(time.minDurationMs).toMatch(/^0\.3\s?s/);
    // Portuguese writes the decimal comma.
    expect(reasonText({ code: 'blurred', params: { sharpness: 41.25, requiredSharpness: 100 } }, 'pt').params.sharpness).toBe('41,25');
  });

  it('keeps a fingerprint component’s measure name as text', () => {
    const text = reasonText({ code: 'fingerprint_low_ridge_clarity', params: { measure: 'LCS_bin10_mean', value: 0.31234 } }, 'en');
    expect(text).toEqual({ key: 'capture.quality.reasons.fingerprint_low_ridge_clarity.measure', params: { measure: 'LCS_bin10_mean', value: '0.31' } });
  });

  it('falls back to the plain sentence without parameters, and names an unknown code', () => {
    expect(reasonText({ code: 'blurred', params: {} }, 'en')).toEqual({ key: 'capture.quality.reasons.blurred.plain', params: {} });
    expect(reasonText({ code: 'signature_empty', params: {} }, 'en').key).toBe('capture.quality.reasons.signature_empty.plain');
    expect(reasonText({ code: 'blurred', params: { sharpness: 'n/a', requiredSharpness: 100 } }, 'en').key).toBe('capture.quality.reasons.blurred.plain');
    expect(reasonText({ code: 'moon_phase', params: {} }, 'en')).toEqual({ key: 'capture.quality.unknownReason', params: { code: 'moon_phase' } });
  });
});
