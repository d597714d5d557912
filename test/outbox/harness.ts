import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, type Db } from '../../app/storage/database.js';
import { AuditLog } from '../../app/audit/log.js';
import { createLogger, memorySink, type LogRecord } from '../../app/log/logger.js';
import { Outbox } from '../../app/outbox/outbox.js';
import type { OutboxSettingsInput } from '../../app/outbox/settings.js';
import { sealPacket, loadSealKeys, demoPacketInput, type PacketInput, type SealKeys, type SealedPacket } from '../../app/packets/index.js';
import { startAgencySimulator, type AgencySimulator } from '../../device-simulators/agency/server.js';
import type { AgencyFaults } from '../../device-simulators/agency/faults.js';
import { createPrng } from '../../device-simulators/random.js';
import { tempDir } from '../support/temp-station.js';

export const centreId = '10001';
export const stationId = '10077';

export interface Rig {
  dir: string;
  agency: AgencySimulator;
  db: Db;
  outbox: Outbox;
  logs: LogRecord[];
  keys: SealKeys;
  outDir: string;
  config: { agency: { url: string; token: string; encryptionKey: string; receiptKey: string }; station: { signingKey: string } };
  seal(input?: PacketInput, at?: Date): Promise<SealedPacket>;
  /** A new Outbox on the same database, as after a restart of the station. */
  reopen(settings?: OutboxSettingsInput): Outbox;
  close(): Promise<void>;
}

let cachedInput: PacketInput | null = null;
/** One complete synthetic enrolment (small finger images, one page) reused for every packet: sealing is what varies. */
export async function smallInput(): Promise<PacketInput> {
  cachedInput ??= await demoPacketInput({ seed: 5, fingerWidth: 160, fingerHeight: 200, pages: [{ kind: 'id1-card', format: 'png', dpi: 150, type: 'residence-card' }] });
  return cachedInput;
}

/**
 * The real parts on loopback: the agency simulator (its own keys, tus
 * server, packet checks, signed receipts), a station key pair registered
 * with it, a station database on disk in a temp dir, and the Outbox.
 */
export async function startRig(options: { faults?: Partial<AgencyFaults>; settings?: OutboxSettingsInput; token?: string } = {}): Promise<Rig> {
  const t = tempDir('balcao-outbox-it-');
  const keysDir = path.join(t.dir, 'agency-keys');
  const agency = await startAgencySimulator({ keysDir, dataDir: path.join(t.dir, 'agency-data'), ...(options.faults ? { faults: options.faults } : {}) });
  const stationKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  mkdirSync(path.join(t.dir, 'station-keys'), { recursive: true });
  const signingKey = path.join(t.dir, 'station-keys', 'station-signing.pem');
  writeFileSync(signingKey, stationKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  agency.registerStation(centreId, stationId, stationKeys.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  const config = {
    agency: { url: agency.url, token: options.token ?? agency.token, encryptionKey: agency.keys.encryptionPublicKeyPath, receiptKey: agency.keys.receiptPublicKeyPath },
    station: { signingKey },
  };
  const keys = loadSealKeys(config);
  const dataDir = path.join(t.dir, 'station');
  const db = openDatabase({ dataDir });
  const sink = memorySink();
  const outDir = path.join(dataDir, 'outbox');
  const base: OutboxSettingsInput = { backoff: { baseMs: 50, capMs: 400 }, receiptPollMs: 50, chunkSize: 64 * 1024, ...(options.settings ?? {}) };
  const outboxes: Outbox[] = [];
  const make = (settings: OutboxSettingsInput = {}) => {
    const outbox = new Outbox({ db, config, log: createLogger('it', sink), audit: new AuditLog(db), settings: { ...base, ...settings }, random: createPrng(11) });
    outboxes.push(outbox);
    return outbox;
  };
  let second = 0;
  return {
    dir: t.dir,
    agency,
    db,
    outbox: make(),
    logs: sink.records,
    keys,
    outDir,
    config,
    async seal(input, at) {
      second += 1;
      return sealPacket(input ?? (await smallInput()), keys, db, { outDir, centreId, stationId, now: at ?? new Date(Date.UTC(2026, 10, 22, 10, 0, second)) });
    },
    reopen: make,
    async close() {
      for (const o of outboxes) await o.close();
      await agency.stop();
      db.close();
      t.remove();
    },
  };
}
