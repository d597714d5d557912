import { contextBridge, ipcRenderer } from 'electron';
import { preloadGlobal } from '../../app/contract/ws-protocol.js';
import { appHost, appScheme } from './app-origin.js';
import { createPreloadBridge } from './preload-api.js';

/**
 * The sandboxed preload (bundled to dist/electron/preload.cjs; a sandboxed
 * preload may require only 'electron'). It exposes window.balcao through the
 * context bridge (checklist §3, context isolation) and nothing else: no
 * ipcRenderer, no generic invoke/send/on, no Node (checklist §2, §4).
 */

// Only on the app's own page: if the window were ever made to show something
// else, that page gets no bridge to the core (the main process also refuses
// its calls: ipc-adapter.ts checks the sender).
const here = (globalThis as { location?: { protocol: string; host: string } }).location;
if (here !== undefined && here.protocol === `${appScheme}:` && here.host === appHost) {
  contextBridge.exposeInMainWorld(
    preloadGlobal,
    createPreloadBridge({
      // Bound here so that the page can never reach ipcRenderer through `this`.
      invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
      on: (channel, listener) => {
        ipcRenderer.on(channel, listener);
      },
      removeListener: (channel, listener) => {
        ipcRenderer.removeListener(channel, listener);
      },
    }),
  );
}
