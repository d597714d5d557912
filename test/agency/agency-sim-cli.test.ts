/**
 * `balcao agency-sim` as the CLI runs it (runAgencySim), and the tus client
 * the station's outbox uses (tus-js-client) against the simulator, including
 * a connection cut mid-upload and a lost create answer.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { parseFaults, runAgencySim, type AgencySimReady } from '../../main/cli/agency-sim.js';
import { startAgencySimulator } from '../../device-simulators/agency/server.js';
import { buildFixturePacket } from '../../device-simulators/agency/fixture-packet.js';
import { verifyReceipt } from '../../device-simulators/agency/receipts.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('runAgencySim', () => {
  it('prints one JSON line with the URL and the key paths, answers with the token, and stops on the signal', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'agency-cli-'));
    dirs.push(root);
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const controller = new AbortController();
    try {
      const running = runAgencySim({ port: 0, keysDir: path.join(root, 'keys'), signal: controller.signal });
      while (lines.length === 0) await new Promise((r) => setTimeout(r, 20));
      const ready = JSON.parse(lines[0] as string) as AgencySimReady;
      expect(ready.encryptionKey).toBe(path.join(root, 'keys', 'agency-encryption.pub.pem'));
      expect(ready.receiptKey).toBe(path.join(root, 'keys', 'agency-receipt.pub.pem'));
      expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(createPublicKey(await readFile(ready.encryptionKey, 'utf8')).asymmetricKeyType).toBe('rsa');
      const res = await fetch(new URL('v1/appointments/APT-2026-000124', ready.url), { headers: { Authorization: `Bearer ${ready.token}` } });
      expect(res.status).toBe(200);
      controller.abort();
      expect(await running).toBe(0);
      expect(lines).toHaveLength(1);
    } finally {
      spy.mockRestore();
      err.mockRestore();
    }
  });

  it('parses --faults text and refuses unknown names', () => {
    expect(parseFaults('latencyMs=200, fail5xxRate=0.1,resetAfterBytes=null,tokenExpired=true')).toEqual({ latencyMs: 200, fail5xxRate: 0.1, resetAfterBytes: null, tokenExpired: true });
    expect(() => parseFaults('slow=1')).toThrow(/Unknown fault/);
    expect(() => parseFaults('fail5xxRate=3')).toThrow(/Bad faults/);
  });
});

describe('with tus-js-client', () => {
  it('uploads through a reset mid-PATCH and a lost create, exactly once', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'agency-tus-'));
    dirs.push(root);
    const sim = await startAgencySimulator({ keysDir: path.join(root, 'keys'), dataDir: path.join(root, 'data') });
    try {
      const station = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      await writeFile(path.join(sim.keys.stationsDir, '10001-10077.pub.pem'), station.publicKey.export({ type: 'spki', format: 'pem' }));
      const encryptionKey = createPublicKey(await readFile(sim.keys.encryptionPublicKeyPath, 'utf8'));
      const p = await buildFixturePacket({ encryptionKey, stationKey: station.privateKey, sequence: 42 });
      sim.setFaults({ loseCreateNext: 1, resetAfterBytes: Math.floor(p.file.length / 2) });
      await new Promise<void>((resolve, reject) => {
        const upload = new tus.Upload(Buffer.from(p.file), {
          endpoint: new URL('v1/uploads', sim.url).toString(),
          metadata: { packetId: p.packetId, sha256: p.sha256 },
          headers: { Authorization: `Bearer ${sim.token}` },
          retryDelays: [0, 50, 100, 200, 400],
          onSuccess: () => resolve(),
          onError: reject,
        });
        upload.start();
      });
      await sim.idle();
      const res = await fetch(new URL(`v1/packets/${p.packetId}/receipt`, sim.url), { headers: { Authorization: `Bearer ${sim.token}` } });
      const { payload } = await verifyReceipt(await res.text(), createPublicKey(await readFile(sim.keys.receiptPublicKeyPath, 'utf8')));
      expect(payload).toMatchObject({ status: 'ACCEPTED', sha256: p.sha256 });
      expect(sim.packets()).toEqual([expect.objectContaining({ packetId: p.packetId, completedUploads: 1 })]);
      expect(sim.faults()).toMatchObject({ loseCreateNext: 0, resetNext: 0 });
    } finally {
      await sim.stop();
    }
  });
});
