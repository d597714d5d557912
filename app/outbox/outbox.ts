import { createHash } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import { Agent } from 'node:http';
import type { Db } from '../storage/database.js';
import type { Logger } from '../log/logger.js';
import type { AuditLog } from '../audit/log.js';
import type { StationConfig } from '../config/schema.js';
import { nextDelayMs } from './backoff.js';
import { errnoCode, isDiskFull, OutboxError, type OutboxFailure } from './errors.js';
import { loadReceiptKey, reasonText, verifyReceipt, type ReceiptKey } from './receipt.js';
import { OutboxRepo, toEntry, type OutboxEntry, type OutboxRow, type OutboxState, type RowPatch } from './repo.js';
import { OutboxSettings, type OutboxSettingsInput } from './settings.js';
import { classifyHttp, networkFailure, uploadPacket } from './uploader.js';

/** What the outbox needs to know of a sealed packet (app/packets' SealedPacket has these and more). */
export interface PacketToSend {
  packetId: string;
  /** Absolute path of the sealed packet file. */
  file: string;
  size: number;
  /** Lowercase hex SHA-256 of the whole file. */
  sha256: string;
}

export interface OutboxOptions {
  db: Db;
  /** agency.url, agency.token, agency.receiptKey; `outbox` settings when the config schema has them. */
  config: Pick<StationConfig, 'agency'> & { outbox?: OutboxSettingsInput };
  log: Logger;
  audit?: AuditLog;
  /** Overrides the config's `outbox` section (tests). */
  settings?: OutboxSettingsInput;
  now?: () => Date;
  /** [0, 1): the backoff jitter. Inject a seeded one (device-simulators/random.ts createPrng) to replay timings. */
  random?: () => number;
}

export interface FlushOptions {
  /** How long the flush may run, in milliseconds from its start. */
  deadlineMs: number;
  signal?: AbortSignal;
}

export interface FlushSummary {
  durationMs: number;
  /** True when the time ran out with pending entries that could still have been tried. */
  timedOut: boolean;
  /** Tries made (uploads, receipt requests, purges). */
  tries: number;
  acknowledged: string[];
  rejected: string[];
  purged: number;
  /** The latest failure of each entry that failed during this flush and is still not done. */
  failed: { packetId: string; code: string; message: string }[];
  /** Entries still sealed or uploading and scheduled. */
  pending: number;
  /** Entries still sealed or uploading but held until a supervisor acts (corrupt or missing file). */
  held: number;
  byState: Record<OutboxState, number>;
  /** Set when the disk or database was full or failing: the flush stopped with the queue as it was. */
  storageError: string | null;
}

const iso = (date: Date) => date.toISOString();
const addMs = (date: Date, ms: number) => new Date(date.getTime() + ms);

/** Raised inside a try when the queue itself cannot be written: stops the flush, keeps the rows as they were. */
class StorageFull extends Error {}

/**
 * The station's queue of sealed packets and the worker that delivers them
 * to the agency exactly once (agency-intake.md §4):
 *
 *   sealed ──create──▶ uploading ──last byte──▶ (uploaded) ──ACCEPTED receipt──▶ acknowledged ──retention──▶ purged
 *                                                         └──REJECTED receipt──▶ rejected (kept, reasons shown)
 *
 * Every state change is one SQLite transaction. The tus upload URL is
 * stored before the first byte is sent, so after a crash the next try asks
 * the agency for its offset (HEAD) and sends only the rest; a create for a
 * packet the agency already ACCEPTED answers 200 + Packet-Status and the
 * station only fetches the receipt. Bytes are deleted only after a valid
 * ACCEPTED receipt whose sha256 is the file that was sent.
 */
export class Outbox {
  readonly settings: OutboxSettings;
  private readonly repo: OutboxRepo;
  private readonly db: Db;
  private readonly log: Logger;
  private readonly audit: AuditLog | undefined;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly agencyUrl: string;
  private readonly token: string;
  private readonly receiptKeyFile: string;
  private receiptKey: ReceiptKey | null = null;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly listeners = new Set<(entry: OutboxEntry) => void>();
  private readonly closing = new AbortController();
  private wakeUp: (() => void) | null = null;
  private background: Promise<void> | null = null;
  private closed = false;

