import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../storage/database.js';
import { AuditLog } from '../audit/log.js';
import { createLogger, memorySink } from '../log/logger.js';
import { Outbox } from './outbox.js';
import { OutboxError } from './errors.js';
import { tempDir } from '../../test/support/temp-station.js';
import { createPrng } from '../../device-simulators/random.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A loopback port with nothing listening: connections are refused at once, as when the agency is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let seq = 0;
function packetFile(dir: string, bytes = 1000) {
  seq += 1;
  const packetId = `1000110077${String(seq).padStart(5, '0')}20261122101112`;
  const content = Buffer.alloc(bytes, seq);
  const file = path.join(dir, `${packetId}.zip`);
  writeFileSync(file, content);
  return { packetId, file, size: content.length, sha256: createHash('sha256').update(content).digest('hex') };
}

async function setup(options: { now?: () => Date } = {}) {
  const t = tempDir('balcao-outbox-');
  const db: Db = openDatabase({ dataDir: t.dir });
  const sink = memorySink();
  const port = await closedPort();
  const outbox = new Outbox({
    db,
    config: { agency: { url: `http://127.0.0.1:${port}/`, token: 't', encryptionKey: 'x', receiptKey: path.join(t.dir, 'receipt.pub.pem') } },
    log: createLogger('test', sink),
    audit: new AuditLog(db),
    settings: { backoff: { baseMs: 60_000, capMs: 600_000 } },
    random: createPrng(1),
    ...(options.now ? { now: options.now } : {}),
  });
  cleanups.push(() => t.remove(), () => {
    db.close();
  }, () => outbox.close());
  return { dir: t.dir, db, outbox, logs: sink.records };
}

