import { createStationApi, type StationApi } from '../../../app/contract/client';
import type { ChannelName, EventName } from '../../../app/contract/channels';
import { WsServerFrame, type WireResult } from '../../../app/contract/wire';
import { tokenProtocolPrefix, wsPath, wsProtocol } from '../../../app/contract/ws-protocol';

interface Pending {
  resolve: (reply: WireResult) => void;
}

/**
 * The contract over the browser shell's WebSocket bridge. Reconnects after a
 * drop (the station process restarted, the laptop slept); calls made while
 * disconnected fail with transport.closed rather than hanging.
 */
export function connectWebSocket(token: string, onStatus: (connected: boolean) => void): StationApi {
  let socket: WebSocket | null = null;
  let nextId = 1;
  let ready: Promise<WebSocket> | null = null;
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  const closedReply = (): WireResult => ({
    ok: false,
    error: { code: 'transport.closed', message: 'The connection to the station was lost.' },
  });

  function open(): Promise<WebSocket> {
    if (ready !== null) return ready;
    ready = new Promise<WebSocket>((resolve, reject) => {
      const url = new URL(wsPath, window.location.href);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      const ws = new WebSocket(url, [wsProtocol, `${tokenProtocolPrefix}${token}`]);
      ws.onopen = () => {
        socket = ws;
        onStatus(true);
        resolve(ws);
      };
      ws.onmessage = (message) => {
        let frame: WsServerFrame;
        try {
          frame = WsServerFrame.parse(JSON.parse(String(message.data)));
        } catch {
          return;
        }
        if (frame.type === 'result') {
          pending.get(frame.id)?.resolve(frame.reply);
          pending.delete(frame.id);
        } else if (frame.type === 'event') {
          for (const listener of listeners.get(frame.event as EventName) ?? []) listener(frame.payload);
        }
      };
      ws.onclose = () => {
        const wasOpen = socket === ws;
        socket = null;
        ready = null;
        for (const entry of pending.values()) entry.resolve(closedReply());
        pending.clear();
        onStatus(false);
        if (!wasOpen) reject(new Error('The station did not accept the connection.'));
        // Try again shortly; the UI shows "reconnecting" meanwhile.
        window.setTimeout(() => {
          open().catch(() => undefined);
        }, 1000);
      };
    });
    return ready;
  }

  open().catch(() => undefined);

  return createStationApi({
    async send(channel: ChannelName, payload: unknown) {
      let ws: WebSocket;
      try {
        ws = socket ?? (await open());
      } catch {
        return closedReply();
      }
      const id = nextId++;
      return new Promise<WireResult>((resolve) => {
        pending.set(id, { resolve });
        ws.send(JSON.stringify({ type: 'call', id, channel, payload: payload ?? {} }));
      });
    },
    subscribe(event: EventName, listener: (payload: unknown) => void) {
      let set = listeners.get(event);
      if (set === undefined) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener);
      return () => set.delete(listener);
    },
  });
}
