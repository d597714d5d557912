#!/usr/bin/env node
// Makes a fresh Debian machine (Node 20) ready: system packages, npm dependencies,
// Electron's binary where it can be downloaded, and the build. Safe to run again:
// it only does what is missing. Uses nothing but Node's standard library, because
// it runs before `npm ci`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`setup: ${line}\n`);
const run = (cmd, args, options = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

// 1. System packages: Chromium (UI tests, browser shell), socat (pseudo-terminal pairs for serial
//    simulators), sane-utils (scanimage and SANE's test backend), libusb (node-hid), fonts that cover
//    Latin, Cyrillic and Arabic for the UI's languages and the receipt PDF, poppler-utils (pdftotext reads
//    receipt PDFs back in tests, a reader independent of the one that wrote them), openssl (the system
//    libcrypto.so.3 the sealer's AES-GCM addon opens; its command checks packets in tests and the benchmark).
const systemPackages = ['chromium', 'socat', 'sane-utils', 'libusb-1.0-0', 'fonts-dejavu-core', 'poppler-utils', 'openssl'];
if (has('dpkg-query')) {
  const missing = systemPackages.filter((pkg) => {
    const q = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return q.status !== 0 || !q.stdout.includes('install ok installed');
  });
  if (missing.length > 0) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const prefix = isRoot ? [] : has('sudo') ? ['sudo', '-n'] : null;
    if (prefix === null) {
      say(`missing system packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
      process.exit(1);
    }
    say(`installing system packages: ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const [cmd, ...pre] = prefix.length ? prefix : ['apt-get'];
    const aptArgs = (args) => (prefix.length ? [...pre, 'apt-get', ...args] : args);
    if (run(cmd, aptArgs(['update', '-qq']), { env }).status !== 0 || run(cmd, aptArgs(['install', '-y', '-qq', '--no-install-recommends', ...missing]), { env }).status !== 0) {
      say(`could not install ${missing.join(' ')}; install them by hand (sudo apt-get install -y ${missing.join(' ')}) and run again.`);
      process.exit(1);
    }
  }
} else {
  say('not a Debian system (no dpkg-query): make sure chromium, socat, sane-utils and libusb are installed.');
}

// 2. npm dependencies, reinstalled only when package-lock.json or Node's version changed.
const lock = path.join(root, 'package-lock.json');
const stampFile = path.join(root, 'node_modules', '.balcao-setup.json');
const wanted = createHash('sha256').update(readFileSync(lock)).update(process.version).digest('hex');
let stamp = {};
try {
  stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
} catch {
  stamp = {};
}
if (stamp.lock !== wanted) {
  say('installing npm dependencies (npm ci; native modules build from source where no prebuilt binary is reachable)…');
  // Electron's postinstall downloads its binary from GitHub; where that is unreachable it would fail the
  // whole install, so the download is tried separately below.
  const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
  if (run('npm', ['ci', '--no-audit', '--no-fund'], { env }).status !== 0) {
    say('npm ci failed (see above).');
    process.exit(1);
  }
  stamp = { lock: wanted };
}

// Native modules are compiled for one ABI at a time. `npm start` rebuilds them for Electron where Electron
// runs; tests, the CLI and the browser shell run under Node, so switch back when better-sqlite3 (the one
// module here built against V8 rather than Node-API) no longer loads under Node.
const sqliteLoads = () => spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: root, stdio: 'ignore' }).status === 0;
if (!sqliteLoads()) {
  say('better-sqlite3 is built for another runtime (Electron?): rebuilding it for Node…');
  if (run('npm', ['rebuild', 'better-sqlite3']).status !== 0 || !sqliteLoads()) {
    say('rebuilding better-sqlite3 for Node failed (see above).');
    process.exit(1);
  }
}

// The sealer's AES-256-GCM addon (native/aes-gcm: the system OpenSSL, twice node:crypto's speed here). npm ci builds
// it with its install script; build it again if that did not happen (an npm that skipped the script, a build folder
// removed). Not fatal: without it packets are sealed with node:crypto, more slowly, and the seal tests say so.
const aesGcmState = () => {
  const probe = spawnSync(process.execPath, ['-e', "const a = require('@balcao/aes-gcm'); process.stdout.write(a.available ? 'ok' : a.reason)"], { cwd: root, encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout : (probe.stderr || 'could not load').split('\n')[0];
};
if (aesGcmState() !== 'ok') {
  say('building the AES-256-GCM addon (native/aes-gcm)…');
  run('npm', ['rebuild', '@balcao/aes-gcm']);
  const state = aesGcmState();
  if (state !== 'ok') say(`the AES-256-GCM addon is not usable (${state}): packets will be sealed with node:crypto, which is slower.`);
}

// 3. Electron's binary: optional. Without it the station runs in the browser shell and the Electron suite is skipped.
const electronDir = path.join(root, 'node_modules', 'electron');
const electronReady = () => existsSync(path.join(electronDir, 'path.txt')) && existsSync(path.join(electronDir, 'dist', readFileSync(path.join(electronDir, 'path.txt'), 'utf8').trim()));
if (!electronReady() && stamp.electronTried !== true) {
  say("trying to download Electron's binary…");
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const result = spawnSync(process.execPath, ['install.js'], { cwd: electronDir, env, encoding: 'utf8', timeout: 120_000 });
  const why = (result.stderr || result.stdout || '').split('\n').find((l) => /error/i.test(l))?.trim() ?? (result.error?.message ?? 'unknown reason');
  say(electronReady() ? 'Electron binary installed.' : `Electron's binary is not available here (${why.slice(0, 160)}): the station will use the browser shell and the Electron suite will be skipped.`);
  stamp.electronTried = true;
}
writeFileSync(stampFile, JSON.stringify(stamp));

// 4. Build the UI, the CLI and the Electron entry points.
if (run(process.execPath, [path.join(root, 'scripts', 'build.mjs')]).status !== 0) {
  say('the build failed (see above).');
  process.exit(1);
}
