import type { OutboxEntryView } from '../contract/channels.js';
import type { OutboxEntry } from './repo.js';

/** An entry as the contract carries it to the queue screen: no file path, no receipt bytes. */
export function outboxEntryView(entry: OutboxEntry): OutboxEntryView {
  const pending = entry.state === 'sealed' || entry.state === 'uploading';
  return {
    packetId: entry.packetId,
    state: entry.state,
    size: entry.size,
    attempts: entry.attempts,
    lastError: entry.lastError,
    nextAttemptAt: entry.nextAttemptAt,
    held: pending && entry.nextAttemptAt === null,
    uploaded: entry.uploadedAt !== null,
    bytesSent: entry.bytesSent,
    reasons: entry.reasons,
    enqueuedAt: entry.enqueuedAt,
    updatedAt: entry.updatedAt,
    acknowledgedAt: entry.acknowledgedAt,
    rejectedAt: entry.rejectedAt,
    purgedAt: entry.purgedAt,
  };
}
