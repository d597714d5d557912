#!/usr/bin/env node
// `npm start`: the station with the demo profile (simulated devices, demo accounts).
// In Electron where its binary is present; otherwise in the browser shell, saying why.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.BALCAO_DATA_DIR ?? path.join(root, '.balcao', 'demo');
const port = process.env.PORT ?? '5170';
const say = (line) => process.stderr.write(`${line}\n`);

const electronDir = path.join(root, 'node_modules', 'electron');
const pathTxt = path.join(electronDir, 'path.txt');
const electronBinary = existsSync(pathTxt) ? path.join(electronDir, 'dist', readFileSync(pathTxt, 'utf8').trim()) : null;

if (electronBinary !== null && existsSync(electronBinary)) {
  // better-sqlite3 must be compiled for Electron's ABI to load in its main process; setup.mjs switches it
  // back for Node before the next `npm test`. (Not exercised on machines without Electron's binary.)
  say('Rebuilding native modules for Electron (electron-builder install-app-deps)…');
  if (spawnSync(path.join(root, 'node_modules', '.bin', 'electron-builder'), ['install-app-deps'], { cwd: root, stdio: 'inherit' }).status !== 0) {
    say('Rebuilding native modules for Electron failed (see above); `npx balcao serve --demo` runs the browser shell meanwhile.');
    process.exit(1);
  }
  say(`Starting Balcão in Electron (demo profile, data in ${dataDir}).`);
  const child = spawn(electronBinary, [path.join(root, 'dist', 'electron', 'main.cjs'), '--demo', '--data-dir', dataDir], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  say("Electron's binary is not installed on this machine (it could not be downloaded), so Balcão starts in the browser shell instead.");
  say('The demo runs with simulated devices (fingerprint readers, MRZ reader, signature pad, scanners) and a local agency simulator, so an enrolment goes through to the agency\'s receipt.');
  const child = spawn(process.execPath, [path.join(root, 'bin', 'balcao.mjs'), 'serve', '--demo', '--data-dir', dataDir, '--port', port], { stdio: ['inherit', 'pipe', 'inherit'] });
  let opened = false;
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const url = chunk.toString().match(/http:\/\/127\.0\.0\.1:\d+\/\S*/)?.[0];
    if (url && !opened && process.env.DISPLAY && spawnSync('sh', ['-c', 'command -v chromium'], { stdio: 'ignore' }).status === 0) {
      opened = true;
      // An app window of its own, with a throwaway profile, like the station's kiosk.
      spawn('chromium', [`--app=${url}`, `--user-data-dir=${path.join(dataDir, '..', 'chromium-profile')}`, '--no-first-run', '--disable-background-networking'], { stdio: 'ignore', detached: true }).unref();
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