  constructor({ db, config, log, audit, settings, now = () => new Date(), random = Math.random }: OutboxOptions) {
    this.settings = OutboxSettings.parse({ ...(config.outbox ?? {}), ...(settings ?? {}) });
    this.db = db;
    this.repo = new OutboxRepo(db);
    this.log = log;
    this.audit = audit;
    this.now = now;
    this.random = random;
    this.agencyUrl = config.agency.url.endsWith('/') ? config.agency.url : `${config.agency.url}/`;
    this.token = config.agency.token;
    this.receiptKeyFile = config.agency.receiptKey;
  }

  // ── what callers use ────────────────────────────────────────────────

  /**
   * Queues a sealed packet (idempotent: the same packet again is a no-op).
   * Throws OutboxError 'conflict' if the id is queued with other bytes, and
   * 'disk_full' if the queue cannot be written.
   */
  enqueue(packet: PacketToSend): OutboxEntry {
    if (!/^\d{29}$/.test(packet.packetId)) throw new OutboxError('conflict', `Packet id ${packet.packetId} is not 29 digits (agency-intake.md §2); it was not queued.`);
    const sha256 = packet.sha256.toLowerCase();
    let inserted = false;
    try {
      this.db.transaction(() => {
        inserted = this.repo.insert({ packet_id: packet.packetId, file: packet.file, size: packet.size, sha256, now: iso(this.now()) });
        if (inserted) this.audit?.append({ type: 'outbox.enqueued', actor: null, details: { packetId: packet.packetId, size: packet.size } });
      })();
    } catch (error) {
      if (isDiskFull(error)) throw new OutboxError('disk_full', `Packet ${packet.packetId} could not be queued: the disk holding the station database is full (${errnoCode(error)}). The sealed file is kept at ${packet.file}; free some space and queue it again.`);
      throw error;
    }
    const row = this.mustGet(packet.packetId);
    if (!inserted && (row.sha256 !== sha256 || row.size !== packet.size)) {
      throw new OutboxError('conflict', `Packet ${packet.packetId} is already queued with different content (SHA-256 ${row.sha256.slice(0, 16)}…); the new file was not queued.`);
    }
    if (inserted) {
      this.changed(row);
      this.wake();
    }
    return toEntry(row);
  }

  get(packetId: string): OutboxEntry | null {
    const row = this.repo.get(packetId);
    return row === undefined ? null : toEntry(row);
  }

  /** The queue for the supervisor: rejected first, then in progress, then waiting, then done; oldest first within each. */
  list(limit = 1000): OutboxEntry[] {
    return this.repo.list(limit).map(toEntry);
  }

  counts(): { byState: Record<OutboxState, number>; held: number } {
    return this.repo.counts();
  }

  /**
   * A supervisor's "Retry now": makes a waiting or held entry due at once
   * (never earlier than the agency's Retry-After). Rejected and finished
   * entries cannot be retried: a REJECTED packet must be enrolled again.
   */
  retryNow(packetId: string, actor: string | null = null): OutboxEntry {
    const row = this.repo.get(packetId);
    if (row === undefined) throw new OutboxError('unknown_packet', `No packet ${packetId} in the outbox.`);
    if (row.state !== 'sealed' && row.state !== 'uploading') {
      throw new OutboxError('not_retryable', `Packet ${packetId} is ${row.state}; only packets still waiting to be delivered can be retried.`);
    }
    const now = this.now();
    const at = row.not_before !== null && row.not_before > iso(now) ? row.not_before : iso(now);
    this.write(() => {
      this.repo.patch(packetId, { next_attempt_at: at, updated_at: iso(now) });
      this.audit?.append({ type: 'outbox.retry_requested', actor, details: { packetId } });
    });
    const updated = this.mustGet(packetId);
    this.changed(updated);
    this.wake();
    return toEntry(updated);
  }

