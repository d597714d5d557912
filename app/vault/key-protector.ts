/**
 * How the station data key is protected where it is stored (the key file in
 * <dataDir>/vault/). `protect` turns the 32-byte key into the bytes written to
 * the file; `unprotect` turns them back and throws if it cannot.
 *
 * Implementations: `keyFileProtector` below (no wrapping: the file's
 * permissions are the protection) and Electron's safeStorage
 * (app/vault/safe-storage-protector.ts, wired from main/electron/safe-storage.ts).
 */
export interface KeyProtector {
  /** Stable name written into the key file, so that a later start knows which protector must open it. */
  readonly name: string;
  protect(key: Buffer): Buffer;
  unprotect(blob: Buffer): Buffer;
}

export const keyFileProtectorName = 'key-file';

/**
 * The fallback: the key is stored as is, in a file created 0600 in a folder
 * created 0700, and the vault refuses to start if either is looser or owned
 * by another user (app/vault/data-key.ts). Weaker than safeStorage: it keeps
 * the key from other users and from anyone who copies the database without
 * the key file, not from the station's own user (docs/data-at-rest.md).
 */
export const keyFileProtector: KeyProtector = {
  name: keyFileProtectorName,
  protect: (key) => Buffer.from(key),
  unprotect: (blob) => Buffer.from(blob),
};
