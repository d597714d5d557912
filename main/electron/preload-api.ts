import { channelNames, eventNames, type ChannelName, type EventName } from '../../app/contract/channels.js';
import { WireResult } from '../../app/contract/wire.js';
import { ipcChannelName, ipcEventName } from './ipc-names.js';

/**
 * What the preload puts on window.balcao, built without electron so that it
 * can be tested under Node: main/electron/preload.ts passes ipcRenderer's
 * invoke/on/removeListener in.
 *
 * The shape is exactly renderer/src/transport/preload-types.ts's
 * PreloadBridge: one function per contract channel, one subscriber per
 * event, nothing that takes a channel name (Electron security checklist
 * §20 / context isolation guidance: "do not expose ipcRenderer or a generic
 * send"). The page never sees ipcRenderer or an IpcRendererEvent.
 */

export type Invoke = (ipcChannel: string, payload: unknown) => Promise<unknown>;
/** ipcRenderer.on's listener receives (event, ...args); the bridge drops the event. */
export type IpcListener = (event: unknown, ...args: unknown[]) => void;

export interface PreloadIpc {
  invoke: Invoke;
  on(ipcChannel: string, listener: IpcListener): void;
  removeListener(ipcChannel: string, listener: IpcListener): void;
}

export interface BalcaoBridge {
  calls: Record<ChannelName, (payload?: unknown) => Promise<WireResult>>;
  events: Record<EventName, (listener: (payload: unknown) => void) => () => void>;
}

function failure(code: 'transport.closed' | 'contract.bad_response', message: string): WireResult {
  return { ok: false, error: { code, message } };
}

export function createPreloadBridge(ipc: PreloadIpc): BalcaoBridge {
  const calls = {} as BalcaoBridge['calls'];
  for (const channel of channelNames) {
    const ipcName = ipcChannelName(channel);
    // Only the first argument crosses: the page cannot smuggle extra values into the envelope.
    calls[channel] = async (payload?: unknown): Promise<WireResult> => {
      let reply: unknown;
      try {
        reply = await ipc.invoke(ipcName, payload);
      } catch {
        // Electron rejects when the payload cannot be cloned, or when main has no handler
        // (shutting down). The bridge promises a WireResult, never a rejection.
        return failure('transport.closed', `The station did not take the call to ${channel}.`);
      }
      const checked = WireResult.safeParse(reply);
      return checked.success ? checked.data : failure('contract.bad_response', `The station answered ${channel} wrongly.`);
    };
  }

  const events = {} as BalcaoBridge['events'];
  for (const event of eventNames) {
    const ipcName = ipcEventName(event);
    // One IPC listener per event, fanned out to the page's listeners: subscribing many times
    // does not pile up listeners on ipcRenderer.
    const pageListeners = new Set<(payload: unknown) => void>();
    const relay: IpcListener = (_event, payload) => {
      for (const listener of [...pageListeners]) {
        try {
          listener(payload);
        } catch {
          // A throwing page listener must not stop the others.
        }
      }
    };
    events[event] = (listener) => {
      if (typeof listener !== 'function') throw new TypeError(`events['${event}'] takes a function.`);
      // Wrapped so that the same function subscribed twice is two subscriptions, each undone by its own unsubscribe.
      const entry = (payload: unknown) => listener(payload);
      if (pageListeners.size === 0) ipc.on(ipcName, relay);
      pageListeners.add(entry);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        pageListeners.delete(entry);
        if (pageListeners.size === 0) ipc.removeListener(ipcName, relay);
      };
    };
  }

  return Object.freeze({ calls: Object.freeze(calls), events: Object.freeze(events) });
}
