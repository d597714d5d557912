/**
 * For the capture stage's tests: a real DeviceManager over the in-process
 * simulators (simulate mode, demo approvals) on a real SQLite database in a
 * temporary folder, settled, with the CaptureDeps the stage takes. Each
 * resource is handed to `cleanups` to be undone after the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../audit/log.js';
import { DeviceManager, type DevicesConfig } from '../../devices/manager.js';
import { SimulatorBench } from '../../devices/simulation.js';
import { createLogger, memorySink } from '../../log/logger.js';
import { defaultQualityConfig } from '../../quality/config.js';
import { openDatabase } from '../../storage/database.js';
import type { CaptureDeps } from './types.js';

export async function captureRig(
  cleanups: (() => unknown)[],
  config: Partial<DevicesConfig> = {},
  /** Hold the simulators until this settles (as `balcao serve` does until the first screen); the rig then does not wait for them. */
  simulatorsAfter?: Promise<unknown>,
): Promise<{ deps: CaptureDeps; manager: DeviceManager; bench: SimulatorBench }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'balcao-capture-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase({ dataDir: dir });
  const bench = new SimulatorBench();
  const manager = new DeviceManager({
    config: { simulate: true, list: [], pollIntervalMs: 50, ...config },
    demo: true,
    db,
    audit: new AuditLog(db),
    log: createLogger('test', memorySink()),
    bench,
    familyDiscovery: false,
    listSerialPorts: async () => [],
    ...(simulatorsAfter !== undefined ? { simulatorsAfter } : {}),
  });
  await manager.start();
  if (simulatorsAfter === undefined) await manager.settled();
  cleanups.push(async () => {
    await manager.close();
    db.close();
  });
  const now = new Date('2026-03-02T10:00:00Z');
  return { deps: { devices: manager, quality: defaultQualityConfig, now: () => now }, manager, bench };
}
