/**
 * Why an outbox entry is not moving. Stored with the entry (code + English
 * sentence); the queue screen translates the code (outbox.errors.<code>) and
 * keeps the sentence for logs and the CLI.
 */
export const outboxErrorCodes = [
  /** The agency could not be reached (connection refused, reset, DNS, timeout). */
  'agency_unreachable',
  /** 429 or 503 with Retry-After: the agency asked the station to wait. */
  'agency_busy',
  /** 5xx: the agency failed; retried with backoff. */
  'agency_error',
  /** 401: the station's token was refused; someone must fix agency.token. */
  'token_rejected',
  /** Another 4xx: the agency refused the request; retried slowly. */
  'agency_refused',
  /** The try took longer than attemptTimeoutMs; resumed next time. */
  'timeout',
  /** The packet file is not on disk. */
  'packet_missing',
  /** The packet file's size or SHA-256 is not what was sealed. */
  'packet_corrupt',
  /** The disk (or the database) is full. */
  'disk_full',
  /** Reading the packet file or writing the queue failed otherwise. */
  'io_error',
  /** agency.receiptKey cannot be read or is not a P-256 public key. */
  'receipt_key_invalid',
  /** The receipt's signature does not verify with agency.receiptKey: not trusted. */
  'receipt_signature_invalid',
  /** The receipt is signed but its content is not a receipt for this packet. */
  'receipt_invalid',
  /** A valid receipt whose sha256 is not the file the station sent. */
  'receipt_sha256_mismatch',
  /** The agency does not know the packet (404 on the receipt): it is sent again. */
  'packet_unknown',
  /** Anything else; the log has the details. */
  'internal',
] as const;

export type OutboxErrorCode = (typeof outboxErrorCodes)[number];

export interface OutboxFailure {
  code: OutboxErrorCode;
  message: string;
  /** Milliseconds the agency asked us to wait (Retry-After), if it did. */
  retryAfterMs?: number | null;
  /** Held: not retried on its own; a supervisor must act ("Retry now"). */
  hold?: boolean;
}

/** Thrown by Outbox methods a caller invokes (enqueue, retryNow) when they cannot do what was asked. */
export class OutboxError extends Error {
  constructor(
    readonly code: OutboxErrorCode | 'unknown_packet' | 'conflict' | 'not_retryable',
    message: string,
  ) {
    super(message);
    this.name = 'OutboxError';
  }
}

function errnoCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
}

/** True for "the disk is full" as the OS (ENOSPC, EDQUOT) or SQLite (SQLITE_FULL) reports it. */
export function isDiskFull(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}

export { errnoCode };
