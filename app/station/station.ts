import type { StationConfig } from '../config/schema.js';
import { openDatabase, type Db } from '../storage/database.js';
import { AuditLog } from '../audit/log.js';
import { AuthService } from '../auth/service.js';
import { systemClock, type Clock } from '../auth/sessions.js';
import { EventHub } from '../contract/event-hub.js';
import { createDispatcher, type Dispatcher } from '../contract/dispatcher.js';
import { createInProcessApi } from '../contract/inproc.js';
import type { StationApi } from '../contract/client.js';
import type { Logger } from '../log/logger.js';
import { createHandlers } from './handlers.js';
import { demoAccounts } from './demo.js';
import { DeviceManager } from '../devices/manager.js';

export interface Station {
  config: StationConfig;
  db: Db;
  audit: AuditLog;
  auth: AuthService;
  hub: EventHub;
  dispatcher: Dispatcher;
  /** Devices: discovery, approval, status, captures. */
  devices: DeviceManager;
  /** The contract, in process (CLI, tests). */
  api: StationApi;
  log: Logger;
  close(): void;
}

export interface OpenStationOptions {
  log: Logger;
  clock?: Clock;
}

/**
 * Starts the station core: database (migrated), audit log, operators and
 * session, the dispatcher behind every transport. Throws StorageError with a
 * message naming the file when the database cannot be used.
 */
export async function openStation(config: StationConfig, { log, clock = systemClock }: OpenStationOptions): Promise<Station> {
  const db = openDatabase({ dataDir: config.dataDir });
  const audit = new AuditLog(db, () => clock.now());
  const hub = new EventHub();
  const auth = new AuthService(db, audit, hub, config.auth, clock);
  if (config.demo) await auth.seed(demoAccounts);
  audit.append({ type: 'station.started', actor: null, details: { centreId: config.centreId, stationId: config.stationId, demo: config.demo } });
  const devices = new DeviceManager({ config: config.devices, demo: config.demo, db, audit, log: log.child('devices') });
  devices.onChange((device) => hub.emit('devices.changed', device));
  try {
    await devices.start();
  } catch (error) {
    await devices.close();
    db.close();
    throw error;
  }
  const dispatcher = createDispatcher({
    handlers: createHandlers(config, auth, audit, devices),
    currentRole: () => auth.currentRole(),
    log: log.child('contract'),
  });
  let closed = false;
  return {
    config,
    db,
    audit,
    auth,
    hub,
    dispatcher,
    devices,
    api: createInProcessApi(dispatcher, hub),
    log,
    close() {
      if (closed) return;
      closed = true;
      auth.sessions.end();
      // Links and simulators close in the background: nothing of theirs touches the database.
      void devices.close();
      try {
        audit.append({ type: 'station.stopped', actor: null });
      } finally {
        db.close();
      }
    },
  };
}
