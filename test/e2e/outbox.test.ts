/**
 * The supervisors' queue screen in the browser shell (Debian's Chromium): a
 * sealed packet waiting while the agency cannot be reached shows its tries
 * and the problem in the supervisor's language; once the agency is up,
 * "Retry now" sends it and the row turns to accepted without a reload.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { en } from '../../renderer/src/i18n/locales/en.js';
import { startAgencySimulator, type AgencySimulator } from '../../device-simulators/agency/server.js';
import { tempDir } from '../support/temp-station.js';
import { runBalcao, startShell, writeStationConfig, type ShellProcess } from '../support/shell-process.js';
import { chooseLanguage, collectConsoleErrors, launchBrowser, shot, signIn } from './harness.js';

let browser: Browser;
let shell: ShellProcess;
let agency: AgencySimulator | null = null;
let agencyPort = 0;
let dir = '';
const cleanups: (() => unknown)[] = [];

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  browser = await launchBrowser();
  const t = tempDir('balcao-e2e-outbox-');
  cleanups.push(t.remove);
  dir = t.dir;
  // The agency's keys, made once; the agency itself stays down until the test starts it on this port.
  agencyPort = await freePort();
  const keysDir = path.join(dir, 'agency-keys');
  const first = await startAgencySimulator({ keysDir, dataDir: path.join(dir, 'agency-data') });
  const { encryptionPublicKeyPath, receiptPublicKeyPath, stationsDir } = first.keys;
  await first.stop();
  const config = writeStationConfig(dir, (c) => ({
    ...c,
    agency: { ...c.agency, url: `http://127.0.0.1:${agencyPort}/`, encryptionKey: encryptionPublicKeyPath, receiptKey: receiptPublicKeyPath },
    devices: { ...c.devices, simulate: false },
    outbox: { ...c.outbox, backoff: { baseMs: 60_000, capMs: 60_000 } },
  }));
  const station = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signingKey = path.join(dir, 'data', 'keys', 'station-signing.pem');
  mkdirSync(path.dirname(signingKey), { recursive: true });
  writeFileSync(signingKey, station.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(path.join(stationsDir, '10001-10077.pub.pem'), station.publicKey.export({ type: 'spki', format: 'pem' }));
  const demo = await runBalcao(['packet', 'demo', '--config', config, '--seed', '2'], 120_000);
  expect(demo.code, demo.stderr).toBe(0);
  shell = await startShell(['--config', config]);
  cleanups.push(() => shell.stop());
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await agency?.stop();
  await browser?.close();
});

describe('outbox screen', () => {
  it('shows a packet waiting for an unreachable agency, and sends it on "Retry now" once the agency is up', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    cleanups.push(() => context.close());
    const page = await context.newPage();
    const errors = collectConsoleErrors(page);
    await page.goto(shell.url);
    await chooseLanguage(page, 'en');
    await signIn(page, 'rui', 'balcao-demo');
    await page.getByTestId('home').waitFor();
    await page.locator('a.activity-card[href="/outbox"]').click();
    await page.getByTestId('outbox-table').waitFor();
    const row = page.getByTestId('outbox-row');
    expect(await row.count()).toBe(1);
    expect(await row.getAttribute('data-state')).toBe('sealed');
    // The background worker has tried once and failed: the problem is shown in words, not a code.
    await page.getByTestId('outbox-error').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('outbox-error').textContent()).toContain(en.outbox.errors.agency_unreachable);
    await shot(page, 'outbox-01-agency-down');

    agency = await startAgencySimulator({ keysDir: path.join(dir, 'agency-keys'), dataDir: path.join(dir, 'agency-data'), port: agencyPort });
    await page.getByTestId('outbox-retry').click();
    await page.locator('[data-testid="outbox-row"][data-state="purged"]').waitFor({ timeout: 30_000 });
    await shot(page, 'outbox-02-accepted');
    await agency.idle();
    expect(agency.packets().map((p) => p.status)).toEqual(['ACCEPTED']);
    expect(errors).toEqual([]);
  });
});
