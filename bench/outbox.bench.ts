// The outbox (issue 5): with 100,000 rows in SQLite on disk, the cost of enqueueing one sealed packet
// (Outbox.enqueue: the row and its audit entry in one transaction, as the station does it) and of the
// next-due query the uploader runs (OutboxRepo.due, served by the partial index outbox_due); target
// p99 < 2 ms for both. Then 1,000 small packets sealed and uploaded to the agency simulator on
// loopback (tus create + PATCH + receipt, concurrency as configured), as packets per second.
import { performance } from 'node:perf_hooks';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../app/storage/database.js';
import { AuditLog } from '../app/audit/log.js';
import { createLogger } from '../app/log/logger.js';
import { Outbox } from '../app/outbox/outbox.js';
import { OutboxRepo } from '../app/outbox/repo.js';
import { demoPacketInput, sealPacket } from '../app/packets/index.js';
import { startAgencySimulator } from '../device-simulators/agency/server.js';
import { fmt, report, summarise } from './support.js';

const ROWS = 100_000;
const UPLOADS = Number(process.env.OUTBOX_BENCH_UPLOADS ?? 1000);
const dir = mkdtempSync(path.join(tmpdir(), 'balcao-outbox-bench-'));
const quiet = createLogger('bench', () => undefined);
const hex = (n: number) => n.toString(16).padStart(64, '0');
const idFor = (n: number) => `1000110077${String(n % 100_000).padStart(5, '0')}${String(20261122000000 + n)}`;

// --- 100,000 rows ---------------------------------------------------------
{
  const db = openDatabase({ dataDir: path.join(dir, 'rows') });
  const config = { agency: { url: 'http://127.0.0.1:9/', token: 't', encryptionKey: '/nonexistent', receiptKey: '/nonexistent' } };
  const outbox = new Outbox({ db, config: config as never, log: quiet, audit: new AuditLog(db) });
  const enqueue: number[] = [];
  for (let n = 0; n < ROWS; n++) {
    const started = performance.now();
    outbox.enqueue({ packetId: idFor(n), file: `/var/balcao/packets/${idFor(n)}.zip`, size: 5_000_000, sha256: hex(n) });
    enqueue.push(performance.now() - started);
  }
  const repo = new OutboxRepo(db);
  // Most rows finished, as after weeks of work: the due query must not scan them.
  db.prepare("UPDATE outbox SET state = 'purged', next_attempt_at = NULL WHERE rowid % 10 != 0").run();
  const due: number[] = [];
  const base = Date.parse('2026-11-22T00:00:00Z');
  for (let i = 0; i < 10_000; i++) {
    const now = new Date(base + Math.floor(Math.random() * 7 * 86_400_000)).toISOString();
    const started = performance.now();
    repo.due(now, 2);
    due.push(performance.now() - started);
  }
  const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT * FROM outbox WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, enqueued_at LIMIT ?").all('2026-11-23', 2) as { detail: string }[]).map((r) => r.detail).join('; ');
  const e = summarise(enqueue.slice(-10_000));
  const d = summarise(due);
  console.log(`outbox with ${ROWS.toLocaleString('en')} rows (SQLite on disk, WAL):`);
  console.log(`  enqueue (row + audit entry, one transaction), last 10,000: p50 ${fmt(e.p50)}, p99 ${fmt(e.p99)}, max ${fmt(e.max)} ${e.p99 < 2 ? '' : '(OVER 2 ms)'}`);
  console.log(`  next-due query (10% of rows pending), 10,000 queries: p50 ${fmt(d.p50)}, p99 ${fmt(d.p99)}, max ${fmt(d.max)} ${d.p99 < 2 ? '' : '(OVER 2 ms)'}`);
  console.log(`  query plan: ${plan}`);
  await outbox.close();
  db.close();
  report('outbox-rows', { rows: ROWS, enqueueMs: e, nextDueMs: d, plan });
}

// --- 1,000 small packets to the agency simulator ---------------------------
{
  const agency = await startAgencySimulator({ keysDir: path.join(dir, 'agency-keys'), dataDir: path.join(dir, 'agency-data') });
  const station = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  agency.registerStation('10001', '10077', station.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  const { loadAgencyEncryptionKey } = await import('../app/packets/keys.js');
  const keys = { agencyEncryptionKey: loadAgencyEncryptionKey(agency.keys.encryptionPublicKeyPath), stationSigningKey: station.privateKey };
  const db = openDatabase({ dataDir: path.join(dir, 'upload') });
  const config = { agency: { url: agency.url, token: agency.token, encryptionKey: agency.keys.encryptionPublicKeyPath, receiptKey: agency.keys.receiptPublicKeyPath } };
  const outbox = new Outbox({ db, config: config as never, log: quiet, audit: new AuditLog(db), settings: { concurrency: 2, receiptPollMs: 20 } });
  const input = await demoPacketInput({ seed: 3, fingerWidth: 64, fingerHeight: 80, pages: [{ kind: 'id1-card', format: 'png', dpi: 30, type: 'residence-card' }] });
  const sealStarted = performance.now();
  let bytes = 0;
  for (let i = 0; i < UPLOADS; i++) {
    const sealed = await sealPacket(input, keys, db, { outDir: path.join(dir, 'packets'), centreId: '10001', stationId: '10077' });
    bytes += sealed.size;
    outbox.enqueue(sealed);
  }
  const sealMs = performance.now() - sealStarted;
  const started = performance.now();
  const summary = await outbox.flush({ deadlineMs: 600_000 });
  const ms = performance.now() - started;
  await agency.idle();
  const accepted = agency.packets().filter((p) => p.status === 'ACCEPTED').length;
  console.log(`${UPLOADS} small packets (${(bytes / UPLOADS / 1024).toFixed(0)} KiB each) sealed in ${(sealMs / 1000).toFixed(1)} s; uploaded to the agency simulator on loopback, concurrency 2:`);
  console.log(`  ${(summary.acknowledged.length / (ms / 1000)).toFixed(1)} packets/s (${summary.acknowledged.length} acknowledged in ${(ms / 1000).toFixed(1)} s, ${summary.tries} tries; agency accepted ${accepted}); the simulator checks each packet (RSA-OAEP unwrap, AES-GCM, hashes) in this same process`);
  report('outbox-upload', { packets: UPLOADS, meanBytes: bytes / UPLOADS, seconds: ms / 1000, packetsPerSecond: summary.acknowledged.length / (ms / 1000), tries: summary.tries, accepted });
  await outbox.close();
  db.close();
  await agency.stop();
}
rmSync(dir, { recursive: true, force: true });
