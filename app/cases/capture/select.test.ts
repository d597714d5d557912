// selectDevice while devices are still being opened: a capture asked for before the station's simulators are
// released (balcao serve holds them until the first screen) waits for the handshake instead of answering
// "disconnected" — the race a fast technician (or the end-to-end test) met on "Read MRZ" right after start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../audit/log.js';
import { DeviceManager } from '../../devices/manager.js';
import { SimulatorBench } from '../../devices/simulation.js';
import { createLogger, memorySink } from '../../log/logger.js';
import { defaultQualityConfig } from '../../quality/config.js';
import { openDatabase } from '../../storage/database.js';
import { readMrz } from './mrz.js';
import { selectDevice } from './select.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

/** A manager with the demo's simulated devices (approved as in the demo), which open only once `release` is called. */
async function heldManager() {
  const dir = mkdtempSync(path.join(tmpdir(), 'balcao-select-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase({ dataDir: dir });
  let release!: () => void;
  const simulatorsAfter = new Promise<void>((resolve) => (release = resolve));
  const manager = new DeviceManager({
    config: { simulate: true, list: [], pollIntervalMs: 30 },
    demo: true,
    db,
    audit: new AuditLog(db),
    log: createLogger('test', memorySink()),
    bench: new SimulatorBench(),
    familyDiscovery: false,
    listSerialPorts: async () => [],
    simulatorsAfter,
  });
  await manager.start();
  cleanups.push(async () => {
    release();
    await manager.close();
    db.close();
  });
  return { manager, release };
}

describe('selectDevice and devices still opening', () => {
  it('waits for a reader being opened, by kind and by name, and reads from it once it is open', async () => {
    const { manager, release } = await heldManager();
    expect(manager.get('sim-mrz-desko').status).toBe('disconnected');
    const byKind = readMrz({ devices: manager, quality: defaultQualityConfig, now: () => new Date() }, {});
    const byName = selectDevice(manager, 'scanner', 'sim-escl');
    const releasedAt = Date.now() + 300;
    setTimeout(release, 300);
    const read = await byKind;
    expect(Date.now()).toBeGreaterThanOrEqual(releasedAt - 5);
    expect(read.device.id).toMatch(/^sim-mrz-/);
    expect(read.lines.length).toBeGreaterThanOrEqual(2);
    expect((await byName).status).toBe('ready');
  });

  it('gives up after the wait and says what it found', async () => {
    const { manager } = await heldManager();
    const started = Date.now();
    await manager.opened({ kind: 'mrz' }, 200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
    expect(manager.get('sim-mrz-desko').status).toBe('disconnected');
    await expect(selectDevice(manager, 'mrz')).rejects.toMatchObject({ code: 'case.no_device', message: expect.stringContaining('sim-mrz-desko): disconnected') });
    expect(Date.now() - started).toBeGreaterThanOrEqual(195 + 5000 - 50);
  });
});
