import { ContractError } from '../contract/errors.js';
import type { Locale, OperatorView, Role, SessionView } from '../contract/channels.js';
import type { AuditLog } from '../audit/log.js';
import type { EventHub } from '../contract/event-hub.js';
import { OperatorsRepo, type OperatorRow } from './operators-repo.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { SessionManager, type Clock, type IdleSettings } from './sessions.js';
import type { Db } from '../storage/database.js';

export interface AuthSettings {
  lockout: { maxFailures: number; seconds: number };
  idle: IdleSettings;
  passwordMinLength: number;
}

export function toOperatorView(row: OperatorRow): OperatorView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    language: row.language,
    disabled: row.disabled === 1,
    lockedUntil: row.locked_until,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  };
}

/**
 * Operators and the one signed-in session at this station: first-run admin,
 * login with lockout, idle logout, and the admin's account actions. Every
 * login, failure, lockout, logout and account change goes to the audit log.
 */
export class AuthService {
  private readonly repo: OperatorsRepo;
  readonly sessions: SessionManager;

  constructor(
    db: Db,
    private readonly audit: AuditLog,
    private readonly hub: EventHub,
    private readonly settings: AuthSettings,
    private readonly clock: Clock,
  ) {
    this.repo = new OperatorsRepo(db);
    this.sessions = new SessionManager(settings.idle, clock, {
      onWarning: (_session, times, secondsLeft) => this.hub.emit('session.idleWarning', { expiresAt: times.expiresAt, secondsLeft }),
      onIdleEnd: (session) => {
        const operator = this.repo.byId(session.operatorId);
        this.audit.append({ type: 'auth.logout', actor: operator?.username ?? null, details: { reason: 'idle' } });
        this.hub.emit('session.changed', { session: null, reason: 'idle' });
      },
    });
  }

  get firstRun(): boolean {
    return this.repo.adminCount() === 0;
  }

  currentRole(): Role | null {
    const active = this.sessions.active;
    if (active === null) return null;
    return this.repo.byId(active.operatorId)?.role ?? null;
  }

  currentOperator(): OperatorRow | null {
    const active = this.sessions.active;
    return active === null ? null : (this.repo.byId(active.operatorId) ?? null);
  }

  sessionView(): SessionView | null {
    const active = this.sessions.active;
    const operator = this.currentOperator();
    if (active === null || operator === null) return null;
    return {
      operator: { id: operator.id, username: operator.username, displayName: operator.display_name, role: operator.role, language: operator.language },
      startedAt: active.startedAt.toISOString(),
      ...this.sessions.times(),
    };
  }

  private requireSessionView(): SessionView {
    const view = this.sessionView();
    if (view === null) throw new ContractError('auth.required', 'Sign in first.');
    return view;
  }

  private checkPassword(password: string, username: string): void {
    const problem = passwordProblem(password, username, { minLength: this.settings.passwordMinLength });
    if (problem !== null) {
      throw new ContractError('auth.weak_password', `The password ${problem.text}.`, { rule: problem.rule, minLength: this.settings.passwordMinLength });
    }
  }

  private async insertOperator(input: { username: string; displayName: string; role: Role; password: string }): Promise<OperatorRow> {
    if (this.repo.byUsername(input.username) !== undefined) {
      throw new ContractError('auth.username_taken', `The username ${input.username} is already in use.`, { username: input.username });
    }
    this.checkPassword(input.password, input.username);
    const passwordHash = await hashPassword(input.password);
    // Checked again after the (slow, asynchronous) hash: another call may have taken the name meanwhile.
    if (this.repo.byUsername(input.username) !== undefined) {
      throw new ContractError('auth.username_taken', `The username ${input.username} is already in use.`, { username: input.username });
    }
    const id = this.repo.insert({ ...input, passwordHash, createdAt: this.clock.now().toISOString() });
    return this.repo.byId(id) as OperatorRow;
  }

  async createFirstAdmin(input: { username: string; displayName: string; password: string }): Promise<SessionView> {
    if (!this.firstRun) throw new ContractError('auth.first_run_done', 'This station already has an administrator; sign in instead.');
    const row = await this.insertOperator({ ...input, role: 'admin' });
    if (this.repo.adminCount() > 1) {
      // Two first-run forms raced; the loser's account must not survive as a second, unplanned admin.
      throw new ContractError('auth.first_run_done', 'This station already has an administrator; sign in instead.');
    }
    this.audit.append({ type: 'operators.first_admin_created', actor: row.username, details: { username: row.username } });
    return this.beginSession(row);
  }

