import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { en } from '../../renderer/src/i18n/locales/en.js';
import { pt } from '../../renderer/src/i18n/locales/pt.js';
import { uk } from '../../renderer/src/i18n/locales/uk.js';
import { tempDir } from '../support/temp-station.js';
import { startShell, writeStationConfig, type ShellProcess } from '../support/shell-process.js';
import { chooseLanguage, collectConsoleErrors, launchBrowser, shot, signIn } from './harness.js';

let browser: Browser;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await browser.close();
});

async function station(edit: Parameters<typeof writeStationConfig>[1]): Promise<ShellProcess> {
  const t = tempDir('balcao-e2e-');
  cleanups.push(t.remove);
  const shell = await startShell(['--config', writeStationConfig(t.dir, edit)]);
  cleanups.push(() => shell.stop());
  return shell;
}

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  return { page, errors: collectConsoleErrors(page) };
}

describe('first run', () => {
  it('creates the administrator, then the admin adds an operator who can sign in', async () => {
    const shell = await station((c) => ({ ...c, demo: false }));
    const { page, errors } = await newPage();
    await page.goto(shell.url);
    await page.getByTestId('setup-form').waitFor();
    expect(new URL(page.url()).pathname).toBe('/setup');
    // The token has left the address bar.
    expect(page.url()).not.toContain('token=');
    await chooseLanguage(page, 'en');
    await shot(page, '01-first-run-setup');

    await page.locator('#setup-username').fill('chefe');
    await page.locator('#setup-display-name').fill('Chefe de Centro');
    await page.locator('#setup-password').fill('short');
    await page.locator('#setup-confirm').fill('short');
    await page.getByRole('button', { name: en.setup.submit }).click();
    await expect.poll(() => page.getByTestId('setup-form').textContent()).toMatch(/at least 10/);
    await shot(page, '02-first-run-weak-password');

    await page.locator('#setup-password').fill('centro-lisboa-2026');
    await page.locator('#setup-confirm').fill('centro-lisboa-2026');
    await page.getByRole('button', { name: en.setup.submit }).click();
    await page.getByTestId('home').waitFor();
    expect(await page.getByTestId('home').textContent()).toContain('Chefe de Centro');
    await shot(page, '03-first-run-home-admin');

    await page.goto(`${shell.origin}/operators`);
    await page.getByTestId('operators-table').waitFor();
    await page.locator('#new-username').fill('joana');
    await page.locator('#new-display-name').fill('Joana Lima');
    await page.locator('#new-role').selectOption('operator');
    await page.locator('#new-password').fill('senha-da-recepcao');
    await page.getByRole('button', { name: en.operators.add }).click();
    await page.locator('tr[data-username="joana"]').waitFor();
    await shot(page, '04-operators-added');

    await page.getByTestId('logout').click();
    await signIn(page, 'joana', 'senha-da-recepcao');
    await page.getByTestId('home').waitFor();
    expect(await page.getByTestId('home').textContent()).toContain('Joana Lima');
    expect(errors).toEqual([]);
  });
});

