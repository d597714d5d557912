#!/usr/bin/env node
// Builds everything that runs outside the test runner:
//   dist/renderer/        the UI (Vite), served by the browser shell and by Electron's app:// protocol
//   dist/cli.mjs          the `balcao` command (browser shell, and later device/quality/packet/outbox/agency-sim),
//   dist/cli/*.mjs        with its code-split chunks: what only some commands (or only later) need
//   dist/electron/*.cjs   Electron main and preload (built even where Electron's binary is absent)
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const want = (part) => only.length === 0 || only.includes(part);
const started = Date.now();

if (want('renderer')) {
  await viteBuild({ configFile: path.join(root, 'vite.renderer.config.ts'), logLevel: 'warn' });
}

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // Dependencies load from node_modules at run time (native modules cannot be bundled).
  packages: 'external',
};

/** What the CLI loads from node_modules at run time rather than bundling (see the CLI build below). */
const cliExternal = ['better-sqlite3', '@balcao/aes-gcm', 'serialport', '@serialport/*', 'node-hid', 'sharp', '@img/*', 'bufferutil', 'utf-8-validate', 'pdfkit', 'tus-js-client'];

if (want('cli')) {
  // Code-split: every `import()` in the CLI (the commands other than serve, and what the station loads only when
  // first used: receipts, the uploader's tus client, the demo's agency simulator…) becomes a chunk of its own, read
  // only when reached. `balcao serve` then reads what starting a station needs, not the whole CLI: its cold start
  // (docs/benchmarks.md) is mostly module loading. Chunks of an earlier build are removed first.
  rmSync(path.join(root, 'dist/cli'), { recursive: true, force: true });
  await esbuild({
    ...node,
    // The pure-JavaScript dependencies (zod, ws, commander, jose, xstate, fflate…) are bundled into the chunks: Node
    // resolves and compiles a package's hundred small ES modules far more slowly than one file (zod and ws alone
    // took ~0.3 s of each start). Left in node_modules: native modules, which cannot be bundled, their optional
    // native helpers (ws); pdfkit, which reads its font data from beside its own files; and what the code loads with
    // `import()` of the package itself (tus-js-client): a bundled CommonJS package reached that way would have only a
    // default export, where Node gives it its named ones too.
    packages: undefined,
    external: cliExternal,
    entryPoints: { cli: path.join(root, 'main/cli/index.ts') },
    outdir: path.join(root, 'dist'),
    splitting: true,
    chunkNames: 'cli/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    banner: { js: "import { createRequire as __balcaoCreateRequire } from 'node:module'; const require = __balcaoCreateRequire(import.meta.url);" },
  });
}

if (want('electron') && existsSync(path.join(root, 'main/electron/main.ts'))) {
  await esbuild({ ...node, entryPoints: [path.join(root, 'main/electron/main.ts')], outfile: path.join(root, 'dist/electron/main.cjs'), format: 'cjs', external: ['electron'],
    // The SBI simulator's print worker needs import.meta.url (ESM only); in this CommonJS bundle it sees undefined and makes the prints in-thread.
    define: { 'import.meta.url': 'undefined' } });
  // A sandboxed preload may require only electron: everything else (zod, the contract) is bundled in.
  await esbuild({
    bundle: true,
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    entryPoints: [path.join(root, 'main/electron/preload.ts')],
    outfile: path.join(root, 'dist/electron/preload.cjs'),
    format: 'cjs',
    external: ['electron'],
  });
}

console.log(`build: ${only.length ? only.join(', ') : 'all'} in ${Date.now() - started} ms`);
