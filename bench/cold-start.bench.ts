// Browser shell cold start: from spawning `balcao serve` (a new Node process) to the login screen
// rendered in Chromium. Budget ≤ 1.5 s. Measured five times each for:
//   first start — an empty data directory (database created, migrations run, demo accounts hashed);
//   restart     — the same data directory again.
// Chromium is already running (a fresh page for each run): its own launch is reported separately,
// and once with Chromium launched in parallel with the station, as `npm start` does on a desk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Browser } from 'playwright-core';
import { startShell } from '../test/support/shell-process.js';
import { chromiumLaunchOptions } from '../test/support/browser.js';
import { fmt, report, summarise } from './support.js';

const runs = Number(process.env.RUNS ?? 5);

async function once(browser: Browser, dataDir: string) {
  const t0 = performance.now();
  const shell = await startShell(['--demo', '--data-dir', dataDir]);
  const printed = performance.now() - t0;
  const page = await browser.newPage();
  await page.goto(shell.url);
  await page.getByTestId('login-form').waitFor({ state: 'visible' });
  const rendered = performance.now() - t0;
  await page.close();
  await shell.stop();
  return { printed, rendered };
}

const root = mkdtempSync(path.join(tmpdir(), 'balcao-bench-start-'));
const launchStart = performance.now();
const browser = await chromium.launch(chromiumLaunchOptions());
const chromiumLaunch = performance.now() - launchStart;
// One untimed run so that the OS file cache holds node, the modules and Chromium's resources, as on a desk in use.
await once(browser, path.join(root, 'warm'));

const first: { printed: number; rendered: number }[] = [];
const restart: { printed: number; rendered: number }[] = [];
for (let i = 0; i < runs; i++) {
  const dataDir = path.join(root, `run-${i}`);
  first.push(await once(browser, dataDir));
  restart.push(await once(browser, dataDir));
}
await browser.close();

// Chromium launched in parallel with the station, both cold processes.
const parallelStart = performance.now();
const [shell, coldBrowser] = await Promise.all([startShell(['--demo', '--data-dir', path.join(root, 'parallel')]), chromium.launch(chromiumLaunchOptions())]);
const page = await coldBrowser.newPage();
await page.goto(shell.url);
await page.getByTestId('login-form').waitFor({ state: 'visible' });
const parallel = performance.now() - parallelStart;
await coldBrowser.close();
await shell.stop();
rmSync(root, { recursive: true, force: true });

const firstRendered = summarise(first.map((r) => r.rendered));
const restartRendered = summarise(restart.map((r) => r.rendered));
console.log(`browser shell cold start to login screen rendered (${runs} runs each; budget 1500 ms):`);
console.log(`  first start (new data dir):  address printed p50 ${fmt(summarise(first.map((r) => r.printed)).p50)}; login rendered p50 ${fmt(firstRendered.p50)}, max ${fmt(firstRendered.max)}`);
console.log(`  restart (existing data dir): address printed p50 ${fmt(summarise(restart.map((r) => r.printed)).p50)}; login rendered p50 ${fmt(restartRendered.p50)}, max ${fmt(restartRendered.max)}`);
console.log(`  Chromium's own launch: ${fmt(chromiumLaunch)}; station and Chromium started together, to login rendered: ${fmt(parallel)}`);
report('cold-start', { runs, first, restart, firstRendered, restartRendered, chromiumLaunchMs: chromiumLaunch, parallelMs: parallel, budgetMs: 1500 });
