// Install step: compiles the addon with npm's node-gyp. Never fails the install: where it cannot be built
// (no compiler, not Linux), the sealer falls back to node:crypto and says so (index.cjs, app/packets/aes-gcm.ts).
'use strict';
const { spawnSync } = require('node:child_process');

const gyp = process.env.npm_config_node_gyp;
const run = gyp ? spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: __dirname, stdio: 'inherit' }) : spawnSync('node-gyp', ['rebuild'], { cwd: __dirname, stdio: 'inherit', shell: true });
if (run.status !== 0) {
  process.stderr.write('@balcao/aes-gcm: could not build the addon (see above); packets will be sealed with node:crypto, which is slower here.\n');
}
