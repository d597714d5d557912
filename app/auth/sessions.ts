import type { SessionTimes } from '../contract/channels.js';

export interface Clock {
  now(): Date;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // The idle clock must never keep a CLI or test process alive on its own.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ActiveSession {
  operatorId: number;
  startedAt: Date;
  lastActivity: Date;
}

export interface IdleSettings {
  warningSeconds: number;
  logoutSeconds: number;
}

export interface SessionCallbacks {
  onWarning(session: ActiveSession, times: SessionTimes, secondsLeft: number): void;
  onIdleEnd(session: ActiveSession): void;
}

/**
 * The station has one operator at a time — the person at this desk — so the
 * session lives in the core, not in a browser tab: reloading the window keeps
 * it, and the idle logout happens even if the UI is frozen or closed.
 */
export class SessionManager {
  private current: ActiveSession | null = null;
  private warningTimer: unknown = null;
  private logoutTimer: unknown = null;

  constructor(
    private readonly idle: IdleSettings,
    private readonly clock: Clock,
    private readonly callbacks: SessionCallbacks,
  ) {}

  get active(): ActiveSession | null {
    return this.current;
  }

  start(operatorId: number): ActiveSession {
    this.end();
    const now = this.clock.now();
    this.current = { operatorId, startedAt: now, lastActivity: now };
    this.arm();
    return this.current;
  }

  touch(): SessionTimes | null {
    if (this.current === null) return null;
    this.current.lastActivity = this.clock.now();
    this.arm();
    return this.times();
  }

  end(): ActiveSession | null {
    const ended = this.current;
    this.current = null;
    this.disarm();
    return ended;
  }

  times(): SessionTimes {
    const last = (this.current?.lastActivity ?? this.clock.now()).getTime();
    return {
      idleWarningAt: new Date(last + this.idle.warningSeconds * 1000).toISOString(),
      expiresAt: new Date(last + this.idle.logoutSeconds * 1000).toISOString(),
    };
  }

  private disarm(): void {
    if (this.warningTimer !== null) this.clock.clearTimeout(this.warningTimer);
    if (this.logoutTimer !== null) this.clock.clearTimeout(this.logoutTimer);
    this.warningTimer = null;
    this.logoutTimer = null;
  }

  private arm(): void {
    this.disarm();
    const session = this.current;
    if (session === null) return;
    this.warningTimer = this.clock.setTimeout(() => {
      if (this.current !== session) return;
      this.callbacks.onWarning(session, this.times(), this.idle.logoutSeconds - this.idle.warningSeconds);
    }, this.idle.warningSeconds * 1000);
    this.logoutTimer = this.clock.setTimeout(() => {
      if (this.current !== session) return;
      this.end();
      this.callbacks.onIdleEnd(session);
    }, this.idle.logoutSeconds * 1000);
  }
}
