// Browser shell cold start: from spawning `balcao serve` (a new Node process) to the login screen
// rendered in Chromium. Budget ≤ 1.5 s. Measured five times each for:
//   first start — an empty data directory (database created, migrations run, demo accounts hashed);
//   restart     — the same data directory again.
// Chromium is already running (a fresh page for each run): its own launch is reported separately,
// and once with Chromium launched in parallel with the station, as `npm start` does on a desk.
//
// Comparing builds: BENCH_BUILDS="before=/tmp/old,after=." runs each build's `bin/balcao.mjs` (a copy of
// bin/, dist/ and package.json, with node_modules linked, is enough) in interleaved rounds, so that
// every build sees the same load; each run prints the load average, as a shared machine needs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from '../test/support/shell-process.js';
import { chromiumLaunchOptions } from '../test/support/browser.js';
import { fmt, report, summarise } from './support.js';

const runs = Number(process.env.RUNS ?? 5);

interface Build {
  label: string;
  root: string;
}

const builds: Build[] = (process.env.BENCH_BUILDS ?? `this=${repoRoot}`).split(',').map((entry) => {
  const [label, root] = entry.includes('=') ? (entry.split('=', 2) as [string, string]) : [entry, entry];
  return { label, root: path.resolve(root) };
});

interface Station {
  url: string;
  stop(): Promise<void>;
}

