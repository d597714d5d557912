/**
 * The vault: everything personal or biometric that waits to be sealed (drafts
 * of cases, captures not yet sealed) is stored here, in SQLite (migration v5),
 * encrypted under the station data key. Nothing personal is written anywhere
 * else in clear (docs/data-at-rest.md).
 *
 * Each item ("blob") is AES-256-GCM (NIST SP 800-38D) ciphertext under its own
 * key: HKDF-SHA256 (RFC 5869) of the data key, with a fresh 16-byte random salt
 * per write and info = label ‖ kind ‖ id; the GCM nonce is a fresh 12-byte
 * random value (SP 800-38D §8.2.2). Why a derived key per write rather than the
 * data key with random nonces: random 96-bit nonces under one key are limited to
 * 2^32 encryptions (SP 800-38D §8.3); deriving a new key for every write makes
 * that limit (and any nonce reuse) moot, for the cost of one HKDF and 16 bytes.
 * The additional authenticated data is the same label ‖ kind ‖ id, so a
 * ciphertext copied to another row fails to authenticate (twice bound: key and AAD).
 *
 * The plaintext starts with one type byte (bytes or JSON), so the type is
 * authenticated too.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import type { z } from 'zod';
import type { Db } from '../storage/database.js';
import type { Logger } from '../log/logger.js';
import { VaultError, type VaultBlobRef } from './errors.js';
import { keyFileProtector, keyFileProtectorName, type KeyProtector } from './key-protector.js';
import {
  DataKey,
  ensureKeyDir,
  keyPaths,
  promoteNextKeyFile,
  readKeyFile,
  readKeyFileHeader,
  removeStaleTemps,
  writeKeyFile,
  type KeyPaths,
} from './data-key.js';

const label = Buffer.from('balcao-vault/v1', 'ascii');
const saltLength = 16;
const nonceLength = 12; // SP 800-38D §8.2: 96-bit IVs are the recommended length
const tagLength = 16; // SP 800-38D §5.2.1.2: full 128-bit tag

const typeBytes = 0x01;
const typeJson = 0x02;

/** Kinds name what is stored (e.g. "case-draft", "capture"); never personal. */
const kindPattern = /^[a-z][a-z0-9._-]{0,63}$/;
/** Ids are opaque identifiers (uuids, case ids), stored in clear: never a name, document number or the like. */
const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type VaultValue = Buffer | JsonValue;

export interface VaultEntry {
  kind: string;
  id: string;
  /** Ciphertext length in bytes (plaintext + 1). */
  size: number;
  createdAt: string;
  updatedAt: string;
}

export interface OpenVaultOptions {
  db: Db;
  dataDir: string;
  /**
   * How the key is protected at rest. Electron passes its safeStorage protector
   * (main/electron/safe-storage.ts) when it is available; otherwise (CLI, tests,
   * Linux without a keyring) the key-file fallback is used.
   */
  protector?: KeyProtector | null;
  /**
   * When the key file is the unwrapped fallback and `protector` is a real one,
   * rewrap the key with it. Off by default: a key wrapped by safeStorage can
   * then be opened only by the Electron app, not by the CLI.
   */
  upgradeProtection?: boolean;
  log?: Logger;
  now?: () => Date;
}

interface BlobRow {
  kind: string;
  id: string;
  key_id: string;
  salt: Buffer;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function encodeContext(kind: string, id: string): Buffer {
  const k = Buffer.from(kind, 'utf8');
  const i = Buffer.from(id, 'utf8');
  const out = Buffer.alloc(label.length + 1 + 2 + k.length + 2 + i.length);
  let at = label.copy(out, 0);
  out[at++] = 0;
  at = out.writeUInt16BE(k.length, at);
  at += k.copy(out, at);
  at = out.writeUInt16BE(i.length, at);
  i.copy(out, at);
  return out;
}

function checkRef(kind: string, id: string): void {
  if (typeof kind !== 'string' || !kindPattern.test(kind)) {
    throw new VaultError('blob_invalid', `Vault kind ${JSON.stringify(kind)} is not allowed: use lowercase letters, digits, ".", "_" or "-" (at most 64).`, { blob: { kind: String(kind), id: String(id) } });
  }
  if (typeof id !== 'string' || !idPattern.test(id)) {
    throw new VaultError('blob_invalid', `Vault id for kind ${kind} is not allowed: use an opaque id of letters, digits, ".", "_", ":" or "-" (at most 128), never personal data.`, {
      blob: { kind, id: '(invalid)' },
    });
  }
}

function deriveBlobKey(dataKey: DataKey, salt: Buffer, context: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey.material(), salt, context, 32));
}

