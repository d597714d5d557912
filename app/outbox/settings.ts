import { z } from 'zod';

/**
 * The `outbox` section of the station configuration. Every key has a
 * default, so a config file without the section works. The defaults suit a
 * centre whose link is sometimes down for hours: retries back off to a
 * quarter of an hour, and an expired token is not hammered.
 */
export const OutboxSettings = z
  .object({
    /**
     * How long the bytes of an acknowledged packet are kept before they are
     * deleted (the row and its signed receipt are kept for ever). 0 deletes
     * them as soon as the valid ACCEPTED receipt is stored.
     */
    retentionSeconds: z.number().int().min(0).max(365 * 86_400).default(0),
    /** Uploads at a time. The brief keeps this at 1–2: a centre's uplink is shared with the counter's other work. */
    concurrency: z.number().int().min(1).max(2).default(1),
    /** tus PATCH size. A failed PATCH costs at most this much re-sending. */
    chunkSize: z.number().int().min(16 * 1024).max(64 * 1024 * 1024).default(1024 * 1024),
    backoff: z
      .object({
        /** First retry waits up to this long (full jitter: a random time between 0 and base·2^failures, capped). */
        baseMs: z.number().int().min(1).max(3_600_000).default(2000),
        capMs: z.number().int().min(1).max(86_400_000).default(15 * 60_000),
      })
      .strict()
      .default({ baseMs: 2000, capMs: 15 * 60_000 })
      .refine((b) => b.baseMs <= b.capMs, { message: 'baseMs must not exceed capMs', path: ['baseMs'] }),
    /** After a 401 the operator must fix the token: retrying sooner only fills the agency's logs. */
    tokenRejectedDelayMs: z.number().int().min(1).max(86_400_000).default(30 * 60_000),
    /** How soon to ask again for a receipt the agency is still checking (202). */
    receiptPollMs: z.number().int().min(1).max(3_600_000).default(3000),
    /** One try (upload + receipt) is abandoned after this long; the upload URL is kept, so the next one resumes. */
    attemptTimeoutMs: z.number().int().min(100).max(3_600_000).default(5 * 60_000),
    /** While running in the background: look at the queue at least this often even if nothing woke it. */
    idlePollMs: z.number().int().min(10).max(3_600_000).default(30_000),
  })
  .strict();

export type OutboxSettings = z.output<typeof OutboxSettings>;
export type OutboxSettingsInput = z.input<typeof OutboxSettings>;

export const defaultOutboxSettings: OutboxSettings = OutboxSettings.parse({});
