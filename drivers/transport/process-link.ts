import { spawn } from 'node:child_process';
import { DeviceError } from '../errors.js';

/**
 * Runs a device's command-line front end (SANE's scanimage, …) as a child
 * process: no shell (arguments go to execve as they are, so nothing in them is
 * ever interpreted), a deadline on every run, cancellation through an
 * AbortSignal, stdout kept as bytes (an image) and stderr as text (the
 * program's messages). A non-zero exit is not an error here: what it means is
 * the family driver's business (drivers/sane/protocol.ts maps scanimage's).
 */
export interface RunProcessOptions {
  /** Added to (and overriding) the parent's environment. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Longest the program may run; then it is stopped and the run fails with 'timeout'. */
  timeoutMs: number;
  /** Aborting stops the program and fails the run with 'cancelled'. */
  signal?: AbortSignal;
  /** Which package provides the program, for the sentence when it is missing (e.g. 'sane-utils'). */
  packageName?: string;
  /** Bytes written to the program's stdin, then stdin is closed (stdin is closed at once when absent). */
  stdin?: Uint8Array;
  /** Stdout beyond this many bytes stops the program and fails with 'protocol' (default 512 MiB). */
  maxStdoutBytes?: number;
  /** Time between SIGTERM and SIGKILL when the program is stopped (default 500 ms). */
  killGraceMs?: number;
}

export interface ProcessResult {
  /** The program's exit status; null when a signal ended it. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  durationMs: number;
  /** The command as a person would type it, for messages. */
  command: string;
}

/** A command line as a person would type it (arguments with spaces or quotes in single quotes). */
export function describeCommand(program: string, args: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [program, ...args].map(quote).join(' ');
}

export function runProcess(program: string, args: readonly string[], options: RunProcessOptions): Promise<ProcessResult> {
  const command = describeCommand(program, args);
  const started = performance.now();
  const maxStdout = options.maxStdoutBytes ?? 512 * 1024 * 1024;
  const grace = options.killGraceMs ?? 500;
  return new Promise<ProcessResult>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new DeviceError('cancelled', `${command} was cancelled before it started.`));
      return;
    }
    const child = spawn(program, [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: DeviceError | null = null;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;

    const stop = (error: DeviceError) => {
      if (failure !== null) return;
      failure = error;
      child.kill('SIGTERM');
      // A program that ignores SIGTERM (or is stuck in the kernel) gets SIGKILL after the grace period.
      killTimer = setTimeout(() => child.kill('SIGKILL'), grace);
      killTimer.unref();
    };
    const timer = setTimeout(() => stop(new DeviceError('timeout', `${command} did not finish within ${options.timeoutMs} ms and was stopped.`)), options.timeoutMs);
    const onAbort = () => stop(new DeviceError('cancelled', `${command} was cancelled by the caller and stopped.`));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      outcome();
    };

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) stop(new DeviceError('protocol', `${command} wrote more than ${maxStdout} bytes to its output and was stopped.`));
      else chunks.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      // Keep the end of a chatty program's messages: the failure is said last.
      stderr = (stderr + text).slice(-64 * 1024);
    });
    // The program may exit without reading its input (EPIPE): that is its answer, not ours to report.
    child.stdin.on('error', () => undefined);
    if (options.stdin) child.stdin.end(Buffer.from(options.stdin));
    else child.stdin.end();

    child.on('error', (error: NodeJS.ErrnoException) => {
      finish(() => {
        if (error.code === 'ENOENT') {
          const from = options.packageName ? `it is provided by the package ${options.packageName} (e.g. apt-get install ${options.packageName})` : 'install the package that provides it';
          reject(new DeviceError('not_found', `The program ${program} was not found on this machine (tried to run ${command}); ${from}.`));
        } else if (error.code === 'EACCES') {
          reject(new DeviceError('not_found', `The program ${program} could not be run (permission denied) for ${command}.`));
        } else {
          reject(new DeviceError('disconnected', `${command} could not be run: ${error.message}.`));
        }
      });
    });
    child.on('close', (exitCode, signal) => {
      finish(() => {
        if (failure) reject(failure);
        else resolve({ exitCode, signal, stdout: Buffer.concat(chunks), stderr, durationMs: performance.now() - started, command });
      });
    });
  });
}