  /** Called with the whole entry after every change (for the `outbox.changed` event). */
  onChange(listener: (entry: OutboxEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Sends everything due, oldest first, at most `concurrency` at a time, and
   * keeps retrying (with backoff) until nothing is pending, the time is up, or
   * nothing more could happen before the time is up (e.g. after a 401).
   */
  async flush({ deadlineMs, signal }: FlushOptions): Promise<FlushSummary> {
    const started = Date.now();
    const deadline = started + deadlineMs;
    const stop = AbortSignal.any([this.closing.signal, ...(signal ? [signal] : []), AbortSignal.timeout(Math.max(1, deadlineMs))]);
    const tally: Tally = { tries: 0, acknowledged: [], rejected: [], purged: 0, failed: new Map(), storageError: null };
    let timedOut = false;
    while (!stop.aborted && tally.storageError === null) {
      await this.drain(stop, tally);
      if (stop.aborted || tally.storageError !== null) break;
      const earliest = this.repo.earliestPending();
      if (earliest === null) break;
      const waitMs = Date.parse(earliest) - this.now().getTime();
      if (Date.now() + waitMs > deadline) {
        timedOut = true;
        break;
      }
      await sleep(Math.max(0, waitMs), stop);
    }
    if (stop.aborted && !this.closing.signal.aborted && !(signal?.aborted ?? false)) timedOut = this.repo.earliestPending() !== null;
    const { byState, held } = this.repo.counts();
    const failed: FlushSummary['failed'] = [];
    for (const [packetId, failure] of tally.failed) {
      const row = this.repo.get(packetId);
      if (row !== undefined && (row.state === 'sealed' || row.state === 'uploading')) failed.push({ packetId, code: failure.code, message: failure.message });
    }
    return {
      durationMs: Date.now() - started,
      timedOut,
      tries: tally.tries,
      acknowledged: tally.acknowledged,
      rejected: tally.rejected,
      purged: tally.purged,
      failed,
      pending: byState.sealed + byState.uploading - held,
      held,
      byState,
      storageError: tally.storageError,
    };
  }

  /** Delivers in the background until the signal (or close()) stops it; wakes early when a packet is queued or retried. */
  start(signal?: AbortSignal): void {
    if (this.background !== null || this.closed) return;
    this.background = this.runForever(signal ?? this.closing.signal).catch((error: unknown) => {
      this.log.error('outbox worker stopped', { error: error instanceof Error ? error.message : String(error) });
    });
  }

  async runForever(signal: AbortSignal): Promise<void> {
    const stop = AbortSignal.any([signal, this.closing.signal]);
    while (!stop.aborted) {
      const tally: Tally = { tries: 0, acknowledged: [], rejected: [], purged: 0, failed: new Map(), storageError: null };
      await this.drain(stop, tally);
      if (stop.aborted) break;
      // After a storage failure, wait a full idle period: the disk needs a person, not a busy loop.
      let waitMs = this.settings.idlePollMs;
      if (tally.storageError === null) {
        const next = this.nextScheduled();
        if (next !== null) waitMs = Math.min(waitMs, Math.max(0, Date.parse(next) - this.now().getTime()));
      }
      const nap = new AbortController();
      this.wakeUp = () => nap.abort();
      await sleep(waitMs, AbortSignal.any([stop, nap.signal]));
      this.wakeUp = null;
    }
  }

  /** Stops the background worker and any upload in flight (their upload URLs are kept: the next start resumes them). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    this.wake();
    await Promise.allSettled([...this.inFlight.values(), ...(this.background ? [this.background] : [])]);
    this.agent.destroy();
  }

  // ── the worker ──────────────────────────────────────────────────────

  private nextScheduled(): string | null {
    const rows = this.repo.due('9999-12-31T23:59:59.999Z', 1 + this.inFlight.size);
    return rows.find((r) => !this.inFlight.has(r.packet_id))?.next_attempt_at ?? null;
  }

  /** Runs every entry due now, `concurrency` at a time, until none is due. */
  private async drain(stop: AbortSignal, tally: Tally): Promise<void> {
    const workers = Array.from({ length: this.settings.concurrency }, async () => {
      while (!stop.aborted && tally.storageError === null) {
        const row = this.repo.due(iso(this.now()), this.inFlight.size + 1).find((r) => !this.inFlight.has(r.packet_id));
        if (row === undefined) return;
        const work = this.tryOne(row, stop, tally);
        this.inFlight.set(row.packet_id, work);
        try {
          await work;
        } finally {
          this.inFlight.delete(row.packet_id);
        }
      }
    });
    await Promise.all(workers);
  }

  private async tryOne(row: OutboxRow, stop: AbortSignal, tally: Tally): Promise<void> {
    tally.tries += 1;
    try {
      if (row.state === 'acknowledged') {
        await this.purge(row, tally);
        return;
      }
      if (row.state !== 'sealed' && row.state !== 'uploading') {
        // A finished row with a schedule left over: clear it.
        this.write(() => this.repo.patch(row.packet_id, { next_attempt_at: null }));
        return;
      }
      const attemptSignal = AbortSignal.any([stop, AbortSignal.timeout(this.settings.attemptTimeoutMs)]);
      this.write(() => this.repo.patch(row.packet_id, { attempts: row.attempts + 1, updated_at: iso(this.now()) }));
      if (row.uploaded_at === null) {
        const sent = await this.send(row, attemptSignal);
        if (sent !== null) {
          if (stop.aborted) return; // Stopped by shutdown or the flush deadline: not a failure, the row stays due.
          this.fail(row.packet_id, sent, tally);
          return;
        }
      }
      const current = this.mustGet(row.packet_id);
      await this.fetchReceipt(current, attemptSignal, stop, tally);
    } catch (error) {
      if (error instanceof StorageFull) {
        tally.storageError = error.message;
        this.log.error('outbox storage failure', { packetId: row.packet_id, error: error.message });
        return;
      }
      this.log.error('outbox try failed unexpectedly', { packetId: row.packet_id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      try {
        this.fail(row.packet_id, { code: 'internal', message: `Sending packet ${row.packet_id} failed unexpectedly (${error instanceof Error ? error.message : String(error)}); it will be tried again.` }, tally);
      } catch (inner) {
        if (inner instanceof StorageFull) tally.storageError = inner.message;
      }
    }
  }

  /** Reads and checks the file, then uploads it. Returns null when every byte is at the agency. */
  private async send(row: OutboxRow, signal: AbortSignal): Promise<OutboxFailure | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(row.file);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT') return { code: 'packet_missing', hold: true, message: `The file of packet ${row.packet_id} is missing (${row.file}); it cannot be sent. Restore the file and press "Retry now", or enrol the applicant again.` };
      if (isDiskFull(error)) return { code: 'disk_full', message: `The disk is full while reading packet ${row.packet_id} (${row.file}); free some space.` };
      return { code: 'io_error', message: `The file of packet ${row.packet_id} (${row.file}) cannot be read (${code || (error as Error).message}); the station will try again.` };
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== row.size || sha256 !== row.sha256) {
      return {
        code: 'packet_corrupt',
        hold: true,
        message: `The file of packet ${row.packet_id} (${row.file}) is not the one that was sealed (${bytes.length} bytes, SHA-256 ${sha256.slice(0, 16)}…; expected ${row.size} bytes, ${row.sha256.slice(0, 16)}…). It is not sent; the other packets go on. Restore the file and press "Retry now", or enrol the applicant again.`,
      };
    }
    const outcome = await uploadPacket({
      agencyUrl: this.agencyUrl,
      token: this.token,
      packetId: row.packet_id,
      sha256: row.sha256,
      bytes,
      uploadUrl: row.upload_url,
      chunkSize: this.settings.chunkSize,
      agent: this.agent,
      signal,
      now: this.now,
      onUploadUrl: (url) => {
        this.write(() => this.repo.patch(row.packet_id, { upload_url: url, state: 'uploading', updated_at: iso(this.now()) }));
        this.changed(this.mustGet(row.packet_id));
      },
      onBytesSent: (n) => {
        this.write(() => this.repo.addBytesSent(row.packet_id, n));
        this.changed(this.mustGet(row.packet_id));
      },
    });
    if (outcome.kind === 'failed') return outcome.failure;
    this.write(() => this.repo.patch(row.packet_id, { state: 'uploading', uploaded_at: iso(this.now()), failures: 0, last_error_code: null, last_error: null, not_before: null, updated_at: iso(this.now()) }));
    this.changed(this.mustGet(row.packet_id));
    return null;
  }

  private async fetchReceipt(row: OutboxRow, signal: AbortSignal, stop: AbortSignal, tally: Tally): Promise<void> {
    const url = new URL(`v1/packets/${row.packet_id}/receipt`, this.agencyUrl);
    let response: Response;
    let body: string;
    try {
      response = await fetch(url, { headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/jose' }, signal });
      body = await response.text();
    } catch (error) {
      if (stop.aborted) return;
      this.fail(row.packet_id, signal.aborted ? { code: 'timeout', message: `Asking the agency for the receipt of packet ${row.packet_id} took too long; the station will ask again.` } : networkFailure(error, 'asking for the receipt'), tally);
      return;
    }
    const now = this.now();
    if (response.status === 202) {
      // Still being checked: not a failure, just not yet.
      this.write(() => this.repo.patch(row.packet_id, { next_attempt_at: iso(addMs(now, this.settings.receiptPollMs)), updated_at: iso(now) }));
      this.changed(this.mustGet(row.packet_id));
      return;
    }
    if (response.status === 404) {
      // The agency does not know the packet (it lost the upload, or it expired): send it again from the start.
      const failure: OutboxFailure = { code: 'packet_unknown', message: `The agency does not know packet ${row.packet_id} (404 on its receipt); it will be sent again.` };
      this.write(() => this.repo.patch(row.packet_id, { state: 'sealed', upload_url: null, uploaded_at: null, updated_at: iso(now) }));
      this.fail(row.packet_id, failure, tally);
      return;
    }
    if (response.status !== 200) {
      this.fail(row.packet_id, classifyHttp(response.status, response.headers, body, 'asking for the receipt', now), tally);
      return;
    }
    const key = this.loadKey();
    if ('code' in key) {
      this.fail(row.packet_id, key, tally);
      return;
    }
    const check = await verifyReceipt(body, key, { packetId: row.packet_id, sha256: row.sha256 });
    if (!check.ok) {
      this.log.warn('receipt not trusted', { packetId: row.packet_id, code: check.failure.code });
      this.fail(row.packet_id, check.failure, tally);
      return;
    }
    const { payload } = check;
    const stamp = iso(this.now());
    if (payload.status === 'ACCEPTED') {
      const purgeAt = iso(addMs(this.now(), this.settings.retentionSeconds * 1000));
      this.write(() => {
        this.repo.patch(row.packet_id, {
          state: 'acknowledged',
          receipt: body.trim(),
          receipt_payload: JSON.stringify(payload),
          acknowledged_at: stamp,
          next_attempt_at: purgeAt,
          not_before: null,
          failures: 0,
          last_error_code: null,
          last_error: null,
          updated_at: stamp,
        });
        this.audit?.append({ type: 'outbox.acknowledged', actor: null, details: { packetId: row.packet_id, receivedAt: payload.receivedAt } });
      });
      tally.acknowledged.push(row.packet_id);
      tally.failed.delete(row.packet_id);
      const acknowledged = this.mustGet(row.packet_id);
      this.changed(acknowledged);
      if (this.settings.retentionSeconds === 0) await this.purge(acknowledged, tally);
      return;
    }
    const reasons = payload.reasons.map(reasonText);
    this.write(() => {
      this.repo.patch(row.packet_id, {
        state: 'rejected',
        receipt: body.trim(),
        receipt_payload: JSON.stringify(payload),
        reasons: JSON.stringify(reasons),
        rejected_at: stamp,
        next_attempt_at: null,
        not_before: null,
        last_error_code: null,
        last_error: null,
        updated_at: stamp,
      });
      this.audit?.append({ type: 'outbox.rejected', actor: null, details: { packetId: row.packet_id, reasons: reasons.join(' | ').slice(0, 500) } });
    });
    tally.rejected.push(row.packet_id);
    tally.failed.delete(row.packet_id);
    this.log.warn('packet rejected by the agency', { packetId: row.packet_id, reasons });
    this.changed(this.mustGet(row.packet_id));
  }

  /** Deletes the bytes of an acknowledged packet whose retention has passed; the row and its receipt stay. */
  private async purge(row: OutboxRow, tally: Tally): Promise<void> {
    if (row.state !== 'acknowledged' || row.receipt === null) return;
    try {
      await unlink(row.file);
    } catch (error) {
      // Already gone (a crash between the unlink and the update): the purge is done either way.
      if (errnoCode(error) !== 'ENOENT') {
        this.log.warn('could not delete an acknowledged packet file', { packetId: row.packet_id, error: (error as Error).message });
        this.write(() => this.repo.patch(row.packet_id, { next_attempt_at: iso(addMs(this.now(), this.settings.idlePollMs)) }));
        return;
      }
    }
    const stamp = iso(this.now());
    this.write(() => {
      this.repo.patch(row.packet_id, { state: 'purged', purged_at: stamp, next_attempt_at: null, updated_at: stamp });
      this.audit?.append({ type: 'outbox.purged', actor: null, details: { packetId: row.packet_id } });
    });
    tally.purged += 1;
    this.changed(this.mustGet(row.packet_id));
  }

  /** Records a failed try and schedules the next one. */
  private fail(packetId: string, failure: OutboxFailure, tally: Tally): void {
    const row = this.mustGet(packetId);
    const now = this.now();
    const failures = row.failures + 1;
    const retryAfterMs = failure.retryAfterMs ?? null;
    let next: string | null;
    if (failure.hold === true) next = null;
    else if (failure.code === 'token_rejected') next = iso(addMs(now, Math.max(this.settings.tokenRejectedDelayMs, retryAfterMs ?? 0)));
    else next = iso(addMs(now, nextDelayMs(failures, this.settings.backoff, this.random, retryAfterMs)));
    this.write(() =>
      this.repo.patch(packetId, {
        failures,
        last_error_code: failure.code,
        last_error: failure.message,
        next_attempt_at: next,
        not_before: retryAfterMs !== null ? iso(addMs(now, retryAfterMs)) : null,
        updated_at: iso(now),
      }),
    );
    tally.failed.set(packetId, failure);
    this.log.warn('packet not delivered this time', { packetId, code: failure.code, message: failure.message, next });
    this.changed(this.mustGet(packetId));
  }

  // ── helpers ─────────────────────────────────────────────────────────

  private loadKey(): ReceiptKey | OutboxFailure {
    if (this.receiptKey !== null) return this.receiptKey;
    const loaded = loadReceiptKey(this.receiptKeyFile);
    if ('key' in loaded) this.receiptKey = loaded;
    return loaded;
  }

  /** One transaction; a full disk (or database) becomes StorageFull and the transaction rolls back. */
  private write(work: () => void): void {
    try {
      this.db.transaction(work)();
    } catch (error) {
      if (isDiskFull(error)) throw new StorageFull(`The station database cannot be written: the disk is full (${errnoCode(error)}). Nothing in the queue was lost; uploads resume once there is space.`);
      throw error;
    }
  }

  private mustGet(packetId: string): OutboxRow {
    const row = this.repo.get(packetId);
    if (row === undefined) throw new OutboxError('unknown_packet', `No packet ${packetId} in the outbox.`);
    return row;
  }

  private changed(row: OutboxRow): void {
    if (this.listeners.size === 0) return;
    const entry = toEntry(row);
    for (const listener of [...this.listeners]) {
      try {
        listener(entry);
      } catch (error) {
        this.log.warn('outbox listener failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  private wake(): void {
    this.wakeUp?.();
  }
}

interface Tally {
  tries: number;
  acknowledged: string[];
  rejected: string[];
  purged: number;
  failed: Map<string, OutboxFailure>;
  storageError: string | null;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

export type { OutboxEntry, OutboxState, RowPatch };