describe('outbox queue', () => {
  it('queues a packet once, sealed and due at once; the same packet again is a no-op', async () => {
    const { dir, outbox, db } = await setup();
    const p = packetFile(dir);
    const first = outbox.enqueue(p);
    expect(first).toMatchObject({ packetId: p.packetId, state: 'sealed', attempts: 0, lastError: null });
    expect(first.nextAttemptAt).toBe(first.enqueuedAt);
    expect(outbox.enqueue(p).enqueuedAt).toBe(first.enqueuedAt);
    expect(outbox.list()).toHaveLength(1);
    const audit = db.prepare("SELECT count(*) AS n FROM audit_log WHERE type = 'outbox.enqueued'").get() as { n: number };
    expect(audit.n).toBe(1);
  });

  it('refuses the same packet id with other bytes, and ids that are not 29 digits', async () => {
    const { dir, outbox } = await setup();
    const p = packetFile(dir);
    outbox.enqueue(p);
    expect(() => outbox.enqueue({ ...p, sha256: 'ee'.repeat(32) })).toThrow(OutboxError);
    expect(() => outbox.enqueue({ ...p, packetId: '123' })).toThrow(/29 digits/);
  });

  it('answers the next-due query from its index, oldest due first', async () => {
    const { dir, outbox, db } = await setup();
    const ids = [packetFile(dir), packetFile(dir), packetFile(dir)].map((p) => outbox.enqueue(p).packetId);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM outbox WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, enqueued_at LIMIT ?").all('9', 1) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX outbox_due/);
    expect(plan.map((p) => p.detail).join(' ')).not.toMatch(/TEMP B-TREE/);
    expect(outbox.list().map((e) => e.packetId)).toEqual(ids);
  });

  it('sets a corrupt packet aside with a clear error while the others go on', async () => {
    const { dir, outbox } = await setup();
    const good = packetFile(dir);
    const corrupt = packetFile(dir);
    const missing = packetFile(dir);
    outbox.enqueue(good);
    outbox.enqueue(corrupt);
    outbox.enqueue(missing);
    writeFileSync(corrupt.file, Buffer.alloc(corrupt.size, 0xff));
    (await import('node:fs')).rmSync(missing.file);
    const summary = await outbox.flush({ deadlineMs: 5000 });
    expect(summary.held).toBe(2);
    const c = outbox.get(corrupt.packetId)!;
    expect(c).toMatchObject({ state: 'sealed', nextAttemptAt: null, lastError: { code: 'packet_corrupt' } });
    expect(c.lastError!.message).toContain(corrupt.file);
    expect(outbox.get(missing.packetId)).toMatchObject({ state: 'sealed', nextAttemptAt: null, lastError: { code: 'packet_missing' } });
    // The good one was tried (the agency is down here) and is scheduled again.
    const g = outbox.get(good.packetId)!;
    expect(g.lastError?.code).toBe('agency_unreachable');
    expect(g.nextAttemptAt).not.toBeNull();
    expect(existsSync(corrupt.file)).toBe(true);
  });

  it('backs off after a network failure and "Retry now" makes it due again', async () => {
    let clock = Date.parse('2026-11-22T10:00:00Z');
    const { dir, outbox, db } = await setup({ now: () => new Date(clock) });
    const p = packetFile(dir);
    outbox.enqueue(p);
    const summary = await outbox.flush({ deadlineMs: 3000 });
    expect(summary).toMatchObject({ acknowledged: [], pending: 1, timedOut: true });
    expect(summary.failed[0]).toMatchObject({ packetId: p.packetId, code: 'agency_unreachable' });
    const after = outbox.get(p.packetId)!;
    expect(after).toMatchObject({ attempts: 1, failures: 1, state: 'sealed' });
    const wait = Date.parse(after.nextAttemptAt!) - clock;
    expect(wait).toBeGreaterThanOrEqual(0);
    expect(wait).toBeLessThan(60_000);
    clock += 1;
    const retried = outbox.retryNow(p.packetId, 'rui');
    expect(retried.nextAttemptAt).toBe(new Date(clock).toISOString());
    expect((db.prepare("SELECT actor FROM audit_log WHERE type = 'outbox.retry_requested'").get() as { actor: string }).actor).toBe('rui');
  });

  it('"Retry now" never goes before the agency\'s Retry-After, and refuses unknown or finished packets', async () => {
    const clock = Date.parse('2026-11-22T10:00:00Z');
    const { dir, outbox, db } = await setup({ now: () => new Date(clock) });
    const p = packetFile(dir);
    outbox.enqueue(p);
    db.prepare('UPDATE outbox SET not_before = ?, next_attempt_at = ? WHERE packet_id = ?').run('2026-11-22T10:05:00.000Z', '2026-11-22T10:07:00.000Z', p.packetId);
    expect(outbox.retryNow(p.packetId).nextAttemptAt).toBe('2026-11-22T10:05:00.000Z');
    expect(() => outbox.retryNow('10001100779999920261122101112')).toThrow(/No packet/);
    db.prepare("UPDATE outbox SET state = 'rejected' WHERE packet_id = ?").run(p.packetId);
    expect(() => outbox.retryNow(p.packetId)).toThrow(/rejected/);
  });

  it('says the disk is full when the queue cannot grow, and keeps what it had', async () => {
    const { dir, outbox, db } = await setup();
    const first = packetFile(dir);
    outbox.enqueue(first);
    // SQLite's own limit makes it answer SQLITE_FULL exactly as on a full disk.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    let error: unknown = null;
    for (let i = 0; i < 200 && error === null; i += 1) {
      try {
        outbox.enqueue(packetFile(dir));
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(OutboxError);
    expect((error as OutboxError).code).toBe('disk_full');
    expect((error as OutboxError).message).toMatch(/disk .* is full/);
    expect(outbox.get(first.packetId)?.state).toBe('sealed');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('tells listeners about every change', async () => {
    const { dir, outbox } = await setup();
    const seen: string[] = [];
    outbox.onChange((entry) => seen.push(`${entry.packetId.slice(-19, -14)}:${entry.state}:${entry.lastError?.code ?? '-'}`));
    const p = packetFile(dir);
    outbox.enqueue(p);
    await outbox.flush({ deadlineMs: 2000 });
    expect(seen[0]).toMatch(/:sealed:-$/);
    expect(seen.at(-1)).toMatch(/:sealed:agency_unreachable$/);
  });
});
