export { Outbox, type OutboxOptions, type FlushOptions, type FlushSummary, type PacketToSend } from './outbox.js';
export { type OutboxEntry, type OutboxState, outboxStates } from './repo.js';
export { OutboxSettings, defaultOutboxSettings, type OutboxSettingsInput } from './settings.js';
export { OutboxError, outboxErrorCodes, type OutboxErrorCode, type OutboxFailure } from './errors.js';
export { verifyReceipt, loadReceiptKey, ReceiptPayload } from './receipt.js';
export { nextDelayMs, backoffCeilingMs, parseRetryAfter } from './backoff.js';
