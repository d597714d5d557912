import { ConfigError } from '../../app/config/load.js';
import { VaultError } from '../../app/vault/index.js';
import { StorageError } from '../../app/storage/database.js';
import { openStation, type Station } from '../../app/station/station.js';
import { createLogger, stderrSink } from '../../app/log/logger.js';
import type { OutboxEntry } from '../../app/outbox/repo.js';
import type { FlushSummary } from '../../app/outbox/outbox.js';
import { CliError, exitCodes, resolveConfig } from './open-station.js';

export interface OutboxCommandOptions {
  /** --config <file>: the station configuration. */
  config: string;
  json?: boolean;
  /** Where to print (tests pass their own). */
  out?: (text: string) => void;
}

/** The station with its background worker off: these commands do their own sending, in the foreground. */
async function openForOutbox(config: string): Promise<Station> {
  try {
    return await openStation(resolveConfig({ config }), {
      log: createLogger('balcao', stderrSink(process.env.BALCAO_LOG === 'debug' ? 'debug' : 'warn')),
      outboxWorker: false,
      devices: false,
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, exitCodes.config);
    if (error instanceof StorageError) throw new CliError(error.message, exitCodes.storage);
    if (error instanceof VaultError) throw new CliError(error.message, exitCodes.config);
    throw error;
  }
}

const write = (options: OutboxCommandOptions) => options.out ?? ((text: string) => void process.stdout.write(text));

function describe(entry: OutboxEntry): string {
  const parts = [entry.packetId, entry.state.padEnd(12), `${String(entry.attempts).padStart(3)} tries`, `${(entry.size / 1024).toFixed(0).padStart(7)} KiB`];
  if (entry.state === 'sealed' || entry.state === 'uploading') {
    parts.push(entry.nextAttemptAt === null ? 'held: needs a supervisor' : `next ${entry.nextAttemptAt}`);
    if (entry.uploadedAt !== null) parts.push('all bytes sent, waiting for the receipt');
  }
  if (entry.state === 'acknowledged' || entry.state === 'purged') parts.push(`receipt ${entry.acknowledgedAt ?? ''}`);
  let line = parts.join('  ');
  if (entry.lastError !== null) line += `\n    ${entry.lastError.code}: ${entry.lastError.message}`;
  for (const reason of entry.reasons) line += `\n    rejected: ${reason}`;
  return line;
}

/** `balcao outbox list --config <file>`: every queued packet with its state, tries, next try and last error. */
export async function outboxList(options: OutboxCommandOptions): Promise<number> {
  const station = await openForOutbox(options.config);
  const out = write(options);
  try {
    const entries = station.outbox.list(100_000);
    const { byState, held } = station.outbox.counts();
    if (options.json) {
      out(`${JSON.stringify({ counts: byState, held, entries: entries.map(({ receipt: _r, ...rest }) => rest) }, null, 2)}\n`);
    } else {
      if (entries.length === 0) out('The outbox is empty.\n');
      for (const entry of entries) out(`${describe(entry)}\n`);
      out(`${Object.entries(byState).map(([state, n]) => `${state} ${n}`).join(', ')}${held > 0 ? ` (held ${held})` : ''}\n`);
    }
    return exitCodes.ok;
  } finally {
    station.close();
  }
}

export interface OutboxFlushOptions extends OutboxCommandOptions {
  /** Give up after this long (milliseconds). */
  timeoutMs: number;
  signal?: AbortSignal;
}

export function formatFlushSummary(summary: FlushSummary): string {
  const lines = [
    `acknowledged ${summary.acknowledged.length}, rejected ${summary.rejected.length}, purged ${summary.purged}, still pending ${summary.pending}, held ${summary.held} — ${summary.tries} tries in ${(summary.durationMs / 1000).toFixed(1)} s${summary.timedOut ? ' (time ran out)' : ''}`,
  ];
  for (const id of summary.rejected) lines.push(`rejected ${id}: see \`balcao outbox list\` for the agency's reasons`);
  for (const f of summary.failed) lines.push(`not delivered ${f.packetId}: ${f.code}: ${f.message}`);
  if (summary.storageError !== null) lines.push(`storage: ${summary.storageError}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `balcao outbox flush --config <file> [--timeout <s>]`: sends everything
 * due, retrying with backoff until all is acknowledged or the time is up.
 * Exit 0 when nothing is left to send, 74 on a storage failure, 1 otherwise.
 */
export async function outboxFlush(options: OutboxFlushOptions): Promise<number> {
  const station = await openForOutbox(options.config);
  const out = write(options);
  try {
    const summary = await station.outbox.flush({ deadlineMs: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
    out(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatFlushSummary(summary));
    if (summary.storageError !== null) return exitCodes.storage;
    return summary.pending === 0 && summary.held === 0 && summary.rejected.length === 0 ? exitCodes.ok : exitCodes.failure;
  } finally {
    await station.outbox.close();
    station.close();
  }
}
