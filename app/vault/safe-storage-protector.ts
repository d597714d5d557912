/**
 * KeyProtector over Electron's safeStorage (https://www.electronjs.org/docs/latest/api/safe-storage):
 * DPAPI on Windows, the Keychain on macOS, libsecret or KWallet on Linux. The
 * logic lives here, electron-free, so that Node tests reach it with a fake;
 * main/electron/safe-storage.ts passes the real `safeStorage` in.
 */
import type { KeyProtector } from './key-protector.js';
import { dataKeyLength } from './data-key.js';

/** The part of Electron's SafeStorage used here (electron.d.ts, interface SafeStorage). */
export interface SafeStorageApi {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron. */
  getSelectedStorageBackend?(): string;
}

export const safeStorageProtectorName = 'electron-safe-storage';

export type SafeStorageChoice = { protector: KeyProtector; reason: string } | { protector: null; reason: string };

/**
 * The safeStorage protector if it really protects something here, otherwise
 * null with the reason (the caller logs it and the vault falls back to the
 * key file). Call after Electron's 'ready' (before it, Linux reports nothing).
 *
 * On Linux, safeStorage falls back to the "basic_text" backend when no keyring
 * is found: the key is then encrypted with a password hard-coded in Chromium,
 * which protects nothing (Electron docs, getSelectedStorageBackend). That is
 * treated as unavailable — the key file's permissions protect at least as much,
 * and the documentation does not pretend otherwise.
 */
export function safeStorageKeyProtector(api: SafeStorageApi, platform: NodeJS.Platform): SafeStorageChoice {
  if (!api.isEncryptionAvailable()) return { protector: null, reason: 'Electron safeStorage reports that encryption is not available' };
  if (platform === 'linux') {
    const backend = api.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text') return { protector: null, reason: 'Electron safeStorage has no keyring on this Linux session (backend basic_text, a fixed password): using the key file instead' };
    if (backend === 'unknown') return { protector: null, reason: "Electron safeStorage backend is unknown (asked before the app's ready event?)" };
  }
  return {
    reason: 'Electron safeStorage is available',
    protector: {
      name: safeStorageProtectorName,
      // encryptString takes a string: the key goes in as base64 and comes back the same way.
      protect(key) {
        if (key.length !== dataKeyLength) throw new RangeError(`a station data key is ${dataKeyLength} bytes`);
        return api.encryptString(key.toString('base64'));
      },
      unprotect(blob) {
        const text = api.decryptString(blob);
        const key = Buffer.from(text, 'base64');
        if (key.length !== dataKeyLength || key.toString('base64') !== text) {
          key.fill(0);
          throw new Error('safeStorage returned something that is not a station data key');
        }
        return key;
      },
    },
  };
}
