import Database from 'better-sqlite3';
import { existsSync, mkdirSync, writeFileSync, readFileSync, accessSync, constants } from 'node:fs';
import path from 'node:path';
import { latestSchemaVersion, migrations, type Migration } from './migrations.js';

export type Db = Database.Database;

export type StorageErrorKind = 'corrupt' | 'locked' | 'unwritable' | 'missing' | 'too_new' | 'migration_failed';

/** Why the station cannot use its database, naming the file and what to do. */
export class StorageError extends Error {
  constructor(
    readonly kind: StorageErrorKind,
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export const databaseFileName = 'station.db';
/** Written when the database is first created: if it exists and the database does not, the database was lost, not never made. */
const markerFileName = 'station.created';

export interface OpenOptions {
  dataDir: string;
  /** How long to wait for another process's lock before calling the database locked. */
  busyTimeoutMs?: number;
  migrations?: readonly Migration[];
}

function sqliteCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
}

function classify(error: unknown, file: string): StorageError {
  const code = sqliteCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StorageError(
      'corrupt',
      file,
      `The station database ${file} is damaged (${detail}). The station will not start, so that nothing in it is lost or overwritten: restore it from a backup, or ask support to recover it.`,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StorageError(
      'locked',
      file,
      `The station database ${file} is locked by another process — is another Balcão station running with this data directory? Close it and start again.`,
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM') || code === 'EACCES' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EPERM') {
    return new StorageError(
      'unwritable',
      file,
      `The station database ${file} cannot be written (${detail}). Check that the data directory exists, is on a writable disk and belongs to the station's user.`,
    );
  }
  return new StorageError('migration_failed', file, `The station database ${file} could not be opened: ${detail}`);
}

function ensureDataDir(dataDir: string, file: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    throw new StorageError(
      'unwritable',
      file,
      `The data directory ${dataDir} cannot be created or written (${sqliteCode(error) || String(error)}), so the station database ${file} cannot be opened. Check the dataDir setting and the folder's owner.`,
    );
  }
}

function migrate(db: Db, file: string, list: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = list.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > latest) {
    throw new StorageError(
      'too_new',
      file,
      `The station database ${file} was written by a newer Balcão (schema ${current}; this one knows up to ${latest}). Install the newer version; the station will not downgrade the data.`,
    );
  }
  for (const migration of [...list].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue;
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      }).immediate();
    } catch (error) {
      if (error instanceof StorageError) throw error;
      const classified = classify(error, file);
      if (classified.kind !== 'migration_failed') throw classified;
      throw new StorageError(
        'migration_failed',
        file,
        `Updating the station database ${file} to schema ${migration.version} (${migration.name}) failed: ${(error as Error).message}. Nothing was changed.`,
      );
    }
  }
}

/**
 * Opens (or on the very first start, creates) the station database: WAL
 * journal, foreign keys on, an exclusive lock so that two stations never
 * share one data directory, an integrity check, then the migrations.
 */
export function openDatabase({ dataDir, busyTimeoutMs = 2000, migrations: list = migrations }: OpenOptions): Db {
  const file = path.join(dataDir, databaseFileName);
  const marker = path.join(dataDir, markerFileName);
  ensureDataDir(dataDir, file);

  const exists = existsSync(file);
  if (!exists && existsSync(marker)) {
    const created = readFileSync(marker, 'utf8').trim();
    throw new StorageError(
      'missing',
      file,
      `The station database ${file} is missing, but this data directory already had one (created ${created}). The station will not start with an empty database, so that no queued enrolment is forgotten: restore the file from a backup, or remove ${marker} to start afresh on purpose.`,
    );
  }

  let db: Db;
  try {
    db = new Database(file, { timeout: busyTimeoutMs });
  } catch (error) {
    throw classify(error, file);
  }
  try {
    // Exclusive locking: the first write takes the lock and keeps it until the process ends (or dies).
    db.pragma('locking_mode = EXCLUSIVE');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new StorageError('unwritable', file, `The station database ${file} could not switch to WAL journaling (got ${String(mode)}).`);
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = FULL');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new StorageError('corrupt', file, `The station database ${file} failed its integrity check (${String(check)}). The station will not start, so that nothing in it is lost: restore it from a backup.`);
    migrate(db, file, list);
  } catch (error) {
    db.close();
    throw error instanceof StorageError ? error : classify(error, file);
  }
  if (!exists) writeFileSync(marker, `${new Date().toISOString()}\n`, { mode: 0o600 });
  return db;
}

export { latestSchemaVersion };
