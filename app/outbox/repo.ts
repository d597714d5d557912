import type { Db } from '../storage/database.js';
import type { OutboxErrorCode } from './errors.js';
import { ReceiptPayload } from './receipt.js';

export const outboxStates = ['sealed', 'uploading', 'acknowledged', 'purged', 'rejected'] as const;
export type OutboxState = (typeof outboxStates)[number];

export interface OutboxRow {
  packet_id: string;
  file: string;
  size: number;
  sha256: string;
  state: OutboxState;
  attempts: number;
  failures: number;
  bytes_sent: number;
  last_error_code: string | null;
  last_error: string | null;
  next_attempt_at: string | null;
  not_before: string | null;
  upload_url: string | null;
  uploaded_at: string | null;
  receipt: string | null;
  receipt_payload: string | null;
  reasons: string | null;
  enqueued_at: string;
  updated_at: string;
  acknowledged_at: string | null;
  rejected_at: string | null;
  purged_at: string | null;
}

/** One queued packet as the rest of the station sees it. */
export interface OutboxEntry {
  packetId: string;
  file: string;
  size: number;
  sha256: string;
  state: OutboxState;
  attempts: number;
  failures: number;
  bytesSent: number;
  lastError: { code: OutboxErrorCode; message: string } | null;
  /** ISO time of the next try (or, once acknowledged, of the purge); null = not scheduled. */
  nextAttemptAt: string | null;
  notBefore: string | null;
  uploadUrl: string | null;
  uploadedAt: string | null;
  receipt: string | null;
  receiptPayload: ReceiptPayload | null;
  /** The agency's reasons from a REJECTED receipt. */
  reasons: string[];
  enqueuedAt: string;
  updatedAt: string;
  acknowledgedAt: string | null;
  rejectedAt: string | null;
  purgedAt: string | null;
}

export function toEntry(row: OutboxRow): OutboxEntry {
  let receiptPayload: ReceiptPayload | null = null;
  if (row.receipt_payload !== null) {
    const parsed = ReceiptPayload.safeParse(JSON.parse(row.receipt_payload));
    receiptPayload = parsed.success ? parsed.data : null;
  }
  return {
    packetId: row.packet_id,
    file: row.file,
    size: row.size,
    sha256: row.sha256,
    state: row.state,
    attempts: row.attempts,
    failures: row.failures,
    bytesSent: row.bytes_sent,
    lastError: row.last_error_code !== null ? { code: row.last_error_code as OutboxErrorCode, message: row.last_error ?? '' } : null,
    nextAttemptAt: row.next_attempt_at,
    notBefore: row.not_before,
    uploadUrl: row.upload_url,
    uploadedAt: row.uploaded_at,
    receipt: row.receipt,
    receiptPayload,
    reasons: row.reasons !== null ? (JSON.parse(row.reasons) as string[]) : [],
    enqueuedAt: row.enqueued_at,
    updatedAt: row.updated_at,
    acknowledgedAt: row.acknowledged_at,
    rejectedAt: row.rejected_at,
    purgedAt: row.purged_at,
  };
}

export type RowPatch = Partial<Omit<OutboxRow, 'packet_id' | 'enqueued_at'>>;

const patchable = new Set<keyof RowPatch>([
  'file', 'size', 'sha256', 'state', 'attempts', 'failures', 'bytes_sent', 'last_error_code', 'last_error', 'next_attempt_at', 'not_before',
  'upload_url', 'uploaded_at', 'receipt', 'receipt_payload', 'reasons', 'updated_at', 'acknowledged_at', 'rejected_at', 'purged_at',
]);

/** The SQL of the outbox table; every method is one statement, and the Outbox wraps state changes in transactions. */
export class OutboxRepo {
  private readonly getStmt;
  private readonly insertStmt;
  private readonly dueStmt;
  private readonly earliestStmt;
  private readonly listStmt;
  private readonly countsStmt;
  private readonly addBytesStmt;
  private readonly patchStmts = new Map<string, ReturnType<Db['prepare']>>();

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare<[string], OutboxRow>('SELECT * FROM outbox WHERE packet_id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO outbox (packet_id, file, size, sha256, state, next_attempt_at, enqueued_at, updated_at)
       VALUES (@packet_id, @file, @size, @sha256, 'sealed', @now, @now, @now)
       ON CONFLICT (packet_id) DO NOTHING`,
    );
    // Served by the partial index outbox_due: no sort, no scan of finished rows.
    this.dueStmt = db.prepare<[string, number], OutboxRow>(
      'SELECT * FROM outbox WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, enqueued_at LIMIT ?',
    );
    this.earliestStmt = db.prepare<[], { at: string | null }>(
      "SELECT min(next_attempt_at) AS at FROM outbox WHERE next_attempt_at IS NOT NULL AND state IN ('sealed', 'uploading')",
    );
    this.listStmt = db.prepare<[number], OutboxRow>(
      `SELECT * FROM outbox ORDER BY CASE state WHEN 'rejected' THEN 0 WHEN 'uploading' THEN 1 WHEN 'sealed' THEN 2 WHEN 'acknowledged' THEN 3 ELSE 4 END, enqueued_at LIMIT ?`,
    );
    this.countsStmt = db.prepare<[], { state: OutboxState; n: number; held: number }>(
      "SELECT state, count(*) AS n, sum(CASE WHEN next_attempt_at IS NULL AND state IN ('sealed', 'uploading') THEN 1 ELSE 0 END) AS held FROM outbox GROUP BY state",
    );
    this.addBytesStmt = db.prepare('UPDATE outbox SET bytes_sent = bytes_sent + ? WHERE packet_id = ?');
  }

  get(packetId: string): OutboxRow | undefined {
    return this.getStmt.get(packetId);
  }

  /** Returns false when the packet id was already queued. */
  insert(row: { packet_id: string; file: string; size: number; sha256: string; now: string }): boolean {
    return this.insertStmt.run(row).changes === 1;
  }

  due(now: string, limit: number): OutboxRow[] {
    return this.dueStmt.all(now, limit);
  }

  /** When the earliest pending (sealed or uploading) entry is due next; null if none is scheduled. */
  earliestPending(): string | null {
    return this.earliestStmt.get()?.at ?? null;
  }

  list(limit: number): OutboxRow[] {
    return this.listStmt.all(limit);
  }

  counts(): { byState: Record<OutboxState, number>; held: number } {
    const byState = Object.fromEntries(outboxStates.map((s) => [s, 0])) as Record<OutboxState, number>;
    let held = 0;
    for (const row of this.countsStmt.all()) {
      byState[row.state] = row.n;
      held += row.held ?? 0;
    }
    return { byState, held };
  }

  addBytesSent(packetId: string, bytes: number): void {
    this.addBytesStmt.run(bytes, packetId);
  }

  patch(packetId: string, patch: RowPatch): void {
    const keys = (Object.keys(patch) as (keyof RowPatch)[]).filter((k) => patch[k] !== undefined).sort();
    for (const key of keys) if (!patchable.has(key)) throw new Error(`outbox: not a column: ${String(key)}`);
    if (keys.length === 0) return;
    const sql = `UPDATE outbox SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE packet_id = @packet_id`;
    let stmt = this.patchStmts.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      this.patchStmts.set(sql, stmt);
    }
    const values: Record<string, unknown> = { packet_id: packetId };
    for (const key of keys) values[key] = patch[key];
    stmt.run(values);
  }
}
