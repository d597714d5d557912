import type { Db } from '../storage/database.js';
import type { Locale, Role } from '../contract/channels.js';

export interface OperatorRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  language: Locale | null;
  disabled: 0 | 1;
  failed_logins: number;
  locked_until: string | null;
  created_at: string;
  last_login_at: string | null;
}

export interface NewOperator {
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  createdAt: string;
}

/** The typed data access for the operators table; no business rules here. */
export class OperatorsRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      byId: db.prepare<[number], OperatorRow>('SELECT * FROM operators WHERE id = ?'),
      byUsername: db.prepare<[string], OperatorRow>('SELECT * FROM operators WHERE username = ?'),
      all: db.prepare<[], OperatorRow>('SELECT * FROM operators ORDER BY username'),
      countActiveAdmins: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM operators WHERE role = 'admin' AND disabled = 0"),
      countAdmins: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM operators WHERE role = 'admin'"),
      insert: db.prepare(
        'INSERT INTO operators (username, display_name, role, password_hash, created_at) VALUES (@username, @displayName, @role, @passwordHash, @createdAt)',
      ),
      recordFailure: db.prepare('UPDATE operators SET failed_logins = ?, locked_until = ? WHERE id = ?'),
      recordLogin: db.prepare('UPDATE operators SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?'),
      setDisabled: db.prepare('UPDATE operators SET disabled = ? WHERE id = ?'),
      setPassword: db.prepare('UPDATE operators SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?'),
      setLanguage: db.prepare('UPDATE operators SET language = ? WHERE id = ?'),
    };
  }

  byId(id: number): OperatorRow | undefined {
    return this.stmts.byId.get(id);
  }
  byUsername(username: string): OperatorRow | undefined {
    return this.stmts.byUsername.get(username);
  }
  all(): OperatorRow[] {
    return this.stmts.all.all();
  }
  adminCount(): number {
    return this.stmts.countAdmins.get()?.n ?? 0;
  }
  activeAdminCount(): number {
    return this.stmts.countActiveAdmins.get()?.n ?? 0;
  }
  insert(operator: NewOperator): number {
    return Number(this.stmts.insert.run(operator).lastInsertRowid);
  }
  recordFailure(id: number, failedLogins: number, lockedUntil: string | null): void {
    this.stmts.recordFailure.run(failedLogins, lockedUntil, id);
  }
  recordLogin(id: number, at: string): void {
    this.stmts.recordLogin.run(at, id);
  }
  setDisabled(id: number, disabled: boolean): void {
    this.stmts.setDisabled.run(disabled ? 1 : 0, id);
  }
  setPassword(id: number, passwordHash: string): void {
    this.stmts.setPassword.run(passwordHash, id);
  }
  setLanguage(id: number, language: Locale): void {
    this.stmts.setLanguage.run(language, id);
  }
}
