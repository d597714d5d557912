import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { appHost, appScheme } from './app-origin.js';

/**
 * The app:// protocol, without electron: main.ts passes
 * createAppRequestHandler(...) to protocol.handle('app', …). Serving the
 * renderer from a privileged custom scheme instead of file:// gives the page
 * a real origin of its own (Electron security checklist §18) and lets every
 * response carry the CSP as a header (§7).
 */

/**
 * The Content Security Policy of every app:// response (checklist §7): only
 * the app's own files; no inline or eval'd script (the Vite build emits none);
 * images may also be data:/blob: URLs the UI builds (captured photos,
 * signatures); no plugins, no <base>, no framing, no form posts — the UI
 * talks to the core over IPC, never over the network.
 */
export const cspDirectives: readonly (readonly [string, string])[] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data: blob:"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['frame-ancestors', "'none'"],
  ['form-action', "'none'"],
];

export const contentSecurityPolicy = cspDirectives.map(([name, value]) => `${name} ${value}`).join('; ');

/** Headers on every response, the error ones included. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy,
    // The type below is the only type: a .js file is never sniffed into something else.
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(file: string): string {
  return contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type Resolved =
  | { kind: 'file'; file: string; spaFallback: boolean }
  | { kind: 'refused'; status: 400 | 403 | 404; reason: string };

/**
 * Maps an app:// URL to a file under `root` (dist/renderer).
 *   - only app://balcao (another host of the scheme is not ours: 404);
 *   - the path is percent-decoded once, then must stay inside root after
 *     resolution — `..`, encoded `%2e%2e%2f`, backslashes, NUL and absolute
 *     paths are refused (403) rather than normalised;
 *   - a path whose last segment has no extension is a client-side route of
 *     the single-page app: it gets index.html (`spaFallback`);
 *   - a path with an extension is that file or nothing (the caller answers 404).
 */
export function resolveAppPath(url: string, root: string): Resolved {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'refused', status: 400, reason: 'unparsable URL' };
  }
  if (parsed.protocol !== `${appScheme}:` || parsed.host !== appHost || parsed.username !== '' || parsed.password !== '') {
    return { kind: 'refused', status: 404, reason: 'not the app host' };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(parsed.pathname);
  } catch {
    return { kind: 'refused', status: 400, reason: 'bad percent-encoding' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'refused', status: 403, reason: 'forbidden character' };
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '.' || s === '..')) return { kind: 'refused', status: 403, reason: 'path traversal' };

  const base = path.resolve(root);
  const last = segments.at(-1);
  if (last === undefined || path.extname(last) === '') {
    return { kind: 'file', file: path.join(base, 'index.html'), spaFallback: last !== undefined };
  }
  const file = path.resolve(base, ...segments);
  const relative = path.relative(base, file);
  // Belt and braces: whatever the segments were, the result must be strictly inside root.
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return { kind: 'refused', status: 403, reason: 'outside the app folder' };
  }
  return { kind: 'file', file, spaFallback: false };
}

export interface AppRequestHandlerOptions {
  /** dist/renderer: index.html and assets/. */
  root: string;
  log: { warn(msg: string, fields?: Record<string, unknown>): void };
}

function refusedResponse(status: number): Response {
  const statusText: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error' };
  return new Response(null, { status, statusText: statusText[status] ?? '', headers: securityHeaders() });
}

/** A protocol.handle handler: uses only the Fetch API's Request/Response, so Node runs it in tests. */
export function createAppRequestHandler({ root, log }: AppRequestHandlerOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refusedResponse(405);
    const resolved = resolveAppPath(request.url, root);
    if (resolved.kind === 'refused') {
      log.warn('app:// request refused', { url: request.url.slice(0, 256), status: resolved.status, reason: resolved.reason });
      return refusedResponse(resolved.status);
    }
    let body: Buffer;
    try {
      const info = await stat(resolved.file);
      if (!info.isFile()) return refusedResponse(404);
      body = await readFile(resolved.file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return refusedResponse(404);
      log.warn('app:// file unreadable', { file: resolved.file, code });
      return refusedResponse(500);
    }
    const headers = { ...securityHeaders(), 'Content-Type': contentTypeOf(resolved.file), 'Content-Length': String(body.length) };
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}
