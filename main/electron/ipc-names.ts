import type { ChannelName, EventName } from '../../app/contract/channels.js';

/**
 * The IPC channel names, in one place for the main process and the preload.
 * Namespaced so that nothing else on ipcMain (Electron internals, a future
 * library) can collide with the contract, and so that a log line names the
 * contract channel it carried. No electron import: the preload bundle and the
 * Node unit tests both load this file.
 */
export const ipcCallPrefix = 'balcao:call:';
export const ipcEventPrefix = 'balcao:event:';

export function ipcChannelName(channel: ChannelName): string {
  return `${ipcCallPrefix}${channel}`;
}

export function ipcEventName(event: EventName): string {
  return `${ipcEventPrefix}${event}`;
}
