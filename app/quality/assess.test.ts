import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { synthesizeFingerprint } from '../../device-simulators/fingerprint/synthetic.js';
import { assess, decide, QualityConfig } from './assess.js';
import { QualityInputError, type GreyPixels } from './pixels.js';
import { foregroundNeeds } from './fingerprint/score.js';

async function fixture(name: string): Promise<GreyPixels> {
  const { data, info } = await sharp(`test/fixtures/nfiq2/${name}.png`).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

describe('assess', () => {
  it('finger: NIST measure names, the scorer’s score against minScore 40', async () => {
    const image = await fixture('SFinGe_Test01');
    const good = assess('finger', image, { fingerprintScorer: () => 63.4 });
    expect(good).toMatchObject({ score: 63, passed: true, reasons: [] });
    expect(Object.keys(good.measures)).toEqual(expect.arrayContaining(['Mu', 'MMB', 'OCL_Bin10_Mean', 'FDA_Bin10_0', 'OrientationMap_ROIFilter_CoherenceSum']));
    const poor = assess('finger', image, { fingerprintScorer: () => 12 });
    expect(poor.passed).toBe(false);
    expect(poor.reasons).toEqual([{ code: 'score_too_low', params: { score: 12, minScore: 40 } }]);
  });

  it('finger with the module’s own score (fingerprint/score.ts): NIST’s examples pass at 40', async () => {
    for (const name of ['SFinGe_Test01', 'SFinGe_Test02']) {
      const r = assess('finger', await fixture(name));
      expect(r.score).toBeGreaterThanOrEqual(40);
      expect(r.passed).toBe(true);
      expect(r.reasons).toEqual([]);
      expect(r.measures['Mu']).toBeGreaterThan(0);
    }
  });

  it('finger: a scorer’s reasons come through when the capture fails, with score_too_low last', async () => {
    const image = await fixture('SFinGe_Test02');
    const r = assess('finger', image, { fingerprintScorer: () => ({ score: 20, reasons: [{ code: 'fingerprint_too_dark', params: { value: 90 } }] }) });
    expect(r.reasons).toEqual([
      { code: 'fingerprint_too_dark', params: { value: 90 } },
      { code: 'score_too_low', params: { score: 20, minScore: 40 } },
    ]);
  });

  it('finger: a wet synthetic print fails with the score’s own reason and its measure', () => {
    const width = 416;
    const height = 560;
    const pixels = synthesizeFingerprint({ width, height, quality: 'wet', seed: 3 });
    const r = assess('finger', { width, height, pixels });
    expect(r.passed).toBe(false);
    expect(r.score).toBeLessThan(40);
    const codes = r.reasons.map((x) => x.code);
    expect(codes.at(-1)).toBe('score_too_low');
    expect(codes.some((c) => c.startsWith('fingerprint_'))).toBe(true);
    const component = r.reasons.find((x) => x.code !== 'score_too_low' && 'measure' in x.params);
    expect(component?.params['value']).toEqual(expect.any(Number));
  });

  it('finger: the threshold is config.finger.minScore', async () => {
    const image = await fixture('SFinGe_Test01');
    const config = QualityConfig.parse({ finger: { minScore: 70 } });
    expect(assess('finger', image, { config, fingerprintScorer: () => 63 }).passed).toBe(false);
  });

  it('finger: a blank white image is flagged empty by NIST’s feedback, score 0, without calling the scorer', () => {
    const white: GreyPixels = { width: 300, height: 400, pixels: new Uint8Array(300 * 400).fill(255) };
    expect(assess('finger', white).reasons.map((x) => x.code)).toEqual(['fingerprint_empty_or_low_contrast', 'fingerprint_uniform', 'score_too_low']);
    const blank: GreyPixels = { width: 300, height: 400, pixels: new Uint8Array(300 * 400).fill(255) };
    const r = assess('finger', blank, {
      fingerprintScorer: () => {
        throw new Error('must not be called');
      },
    });
    expect(r.score).toBe(0);
    expect(r.passed).toBe(false);
    expect(r.reasons.map((x) => x.code)).toContain('fingerprint_empty_or_low_contrast');
  });

  it('finger: bad pixel buffers become QualityInputError', () => {
    expect(() => assess('finger', { width: 10, height: 10, pixels: new Uint8Array(3) }, { fingerprintScorer: () => 50 })).toThrow(QualityInputError);
  });

  it('signature and face go to their modules with their thresholds', () => {
    const empty = assess('signature', { samples: [], pad: { maxX: 100, maxY: 100, maxPressure: 10 } });
    expect(empty.reasons).toEqual([{ code: 'signature_empty', params: {} }]);
    const tiny: GreyPixels = { width: 100, height: 80, pixels: new Uint8Array(8000).fill(128) };
    expect(assess('face', tiny).reasons.map((x) => x.code)).toContain('resolution_too_low');
  });

  it('document: an unknown type is a sentence, not a crash', () => {
    const image: GreyPixels = { width: 100, height: 100, pixels: new Uint8Array(10000) };
    expect(() => assess('document', { image, type: 'a5' as never })).toThrow(/Unknown document type "a5"/);
    expect(() => assess('palm' as never, image as never)).toThrow(/Unknown modality "palm"/);
  });

  it('config: every default from {}, strict about unknown keys', () => {
    const config = QualityConfig.parse({});
    expect(config.finger.minScore).toBe(40);
    expect(config.documents.a4.minDpi).toBe(300);
    expect(config.documents.a4.maxHighlightFraction).toBeNull();
    expect(config.documents.td3.maxHighlightFraction).toBe(0.5);
    expect(config.maxAttempts).toBe(3);
    const partial = QualityConfig.parse({ documents: { id1: { minDpi: 600 } } });
    expect(partial.documents.id1.minDpi).toBe(600);
    expect(partial.documents.id1.maxSkewDegrees).toBe(2);
    expect(partial.documents.a4.minDpi).toBe(300);
    expect(QualityConfig.safeParse({ documents: { a4: { minDPI: 200 } } }).success).toBe(false);
  });
});

describe('decide', () => {
  it('accepts a pass at any attempt', () => {
    expect(decide({ passed: true }, 1, 3)).toBe('accept');
    expect(decide({ passed: true }, 3, 3)).toBe('accept');
  });
  it('retries a failure while attempts remain, then allows force-capture', () => {
    expect(decide({ passed: false }, 1, 3)).toBe('retry');
    expect(decide({ passed: false }, 2, 3)).toBe('retry');
    expect(decide({ passed: false }, 3, 3)).toBe('force_capture_allowed');
    expect(decide({ passed: false }, 4, 3)).toBe('force_capture_allowed');
    expect(decide({ passed: false }, 1, 1)).toBe('force_capture_allowed');
  });
  it('rejects nonsense attempt counts', () => {
    expect(() => decide({ passed: false }, 0, 3)).toThrow(RangeError);
    expect(() => decide({ passed: false }, 1, 0)).toThrow(RangeError);
  });
});

describe('assess: small single-finger sensors (score.ts foregroundNeeds)', () => {
  // EF01/R30x images are 256 × 288 and GT-5xx 258 × 202 (their datasheets): less than NIST's 50 000-pixel
  // foreground can fit only when the finger fills two thirds of the glass, so the need is scaled to the image.
  for (const [model, width, height] of [['EF01', 256, 288], ['GT-5xx', 258, 202]] as const) {
    it(`${model} ${width}×${height}: a good print passes, a partial one does not`, () => {
      const good = assess('finger', { width, height, pixels: synthesizeFingerprint({ width, height, quality: 'good', seed: 11 }) });
      expect(good.reasons).toEqual([]);
      expect(good.passed).toBe(true);
      const partial = assess('finger', { width, height, pixels: synthesizeFingerprint({ width, height, quality: 'partial', seed: 11 }) });
      expect(partial.passed).toBe(false);
    });
  }

  it('a 416×560 image keeps NIST’s 50 000 pixels', async () => {
    const image = await fixture('SFinGe_Test01');
    const r = assess('finger', image);
    expect(r.measures['Mu']).toBeGreaterThan(0);
    expect(foregroundNeeds(416 * 560)).toEqual({ bad: 50000, good: 100000 });
    expect(foregroundNeeds(256 * 288)).toEqual({ bad: 36864, good: 55296 });
  });
});
