import type { Session, WebContents } from 'electron';
import type { Logger } from '../../app/log/logger.js';
import { isAllowedRequestUrl, isAppUrl } from './app-origin.js';
import { allowPermissionCheck, allowPermissionRequest } from './permissions.js';

/**
 * Lockdown applied to every webContents and to the session. The numbers
 * refer to Electron's security checklist,
 * https://www.electronjs.org/docs/latest/tutorial/security
 */

/** Applied from app.on('web-contents-created') — to the app window and to anything else that ever appears. */
export function hardenWebContents(contents: WebContents, log: Logger): void {
  // §13: no navigation away from the app. In-app routing uses the History API, which does not navigate.
  const guard = (what: string) => (event: { preventDefault(): void; url: string }) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    log.warn('navigation blocked', { what, url: event.url.slice(0, 256) });
  };
  contents.on('will-navigate', guard('will-navigate'));
  contents.on('will-redirect', guard('will-redirect'));
  // Sub-frames too (a same-origin iframe is the only kind the CSP lets in).
  contents.on('will-frame-navigate', guard('will-frame-navigate'));

  // §14: no new windows, ever — window.open, target=_blank, middle-click.
  contents.setWindowOpenHandler(({ url }) => {
    log.warn('new window denied', { url: url.slice(0, 256) });
    return { action: 'deny' };
  });

  // §12: no <webview> (webviewTag is false too; this catches one attached any other way).
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('webview blocked');
  });
}

/** Applied once to the session the app window uses (the default session). */
export function hardenSession(session: Session, log: Logger): void {
  // §5: permissions — only what permissions.ts lists (nothing at present).
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const granted = allowPermissionRequest(permission, details.requestingUrl, details.isMainFrame);
    if (!granted) log.warn('permission denied', { permission, url: String(details.requestingUrl).slice(0, 256) });
    callback(granted);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => allowPermissionCheck(permission, requestingOrigin));
  // WebHID / WebUSB / Web Serial from the page: never; the devices belong to the main process.
  session.setDevicePermissionHandler(() => false);
  session.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  session.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  session.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    callback('');
  });

  // Behind the CSP's connect-src: the page has no network at all — no http(s), ws(s), file: or ftp.
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequestUrl(details.url);
    if (!allowed) log.warn('request blocked', { url: details.url.slice(0, 256), type: details.resourceType });
    callback({ cancel: !allowed });
  });

  // Downloads: nothing in the app downloads files to disk through the page.
  session.on('will-download', (event, item) => {
    event.preventDefault();
    log.warn('download blocked', { url: item.getURL().slice(0, 256) });
  });
}
