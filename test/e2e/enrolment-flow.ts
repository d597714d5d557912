/**
 * One whole enrolment in the browser shell, step by step, as a technician
 * does it: shared by the end-to-end test (test/e2e/enrolment.test.ts) and
 * the enrolment benchmark (bench/enrolment.bench.ts). Every step checks
 * what the screen shows before moving on and throws (FlowError) when it is
 * not what it should be, so a test or a bench run fails at the step that
 * broke; each step's duration is kept for the bench.
 *
 * Expects the demo simulators with BALCAO_SIM_POOR_FINGERS=2 (the first
 * capture of the right index is poor: one retry) and the pad's default
 * script (sign_accept: the simulated applicant signs and taps Accept).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Locator, Page } from 'playwright-core';
import { chooseLanguage, signIn } from './harness.js';

export class FlowError extends Error {}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new FlowError(message);
}

export interface FlowOptions {
  /** The shell's address with its launch token (startShell().url). */
  url: string;
  /** Where the demo's agency simulator listens (stderr: "Agency simulator (demo): …"). */
  agencyUrl: () => Promise<string>;
  /** The demo supervisor's password (app/station/demo.ts). */
  supervisorPassword: string;
  /** Folder for the downloaded receipt PDF. */
  downloadDir: string;
  /** Screenshot hook (the test saves artefacts; the bench passes nothing). */
  shot?: (name: string) => Promise<void>;
  /** Called on the fingers step after five fingers, before the rest (the test reloads the page there). */
  midFingers?: () => Promise<void>;
  /** Called on the fingers step with the running capture (the test looks at the live preview). */
  duringFirstCapture?: () => Promise<void>;
  /** Signatures taken on the signature step (the later ones as retakes); default 1. The ink bench takes more. */
  signatureRounds?: number;
  /** Load the case page again with this query once the case is open (the bench: "?bench=1"). */
  openCaseWith?: string;
  /** Called after each step (untimed); the bench reads the page's probes there, before the queue step leaves the page. */
  afterStep?: (step: string) => Promise<void>;
  /** How long a single step may take (default 60 s). */
  stepTimeoutMs?: number;
  /**
   * Replaces the consent step's "Sign" click (the device tests: a busy pad
   * first); must leave a consent capture started or done. The flow then
   * waits for the consent record as usual.
   */
  signConsent?: (consent: Locator) => Promise<void>;
  /** Replaces the signature step's rounds (the device tests: the pad unplugged mid-signature, then a retry); must end with a captured signature. */
  signSignature?: (signature: Locator) => Promise<void>;
  /** Replaces the scans of the documents step (the device tests: the scanner unplugged mid-page); must leave every required item satisfied. */
  scanDocuments?: (documents: Locator, required: string[]) => Promise<void>;
  /**
   * A finger that never gives a good print (the station started with BALCAO_SIM_SCARRED_FINGERS=<position>,
   * one of 6–9): the flow captures it once and the screen retries by itself until the retries run out; the flow checks the screen offers no more captures
   * but a supervisor's force-capture, opens that dialog and hands it to `force`, which must force-capture
   * the finger (the dialog closes, the screen moves on).
   */
  scarredFinger?: { position: number; maxAttempts: number; force: (dialog: Locator) => Promise<void> };
  /** Stop after this step (the device tests stop once review shows everything, approved, before the seal). */
  until?: 'review';
}

export interface FlowResult {
  caseId: string;
  packetId: string;
  receiptText: string;
  agencyStatus: string;
  steps: { step: string; ms: number }[];
  totalMs: number;
}

/** Positions (ISO/IEC 19794-4) in the screen's order; 10, the left little finger, is recorded as missing. */
const MISSING_FINGER = 10;
const POOR_FINGER = 2;

