/**
 * The device manager with an EF01 simulator behind a real pseudo-terminal
 * (socat), at a fixed path, as a USB reader appears at a fixed
 * /dev/serial/by-id name: the manager opens it through the serialport
 * binding, notices when the far end is gone, and reopens it when a new one
 * appears at the same path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../app/audit/log.js';
import type { DeviceView } from '../../app/contract/channels.js';
import { DeviceManager } from '../../app/devices/manager.js';
import { createLogger, memorySink } from '../../app/log/logger.js';
import { openDatabase } from '../../app/storage/database.js';
import { startEf01Simulator } from '../../device-simulators/ef01/simulator.js';
import { createPtyPair } from '../../device-simulators/pty.js';
import { openSerialLink } from '../../drivers/transport/serial-link.js';

const dir = mkdtempSync(path.join(tmpdir(), 'balcao-manager-pty-'));
const hostLink = path.join(dir, 'ttyEF01');
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** An EF01 simulator on a fresh socat pair whose host end is the fixed symlink. */
async function plugIn(seed: number): Promise<() => Promise<void>> {
  const pty = await createPtyPair({ hostLink });
  const link = await openSerialLink(pty.devicePath, 57600);
  // Unpaced: a pty moves bytes as fast as it can; the test is about reconnection, not line speed.
  const simulator = startEf01Simulator(link, { seed, pace: false });
  return async () => {
    await simulator.stop();
    await link.close();
    await pty.close();
  };
}

describe('device manager over a pseudo-terminal', () => {
  it('captures, goes disconnected when the pty goes away, and ready again when it comes back at the same path', async () => {
    let unplug = await plugIn(1);
    cleanups.push(() => unplug());
    const db = openDatabase({ dataDir: path.join(dir, 'data') });
    const audit = new AuditLog(db);
    const sink = memorySink();
    const manager = new DeviceManager({
      config: { simulate: false, list: [{ id: 'desk-ef01', driver: 'r30x', address: hostLink, baud: 57600 }], pollIntervalMs: 100 },
      demo: false,
      db,
      audit,
      log: createLogger('test', sink),
      listSerialPorts: async () => [],
    });
    const events: DeviceView[] = [];
    manager.onChange((d) => events.push(d));
    await manager.start();
    await manager.settled();
    cleanups.push(async () => {
      await manager.close();
      db.close();
    });

    expect(manager.get('desk-ef01')).toMatchObject({ status: 'not_approved', family: 'ef01', address: hostLink, simulated: false });
    expect(await manager.testCapture('desk-ef01').catch((e: unknown) => e)).toMatchObject({ code: 'not_approved' });
    manager.approve('desk-ef01', 'chefe');
    expect(manager.get('desk-ef01')).toMatchObject({ status: 'ready', approvedBy: 'admin:chefe' });

    const first = await manager.testCapture('desk-ef01');
    expect(first).toMatchObject({ kind: 'fingerprint', width: 256, height: 288, ppi: 500 });

    // socat stops and removes its link: the manager notices within a poll or two.
    await unplug();
    await expect.poll(() => manager.get('desk-ef01').status, { timeout: 5000, interval: 50 }).toBe('disconnected');
    expect(await manager.testCapture('desk-ef01').catch((e: unknown) => e)).toMatchObject({ code: 'disconnected' });

    unplug = await plugIn(2);
    await expect.poll(() => manager.get('desk-ef01').status, { timeout: 5000, interval: 50 }).toBe('ready');
    const second = await manager.capture('desk-ef01');
    expect(second).toMatchObject({ kind: 'fingerprint', device: { family: 'ef01' } });

    const seen = events.filter((e) => e.id === 'desk-ef01').map((e) => e.status);
    expect(seen).toEqual(expect.arrayContaining(['not_approved', 'ready', 'busy', 'disconnected']));
    expect(seen.indexOf('disconnected')).toBeLessThan(seen.lastIndexOf('ready'));
    expect(sink.records.some((r) => r.msg === 'device disconnected')).toBe(true);
  });
});
