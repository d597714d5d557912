/**
 * The station data key: 32 random bytes (AES-256, FIPS 197) from which every
 * vault item's key is derived. It lives in one file, <dataDir>/vault/data-key.json,
 * protected by a KeyProtector (Electron safeStorage where available, otherwise
 * nothing but the file's permissions). This module reads and writes that file;
 * app/vault/vault.ts decides when (create, adopt, rotate, refuse).
 *
 * Never log a DataKey's bytes: only its id (a one-way check value) is ever shown.
 */
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs';
import { hkdfSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import path from 'node:path';
import { z } from 'zod';
import { VaultError } from './errors.js';
import { keyFileProtector, keyFileProtectorName, type KeyProtector } from './key-protector.js';

export const dataKeyLength = 32;
export const vaultDirName = 'vault';
export const keyFileName = 'data-key.json';
/** Written before a rotation commits, renamed over the key file after (see Vault.rotate). */
export const nextKeyFileName = 'data-key.next.json';
const tempSuffix = '.tmp-';

export interface KeyPaths {
  dir: string;
  file: string;
  next: string;
}

export function keyPaths(dataDir: string): KeyPaths {
  const dir = path.join(dataDir, vaultDirName);
  return { dir, file: path.join(dir, keyFileName), next: path.join(dir, nextKeyFileName) };
}

/** HKDF-SHA256 (RFC 5869) of the key with a fixed label: identifies the key without revealing it. */
function keyIdOf(bytes: Buffer): string {
  return Buffer.from(hkdfSync('sha256', bytes, Buffer.alloc(0), 'balcao vault key id v1', 16)).toString('hex');
}

/** A data key in memory. Printing, logging or serialising it shows its id only. */
export class DataKey {
  readonly #bytes: Buffer;
  readonly id: string;

  constructor(bytes: Buffer) {
    if (bytes.length !== dataKeyLength) throw new RangeError(`a station data key is ${dataKeyLength} bytes`);
    this.#bytes = Buffer.alloc(dataKeyLength);
    bytes.copy(this.#bytes);
    this.id = keyIdOf(this.#bytes);
  }

  static generate(): DataKey {
    const bytes = randomBytes(dataKeyLength);
    try {
      return new DataKey(bytes);
    } finally {
      bytes.fill(0);
    }
  }

  /** The key bytes, for the vault's derivations only. Do not keep, copy or log them. */
  material(): Buffer {
    return this.#bytes;
  }

  /** Overwrites the bytes in memory (best effort: V8 may have copied them, see docs/data-at-rest.md). */
  destroy(): void {
    this.#bytes.fill(0);
  }

  toJSON(): { keyId: string } {
    return { keyId: this.id };
  }

  toString(): string {
    return `DataKey(${this.id})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

const keyFileSchema = z.object({
  format: z.literal('balcao-data-key'),
  version: z.literal(1),
  protector: z.string().min(1).max(64),
  keyId: z.string().regex(/^[0-9a-f]{32}$/),
  createdAt: z.string().min(1),
  /** base64 of KeyProtector.protect(key). */
  protected: z.string().min(1).max(65536),
});
export type KeyFile = z.infer<typeof keyFileSchema>;

const posix = process.platform !== 'win32';

function fixCommand(target: string, kind: 'file' | 'dir', stats: Stats): string {
  const mode = kind === 'file' ? '600' : '700';
  const user = typeof process.getuid === 'function' ? ` ${process.getuid()}` : '';
  const own = posix && typeof process.getuid === 'function' && stats.uid !== process.getuid() ? `chown${user} '${target}' && ` : '';
  return `${own}chmod ${mode} '${target}'`;
}

/**
 * Refuses a key file (or its folder) that others can read, list or write, that
 * belongs to another user, or that is a link. On Windows, POSIX modes mean
 * nothing (the profile's ACLs apply and safeStorage/DPAPI is always there), so
 * only the link check is made.
 */
export function assertPrivate(target: string, kind: 'file' | 'dir'): void {
  let stats: Stats;
  try {
    stats = lstatSync(target);
  } catch (error) {
    throw new VaultError('key_invalid', `The vault key ${kind === 'file' ? 'file' : 'folder'} ${target} cannot be examined (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, { file: target });
  }
  if (stats.isSymbolicLink() || (kind === 'file' ? !stats.isFile() : !stats.isDirectory())) {
    throw new VaultError(
      'key_permissions',
      `The vault key ${kind === 'file' ? 'file' : 'folder'} ${target} is not a plain ${kind === 'file' ? 'file' : 'folder'} (a link or another kind of entry). The station will not use it: replace it with the real ${kind === 'file' ? 'file' : 'folder'}.`,
      { file: target },
    );
  }
  if (!posix) return;
  const uid = typeof process.getuid === 'function' ? process.getuid() : stats.uid;
  const loose = stats.mode & 0o077;
  if (stats.uid !== uid || loose !== 0) {
    const why =
      stats.uid !== uid
        ? `belongs to user ${stats.uid}, not to the station's user (${uid})`
        : `has mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}, so other users can ${loose & 0o044 ? 'read' : 'reach'} it`;
    throw new VaultError(
      'key_permissions',
      `The vault key ${kind === 'file' ? 'file' : 'folder'} ${target} ${why}. It holds (or guards) the key to every draft and capture waiting to be sealed, so the station will not start. Fix it as the station's user with: ${fixCommand(target, kind, stats)} — then start again.`,
      { file: target },
    );
  }
}

/** Creates <dataDir>/vault (0700) if needed and checks it. */
export function ensureKeyDir(paths: KeyPaths): void {
  try {
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new VaultError('key_invalid', `The vault folder ${paths.dir} cannot be created (${(error as NodeJS.ErrnoException).code ?? String(error)}). Check the dataDir setting and the folder's owner.`, {
      file: paths.dir,
    });
  }
  assertPrivate(paths.dir, 'dir');
}

/** Removes temp files left by a write that a crash interrupted (they are never the key file itself). */
export function removeStaleTemps(paths: KeyPaths): void {
  for (const name of readdirSync(paths.dir)) {
    if (name.includes(tempSuffix)) rmSync(path.join(paths.dir, name), { force: true });
  }
}

function fsyncDir(dir: string): void {
  if (!posix) return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes the key file atomically: temp file (0600, same folder) + fsync + rename + fsync of the folder. */
export function writeKeyFile(target: string, key: DataKey, protector: KeyProtector, now: Date): void {
  const wrapped = protector.protect(key.material());
  const body: KeyFile = {
    format: 'balcao-data-key',
    version: 1,
    protector: protector.name,
    keyId: key.id,
    createdAt: now.toISOString(),
    protected: wrapped.toString('base64'),
  };
  if (protector.name === keyFileProtectorName) wrapped.fill(0);
  const temp = `${target}${tempSuffix}${randomBytes(6).toString('hex')}`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(body, null, 2)}\n`);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, target);
  fsyncDir(path.dirname(target));
}

export function promoteNextKeyFile(paths: KeyPaths): void {
  renameSync(paths.next, paths.file);
  fsyncDir(paths.dir);
}

export interface LoadedKey {
  key: DataKey;
  protector: string;
  createdAt: string;
}

/** Reads the header of a key file (no unprotecting): which key, which protector. */
export function readKeyFileHeader(file: string): KeyFile {
  assertPrivate(file, 'file');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new VaultError('key_invalid', `The vault key file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, { file });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new VaultError('key_invalid', `The vault key file ${file} is damaged (not JSON). Restore it from the backup made with the database.`, { file });
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new VaultError('key_invalid', `The vault key file ${file} is not a Balcão data key file (${parsed.error.issues[0]?.path.join('.') || 'format'} is wrong). Restore it from the backup made with the database.`, { file });
  }
  return parsed.data;
}

/**
 * Reads and unprotects a key file with `protector` (or, for a file written by
 * the key-file fallback, without one) and checks that the bytes are the key the
 * file names.
 */
export function readKeyFile(file: string, protector: KeyProtector | null): LoadedKey {
  const header = readKeyFileHeader(file);
  let opener: KeyProtector;
  if (header.protector === keyFileProtectorName) opener = keyFileProtector;
  else if (protector !== null && protector.name === header.protector) opener = protector;
  else {
    throw new VaultError(
      'key_protector_unavailable',
      `The vault key file ${file} is protected by "${header.protector}", which ${protector === null || protector.name === keyFileProtectorName ? 'this process cannot use' : `is not available here (this process has "${protector.name}")`}. Run Balcão where that protection works (for "electron-safe-storage": the Balcão app, as the same user, with the same OS keyring), or restore a key file made for this setup.`,
      { file },
    );
  }
  const wrapped = Buffer.from(header.protected, 'base64');
  let bytes: Buffer;
  try {
    bytes = opener.unprotect(wrapped);
  } catch (error) {
    throw new VaultError(
      'key_invalid',
      `The vault key file ${file} could not be unlocked with "${opener.name}" (${error instanceof Error ? error.message : String(error)}). The OS keyring or user account may have changed; restore the key file or the keyring from backup.`,
      { file },
    );
  } finally {
    wrapped.fill(0);
  }
  try {
    if (bytes.length !== dataKeyLength) {
      throw new VaultError('key_invalid', `The vault key file ${file} does not hold a ${dataKeyLength}-byte key. Restore it from the backup made with the database.`, { file });
    }
    const key = new DataKey(bytes);
    if (key.id !== header.keyId) {
      key.destroy();
      throw new VaultError('key_invalid', `The vault key file ${file} is damaged: the key in it is not the key it names (${header.keyId}). Restore it from the backup made with the database.`, { file });
    }
    return { key, protector: header.protector, createdAt: header.createdAt };
  } finally {
    bytes.fill(0);
  }
}
