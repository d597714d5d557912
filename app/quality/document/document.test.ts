import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderPage, type PageKind, type PageProblems } from '../../../device-simulators/documents/page.js';
import { defaultQualityConfig } from '../config.js';
import { QualityInputError, type GreyPixels } from '../pixels.js';
import { assessDocument, measureDocument, type DocumentType } from './index.js';

const kindOf: Record<DocumentType, PageKind> = { a4: 'a4-application', id1: 'id1-card', td3: 'td3-passport' };

async function page(type: DocumentType, problems: PageProblems = {}, dpi = 300, seed = 1, mode: 'gray' | 'color' = 'gray'): Promise<GreyPixels> {
  const rendered = await renderPage({ kind: kindOf[type], problems, dpi, seed, mode });
  const { data, info } = await sharp(rendered.bytes).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(1);
  return { width: info.width, height: info.height, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

const assess = async (type: DocumentType, problems: PageProblems = {}, dpi = 300, seed = 1) =>
  assessDocument(await page(type, problems, dpi, seed), type, defaultQualityConfig.documents[type]);
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

describe('document quality on simulated pages (device-simulators/documents/page.ts)', () => {
  for (const type of ['a4', 'id1', 'td3'] as const) {
    it(`a clean ${type} page at 300 dpi passes every check`, async () => {
      const r = await assess(type);
      expect(r.reasons).toEqual([]);
      expect(r.passed).toBe(true);
      expect(r.score).toBeGreaterThanOrEqual(50);
      expect(r.measures['effectiveDpi']).toBeCloseTo(300, 0);
      expect(r.measures['coverage']).toBe(1);
      expect(Math.abs(r.measures['skewDegrees'] ?? 99)).toBeLessThan(0.2);
    });
  }

  for (const type of ['a4', 'id1', 'td3'] as const) {
    it(`a clean ${type} page scanned in colour passes too (a passport's lighter MRZ band along the edge is page, not lid)`, async () => {
      const r = assessDocument(await page(type, {}, 300, 1, 'color'), type, defaultQualityConfig.documents[type]);
      expect(r.reasons).toEqual([]);
      expect(r.measures['coverage']).toBe(1);
    });
  }

  it('a colour passport page slid off the glass is still found short of the frame', async () => {
    const r = assessDocument(await page('td3', { coverage: 0.75 }, 300, 1, 'color'), 'td3', defaultQualityConfig.documents.td3);
    expect(codes(r)).toContain('page_not_covered');
    expect(r.measures['coverage']).toBeGreaterThan(0.65);
    expect(r.measures['coverage']).toBeLessThan(0.85);
  });

  it('a page scanned at 200 dpi: resolution_too_low with the measured and required dpi', async () => {
    const r = await assess('a4', {}, 200);
    expect(r.passed).toBe(false);
    expect(r.score).toBeLessThan(50);
    expect(r.reasons).toContainEqual({ code: 'resolution_too_low', params: { measuredDpi: 200, requiredDpi: 300, documentType: 'a4' } });
  });

  it('an ID-1 card at 150 dpi is too coarse, judged by the card width (85.6 mm), not the file metadata', async () => {
    const r = await assess('id1', {}, 150);
    expect(r.measures['effectiveDpi']).toBeCloseTo(150, 0);
    expect(codes(r)).toContain('resolution_too_low');
  });

  for (const type of ['a4', 'td3'] as const) {
    it(`a blurred ${type} page (σ 0.25 mm) is blurred, a slightly soft one (σ 0.05 mm) is not`, async () => {
      const blurred = await assess(type, { blurMm: 0.25 });
      expect(codes(blurred)).toContain('blurred');
      const soft = await assess(type, { blurMm: 0.05 });
      expect(codes(soft)).not.toContain('blurred');
      expect(blurred.measures['sharpness']).toBeLessThan(soft.measures['sharpness']!);
    });
  }

  for (const type of ['id1', 'td3'] as const) {
    for (const seed of [1, 2]) {
      it(`glare on a laminated ${type} (seed ${seed}) is found as a saturated blob`, async () => {
        const r = await assess(type, { glare: 1 }, 300, seed);
        expect(codes(r)).toContain('glare');
        const glare = r.reasons.find((x) => x.code === 'glare')!;
        expect(glare.params['glareFraction']).toBeGreaterThan(0.005);
        expect(glare.params['maxGlareFraction']).toBe(0.005);
      });
    }
  }

  it('on white A4 paper (itself ≥ 253) glare cannot be told from paper: not measured, not reported', async () => {
    const r = await assess('a4', { glare: 1 });
    expect(r.measures['glareFraction']).toBeUndefined();
    expect(codes(r)).not.toContain('glare');
  });

  for (const type of ['a4', 'td3'] as const) {
    it(`an over-exposed ${type} page (+1 stop) is overexposed and only that`, async () => {
      const r = await assess(type, { exposureStops: 1 });
      expect(codes(r)).toEqual(['overexposed']);
      expect(r.reasons[0]!.params).toMatchObject({ inkLevel: 136, maxInkLevel: 110 });
    });
    it(`an under-exposed ${type} page (−1 stop) is underexposed and only that`, async () => {
      const r = await assess(type, { exposureStops: -1 });
      expect(codes(r)).toEqual(['underexposed']);
      expect(r.reasons[0]!.params['paperLevel']).toBeLessThan(150);
    });
  }

  for (const [type, degrees] of [
    ['a4', 5],
    ['a4', -4],
    ['td3', 3],
    ['id1', -6],
  ] as const) {
    it(`a ${type} page turned ${degrees}° is skewed, and the angle is found within 0.2°`, async () => {
      const r = await assess(type, { skewDegrees: degrees });
      expect(codes(r)).toContain('skewed');
      expect(r.measures['skewDegrees']).toBeCloseTo(degrees, 0);
      expect(Math.abs(r.measures['skewDegrees']! - degrees)).toBeLessThanOrEqual(0.2);
    });
  }

  it('a page turned 1° is within the 2° tolerance', async () => {
    const r = await assess('td3', { skewDegrees: 1 });
    expect(Math.abs(r.measures['skewDegrees']! - 1)).toBeLessThanOrEqual(0.2);
    expect(codes(r)).not.toContain('skewed');
  });

  for (const type of ['a4', 'id1', 'td3'] as const) {
    it(`a ${type} page a quarter off the glass: page_not_covered, coverage ≈ 0.75`, async () => {
      const r = await assess(type, { coverage: 0.75 });
      expect(codes(r)).toContain('page_not_covered');
      expect(r.measures['coverage']).toBeGreaterThan(0.72);
      expect(r.measures['coverage']).toBeLessThan(0.78);
    });
  }

  it('thresholds come from config: a stricter minimum dpi turns a clean page away', async () => {
    const image = await page('td3');
    const strict = assessDocument(image, 'td3', { ...defaultQualityConfig.documents.td3, minDpi: 600 });
    expect(strict.reasons).toEqual([{ code: 'resolution_too_low', params: { measuredDpi: 300, requiredDpi: 600, documentType: 'td3' } }]);
  });
});

describe('document measures on made-up images', () => {
  it('a blank white page: no skew estimate, not blurred into a false reading of sharpness from noise', () => {
    const blank: GreyPixels = { width: 400, height: 300, pixels: new Uint8Array(400 * 300).fill(255) };
    const m = measureDocument(blank, 'id1');
    expect(m.skewDegrees).toBeUndefined();
    expect(m.sharpness).toBe(0);
    expect(m.highlightFraction).toBe(1);
  });

  it('rejects pixel buffers that do not match their size, with a sentence', () => {
    expect(() => measureDocument({ width: 100, height: 100, pixels: new Uint8Array(10) }, 'a4')).toThrow(QualityInputError);
    expect(() => measureDocument({ width: 0, height: 100, pixels: new Uint8Array(0) }, 'a4')).toThrow(/positive whole-number width and height/);
    expect(() => measureDocument({ width: 8, height: 8, pixels: new Uint8Array(64) }, 'a4')).toThrow(/at least 16 × 16/);
  });
});
