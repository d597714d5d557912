import { readFile, stat } from 'node:fs/promises';
import { contentTypeOf, resolveRendererPath } from './renderer-files.js';

export type StaticResult =
  | { kind: 'file'; body: Buffer; contentType: string; cacheable: boolean }
  | { kind: 'refused'; status: 400 | 403 | 404 };

/**
 * Reads the file a request path names under `root` (the built UI), by the
 * rules both shells share. index.html is never cached: it names the current
 * build's assets; the assets themselves carry a content hash.
 */
export async function loadStatic(root: string, urlPath: string): Promise<StaticResult> {
  const resolved = resolveRendererPath(root, urlPath.split('?')[0] ?? '/');
  if (resolved.kind === 'refused') return { kind: 'refused', status: resolved.status };
  try {
    const info = await stat(resolved.file);
    if (!info.isFile()) return { kind: 'refused', status: 404 };
    const contentType = contentTypeOf(resolved.file);
    return { kind: 'file', body: await readFile(resolved.file), contentType, cacheable: !contentType.startsWith('text/html') };
  } catch {
    return { kind: 'refused', status: 404 };
  }
}
