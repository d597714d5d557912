import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../support/browser.js';
import { repoRoot } from '../support/shell-process.js';

export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch(chromiumLaunchOptions());
}

/** Saves a full-page screenshot as an artefact of the run (test-results/screenshots/<name>.png). */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Browser console errors are collected so that a test can assert the page ran cleanly (CSP violations show up here). */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login-form').waitFor();
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(password);
  await page.locator('#login-password').press('Enter');
}

export async function chooseLanguage(page: Page, language: string): Promise<void> {
  await page.getByTestId('language-select').selectOption(language);
  await page.waitForFunction((lang) => document.documentElement.lang === lang, language);
}