/** `balcao serve --port 0 …` of one build, resolved when it prints its address (its first line on stdout). */
function startStation(build: Build, args: string[], timeoutMs = 30_000): Promise<Station> {
  const child = spawn(process.execPath, [path.join(build.root, 'bin', 'balcao.mjs'), 'serve', '--port', '0', ...args], { cwd: build.root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${build.label}: balcao serve printed no address in ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${build.label}: balcao serve exited with ${code}; stderr: ${stderr}`));
    });
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        url: stdout.slice(0, newline).trim(),
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

interface Run {
  printed: number;
  rendered: number;
  /** In the page, from its navigation start: the HTML's first byte, the first script fetched, the login form seen. */
  page: { html: number; script: number; locale: number | null; login: number };
  /** Chromium's own count (CDP Performance.getMetrics) of time spent running the page's scripts and tasks, to the login form. */
  pageCpu: { scriptMs: number; taskMs: number };
  load1: number;
}

async function once(browser: Browser, build: Build, dataDir: string): Promise<Run> {
  const load1 = loadavg()[0] as number;
  const t0 = performance.now();
  const station = await startStation(build, ['--demo', '--data-dir', dataDir]);
  const printed = performance.now() - t0;
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(station.url);
  await page.getByTestId('login-form').waitFor({ state: 'visible' });
  const rendered = performance.now() - t0;
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? NaN) * 1000;
  const pageCpu = { scriptMs: metric('ScriptDuration'), taskMs: metric('TaskDuration') };
  const timing = await page.evaluate(() => {
    // The page's Performance API, typed here: the bench's own types are Node's.
    interface Entry {
      name: string;
      responseStart: number;
      responseEnd: number;
    }
    const api = performance as unknown as { getEntriesByType(type: string): Entry[]; now(): number };
    const nav = api.getEntriesByType('navigation')[0];
    const scripts = api.getEntriesByType('resource').filter((e) => e.name.endsWith('.js'));
    const first = scripts.find((e) => /\/assets\/index-[^/]*\.js$/.test(e.name));
    const locale = scripts.find((e) => /\/assets\/(pt|en|uk|ru|bg|cs|ar)-[^/]*\.js$/.test(e.name));
    return { html: nav?.responseStart ?? NaN, script: first?.responseEnd ?? NaN, locale: locale?.responseEnd ?? null, login: api.now() };
  });
  await page.close();
  await station.stop();
  return { printed, rendered, page: timing, pageCpu, load1 };
}

const line = (build: Build, kind: string, run: Run) =>
  `  ${build.label.padEnd(10)} ${kind.padEnd(7)} printed ${fmt(run.printed).padStart(9)}  login ${fmt(run.rendered).padStart(9)}  ` +
  `(page: html ${run.page.html.toFixed(0)}, script ${run.page.script.toFixed(0)}${run.page.locale === null ? '' : `, locale ${run.page.locale.toFixed(0)}`}, login ${run.page.login.toFixed(0)} ms; script ${run.pageCpu.scriptMs.toFixed(0)} ms, tasks ${run.pageCpu.taskMs.toFixed(0)} ms)  load ${run.load1.toFixed(2)}`;

const root = mkdtempSync(path.join(tmpdir(), 'balcao-bench-start-'));
const launchStart = performance.now();
const browser = await chromium.launch(chromiumLaunchOptions());
const chromiumLaunch = performance.now() - launchStart;
// One untimed run per build so that the OS file cache holds node, the modules and Chromium's resources, as on a desk in use.
for (const build of builds) await once(browser, build, path.join(root, `warm-${build.label}`));

const results = new Map(builds.map((build) => [build.label, { first: [] as Run[], restart: [] as Run[], parallelMs: NaN }]));
console.log(`browser shell cold start to login screen rendered (${runs} rounds; budget 1500 ms):`);
for (let i = 0; i < runs; i++) {
  // Interleaved, and each round in another order, so that no build always follows another's restart.
  const order = i % 2 === 0 ? builds : [...builds].reverse();
  for (const build of order) {
    const dataDir = path.join(root, `${build.label}-run-${i}`);
    const result = results.get(build.label)!;
    const first = await once(browser, build, dataDir);
    console.log(line(build, 'first', first));
    const restart = await once(browser, build, dataDir);
    console.log(line(build, 'restart', restart));
    result.first.push(first);
    result.restart.push(restart);
  }
}
await browser.close();

// Chromium launched in parallel with the station, both cold processes.
for (const build of builds) {
  const parallelStart = performance.now();
  const [station, coldBrowser] = await Promise.all([startStation(build, ['--demo', '--data-dir', path.join(root, `parallel-${build.label}`)]), chromium.launch(chromiumLaunchOptions())]);
  const page = await coldBrowser.newPage();
  await page.goto(station.url);
  await page.getByTestId('login-form').waitFor({ state: 'visible' });
  results.get(build.label)!.parallelMs = performance.now() - parallelStart;
  await coldBrowser.close();
  await station.stop();
}
rmSync(root, { recursive: true, force: true });

const figures: Record<string, unknown> = { runs, chromiumLaunchMs: chromiumLaunch, budgetMs: 1500 };
for (const build of builds) {
  const { first, restart, parallelMs } = results.get(build.label)!;
  const firstRendered = summarise(first.map((r) => r.rendered));
  const restartRendered = summarise(restart.map((r) => r.rendered));
  const loads = [...first, ...restart].map((r) => r.load1);
  console.log(`${build.label} (${build.root}), load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}:`);
  console.log(`  first start (new data dir):  address printed p50 ${fmt(summarise(first.map((r) => r.printed)).p50)}; login rendered p50 ${fmt(firstRendered.p50)}, max ${fmt(firstRendered.max)}`);
  console.log(`  restart (existing data dir): address printed p50 ${fmt(summarise(restart.map((r) => r.printed)).p50)}; login rendered p50 ${fmt(restartRendered.p50)}, max ${fmt(restartRendered.max)}`);
  console.log(`  station and Chromium started together, to login rendered: ${fmt(parallelMs)}`);
  const all = [...first, ...restart];
  console.log(`  in the page, to the login form: running scripts p50 ${fmt(summarise(all.map((r) => r.pageCpu.scriptMs)).p50)}, all tasks p50 ${fmt(summarise(all.map((r) => r.pageCpu.taskMs)).p50)}`);
  figures[build.label] = { root: build.root, first, restart, firstRendered, restartRendered, parallelMs };
  // The single-build figures keep the names they had before builds could be compared.
  if (builds.length === 1) Object.assign(figures, { first, restart, firstRendered, restartRendered, parallelMs });
}
console.log(`Chromium's own launch: ${fmt(chromiumLaunch)}`);
report('cold-start', figures);
