/**
 * Sealing writes the packet file first (atomically: a temporary name, then a
 * rename) and queues it second. A crash between the two leaves a whole,
 * sealed packet that no queue row points at. At start the outbox adopts
 * every such file, so nothing sealed is ever lost, and removes the
 * temporary files of seals that never finished (they hold only ciphertext,
 * and no row can point at them).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { removeStaleTempFiles } from '../packets/atomic.js';
import type { Logger } from '../log/logger.js';
import type { Outbox } from './outbox.js';

const PACKET_FILE = /^(\d{29})\.zip$/;

export interface AdoptionResult {
  adopted: string[];
  /** Files named like packets that are not one (their manifest is missing or names another id): left alone, logged. */
  refused: { file: string; reason: string }[];
  removedTemporaries: string[];
}

export async function adoptSealedPackets(outbox: Outbox, dir: string, log: Logger): Promise<AdoptionResult> {
  const result: AdoptionResult = { adopted: [], refused: [], removedTemporaries: [] };
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw error;
  }
  result.removedTemporaries = await removeStaleTempFiles(dir);
  for (const name of names.sort()) {
    const match = PACKET_FILE.exec(name);
    if (match === null) continue;
    const packetId = match[1] as string;
    if (outbox.get(packetId) !== null) continue;
    const file = path.join(dir, name);
    try {
      const bytes = await readFile(file);
      const manifestEntry = unzipSync(bytes, { filter: (entry) => entry.name === 'manifest.json' })['manifest.json'];
      if (manifestEntry === undefined) throw new Error('it has no manifest.json');
      const manifest = JSON.parse(Buffer.from(manifestEntry).toString('utf8')) as { packetId?: unknown };
      if (manifest.packetId !== packetId) throw new Error(`its manifest names packet ${String(manifest.packetId)}`);
      outbox.enqueue({ packetId, file, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
      result.adopted.push(packetId);
      log.warn('sealed packet found without a queue entry; queued it', { packetId, file });
    } catch (error) {
      const reason = (error as Error).message;
      result.refused.push({ file, reason });
      log.error('file in the packet folder is not a sealed packet; left alone', { file, reason });
    }
  }
  return result;
}
