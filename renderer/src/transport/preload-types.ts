import type { ChannelName, EventName } from '../../../app/contract/channels';
import type { WireResult } from '../../../app/contract/wire';

/**
 * What main/electron/preload.ts exposes on `window.balcao`: one function per
 * channel and one subscriber per event, nothing generic. Each call resolves
 * to a WireResult (the ipcMain adapter never rejects).
 */
export interface PreloadBridge {
  calls: Record<ChannelName, (payload: unknown) => Promise<WireResult>>;
  events: Record<EventName, (listener: (payload: unknown) => void) => () => void>;
}
