import { chmodSync, chownSync, copyFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase, type Db } from '../storage/database.js';
import { tempDir } from '../../test/support/temp-station.js';
import { createLogger, memorySink } from '../log/logger.js';
import { openVault, type Vault } from './vault.js';
import { VaultError } from './errors.js';
import { DataKey, keyPaths } from './data-key.js';
import type { KeyProtector } from './key-protector.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function station(dir?: string, options: { protector?: KeyProtector | null; upgradeProtection?: boolean } = {}) {
  let dataDir = dir;
  if (dataDir === undefined) {
    const t = tempDir('balcao-vault-');
    cleanups.push(t.remove);
    dataDir = t.dir;
  }
  const db = openDatabase({ dataDir });
  const sink = memorySink();
  let vault: Vault;
  try {
    vault = openVault({ db, dataDir, log: createLogger('test', sink), ...options });
  } catch (error) {
    db.close();
    throw error;
  }
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    vault.close();
    db.close();
  };
  cleanups.push(close);
  return { dataDir, db, vault, logs: sink.records, close, paths: keyPaths(dataDir) };
}

function expectVaultError(fn: () => unknown, kind: string): VaultError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(VaultError);
    expect((error as VaultError).kind).toBe(kind);
    return error as VaultError;
  }
  throw new Error(`expected a ${kind} VaultError`);
}

function row(db: Db, kind: string, id: string) {
  return db.prepare('SELECT salt, nonce, ciphertext, tag, key_id FROM vault_blobs WHERE kind = ? AND id = ?').get(kind, id) as {
    salt: Buffer;
    nonce: Buffer;
    ciphertext: Buffer;
    tag: Buffer;
    key_id: string;
  };
}

/** Every file under dir, recursively, with its bytes. */
function allFiles(dir: string): { file: string; bytes: Buffer }[] {
  const out: { file: string; bytes: Buffer }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push({ file, bytes: readFileSync(file) });
  }
  return out;
}

function filesContaining(dir: string, needle: Buffer): string[] {
  return allFiles(dir)
    .filter((f) => f.bytes.includes(needle))
    .map((f) => path.relative(dir, f.file));
}

