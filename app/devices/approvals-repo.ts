import type { Db } from '../storage/database.js';
import type { AdminApproval, ApprovalSubject } from './matching.js';

interface Row {
  id: number;
  make: string;
  model: string;
  serial: string | null;
  address: string | null;
  approved_by: string;
  approved_at: string;
}

/** Administrators' device approvals (migration 2). Revoking keeps the row, with who and when. */
export class ApprovalsRepo {
  private readonly activeStmt;
  private readonly insertStmt;
  private readonly revokeStmt;

  constructor(private readonly db: Db) {
    this.activeStmt = db.prepare<[], Row>('SELECT id, make, model, serial, address, approved_by, approved_at FROM device_approvals WHERE revoked_at IS NULL ORDER BY id');
    this.insertStmt = db.prepare<[{ make: string; model: string; serial: string | null; address: string | null; by: string; at: string }]>(
      'INSERT INTO device_approvals (make, model, serial, address, approved_by, approved_at) VALUES (@make, @model, @serial, @address, @by, @at)',
    );
    this.revokeStmt = db.prepare<[{ id: number; by: string; at: string }]>('UPDATE device_approvals SET revoked_by = @by, revoked_at = @at WHERE id = @id AND revoked_at IS NULL');
  }

  active(): AdminApproval[] {
    return this.activeStmt.all().map((r) => ({
      id: r.id,
      make: r.make,
      model: r.model,
      serial: r.serial,
      address: r.address,
      approvedBy: r.approved_by,
      approvedAt: r.approved_at,
    }));
  }

  /** The address is stored only for a device without a serial: for one with, the approval follows it to any port. */
  approve(subject: ApprovalSubject, by: string, at: string): number {
    const result = this.insertStmt.run({
      make: subject.make,
      model: subject.model,
      serial: subject.serial,
      address: subject.serial === null ? subject.address : null,
      by,
      at,
    });
    return Number(result.lastInsertRowid);
  }

  revoke(id: number, by: string, at: string): boolean {
    return this.revokeStmt.run({ id, by, at }).changes > 0;
  }

  setting(key: string): string | null {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key)?.value ?? null;
  }

  setSetting(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
