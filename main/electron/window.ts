import { app, BrowserWindow, Menu, type MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import type { Logger } from '../../app/log/logger.js';
import { appStartUrl } from './app-origin.js';
import { createReloadGuard } from './reload-guard.js';

export interface AppWindowOptions {
  kiosk: boolean;
  /** dist/electron/preload.cjs */
  preload: string;
  log: Logger;
  /** Called when the renderer keeps dying and the shell gives up. */
  onUnrecoverable: (message: string) => void;
}

/**
 * The app window. webPreferences follow Electron's security checklist:
 * §2 no Node in the renderer, §3 context isolation, §4 sandbox, §6 web
 * security on, §9 no insecure content, §10 no experimental features,
 * §12 no <webview>; devtools only outside kiosk mode.
 */
export function createAppWindow({ kiosk, preload, log, onUnrecoverable }: AppWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Balcão',
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    backgroundColor: '#ffffff',
    // Kiosk lockdown: fullscreen over everything, no menu bar, nothing to minimise to.
    kiosk,
    fullscreen: kiosk,
    autoHideMenuBar: kiosk,
    minimizable: !kiosk,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      devTools: !kiosk,
    },
  });
  if (kiosk) window.setMenuBarVisibility(false);

  const contents = window.webContents;
  window.once('ready-to-show', () => window.show());

  if (kiosk) {
    // devTools:false already refuses to open them; closing is for anything that slips through.
    contents.on('devtools-opened', () => {
      log.warn('devtools opened in kiosk mode: closing');
      contents.closeDevTools();
    });
    // No pinch or ctrl+wheel zoom on a kiosk screen.
    void contents.setVisualZoomLevelLimits(1, 1);
  }

  const guard = createReloadGuard({ maxReloads: 3, windowMs: 60_000 });
  contents.on('render-process-gone', (_event, details) => {
    log.error('renderer process gone', { reason: details.reason, exitCode: details.exitCode });
    if (window.isDestroyed() || details.reason === 'clean-exit') return;
    if (guard.allowReload()) {
      log.warn('reloading the app page', { recentReloads: guard.recent });
      void contents.loadURL(appStartUrl);
    } else {
      onUnrecoverable(`The Balcão window stopped ${guard.recent + 1} times within a minute (last: ${details.reason}). The station will close; start it again, and call support if it keeps happening.`);
    }
  });
  contents.on('unresponsive', () => log.warn('renderer unresponsive'));
  contents.on('responsive', () => log.info('renderer responsive again'));

  return window;
}

/**
 * Kiosk: no application menu at all (so none of its accelerators — reload,
 * devtools, zoom — exist). Desk: a minimal menu — quit, the edit commands
 * text fields need, zoom, and reload/devtools only in an unpackaged build.
 */
export function installMenu(kiosk: boolean): void {
  if (kiosk) {
    Menu.setApplicationMenu(null);
    return;
  }
  const view: MenuItemConstructorOptions[] = [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }];
  if (!app.isPackaged) view.push({ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      { label: 'Balcão', submenu: [{ role: 'quit' }] },
      { role: 'editMenu' },
      { label: 'View', submenu: view },
    ]),
  );
}

export function preloadPath(): string {
  // main.cjs and preload.cjs sit side by side in dist/electron (inside app.asar when packaged).
  return path.join(__dirname, 'preload.cjs');
}

export function rendererRoot(): string {
  return path.join(__dirname, '..', 'renderer');
}
