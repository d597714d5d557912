import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, eventNames } from '../../app/contract/channels.js';

/**
 * End-to-end suite of the Electron shell: the real binary, the real main
 * process, preload and IPC, the real station core (SQLite) — driven by
 * Playwright's Electron support. It runs only where Electron's binary is
 * installed (it cannot be downloaded on our build machines) and a display is
 * available (xvfb-run on a headless Linux box); elsewhere it says why it was
 * skipped. Native modules must be built for Electron's ABI for the station
 * to open its database there (`npx electron-builder install-app-deps`).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The CSP the shell must send (main/electron/app-protocol.ts; lint keeps test/ from importing main/electron). */
const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** What node_modules/electron/index.js would return, without loading electron under Node. */
function electronBinary(): string | null {
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathTxt = path.join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const relative = readFileSync(pathTxt, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(pkg, 'dist');
  const binary = path.join(dist, relative);
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
const headlessLinux = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const skipReason =
  binary === null
    ? 'Electron binary not installed here (cannot be downloaded): Electron suite skipped'
    : headlessLinux
      ? 'No display here (DISPLAY and WAYLAND_DISPLAY unset; run under xvfb-run): Electron suite skipped'
      : null;
if (skipReason !== null) console.log(`[test/electron] ${skipReason}`);

interface Running {
  app: ElectronApplication;
  page: Page;
  stderr: () => string;
}

/** Starts the shell from the project folder (package.json "main" → dist/electron/main.cjs), as a packaged app starts. */
async function launch(args: string[], env: Record<string, string>): Promise<Running> {
  const app = await _electron.launch({ executablePath: binary ?? undefined, args: [root, ...args], cwd: root, env, timeout: 60_000 });
  let stderr = '';
  app.process().stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  // The shell logs before it shows a (blocking) error dialog: fail fast with its message rather than time out.
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    timer = setInterval(() => {
      if (stderr.includes('Balcão cannot continue')) reject(new Error(`The shell did not start:\n${stderr.slice(-2000)}`));
    }, 100);
  });
  try {
    const page = await Promise.race([app.firstWindow(), failed]);
    await page.waitForLoadState('domcontentloaded');
    return { app, page, stderr: () => stderr };
  } catch (error) {
    app.process().kill('SIGKILL');
    throw error;
  } finally {
    clearInterval(timer);
  }
}

function definedEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function waitForExit(child: ReturnType<typeof spawn>, ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${child.pid} still running after ${ms} ms`)), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** window.balcao as the page sees it (renderer/src/transport/preload-types.ts, loosened for probing). */
interface BridgeWindow {
  balcao: {
    calls: Record<string, (payload?: unknown) => Promise<unknown>>;
    events: Record<string, (listener: (...args: unknown[]) => void) => () => void>;
  };
}

// The shell runs what is built: the renderer and both Electron bundles, fresh.
beforeAll(() => {
  if (skipReason !== null) return;
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), 'renderer', 'electron'], { cwd: root, stdio: 'inherit' });
});

describe.skipIf(skipReason !== null)(skipReason ?? 'Electron shell (real binary)', () => {
  let base: string;
  let dataDir: string;
  let env: Record<string, string>;
  let running: Running;

  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'balcao-electron-'));
    dataDir = path.join(base, 'data');
    // A userData of its own (Linux: $XDG_CONFIG_HOME/<app>), so a station running on this machine does not hold the single-instance lock.
    env = { ...definedEnv(), XDG_CONFIG_HOME: path.join(base, 'config') };
    running = await launch(['--demo', '--data-dir', dataDir], env);
  });

  afterAll(async () => {
    await running?.app.close();
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('loads the app from app://balcao/', async () => {
    expect(running.page.url()).toMatch(/^app:\/\/balcao\//);
    expect(running.app.windows()).toHaveLength(1);
  });

  it('exposes window.balcao with exactly the contract: one call per channel, one subscriber per event', async () => {
    const shape = await running.page.evaluate(() => {
      const { balcao } = window as unknown as BridgeWindow;
      return {
        top: Object.keys(balcao).sort(),
        calls: Object.keys(balcao.calls).sort(),
        events: Object.keys(balcao.events).sort(),
        types: [...Object.values(balcao.calls), ...Object.values(balcao.events)].map((f) => typeof f),
      };
    });
    expect(shape.top).toEqual(['calls', 'events']);
    expect(shape.calls).toEqual([...channelNames].sort());
    expect(shape.events).toEqual([...eventNames].sort());
    expect(new Set(shape.types)).toEqual(new Set(['function']));
  });

  it('gives the page no Node: require, process, module and Buffer are undefined', async () => {
    const types = await running.page.evaluate(() => {
      const g = globalThis as Record<string, unknown>;
      return ['require', 'process', 'module', 'Buffer', 'global', 'ipcRenderer'].map((name) => typeof g[name]);
    });
    expect(types).toEqual(Array(6).fill('undefined'));
  });

  it('has no <webview>: the tag is an unknown element (webviewTag: false)', async () => {
    const inert = await running.page.evaluate(() => {
      const element = document.createElement('webview');
      return element instanceof HTMLUnknownElement && !('getWebContentsId' in element);
    });
    expect(inert).toBe(true);
  });

  it('blocks navigation to another origin', async () => {
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'app://evil/']) {
      await running.page.evaluate((u) => {
        window.location.href = u;
      }, url);
      await running.page.waitForTimeout(500);
      const shown = await running.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.webContents.getURL());
      expect(shown, url).toMatch(/^app:\/\/balcao\//);
    }
    expect(running.stderr()).toContain('navigation blocked');
  });

  it('denies window.open', async () => {
    const opened = await running.page.evaluate(() => window.open('app://balcao/') === null && window.open('https://example.com/') === null);
    expect(opened).toBe(true);
    await running.page.waitForTimeout(300);
    expect(running.app.windows()).toHaveLength(1);
  });

  it('serves every app:// response with the CSP header, and enforces it', async () => {
    const result = await running.page.evaluate(async () => {
      const index = await fetch('app://balcao/');
      const missing = await fetch('app://balcao/assets/nope.js');
      const traversal = await fetch('app://balcao/..%2f..%2fpackage.json');
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.head.append(script);
      let remote = 'fetched';
      try {
        await fetch('https://example.com/');
      } catch {
        remote = 'blocked';
      }
      return {
        csp: index.headers.get('content-security-policy'),
        missing: [missing.status, missing.headers.get('content-security-policy')],
        traversal: traversal.status,
        inlineRan: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true,
        remote,
      };
    });
    expect(result.csp).toBe(contentSecurityPolicy);
    expect(result.missing).toEqual([404, contentSecurityPolicy]);
    expect(result.traversal).toBe(403);
    expect(result.inlineRan).toBe(false);
    expect(result.remote).toBe('blocked');
  });

  it('signs in through the real IPC, and the event reaches the listener without the IPC event object', async () => {
    const result = await running.page.evaluate(async () => {
      const { balcao } = window as unknown as BridgeWindow;
      const got: unknown[][] = [];
      const off = balcao.events['session.changed']!((...args: unknown[]) => got.push(args));
      const login = await balcao.calls['auth.login']!({ username: 'ana', password: 'balcao-demo' });
      await new Promise((r) => setTimeout(r, 300));
      off();
      const logout = await balcao.calls['auth.logout']!({});
      return { login, logout, got };
    });
    expect(result.login).toMatchObject({ ok: true, result: { operator: { username: 'ana', role: 'operator' } } });
    expect(result.logout).toEqual({ ok: true, result: { ok: true } });
    expect(result.got).toEqual([[expect.objectContaining({ reason: 'login' })]]);
  });

  it('answers malformed calls with typed errors, never a rejection', async () => {
    const replies = await running.page.evaluate(async () => {
      const { balcao } = window as unknown as BridgeWindow;
      return [
        await balcao.calls['auth.login']!(JSON.parse('{"username": 1, "__proto__": {"role": "admin"}}')),
        await balcao.calls['operators.list']!({}),
        // A function cannot be cloned into an IPC message: the preload answers instead of rejecting.
        await balcao.calls['station.info']!(() => 1),
      ];
    });
    expect(replies[0]).toMatchObject({ ok: false, error: { code: 'contract.bad_request' } });
    expect(replies[1]).toMatchObject({ ok: false, error: { code: 'auth.required' } });
    expect(replies[2]).toMatchObject({ ok: false });
  });

  it('keeps one instance: a second start hands over and exits', async () => {
    const second = spawn(binary as string, [root, '--demo', '--data-dir', dataDir], { env, stdio: 'ignore' });
    expect(await waitForExit(second, 30_000)).toBe(0);
    expect(await running.page.evaluate(() => 1 + 1)).toBe(2);
  });

  it('closes the station on quit (station.stopped is the last audit entry at the next start)', async () => {
    await running.app.close();
    running = await launch(['--demo', '--data-dir', dataDir], env);
    const entries = await running.page.evaluate(async () => {
      const { balcao } = window as unknown as BridgeWindow;
      await balcao.calls['auth.login']!({ username: 'rui', password: 'balcao-demo' });
      const reply = (await balcao.calls['audit.recent']!({ limit: 50 })) as { ok: boolean; result: { entries: { type: string }[] } };
      await balcao.calls['auth.logout']!({});
      return reply.result.entries.map((e) => e.type);
    });
    // Newest first: this start's login, this start, then the end of the previous run.
    const previousRun = entries.slice(entries.indexOf('station.started') + 1);
    expect(previousRun[0]).toBe('station.stopped');
  });

  it('puts the demo data under <userData>/demo when no --data-dir is given', async () => {
    await running.app.close();
    running = await launch(['--demo'], env);
    const userData = await running.app.evaluate(({ app }) => app.getPath('userData'));
    expect(userData.startsWith(path.join(base, 'config'))).toBe(true);
    expect(existsSync(path.join(userData, 'demo', 'station.db'))).toBe(true);
  });
});

describe.skipIf(skipReason !== null)(skipReason ?? 'Electron shell in kiosk mode (ui.kiosk: true)', () => {
  let base: string;
  let running: Running;

  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'balcao-electron-kiosk-'));
    const config = {
      centreId: '10001',
      stationId: '10078',
      stationName: 'Kiosk test',
      dataDir: './data',
      agency: { url: 'http://127.0.0.1:4700/', token: 'kiosk-test', encryptionKey: 'keys/a.pem', receiptKey: 'keys/b.pem' },
      station: { signingKey: 'keys/s.pem' },
      ui: { kiosk: true },
    };
    await writeFile(path.join(base, 'station.json'), JSON.stringify(config));
    running = await launch(['--config', path.join(base, 'station.json')], { ...definedEnv(), XDG_CONFIG_HOME: path.join(base, 'config') });
  });

  afterAll(async () => {
    await running?.app.close();
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('is a kiosk window with no application menu', async () => {
    const state = await running.app.evaluate(({ BrowserWindow, Menu }) => {
      const window = BrowserWindow.getAllWindows()[0];
      return { kiosk: window?.isKiosk(), menu: Menu.getApplicationMenu() === null, minimizable: window?.isMinimizable() };
    });
    expect(state).toEqual({ kiosk: true, menu: true, minimizable: false });
  });

  it('cannot open the developer tools', async () => {
    const opened = await running.app.evaluate(async ({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents;
      contents.openDevTools();
      await new Promise((r) => setTimeout(r, 1000));
      return contents.isDevToolsOpened();
    });
    expect(opened).toBe(false);
  });
});

describe.skipIf(skipReason !== null)(skipReason ?? 'Electron shell refuses to start on a bad configuration', () => {
  it('names the bad field and file, and does not open a window', async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), 'balcao-electron-bad-'));
    const file = path.join(base, 'station.json');
    await writeFile(file, JSON.stringify({ centreId: 12, stationId: '1', stationName: 'x', dataDir: './data' }));
    // The error dialog is modal, so the process is stopped once the message is in its log.
    const child = spawn(binary as string, [root, '--config', file], { env: { ...process.env, XDG_CONFIG_HOME: path.join(base, 'config') }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    try {
      await expect.poll(() => stderr, { timeout: 30_000 }).toContain('Balcão cannot continue');
      expect(stderr).toContain(file);
      expect(stderr).toContain('centreId');
      expect(existsSync(path.join(base, 'data', 'station.db'))).toBe(false);
    } finally {
      child.kill('SIGKILL');
      await rm(base, { recursive: true, force: true });
    }
  });
});
