import type { Db } from '../storage/database.js';
import { entryHash, genesisHash } from './chain.js';

/** What happened, who did it, and non-personal details. Never biometric data; never passwords. */
export interface AuditEvent {
  type: string;
  actor: string | null;
  details?: Record<string, string | number | boolean | null>;
}

export interface AuditEntry {
  seq: number;
  at: string;
  type: string;
  actor: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface ChainCheck {
  ok: boolean;
  checked: number;
  /** seq of the first entry whose hash does not follow from the one before. */
  brokenAt: number | null;
}

interface Row {
  seq: number;
  at: string;
  type: string;
  actor: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

function toEntry(row: Row): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    type: row.type,
    actor: row.actor,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * The station's audit log. Rows can only be added (the table's triggers
 * refuse UPDATE and DELETE), and each row's hash chains to the previous one.
 */
export class AuditLog {
  private readonly lastStmt;
  private readonly insertStmt;
  private readonly recentStmt;
  private readonly allStmt;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.lastStmt = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insertStmt = db.prepare(
      'INSERT INTO audit_log (seq, at, type, actor, details, prev_hash, hash) VALUES (@seq, @at, @type, @actor, @details, @prev_hash, @hash)',
    );
    this.recentStmt = db.prepare<[number], Row>('SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?');
    this.allStmt = db.prepare<[], Row>('SELECT * FROM audit_log ORDER BY seq ASC');
  }

  append(event: AuditEvent): AuditEntry {
    // Read-then-insert in one immediate transaction, so two writers can never chain to the same predecessor.
    return this.db
      .transaction(() => {
        const last = this.lastStmt.get();
        const fields = {
          seq: (last?.seq ?? 0) + 1,
          at: this.now().toISOString(),
          type: event.type,
          actor: event.actor,
          details: JSON.stringify(event.details ?? {}),
        };
        const prevHash = last?.hash ?? genesisHash;
        const hash = entryHash(prevHash, fields);
        this.insertStmt.run({ ...fields, prev_hash: prevHash, hash });
        return { ...fields, details: event.details ?? {}, prevHash, hash };
      })
      .immediate();
  }

  recent(limit: number): AuditEntry[] {
    return this.recentStmt.all(limit).map(toEntry);
  }

  /** Walks the whole chain from the start. */
  verify(): ChainCheck {
    let prev = genesisHash;
    let expectedSeq = 1;
    let checked = 0;
    for (const row of this.allStmt.iterate()) {
      const ok = row.seq === expectedSeq && row.prev_hash === prev && entryHash(prev, row) === row.hash;
      if (!ok) return { ok: false, checked, brokenAt: row.seq };
      prev = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
    return { ok: true, checked, brokenAt: null };
  }
}
