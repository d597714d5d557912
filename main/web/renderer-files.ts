import path from 'node:path';

/**
 * Serving the built UI (dist/renderer): shared by the Electron shell's app://
 * protocol and the browser shell's HTTP server, so both resolve paths, name
 * content types and set the Content Security Policy the same way. No electron
 * import: both shells and their tests load it.
 */

/**
 * The Content Security Policy of the UI (Electron security checklist §7):
 * only the app's own files; no inline or eval'd script (the Vite build emits
 * none); images may also be data:/blob: URLs the UI builds (captured photos,
 * signatures); no plugins, no <base>, no framing, no form posts. `connectSrc`
 * is the contract's transport: 'self' for IPC, plus the WebSocket origin in
 * the browser shell.
 */
export function rendererCspDirectives(connectSrc = "'self'"): (readonly [string, string])[] {
  return [
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    ['style-src', "'self'"],
    ['img-src', "'self' data: blob:"],
    ['connect-src', connectSrc],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['frame-ancestors', "'none'"],
    ['form-action', "'none'"],
  ];
}

export function rendererCsp(connectSrc?: string): string {
  return rendererCspDirectives(connectSrc)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
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

export type RendererPath =
  | { kind: 'file'; file: string; spaFallback: boolean }
  | { kind: 'refused'; status: 400 | 403 | 404; reason: string };

/**
 * Maps a URL path (still percent-encoded) to a file under `root`:
 *   - decoded once, then `..`, `.`, backslashes and NUL are refused (403)
 *     rather than normalised, and the result must stay strictly inside root;
 *   - a path whose last segment has no extension is a client-side route of
 *     the single-page app: it gets index.html (`spaFallback`);
 *   - a path with an extension is that file or nothing (the caller answers 404).
 */
export function resolveRendererPath(root: string, encodedPath: string): RendererPath {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encodedPath);
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
