/**
 * Fingerprints by slaps (4-4-2) in the browser shell (Debian's Chromium) with
 * the demo profile's SBI slap-scanner simulator (issue 6 item 6: "slaps where
 * the device supports them"): the technician switches the fingers step to
 * slaps, takes the left four and the right four in one capture each, records
 * — the left middle finger comes out poor while its three slap-mates pass:
 * he sees its quality and reasons and retries that finger alone — takes the
 * right four, records the left thumb as missing, takes the thumbs slap (the
 * device is asked for the right thumb only), and reaches review with all ten
 * slots filled. The simulators run unpaced (BALCAO_SIM_UNPACED). The steps before and after the fingers (MRZ, form, consent,
 * signature, documents) go through the contract, as the page's own calls do:
 * enrolment.test.ts drives them in the UI. Screenshots: test-results/screenshots/slaps-*.png.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { demoPassword } from '../../app/station/demo.js';
import type { CaseView } from '../../app/contract/cases.js';
import { tempDir } from '../support/temp-station.js';
import { startShell, type ShellProcess } from '../support/shell-process.js';
import { chooseLanguage, collectConsoleErrors, connectContract, launchBrowser, shot, signIn, simulatorsReady, type ContractClient } from './harness.js';

let browser: Browser;
let shell: ShellProcess;
const cleanups: (() => unknown)[] = [];
const timeout = 60_000;

/** The poor finger: the left middle finger's first capture (BALCAO_SIM_POOR_FINGERS), in a slap whose other three fingers are good. */
const POOR = 8;
const MISSING = 6;

beforeAll(async () => {
  browser = await launchBrowser();
  const t = tempDir('balcao-e2e-slaps-');
  cleanups.push(t.remove);
  const saved = { poor: process.env.BALCAO_SIM_POOR_FINGERS, unpaced: process.env.BALCAO_SIM_UNPACED };
  process.env.BALCAO_SIM_POOR_FINGERS = String(POOR);
  process.env.BALCAO_SIM_UNPACED = '1';
  try {
    shell = await startShell(['--demo', '--data-dir', path.join(t.dir, 'data')]);
  } finally {
    if (saved.poor === undefined) delete process.env.BALCAO_SIM_POOR_FINGERS;
    else process.env.BALCAO_SIM_POOR_FINGERS = saved.poor;
    if (saved.unpaced === undefined) delete process.env.BALCAO_SIM_UNPACED;
    else process.env.BALCAO_SIM_UNPACED = saved.unpaced;
  }
  cleanups.push(() => shell.stop());
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await browser?.close();
});

/** Identity, form and consent through the contract: the case arrives at the fingers step. */
async function caseAtFingers(api: ContractClient): Promise<CaseView> {
  let view = await api.call<CaseView>('cases.start', { serviceType: 'legalisation', applicantLanguage: 'pt' });
  view = await api.call<CaseView>('cases.readMrz', { caseId: view.id });
  view = await api.call<CaseView>('cases.scanIdentityPage', { caseId: view.id, paper: 'td3' });
  view = await api.call<CaseView>('cases.next', { caseId: view.id });
  view = await api.call<CaseView>('cases.setDemographics', {
    caseId: view.id,
    values: { documentType: 'passport', placeOfBirth: 'Lisboa', phone: '+351 912 345 678', address: 'Rua da Prata 10, 1100-420 Lisboa' },
  });
  view = await api.call<CaseView>('cases.next', { caseId: view.id });
  view = await api.call<CaseView>('cases.captureConsent', { caseId: view.id, language: 'pt' });
  view = await api.call<CaseView>('cases.next', { caseId: view.id });
  expect(view.step).toBe('fingers');
  return view;
}

