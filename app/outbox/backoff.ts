/**
 * Retry timing. Exponential backoff with "full jitter" (a uniformly random
 * delay between 0 and min(cap, base·2^n)): of the usual variants it spreads
 * a crowd of stations coming back online best, so the agency does not see
 * them all retry in step (AWS Architecture Blog, "Exponential Backoff And
 * Jitter", 2015).
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** The ceiling of the jitter window after `failures` failures in a row (1 = first failure). */
export function backoffCeilingMs(failures: number, { baseMs, capMs }: BackoffPolicy): number {
  const exponent = Math.max(0, Math.min(failures - 1, 40));
  return Math.min(capMs, baseMs * 2 ** exponent);
}

/**
 * How long to wait before the next try. `random` returns [0, 1). When the
 * agency gave a Retry-After, the station waits at least that long
 * (agency-intake.md §4: "the station waits at least that long").
 */
export function nextDelayMs(failures: number, policy: BackoffPolicy, random: () => number, retryAfterMs: number | null = null): number {
  const r = Math.min(Math.max(random(), 0), 1);
  const jittered = Math.floor(r * backoffCeilingMs(failures, policy));
  return retryAfterMs === null ? jittered : Math.max(jittered, retryAfterMs);
}

/**
 * Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Returns milliseconds from `now`, or null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text), 7 * 86_400) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}
