import { channelNames, type ChannelName, type Locale, type SessionView, type StationInfo } from '../../../app/contract/channels';
import type { CallApi, StationApi } from '../../../app/contract/client';
import { changeLanguage } from '../i18n';
import { errorCode } from '../i18n/errors';
import { activityIntervalMs, createThrottle, type Throttle } from '../session/activity';
import { pickLanguage, storedLanguage, storeLanguage } from './language';
import type { StationStore } from './store';

/**
 * The same API, except that a call refused for want of a session (or of the
 * role) also makes the UI ask station.info again: the session may have ended
 * without this window hearing of it (an event lost during a reconnection),
 * and the guards then take the operator where they belong.
 */
function resyncOnRefusal(api: StationApi, resync: () => void): StationApi {
  const call = {} as Record<ChannelName, (request: unknown) => Promise<unknown>>;
  for (const name of channelNames) {
    const original = api.call[name] as (request: unknown) => Promise<unknown>;
    call[name] = async (request) => {
      try {
        return await original(request);
      } catch (error) {
        const code = errorCode(error);
        if (code === 'auth.required' || code === 'auth.forbidden') resync();
        throw error;
      }
    };
  }
  return { call: call as unknown as CallApi, on: api.on };
}

/**
 * Keeps the store in step with the station core: loads station.info at boot
 * and after every reconnection, follows session events, and carries out
 * the actions that are not tied to one page (language, activity, sign-out).
 */
export class StationController {
  private throttle: Throttle = createThrottle(15_000);
  private started = false;

  readonly api: StationApi;

  constructor(
    api: StationApi,
    readonly store: StationStore,
  ) {
    this.api = resyncOnRefusal(api, () => void this.loadInfo());
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.api.on['session.changed'](({ session, reason }) => {
      if (session === null) this.signedOut(reason === 'idle' || reason === 'disabled' ? reason : null);
      else this.signedIn(session, reason === 'login');
    });
    this.api.on['session.idleWarning'](({ secondsLeft }) => {
      if (this.store.get().session === null) return;
      // secondsLeft rather than expiresAt: the countdown then does not depend on this computer's clock agreeing with the core's.
      this.store.update({ idleDeadline: Date.now() + secondsLeft * 1000 });
    });
    void this.loadInfo();
  }

  connectionChanged(connected: boolean): void {
    const previous = this.store.get().connection;
    this.store.update({ connection: connected ? 'online' : 'offline' });
    // The core may have restarted or logged the operator out meanwhile: ask again rather than trust what we had.
    if (connected && previous === 'offline') void this.loadInfo();
  }

  async loadInfo(): Promise<void> {
    try {
      const info = await this.api.call['station.info']({});
      this.applyInfo(info);
    } catch (error) {
      // A lost connection is shown by the reconnecting screen, and the next connection loads again.
      if (errorCode(error) !== 'transport.closed') this.store.update({ loadError: error });
    }
  }

  private applyInfo(info: StationInfo): void {
    const session = info.session;
    let idleDeadline: number | null = null;
    if (session !== null) {
      // Reloaded while the warning was up: the event will not come again, so show it from the session's own times.
      const warningAt = Date.parse(session.idleWarningAt);
      const expiresAt = Date.parse(session.expiresAt);
      if (warningAt <= Date.now() && expiresAt > Date.now()) idleDeadline = expiresAt;
    }
    this.throttle = createThrottle(activityIntervalMs(info.idle.warningSeconds));
    this.store.update({ info, session, loadError: null, idleDeadline });
    void changeLanguage(this.languageFor(session));
  }

  /** The operator's saved language, else the one chosen at this station before signing in, else the station default. */
  private languageFor(session: SessionView | null): Locale {
    const info = this.store.get().info;
    if (info === null) return 'pt';
    return pickLanguage(info.languages, info.defaultLanguage, [session?.operator.language, storedLanguage()]);
  }

  /** A session began or changed (login, language). Called for both the call's answer and the event; both may arrive. */
  signedIn(session: SessionView, fresh: boolean): void {
    this.store.update(fresh ? { session, signedOutBecause: null, idleDeadline: null } : { session });
    if (fresh) this.throttle.reset();
    if (session.operator.language !== null) void changeLanguage(this.languageFor(session));
  }

  private signedOut(because: 'idle' | 'disabled' | null): void {
    const wasSignedIn = this.store.get().session !== null;
    this.store.update({ session: null, idleDeadline: null, ...(wasSignedIn || because !== null ? { signedOutBecause: because } : {}) });
    // Only on the transition: a logout is heard twice (the call's answer, then the event), and a language
    // chosen on the login screen in between must not be undone by the second.
    if (wasSignedIn) void changeLanguage(this.languageFor(null));
  }

  firstAdminCreated(session: SessionView): void {
    const info = this.store.get().info;
    if (info !== null) this.store.update({ info: { ...info, firstRun: false } });
    this.signedIn(session, true);
  }

  async setLanguage(language: Locale): Promise<void> {
    await changeLanguage(language);
    if (this.store.get().session === null) {
      storeLanguage(language);
      return;
    }
    try {
      this.signedIn(await this.api.call['session.setLanguage']({ language }), false);
    } catch {
      // The screen already shows the language; only remembering it for next time failed.
    }
  }

  /** Someone touched the station: tell the core, at most once per interval. Not while the warning is up: there, only the dialog's button counts. */
  reportActivity(): void {
    const { session, idleDeadline } = this.store.get();
    if (session === null || idleDeadline !== null || !this.throttle.take()) return;
    this.api.call['session.activity']({}).catch(() => this.throttle.reset());
  }

  async continueWorking(): Promise<void> {
    try {
      await this.api.call['session.activity']({});
      this.throttle.reset();
      this.throttle.take();
      this.store.update({ idleDeadline: null });
    } catch {
      // Most likely the session has just ended; station.info says for sure and the guards follow.
      await this.loadInfo();
    }
  }

  async logout(): Promise<void> {
    await this.api.call['auth.logout']({});
    this.signedOut(null);
  }
}
