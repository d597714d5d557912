import { ipcMain, type BrowserWindow } from 'electron';
import type { Station } from '../../app/station/station.js';
import type { Logger } from '../../app/log/logger.js';
import { isAppUrl } from './app-origin.js';
import { attachIpc, createSenderCheck } from './ipc-adapter.js';

/**
 * The real ipcMain behind the adapter in ipc-adapter.ts (where the logic and
 * its tests are). Only the app window's top frame, showing app://balcao, may
 * call; events go to that window only, and only while it shows the app.
 */
export function installIpc(window: BrowserWindow, station: Station, log: Logger): () => void {
  const contents = window.webContents;
  return attachIpc({
    ipcMain,
    dispatcher: station.dispatcher,
    hub: station.hub,
    checkSender: createSenderCheck(() => (window.isDestroyed() ? null : contents)),
    sendEvent: (channel, payload) => {
      if (window.isDestroyed() || contents.isDestroyed()) return;
      // Navigation away is blocked, but if the page is not ours for any reason it gets no events.
      if (!isAppUrl(contents.mainFrame.url)) return;
      contents.send(channel, payload);
    },
    log: log.child('ipc'),
  });
}
