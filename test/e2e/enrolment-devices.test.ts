/**
 * Device problems in a real enrolment in the browser shell (issue 6, item
 * 10): `balcao serve --demo` runs as its own process with the simulator
 * knobs in its environment (docs/enrolment.md, "With the simulators"), so
 * nothing in the UI is hidden or faked:
 *   (d) the signature pad is not approved (an administrator withdrew the
 *       station's approval before the applicant came): signing the consent
 *       names the pad and says an administrator must approve it; the
 *       administrator signs in at the desk (the operator's session gives
 *       way), approves it on the contract and signs out; the operator signs
 *       in again and is back at the consent with everything kept;
 *   (b) the signature pad is busy (a test capture started from another
 *       connection) when consent is to be signed: the screen names the pad,
 *       says it is busy and what to do, shows its state change, and Try again
 *       signs the consent once it is free;
 *   (a) the pad loses its cable halfway through the signature
 *       (BALCAO_SIM_UNPLUG=sim-stu:3 — its third capture: the test capture,
 *       the consent, then the signature) and comes back 2.5 s later: the
 *       screen names the pad, says it was disconnected and what to do, shows
 *       it come back; consent and fingers are still there (screen and
 *       CaseView); Try again captures the signature;
 *   (c) the eSCL scanner loses its cable halfway through a page of the
 *       second supporting document (sim-escl:3 — after the identity page and
 *       the first document): the first document's page stays; once the
 *       scanner is back, Try again scans it.
 *   (e) a scarred finger (BALCAO_SIM_SCARRED_FINGERS) fails every attempt:
 *       once the retries are used, the screen offers a force-capture with a
 *       supervisor's credentials; the dialog asks for each missing field,
 *       refuses a wrong password (emptying it), and accepts rui's.
 * The case then reaches review with every step complete, the force-capture
 * among the reasons for approval, and is approved.
 * All simulators unpaced (BALCAO_SIM_UNPACED=1) to keep the run short.
 * Screenshots: test-results/screenshots/device-problems-*.png (the problems 00–05, then the whole flow as device-problems-flow-*).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { CaseView } from '../../app/contract/cases.js';
import type { DeviceView } from '../../app/contract/channels.js';
import { demoPassword } from '../../app/station/demo.js';
import { tempDir } from '../support/temp-station.js';
import { startShell, type ShellProcess } from '../support/shell-process.js';
import { collectConsoleErrors, connectContract, launchBrowser, shot, signIn, simulatorsReady, type ContractClient } from './harness.js';
import { agencyUrlFrom, runEnrolment } from './enrolment-flow.js';

const BACK_MS = 2500;
/** The left middle finger never gives a good print: the retries run out and a supervisor force-captures it. */
const SCARRED = 8;
const knobs = {
  BALCAO_SIM_POOR_FINGERS: '2',
  BALCAO_SIM_SCARRED_FINGERS: String(SCARRED),
  BALCAO_SIM_UNPACED: '1',
  BALCAO_SIM_UNPLUG: `sim-stu:3:${BACK_MS},sim-escl:3:${BACK_MS}`,
};

let browser: Browser;
let shell: ShellProcess;
let contract: ContractClient;
let dir = '';
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  const t = tempDir('balcao-e2e-devices-');
  cleanups.push(t.remove);
  dir = t.dir;
  const saved = Object.fromEntries(Object.keys(knobs).map((k) => [k, process.env[k]]));
  Object.assign(process.env, knobs);
  try {
    shell = await startShell(['--demo', '--data-dir', path.join(dir, 'data')]);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  cleanups.push(() => shell.stop());
  contract = await connectContract(shell.url);
  cleanups.push(() => contract.close());
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await browser?.close();
});

const timeout = 20_000;

