// Every native NFIQ 2 measure against NIST's own printed output for two of its example images
// (usnistgov/NFIQ2 examples, public domain; copies in test/fixtures/nfiq2). NIST prints with the default
// ostream precision (6 significant digits); a value matches when it prints the same.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { NATIVE_MEASURE_NAMES, computeNativeMeasures } from './index.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/nfiq2');

/** Printed by NIST but computed from FingerJetFX minutiae or the random forest over them: out of scope here. */
const MINUTIAE_BASED = new Set([
  'UnifiedQualityScore',
  'FingerprintImageWithMinutiae',
  'FingerJetFX_MinCount_COMMinRect200x200',
  'FingerJetFX_MinutiaeCount',
  'FJFXPos_Mu_MinutiaeQuality_2',
  'FJFXPos_OCL_MinutiaeQuality_80',
]);

/**
 * Measures known not to match NIST yet, with what we compute and what NIST prints. Empty: every native
 * measure matches on both images. Keep this table honest rather than widening the comparison.
 */
const EXPECTED_MISMATCHES: { image: string; measure: string; observed: string; reference: string; why: string }[] = [];

function parseNistOutput(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_]+):\s*(\S+)\s*$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** How NIST's `std::cout << double` would print the value (6 significant digits, %g style). */
function printedLikeNist(v: number): number {
  return Number(v.toPrecision(6));
}

async function load(name: string) {
  const { data, info } = await sharp(path.join(fixtures, `${name}.png`)).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(1);
  return { width: info.width, height: info.height, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

describe.each(['SFinGe_Test01', 'SFinGe_Test02'])('NFIQ 2 native measures of %s', (name) => {
  it('reproduces every native measure and the three image-based feedback values NIST prints', async () => {
    const reference = parseNistOutput(readFileSync(path.join(fixtures, `${name}_output.txt`), 'utf8'));
    expect(reference.size).toBeGreaterThan(70);
    const image = await load(name);
    const started = performance.now();
    const result = computeNativeMeasures(image);
    const ms = performance.now() - started;
    console.log(`${name}: ${image.width}×${image.height}, trimmed to ${result.trimmed.width}×${result.trimmed.height}, ${ms.toFixed(1)} ms (first run includes JIT warm-up)`);
    expect(result.complete).toBe(true);

    const ours: Record<string, number> = {
      ...result.measures,
      UniformImage: result.feedback.UniformImage.value,
      EmptyImageOrContrastTooLow: result.feedback.EmptyImageOrContrastTooLow.value,
      SufficientFingerprintForeground: result.feedback.SufficientFingerprintForeground?.value ?? Number.NaN,
    };
    // Every measure we export is one NIST prints, and every one NIST prints is either ours or minutiae-based.
    expect(Object.keys(result.measures).sort()).toEqual([...NATIVE_MEASURE_NAMES].sort());
    for (const key of reference.keys()) expect(MINUTIAE_BASED.has(key) || key in ours, `${key} is neither computed nor listed as minutiae-based`).toBe(true);

    const mismatches: { measure: string; observed: string; reference: string }[] = [];
    let compared = 0;
    for (const [key, printed] of reference) {
      if (MINUTIAE_BASED.has(key)) continue;
      compared++;
      const value = ours[key]!;
      if (printedLikeNist(value) !== Number(printed)) mismatches.push({ measure: key, observed: String(value), reference: printed });
    }
    expect(compared).toBe(NATIVE_MEASURE_NAMES.length + 3);
    const expected = EXPECTED_MISMATCHES.filter((m) => m.image === name).map(({ measure, observed, reference: ref }) => ({ measure, observed, reference: ref }));
    expect(mismatches).toEqual(expected);
    // Feedback flags on good images: none.
    expect(result.feedback.EmptyImageOrContrastTooLow.flagged).toBe(false);
    expect(result.feedback.UniformImage.flagged).toBe(false);
    expect(result.feedback.SufficientFingerprintForeground?.flagged).toBe(false);
  });
});