function seal(dataKey: DataKey, kind: string, id: string, plaintext: Buffer): Pick<BlobRow, 'salt' | 'nonce' | 'ciphertext' | 'tag'> {
  const context = encodeContext(kind, id);
  const salt = randomBytes(saltLength);
  const nonce = randomBytes(nonceLength);
  const blobKey = deriveBlobKey(dataKey, salt, context);
  try {
    const cipher = createCipheriv('aes-256-gcm', blobKey, nonce, { authTagLength: tagLength });
    cipher.setAAD(context);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { salt, nonce, ciphertext, tag: cipher.getAuthTag() };
  } finally {
    blobKey.fill(0);
  }
}

function undecryptable(ref: VaultBlobRef, why: string): VaultError {
  return new VaultError(
    'blob_undecryptable',
    `The vault item ${ref.kind}/${ref.id} cannot be decrypted: ${why}. This item is lost unless it is restored from a backup (database and key file together); the others are not affected.`,
    { blob: ref },
  );
}

function open(dataKey: DataKey, row: BlobRow): Buffer {
  const ref = { kind: row.kind, id: row.id };
  if (row.key_id !== dataKey.id) throw undecryptable(ref, `it is recorded under key ${row.key_id}, not the station's key ${dataKey.id}`);
  if (row.salt.length !== saltLength || row.nonce.length !== nonceLength || row.tag.length !== tagLength) throw undecryptable(ref, 'its header is malformed');
  const context = encodeContext(row.kind, row.id);
  const blobKey = deriveBlobKey(dataKey, row.salt, context);
  try {
    const decipher = createDecipheriv('aes-256-gcm', blobKey, row.nonce, { authTagLength: tagLength });
    decipher.setAAD(context);
    decipher.setAuthTag(row.tag);
    const head = decipher.update(row.ciphertext);
    try {
      return Buffer.concat([head, decipher.final()]);
    } finally {
      head.fill(0);
    }
  } catch {
    throw undecryptable(ref, 'it was altered, moved from another row, or written under another key (authentication failed)');
  } finally {
    blobKey.fill(0);
  }
}

function encodeValue(kind: string, id: string, value: Buffer | Uint8Array | JsonValue | object): Buffer {
  if (value instanceof Uint8Array) {
    const out = Buffer.alloc(1 + value.length);
    out[0] = typeBytes;
    out.set(value, 1);
    return out;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new VaultError('blob_invalid', `The value for vault item ${kind}/${id} cannot be stored as JSON (${(error as Error).message}).`, { blob: { kind, id } });
  }
  if (text === undefined) throw new VaultError('blob_invalid', `The value for vault item ${kind}/${id} is not JSON (undefined or a function).`, { blob: { kind, id } });
  const body = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(1 + body.length);
  out[0] = typeJson;
  body.copy(out, 1);
  body.fill(0);
  return out;
}

function decodeValue(ref: VaultBlobRef, plain: Buffer): VaultValue {
  const type = plain[0];
  if (type === typeBytes) return Buffer.from(plain.subarray(1));
  if (type === typeJson) return JSON.parse(plain.subarray(1).toString('utf8')) as JsonValue;
  throw undecryptable(ref, `its type byte ${String(type)} is unknown`);
}

export interface RotationResult {
  previousKeyId: string;
  keyId: string;
  /** Items re-encrypted. */
  blobs: number;
}

export class Vault {
  #key: DataKey;
  readonly #db: Db;
  readonly #paths: KeyPaths;
  readonly #protector: KeyProtector;
  readonly #now: () => Date;
  readonly #log: Logger | undefined;
  #closed = false;

  /** Use openVault(). */
  constructor(internal: { db: Db; paths: KeyPaths; key: DataKey; protector: KeyProtector; now: () => Date; log?: Logger }) {
    this.#db = internal.db;
    this.#paths = internal.paths;
    this.#key = internal.key;
    this.#protector = internal.protector;
    this.#now = internal.now;
    this.#log = internal.log;
  }

  /** The current data key's id (a check value, not the key). */
  get keyId(): string {
    return this.#key.id;
  }

  /** Name of the protector of the key file on disk ("key-file" or "electron-safe-storage"). */
  get protection(): string {
    return this.#protector.name;
  }

  get keyFile(): string {
    return this.#paths.file;
  }

