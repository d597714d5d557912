import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, StorageError, databaseFileName, latestSchemaVersion } from './database.js';
import { tempDir } from '../../test/support/temp-station.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function fresh() {
  const t = tempDir('balcao-db-');
  cleanups.push(t.remove);
  return { dir: t.dir, file: path.join(t.dir, databaseFileName) };
}

function expectStorageError(fn: () => unknown, kind: string, file: string): StorageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StorageError);
    const e = error as StorageError;
    expect(e.kind).toBe(kind);
    expect(e.file).toBe(file);
    expect(e.message).toContain(file);
    return e;
  }
  throw new Error(`expected a ${kind} StorageError`);
}

describe('openDatabase', () => {
  it('creates the database in WAL mode with every migration applied, and reopens it', () => {
    const { dir } = fresh();
    const db = openDatabase({ dataDir: dir });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
    db.prepare("INSERT INTO settings (key, value) VALUES ('k', 'v')").run();
    db.close();
    const again = openDatabase({ dataDir: dir });
    expect(again.prepare("SELECT value FROM settings WHERE key = 'k'").get()).toEqual({ value: 'v' });
    again.close();
  });

  it('runs only the migrations not yet applied, in order', () => {
    const { dir } = fresh();
    const v1 = [{ version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER) STRICT;' }];
    openDatabase({ dataDir: dir, migrations: v1 }).close();
    const v2 = [...v1, { version: 2, name: 'two', sql: 'ALTER TABLE a ADD COLUMN y TEXT;' }];
    const db = openDatabase({ dataDir: dir, migrations: v2 });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').all('a')).toEqual([{ name: 'x' }, { name: 'y' }]);
    db.close();
  });

  it('a failing migration changes nothing and names itself', () => {
    const { dir, file } = fresh();
    const v1 = [{ version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER) STRICT;' }];
    openDatabase({ dataDir: dir, migrations: v1 }).close();
    const bad = [...v1, { version: 2, name: 'broken step', sql: 'CREATE TABLE b (x); THIS IS NOT SQL;' }];
    const error = expectStorageError(() => openDatabase({ dataDir: dir, migrations: bad }), 'migration_failed', file);
    expect(error.message).toContain('broken step');
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'").get()).toEqual({ n: 0 });
    raw.close();
  });

  it('refuses a corrupt file, names it, and leaves its bytes untouched', () => {
    const { dir, file } = fresh();
    const junk = Buffer.from('this is not a database, but it is somebody’s file\n'.repeat(200));
    writeFileSync(file, junk);
    expectStorageError(() => openDatabase({ dataDir: dir }), 'corrupt', file);
    expect(readFileSync(file).equals(junk)).toBe(true);
  });

  it('refuses a database with a damaged page', () => {
    const { dir, file } = fresh();
    const db = openDatabase({ dataDir: dir });
    const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    for (let i = 0; i < 2000; i++) insert.run(`key-${i}`, 'x'.repeat(100));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = readFileSync(file);
    // Find a table leaf page (b-tree page type 13, SQLite file format §1.6) past the schema page and garble its header and cells.
    let page = 2;
    while (bytes[4096 * (page - 1)] !== 13) page += 1;
    bytes.fill(0xa5, 4096 * (page - 1), 4096 * (page - 1) + 2000);
    writeFileSync(file, bytes);
    expectStorageError(() => openDatabase({ dataDir: dir }), 'corrupt', file);
  });

  it('says the database is locked when another station process holds it', async () => {
    const { dir, file } = fresh();
    openDatabase({ dataDir: dir }).close();
    // A real second process, as when two stations are started on one data directory.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(file)});
         db.pragma('locking_mode = EXCLUSIVE'); db.pragma('journal_mode = WAL');
         db.prepare("INSERT INTO settings (key, value) VALUES ('holder', 'yes')").run();
         process.stdout.write('held\\n'); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() },
    );
    cleanups.unshift(() => holder.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
      holder.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
    const error = expectStorageError(() => openDatabase({ dataDir: dir, busyTimeoutMs: 200 }), 'locked', file);
    expect(error.message).toMatch(/another Balcão station/);
  });

  it('says the data directory cannot be written when it cannot be created', () => {
    const { dir } = fresh();
    const notADir = path.join(dir, 'plain-file');
    writeFileSync(notADir, 'x');
    const dataDir = path.join(notADir, 'data');
    const error = expectStorageError(() => openDatabase({ dataDir }), 'unwritable', path.join(dataDir, databaseFileName));
    expect(error.message).toContain(dataDir);
  });

  it('will not silently recreate a database that existed and is gone', () => {
    const { dir, file } = fresh();
    openDatabase({ dataDir: dir }).close();
    rmSync(file);
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    const error = expectStorageError(() => openDatabase({ dataDir: dir }), 'missing', file);
    expect(error.message).toMatch(/restore the file from a backup/);
  });

  it('will not downgrade a database written by a newer version', () => {
    const { dir, file } = fresh();
    openDatabase({ dataDir: dir }).close();
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    expectStorageError(() => openDatabase({ dataDir: dir }), 'too_new', file);
  });
});