describe('demo station', () => {
  let shell: ShellProcess;
  beforeAll(async () => {
    shell = await station((c) => ({
      ...c,
      auth: { ...c.auth, lockout: { maxFailures: 3, seconds: 4 }, idle: { warningSeconds: 3, logoutSeconds: 7 } },
    }));
  });

  it('shows the demo accounts, refuses a wrong password, and signs in by keyboard alone', async () => {
    const { page, errors } = await newPage();
    await page.goto(shell.url);
    await page.getByTestId('login-form').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('pt');
    expect(await page.locator('h1').first().textContent()).toBe(pt.login.heading);
    const demo = await page.getByTestId('demo-accounts').textContent();
    for (const word of ['ana', 'rui', 'admin', 'balcao-demo']) expect(demo).toContain(word);
    await shot(page, '05-login-demo-pt');

    await chooseLanguage(page, 'en');
    await signIn(page, 'ana', 'wrong-password');
    await page.getByTestId('login-error').waitFor();
    const error = await page.getByTestId('login-error').textContent();
    expect(error).toContain(en.errors.auth.invalid_credentials);
    expect(error).toContain(en.errorDetails.attemptsLeft_other.replace('{{count}}', '2'));
    await shot(page, '06-login-wrong-password');

    // Keyboard only: the username field has focus after a failed attempt is cleared and the page reloaded.
    await page.reload();
    await page.getByTestId('login-form').waitFor();
    await page.locator('#login-username').focus();
    await page.keyboard.type('ana');
    await page.keyboard.press('Tab');
    await page.keyboard.type('balcao-demo');
    await page.keyboard.press('Enter');
    await page.getByTestId('home').waitFor();
    await shot(page, '07-home-operator');
    // A reload keeps the session: it lives in the station, not in the tab.
    await page.reload();
    await page.getByTestId('home').waitFor();
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    expect(errors).toEqual([]);
  });

  it('locks an account after three failures, refuses even the right password, and lets it in after the lock expires', async () => {
    const { page } = await newPage();
    await page.goto(shell.url);
    await chooseLanguage(page, 'en');
    for (let i = 0; i < 3; i++) {
      await signIn(page, 'rui', `wrong-${i}`);
      await expect.poll(async () => (await page.getByTestId('login-error').textContent()) ?? '').toContain(i < 2 ? en.errors.auth.invalid_credentials : 'locked');
    }
    await shot(page, '08-lockout');
    await signIn(page, 'rui', 'balcao-demo');
    await expect.poll(async () => (await page.getByTestId('login-error').textContent()) ?? '').toContain('locked');
    await page.waitForTimeout(4500);
    await signIn(page, 'rui', 'balcao-demo');
    await page.getByTestId('home').waitFor();
    await page.getByTestId('logout').click();
  });

  it('warns before the idle logout, keeps the session on "continue", and signs out when left alone', async () => {
    const { page } = await newPage();
    await page.goto(shell.url);
    await chooseLanguage(page, 'en');
    await signIn(page, 'ana', 'balcao-demo');
    await page.getByTestId('home').waitFor();
    await page.getByTestId('idle-dialog').waitFor({ timeout: 10_000 });
    await shot(page, '09-idle-warning');
    await page.getByRole('button', { name: en.idle.continue }).click();
    await page.getByTestId('idle-dialog').waitFor({ state: 'hidden' });
    await page.getByTestId('home').waitFor();
    // Now leave it alone: the warning comes back, then the station signs out.
    await page.getByTestId('idle-dialog').waitFor({ timeout: 10_000 });
    await page.getByTestId('idle-notice').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('idle-notice').textContent()).toContain(en.login.idleNotice);
    await shot(page, '10-idle-signed-out');
  });

  it('switches language before and after login, remembers the operator\'s choice, and lays Arabic out right to left', async () => {
    const { page, errors } = await newPage();
    await page.goto(shell.url);
    await chooseLanguage(page, 'uk');
    expect(await page.locator('h1').first().textContent()).toBe(uk.login.heading);
    await shot(page, '11-login-uk');
    await chooseLanguage(page, 'ar');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await shot(page, '12-login-ar-rtl');
    await chooseLanguage(page, 'en');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');

    await signIn(page, 'admin', 'balcao-demo');
    await page.getByTestId('home').waitFor();
    await chooseLanguage(page, 'uk');
    await shot(page, '13-home-admin-uk');
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    await chooseLanguage(page, 'pt');
    await signIn(page, 'admin', 'balcao-demo');
    await page.getByTestId('home').waitFor();
    // The admin's saved language comes back at login.
    await page.waitForFunction(() => document.documentElement.lang === 'uk');
    await page.getByTestId('logout').click();
    expect(errors).toEqual([]);
  });

  it('gives each role what it may open: the supervisor reads the audit log, the operator cannot manage operators', async () => {
    const { page } = await newPage();
    await page.goto(shell.url);
    await chooseLanguage(page, 'en');
    await signIn(page, 'rui', 'balcao-demo');
    await page.getByTestId('home').waitFor();
    // With a trailing slash too: the assets load from the root whatever the route.
    await page.goto(`${shell.origin}/audit/`);
    await page.getByTestId('audit-table').waitFor();
    expect(await page.getByTestId('audit-chain').getAttribute('data-chain-ok')).toBe('true');
    const audit = await page.getByTestId('audit-table').textContent();
    for (const type of ['auth.login', 'auth.login_failed', 'auth.lockout', 'auth.logout']) expect(audit).toContain(type);
    await shot(page, '14-audit-supervisor');
    await page.getByTestId('logout').click();

    await signIn(page, 'ana', 'balcao-demo');
    await page.getByTestId('home').waitFor();
    await page.goto(`${shell.origin}/operators`);
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('operators-table').count()).toBe(0);
    await page.getByTestId('logout').click();
  });
});
