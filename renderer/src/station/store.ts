import type { SessionView, StationInfo } from '../../../app/contract/channels';

export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface StationState {
  connection: ConnectionState;
  /** The last station.info; null until the first answer. */
  info: StationInfo | null;
  /** A failure of station.info other than a lost connection (shown with a retry button). */
  loadError: unknown;
  /** The operator signed in at this station, kept current by session.changed. */
  session: SessionView | null;
  /** Why the last session ended, when the sign-in screen should say so. */
  signedOutBecause: 'idle' | 'disabled' | null;
  /** When the idle logout will happen (local epoch ms), while the warning is showing. */
  idleDeadline: number | null;
  /** Where an operator was heading when sent to sign in. */
  returnTo: string | null;
}

type Listener = () => void;

/**
 * The station state shared by the router's guards (outside React) and the
 * components (through useSyncExternalStore). Every update replaces the
 * state object, so React sees each change.
 */
export class StationStore {
  private state: StationState = {
    connection: 'connecting',
    info: null,
    loadError: null,
    session: null,
    signedOutBecause: null,
    idleDeadline: null,
    returnTo: null,
  };
  private readonly listeners = new Set<Listener>();

  get = (): StationState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  update(patch: Partial<StationState>): void {
    const next = { ...this.state, ...patch };
    const changed = (Object.keys(patch) as (keyof StationState)[]).some((key) => next[key] !== this.state[key]);
    if (!changed) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
