import { safeStorage } from 'electron';
import { safeStorageKeyProtector, type SafeStorageChoice } from '../../app/vault/safe-storage-protector.js';

/**
 * The only place that touches Electron's safeStorage: hands it to the
 * electron-free protector logic (app/vault/safe-storage-protector.ts, where the
 * tests are). Call after app 'ready' — on Linux, safeStorage knows its backend
 * only then. `protector: null` means "use the key file", with the reason to log.
 */
export function electronKeyProtector(): SafeStorageChoice {
  return safeStorageKeyProtector(safeStorage, process.platform);
}
