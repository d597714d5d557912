import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderPage } from '../../device-simulators/documents/page.js';
import { CliError } from './open-station.js';
import { qualityDocument, qualityFingerprint } from './quality.js';

const dir = mkdtempSync(path.join(tmpdir(), 'balcao-quality-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('balcao quality (CLI functions)', () => {
  it('document --json prints exactly score, passed, measures, reasons', async () => {
    const file = path.join(dir, 'passport.png');
    writeFileSync(file, (await renderPage({ kind: 'td3-passport', seed: 4, problems: { skewDegrees: 4 } })).bytes);
    const { output, result } = await qualityDocument(file, { type: 'td3', json: true });
    const printed = JSON.parse(output) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(['score', 'passed', 'measures', 'reasons']);
    expect(printed['passed']).toBe(false);
    expect(result.reasons.map((r) => r.code)).toEqual(['skewed']);
    expect((printed['measures'] as Record<string, number>)['effectiveDpi']).toBeCloseTo(300, 0);
  });

  it('document without --json prints readable lines', async () => {
    const file = path.join(dir, 'card.jpg');
    writeFileSync(file, (await renderPage({ kind: 'id1-card', seed: 2, format: 'jpeg', mode: 'color' })).bytes);
    const { output } = await qualityDocument(file, { type: 'id1' });
    expect(output).toMatch(/^score \d+ — passed\n/);
    expect(output).toMatch(/effectiveDpi\s+300/);
  });

  it('fingerprint --json carries NIST measure names', async () => {
    const { output } = await qualityFingerprint('test/fixtures/nfiq2/SFinGe_Test02.png', { json: true });
    const printed = JSON.parse(output) as { score: number; passed: boolean; measures: Record<string, number> };
    expect(Object.keys(printed)).toEqual(['score', 'passed', 'measures', 'reasons']);
    expect(printed.score).toBeGreaterThanOrEqual(40);
    expect(printed.passed).toBe(true);
    expect(printed.measures).toHaveProperty('OCL_Bin10_Mean');
    expect(printed.measures).toHaveProperty('Mu');
  });

  it('errors are sentences: missing file, not an image, unknown type', async () => {
    const missing = path.join(dir, 'nope.png');
    const noFile = await qualityDocument(missing, { type: 'a4' }).catch((e: unknown) => e);
    expect(noFile).toBeInstanceOf(CliError);
    expect((noFile as CliError).exitCode).toBe(64);
    expect((noFile as CliError).message).toContain(missing);
    const junk = path.join(dir, 'junk.png');
    writeFileSync(junk, 'this is not an image');
    const notImage = await qualityFingerprint(junk).catch((e: unknown) => e);
    expect(notImage).toBeInstanceOf(CliError);
    expect((notImage as CliError).message).toContain(junk);
    await expect(qualityDocument(junk, { type: 'a5' })).rejects.toThrow(/No document type a5; use one of: a4, id1, td3/);
  });
});
