import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-station.js';
import { repoRoot } from '../support/shell-process.js';

const pathTxt = path.join(repoRoot, 'node_modules', 'electron', 'path.txt');
const hasElectron = existsSync(pathTxt) && existsSync(path.join(repoRoot, 'node_modules', 'electron', 'dist', readFileSync(pathTxt, 'utf8').trim()));
if (hasElectron) console.log('[test/cli/start] Electron binary present: `npm start` opens Electron, which the electron project tests; the browser-shell fallback test is skipped.');

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe.skipIf(hasElectron)('npm start without Electron', () => {
  it('says why it uses the browser shell and prints the address of the demo station', async () => {
    const t = tempDir('balcao-start-');
    cleanups.push(t.remove);
    const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'start.mjs')], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', BALCAO_DATA_DIR: path.join(t.dir, 'demo'), DISPLAY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => child.kill('SIGTERM'));
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => resolve(c.toString().trim()));
      child.on('exit', (code) => reject(new Error(`start exited ${code}: ${stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
    expect(stderr).toContain("Electron's binary is not installed on this machine");
    expect(stderr).toContain('password balcao-demo');
    const info = await fetch(new URL(url).origin);
    expect(info.status).toBe(200);
  });
});
