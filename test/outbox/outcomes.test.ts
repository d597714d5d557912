import { generateKeyPairSync } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../app/outbox/outbox.js';
import { createLogger, memorySink } from '../../app/log/logger.js';
import { startRig, centreId, stationId, type Rig } from './harness.js';
import type { SealedPacket } from '../../app/packets/index.js';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe('outbox outcomes against the agency simulator (loopback)', () => {
  it('keeps a REJECTED packet with the agency\'s reasons, and does not retry it', async () => {
    rig = await startRig();
    // The agency holds another key for this station: the packet's signature cannot verify.
    rig.agency.registerStation(centreId, stationId, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const sealed = await rig.seal();
    rig.outbox.enqueue(sealed);
    const summary = await rig.outbox.flush({ deadlineMs: 20_000 });
    expect(summary).toMatchObject({ acknowledged: [], rejected: [sealed.packetId], pending: 0 });
    const entry = rig.outbox.get(sealed.packetId)!;
    expect(entry).toMatchObject({ state: 'rejected', nextAttemptAt: null });
    expect(entry.reasons.length).toBeGreaterThan(0);
    expect(entry.reasons.join(' ')).toMatch(/signature/i);
    expect(entry.receiptPayload?.status).toBe('REJECTED');
    expect(existsSync(sealed.file)).toBe(true);
    expect(() => rig!.outbox.retryNow(sealed.packetId)).toThrow(/rejected/);
  });

  it('does not trust a receipt that the configured agency key did not sign: the packet is kept and asked about again', async () => {
    rig = await startRig();
    const wrongKey = path.join(rig.dir, 'not-the-agency.pub.pem');
    writeFileSync(wrongKey, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
    const sink = memorySink();
    const outbox = new Outbox({ db: rig.db, config: { agency: { ...rig.config.agency, receiptKey: wrongKey } }, log: createLogger('it', sink), settings: { backoff: { baseMs: 50, capMs: 100 }, receiptPollMs: 20 } });
    try {
      const sealed = await rig.seal();
      outbox.enqueue(sealed);
      const summary = await outbox.flush({ deadlineMs: 1500 });
      expect(summary.acknowledged).toEqual([]);
      expect(summary.failed[0]).toMatchObject({ packetId: sealed.packetId, code: 'receipt_signature_invalid' });
      const entry = outbox.get(sealed.packetId)!;
      expect(entry.state).toBe('uploading');
      expect(entry.uploadedAt).not.toBeNull();
      expect(entry.receipt).toBeNull();
      expect(entry.nextAttemptAt).not.toBeNull();
      expect(existsSync(sealed.file)).toBe(true);
      // The agency received it once; asking again for the receipt never re-sent the bytes.
      expect(rig.agency.packets()[0]).toMatchObject({ status: 'ACCEPTED', completedUploads: 1 });
      expect(entry.bytesSent).toBe(sealed.size);
      // With the right key the same entry completes without sending anything again.
      const summary2 = await rig.outbox.flush({ deadlineMs: 10_000 });
      expect(summary2.acknowledged).toEqual([sealed.packetId]);
      expect(rig.outbox.get(sealed.packetId)!.bytesSent).toBe(sealed.size);
    } finally {
      await outbox.close();
    }
  });

  it('isolates a corrupt packet file: the others are delivered', async () => {
    rig = await startRig();
    const packets = [await rig.seal(), await rig.seal(), await rig.seal()];
    for (const p of packets) rig.outbox.enqueue(p);
    const corrupt = packets[1]!;
    const bytes = Buffer.from((await import('node:fs')).readFileSync(corrupt.file));
    const middle = bytes.length >> 1;
    bytes[middle] = (bytes[middle] ?? 0) ^ 0x01;
    writeFileSync(corrupt.file, bytes);
    const summary = await rig.outbox.flush({ deadlineMs: 20_000 });
    expect(summary.acknowledged.sort()).toEqual([packets[0]!.packetId, packets[2]!.packetId].sort());
    expect(summary.held).toBe(1);
    expect(rig.outbox.get(corrupt.packetId)).toMatchObject({ state: 'sealed', nextAttemptAt: null, lastError: { code: 'packet_corrupt' } });
    expect(rig.agency.packets().map((p) => p.packetId)).not.toContain(corrupt.packetId);
  });

  it('after days offline, flushes 100 packets oldest first, each accepted exactly once', async () => {
    rig = await startRig({ settings: { concurrency: 2 } });
    const sealed: SealedPacket[] = [];
    for (let i = 0; i < 100; i += 1) sealed.push(await rig.seal());
    for (const p of sealed) rig.outbox.enqueue(p);
    const started = Date.now();
    const summary = await rig.outbox.flush({ deadlineMs: 90_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(summary).toMatchObject({ pending: 0, held: 0, rejected: [], timedOut: false });
    expect(summary.acknowledged).toHaveLength(100);
    // Oldest first: with two at a time, no packet is acknowledged more than a few places from its turn.
    const order = summary.acknowledged.map((id) => sealed.findIndex((p) => p.packetId === id));
    order.forEach((position, i) => expect(Math.abs(position - i)).toBeLessThanOrEqual(4));
    const records = rig.agency.packets();
    expect(records).toHaveLength(100);
    expect(records.every((r) => r.status === 'ACCEPTED' && r.completedUploads === 1)).toBe(true);
    expect(summary.byState.purged).toBe(100);
    for (const p of sealed) expect(existsSync(p.file)).toBe(false);
    console.log(`100 packets (${(sealed[0]!.size / 1024).toFixed(0)} KiB each) flushed in ${seconds.toFixed(1)} s`);
  });
});
