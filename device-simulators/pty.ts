import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PtyPair {
  /** The end a driver opens, as it would open /dev/ttyUSB0. */
  hostPath: string;
  /** The end a simulator opens. */
  devicePath: string;
  close(): Promise<void>;
}

/**
 * A pseudo-terminal pair joined by socat, so that a driver and a simulator
 * talk through the real serialport binding and the kernel's tty layer.
 * socat prints "PTY is /dev/pts/N" for each end (with -d -d); `rawer`
 * keeps the tty layer from touching the bytes.
 * Over a pty, the other end going away reaches the serialport binding late
 * or not at all (unlike a USB adapter's unplugging): a driver may notice it
 * only through its exchange timeouts.
 */
export interface PtyPairOptions {
  timeoutMs?: number;
  /**
   * Where socat puts the host end (its `link=` option: a symlink to the
   * pty). A fixed path lets a test stop the pair and start a new one that a
   * driver reopens at the same path, as a reader unplugged and plugged in
   * again reappears at the same /dev/serial/by-id name. socat removes the
   * link when it exits. Default: a fresh temporary folder's `host`.
   */
  hostLink?: string;
}

export async function createPtyPair(timeoutOrOptions: number | PtyPairOptions = 5000): Promise<PtyPair> {
  const { timeoutMs = 5000, hostLink } = typeof timeoutOrOptions === 'number' ? { timeoutMs: timeoutOrOptions } : timeoutOrOptions;
  const dir = mkdtempSync(path.join(tmpdir(), 'balcao-pty-'));
  const hostPath = hostLink ?? path.join(dir, 'host');
  const devicePath = path.join(dir, 'device');
  let child: ChildProcess;
  try {
    child = spawn('socat', ['-d', '-d', `pty,rawer,link=${hostPath}`, `pty,rawer,link=${devicePath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`socat could not be started (${(error as Error).message}); install it with: apt-get install socat`);
  }
  await new Promise<void>((resolve, reject) => {
    let seen = 0;
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`socat did not create the pseudo-terminals within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`socat could not be started (${error.message}); install it with: apt-get install socat`));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      seen = (stderr.match(/PTY is /g) ?? []).length;
      if (seen >= 2 && /starting data transfer loop/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited (${code}) before the pseudo-terminals were ready: ${stderr}`));
    });
  });
  return {
    hostPath,
    devicePath,
    close: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}