describe('device problems in the enrolment', () => {
  it('shows a pad not approved, a busy pad, a pad unplugged mid-signature and a scanner unplugged mid-page clearly, loses nothing, and goes on (approval, Try again); a scarred finger ends in a supervisor’s force-capture', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    cleanups.push(() => context.close());
    const page: Page = await context.newPage();
    const errors = collectConsoleErrors(page);
    const caseView = async () => {
      const id = (await page.getByTestId('case-page').getAttribute('data-case-id')) ?? '';
      return contract.call<CaseView>('cases.get', { caseId: id });
    };
    const seen: Record<string, string> = {};

    /** The problem box: its sentence names the device and says what to do; its status line follows the device. */
    const problem = async (box: Locator, name: string) => {
      await box.waitFor({ timeout });
      // The status line comes with the station's device list; the sentence names the device from then on.
      const status = box.getByTestId(`${name}-status`);
      await status.waitFor({ timeout });
      const message = (await box.getByTestId(`${name}-message`).textContent()) ?? '';
      return { message, status, text: (await box.textContent()) ?? '' };
    };

    // (d) Before the applicant comes: the page's first screen starts the simulators; an administrator withdraws the
    // station's approval of the pad (as after swapping it for one not yet checked) and signs out.
    await page.goto(shell.url);
    await page.getByTestId('login-form').waitFor({ timeout });
    await contract.call('auth.login', { username: 'admin', password: demoPassword });
    await simulatorsReady(contract);
    expect((await contract.call<DeviceView>('devices.revoke', { id: 'sim-stu', password: demoPassword })).status).toBe('not_approved');
    await contract.call('auth.logout', {});

    const result = await runEnrolment(page, {
      url: shell.url,
      agencyUrl: () => agencyUrlFrom(shell.stderr),
      supervisorPassword: demoPassword,
      downloadDir: dir,
      until: 'review',
      shot: (name) => shot(page, name.replace(/^enrolment-/, 'device-problems-flow-')),

      signConsent: async (consent) => {
        // (d) The pad is not approved: nothing is captured from it, and the screen says who can change that.
        await consent.getByTestId('consent-sign').click();
        const refused = consent.getByTestId('consent-device-problem');
        const notApproved = await problem(refused, 'consent-device-problem');
        seen.notApproved = notApproved.message;
        expect(notApproved.message).toMatch(/signature pad \([^)]*STU-540\) is not approved at this station, so nothing is captured from it\. Ask an administrator to approve it on the Devices screen, then try again/);
        expect(await notApproved.status.getAttribute('data-status')).toBe('not_approved');
        expect(notApproved.text).toContain('Everything captured so far in this case is kept.');
        await shot(page, 'device-problems-00-consent-pad-not-approved');
        const before = await caseView();
        expect(before.consent).toBeNull();
        // The administrator comes to the desk, signs in (the operator's session gives way), approves the pad, signs out.
        await contract.call('auth.login', { username: 'admin', password: demoPassword });
        expect((await contract.call<DeviceView>('devices.approve', { id: 'sim-stu', password: demoPassword })).status).toBe('ready');
        await contract.call('auth.logout', {});
        // The operator signs in again and is taken back to the case, at the consent, with nothing lost.
        await signIn(page, 'ana', demoPassword);
        await page.locator(`[data-testid="case-page"][data-case-id="${before.id}"][data-current-step="consent"]`).waitFor({ timeout });
        for (const step of ['identity', 'demographics']) {
          expect(await page.locator(`[data-stepper-step="${step}"]`).getAttribute('data-step-state'), step).toBe('done');
        }
        const after = await caseView();
        expect(after.identity).toEqual(before.identity);
        expect(after.demographics).toEqual(before.demographics);
        expect(after.completed).toEqual(before.completed);

        // (b) The pad busy with a test capture from elsewhere when the applicant is to sign the consent.
        const busy = contract.event<DeviceView>('devices.changed', (d) => d.id === 'sim-stu' && d.status === 'busy');
        const testCapture = contract.call('devices.testCapture', { id: 'sim-stu' });
        await busy;
        await consent.getByTestId('consent-sign').click();
        const box = consent.getByTestId('consent-device-problem');
        const { message, status, text } = await problem(box, 'consent-device-problem');
        seen.busy = message;
        expect(message).toMatch(/signature pad/);
        expect(message).toMatch(/STU-540/);
        expect(message).toMatch(/busy with another capture.*Wait until it is free, then try again/);
        expect(text).toContain('Everything captured so far in this case is kept.');
        await shot(page, 'device-problems-01-consent-pad-busy');
        // The test capture ends; the screen sees the pad free again, and says so.
        await testCapture;
        await box.locator('[data-testid="consent-device-problem-status"][data-status="ready"]').waitFor({ timeout });
        expect(await status.textContent()).toMatch(/STU-540 — ready/);
        expect(await box.getByTestId('consent-device-problem-message').textContent()).toMatch(/connected again and ready: try again/);
        await box.getByTestId('consent-device-problem-retry').click();
        await box.waitFor({ state: 'detached', timeout });
      },

      // (e) The scarred finger: three poor attempts, then a supervisor's force-capture.
      scarredFinger: {
        position: SCARRED,
        maxAttempts: 3,
        force: async (dialog) => {
          const submit = () => dialog.getByTestId('finger-force-submit').click();
          // Each empty field says so, and nothing is sent.
          await submit();
          await dialog.locator('#finger-force-username-error').waitFor({ timeout });
          expect(await dialog.locator('#finger-force-username-error').textContent()).toBe('Enter the supervisor’s username.');
          await dialog.locator('#finger-force-username').fill('rui');
          await submit();
          await dialog.locator('#finger-force-password-error').waitFor({ timeout });
          expect(await dialog.locator('#finger-force-password-error').textContent()).toBe('Enter the supervisor’s password.');
          // A wrong password: refused, the dialog stays, the password is not kept.
          await dialog.locator('#finger-force-password').fill('not-the-password');
          await submit();
          await dialog.getByTestId('finger-force-error').waitFor({ timeout });
          seen.forceRefused = (await dialog.getByTestId('finger-force-error').textContent()) ?? '';
          expect(seen.forceRefused).toContain('Wrong username or password.');
          expect(await dialog.locator('#finger-force-password').inputValue()).toBe('');
          expect((await caseView()).fingers.find((f) => f.position === SCARRED)).toMatchObject({ state: 'pending', needsDecision: true, forcedBy: null });
          await shot(page, 'device-problems-02-force-capture-refused');
          await dialog.locator('#finger-force-password').fill(demoPassword);
          await submit();
        },
      },

      // (a) The pad unplugged halfway through the signature, back BACK_MS later.
      signSignature: async (signature) => {
        const before = await caseView();
        await signature.getByTestId('signature-start').click();
        const box = signature.getByTestId('signature-device-problem');
        const { message, text } = await problem(box, 'signature-device-problem');
        seen.unplugged = message;
        expect(message).toMatch(/signature pad \([^)]*STU-540\) was disconnected\. Check its cable and plug it in again/);
        expect(text).toContain('Everything captured so far in this case is kept.');
        await shot(page, 'device-problems-03-signature-pad-unplugged');
        // Nothing lost: the steps before are still done on screen and in the case.
        for (const step of ['identity', 'demographics', 'consent', 'fingers']) {
          expect(await page.locator(`[data-stepper-step="${step}"]`).getAttribute('data-step-state'), step).toBe('done');
        }
        const during = await caseView();
        expect(during.consent).toEqual(before.consent);
        expect(during.fingers).toEqual(before.fingers);
        expect(during.fingers.filter((f) => f.state === 'captured')).toHaveLength(9);
        expect(during.fingers.find((f) => f.position === SCARRED)).toMatchObject({ state: 'captured', forcedBy: 'rui' });
        expect(during.identity.pages).toEqual(before.identity.pages);
        expect(during.demographics).toEqual(before.demographics);
        expect(during.signature.state).toBe('pending');
        // Plugged back: the station finds it by itself, and the screen says so.
        await box.locator('[data-testid="signature-device-problem-status"][data-status="ready"]').waitFor({ timeout: timeout + BACK_MS });
        expect(await box.getByTestId('signature-device-problem-message').textContent()).toMatch(/connected again and ready: try again/);
        await shot(page, 'device-problems-04-signature-pad-back');
        await box.getByTestId('signature-device-problem-retry').click();
        await signature.locator('[data-testid="signature-result"][data-state="captured"] [data-testid="signature-image"]').waitFor({ timeout });
        expect((await caseView()).signature.state).toBe('captured');
      },

      // (c) The scanner unplugged halfway through a page of the second document.
      scanDocuments: async (documents, required) => {
        const [first, second, ...rest] = required as [string, string, ...string[]];
        await documents.getByTestId(`doc-scan-${first}`).click();
        await documents.locator(`[data-document="${first}"][data-status="satisfied"]`).waitFor({ timeout });
        const firstPages = (await caseView()).documents.pages;
        await documents.getByTestId(`doc-scan-${second}`).click();
        const box = documents.getByTestId('documents-device-problem');
        const { message, text } = await problem(box, 'documents-device-problem');
        seen.scanner = message;
        expect(message).toMatch(/scanner \([^)]*\) was disconnected\. Check its cable and plug it in again/);
        expect(text).toContain('Everything captured so far in this case is kept.');
        expect(await documents.locator(`[data-document="${first}"] .page-card`).count()).toBeGreaterThanOrEqual(1);
        expect((await caseView()).documents.pages).toEqual(firstPages);
        await shot(page, 'device-problems-05-documents-scanner-unplugged');
        await box.locator('[data-testid="documents-device-problem-status"][data-status="ready"]').waitFor({ timeout: timeout + BACK_MS });
        await box.getByTestId('documents-device-problem-retry').click();
        await documents.locator(`[data-document="${second}"][data-status="satisfied"]`).waitFor({ timeout });
        for (const type of rest) {
          await documents.getByTestId(`doc-scan-${type}`).click();
          await documents.locator(`[data-document="${type}"][data-status="satisfied"]`).waitFor({ timeout });
        }
      },
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n--- balcao serve stderr (last 3000 characters) ---\n${shell.stderr().slice(-3000)}`, { cause: error });
    });

    console.log(`enrolment with device problems: ${(result.totalMs / 1000).toFixed(1)} s — ${result.steps.map((s) => `${s.step} ${(s.ms / 1000).toFixed(1)} s`).join(', ')}`);
    expect(Object.keys(seen).sort()).toEqual(['busy', 'forceRefused', 'notApproved', 'scanner', 'unplugged']);
    expect(result.steps.map((s) => s.step)).toEqual(['login', 'start', 'identity', 'demographics', 'consent', 'fingers', 'signature', 'documents', 'review']);
    // Review has everything (runEnrolment checked each step complete there and the approval); the case agrees.
    const final = await caseView();
    expect(final.completed).toEqual(expect.arrayContaining(['identity', 'demographics', 'consent', 'fingers', 'signature', 'documents']));
    expect(final.consent).not.toBeNull();
    expect(final.signature.state).toBe('captured');
    expect(final.documents.checklist.filter((c) => c.required).every((c) => c.satisfied)).toBe(true);
    expect(final.approval.by).toBe('rui');
    expect(final.approval.reasons).toEqual(expect.arrayContaining(['finger_exception', 'force_capture']));
    expect(errors).toEqual([]);
  }, 120_000);
});
