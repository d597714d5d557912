import type { Migration } from '../migrations.js';

/** Schema for app/outbox (owned by that capability; never edit once shipped — add a new migration). */
export const v4Outbox: Migration = {
  version: 4,
  name: 'outbox',
  sql: `
    -- One row per sealed packet waiting for, or already given, the agency's
    -- receipt (shared/reference/agency-intake.md §4). Rows are never deleted:
    -- the signed receipt is the station's proof of delivery, so a purged
    -- packet keeps its row and loses only its bytes on disk.
    --
    -- state:
    --   sealed        nothing known to be at the agency yet (no tus upload URL)
    --   uploading     a tus upload exists at the agency (upload_url), partly or
    --                 wholly sent; uploaded_at is set once every byte is there
    --                 and the station is waiting for the receipt
    --   acknowledged  a valid ACCEPTED receipt whose sha256 matches is stored;
    --                 the bytes are kept until the retention has passed
    --   purged        acknowledged and the packet file deleted
    --   rejected      a valid REJECTED receipt; file and reasons kept for a supervisor
    CREATE TABLE outbox (
      packet_id        TEXT PRIMARY KEY CHECK (length(packet_id) = 29),
      file             TEXT NOT NULL,
      size             INTEGER NOT NULL CHECK (size >= 0),
      sha256           TEXT NOT NULL CHECK (length(sha256) = 64),
      state            TEXT NOT NULL CHECK (state IN ('sealed', 'uploading', 'acknowledged', 'purged', 'rejected')),
      -- Every try that talked (or tried to talk) to the agency, and the
      -- failures since the last progress: the backoff exponent.
      attempts         INTEGER NOT NULL DEFAULT 0,
      failures         INTEGER NOT NULL DEFAULT 0,
      -- Bytes put on the wire over all tries (PATCH bodies): resuming keeps it near size.
      bytes_sent       INTEGER NOT NULL DEFAULT 0,
      last_error_code  TEXT,
      last_error       TEXT,
      -- When the next try is due (ISO-8601 UTC); NULL = not scheduled (done,
      -- rejected, or held until a supervisor presses "Retry now").
      next_attempt_at  TEXT,
      -- Earliest time the agency allows (its Retry-After); "Retry now" never goes earlier.
      not_before       TEXT,
      -- Stored before the first PATCH is sent so that a crash resumes this upload (HEAD → Upload-Offset).
      upload_url       TEXT,
      uploaded_at      TEXT,
      -- The compact JWS exactly as received, and its verified payload (JSON).
      receipt          TEXT,
      receipt_payload  TEXT,
      reasons          TEXT,
      enqueued_at      TEXT NOT NULL,
      updated_at       TEXT NOT NULL,
      acknowledged_at  TEXT,
      rejected_at      TEXT,
      purged_at        TEXT
    ) STRICT;

    -- The next-due query: WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ?
    -- ORDER BY next_attempt_at, enqueued_at. Partial, so finished rows (the
    -- great majority after months of work) are not in it at all.
    CREATE INDEX outbox_due ON outbox (next_attempt_at, enqueued_at) WHERE next_attempt_at IS NOT NULL;
    -- The supervisor's list and the per-state counts.
    CREATE INDEX outbox_state ON outbox (state, enqueued_at);
  `,
};
