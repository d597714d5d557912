import { readFile, stat } from 'node:fs/promises';
import { appHost, appScheme } from './app-origin.js';
import { contentTypeOf, rendererCsp, rendererCspDirectives, resolveRendererPath, type RendererPath } from '../web/renderer-files.js';

/**
 * The app:// protocol, without electron: main.ts passes
 * createAppRequestHandler(...) to protocol.handle('app', …). Serving the
 * renderer from a privileged custom scheme instead of file:// gives the page
 * a real origin of its own (Electron security checklist §18) and lets every
 * response carry the CSP as a header (§7).
 */

/** The Content Security Policy of every app:// response (checklist §7); the directives live in main/web/renderer-files.ts, shared with the browser shell. */
export const cspDirectives: readonly (readonly [string, string])[] = rendererCspDirectives();

export const contentSecurityPolicy = rendererCsp();

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

export { contentTypeOf };
export type Resolved = RendererPath;

/**
 * Maps an app:// URL to a file under `root` (dist/renderer): only
 * app://balcao (another host of the scheme is not ours: 404), then the path
 * rules shared with the browser shell (resolveRendererPath).
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
  return resolveRendererPath(root, parsed.pathname);
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