describe('enrolment by slaps', () => {
  it('takes the ten fingers as left four, right four and thumbs, with one poor finger of a slap retried alone and one exception, and reaches review', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1100 } });
    cleanups.push(() => context.close());
    const page: Page = await context.newPage();
    const errors = collectConsoleErrors(page);

    await page.goto(shell.url);
    await chooseLanguage(page, 'en');
    await signIn(page, 'ana', demoPassword);
    await page.getByTestId('home').waitFor({ timeout });
    const api = await connectContract(shell.url);
    cleanups.push(() => api.close());
    await simulatorsReady(api);
    const start = await caseAtFingers(api);

    await page.goto(`${new URL(shell.url).origin}/enrolment/${start.id}`);
    await page.locator('[data-testid="case-page"][data-current-step="fingers"]').waitFor({ timeout });
    const fingers = page.locator('[data-step="fingers"]');
    // The simulated SBI reader takes slaps: the step offers them; this station's default is one finger at a time.
    await fingers.locator('[data-testid="finger-mode"][data-mode="single"]').waitFor({ timeout });
    await fingers.getByTestId('finger-mode-slap').click();
    const panel = fingers.getByTestId('slap-panel');
    await fingers.locator('[data-testid="slap-panel"][data-slap="left"]').waitFor({ timeout });
    // The hand diagram outlines the slap's four fingers.
    await fingers.getByTestId('hand-slap-outline').waitFor({ timeout });
    expect(await fingers.locator('[data-testid="hand-diagram"] [data-in-slap="true"]').evaluateAll((g) => g.map((e) => e.getAttribute('data-finger')))).toEqual(['7', '8', '9', '10']);
    await shot(page, 'slaps-01-left-ready');

    const slapFinger = (position: number) => panel.locator(`[data-testid="slap-finger"][data-finger="${position}"]`);
    const states = async (positions: number[]) => Promise.all(positions.map((p) => slapFinger(p).getAttribute('data-state')));

    // ── Left four in one capture, with the live preview of the slap. The left middle finger is poor, its slap-mates pass.
    await panel.getByTestId('slap-capture').click();
    await panel.locator('[data-testid="slap-preview"]:not(.preview-canvas--empty)').waitFor({ timeout });
    await shot(page, 'slaps-02-left-preview');
    await panel.getByTestId('slap-retry').waitFor({ timeout });
    expect(await states([7, 8, 9, 10])).toEqual(['captured', 'pending', 'captured', 'captured']);
    for (const p of [7, 9, 10]) expect(await panel.getByTestId(`slap-quality-${p}`).getAttribute('data-passed')).toBe('true');
    const quality = panel.getByTestId(`slap-quality-${POOR}`);
    expect(await quality.getAttribute('data-passed')).toBe('false');
    expect(await quality.locator('[data-reason]').count()).toBeGreaterThan(0);
    const retry = panel.getByTestId('slap-capture');
    expect(await retry.textContent()).toContain('Retry the fingers that failed: Left middle finger');
    await shot(page, 'slaps-03-left-poor-retry');
    let view = await api.call<CaseView>('cases.get', { caseId: start.id });
    expect(view.fingers.find((f) => f.position === POOR)).toMatchObject({ state: 'pending', attempts: 1 });
    // The retry asks the device for that finger alone: the others keep their one attempt.
    await retry.click();
    await fingers.locator('[data-slap-step="left"][data-state="done"]').waitFor({ timeout });
    expect(await states([7, 8, 9, 10])).toEqual(['captured', 'captured', 'captured', 'captured']);
    view = await api.call<CaseView>('cases.get', { caseId: start.id });
    expect(Object.fromEntries(view.fingers.filter((f) => [7, 8, 9, 10].includes(f.position)).map((f) => [f.position, f.attempts]))).toEqual({ 7: 1, 8: 2, 9: 1, 10: 1 });

    // ── Right four.
    await panel.getByTestId('slap-next').click();
    await fingers.locator('[data-testid="slap-panel"][data-slap="right"]').waitFor({ timeout });
    await panel.getByTestId('slap-capture').click();
    await fingers.locator('[data-slap-step="right"][data-state="done"]').waitFor({ timeout });
    expect(await states([2, 3, 4, 5])).toEqual(['captured', 'captured', 'captured', 'captured']);

    // ── Thumbs: the left thumb is missing (recorded before the capture); the device is asked for the right thumb alone.
    await panel.getByTestId('slap-next').click();
    await fingers.locator('[data-testid="slap-panel"][data-slap="thumbs"]').waitFor({ timeout });
    await slapFinger(MISSING).getByTestId('slap-finger-exception').click();
    const dialog = page.getByTestId('finger-exception-dialog');
    await dialog.locator('#finger-exception-reason').selectOption('bandaged');
    await dialog.locator('#finger-exception-note').fill('Plaster cast until next month');
    await dialog.getByTestId('finger-exception-submit').click();
    await panel.locator(`[data-testid="slap-finger"][data-finger="${MISSING}"][data-state="exception"]`).waitFor({ timeout });
    await shot(page, 'slaps-04-thumbs-one-missing');
    await panel.getByTestId('slap-capture').click();
    await panel.locator('[data-testid="slap-finger"][data-finger="1"][data-state="captured"]').waitFor({ timeout });

    // ── All done: the notice with the counts and the next action.
    const complete = fingers.getByTestId('fingers-complete');
    await complete.waitFor({ timeout });
    expect(await complete.textContent()).toContain('All ten fingers done: 9 captured, 1 missing. Press Next to continue.');
    await shot(page, 'slaps-05-all-done');
    view = await api.call<CaseView>('cases.get', { caseId: start.id });
    const attempts = Object.fromEntries(view.fingers.map((f) => [f.position, f.attempts]));
    // One attempt each, two for the retried left middle finger, none for the missing thumb.
    expect(attempts).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 0, 7: 1, 8: 2, 9: 1, 10: 1 });
    expect(view.fingers.every((f) => f.state !== 'pending')).toBe(true);
    expect(view.fingers.filter((f) => f.state === 'captured').every((f) => f.device?.id === 'sim-sbi' && f.image !== null)).toBe(true);

    // ── On to review (signature and documents through the contract), where the ten slots show.
    await page.locator('[data-step] ~ .case-step__footer [data-testid="step-next"], [data-step] [data-testid="step-next"]').first().click();
    await page.locator('[data-testid="case-page"][data-current-step="signature"]').waitFor({ timeout });
    view = await api.call<CaseView>('cases.captureSignature', { caseId: start.id });
    view = await api.call<CaseView>('cases.next', { caseId: start.id });
    for (const item of view.documents.checklist.filter((c) => c.required)) view = await api.call<CaseView>('cases.scanDocument', { caseId: start.id, type: item.type });
    view = await api.call<CaseView>('cases.next', { caseId: start.id });
    expect(view.step).toBe('review');
    await page.reload();
    const review = page.locator('[data-step="review"]');
    await review.waitFor({ timeout });
    expect(await review.locator('[data-review="fingers"]').getAttribute('data-complete')).toBe('true');
    for (let p = 1; p <= 10; p++) {
      expect(await review.locator(`[data-review="fingers"] [data-finger="${p}"]`).getAttribute('data-state')).toBe(p === MISSING ? 'exception' : 'captured');
    }
    await review.getByTestId('approval').locator('[data-reason="finger_exception"]').waitFor({ timeout });
    await shot(page, 'slaps-06-review');
    expect(errors).toEqual([]);
  }, 240_000);
});
