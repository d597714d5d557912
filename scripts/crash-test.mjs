// The full crash-consistency run (issue 5): 200 SIGKILLs of the station process during sealing and
// upload, then the checks of test/outbox/crash.test.ts. CI runs the same test with fewer kills.
// Usage: npm run crash-test [-- <kills>]   (CRASH_SEED=<n> replays a run)
import { spawnSync } from 'node:child_process';

const kills = process.argv[2] ?? '200';
const status = spawnSync('npx', ['vitest', 'run', '--project', 'e2e', 'test/outbox/crash.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, CRASH_KILLS: kills },
}).status;
process.exit(status ?? 1);
