/**
 * Where cases live: the `cases` table (migration v6: ids, service, status,
 * step, operator, times, revision — nothing personal) and, in the vault
 * (app/vault, AES-256-GCM under the station data key), the draft (kind
 * `case-draft`, id = case id) and its images and pixels (kind `case-blob`,
 * id `<caseId>:<ref>`). Each save writes the draft and the row in one
 * transaction, so the row and the draft never disagree about the revision.
 */
import type { Db } from '../storage/database.js';
import type { Vault } from '../vault/index.js';
import type { CaseStatus, CaseStep, ServiceTypeId } from '../contract/cases.js';
import { CaseDraft } from './draft.js';

export const DRAFT_KIND = 'case-draft';
export const BLOB_KIND = 'case-blob';

export interface CaseRow {
  id: string;
  service: ServiceTypeId;
  status: CaseStatus;
  step: CaseStep;
  operator: string;
  opened_at: string;
  updated_at: string;
  revision: number;
  packet_id: string | null;
}

const blobId = (caseId: string, ref: string) => `${caseId}:${ref}`;

export class CaseStore {
  readonly #db: Db;
  readonly #vault: Vault;

  constructor(db: Db, vault: Vault) {
    this.#db = db;
    this.#vault = vault;
  }

  row(id: string): CaseRow | null {
    return (this.#db.prepare('SELECT * FROM cases WHERE id = ?').get(id) as CaseRow | undefined) ?? null;
  }

  /** Open and paused cases, most recently changed first. */
  unfinished(): CaseRow[] {
    return this.#db.prepare("SELECT * FROM cases WHERE status IN ('open', 'paused') ORDER BY updated_at DESC, id DESC").all() as CaseRow[];
  }

  draft(id: string): CaseDraft | null {
    return this.#vault.getJson(DRAFT_KIND, id, CaseDraft);
  }

  /** Draft and row together (one transaction): the row mirrors the draft's status, step and revision. */
  save(draft: CaseDraft, status: CaseStatus, step: CaseStep): void {
    this.#db.transaction(() => {
      this.#vault.put(DRAFT_KIND, draft.id, draft);
      this.#db
        .prepare(
          `INSERT INTO cases (id, service, status, step, operator, opened_at, updated_at, revision, packet_id)
           VALUES (@id, @service, @status, @step, @operator, @openedAt, @updatedAt, @revision, @packetId)
           ON CONFLICT (id) DO UPDATE SET status = excluded.status, step = excluded.step, updated_at = excluded.updated_at,
             revision = excluded.revision, packet_id = excluded.packet_id`,
        )
        .run({
          id: draft.id,
          service: draft.serviceType,
          status,
          step,
          operator: draft.operator,
          openedAt: draft.openedAt,
          updatedAt: draft.updatedAt,
          revision: draft.revision,
          packetId: draft.packet?.packetId ?? null,
        });
    })();
  }

  putBlob(caseId: string, ref: string, bytes: Uint8Array): void {
    this.#vault.put(BLOB_KIND, blobId(caseId, ref), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  blob(caseId: string, ref: string): Buffer | null {
    return this.#vault.getBytes(BLOB_KIND, blobId(caseId, ref));
  }

  deleteBlob(caseId: string, ref: string): void {
    this.#vault.delete(BLOB_KIND, blobId(caseId, ref));
  }

  /** Every blob of a case (the vault lists metadata only: nothing is decrypted). */
  blobRefs(caseId: string): string[] {
    const prefix = `${caseId}:`;
    return this.#vault
      .list(BLOB_KIND)
      .filter((e) => e.id.startsWith(prefix))
      .map((e) => e.id.slice(prefix.length));
  }

  /** Deletes every blob of the case (overwritten, then removed: app/vault delete()). */
  wipeBlobs(caseId: string): number {
    const refs = this.blobRefs(caseId);
    for (const ref of refs) this.deleteBlob(caseId, ref);
    return refs.length;
  }

  /** Cancel: the draft and every blob go; the row stays (status cancelled) for the record. */
  wipe(caseId: string, status: CaseStatus, step: CaseStep, at: string, revision: number): void {
    this.wipeBlobs(caseId);
    this.#vault.delete(DRAFT_KIND, caseId);
    this.#db.prepare('UPDATE cases SET status = ?, step = ?, updated_at = ?, revision = ? WHERE id = ?').run(status, step, at, revision, caseId);
  }
}