  /** Seeds accounts without a session: for the demo profile and tests. Existing usernames are left alone. */
  async seed(accounts: { username: string; displayName: string; role: Role; password: string }[]): Promise<void> {
    const missing = accounts.filter((a) => this.repo.byUsername(a.username) === undefined);
    const hashed = await Promise.all(missing.map(async (a) => ({ ...a, passwordHash: await hashPassword(a.password) })));
    for (const account of hashed) {
      if (this.repo.byUsername(account.username) !== undefined) continue;
      this.repo.insert({ ...account, createdAt: this.clock.now().toISOString() });
      this.audit.append({ type: 'operators.seeded', actor: null, details: { username: account.username, role: account.role } });
    }
  }

  async login(username: string, password: string): Promise<SessionView> {
    if (this.firstRun) throw new ContractError('auth.first_run_required', 'Create the administrator account first.');
    const name = username.trim().toLowerCase();
    const row = this.repo.byUsername(name);
    if (row === undefined) {
      await verifyPassword(password, await decoyHash());
      this.audit.append({ type: 'auth.login_failed', actor: null, details: { username: name.slice(0, 64), reason: 'unknown_user' } });
      throw new ContractError('auth.invalid_credentials', 'Wrong username or password.');
    }
    const now = this.clock.now();
    if (row.locked_until !== null && new Date(row.locked_until) > now) {
      this.audit.append({ type: 'auth.login_failed', actor: row.username, details: { reason: 'locked' } });
      throw new ContractError('auth.locked', `This account is locked until ${row.locked_until} after too many failed attempts.`, { lockedUntil: row.locked_until });
    }
    const ok = await verifyPassword(password, row.password_hash);
    // Read again: a concurrent attempt may have counted a failure while we hashed.
    const fresh = this.repo.byId(row.id) as OperatorRow;
    if (!ok) {
      const lockExpired = fresh.locked_until !== null && new Date(fresh.locked_until) <= now;
      const failures = (lockExpired ? 0 : fresh.failed_logins) + 1;
      const { maxFailures, seconds } = this.settings.lockout;
      if (failures >= maxFailures) {
        const lockedUntil = new Date(now.getTime() + seconds * 1000).toISOString();
        this.repo.recordFailure(row.id, failures, lockedUntil);
        this.audit.append({ type: 'auth.login_failed', actor: row.username, details: { reason: 'wrong_password', failures } });
        this.audit.append({ type: 'auth.lockout', actor: row.username, details: { failures, lockedUntil } });
        throw new ContractError('auth.locked', `Too many failed attempts: this account is locked until ${lockedUntil}.`, { lockedUntil });
      }
      this.repo.recordFailure(row.id, failures, null);
      this.audit.append({ type: 'auth.login_failed', actor: row.username, details: { reason: 'wrong_password', failures } });
      throw new ContractError('auth.invalid_credentials', 'Wrong username or password.', { attemptsLeft: maxFailures - failures });
    }
    if (fresh.disabled === 1) {
      this.audit.append({ type: 'auth.login_failed', actor: row.username, details: { reason: 'disabled' } });
      throw new ContractError('auth.disabled', 'This account is disabled. Ask an administrator.');
    }
    this.repo.recordLogin(row.id, now.toISOString());
    return this.beginSession(this.repo.byId(row.id) as OperatorRow);
  }

  private beginSession(row: OperatorRow): SessionView {
    const previous = this.currentOperator();
    if (previous !== null) this.audit.append({ type: 'auth.logout', actor: previous.username, details: { reason: 'replaced' } });
    this.sessions.start(row.id);
    this.audit.append({ type: 'auth.login', actor: row.username, details: { role: row.role } });
    const view = this.requireSessionView();
    this.hub.emit('session.changed', { session: view, reason: 'login' });
    return view;
  }

  logout(): void {
    const operator = this.currentOperator();
    this.sessions.end();
    if (operator !== null) this.audit.append({ type: 'auth.logout', actor: operator.username, details: { reason: 'operator' } });
    this.hub.emit('session.changed', { session: null, reason: 'logout' });
  }

  touch() {
    const times = this.sessions.touch();
    if (times === null) throw new ContractError('auth.required', 'Sign in first.');
    return times;
  }

  setLanguage(language: Locale): SessionView {
    const operator = this.currentOperator();
    if (operator === null) throw new ContractError('auth.required', 'Sign in first.');
    this.repo.setLanguage(operator.id, language);
    const view = this.requireSessionView();
    this.hub.emit('session.changed', { session: view, reason: 'language' });
    return view;
  }

