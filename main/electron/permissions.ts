import { isAppOrigin, isAppUrl } from './app-origin.js';

/**
 * The web permissions the app's page may have — the one list (Electron
 * security checklist §5, "Handle session permission requests from remote
 * content": deny by default, grant only what the app uses).
 *
 * It is empty, on purpose:
 *   - devices (fingerprint reader, signature pad, scanner, camera) are driven
 *     from the main process through app/devices over node-hid/serialport, so
 *     the page needs no 'media', 'hid', 'serial' or 'usb';
 *   - kiosk fullscreen is a BrowserWindow option set by the main process, not
 *     the page's Fullscreen API, so no 'fullscreen' either;
 *   - no notifications, geolocation, clipboard-read, openExternal, midi,
 *     pointer lock or storage access are used.
 * Adding a permission here is a design change: say why beside it.
 */
export const grantedPermissions: readonly string[] = [];

/** The permission request handler's answer: granted only if listed, and only to the app's own top page. */
export function allowPermissionRequest(permission: string, requestingUrl: string | undefined, isMainFrame: boolean): boolean {
  return grantedPermissions.includes(permission) && isMainFrame && isAppUrl(requestingUrl);
}

/** The permission check handler's answer (navigator.permissions.query and friends). */
export function allowPermissionCheck(permission: string, requestingOrigin: string): boolean {
  return grantedPermissions.includes(permission) && (isAppOrigin(requestingOrigin) || isAppUrl(requestingOrigin));
}
