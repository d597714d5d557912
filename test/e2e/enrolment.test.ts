/**
 * The whole front-desk enrolment in the browser shell (Debian's Chromium)
 * with the demo profile's simulators, from the operator's sign-in to the
 * agency simulator's ACCEPTED receipt (issue 6, item 11): the MRZ read and a
 * typed surname corrected from it, consent in Ukrainian signed on the pad,
 * ten fingers with one poor first capture retried and one recorded missing,
 * a page reload in the middle of the fingers that loses nothing, the
 * signature, the service's required documents, a supervisor's approval at
 * review, the seal, the receipt PDF, and the packet acknowledged in the
 * supervisor's queue. Screenshots of every step: test-results/screenshots/enrolment-*.png.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { demoPassword } from '../../app/station/demo.js';
import { tempDir } from '../support/temp-station.js';
import { startShell, type ShellProcess } from '../support/shell-process.js';
import { collectConsoleErrors, launchBrowser, shot } from './harness.js';
import { agencyUrlFrom, check, runEnrolment } from './enrolment-flow.js';


let browser: Browser;
let shell: ShellProcess;
let dir = '';
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  const t = tempDir('balcao-e2e-enrolment-');
  cleanups.push(t.remove);
  dir = t.dir;
  // The simulated readers give the right index (position 2) a poor first capture: one retry, no hidden control.
  // Unpaced simulators (BALCAO_SIM_UNPACED): the flow is the same, without the devices' real waits; the paced flow
  // is what `npm run bench -- enrolment` times, and enrolment-devices.test.ts keeps the pad paced.
  const saved = { poor: process.env.BALCAO_SIM_POOR_FINGERS, unpaced: process.env.BALCAO_SIM_UNPACED };
  process.env.BALCAO_SIM_POOR_FINGERS = '2';
  process.env.BALCAO_SIM_UNPACED = '1';
  try {
    shell = await startShell(['--demo', '--data-dir', path.join(dir, 'data')]);
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

describe('enrolment', () => {
  it('takes an applicant from sign-in to the agency’s ACCEPTED receipt, with a retry, a missing finger, an MRZ correction, a reload and an approval', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    cleanups.push(() => context.close());
    const page: Page = await context.newPage();
    const errors = collectConsoleErrors(page);
    // A failed request shows in the console as a bare "Failed to load resource": keep which one it was.
    const failedRequests: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });

    const result = await runEnrolment(page, {
      url: shell.url,
      agencyUrl: () => agencyUrlFrom(shell.stderr),
      supervisorPassword: demoPassword,
      downloadDir: dir,
      shot: (name) => shot(page, name),
      duringFirstCapture: async () => {
        // The live preview: frames from the SBI simulator painted on the canvas while the finger settles.
        const canvas = page.locator('[data-testid="finger-preview"]:not(.preview-canvas--empty)');
        await canvas.waitFor({ timeout: 20_000 });
        const size = await canvas.evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
        check((size[0] ?? 0) > 0 && (size[1] ?? 0) > 0, 'the preview canvas has no frame');
        await shot(page, 'enrolment-09a-fingers-live-preview');
      },
      midFingers: async () => {
        // A reload in the middle of the fingers: the same case, the same step, the five fingers still there.
        const caseUrl = page.url();
        await page.reload();
        await page.locator('[data-testid="case-page"][data-current-step="fingers"]').waitFor({ timeout: 20_000 });
        expect(page.url()).toBe(caseUrl);
        expect(await page.getByTestId('case-applicant').textContent()).toContain('CONCEICAO SIMOES');
        for (const position of [1, 2, 3, 4, 5]) {
          await page.locator(`[data-thumb="${position}"][data-state="captured"] img.finger-image`).waitFor({ timeout: 20_000 });
        }
        expect(await page.getByTestId('finger-panel').getAttribute('data-finger')).toBe('6');
        expect(await page.locator('[data-stepper-step="consent"]').getAttribute('data-step-state')).toBe('done');
        await shot(page, 'enrolment-09b-fingers-after-reload');
      },
    }).catch((error: unknown) => {
      // The station's own account of what went wrong (outbox, devices) goes with the failure.
      throw new Error(`${(error as Error).message}\n--- balcao serve stderr (last 3000 characters) ---\n${shell.stderr().slice(-3000)}`, { cause: error });
    });

    console.log(`enrolment e2e: ${(result.totalMs / 1000).toFixed(1)} s — ${result.steps.map((s) => `${s.step} ${(s.ms / 1000).toFixed(1)} s`).join(', ')}`);
    expect(result.agencyStatus).toBe('ACCEPTED');
    expect(result.receiptText.replace(/\D/g, '')).toContain(result.packetId);
    // Every part of the way happened (the flow throws at the step that broke; this names them all).
    expect(result.steps.map((s) => s.step)).toEqual(['login', 'start', 'identity', 'demographics', 'consent', 'fingers', 'signature', 'documents', 'review', 'seal', 'receipt', 'agency-accepted', 'queue']);
    // Nothing failed to load (the icon once did after a reload at /enrolment/<id>, when it was linked relatively).
    expect(failedRequests).toEqual([]);
    expect(errors).toEqual([]);
  }, 240_000);
});
