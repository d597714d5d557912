/**
 * The safeStorage protector, against a fake of Electron's SafeStorage: the
 * Electron binary cannot run in these tests (plain Node, no display, no
 * keyring), so main/electron/safe-storage.ts — two lines that hand the real
 * safeStorage to this logic — is covered only by type checking.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { safeStorageKeyProtector, safeStorageProtectorName, type SafeStorageApi } from './safe-storage-protector.js';

function fakeSafeStorage(options: { available?: boolean; backend?: string } = {}): SafeStorageApi & { plaintexts: string[] } {
  const osKey = randomBytes(32);
  const plaintexts: string[] = [];
  return {
    plaintexts,
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString(text) {
      plaintexts.push(text);
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', osKey, iv);
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(blob) {
      const d = createDecipheriv('aes-256-gcm', osKey, blob.subarray(0, 12));
      d.setAuthTag(blob.subarray(12, 28));
      return Buffer.concat([d.update(blob.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

describe('safeStorageKeyProtector', () => {
  it('wraps and unwraps a 32-byte key through encryptString/decryptString', () => {
    const api = fakeSafeStorage();
    const choice = safeStorageKeyProtector(api, 'linux');
    expect(choice.protector?.name).toBe(safeStorageProtectorName);
    const key = randomBytes(32);
    const blob = choice.protector!.protect(key);
    expect(blob.includes(key)).toBe(false);
    expect(blob.includes(Buffer.from(key.toString('base64')))).toBe(false);
    expect(choice.protector!.unprotect(blob).equals(key)).toBe(true);
    expect(api.plaintexts).toEqual([key.toString('base64')]);
    expect(() => choice.protector!.protect(randomBytes(16))).toThrow(RangeError);
  });

  it('is not used when safeStorage is unavailable, or on Linux without a keyring (basic_text) or before ready', () => {
    expect(safeStorageKeyProtector(fakeSafeStorage({ available: false }), 'win32')).toMatchObject({ protector: null });
    const basic = safeStorageKeyProtector(fakeSafeStorage({ backend: 'basic_text' }), 'linux');
    expect(basic.protector).toBeNull();
    expect(basic.reason).toContain('basic_text');
    expect(safeStorageKeyProtector(fakeSafeStorage({ backend: 'unknown' }), 'linux').protector).toBeNull();
    // The backend question is Linux's only: elsewhere availability decides.
    expect(safeStorageKeyProtector(fakeSafeStorage({ backend: 'basic_text' }), 'darwin').protector?.name).toBe(safeStorageProtectorName);
    expect(safeStorageKeyProtector(fakeSafeStorage({ backend: 'kwallet6' }), 'linux').protector?.name).toBe(safeStorageProtectorName);
  });

  it('refuses what decryptString returns if it is not a data key, and passes decrypt failures on', () => {
    const api = fakeSafeStorage();
    const protector = safeStorageKeyProtector(api, 'win32').protector!;
    expect(() => protector.unprotect(api.encryptString('not a key'))).toThrow(/not a station data key/);
    expect(() => protector.unprotect(api.encryptString(randomBytes(31).toString('base64')))).toThrow(/not a station data key/);
    const blob = protector.protect(randomBytes(32));
    blob[blob.length - 1] = (blob[blob.length - 1] ?? 0) ^ 1;
    expect(() => protector.unprotect(blob)).toThrow();
  });
});
