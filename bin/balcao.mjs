#!/usr/bin/env node
// The `balcao` command. Runs the built CLI; builds it first on a fresh checkout.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.mjs');
if (!existsSync(cli) || !existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
  process.stderr.write('balcao: first run — building (npm run build)…\n');
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) {
    process.stderr.write('balcao: the build failed; run `npm run build` to see why.\n');
    process.exit(1);
  }
}
const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));
