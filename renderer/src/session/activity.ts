/**
 * How often the UI may tell the core that someone is using the station.
 * Often enough that the core's idle clock is never more than a quarter of
 * the warning delay behind reality, and never more than every 15 s however
 * long the delay: one call per keystroke would be pointless traffic.
 */
export function activityIntervalMs(warningSeconds: number): number {
  return Math.min(15_000, (warningSeconds * 1000) / 4);
}

export interface Throttle {
  /** True when this event should be reported; records it as reported. */
  take(): boolean;
  /** Forget the last report, so the next event is reported (after a failed call, or a new session). */
  reset(): void;
}

/** Leading-edge throttle: the first event goes at once, later ones only after the interval has passed. */
export function createThrottle(intervalMs: number, now: () => number = () => Date.now()): Throttle {
  let last = Number.NEGATIVE_INFINITY;
  return {
    take() {
      const at = now();
      if (at - last < intervalMs) return false;
      last = at;
      return true;
    },
    reset() {
      last = Number.NEGATIVE_INFINITY;
    },
  };
}

/** The DOM events that mean a person is at the station. */
export const activityEvents = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;
