import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** index.html must never be cached: it names the current build's assets. */
  cacheable: boolean;
}

/**
 * Maps a URL path to a file under `root`. Paths that climb out of `root` are
 * refused; extension-less paths are the UI's routes and get index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const normalised = path.posix.normalize(`/${decoded}`);
  const target = path.join(root, normalised);
  const relative = path.relative(root, target);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  if (normalised.endsWith('/') || path.posix.extname(normalised) === '') return path.join(root, 'index.html');
  return target;
}

export async function loadStatic(root: string, urlPath: string): Promise<StaticFile | null> {
  const file = resolveStaticPath(root, urlPath);
  if (file === null) return null;
  try {
    const info = await stat(file);
    if (!info.isFile()) return null;
    const body = await readFile(file);
    const ext = path.extname(file);
    return { body, contentType: contentTypes[ext] ?? 'application/octet-stream', cacheable: ext !== '.html' };
  } catch {
    return null;
  }
}
