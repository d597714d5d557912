/**
 * The technicians' devices screen in the browser shell (Debian's Chromium):
 * simulated devices ready, a test capture showing the fingerprint image, a
 * device that is not approved refusing to capture, and an administrator
 * approving it — seen live, without a reload, in another window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { en } from '../../renderer/src/i18n/locales/en.js';
import { pt } from '../../renderer/src/i18n/locales/pt.js';
import { tempDir } from '../support/temp-station.js';
import { startShell, writeStationConfig, type ShellProcess } from '../support/shell-process.js';
import { chooseLanguage, collectConsoleErrors, launchBrowser, shot, signIn } from './harness.js';

let browser: Browser;
let shell: ShellProcess;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  const t = tempDir('balcao-e2e-devices-');
  cleanups.push(t.remove);
  // The demo profile (three simulators, approved by the seeded admin approval) plus one more simulated
  // fingerprint module that nobody has approved.
  const config = writeStationConfig(t.dir, (c) => ({
    ...c,
    devices: { ...c.devices, simulate: true, list: [{ id: 'spare-ef01', driver: 'ef01', address: 'sim:ef01-spare' }] },
  }));
  shell = await startShell(['--config', config]);
  cleanups.push(() => shell.stop());
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await browser?.close();
});

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  return { page, errors: collectConsoleErrors(page) };
}

const status = (page: Page, id: string) => page.getByTestId(`device-status-${id}`).getAttribute('data-status');

describe('devices screen', () => {
  it('shows the simulators ready, takes a test capture, refuses an unapproved device, and updates live when an admin approves it', async () => {
    const { page, errors } = await newPage();
    await page.goto(shell.url);
    await chooseLanguage(page, 'en');
    await signIn(page, 'ana', 'balcao-demo');
    await page.getByTestId('home').waitFor();
    // The operator reaches it from the home screen's activity tile.
    await page.locator('a.activity-card[href="/devices"]').click();
    await page.getByTestId('devices-list').waitFor();
    // The simulators open behind the station's start; each turns ready on the screen as it does.
    for (const id of ['sim-ef01', 'sim-gt5xx', 'sim-mrz-desko', 'sim-stu', 'sim-sane', 'sim-escl', 'sim-sbi']) {
      await page.locator(`[data-testid="device-status-${id}"][data-status="ready"]`).waitFor({ timeout: 20_000 });
    }
    expect(await page.getByTestId('device-status-sim-ef01').textContent()).toContain(en.devices.status.ready);
    expect(await page.getByTestId('device-approval-sim-ef01').textContent()).toBe(en.devices.approvedByAdmin.replace('{{username}}', 'admin'));
    expect(await page.getByTestId('devices-agency-list').textContent()).toBe(en.devices.agencyList.none);
    await shot(page, 'devices-01-operator');

    // A test capture on the fingerprint reader shows the image.
    await page.getByTestId('device-test-sim-ef01').click();
    const image = page.getByTestId('device-image-sim-ef01');
    await image.waitFor({ timeout: 20_000 });
    expect(await image.evaluate((img: HTMLImageElement) => [img.complete, img.naturalWidth, img.naturalHeight])).toEqual([true, 256, 288]);
    expect(await page.getByTestId('device-result-sim-ef01').textContent()).toContain('256 × 288');
    expect(await status(page, 'sim-ef01')).toBe('ready');

    // And the MRZ reader reads the simulated passport.
    await page.getByTestId('device-test-sim-mrz-desko').click();
    await page.getByTestId('device-result-sim-mrz-desko').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('device-result-sim-mrz-desko').textContent()).toContain('CB1234567');
    // The signature pad: the simulated signer writes; the strokes come back as an image.
    await page.getByTestId('device-test-sim-stu').click();
    await page.getByTestId('device-image-sim-stu').waitFor({ timeout: 40_000 });
    expect(await page.getByTestId('device-result-sim-stu').getAttribute('data-kind')).toBe('signature');
    // SANE's test backend: a page.
    await page.getByTestId('device-test-sim-sane').click();
    const scanned = page.getByTestId('device-image-sim-sane');
    await scanned.waitFor({ timeout: 30_000 });
    expect(await scanned.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(300);
    await shot(page, 'devices-02-test-captures');

    // The extra module is not approved: listed, but the station refuses to capture from it, in the operator's language.
    expect(await status(page, 'spare-ef01')).toBe('not_approved');
    expect(await page.getByTestId('device-approve-spare-ef01').count()).toBe(0);
    await page.getByTestId('device-test-spare-ef01').click();
    await page.getByTestId('device-error-spare-ef01').waitFor();
    expect(await page.getByTestId('device-error-spare-ef01').textContent()).toContain(en.errors.device.not_approved);
    await chooseLanguage(page, 'pt');
    expect(await page.getByTestId('device-error-spare-ef01').textContent()).toContain(pt.errors.device.not_approved);
    await shot(page, 'devices-03-not-approved-pt');
    await chooseLanguage(page, 'en');

    // The administrator signs in; a second window on the same station session watches the list.
    await page.getByTestId('logout').click();
    await signIn(page, 'admin', 'balcao-demo');
    // Signed out from the devices screen, the next sign-in returns there.
    await page.getByTestId('devices-list').waitFor();
    expect(new URL(page.url()).pathname).toBe('/devices');
    const watcher = await newPage();
    await watcher.page.goto(shell.url);
    await watcher.page.getByTestId('home').waitFor();
    await chooseLanguage(watcher.page, 'en');
    await watcher.page.goto(`${shell.origin}/devices`);
    await watcher.page.getByTestId('devices-list').waitFor();
    expect(await status(watcher.page, 'spare-ef01')).toBe('not_approved');

    await page.getByTestId('device-approve-spare-ef01').click();
    const dialog = page.getByTestId('device-confirm-dialog');
    await dialog.waitFor();
    await page.locator('#device-confirm-password').fill('not-my-password');
    await page.getByTestId('device-confirm-submit').click();
    await expect.poll(() => dialog.textContent()).toContain(en.errors.auth.invalid_credentials);
    await page.locator('#device-confirm-password').fill('balcao-demo');
    await page.getByTestId('device-confirm-submit').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => status(page, 'spare-ef01')).toBe('ready');
    expect(await page.getByTestId('device-approval-spare-ef01').textContent()).toBe(en.devices.approvedByAdmin.replace('{{username}}', 'admin'));
    await shot(page, 'devices-04-admin-approved');

    // The other window heard it through devices.changed: no reload, no polling.
    await expect.poll(() => status(watcher.page, 'spare-ef01'), { timeout: 5000 }).toBe('ready');
    await watcher.page.getByTestId('device-test-spare-ef01').click();
    await watcher.page.getByTestId('device-image-spare-ef01').waitFor({ timeout: 20_000 });
    await shot(watcher.page, 'devices-05-watcher-live');

    // The approval is in the audit log, with who did it.
    await page.goto(`${shell.origin}/audit`);
    await page.getByTestId('audit-table').waitFor();
    const audit = (await page.getByTestId('audit-table').textContent()) ?? '';
    expect(audit).toContain(en.audit.types.devices.approved);
    expect(errors).toEqual([]);
    expect(watcher.errors).toEqual([]);
  });

  it('says when no device is found, and shows a rejected agency list as an error, trusting nothing from it', async () => {
    const t = tempDir('balcao-e2e-devices-empty-');
    cleanups.push(t.remove);
    const config = writeStationConfig(t.dir, (c) => ({
      ...c,
      devices: { ...c.devices, simulate: false, list: [], approvedList: { file: 'approved-devices.jws', publicKey: 'agency-devices.pub.pem' } },
    }));
    const bare = await startShell(['--config', config]);
    cleanups.push(() => bare.stop());
    const { page, errors } = await newPage();
    await page.goto(bare.url);
    await chooseLanguage(page, 'en');
    await signIn(page, 'ana', 'balcao-demo');
    await page.getByTestId('home').waitFor();
    await page.goto(`${bare.origin}/devices`);
    await page.getByTestId('devices-empty').waitFor();
    expect(await page.getByTestId('devices-empty').textContent()).toBe(en.devices.empty);
    const notice = (await page.getByTestId('devices-agency-list').textContent()) ?? '';
    expect(notice).toContain(en.devices.agencyList.errorTitle);
    expect(notice).toContain(en.devices.agencyList.unreadable);
    expect(notice).toContain('approved-devices.jws');
    // And in the station's log, with the reason.
    expect(bare.stderr()).toContain('approved-device list rejected');
    await shot(page, 'devices-06-empty-and-rejected-list');
    expect(errors).toEqual([]);
  });
});