  #live(): DataKey {
    if (this.#closed) throw new Error('the vault is closed');
    return this.#key;
  }

  /** Stores (or replaces) one item. Bytes come back as a Buffer, anything else as parsed JSON. */
  put(kind: string, id: string, value: Buffer | Uint8Array | JsonValue | object): void {
    checkRef(kind, id);
    const key = this.#live();
    const plain = encodeValue(kind, id, value);
    let sealed: ReturnType<typeof seal>;
    try {
      sealed = seal(key, kind, id, plain);
    } finally {
      plain.fill(0);
    }
    const at = this.#now().toISOString();
    this.#db.transaction(() => {
      const existing = this.#db.prepare('SELECT length(ciphertext) AS n FROM vault_blobs WHERE kind = ? AND id = ?').get(kind, id) as { n: number } | undefined;
      // Overwrite the old ciphertext in place before replacing it (see delete()).
      if (existing !== undefined) this.#db.prepare('UPDATE vault_blobs SET ciphertext = zeroblob(?) WHERE kind = ? AND id = ?').run(existing.n, kind, id);
      this.#db
        .prepare(
          `INSERT INTO vault_blobs (kind, id, key_id, salt, nonce, ciphertext, tag, created_at, updated_at)
           VALUES (@kind, @id, @keyId, @salt, @nonce, @ciphertext, @tag, @at, @at)
           ON CONFLICT (kind, id) DO UPDATE SET key_id = excluded.key_id, salt = excluded.salt, nonce = excluded.nonce,
             ciphertext = excluded.ciphertext, tag = excluded.tag, updated_at = excluded.updated_at`,
        )
        .run({ kind, id, keyId: key.id, ...sealed, at });
    })();
  }

  /** One item, decrypted; null if there is none. Throws VaultError('blob_undecryptable') naming the item if it fails to authenticate. */
  get(kind: string, id: string): VaultValue | null {
    checkRef(kind, id);
    const key = this.#live();
    const row = this.#db.prepare('SELECT kind, id, key_id, salt, nonce, ciphertext, tag FROM vault_blobs WHERE kind = ? AND id = ?').get(kind, id) as BlobRow | undefined;
    if (row === undefined) return null;
    const plain = open(key, row);
    try {
      return decodeValue({ kind, id }, plain);
    } finally {
      plain.fill(0);
    }
  }

  /** One item that was stored as bytes. */
  getBytes(kind: string, id: string): Buffer | null {
    const value = this.get(kind, id);
    if (value === null) return null;
    if (!Buffer.isBuffer(value)) throw new VaultError('blob_invalid', `The vault item ${kind}/${id} holds JSON, not bytes.`, { blob: { kind, id } });
    return value;
  }

  /** One item that was stored as JSON, checked against `schema` (a boundary: the bytes came from disk). */
  getJson<T>(kind: string, id: string, schema: z.ZodType<T>): T | null {
    const value = this.get(kind, id);
    if (value === null) return null;
    if (Buffer.isBuffer(value)) throw new VaultError('blob_invalid', `The vault item ${kind}/${id} holds bytes, not JSON.`, { blob: { kind, id } });
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new VaultError('blob_invalid', `The vault item ${kind}/${id} does not have the expected shape (${parsed.error.issues[0]?.path.join('.') || 'value'}: ${parsed.error.issues[0]?.message ?? ''}).`, {
        blob: { kind, id },
      });
    }
    return parsed.data;
  }

  has(kind: string, id: string): boolean {
    checkRef(kind, id);
    return this.#db.prepare('SELECT 1 FROM vault_blobs WHERE kind = ? AND id = ?').get(kind, id) !== undefined;
  }

  /** Metadata of every item of one kind (nothing is decrypted), oldest first. */
  list(kind: string): VaultEntry[] {
    checkRef(kind, 'x');
    const rows = this.#db
      .prepare('SELECT kind, id, length(ciphertext) AS size, created_at, updated_at FROM vault_blobs WHERE kind = ? ORDER BY created_at, id')
      .all(kind) as { kind: string; id: string; size: number; created_at: string; updated_at: string }[];
    return rows.map((r) => ({ kind: r.kind, id: r.id, size: r.size, createdAt: r.created_at, updatedAt: r.updated_at }));
  }

  /**
   * Deletes one item: its ciphertext is first overwritten with zeros in the
   * row, then the row is deleted with the connection's `secure_delete` on
   * (freed space is zeroed), then the WAL is checkpointed and truncated so the
   * old page images leave the WAL file too. See docs/data-at-rest.md for what
   * this does not reach (filesystem, SSD wear levelling, backups).
   */
  delete(kind: string, id: string): boolean {
    checkRef(kind, id);
    this.#live();
    const removed = this.#db.transaction(() => {
      const row = this.#db.prepare('SELECT length(ciphertext) AS n, length(salt) AS s FROM vault_blobs WHERE kind = ? AND id = ?').get(kind, id) as { n: number; s: number } | undefined;
      if (row === undefined) return false;
      this.#db
        .prepare('UPDATE vault_blobs SET ciphertext = zeroblob(?), salt = zeroblob(16), nonce = zeroblob(12), tag = zeroblob(16) WHERE kind = ? AND id = ?')
        .run(row.n, kind, id);
      this.#db.prepare('DELETE FROM vault_blobs WHERE kind = ? AND id = ?').run(kind, id);
      return true;
    })();
    if (removed) this.#checkpoint();
    return removed;
  }

  #checkpoint(): void {
    // Inside an outer transaction SQLite cannot checkpoint; the next delete or close will.
    if (this.#db.inTransaction) return;
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * Replaces the data key: every item is re-encrypted under a new key in one
   * transaction, then the new key file replaces the old one. Crash-safe: the
   * new key is written to data-key.next.json (fsynced) before the transaction
   * commits, and openVault() finishes or discards a rotation that a crash
   * interrupted, according to which key the database says is current.
   */
  rotate(): RotationResult {
    const old = this.#live();
    const next = DataKey.generate();
    const at = this.#now();
    try {
      writeKeyFile(this.#paths.next, next, this.#protector, at);
    } catch (error) {
      next.destroy();
      throw error;
    }
    let count = 0;
    try {
      this.#db.transaction(() => {
        // Retire the old key first: one current key at a time (unique index vault_keys_one_current).
        this.#db.prepare('UPDATE vault_keys SET retired_at = ? WHERE key_id = ?').run(at.toISOString(), old.id);
        this.#db.prepare('INSERT INTO vault_keys (key_id, created_at) VALUES (?, ?)').run(next.id, at.toISOString());
        const refs = this.#db.prepare('SELECT kind, id FROM vault_blobs ORDER BY kind, id').all() as VaultBlobRef[];
        const read = this.#db.prepare('SELECT kind, id, key_id, salt, nonce, ciphertext, tag FROM vault_blobs WHERE kind = ? AND id = ?');
        const write = this.#db.prepare('UPDATE vault_blobs SET key_id = @keyId, salt = @salt, nonce = @nonce, ciphertext = @ciphertext, tag = @tag WHERE kind = @kind AND id = @id');
        for (const ref of refs) {
          const row = read.get(ref.kind, ref.id) as BlobRow;
          const plain = open(old, row);
          try {
            write.run({ kind: ref.kind, id: ref.id, keyId: next.id, ...seal(next, ref.kind, ref.id, plain) });
          } finally {
            plain.fill(0);
          }
          count += 1;
        }
      }).immediate();
    } catch (error) {
      rmSync(this.#paths.next, { force: true });
      next.destroy();
      throw error;
    }
    promoteNextKeyFile(this.#paths);
    this.#key = next;
    old.destroy();
    this.#checkpoint();
    this.#log?.info('vault key rotated', { previousKeyId: old.id, keyId: next.id, blobs: count });
    return { previousKeyId: old.id, keyId: next.id, blobs: count };
  }

  /** Forgets the key in memory (the database is the station's to close). Checkpoints first. */
  close(): void {
    if (this.#closed) return;
    try {
      if (this.#db.open) this.#checkpoint();
    } finally {
      this.#closed = true;
      this.#key.destroy();
    }
  }
}

function currentKeyId(db: Db): string | null {
  const row = db.prepare('SELECT key_id FROM vault_keys WHERE retired_at IS NULL').get() as { key_id: string } | undefined;
  return row?.key_id ?? null;
}

function blobCount(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM vault_blobs').get() as { n: number }).n;
}

/**
 * Opens the vault on an open (migrated) station database: sets
 * `secure_delete` and `temp_store = MEMORY` on the connection, finishes or
 * discards an interrupted rotation, then loads the data key — creating it on
 * first start, refusing to start (VaultError naming the file) when the key
 * file is missing while items exist, is not private, is damaged, or is not the
 * key the database's items are under.
 */
export function openVault(options: OpenVaultOptions): Vault {
  const { db, dataDir, log, now = () => new Date() } = options;
  const protector = options.protector ?? keyFileProtector;
  const paths = keyPaths(dataDir);

  // secure_delete: deleted content is overwritten with zeros in the database file
  // (https://sqlite.org/pragma.html#pragma_secure_delete). temp_store = MEMORY:
  // SQLite's own temporary files (sorts, indices) stay in memory, never on disk
  // (https://sqlite.org/pragma.html#pragma_temp_store). Both are per connection.
  db.pragma('secure_delete = ON');
  db.pragma('temp_store = MEMORY');

  ensureKeyDir(paths);
  removeStaleTemps(paths);
  let current = currentKeyId(db);

  // An interrupted rotation: the database says which key won.
  if (existsSync(paths.next)) {
    const nextHeader = readKeyFileHeader(paths.next);
    if (current !== null && nextHeader.keyId === current) {
      promoteNextKeyFile(paths);
      log?.warn('vault: finished a key rotation that a stop interrupted', { keyId: current });
    } else {
      rmSync(paths.next, { force: true });
      log?.warn('vault: discarded a key rotation that did not commit', { discardedKeyId: nextHeader.keyId });
    }
  }

  const at = now();
  if (!existsSync(paths.file)) {
    if (current !== null) {
      const n = blobCount(db);
      if (n > 0) {
        throw new VaultError(
          'key_missing',
          `The vault key file ${paths.file} is missing, but the station database holds ${n} encrypted item${n === 1 ? '' : 's'} (drafts, captures not yet sealed) under key ${current}. The station will not make a new key, which would leave them unreadable: restore ${paths.file} from the backup made with the database.`,
          { file: paths.file },
        );
      }
      // Nothing is encrypted under the lost key: nothing is orphaned by a new one.
      db.prepare('UPDATE vault_keys SET retired_at = ? WHERE key_id = ?').run(at.toISOString(), current);
      log?.warn('vault: key file was missing with no items under it; a new key is made', { file: paths.file, lostKeyId: current });
      current = null;
    }
    const key = DataKey.generate();
    // File first, then the record: a stop in between leaves a key file that the next start adopts.
    writeKeyFile(paths.file, key, protector, at);
    db.prepare('INSERT INTO vault_keys (key_id, created_at) VALUES (?, ?)').run(key.id, at.toISOString());
    log?.info('vault: new station data key', { keyId: key.id, protection: protector.name, file: paths.file });
    return new Vault({ db, paths, key, protector, now, ...(log ? { log } : {}) });
  }

  const loaded = readKeyFile(paths.file, protector);
  const key = loaded.key;
  if (current === null) {
    const known = db.prepare('SELECT retired_at FROM vault_keys WHERE key_id = ?').get(key.id) as { retired_at: string | null } | undefined;
    if (known !== undefined) {
      key.destroy();
      throw new VaultError('key_wrong', `The vault key file ${paths.file} holds key ${key.id}, which was retired on ${known.retired_at ?? '?'}. Restore the current key file.`, { file: paths.file });
    }
    // A database without a key yet (first start of the vault, or a stop between writing the key file and recording it).
    db.prepare('INSERT INTO vault_keys (key_id, created_at) VALUES (?, ?)').run(key.id, at.toISOString());
  } else if (current !== key.id) {
    const retired = db.prepare('SELECT retired_at FROM vault_keys WHERE key_id = ?').get(key.id) as { retired_at: string | null } | undefined;
    key.destroy();
    throw new VaultError(
      'key_wrong',
      `The vault key file ${paths.file} holds key ${loaded.key.id}, but the station database's items are under key ${current}. ${
        retired !== undefined ? `That file is an old key, retired on ${retired.retired_at ?? '?'}: restore the key file backed up after that date.` : 'Was the key file copied from another station or data folder? Restore the key file backed up with this database.'
      }`,
      { file: paths.file },
    );
  }

  let activeProtector: KeyProtector = loaded.protector === protector.name ? protector : keyFileProtector;
  if (options.upgradeProtection === true && loaded.protector === keyFileProtectorName && protector.name !== keyFileProtectorName) {
    writeKeyFile(paths.file, key, protector, at);
    activeProtector = protector;
    log?.info('vault: key file now protected', { protection: protector.name, file: paths.file });
  }
  return new Vault({ db, paths, key, protector: activeProtector, now, ...(log ? { log } : {}) });
}