  listOperators(): OperatorView[] {
    return this.repo.all().map(toOperatorView);
  }

  private actorName(): string | null {
    return this.currentOperator()?.username ?? null;
  }

  private requireOperator(id: number): OperatorRow {
    const row = this.repo.byId(id);
    if (row === undefined) throw new ContractError('auth.unknown_operator', `There is no operator with id ${id}.`, { id });
    return row;
  }

  async createOperator(input: { username: string; displayName: string; role: Role; password: string }): Promise<OperatorView> {
    const row = await this.insertOperator(input);
    this.audit.append({ type: 'operators.created', actor: this.actorName(), details: { username: row.username, role: row.role } });
    return toOperatorView(row);
  }

  setDisabled(id: number, disabled: boolean): OperatorView {
    const row = this.requireOperator(id);
    if (disabled && row.role === 'admin' && row.disabled === 0 && this.repo.activeAdminCount() <= 1) {
      throw new ContractError('auth.last_admin', 'This is the only active administrator; add another before disabling it.');
    }
    this.repo.setDisabled(id, disabled);
    this.audit.append({ type: disabled ? 'operators.disabled' : 'operators.enabled', actor: this.actorName(), details: { username: row.username } });
    if (disabled && this.sessions.active?.operatorId === id) {
      this.sessions.end();
      this.audit.append({ type: 'auth.logout', actor: row.username, details: { reason: 'disabled' } });
      this.hub.emit('session.changed', { session: null, reason: 'disabled' });
    }
    return toOperatorView(this.requireOperator(id));
  }

  async resetPassword(id: number, password: string): Promise<OperatorView> {
    const row = this.requireOperator(id);
    this.checkPassword(password, row.username);
    this.repo.setPassword(id, await hashPassword(password));
    this.audit.append({ type: 'operators.password_reset', actor: this.actorName(), details: { username: row.username } });
    return toOperatorView(this.requireOperator(id));
  }

  /**
   * A supervisor vouches at another operator's desk (force-capture, approval
   * of a case): their own username and password, checked here. The account
   * must be an enabled supervisor or administrator, not locked. A wrong password counts towards that
   * account's lockout like a failed login. Every check is audited with its
   * purpose; the password is never recorded.
   */
  async verifySupervisor(username: string, password: string, purpose: string): Promise<OperatorRow> {
    const name = username.trim().toLowerCase();
    const actor = this.actorName();
    const refuse = (reason: string, error: ContractError): never => {
      this.audit.append({ type: 'auth.supervisor_check_failed', actor, details: { supervisor: name.slice(0, 64), purpose, reason } });
      throw error;
    };
    const row = this.repo.byUsername(name);
    if (row === undefined) {
      await verifyPassword(password, await decoyHash());
      return refuse('unknown_user', new ContractError('auth.invalid_credentials', 'Wrong supervisor username or password.'));
    }
    const now = this.clock.now();
    if (row.locked_until !== null && new Date(row.locked_until) > now) {
      return refuse('locked', new ContractError('auth.locked', `The supervisor account is locked until ${row.locked_until}.`, { lockedUntil: row.locked_until }));
    }
    const ok = await verifyPassword(password, row.password_hash);
    if (!ok) {
      const fresh = this.repo.byId(row.id) as OperatorRow;
      const lockExpired = fresh.locked_until !== null && new Date(fresh.locked_until) <= now;
      const failures = (lockExpired ? 0 : fresh.failed_logins) + 1;
      const { maxFailures, seconds } = this.settings.lockout;
      const lockedUntil = failures >= maxFailures ? new Date(now.getTime() + seconds * 1000).toISOString() : null;
      this.repo.recordFailure(row.id, failures, lockedUntil);
      if (lockedUntil !== null) this.audit.append({ type: 'auth.lockout', actor: row.username, details: { failures, lockedUntil } });
      return refuse('wrong_password', new ContractError('auth.invalid_credentials', 'Wrong supervisor username or password.'));
    }
    if (row.disabled === 1) return refuse('disabled', new ContractError('auth.disabled', 'The supervisor account is disabled.'));
    if (row.role !== 'supervisor' && row.role !== 'admin') {
      return refuse('not_supervisor', new ContractError('case.not_supervisor', `${row.username} is not a supervisor: a supervisor or administrator must confirm this.`));
    }
    this.audit.append({ type: 'auth.supervisor_confirmed', actor, details: { supervisor: row.username, purpose } });
    return row;
  }
}
