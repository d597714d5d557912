import { app, dialog, protocol, session, type BrowserWindow } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfigFile } from '../../app/config/load.js';
import { demoConfig } from '../../app/config/demo.js';
import { createLogger, stderrSink } from '../../app/log/logger.js';
import { StorageError } from '../../app/storage/database.js';
import { openStation, type Station } from '../../app/station/station.js';
import { VaultError } from '../../app/vault/index.js';
import { electronKeyProtector } from './safe-storage.js';
import { appScheme, appStartUrl } from './app-origin.js';
import { createAppRequestHandler } from './app-protocol.js';
import { parseShellArgs } from './args.js';
import { hardenSession, hardenWebContents } from './harden.js';
import { installIpc } from './ipc.js';
import { createAppWindow, installMenu, preloadPath, rendererRoot } from './window.js';

/**
 * Electron main process of Balcão: one instance, one window, the station
 * core in this process, the UI served from app://balcao and talking to the
 * core only over the IPC adapter. Thin on purpose: the logic lives in
 * electron-free modules beside this one, where Node tests reach it.
 * Checklist numbers refer to https://www.electronjs.org/docs/latest/tutorial/security
 */

const log = createLogger('electron', stderrSink());

// Exit codes: 1 the configuration or the database is unusable (the message says which file and what);
// 2 anything else that stopped the start; 3 the window kept crashing.
const exitCodes = { config: 1, startup: 2, crashed: 3 } as const;

// Must happen before 'ready'. `standard` gives app:// real origins and relative URL resolution,
// `secure` makes it a secure context like https, `supportFetchAPI` lets the page fetch() its own files.
// No bypassCSP, no corsEnabled, no stream privileges: nothing the app needs (checklist §18).
protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
// §4: every renderer sandboxed, whatever a window's options say.
app.enableSandbox();

let station: Station | null = null;
let window: BrowserWindow | null = null;
let detachIpc: (() => void) | null = null;
let quitting = false;

function closeStation(): void {
  detachIpc?.();
  detachIpc = null;
  try {
    station?.close();
  } catch (error) {
    log.error('station did not close cleanly', { error: error instanceof Error ? error.message : String(error) });
  }
  station = null;
}

let failing = false;

/** Says why, where a person sees it (and in the log), then stops with a non-zero code. */
function fail(message: string, code: number, title = 'Balcão cannot start'): void {
  if (failing) return;
  failing = true;
  log.error('Balcão cannot continue', { message, exitCode: code });
  closeStation();
  dialog.showErrorBox(title, message);
  app.exit(code);
}

async function start(): Promise<void> {
  const args = parseShellArgs(process.argv.slice(1));
  if (args.ignored.length > 0) log.debug('arguments not for the shell', { args: args.ignored });
  if (args.kind === 'error') return fail(args.message, exitCodes.config);

  try {
    const config =
      args.kind === 'config'
        ? loadConfigFile(args.file)
        : demoConfig({ dataDir: args.dataDir !== null ? path.resolve(args.dataDir) : path.join(app.getPath('userData'), 'demo') });
    // A database that is damaged, locked or missing after it once existed stops the start here
    // (StorageError names the file) — never a silently recreated, empty station.
    // Electron's safeStorage protects the station data key where the OS keyring offers it; else the key file (docs/data-at-rest.md).
    const keys = electronKeyProtector();
    log.info('data key protection', { protector: keys.protector?.name ?? 'key-file', reason: keys.reason });
    station = await openStation(config, { log, keyProtector: keys.protector });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StorageError || error instanceof VaultError) return fail(error.message, exitCodes.config);
    return fail(`Balcão could not start: ${error instanceof Error ? error.message : String(error)}`, exitCodes.startup);
  }

  const root = rendererRoot();
  if (!existsSync(path.join(root, 'index.html'))) {
    return fail(`The Balcão user interface is missing (${path.join(root, 'index.html')}). Build it with "npm run build".`, exitCodes.startup);
  }
  protocol.handle(appScheme, createAppRequestHandler({ root, log: log.child('protocol') }));
  hardenSession(session.defaultSession, log.child('session'));

  const kiosk = station.config.ui.kiosk;
  installMenu(kiosk);
  const win = createAppWindow({
    kiosk,
    preload: preloadPath(),
    log: log.child('window'),
    onUnrecoverable: (message) => fail(message, exitCodes.crashed, 'Balcão stopped'),
  });
  window = win;
  win.on('close', (event) => {
    // Kiosk: Alt+F4 and the like do not end the station; only a quit (service stop, signal) does.
    if (kiosk && !quitting) {
      event.preventDefault();
      log.warn('window close refused in kiosk mode');
    }
  });
  win.on('closed', () => {
    window = null;
  });
  // Handlers before the page loads, so that its first call finds them.
  detachIpc = installIpc(win, station, log);
  try {
    await win.loadURL(appStartUrl);
  } catch (error) {
    log.error('app page did not load', { error: error instanceof Error ? error.message : String(error) });
  }
  log.info('Balcão shell started', { kiosk, demo: station.config.demo, stationId: station.config.stationId });
}

if (!app.requestSingleInstanceLock()) {
  // One station per data directory and per screen: the running one is brought forward instead.
  log.info('Balcão is already running: focusing it');
  app.exit(0);
} else {
  app.on('second-instance', () => {
    if (window === null) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  // Hardening for every webContents that is ever created, the app window's and any other (checklist §13, §14, §12).
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log.child('contents')));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', () => closeStation());
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => fail(`Balcão could not start: ${error instanceof Error ? error.message : String(error)}`, exitCodes.startup));
}
