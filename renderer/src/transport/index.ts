import { createStationApi, type StationApi } from '../../../app/contract/client';
import { preloadGlobal, tokenFragmentKey } from '../../../app/contract/ws-protocol';
import type { PreloadBridge } from './preload-types';
import { connectWebSocket } from './websocket';

export type TransportKind = 'electron' | 'websocket';

export interface Connection {
  api: StationApi;
  kind: TransportKind;
}

const tokenStorageKey = 'balcao.token';

/** Takes the token from the URL fragment once, keeps it for reloads of this tab, and removes it from the address bar. */
function takeToken(): string | null {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get(tokenFragmentKey);
  if (fromUrl !== null) {
    sessionStorage.setItem(tokenStorageKey, fromUrl);
    fragment.delete(tokenFragmentKey);
    const rest = fragment.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`);
    return fromUrl;
  }
  return sessionStorage.getItem(tokenStorageKey);
}

/**
 * Picks the transport at boot: the Electron preload when the app runs in
 * Electron, otherwise the browser shell's WebSocket bridge.
 */
export function connectStation(onStatus: (connected: boolean) => void): Connection | { error: 'no_token' } {
  const bridge = (window as unknown as Record<string, PreloadBridge | undefined>)[preloadGlobal];
  if (bridge !== undefined) {
    onStatus(true);
    return {
      kind: 'electron',
      api: createStationApi({
        send: (channel, payload) => bridge.calls[channel](payload ?? {}),
        subscribe: (event, listener) => bridge.events[event](listener),
      }),
    };
  }
  const token = takeToken();
  if (token === null) return { error: 'no_token' };
  return { kind: 'websocket', api: connectWebSocket(token, onStatus) };
}
