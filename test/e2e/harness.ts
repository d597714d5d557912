import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { tokenFragmentKey, tokenProtocolPrefix, wsPath, wsProtocol } from '../../app/contract/ws-protocol.js';
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

/**
 * A second connection to the station's contract, as the page makes one
 * (the launch token from the shell's URL, the contract's WebSocket
 * protocol): the station has one session for its desk, so calls made here
 * act as whoever is signed in on the page. The device tests use it to read
 * the CaseView and to keep a device busy from elsewhere.
 */
export interface ContractClient {
  call<T = unknown>(channel: string, payload: unknown): Promise<T>;
  /** Resolves with the first event of that name for which `match` holds. */
  event<T = unknown>(name: string, match: (payload: T) => boolean, timeoutMs?: number): Promise<T>;
  close(): void;
}

/**
 * Waits until every simulated device is ready: `balcao serve` opens them only
 * after the first screen (DeviceManagerOptions.simulatorsAfter), so a test
 * that drives the contract straight after sign-in waits for them as a
 * technician would.
 */
export async function simulatorsReady(api: ContractClient, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { devices } = await api.call<{ devices: { id: string; simulated: boolean; status: string }[] }>('devices.list', {});
    const waiting = devices.filter((d) => d.simulated && d.status !== 'ready');
    if (devices.length > 0 && waiting.length === 0) return;
    if (Date.now() > deadline) throw new Error(`Simulated devices not ready after ${timeoutMs} ms: ${waiting.map((d) => `${d.id} ${d.status}`).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function connectContract(shellUrl: string): Promise<ContractClient> {
  const url = new URL(shellUrl);
  const token = new URLSearchParams(url.hash.slice(1)).get(tokenFragmentKey);
  if (token === null) throw new Error(`The shell's address carries no launch token: ${shellUrl}`);
  // The bridge accepts the shell's own origin only, as a browser would send it.
  const socket = new WebSocket(new URL(wsPath, `ws://${url.host}`), [wsProtocol, `${tokenProtocolPrefix}${token}`], { origin: url.origin });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const watchers = new Set<(event: string, payload: unknown) => void>();
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; id?: number; reply?: { ok: boolean; result?: unknown; error?: { code: string; message: string } }; event?: string; payload?: unknown };
    if (frame.type === 'result' && frame.id !== undefined) {
      const waiting = pending.get(frame.id);
      pending.delete(frame.id);
      if (frame.reply?.ok) waiting?.resolve(frame.reply.result);
      else waiting?.reject(Object.assign(new Error(`${frame.reply?.error?.code}: ${frame.reply?.error?.message}`), { code: frame.reply?.error?.code }));
    } else if (frame.type === 'event' && frame.event !== undefined) {
      for (const watcher of [...watchers]) watcher(frame.event, frame.payload);
    }
  });
  return {
    call<T>(channel: string, payload: unknown) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        socket.send(JSON.stringify({ type: 'call', id, channel, payload }));
      });
    },
    event<T>(name: string, match: (payload: T) => boolean, timeoutMs = 20_000) {
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(watcher);
          reject(new Error(`no ${name} event as expected within ${timeoutMs} ms`));
        }, timeoutMs);
        const watcher = (event: string, payload: unknown) => {
          if (event !== name || !match(payload as T)) return;
          clearTimeout(timer);
          watchers.delete(watcher);
          resolve(payload as T);
        };
        watchers.add(watcher);
      });
    },
    close: () => socket.close(),
  };
}
