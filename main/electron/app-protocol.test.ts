import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '../../app/log/logger.js';
import { contentSecurityPolicy, contentTypeOf, createAppRequestHandler, resolveAppPath, securityHeaders } from './app-protocol.js';

describe('CSP of app:// responses', () => {
  it('is exactly the strict policy, directive by directive', () => {
    const directives = Object.fromEntries(contentSecurityPolicy.split('; ').map((d) => [d.slice(0, d.indexOf(' ')), d.slice(d.indexOf(' ') + 1)]));
    expect(directives).toEqual({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self' data: blob:",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
      'form-action': "'none'",
    });
  });

  it('never allows inline or eval, and names no remote host', () => {
    expect(contentSecurityPolicy).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe-eval|\*|https?:|ws:|wss:/);
  });

  it('rides on every response with nosniff', () => {
    expect(securityHeaders()).toMatchObject({ 'Content-Security-Policy': contentSecurityPolicy, 'X-Content-Type-Options': 'nosniff' });
  });
});

describe('app:// path resolution', () => {
  const root = path.resolve('/srv/balcao/dist/renderer');
  const file = (rel: string) => path.join(root, rel);

  it.each([
    ['app://balcao/', 'index.html', false],
    ['app://balcao', 'index.html', false],
    ['app://balcao/index.html', 'index.html', false],
    ['app://balcao/assets/index-abc123.js', 'assets/index-abc123.js', false],
    ['app://balcao/assets/index-abc123.js?v=1#x', 'assets/index-abc123.js', false],
    ['app://balcao/assets/Ol%C3%A1.svg', 'assets/Olá.svg', false],
    // Client-side routes of the single-page app: no extension, so index.html.
    ['app://balcao/operators', 'index.html', true],
    ['app://balcao/enrolment/step/2', 'index.html', true],
    ['app://balcao/audit/', 'index.html', true],
  ])('%s → %s', (url, rel, spaFallback) => {
    expect(resolveAppPath(url, root)).toEqual({ kind: 'file', file: file(rel), spaFallback });
  });

  it.each([
    'app://balcao/..%2f..%2f..%2fetc%2fpasswd',
    'app://balcao/assets/..%2F..%2F..%2Fpackage.json',
    'app://balcao/%2e%2e%2f%2e%2e%2fpackage.json',
    'app://balcao/assets%2f..%2f..%2fsecret.txt',
    'app://balcao/..%5c..%5cwindows%5cwin.ini',
    'app://balcao/assets\\..\\..\\x.js',
    'app://balcao/index.html%00.png',
  ])('refuses traversal: %s', (url) => {
    const resolved = resolveAppPath(url, root);
    expect(resolved.kind).toBe('refused');
    if (resolved.kind === 'refused') expect(resolved.status).toBe(403);
  });

  it('keeps URL-level dot segments inside the root (the URL parser folds them first)', () => {
    for (const url of ['app://balcao/../../etc/passwd.txt', 'app://balcao/a/b/../../../../x.js', 'app://balcao/%2e%2e/%2e%2e/x.js', 'app://balcao/%2e%2e/']) {
      const resolved = resolveAppPath(url, root);
      if (resolved.kind === 'file') expect(resolved.file.startsWith(`${root}${path.sep}`)).toBe(true);
      else expect(resolved.status).toBe(403);
    }
  });

  it.each([
    ['app://evil/index.html', 404],
    ['app://balcao.evil/index.html', 404],
    ['app://balcao:8080/index.html', 404],
    ['app://user:pw@balcao/index.html', 404],
    ['https://balcao/index.html', 404],
    ['file:///srv/balcao/dist/renderer/index.html', 404],
    ['app://balcao/%E0%A4%A.js', 400],
    ['not a url', 400],
  ])('refuses %s with %i', (url, status) => {
    expect(resolveAppPath(url, root)).toMatchObject({ kind: 'refused', status });
  });

  it('types what it serves', () => {
    expect(contentTypeOf('a/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('a/x.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('a/x.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('a/x.woff2')).toBe('font/woff2');
    expect(contentTypeOf('a/x.exe')).toBe('application/octet-stream');
  });
});

describe('app:// request handler (Fetch API Request → Response, as protocol.handle uses it)', () => {
  let base: string;
  let root: string;
  const sink = memorySink();
  let handle: (request: Request) => Promise<Response>;

  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'balcao-proto-'));
    root = path.join(base, 'renderer');
    await mkdir(path.join(root, 'assets', 'folder.js'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Balcão</title><script type="module" src="./assets/app.js"></script>');
    await writeFile(path.join(root, 'assets', 'app.js'), 'console.log("app")');
    await writeFile(path.join(base, 'secret.txt'), 'not for the page');
    handle = createAppRequestHandler({ root, log: createLogger('test', sink) });
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  // Node's Request takes app:// URLs as Electron's does, so the handler sees what it sees in Electron.
  const appRequest = (url: string, method = 'GET') => new Request(url, { method });

  it('serves index.html at the root and for app routes, with CSP and type', async () => {
    for (const url of ['app://balcao/', 'app://balcao/operators/42']) {
      const response = await handle(appRequest(url));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await response.text()).toContain('<title>Balcão</title>');
    }
  });

  it('serves assets, and HEAD without a body', async () => {
    const js = await handle(appRequest('app://balcao/assets/app.js'));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log("app")');
    const head = await handle(appRequest('app://balcao/assets/app.js', 'HEAD'));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers 404 for a missing file with an extension and for a folder, 403 for traversal, 405 for POST — all with CSP', async () => {
    const cases: [string, string, number][] = [
      ['app://balcao/assets/missing.js', 'GET', 404],
      ['app://balcao/assets/folder.js', 'GET', 404],
      ['app://balcao/..%2fsecret.txt', 'GET', 403],
      ['app://balcao/assets/..%2f..%2fsecret.txt', 'GET', 403],
      ['app://other/index.html', 'GET', 404],
      ['app://balcao/index.html', 'POST', 405],
    ];
    for (const [url, method, status] of cases) {
      const response = await handle(appRequest(url, method));
      expect(response.status, url).toBe(status);
      expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
      expect(await response.text()).not.toContain('not for the page');
    }
    expect(sink.records.some((r) => r.msg === 'app:// request refused')).toBe(true);
  });

  it('serves nothing for another scheme or host', async () => {
    for (const url of ['http://balcao/index.html', 'https://balcao/index.html', 'app://balcao.evil/index.html']) {
      expect((await handle(appRequest(url))).status).toBe(404);
    }
  });
});
