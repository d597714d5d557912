import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appOrigin, appStartUrl, isAllowedRequestUrl, isAppOrigin, isAppUrl } from './app-origin.js';
import { parseShellArgs, usage } from './args.js';
import { allowPermissionCheck, allowPermissionRequest, grantedPermissions } from './permissions.js';
import { createReloadGuard } from './reload-guard.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('what counts as the app', () => {
  it('is app://balcao and nothing that merely looks like it', () => {
    expect(appOrigin).toBe('app://balcao');
    expect(appStartUrl).toBe('app://balcao/');
    for (const url of ['app://balcao/', 'app://balcao/operators?x=1#top', 'app://balcao']) expect(isAppUrl(url), url).toBe(true);
    for (const url of [
      'app://balcao.evil/',
      'app://evil/',
      'app://balcao:1/',
      'app://u@balcao/',
      'app://u:p@balcao/',
      'https://balcao/',
      'http://localhost/',
      'file:///app/balcao/',
      'javascript:alert(1)',
      'about:blank',
      '',
      'balcao',
      undefined,
      null,
      42,
      `app://balcao/${'x'.repeat(10_000)}`,
    ]) {
      expect(isAppUrl(url), String(url).slice(0, 40)).toBe(false);
    }
    expect(isAppOrigin('app://balcao')).toBe(true);
    expect(isAppOrigin('null')).toBe(false);
    expect(isAppOrigin('app://balcao/')).toBe(false);
  });

  it('lets the page request only its own files, data: and blob: it made, and devtools', () => {
    for (const url of ['app://balcao/assets/a.js', 'data:image/png;base64,AAAA', 'blob:app://balcao/5b7a-11', 'devtools://devtools/bundled/inspector.html']) {
      expect(isAllowedRequestUrl(url), url).toBe(true);
    }
    for (const url of ['https://example.com/', 'http://127.0.0.1:4700/', 'ws://127.0.0.1/contract', 'file:///etc/passwd', 'ftp://x/', 'blob:https://evil/1', 'app://evil/x.js', 'chrome://gpu']) {
      expect(isAllowedRequestUrl(url), url).toBe(false);
    }
  });
});

describe('permissions', () => {
  it('grants nothing at present (devices belong to the main process; kiosk fullscreen is a window option)', () => {
    expect(grantedPermissions).toEqual([]);
  });

  it('denies every permission Electron can ask about, to every origin', () => {
    const all = ['clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'fullscreen', 'geolocation', 'idle-detection', 'media', 'mediaKeySystem', 'midi', 'midiSysex', 'notifications', 'pointerLock', 'keyboardLock', 'openExternal', 'speaker-selection', 'storage-access', 'top-level-storage-access', 'window-management', 'unknown', 'fileSystem', 'hid', 'serial', 'usb'];
    for (const permission of all) {
      expect(allowPermissionRequest(permission, 'app://balcao/', true)).toBe(false);
      expect(allowPermissionCheck(permission, 'app://balcao')).toBe(false);
      expect(allowPermissionRequest(permission, 'https://evil.example/', true)).toBe(false);
    }
  });
});

describe('command line', () => {
  it('reads --config and --demo [--data-dir], in both --opt value and --opt=value forms', () => {
    expect(parseShellArgs(['--config', '/etc/balcao/station.json'])).toMatchObject({ kind: 'config', file: '/etc/balcao/station.json' });
    expect(parseShellArgs(['--config=/etc/balcao/station.json'])).toMatchObject({ kind: 'config', file: '/etc/balcao/station.json' });
    expect(parseShellArgs(['--demo'])).toMatchObject({ kind: 'demo', dataDir: null });
    expect(parseShellArgs(['--demo', '--data-dir', '/tmp/d'])).toMatchObject({ kind: 'demo', dataDir: '/tmp/d' });
    expect(parseShellArgs(['--data-dir=/tmp/d', '--demo'])).toMatchObject({ kind: 'demo', dataDir: '/tmp/d' });
  });

  it('ignores what Electron, Chromium and Playwright put before ours (the app path, switches)', () => {
    const argv = ['--inspect=0', '--remote-debugging-port=0', 'dist/electron/main.cjs', '--no-sandbox', '--demo', '--data-dir', '/tmp/x'];
    expect(parseShellArgs(argv)).toEqual({ kind: 'demo', dataDir: '/tmp/x', ignored: ['--inspect=0', '--remote-debugging-port=0', 'dist/electron/main.cjs', '--no-sandbox'] });
  });

  it.each([
    [[], usage],
    [['--config'], '--config needs a file'],
    [['--config', '--demo'], '--config needs a file'],
    [['--config='], '--config needs a file'],
    [['--config', 'a.json', '--config', 'b.json'], '--config given twice'],
    [['--config', 'a.json', '--demo'], 'cannot be used together'],
    [['--config', 'a.json', '--data-dir', '/x'], '--data-dir belongs to --demo'],
    [['--demo', '--data-dir'], '--data-dir needs a folder'],
    [['--demo=yes'], '--demo takes no value'],
    [['--cofnig', 'a.json'], usage],
  ])('refuses %j', (argv, message) => {
    const parsed = parseShellArgs(argv);
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error') expect(parsed.message).toContain(message);
  });
});

describe('reload guard after a renderer crash', () => {
  it('allows 3 reloads a minute, then stops; allows again once the minute has passed', () => {
    let t = 0;
    const guard = createReloadGuard({ maxReloads: 3, windowMs: 60_000, now: () => t });
    expect([guard.allowReload(), guard.allowReload(), guard.allowReload(), guard.allowReload()]).toEqual([true, true, true, false]);
    t = 30_000;
    expect(guard.allowReload()).toBe(false);
    t = 60_001;
    expect(guard.allowReload()).toBe(true);
    expect(guard.recent).toBe(1);
  });
});

describe('module boundaries', () => {
  // Node cannot load electron here: only the thin glue files may import it, and no test may load them.
  const electronGlue = ['harden.ts', 'ipc.ts', 'main.ts', 'preload.ts', 'safe-storage.ts', 'window.ts'];
  const sources = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  const importsOf = (file: string) => [...readFileSync(path.join(here, file), 'utf8').matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] ?? '');

  it('only the glue files import electron', () => {
    const importers = sources.filter((f) => importsOf(f).includes('electron')).sort();
    expect(importers).toEqual(electronGlue);
  });

  it('no electron-free module and no test imports a glue file', () => {
    for (const file of sources.filter((f) => !electronGlue.includes(f))) {
      for (const spec of importsOf(file)) {
        expect(electronGlue.map((g) => `./${g.replace(/\.ts$/, '.js')}`), `${file} imports ${spec}`).not.toContain(spec);
      }
    }
  });

  it('the preload has no generic IPC entry point', () => {
    const preload = readFileSync(path.join(here, 'preload.ts'), 'utf8');
    expect(preload.match(/exposeInMainWorld/g)).toHaveLength(1);
    expect(preload).not.toMatch(/ipcRenderer\.(send|sendSync|sendTo|postMessage)\b/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*[,)]/);
  });
});
