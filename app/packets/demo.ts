/**
 * `balcao packet demo`: seal one complete synthetic enrolment (ten fingers, a
 * signature, three document pages, from the simulators) with the station's
 * configured keys and ids. The caller enqueues the result in the outbox.
 */
import type { StationConfig } from '../config/schema.js';
import type { Db } from '../storage/database.js';
import { loadSealKeys } from './keys.js';
import { defaultPacketDir } from './paths.js';
import { sealPacket, type SealedPacket } from './seal.js';
import { demoPacketInput, type DemoInputOptions } from './demo-input.js';
import type { PacketProcess } from './schema.js';

export { defaultPacketDir } from './paths.js';

export async function sealDemoPacket(config: StationConfig, db: Db, options: { outDir?: string; seed?: number; now?: Date; process?: PacketProcess; content?: Omit<DemoInputOptions, 'seed' | 'at'> } = {}): Promise<SealedPacket> {
  const keys = loadSealKeys(config);
  const input = await demoPacketInput({ ...options.content, seed: options.seed ?? Math.floor(Date.now() / 1000) % 100_000, ...(options.now ? { at: options.now } : {}) });
  return sealPacket(input, keys, db, {
    outDir: options.outDir ?? defaultPacketDir(config),
    centreId: config.centreId,
    stationId: config.stationId,
    ...(options.now ? { now: options.now } : {}),
    ...(options.process ? { process: options.process } : {}),
  });
}
