import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startRig, type Rig } from './harness.js';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe('outbox against the agency simulator (loopback)', () => {
  it('uploads a sealed packet, stores the verified ACCEPTED receipt, then deletes the bytes', async () => {
    rig = await startRig();
    const sealed = await rig.seal();
    rig.outbox.enqueue(sealed);
    const summary = await rig.outbox.flush({ deadlineMs: 20_000 });
    expect(summary).toMatchObject({ acknowledged: [sealed.packetId], rejected: [], pending: 0, held: 0, timedOut: false, storageError: null });
    const entry = rig.outbox.get(sealed.packetId)!;
    expect(entry.state).toBe('purged');
    expect(entry.receiptPayload).toMatchObject({ packetId: sealed.packetId, sha256: sealed.sha256, status: 'ACCEPTED' });
    expect(entry.receipt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(entry.acknowledgedAt).not.toBeNull();
    expect(entry.purgedAt).not.toBeNull();
    expect(existsSync(sealed.file)).toBe(false);
    const [record] = rig.agency.packets();
    expect(record).toMatchObject({ packetId: sealed.packetId, sha256: sealed.sha256, status: 'ACCEPTED', completedUploads: 1 });
    expect(entry.bytesSent).toBe(sealed.size);
  });

  it('keeps the bytes of an acknowledged packet for the retention, then purges them', async () => {
    rig = await startRig({ settings: { retentionSeconds: 1 } });
    const sealed = await rig.seal();
    rig.outbox.enqueue(sealed);
    await rig.outbox.flush({ deadlineMs: 20_000 });
    expect(rig.outbox.get(sealed.packetId)!.state).toBe('acknowledged');
    expect(existsSync(sealed.file)).toBe(true);
    const started = Date.now();
    const ac = new AbortController();
    const worker = rig.outbox.runForever(ac.signal);
    while (rig.outbox.get(sealed.packetId)!.state !== 'purged' && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await worker;
    expect(rig.outbox.get(sealed.packetId)!.state).toBe('purged');
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(existsSync(sealed.file)).toBe(false);
  });

  it('resumes from the agency\'s offset after the connection is cut mid-upload', async () => {
    rig = await startRig({ settings: { chunkSize: 128 * 1024 } });
    const sealed = await rig.seal();
    expect(sealed.size).toBeGreaterThan(128 * 1024);
    rig.agency.setFaults({ resetAfterBytes: 100_000, resetNext: 1 });
    rig.outbox.enqueue(sealed);
    const summary = await rig.outbox.flush({ deadlineMs: 30_000 });
    expect(summary.acknowledged).toEqual([sealed.packetId]);
    const entry = rig.outbox.get(sealed.packetId)!;
    expect(entry.attempts).toBeGreaterThanOrEqual(2);
    // The cut PATCH failed (connection reset, or the simulator's error answer) and the next one went on from the agency's offset.
    expect(rig.logs.some((l) => l.fields?.code === 'agency_unreachable' || l.fields?.code === 'agency_error')).toBe(true);
    expect(entry.bytesSent).toBeLessThan(sealed.size + 128 * 1024);
    expect(entry.bytesSent).toBeGreaterThan(sealed.size);
    expect(entry.bytesSent).toBeLessThan(2 * sealed.size);
    expect(rig.agency.packets()[0]).toMatchObject({ status: 'ACCEPTED', completedUploads: 1, sha256: sealed.sha256 });
  });

  it('after a restart resumes the stored upload with HEAD and sends only the rest', async () => {
    rig = await startRig({ settings: { chunkSize: 32 * 1024 } });
    const sealed = await rig.seal();
    rig.outbox.enqueue(sealed);
    // Stop the first try after the upload exists and some chunks are in, as a crash would.
    const ac = new AbortController();
    const off = rig.outbox.onChange((e) => {
      if (e.bytesSent >= 96 * 1024) ac.abort();
    });
    await rig.outbox.flush({ deadlineMs: 20_000, signal: ac.signal });
    off();
    await rig.outbox.close();
    const half = rig.outbox.get(sealed.packetId)!;
    expect(half.state).toBe('uploading');
    expect(half.uploadUrl).toMatch(/\/v1\/uploads\//);
    const again = rig.reopen();
    const summary = await again.flush({ deadlineMs: 20_000 });
    expect(summary.acknowledged).toEqual([sealed.packetId]);
    const done = again.get(sealed.packetId)!;
    expect(done.bytesSent).toBeLessThan(sealed.size + 2 * 32 * 1024);
    expect(rig.agency.packets()[0]).toMatchObject({ status: 'ACCEPTED', completedUploads: 1 });
  });

  it('after losing the create answer, the next create gets the same upload; after losing the receipt, a create answers 200 ACCEPTED and nothing is sent twice', async () => {
    rig = await startRig();
    const sealed = await rig.seal();
    rig.agency.setFaults({ loseCreateNext: 1 });
    rig.outbox.enqueue(sealed);
    await rig.outbox.flush({ deadlineMs: 20_000 });
    expect(rig.outbox.get(sealed.packetId)!.state).toBe('purged');
    // Now pretend the station crashed before storing the receipt: put the row back and restore the file.
    const bytes = readFileSync(rig.agency.packets()[0]!.file);
    (await import('node:fs')).writeFileSync(sealed.file, bytes);
    rig.db.prepare("UPDATE outbox SET state = 'sealed', upload_url = NULL, uploaded_at = NULL, receipt = NULL, receipt_payload = NULL, acknowledged_at = NULL, purged_at = NULL, next_attempt_at = ?, bytes_sent = 0 WHERE packet_id = ?").run(new Date().toISOString(), sealed.packetId);
    const summary = await rig.reopen().flush({ deadlineMs: 20_000 });
    expect(summary.acknowledged).toEqual([sealed.packetId]);
    const entry = rig.outbox.get(sealed.packetId)!;
    expect(entry.bytesSent).toBe(0);
    expect(rig.agency.packets()).toHaveLength(1);
    expect(rig.agency.packets()[0]!.completedUploads).toBe(1);
  });

  it('waits at least Retry-After after a 429', async () => {
    rig = await startRig({ faults: { rateLimitNext: 1, retryAfterSeconds: 1 } });
    const sealed = await rig.seal();
    rig.outbox.enqueue(sealed);
    const started = Date.now();
    const seen: { code: string | null; at: number }[] = [];
    rig.outbox.onChange((e) => seen.push({ code: e.lastError?.code ?? null, at: Date.now() }));
    const summary = await rig.outbox.flush({ deadlineMs: 20_000 });
    expect(summary.acknowledged).toEqual([sealed.packetId]);
    const busy = seen.find((s) => s.code === 'agency_busy')!;
    expect(busy).toBeDefined();
    const entry = rig.outbox.get(sealed.packetId)!;
    expect(entry.attempts).toBeGreaterThanOrEqual(2);
    // The second try began no sooner than 1 s after the 429 (backoff alone is ≤ 50 ms here).
    const uploadingAt = seen.find((s, i) => i > seen.indexOf(busy) && s.code === null)!.at;
    expect(uploadingAt - busy.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('retries 5xx with backoff until the agency works again', async () => {
    rig = await startRig({ faults: { fail5xxNext: 3, status5xx: 500 } });
    const sealed = await rig.seal();
    rig.outbox.enqueue(sealed);
    const summary = await rig.outbox.flush({ deadlineMs: 20_000 });
    expect(summary.acknowledged).toEqual([sealed.packetId]);
    const entry = rig.outbox.get(sealed.packetId)!;
    expect(entry.attempts).toBeGreaterThanOrEqual(2);
    expect(entry.state).toBe('purged');
    expect(rig.logs.some((l) => l.fields?.code === 'agency_error')).toBe(true);
  });

  it('a refused token (401) leaves the packet sealed with a clear error and a long wait', async () => {
    rig = await startRig({ token: 'wrong-token' });
    const sealed = await rig.seal();
    rig.outbox.enqueue(sealed);
    const started = Date.now();
    const summary = await rig.outbox.flush({ deadlineMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(summary).toMatchObject({ acknowledged: [], pending: 1, timedOut: true });
    const entry = rig.outbox.get(sealed.packetId)!;
    expect(entry.state).toBe('sealed');
    expect(entry.lastError?.code).toBe('token_rejected');
    expect(entry.lastError?.message).toMatch(/agency\.token/);
    expect(Date.parse(entry.nextAttemptAt!) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(existsSync(sealed.file)).toBe(true);
  });
});
