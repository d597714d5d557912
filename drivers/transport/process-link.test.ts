import { describe, expect, it } from 'vitest';
import { isDeviceError } from '../errors.js';
import { describeCommand, runProcess } from './process-link.js';

const node = process.execPath;

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('runProcess', () => {
  it('collects stdout as bytes, stderr as text, the exit code and the environment', async () => {
    const script = "process.stdout.write(Buffer.from([0, 255, 137, 80])); process.stderr.write('warn: ' + process.env.BALCAO_TEST_VALUE); process.exit(3)";
    const result = await runProcess(node, ['-e', script], { timeoutMs: 10_000, env: { BALCAO_TEST_VALUE: 'é ok' } });
    expect([...result.stdout]).toEqual([0, 255, 137, 80]);
    expect(result.stderr).toBe('warn: é ok');
    expect(result.exitCode).toBe(3);
    expect(result.signal).toBeNull();
    expect(result.command).toContain('-e');
  });

  it('passes arguments without a shell (nothing in them is interpreted)', async () => {
    const result = await runProcess(node, ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', '$(echo hi)', "a b 'c'", '; rm -rf /'], { timeoutMs: 10_000 });
    expect(JSON.parse(result.stdout.toString())).toEqual(['$(echo hi)', "a b 'c'", '; rm -rf /']);
  });

  it('feeds stdin', async () => {
    const result = await runProcess(node, ['-e', 'process.stdin.pipe(process.stdout)'], { timeoutMs: 10_000, stdin: Buffer.from('page bytes') });
    expect(result.stdout.toString()).toBe('page bytes');
  });

  it('stops a program that runs too long: timeout, naming the command', async () => {
    const started = performance.now();
    const error = await failure(runProcess(node, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 200 }));
    expect(isDeviceError(error, 'timeout')).toBe(true);
    expect((error as Error).message).toMatch(/setTimeout.*did not finish within 200 ms/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('kills a program that ignores SIGTERM after the grace period', async () => {
    const error = await failure(runProcess(node, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); process.stdout.write('ready')"], { timeoutMs: 300, killGraceMs: 100 }));
    expect(isDeviceError(error, 'timeout')).toBe(true);
  });

  it('cancels through an AbortSignal, before and during the run', async () => {
    const controller = new AbortController();
    const run = runProcess(node, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 30_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const error = await failure(run);
    expect(isDeviceError(error, 'cancelled')).toBe(true);
    expect((error as Error).message).toMatch(/cancelled/);
    const already = await failure(runProcess(node, ['-e', '1'], { timeoutMs: 1000, signal: AbortSignal.abort() }));
    expect(isDeviceError(already, 'cancelled')).toBe(true);
  });

  it('says which package provides a missing program', async () => {
    const error = await failure(runProcess('balcao-no-such-scanimage', ['-L'], { timeoutMs: 5000, packageName: 'sane-utils' }));
    expect(isDeviceError(error, 'not_found')).toBe(true);
    expect((error as Error).message).toMatch(/balcao-no-such-scanimage was not found.*package sane-utils/);
  });

  it('stops a program whose output exceeds the limit', async () => {
    const error = await failure(runProcess(node, ['-e', "process.stdout.write(Buffer.alloc(100000)); setTimeout(() => {}, 60000)"], { timeoutMs: 10_000, maxStdoutBytes: 1000 }));
    expect(isDeviceError(error, 'protocol')).toBe(true);
  });
});

describe('describeCommand', () => {
  it('quotes what a shell would split', () => {
    expect(describeCommand('scanimage', ['-d', 'test:0', '--source', 'Automatic Document Feeder', "it's"])).toBe("scanimage -d test:0 --source 'Automatic Document Feeder' 'it'\\''s'");
  });
});
