// Station process memory, idle: `balcao serve --demo` in its own process, one page connected and an
// operator signed in, then left alone; RSS read from /proc/<pid>/status (VmRSS, and VmHWM as the peak).
// Budget: ≤ 250 MB. Device simulators are not part of this build yet, so none run here.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { startShell } from '../test/support/shell-process.js';
import { chromiumLaunchOptions } from '../test/support/browser.js';
import { report } from './support.js';

function memory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

const idleSeconds = Number(process.env.IDLE_SECONDS ?? 20);
const dir = mkdtempSync(path.join(tmpdir(), 'balcao-bench-rss-'));
const shell = await startShell(['--demo', '--data-dir', path.join(dir, 'demo')]);
const pid = shell.child.pid as number;
const atStart = memory(pid);

const browser = await chromium.launch(chromiumLaunchOptions());
const page = await browser.newPage();
await page.goto(shell.url);
await page.getByTestId('login-form').waitFor();
await page.locator('#login-username').fill('ana');
await page.locator('#login-password').fill('balcao-demo');
await page.locator('#login-password').press('Enter');
await page.getByTestId('home').waitFor();
const afterLogin = memory(pid);

const samples: number[] = [];
for (let s = 0; s < idleSeconds; s++) {
  await sleep(1000);
  samples.push(memory(pid).rssMb);
}
const idle = memory(pid);
await browser.close();
await shell.stop();
rmSync(dir, { recursive: true, force: true });

console.log(`station process (balcao serve --demo), pid ${pid}:`);
console.log(`  RSS at start ${atStart.rssMb.toFixed(1)} MB; after a page connected and an operator signed in ${afterLogin.rssMb.toFixed(1)} MB`);
console.log(`  RSS idle for ${idleSeconds} s: min ${Math.min(...samples).toFixed(1)} MB, last ${idle.rssMb.toFixed(1)} MB; peak (VmHWM) ${idle.peakMb.toFixed(1)} MB — budget 250 MB`);
report('idle-rss', { idleSeconds, atStart, afterLogin, idle, idleMinMb: Math.min(...samples), budgetMb: 250 });
