// The unified score orders seeded synthetic fingerprints (device-simulators/fingerprint/synthetic.ts) and
// NIST's example images as calibrated: good ones clearly above 40, each poor kind clearly below, with the
// reason code that names what is wrong. Orderings and bands only, not exact numbers.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { synthesizeFingerprint, type FingerprintQuality } from '../../../device-simulators/fingerprint/synthetic.js';
import { computeNativeMeasures } from './index.js';
import { SCORE_RAMPS, fingerprintScore, type FingerprintReasonCode } from './score.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/nfiq2');
const W = 416;
const H = 560;

function scoreOf(pixels: Uint8Array, width = W, height = H) {
  return fingerprintScore(computeNativeMeasures({ width, height, pixels }));
}

const EXPECTED_REASON: Record<Exclude<FingerprintQuality, 'good'>, FingerprintReasonCode[]> = {
  poor_contrast: ['low_contrast'],
  smudged: ['low_ridge_clarity'],
  partial: ['too_little_foreground'],
  dry: ['low_ridge_clarity', 'poor_orientation_flow'],
  wet: ['too_dark'],
};

describe('unified fingerprint score', () => {
  it('puts good synthetic prints and NIST examples above 40 and every poor kind below it, naming the cause', async () => {
    const seed = 2026;
    const good = scoreOf(synthesizeFingerprint({ width: W, height: H, quality: 'good', seed }));
    expect(good.score).toBeGreaterThanOrEqual(80);
    expect(good.reasons).toEqual([]);
    for (const name of ['SFinGe_Test01', 'SFinGe_Test02']) {
      const { data, info } = await sharp(path.join(fixtures, `${name}.png`)).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
      const nist = scoreOf(new Uint8Array(data), info.width, info.height);
      expect(nist.score, name).toBeGreaterThan(45);
      expect(nist.score, name).toBeLessThanOrEqual(100);
    }
    for (const quality of Object.keys(EXPECTED_REASON) as (keyof typeof EXPECTED_REASON)[]) {
      const poor = scoreOf(synthesizeFingerprint({ width: W, height: H, quality, seed }));
      expect(poor.score, quality).toBeLessThan(35);
      expect(good.score - poor.score, quality).toBeGreaterThanOrEqual(45);
      expect(poor.reasons.length, quality).toBeGreaterThan(0);
      expect(EXPECTED_REASON[quality], `${quality}: first reason ${poor.reasons[0]}`).toContain(poor.reasons[0]);
    }
  }, 60_000);

  it('is 0 with NIST feedback codes for empty and uniform images, and for too little foreground', () => {
    const white = scoreOf(new Uint8Array(W * H).fill(255));
    expect(white).toMatchObject({ score: 0, reasons: ['empty_or_low_contrast', 'uniform'] });
    const grey = scoreOf(new Uint8Array(W * H).fill(128));
    expect(grey).toMatchObject({ score: 0, reasons: ['uniform'] });
    // A small print centred on a white page: NIST's SufficientFingerprintForeground (50 000 ROI pixels) fails.
    const small = synthesizeFingerprint({ width: 160, height: 200, quality: 'good', seed: 7 });
    const page = new Uint8Array(W * H).fill(255);
    for (let y = 0; y < 200; y++) page.set(small.subarray(y * 160, y * 160 + 160), (180 + y) * W + 128);
    const tiny = scoreOf(page);
    expect(tiny.score).toBe(0);
    expect(tiny.reasons).toContain('too_little_foreground');
  });

  it('is deterministic, bounded and reports one component per documented ramp', () => {
    const pixels = synthesizeFingerprint({ width: 200, height: 240, quality: 'smudged', seed: 3 });
    const a = scoreOf(pixels, 200, 240);
    const b = scoreOf(pixels, 200, 240);
    expect(a).toEqual(b);
    expect(Number.isInteger(a.score) && a.score >= 0 && a.score <= 100).toBe(true);
    expect(a.components.map((c) => c.name)).toEqual(SCORE_RAMPS.map((r) => r.name));
    for (const c of a.components) expect(c.component >= 0 && c.component <= 1).toBe(true);
  });
});