export async function runEnrolment(page: Page, options: FlowOptions): Promise<FlowResult> {
  const timeout = options.stepTimeoutMs ?? 60_000;
  const shot = options.shot ?? (async () => undefined);
  const steps: { step: string; ms: number }[] = [];
  const started = performance.now();
  let mark = started;
  const done = async (step: string) => {
    steps.push({ step, ms: performance.now() - mark });
    await options.afterStep?.(step);
    mark = performance.now();
  };
  const casePage = page.getByTestId('case-page');
  const atStep = (step: string) => page.locator(`[data-testid="case-page"][data-current-step="${step}"]`).waitFor({ timeout });
  const next = async (to: string) => {
    await page.locator('[data-step] ~ .case-step__footer [data-testid="step-next"], [data-step] [data-testid="step-next"]').first().click();
    await atStep(to);
  };

  // ── Sign in (ana, the operator) and open the enrolment screen from home.
  await page.goto(options.url);
  await chooseLanguage(page, 'en');
  await signIn(page, 'ana', options.supervisorPassword);
  await page.getByTestId('home').waitFor({ timeout });
  await shot('enrolment-01-home');
  await page.locator('a.activity-card[href="/enrolment"]').click();
  await page.getByTestId('enrolment-start').waitFor({ timeout });
  await done('login');

  // ── Start: the applicant speaks Ukrainian; residence legalisation (all eight steps).
  await page.locator('#applicant-language').selectOption('uk');
  await page.getByTestId('service-legalisation').waitFor({ timeout });
  await shot('enrolment-02-start');
  await page.getByTestId('service-legalisation').click();
  await atStep('identity');
  const caseId = (await casePage.getAttribute('data-case-id')) ?? '';
  check(/^[a-z0-9-]+$/.test(caseId), `the case page names no case id (got "${caseId}")`);
  check((await page.locator('#case-applicant-language').inputValue()) === 'uk', 'the case did not keep the applicant language chosen at the start (uk)');
  if (options.openCaseWith !== undefined) {
    // The case page loaded afresh with a query (the bench's ?bench=1: the capture screens' probes are made when their code loads).
    await page.goto(`${page.url().split(/[?#]/)[0] as string}${options.openCaseWith}`);
    await atStep('identity');
  }
  await done('start');

  // ── Identity: the MRZ from the reader, the data page from the scanner, the agency's answers.
  const identity = page.locator('[data-step="identity"]');
  await identity.getByTestId('read-mrz').click();
  await identity.locator('[data-testid="mrz-result"][data-valid="true"]').waitFor({ timeout });
  const mrzText = (await identity.getByTestId('mrz-result').textContent()) ?? '';
  check(mrzText.includes('CONCEICAO<SIMOES'), `the MRZ read shows no CONCEICAO<SIMOES line: ${mrzText.slice(0, 200)}`);
  const documentNumber = ((await identity.locator('[data-mrz-field="documentNumber"] dd').textContent()) ?? '').trim();
  check(documentNumber.length > 0, 'the MRZ shows no document number');
  await identity.getByTestId('scan-identity-page').click();
  await identity.locator('[data-testid="identity-page"] img').waitFor({ timeout });
  // The demo's agency starts after the first screen (balcao serve): a technician asking it this early waits for it.
  await options.agencyUrl();
  await identity.getByTestId('verify').click();
  await identity.getByTestId('verification').waitFor({ timeout });
  const identityMatch = await identity.getByTestId('verification-identity').getAttribute('data-match');
  const documentStatus = await identity.getByTestId('verification-document').getAttribute('data-status');
  check(identityMatch !== 'error' && documentStatus !== 'error', `the agency lookups failed (identity ${identityMatch}, document ${documentStatus})`);
  await shot('enrolment-03-identity');
  await next('demographics');
  await done('identity');

  // ── Demographics: prefilled from the MRZ; a surname typed differently shows the mismatch; take the MRZ's.
  const form = page.getByTestId('demographics-form');
  const surname = form.locator('#demo-surname');
  const prefilled = await surname.inputValue();
  check(prefilled === 'CONCEICAO SIMOES', `the surname was not prefilled from the MRZ (got "${prefilled}")`);
  check((await form.locator('#demo-documentNumber').inputValue()) === documentNumber, 'the document number was not prefilled from the MRZ');
  await surname.fill('Conceição Silva');
  await surname.blur();
  const mismatch = form.getByTestId('mismatch-surname');
  await mismatch.waitFor({ timeout });
  check(((await mismatch.textContent()) ?? '').includes('CONCEICAO SIMOES'), 'the surname mismatch does not show the MRZ value');
  check((await form.getByTestId('mrz-form-surname').textContent())?.includes('CONCEICAO SILVA') === true, 'the typed surname is not shown in its MRZ form');
  await shot('enrolment-04-demographics-mismatch');
  await mismatch.getByRole('button', { name: 'Use the MRZ value' }).click();
  await mismatch.waitFor({ state: 'detached', timeout });
  check((await surname.inputValue()) === 'CONCEICAO SIMOES', 'taking the MRZ value did not put it in the surname field');
  await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout });
  await form.locator('#demo-documentType').selectOption('passport');
  await form.locator('#demo-placeOfBirth').fill('Lisboa');
  await form.locator('#demo-phone').fill('+351 912 345 678');
  await form.locator('#demo-address').fill('Rua da Prata 10, 1100-420 Lisboa');
  await form.locator('#demo-address').blur();
  await shot('enrolment-05-demographics');
  await form.getByTestId('step-next').click();
  await atStep('consent');
  await done('demographics');

  // ── Consent: the text in Ukrainian, signed on the pad (the simulated applicant signs and taps Accept).
  const consent = page.locator('[data-step="consent"]');
  const consentText = consent.getByTestId('consent-text');
  await consent.locator('[data-testid="consent-text"][lang="uk"] h2').waitFor({ timeout });
  const version = (await consentText.getAttribute('data-version')) ?? '';
  check(version !== '', 'the consent text has no version');
  check(/[\u0400-\u04ff]{4,}/.test((await consentText.textContent()) ?? ''), 'the consent text is not in Ukrainian (no Cyrillic)');
  if (options.signConsent) {
    await options.signConsent(consent);
  } else {
    await consent.getByTestId('consent-sign').click();
    await consent.getByTestId('consent-capture').waitFor({ timeout });
    await shot('enrolment-06-consent-signing');
  }
  const record = consent.locator('[data-testid="consent-record"]');
  await record.waitFor({ timeout });
  check((await record.getAttribute('data-language')) === 'uk', 'the consent was not recorded in Ukrainian');
  check((await record.getAttribute('data-version')) === version, 'the consent record has another version than the text shown');
  await record.locator('img').waitFor({ timeout });
  await shot('enrolment-07-consent-signed');
  await next('fingers');
  await done('consent');

  // ── Fingers: ten in sequence; the right index's first capture is poor (one retry); the left little is missing.
  const fingers = page.locator('[data-step="fingers"]');
  const thumb = (position: number) => fingers.locator(`[data-thumb="${position}"]`);
  const thumbState = (position: number) => thumb(position).getAttribute('data-state');
  const captureFinger = async (position: number, expect: 'captured' | 'retry') => {
    check((await fingers.getByTestId('finger-panel').getAttribute('data-finger')) === String(position), `the fingers screen is not on position ${position}`);
    await fingers.getByTestId('finger-capture').click();
    if (position === 1 && options.duringFirstCapture) await options.duringFirstCapture();
    if (expect === 'captured') {
      await fingers.locator(`[data-thumb="${position}"][data-state="captured"]`).waitFor({ timeout });
    } else {
      await fingers.getByTestId('finger-retry').waitFor({ timeout });
      const quality = fingers.getByTestId('finger-quality');
      check((await quality.textContent())?.length, `finger ${position}: the poor capture shows no quality`);
    }
  };
  for (const position of [1, 2, 3, 4, 5]) {
    if (position === POOR_FINGER) {
      await captureFinger(position, 'retry');
      check((await fingers.getByTestId('finger-attempts').textContent())?.includes('1'), 'the poor attempt is not counted');
      await shot('enrolment-08-fingers-poor-retry');
    }
    await captureFinger(position, 'captured');
    if (position === 1) await shot('enrolment-09-fingers-first');
  }
  await options.midFingers?.();
  const scarred = options.scarredFinger;
  for (const position of [6, 7, 8, 9]) {
    if (scarred?.position !== position) {
      await captureFinger(position, 'captured');
      continue;
    }
    // The first attempt by hand; after each poor one the screen starts the next by itself (cases.fingerAutoRetryMs,
    // 1.5 s by default), so nothing is clicked until the retries are used.
    check((await fingers.getByTestId('finger-panel').getAttribute('data-finger')) === String(position), `the fingers screen is not on position ${position}`);
    await fingers.getByTestId('finger-capture').click();
    for (let attempt = 1; attempt <= scarred.maxAttempts; attempt++) {
      await fingers.getByTestId('finger-attempts').filter({ hasText: new RegExp(`\\b${attempt} of ${scarred.maxAttempts}\\b`) }).waitFor({ timeout });
      if (attempt === 1) {
        await fingers.getByTestId('finger-auto-retry').waitFor({ timeout });
        await shot('enrolment-10a-fingers-auto-retry');
      }
    }
    await fingers.getByTestId('finger-decision').waitFor({ timeout });
    check((await fingers.getByTestId('finger-capture').count()) === 0, `finger ${position}: another capture is offered after the last retry`);
    await shot('enrolment-10b-fingers-retries-used');
    await fingers.getByTestId('finger-force').click();
    const forceDialog = page.getByTestId('finger-force-dialog');
    await forceDialog.waitFor({ timeout });
    await scarred.force(forceDialog);
    await forceDialog.waitFor({ state: 'detached', timeout });
    await fingers.locator(`[data-thumb="${position}"][data-state="captured"]`).waitFor({ timeout });
  }
  check((await fingers.getByTestId('finger-panel').getAttribute('data-finger')) === String(MISSING_FINGER), 'the fingers screen did not move on to the left little finger');
  await fingers.getByTestId('finger-exception-open').click();
  const dialog = page.getByTestId('finger-exception-dialog');
  await dialog.waitFor({ timeout });
  await dialog.locator('#finger-exception-reason').selectOption('amputated');
  await dialog.locator('#finger-exception-note').fill('Lost in an accident in 2019');
  await shot('enrolment-10-fingers-exception');
  await dialog.getByTestId('finger-exception-submit').click();
  await dialog.waitFor({ state: 'detached', timeout });
  await fingers.locator(`[data-thumb="${MISSING_FINGER}"][data-state="exception"]`).waitFor({ timeout });
  // The last finger settled: the screen says so (announced) and every thumb is settled.
  await fingers.locator('[data-testid="finger-exception"]').waitFor({ timeout });
  check(/^10 of 10\b/.test((await fingers.getByTestId('fingers-progress').textContent()) ?? ''), 'the progress does not say ten of ten');
  for (let position = 1; position <= 9; position++) check((await thumbState(position)) === 'captured', `finger ${position} is not captured`);
  // The missing finger's panel shows the exception, not an empty picture and an attempt count.
  check((await fingers.getByTestId('finger-attempts').count()) === 0, 'the missing finger still shows an attempt count');
  await shot('enrolment-11-fingers-done');
  await next('signature');
  await done('fingers');

  // ── Signature on the pad.
  const signature = page.locator('[data-step="signature"]');
  const result = signature.locator('[data-testid="signature-result"][data-state="captured"]');
  if (options.signSignature) await options.signSignature(signature);
  for (let round = 1; round <= (options.signSignature ? 0 : (options.signatureRounds ?? 1)); round++) {
    await signature.getByTestId('signature-start').click();
    // While the applicant writes, the result gives way to the live ink.
    await signature.getByTestId('signature-ink').waitFor({ timeout });
    await result.waitFor({ timeout });
    await result.getByTestId('signature-image').waitFor({ timeout });
    check((await signature.getByTestId('signature-attempts').textContent())?.includes(String(round)), `the signature step does not count attempt ${round}`);
  }
  check((await signature.getByTestId('signature-quality').textContent())?.length, 'the signature shows no quality');
  await shot('enrolment-12-signature');
  await next('documents');
  await done('signature');

  // ── Documents: every required item of the checklist scanned.
  const documents = page.locator('[data-step="documents"]');
  await documents.getByTestId('documents-missing').waitFor({ timeout });
  const required = await documents.locator('[data-document][data-status="missing"]').evaluateAll((items) => items.map((i) => i.getAttribute('data-document') ?? ''));
  check(required.length >= 3 && required.includes('passport'), `the legalisation checklist asks for ${required.join(', ')}`);
  if (options.scanDocuments) await options.scanDocuments(documents, required);
  for (const type of options.scanDocuments ? [] : required) {
    await documents.getByTestId(`doc-scan-${type}`).click();
    await documents.locator(`[data-document="${type}"][data-status="satisfied"]`).waitFor({ timeout });
    check((await documents.locator(`[data-document="${type}"] .page-card`).count()) >= 1, `${type}: no page shown after the scan`);
  }
  await documents.getByTestId('documents-complete').waitFor({ timeout });
  await shot('enrolment-13-documents');
  await next('review');
  await done('documents');

  // ── Review: everything there; the missing finger needs a supervisor (rui); seal.
  const review = page.locator('[data-step="review"]');
  for (const step of ['identity', 'demographics', 'consent', 'fingers', 'signature', 'documents']) {
    check((await review.locator(`[data-review="${step}"]`).getAttribute('data-complete')) === 'true', `review: ${step} is not complete`);
  }
  check((await review.locator('[data-review="demographics"] [data-field="surname"]').textContent())?.includes('CONCEICAO SIMOES'), 'review: the surname is not the one taken from the MRZ');
  check((await review.locator(`[data-review="fingers"] [data-finger="${MISSING_FINGER}"]`).getAttribute('data-state')) === 'exception', 'review: the missing finger is not shown as an exception');
  const approval = review.getByTestId('approval');
  await approval.locator('[data-reason="finger_exception"]').waitFor({ timeout });
  await review.getByTestId('seal-blocked').waitFor({ timeout });
  await shot('enrolment-14-review-approval-needed');
  await approval.locator('#approval-username').fill('rui');
  await approval.locator('#approval-password').fill(options.supervisorPassword);
  await approval.getByTestId('approve').click();
  await review.locator('[data-testid="approval"][data-approved="true"]').waitFor({ timeout });
  check((await approval.textContent())?.includes('rui'), 'the approval does not name the supervisor');
  check((await review.getByTestId('seal-blocked').count()) === 0, 'seal is still blocked after the approval');
  await shot('enrolment-15-review-approved');
  await done('review');
  if (options.until === 'review') return { caseId, packetId: '', receiptText: '', agencyStatus: '', steps, totalMs: performance.now() - started };

  await review.getByTestId('seal').click();
  await atStep('receipt');
  const receiptCard = page.getByTestId('receipt');
  await receiptCard.waitFor({ timeout });
  const packetId = (await receiptCard.getAttribute('data-packet-id')) ?? '';
  check(/^\d{29}$/.test(packetId), `the receipt step shows no 29-digit registration id (got "${packetId}")`);
  check((await page.getByTestId('packet-id').textContent())?.trim() === packetId, 'the registration id shown differs from the packet id');
  check((await casePage.getAttribute('data-status')) === 'sealed', 'the case is not sealed');
  await shot('enrolment-16-receipt');
  await done('seal');

  // ── The acknowledgement receipt, fetched as the page does (Download), read back with pdftotext.
  const [download] = await Promise.all([page.waitForEvent('download', { timeout }), page.getByTestId('receipt-download').click()]);
  const pdfPath = path.join(options.downloadDir, download.suggestedFilename() || `${packetId}.pdf`);
  await download.saveAs(pdfPath);
  const pdf = readFileSync(pdfPath);
  check(pdf.subarray(0, 5).toString('latin1') === '%PDF-', 'the receipt is not a PDF');
  const receiptText = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
  // The id may be printed in groups: compare digits only.
  check(receiptText.replace(/\D/g, '').includes(packetId), `pdftotext does not find the registration id ${packetId} in the receipt`);
  await done('receipt');

  // ── The outbox worker uploads it; the agency simulator checks it and signs an ACCEPTED receipt.
  const agency = await options.agencyUrl();
  let agencyStatus = '';
  let lastAnswer = '';
  // Upload, the agency's checks and the worker's backoff (2 s, doubling) on a loaded machine: twice a step's time.
  const deadline = Date.now() + 2 * timeout;
  while (Date.now() < deadline) {
    const response = await fetch(new URL(`v1/packets/${packetId}/receipt`, agency), { headers: { Authorization: 'Bearer demo-station-token' } });
    if (response.status === 200) {
      const jws = await response.text();
      const payload = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as { packetId: string; status: string };
      check(payload.packetId === packetId, `the agency's receipt is for ${payload.packetId}, not ${packetId}`);
      agencyStatus = payload.status;
      break;
    }
    lastAnswer = `HTTP ${response.status} ${(await response.text()).slice(0, 200)}`;
    await new Promise((r) => setTimeout(r, 200));
  }
  check(agencyStatus === 'ACCEPTED', `the agency simulator's receipt for ${packetId} says "${agencyStatus || `nothing within ${(2 * timeout) / 1000} s (last answer: ${lastAnswer})`}"`);
  await done('agency-accepted');

  // ── And the station knows: the supervisor's queue shows the packet acknowledged (or already purged).
  await page.getByTestId('logout').click();
  await signIn(page, 'rui', options.supervisorPassword);
  // Signed in again, the shell returns to where the operator signed out (the sealed case): the queue is a page away.
  await page.getByTestId('logout').waitFor({ timeout });
  await page.goto(new URL('/outbox', options.url).toString());
  await page.getByTestId('outbox-table').waitFor({ timeout });
  const row = page.locator(`[data-testid="outbox-row"][data-packet-id="${packetId}"]`);
  await page.locator(`[data-testid="outbox-row"][data-packet-id="${packetId}"]:is([data-state="acknowledged"], [data-state="purged"])`).waitFor({ timeout });
  check(['acknowledged', 'purged'].includes((await row.getAttribute('data-state')) ?? ''), 'the queue does not show the packet acknowledged');
  await shot('enrolment-17-queue-acknowledged');
  await done('queue');

  return { caseId, packetId, receiptText, agencyStatus, steps, totalMs: performance.now() - started };
}

/** Waits for the demo agency simulator's address on the shell's stderr. */
export async function agencyUrlFrom(stderr: () => string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /Agency simulator \(demo\): (\S+)/.exec(stderr());
    if (match) return (match[1] as string).endsWith('/') ? (match[1] as string) : `${match[1] as string}/`;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new FlowError(`the demo agency simulator printed no address in ${timeoutMs} ms; stderr: ${stderr()}`);
}
