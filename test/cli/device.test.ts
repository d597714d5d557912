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
});
