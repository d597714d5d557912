import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { balcaoBin, repoRoot, runBalcao } from '../support/shell-process.js';
import { tempDir } from '../support/temp-station.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Starts `balcao simulate <device>` and waits for the pty path it prints. */
function simulate(args: string[]): Promise<{ where: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [balcaoBin, 'simulate', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (c: Buffer) => resolve({ where: c.toString().trim(), child }));
    child.once('exit', (code) => reject(new Error(`simulate exited ${code}: ${stderr}`)));
  });
}

describe('balcao device and simulate', () => {
  it('captures from the GT-5xx simulator on a pty and writes an 8-bit greyscale PNG at 500 ppi', async () => {
    const { where } = await simulate(['gt5xx', '--quality', 'good', '--seed', '7']);
    expect(where).toMatch(/balcao-pty-.*\/host$/);
    const out = path.join(tempDir().dir, 'finger.png');
    const result = await runBalcao(['device', 'capture', '--driver', 'gt5xx', '--port', where, '--out', out]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ width: 258, height: 202, ppi: 500, device: { family: 'gt5xx' } });
    const meta = await sharp(out).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 258, height: 202, channels: 1, depth: 'uchar', density: 500 });
    const stats = await sharp(out).stats();
    // A finger, not a blank or constant image.
    expect(stats.channels[0]?.stdev).toBeGreaterThan(30);
  });

  it('captures from the R30x (EF01) simulator on a pty, paced at the wire rate, 256×288 at 500 ppi', async () => {
    const { where } = await simulate(['r30x', '--quality', 'dry', '--seed', '3']);
    const out = path.join(tempDir().dir, 'r30x.png');
    const result = await runBalcao(['device', 'capture', '--driver', 'r30x', '--port', where, '--out', out]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ width: 256, height: 288, ppi: 500, device: { family: 'ef01' } });
    expect(await sharp(out).metadata()).toMatchObject({ channels: 1, density: 500 });
  });

  it('reads a passport from the DESKO reader simulator and prints the parsed MRZ', async () => {
    const { where } = await simulate(['desko', '--every', '300']);
    const result = await runBalcao(['device', 'read-mrz', '--driver', 'desko', '--port', where, '--timeout', '5']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({ valid: true, format: 'TD3', documentCode: 'P', issuingState: 'PRT' });
    expect(parsed.documentNumber).toEqual(expect.any(String));
  });

  it('says which port it could not open, with the device exit code', async () => {
    const result = await runBalcao(['device', 'capture', '--driver', 'gt5xx', '--port', '/dev/ttyBALCAO-NONE', '--out', '/tmp/x.png']);
    expect(result.code).toBe(69);
    expect(result.stderr).toContain('/dev/ttyBALCAO-NONE');
  });

  it('says what was tried when the device stays silent', async () => {
    const { where } = await simulate(['gt5xx', '--fault', 'timeout']);
    const result = await runBalcao(['device', 'capture', '--driver', 'gt5xx', '--port', where, '--out', '/tmp/x.png', '--timeout', '3']);
    expect(result.code).toBe(69);
    expect(result.stderr).toMatch(new RegExp(`No answer from ${where.replace(/[/.]/g, '\\$&')} at 9600 baud to \\w+`));
  });

  it('refuses unknown drivers, simulators, qualities and faults, naming the known ones', async () => {
    for (const [args, words] of [
      [['device', 'capture', '--driver', 'nope', '--port', '/dev/null', '--out', '/tmp/x.png'], 'gt5xx'],
      [['device', 'read-mrz', '--driver', 'nope', '--port', '/dev/null'], 'desko, 3m, lines'],
      [['simulate', 'toaster'], 'gt5xx'],
      [['simulate', 'gt5xx', '--quality', 'perfect'], 'poor_contrast'],
      [['simulate', 'gt5xx', '--fault', 'nope'], 'finger_lifted'],
    ] as const) {
      const result = await runBalcao([...args]);
      expect(result.code === 64 || result.code === 69).toBe(true);
      expect(result.stderr).toContain(words);
    }
  });

  it('scans a page from SANE\'s test backend with --simulate and writes the PNG at the asked resolution', async () => {
    const out = path.join(tempDir().dir, 'sane.png');
    const result = await runBalcao(['device', 'scan', '--driver', 'sane', '--device', 'test:0', '--simulate', '--mode', 'gray', '--resolution', '150', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ pages: [out], driver: 'sane', device: 'test:0', ppi: 150, simulated: true });
    // test.conf's 80 × 100 mm geometry at 150 dpi: 472 × 590.
    expect(await sharp(out).metadata()).toMatchObject({ format: 'png', width: 472, height: 590, channels: 1 });
  });

  it('scans three feeder pages from `balcao simulate escl` over HTTP, each a generated document page', async () => {
    const { where } = await simulate(['escl', '--port', '0', '--seed', '4']);
    expect(where).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/eSCL\/?$/);
    const out = path.join(tempDir().dir, 'page.jpg');
    const result = await runBalcao(['device', 'scan', '--driver', 'escl', '--url', where, '--source', 'feeder', '--mode', 'gray', '--resolution', '150', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const scan = JSON.parse(result.stdout) as { pages: string[] };
    expect(scan.pages.length).toBeGreaterThanOrEqual(1);
    for (const page of scan.pages) {
      const meta = await sharp(page).metadata();
      expect(meta.format).toBe('jpeg');
      // An A4 page at 150 dpi is 1240 px wide; a blank would have no spread.
      expect(meta.width).toBeGreaterThan(1200);
      expect((await sharp(page).stats()).channels[0]?.stdev).toBeGreaterThan(10);
    }
  });

  it('names the eSCL URL it tried when nothing answers, with the device exit code', async () => {
    const result = await runBalcao(['device', 'scan', '--driver', 'escl', '--url', 'http://127.0.0.1:9/eSCL', '--out', '/tmp/never.png', '--timeout', '5']);
    expect(result.code).toBe(69);
    expect(result.stderr).toContain('http://127.0.0.1:9/eSCL/ScannerCapabilities');
  });

  it('runs the SBI device service simulator and prints its URL; MOSIPDISC finds a finger device there', async () => {
    const { where } = await simulate(['sbi', '--port', '0']);
    const url = new URL(where);
    expect(url.hostname).toBe('127.0.0.1');
    const { discoverSbiServices } = await import('../../drivers/sbi/driver.js');
    const found = await discoverSbiServices({ ports: [Number(url.port)], timeoutMs: 3000 });
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatchObject({ family: 'sbi', address: expect.stringContaining(url.port) });
  });

  it('lists SANE scanners and the SBI service on its spec port (4501) in `device list`', async () => {
    const { where } = await simulate(['sbi']);
    expect(where).toBe('http://127.0.0.1:4501');
    const result = await runBalcao(['device', 'list', '--simulate', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { devices } = JSON.parse(result.stdout) as { devices: { bus: string; path: string }[] };
    expect(devices).toEqual(expect.arrayContaining([expect.objectContaining({ bus: 'sane', path: 'test:0' }), expect.objectContaining({ bus: 'sbi', path: 'http://127.0.0.1:4501' })]));
  });
});
