/**
 * Faults the agency simulator injects on demand, to test that a station
 * survives what a real intake service and network do: slowness, 5xx, 429
 * with Retry-After (agency-intake.md §4 allows both on any request), a
 * connection cut in the middle of an upload, a create whose answer is lost
 * (so the station creates again), and an expired token. Counters ("next N")
 * count down as they fire; rates draw from a seeded PRNG so a failing run can
 * be replayed.
 */
import { z } from 'zod';
import { createPrng } from '../random.js';

export const agencyFaultsSchema = z.object({
  /** Added before every answer, in milliseconds. */
  latencyMs: z.number().int().min(0),
  /** Probability (0–1) that a request is answered with `status5xx`. */
  fail5xxRate: z.number().min(0).max(1),
  /** The next N requests are answered with `status5xx`. */
  fail5xxNext: z.number().int().min(0),
  /** Which server error: 500, 502 or 503 (503 carries Retry-After). */
  status5xx: z.union([z.literal(500), z.literal(502), z.literal(503)]),
  /** The next N requests are answered 429 Too Many Requests. */
  rateLimitNext: z.number().int().min(0),
  /** Retry-After on 429 and 503, in seconds (§4). */
  retryAfterSeconds: z.number().int().min(0),
  /** Cut the connection after this many bytes of a PATCH body (null: never). */
  resetAfterBytes: z.number().int().min(0).nullable(),
  /** How many PATCH requests to cut while `resetAfterBytes` is set. */
  resetNext: z.number().int().min(0),
  /** The next N creates make the upload but lose the 201 answer (the connection drops), so the station creates again. */
  loseCreateNext: z.number().int().min(0),
  /** The next N requests are refused 401 as if the token had expired. */
  expiredTokenNext: z.number().int().min(0),
  /** Every request is refused 401, token expired, until this is cleared. */
  tokenExpired: z.boolean(),
  /** How long checking a packet takes after its last byte arrives (the receipt answers 202 meanwhile). */
  checkDelayMs: z.number().int().min(0),
});
export type AgencyFaults = z.infer<typeof agencyFaultsSchema>;

export const noFaults: AgencyFaults = {
  latencyMs: 0,
  fail5xxRate: 0,
  fail5xxNext: 0,
  status5xx: 503,
  rateLimitNext: 0,
  retryAfterSeconds: 1,
  resetAfterBytes: null,
  resetNext: 0,
  loseCreateNext: 0,
  expiredTokenNext: 0,
  tokenExpired: false,
  checkDelayMs: 0,
};

/** What to do with one request, decided once when it arrives. */
export type RequestFault = { kind: 'none' } | { kind: 'expired' } | { kind: 'rate-limited'; retryAfter: number } | { kind: 'server-error'; status: number; retryAfter: number | null };

export class FaultState {
  private faults: AgencyFaults = { ...noFaults };
  private readonly random: () => number;

  constructor(seed: number, initial: Partial<AgencyFaults> = {}) {
    this.random = createPrng(seed);
    this.set(initial);
  }

  /** Merges `partial` into the current faults (validated; a bad value throws and changes nothing). */
  set(partial: Partial<AgencyFaults>): void {
    this.faults = agencyFaultsSchema.parse({ ...this.faults, ...partial });
    // Setting a reset size alone means "cut the next PATCH".
    if (partial.resetAfterBytes !== undefined && partial.resetAfterBytes !== null && partial.resetNext === undefined) this.faults.resetNext = 1;
  }

  get current(): Readonly<AgencyFaults> {
    return this.faults;
  }

  /** Faults that refuse a request before it is handled, in the order a real gateway would apply them. */
  onRequest(): RequestFault {
    const f = this.faults;
    if (f.tokenExpired) return { kind: 'expired' };
    if (f.expiredTokenNext > 0) {
      f.expiredTokenNext--;
      return { kind: 'expired' };
    }
    if (f.rateLimitNext > 0) {
      f.rateLimitNext--;
      return { kind: 'rate-limited', retryAfter: f.retryAfterSeconds };
    }
    const draw = f.fail5xxRate > 0 ? this.random() : 1;
    if (f.fail5xxNext > 0 || draw < f.fail5xxRate) {
      if (f.fail5xxNext > 0) f.fail5xxNext--;
      return { kind: 'server-error', status: f.status5xx, retryAfter: f.status5xx === 503 ? f.retryAfterSeconds : null };
    }
    return { kind: 'none' };
  }

  /** For a PATCH: after how many body bytes to cut the connection, or null. */
  takeReset(): number | null {
    const f = this.faults;
    if (f.resetAfterBytes === null || f.resetNext <= 0) return null;
    f.resetNext--;
    return f.resetAfterBytes;
  }

  /** For a create: whether to lose its answer. */
  takeLoseCreate(): boolean {
    if (this.faults.loseCreateNext <= 0) return false;
    this.faults.loseCreateNext--;
    return true;
  }
}