/** A stand-in for an OS keyring: AES-256-GCM under a key the "OS" holds (never on disk). */
function fakeKeyring(name = 'fake-keyring'): KeyProtector & { calls: number } {
  const osKey = randomBytes(32);
  const protector = {
    name,
    calls: 0,
    protect(key: Buffer) {
      protector.calls += 1;
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', osKey, iv);
      const body = Buffer.concat([c.update(key), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    unprotect(blob: Buffer) {
      protector.calls += 1;
      const d = createDecipheriv('aes-256-gcm', osKey, blob.subarray(0, 12));
      d.setAuthTag(blob.subarray(12, 28));
      return Buffer.concat([d.update(blob.subarray(28)), d.final()]);
    },
  };
  return protector;
}

describe('vault round trip', () => {
  it('stores bytes and JSON, lists, replaces and reads them back after a restart', () => {
    const s = station();
    const image = randomBytes(70_000);
    s.vault.put('capture', 'c1', image);
    s.vault.put('case-draft', 'case-1', { name: 'Maria', fingers: [1, 2], nested: { ok: true } });
    s.vault.put('case-draft', 'case-2', { name: 'João' });
    s.vault.put('case-draft', 'case-2', { name: 'João Silva' });

    expect(s.vault.getBytes('capture', 'c1')?.equals(image)).toBe(true);
    expect(s.vault.get('case-draft', 'case-1')).toEqual({ name: 'Maria', fingers: [1, 2], nested: { ok: true } });
    expect(s.vault.getJson('case-draft', 'case-2', z.object({ name: z.string() }))).toEqual({ name: 'João Silva' });
    expect(s.vault.get('case-draft', 'nope')).toBeNull();
    expect(s.vault.has('capture', 'c1')).toBe(true);
    expect(s.vault.list('case-draft').map((e) => e.id)).toEqual(['case-1', 'case-2']);
    expect(s.vault.list('capture')[0]).toMatchObject({ kind: 'capture', id: 'c1', size: image.length + 1 });
    expectVaultError(() => s.vault.getBytes('case-draft', 'case-1'), 'blob_invalid');
    expectVaultError(() => s.vault.getJson('capture', 'c1', z.object({})), 'blob_invalid');
    expectVaultError(() => s.vault.getJson('case-draft', 'case-1', z.object({ name: z.number() })), 'blob_invalid');
    const keyId = s.vault.keyId;
    s.close();

    const again = station(s.dataDir);
    expect(again.vault.keyId).toBe(keyId);
    expect(again.vault.getBytes('capture', 'c1')?.equals(image)).toBe(true);
    expect(again.vault.get('case-draft', 'case-2')).toEqual({ name: 'João Silva' });
    expect(again.vault.delete('case-draft', 'case-2')).toBe(true);
    expect(again.vault.delete('case-draft', 'case-2')).toBe(false);
    expect(again.vault.list('case-draft').map((e) => e.id)).toEqual(['case-1']);
  });

  it('refuses kinds and ids that are not plain identifiers (they are stored in clear)', () => {
    const s = station();
    expectVaultError(() => s.vault.put('Case Draft', 'x', {}), 'blob_invalid');
    expectVaultError(() => s.vault.put('case', 'Maria da Silva', {}), 'blob_invalid');
    expectVaultError(() => s.vault.put('case', '', {}), 'blob_invalid');
    expectVaultError(() => s.vault.put('case', 'x', undefined as unknown as object), 'blob_invalid');
    expect(s.vault.list('case')).toEqual([]);
  });

  it('creates the key file 0600 in a 0700 folder, and the key never appears in logs or in print', () => {
    const s = station();
    expect(statSync(s.paths.dir).mode & 0o777).toBe(0o700);
    expect(statSync(s.paths.file).mode & 0o777).toBe(0o600);
    const file = JSON.parse(readFileSync(s.paths.file, 'utf8')) as { protected: string; keyId: string; protector: string };
    expect(file.protector).toBe('key-file');
    expect(file.keyId).toBe(s.vault.keyId);
    const key = Buffer.from(file.protected, 'base64');
    expect(key.length).toBe(32);
    const everything = JSON.stringify(s.logs);
    for (const form of [key.toString('base64'), key.toString('hex')]) expect(everything).not.toContain(form);
    const printed = inspect(s.vault, { showHidden: true, depth: 10 }) + inspect(new DataKey(key)) + JSON.stringify(new DataKey(key)) + String(new DataKey(key));
    for (const form of [key.toString('base64'), key.toString('hex')]) expect(printed).not.toContain(form);
  });
});

describe('vault integrity', () => {
  it('names the tampered item and still reads the others', () => {
    const s = station();
    s.vault.put('case-draft', 'a', { n: 1 });
    s.vault.put('case-draft', 'b', { n: 2 });
    s.vault.put('capture', 'c', randomBytes(5000));
    const r = row(s.db, 'capture', 'c');
    const flipped = Buffer.from(r.ciphertext);
    flipped[2500] = (flipped[2500] ?? 0) ^ 0x01;
    s.db.prepare("UPDATE vault_blobs SET ciphertext = ? WHERE kind = 'capture' AND id = 'c'").run(flipped);
    const e = expectVaultError(() => s.vault.get('capture', 'c'), 'blob_undecryptable');
    expect(e.blob).toEqual({ kind: 'capture', id: 'c' });
    expect(e.message).toContain('capture/c');

    const tag = Buffer.from(row(s.db, 'case-draft', 'a').tag);
    tag[0] = (tag[0] ?? 0) ^ 0x80;
    s.db.prepare("UPDATE vault_blobs SET tag = ? WHERE kind = 'case-draft' AND id = 'a'").run(tag);
    expect(expectVaultError(() => s.vault.get('case-draft', 'a'), 'blob_undecryptable').blob).toEqual({ kind: 'case-draft', id: 'a' });

    const salt = Buffer.from(row(s.db, 'case-draft', 'b').salt);
    salt[3] = (salt[3] ?? 0) ^ 0x10;
    s.db.prepare("UPDATE vault_blobs SET salt = ? WHERE kind = 'case-draft' AND id = 'b'").run(salt);
    expectVaultError(() => s.vault.get('case-draft', 'b'), 'blob_undecryptable');

    s.vault.put('case-draft', 'd', { n: 4 });
    expect(s.vault.get('case-draft', 'd')).toEqual({ n: 4 });
    expect(s.vault.list('case-draft')).toHaveLength(3);
  });

  it('a ciphertext moved to another row (or another kind) fails there and names that row', () => {
    const s = station();
    s.vault.put('case-draft', 'a', { who: 'first' });
    s.vault.put('case-draft', 'b', { who: 'second' });
    s.vault.put('capture', 'a', Buffer.from('capture a'));
    const copy = s.db.prepare(
      "UPDATE vault_blobs SET salt = (SELECT salt FROM vault_blobs WHERE kind = @fk AND id = @fi), nonce = (SELECT nonce FROM vault_blobs WHERE kind = @fk AND id = @fi), ciphertext = (SELECT ciphertext FROM vault_blobs WHERE kind = @fk AND id = @fi), tag = (SELECT tag FROM vault_blobs WHERE kind = @fk AND id = @fi) WHERE kind = @tk AND id = @ti",
    );
    copy.run({ fk: 'case-draft', fi: 'a', tk: 'case-draft', ti: 'b' });
    expect(expectVaultError(() => s.vault.get('case-draft', 'b'), 'blob_undecryptable').blob).toEqual({ kind: 'case-draft', id: 'b' });
    copy.run({ fk: 'case-draft', fi: 'a', tk: 'capture', ti: 'a' });
    expect(expectVaultError(() => s.vault.get('capture', 'a'), 'blob_undecryptable').blob).toEqual({ kind: 'capture', id: 'a' });
    expect(s.vault.get('case-draft', 'a')).toEqual({ who: 'first' });
  });

  it('refuses to start with another station key file, naming the file', () => {
    const one = station();
    one.vault.put('case-draft', 'a', { n: 1 });
    one.close();
    const other = station();
    other.close();
    copyFileSync(other.paths.file, one.paths.file);
    chmodSync(one.paths.file, 0o600);
    const e = expectVaultError(() => station(one.dataDir), 'key_wrong');
    expect(e.file).toBe(one.paths.file);
    expect(e.message).toContain(one.paths.file);
    expect(e.message).toContain('another station');
  });

  it('an item recorded under another key is refused by name, without trying to decrypt it with the wrong key', () => {
    const s = station();
    s.vault.put('case-draft', 'a', { n: 1 });
    const stranger = DataKey.generate();
    s.db.prepare('INSERT INTO vault_keys (key_id, created_at, retired_at) VALUES (?, ?, ?)').run(stranger.id, 'x', 'y');
    s.db.prepare("UPDATE vault_blobs SET key_id = ? WHERE id = 'a'").run(stranger.id);
    const e = expectVaultError(() => s.vault.get('case-draft', 'a'), 'blob_undecryptable');
    expect(e.message).toContain(stranger.id);
  });

  it('refuses a damaged key file', () => {
    const s = station();
    s.close();
    const body = JSON.parse(readFileSync(s.paths.file, 'utf8')) as Record<string, string>;
    writeFileSync(s.paths.file, JSON.stringify({ ...body, protected: randomBytes(32).toString('base64') }), { mode: 0o600 });
    expect(expectVaultError(() => station(s.dataDir), 'key_invalid').message).toContain('not the key it names');
    writeFileSync(s.paths.file, '{"format":', { mode: 0o600 });
    expect(expectVaultError(() => station(s.dataDir), 'key_invalid').file).toBe(s.paths.file);
  });
});

describe('vault key file', () => {
  it('refuses a key file readable by others, with the file and the fix in the message', () => {
    const s = station();
    s.close();
    chmodSync(s.paths.file, 0o644);
    const e = expectVaultError(() => station(s.dataDir), 'key_permissions');
    expect(e.file).toBe(s.paths.file);
    expect(e.message).toContain(s.paths.file);
    expect(e.message).toContain('0644');
    expect(e.message).toContain(`chmod 600 '${s.paths.file}'`);
    chmodSync(s.paths.file, 0o600);
    expect(station(s.dataDir).vault.keyId).toBeTruthy();
  });

  it('refuses a folder others can enter, and a key file owned by another user', () => {
    const s = station();
    s.close();
    chmodSync(s.paths.dir, 0o755);
    const e = expectVaultError(() => station(s.dataDir), 'key_permissions');
    expect(e.file).toBe(s.paths.dir);
    expect(e.message).toContain(`chmod 700 '${s.paths.dir}'`);
    chmodSync(s.paths.dir, 0o700);
    if (typeof process.getuid === 'function' && process.getuid() === 0) {
      // Only root can give a file away; elsewhere this case is covered by the mode check above.
      chownSync(s.paths.file, 4321, 4321);
      const owned = expectVaultError(() => station(s.dataDir), 'key_permissions');
      expect(owned.message).toContain('belongs to user 4321');
      expect(owned.message).toContain('chown');
    }
  });

  it('missing key file while items exist: refuses, names the file, and makes no new key', () => {
    const s = station();
    s.vault.put('case-draft', 'a', { n: 1 });
    const keyId = s.vault.keyId;
    s.close();
    rmSync(s.paths.file);
    const e = expectVaultError(() => station(s.dataDir), 'key_missing');
    expect(e.file).toBe(s.paths.file);
    expect(e.message).toContain(s.paths.file);
    expect(e.message).toContain('1 encrypted item');
    expect(existsSync(s.paths.file)).toBe(false);
    const db = openDatabase({ dataDir: s.dataDir });
    expect(db.prepare('SELECT key_id FROM vault_keys WHERE retired_at IS NULL').get()).toEqual({ key_id: keyId });
    expect(db.prepare('SELECT count(*) AS n FROM vault_blobs').get()).toEqual({ n: 1 });
    db.close();
  });

  it('missing key file with nothing under it: a new key, and a warning', () => {
    const s = station();
    const keyId = s.vault.keyId;
    s.close();
    rmSync(s.paths.file);
    const again = station(s.dataDir);
    expect(again.vault.keyId).not.toBe(keyId);
    expect(again.logs.some((r) => r.level === 'warn' && r.msg.includes('missing'))).toBe(true);
  });

  it('adopts a key file whose record a stop prevented (file written, database not yet)', () => {
    const s = station();
    const keyId = s.vault.keyId;
    s.db.prepare('DELETE FROM vault_keys').run();
    s.close();
    expect(station(s.dataDir).vault.keyId).toBe(keyId);
  });
});

describe('vault key protection (fake KeyProtector: Electron safeStorage cannot run here)', () => {
  it('wraps the key with the protector and never writes the raw key', () => {
    const keyring = fakeKeyring();
    const s = station(undefined, { protector: keyring });
    s.vault.put('case-draft', 'a', { n: 1 });
    expect(s.vault.protection).toBe('fake-keyring');
    const file = JSON.parse(readFileSync(s.paths.file, 'utf8')) as { protector: string; protected: string };
    expect(file.protector).toBe('fake-keyring');
    expect(Buffer.from(file.protected, 'base64').length).toBe(12 + 16 + 32);
    s.close();
    const again = station(s.dataDir, { protector: keyring });
    expect(again.vault.get('case-draft', 'a')).toEqual({ n: 1 });
    again.close();

    // Without that protector (the CLI, or another machine), the file is refused by name, not replaced.
    const e = expectVaultError(() => station(s.dataDir), 'key_protector_unavailable');
    expect(e.message).toContain('fake-keyring');
    expect(e.file).toBe(s.paths.file);
    // A keyring that cannot unwrap it (user or keyring changed).
    const f = expectVaultError(() => station(s.dataDir, { protector: fakeKeyring() }), 'key_invalid');
    expect(f.message).toContain('could not be unlocked');
  });

  it('keeps a key-file key as it is unless asked to upgrade it, then wraps it', () => {
    const s = station();
    s.vault.put('case-draft', 'a', { n: 1 });
    const keyId = s.vault.keyId;
    s.close();
    const keyring = fakeKeyring();
    const kept = station(s.dataDir, { protector: keyring });
    expect(kept.vault.protection).toBe('key-file');
    kept.close();
    const upgraded = station(s.dataDir, { protector: keyring, upgradeProtection: true });
    expect(upgraded.vault.protection).toBe('fake-keyring');
    expect(upgraded.vault.keyId).toBe(keyId);
    upgraded.close();
    expect((JSON.parse(readFileSync(s.paths.file, 'utf8')) as { protector: string }).protector).toBe('fake-keyring');
    expect(station(s.dataDir, { protector: keyring }).vault.get('case-draft', 'a')).toEqual({ n: 1 });
  });
});

describe('vault key rotation', () => {
  it('re-encrypts every item under a new key; old ciphertext and old key no longer open anything', () => {
    const s = station();
    const image = randomBytes(40_000);
    s.vault.put('capture', 'c1', image);
    for (let i = 0; i < 20; i += 1) s.vault.put('case-draft', `d${i}`, { i });
    const before = row(s.db, 'capture', 'c1').ciphertext.subarray(1000, 1064);
    const oldKeyFile = readFileSync(s.paths.file);
    const result = s.vault.rotate();
    expect(result.blobs).toBe(21);
    expect(result.keyId).not.toBe(result.previousKeyId);
    expect(s.vault.keyId).toBe(result.keyId);
    expect(s.vault.getBytes('capture', 'c1')?.equals(image)).toBe(true);
    expect(existsSync(s.paths.next)).toBe(false);
    expect((JSON.parse(readFileSync(s.paths.file, 'utf8')) as { keyId: string }).keyId).toBe(result.keyId);
    expect(s.db.prepare('SELECT DISTINCT key_id FROM vault_blobs').all()).toEqual([{ key_id: result.keyId }]);
    s.close();
    expect(filesContaining(s.dataDir, Buffer.from(before))).toEqual([]);

    const again = station(s.dataDir);
    expect(again.vault.get('case-draft', 'd7')).toEqual({ i: 7 });
    again.close();
    // Restoring the retired key file is recognised as such.
    writeFileSync(s.paths.file, oldKeyFile, { mode: 0o600 });
    expect(expectVaultError(() => station(s.dataDir), 'key_wrong').message).toContain('retired');
  });

  it('a rotation interrupted before its commit is discarded at the next start', () => {
    const s = station();
    s.vault.put('case-draft', 'a', { n: 1 });
    const keyId = s.vault.keyId;
    s.close();
    // What a stop leaves between writing data-key.next.json and committing: a next key the database never saw.
    const donor = station();
    donor.close();
    copyFileSync(donor.paths.file, s.paths.next);
    chmodSync(s.paths.next, 0o600);
    const again = station(s.dataDir);
    expect(again.vault.keyId).toBe(keyId);
    expect(existsSync(s.paths.next)).toBe(false);
    expect(again.vault.get('case-draft', 'a')).toEqual({ n: 1 });
  });

  it('a rotation interrupted after its commit, before the rename, is finished at the next start', () => {
    const s = station();
    s.vault.put('case-draft', 'a', { n: 1 });
    const oldFile = readFileSync(s.paths.file);
    const { keyId } = s.vault.rotate();
    s.close();
    // Put the files back as they were just before the rename.
    copyFileSync(s.paths.file, s.paths.next);
    chmodSync(s.paths.next, 0o600);
    writeFileSync(s.paths.file, oldFile, { mode: 0o600 });
    const again = station(s.dataDir);
    expect(again.vault.keyId).toBe(keyId);
    expect(existsSync(s.paths.next)).toBe(false);
    expect(again.vault.get('case-draft', 'a')).toEqual({ n: 1 });
  });
});

describe('vault secure delete', () => {
  it('leaves no trace of a deleted item in the database, WAL or any other file', () => {
    const s = station();
    expect(s.db.pragma('secure_delete', { simple: true })).toBe(1);
    const big = randomBytes(60_000); // overflow pages, not just one leaf
    s.vault.put('capture', 'big', big);
    s.vault.put('case-draft', 'small', { note: 'x'.repeat(200) });
    s.vault.put('case-draft', 'keep', { note: 'kept' });
    const bigCipher = Buffer.from(row(s.db, 'capture', 'big').ciphertext);
    const smallCipher = Buffer.from(row(s.db, 'case-draft', 'small').ciphertext);
    const keepCipher = Buffer.from(row(s.db, 'case-draft', 'keep').ciphertext);
    // Control: before the delete, the scan does find the ciphertexts on disk.
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    const probes = [bigCipher.subarray(0, 48), bigCipher.subarray(30_000, 30_048), bigCipher.subarray(-48), smallCipher.subarray(0, 32)];
    for (const p of probes) expect(filesContaining(s.dataDir, p).length).toBeGreaterThan(0);

    expect(s.vault.delete('capture', 'big')).toBe(true);
    expect(s.vault.delete('case-draft', 'small')).toBe(true);
    s.close();
    for (const p of probes) expect(filesContaining(s.dataDir, p)).toEqual([]);
    expect(filesContaining(s.dataDir, keepCipher.subarray(0, 16)).length).toBeGreaterThan(0);
  });

  it('replacing an item leaves no trace of its previous ciphertext', () => {
    const s = station();
    s.vault.put('capture', 'c', randomBytes(20_000));
    const first = Buffer.from(row(s.db, 'capture', 'c').ciphertext);
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    // Smaller: the old overflow pages are freed rather than rewritten in place.
    s.vault.put('capture', 'c', randomBytes(100));
    s.close();
    const probe = first.subarray(10_000, 10_048);
    expect(filesContaining(s.dataDir, probe)).toEqual([]);
  });
});
