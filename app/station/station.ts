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
import { Outbox } from '../outbox/outbox.js';
import { adoptSealedPackets } from '../outbox/recovery.js';
import { defaultPacketDir } from '../packets/paths.js';
import { openVault, type KeyProtector, type Vault } from '../vault/index.js';
import { outboxEntryView } from '../outbox/view.js';
import { CaseService } from '../cases/service.js';
import { aesGcmChoice } from '../packets/aes-gcm.js';

export interface Station {
  config: StationConfig;
  db: Db;
  audit: AuditLog;
  auth: AuthService;
  hub: EventHub;
  dispatcher: Dispatcher;
  /** Devices: discovery, approval, status, captures. */
  devices: DeviceManager;
  /** Sealed packets waiting for, or holding, the agency's receipt; delivers them in the background. */
  outbox: Outbox;
  /** Encrypted at rest: everything personal waiting to be sealed (docs/data-at-rest.md). */
  vault: Vault;
  /** Enrolment cases: encrypted drafts, the case machine, captures, seal (app/cases). */
  cases: CaseService;
  /** The contract, in process (CLI, tests). */
  api: StationApi;
  log: Logger;
  close(): void;
}

export interface OpenStationOptions {
  log: Logger;
  clock?: Clock;
  /** Deliver queued packets in the background (default true). The CLI's `outbox` commands turn it off and flush themselves. */
  outboxWorker?: boolean;
  /**
   * Protects the station data key (app/vault): Electron's safeStorage where the
   * shell has it; null or absent = the key file readable only by this user.
   */
  keyProtector?: KeyProtector | null;
  /** Open the devices (default true). Commands that only seal or upload (packet, outbox) leave them closed: no discovery, no simulators. */
  devices?: boolean;
  /**
   * Look for hardware the families find themselves (SANE's `scanimage -L`,
   * SBI services on their ports, HID pads; default true). Tests of other
   * things turn it off: on a machine without hardware it only costs the
   * seconds `scanimage -L` waits on its network backends.
   */
  discoverHardware?: boolean;
  /** Simulated devices open once this settles (DeviceManagerOptions.simulatorsAfter); `balcao serve` holds them until the first screen. */
  simulatorsAfter?: Promise<unknown>;
}

/**
 * Starts the station core: database (migrated), audit log, operators and
 * session, the dispatcher behind every transport. Throws StorageError with a
 * message naming the file when the database cannot be used.
 */
export async function openStation(
  config: StationConfig,
  { log, clock = systemClock, outboxWorker = true, keyProtector = null, devices: withDevices = true, discoverHardware = true, simulatorsAfter }: OpenStationOptions,
): Promise<Station> {
  const db = openDatabase({ dataDir: config.dataDir });
  let vault: Vault;
  try {
    // Before anything personal can be written: a key problem stops the station with the file named (VaultError).
    vault = openVault({ db, dataDir: config.dataDir, protector: keyProtector, log: log.child('vault'), now: () => clock.now() });
  } catch (error) {
    db.close();
    throw error;
  }
  const audit = new AuditLog(db, () => clock.now());
  const hub = new EventHub();
  const auth = new AuthService(db, audit, hub, config.auth, clock);
  if (config.demo) await auth.seed(demoAccounts);
  audit.append({ type: 'station.started', actor: null, details: { centreId: config.centreId, stationId: config.stationId, demo: config.demo } });
  const devices = new DeviceManager({ config: config.devices, demo: config.demo, db, audit, log: log.child('devices'),
    ...(discoverHardware ? {} : { familyDiscovery: false }),
    ...(simulatorsAfter !== undefined ? { simulatorsAfter } : {}),
  });
  devices.onChange((device) => hub.emit('devices.changed', device));
  try {
    if (withDevices) await devices.start();
  } catch (error) {
    await devices.close();
    vault.close();
    db.close();
    throw error;
  }
  const outbox = new Outbox({ db, config, log: log.child('outbox'), audit, now: () => clock.now() });
  outbox.onChange((entry) => hub.emit('outbox.changed', outboxEntryView(entry)));
  // A packet sealed just before a crash, and not yet queued, is queued now (app/outbox/recovery.ts).
  await adoptSealedPackets(outbox, defaultPacketDir(config), log.child('outbox'));
  if (outboxWorker) outbox.start();
  // Which AES-256-GCM seals packets: the system's OpenSSL through native/aes-gcm, or node:crypto where the addon did
  // not load (about half the speed here; docs/packet-format.md). Said once so a slow seal can be explained from the log.
  const aes = aesGcmChoice();
  if (aes.engine === 'openssl') log.info('packets: AES-256-GCM through the system OpenSSL', { detail: aes.detail });
  else log.warn('packets: AES-256-GCM through node:crypto (slower)', { detail: aes.detail });
  const cases = new CaseService({
    config,
    db,
    vault,
    audit,
    hub,
    devices,
    outbox,
    currentOperator: () => {
      const operator = auth.currentOperator();
      return operator === null ? null : { username: operator.username, language: operator.language };
    },
    verifySupervisor: (username, password, purpose) => auth.verifySupervisor(username, password, purpose),
    log: log.child('cases'),
    now: () => clock.now(),
  });
  const dispatcher = createDispatcher({
    handlers: createHandlers(config, auth, audit, devices, outbox, cases),
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
    outbox,
    vault,
    cases,
    api: createInProcessApi(dispatcher, hub),
    log,
    close() {
      if (closed) return;
      closed = true;
      auth.sessions.end();
      // Running captures stop; every draft is already saved (each call saves before it returns).
      cases.close();
      // Stops uploads in flight; their tus URLs are stored, so the next start resumes them.
      void outbox.close();
      // Links and simulators close in the background: nothing of theirs touches the database.
      void devices.close();
      try {
        audit.append({ type: 'station.stopped', actor: null });
      } finally {
        vault.close();
        db.close();
      }
    },
  };
}
