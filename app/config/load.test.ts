import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from './load.js';
import { demoConfig } from './demo.js';
import { tempDir } from '../../test/support/temp-station.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A config as an agency would provision it: the keys of agency-intake.md §1, nested. */
function provisioned(): Record<string, unknown> {
  return {
    centreId: '10001',
    stationId: '10077',
    dataDir: 'data',
    agency: { url: 'https://intake.example/', token: 'secret-token', encryptionKey: 'keys/agency.pem', receiptKey: 'keys/receipt.pem' },
    station: { signingKey: 'keys/station.pem' },
  };
}

function writeConfig(content: unknown): string {
  const t = tempDir('balcao-config-');
  cleanups.push(t.remove);
  const file = path.join(t.dir, 'station.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function expectConfigError(fn: () => unknown, field: string | null): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
    if (field !== null) expect((error as ConfigError).message).toContain(field);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('station configuration', () => {
  it('accepts the provisioning keys, fills defaults, and resolves paths against the file', () => {
    const file = writeConfig(provisioned());
    const config = loadConfigFile(file);
    const dir = path.dirname(file);
    expect(config.dataDir).toBe(path.join(dir, 'data'));
    expect(config.agency.encryptionKey).toBe(path.join(dir, 'keys/agency.pem'));
    expect(config.station.signingKey).toBe(path.join(dir, 'keys/station.pem'));
    expect(config.auth.lockout).toEqual({ maxFailures: 5, seconds: 900 });
    expect(config.auth.idle).toEqual({ warningSeconds: 600, logoutSeconds: 900 });
    expect(config.languages).toEqual(['pt', 'en', 'uk']);
    expect(config.ui.kiosk).toBe(false);
    // Quality and outbox sections default in full when absent.
    expect(config.quality.finger.minScore).toBe(40);
    expect(config.outbox.retentionSeconds).toBe(0);
  });

  it('takes quality thresholds and outbox settings from the file', () => {
    const config = loadConfigFile(writeConfig({ ...provisioned(), quality: { finger: { minScore: 55 } }, outbox: { retentionSeconds: 86_400, concurrency: 2 } }));
    expect(config.quality.finger.minScore).toBe(55);
    expect(config.quality.documents.a4).toBeDefined();
    expect(config.outbox).toMatchObject({ retentionSeconds: 86_400, concurrency: 2, chunkSize: 1024 * 1024 });
  });

  it.each([
    ['centreId', { centreId: '1001' }],
    ['agency.url', { agency: { ...(provisioned().agency as object), url: 'not a url' } }],
    ['agency.token', { agency: { ...(provisioned().agency as object), token: '' } }],
    ['station.signingKey', { station: {} }],
    ['defaultLanguage', { defaultLanguage: 'ar' }],
    ['languages.0', { languages: ['xx'] }],
    ['auth.idle.warningSeconds', { auth: { idle: { warningSeconds: 900, logoutSeconds: 600 } } }],
    ['mode', { mode: 'arcade' }],
    ['quality.finger.minScore', { quality: { finger: { minScore: 140 } } }],
    ['outbox.concurrency', { outbox: { concurrency: 9 } }],
  ])('names the bad field %s', (field, patch) => {
    const file = writeConfig({ ...provisioned(), ...patch });
    const error = expectConfigError(() => loadConfigFile(file), field);
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/will not start/);
  });

  it('refuses unknown keys rather than ignoring a typo', () => {
    expectConfigError(() => parseConfig({ ...provisioned(), agnecy: {} }), '(top level)');
  });

  it('names a missing or unreadable file and bad JSON', () => {
    const missing = path.join(tempDir().dir, 'none.json');
    expect(() => loadConfigFile(missing)).toThrow(missing);
    const broken = writeConfig('{ "centreId": ');
    expect(() => loadConfigFile(broken)).toThrow(/is not valid JSON/);
  });

  it('the demo profile is valid and self-contained', () => {
    const config = demoConfig({ dataDir: '/tmp/balcao-demo-x' });
    expect(config.demo).toBe(true);
    expect(config.devices.simulate).toBe(true);
    expect(config.agency.encryptionKey.startsWith('/tmp/balcao-demo-x/')).toBe(true);
    expect(parseConfig(config)).toEqual(config);
  });
});
