import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, databaseFileName } from '../storage/database.js';
import { AuditLog } from './log.js';
import { tempDir } from '../../test/support/temp-station.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function freshLog() {
  const t = tempDir('balcao-audit-');
  const db = openDatabase({ dataDir: t.dir });
  cleanups.push(() => {
    if (db.open) db.close();
    t.remove();
  });
  return { db, log: new AuditLog(db), file: path.join(t.dir, databaseFileName) };
}

describe('audit log', () => {
  it('chains each entry to the one before and verifies the whole chain', () => {
    const { log } = freshLog();
    const a = log.append({ type: 'auth.login', actor: 'ana', details: { role: 'operator' } });
    const b = log.append({ type: 'auth.logout', actor: 'ana' });
    expect(a.seq).toBe(1);
    expect(b.prevHash).toBe(a.hash);
    expect(b.hash).not.toBe(a.hash);
    expect(log.verify()).toEqual({ ok: true, checked: 2, brokenAt: null });
    expect(log.recent(1)[0]).toMatchObject({ seq: 2, type: 'auth.logout', actor: 'ana', details: {} });
  });

  it('refuses UPDATE and DELETE', () => {
    const { db, log } = freshLog();
    log.append({ type: 'auth.login', actor: 'ana' });
    expect(() => db.prepare("UPDATE audit_log SET actor = 'rui'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(log.verify().ok).toBe(true);
  });

  it('detects an entry altered behind its back, at the entry that was altered', () => {
    const { db, log, file } = freshLog();
    for (let i = 0; i < 5; i++) log.append({ type: 'auth.login_failed', actor: 'ana', details: { failures: i + 1 } });
    db.close();
    // Someone with the file and sqlite3 drops the trigger and edits a row.
    const raw = new Database(file);
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare("UPDATE audit_log SET actor = 'rui' WHERE seq = 3").run();
    raw.close();
    const reopened = openDatabase({ dataDir: path.dirname(file) });
    cleanups.push(() => reopened.close());
    expect(new AuditLog(reopened).verify()).toEqual({ ok: false, checked: 2, brokenAt: 3 });
  });

  it('detects a deleted entry', () => {
    const { db, log, file } = freshLog();
    for (let i = 0; i < 4; i++) log.append({ type: 'x', actor: null });
    db.close();
    const raw = new Database(file);
    raw.exec('DROP TRIGGER audit_log_no_delete');
    raw.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    raw.close();
    const reopened = openDatabase({ dataDir: path.dirname(file) });
    cleanups.push(() => reopened.close());
    expect(new AuditLog(reopened).verify()).toMatchObject({ ok: false, brokenAt: 3 });
  });
});
