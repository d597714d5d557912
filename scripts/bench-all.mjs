#!/usr/bin/env node
// `npm run bench [name…]`: bundles each bench/*.ts with esbuild and runs it under plain Node, one at a
// time (they measure the machine, so they must not share it). Each prints its own figures; the JSON
// figures also land in bench/results/<name>.json.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wanted = process.argv.slice(2);
const benches = readdirSync(path.join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .filter((name) => wanted.length === 0 || wanted.includes(name));
mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
let failed = 0;
for (const name of benches) {
  const outfile = path.join(root, 'dist', 'bench', `${name}.mjs`);
  await build({
    entryPoints: [path.join(root, 'bench', `${name}.bench.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  process.stdout.write(`\n### ${name}\n`);
  const status = spawnSync(process.execPath, ['--expose-gc', outfile], { cwd: root, stdio: 'inherit' }).status;
  if (status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
