/**
 * Where the app lives: the privileged custom scheme `app://balcao/` (Electron
 * security checklist §18, "Use a custom protocol instead of file://"). Every
 * check on URLs — navigation, IPC senders, permissions, network requests —
 * goes through these functions so there is one definition of "our page".
 *
 * Node's WHATWG URL gives `origin === 'null'` for schemes it does not know,
 * so these functions compare scheme and host, never `URL.origin`.
 */
export const appScheme = 'app';
export const appHost = 'balcao';
export const appOrigin = `${appScheme}://${appHost}`;
export const appStartUrl = `${appOrigin}/`;

function parse(url: unknown): URL | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > 8192) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for any URL of the app itself: scheme app, host exactly balcao, no port, no credentials. */
export function isAppUrl(url: unknown): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === `${appScheme}:` &&
    parsed.host === appHost &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** An origin string as Chromium serialises it (WebFrameMain.origin, permission requests). */
export function isAppOrigin(origin: unknown): boolean {
  return origin === appOrigin;
}

/**
 * Which requests the renderer's session may make at all (checked in
 * session.webRequest.onBeforeRequest). The UI talks to the core over IPC and
 * loads everything from app://, so http(s), ws(s), file: and ftp are refused
 * outright — a second line behind the CSP's connect-src.
 *   - data: and blob: for images the UI builds itself (CSP img-src allows them);
 *   - devtools: for the developer tools outside kiosk mode (they load from
 *     devtools://devtools/bundled/… and are disabled in kiosk mode anyway).
 */
export function isAllowedRequestUrl(url: unknown): boolean {
  if (isAppUrl(url)) return true;
  const parsed = parse(url);
  if (parsed === null) return false;
  if (parsed.protocol === 'data:') return true;
  // blob:app://balcao/<uuid> — a blob the page made itself.
  if (parsed.protocol === 'blob:') return isAppUrl(parsed.pathname);
  if (parsed.protocol === 'devtools:') return true;
  return false;
}
