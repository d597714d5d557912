import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { demoConfig } from '../../app/config/demo.js';
import type { StationConfig } from '../../app/config/schema.js';
import { createLogger, memorySink, type LogRecord } from '../../app/log/logger.js';
import { openStation, type Station } from '../../app/station/station.js';
import type { Clock } from '../../app/auth/sessions.js';

export function tempDir(prefix = 'balcao-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TempStation {
  station: Station;
  logs: LogRecord[];
  dir: string;
  close(): void;
}

/** A real station (SQLite on disk, real services) in a fresh temp directory. */
export async function openTempStation(
  options: { demo?: boolean; clock?: Clock; simulateDevices?: boolean; discoverHardware?: boolean; config?: (base: StationConfig) => StationConfig } = {},
): Promise<TempStation> {
  const { dir, remove } = tempDir();
  const base = demoConfig({ dataDir: dir });
  // Simulated devices only when a test asks: seven simulators opening in the background would add events and audit
  // entries to tests about other things (and time to every one).
  let config: StationConfig = { ...base, demo: options.demo ?? true, devices: { ...base.devices, simulate: options.simulateDevices ?? false } };
  if (options.config) config = options.config(config);
  const sink = memorySink();
  // No hardware discovery unless a test asks: there is none here, and `scanimage -L` alone waits ~3 s for its network backends.
  const station = await openStation(config, { log: createLogger('test', sink), discoverHardware: options.discoverHardware ?? false, ...(options.clock ? { clock: options.clock } : {}) });
  await station.devices.settled();
  return {
    station,
    logs: sink.records,
    dir,
    close() {
      station.close();
      remove();
    },
  };
}
