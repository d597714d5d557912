/**
 * The SBI simulator's ten prints, made in a worker thread at a lower CPU
 * priority, so that a station starting its simulated slap scanner does not
 * spend its first seconds synthesising fingers on its one thread: a
 * 320 × 400 print is about a second of arithmetic, ten of them ~10 s, and the
 * station's start (serving the first page, the sign-in screen) competed with
 * them (docs/benchmarks.md, cold start). Same function, same options, so the
 * same bytes as synthesizeFingerprint in the thread (tested).
 *
 * This module is its own worker's entry: the server loads it with import(), so
 * the bundler gives it a small chunk of its own (with the synthesis), and the
 * worker runs that chunk. Where this file cannot be a worker's entry — run
 * from TypeScript source (the test runner), or bundled as CommonJS
 * (Electron's main, where import.meta is empty) — makePrintsInWorker answers
 * null and the caller makes the prints in its own thread, as before.
 */
import { setPriority } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { synthesizeFingerprint, type SynthesizeOptions } from '../fingerprint/synthetic.js';

const TASK = 'balcao:sbi-prints';

/**
 * Nice 10 (Linux: per thread; CFS weight 110 against 1024 at nice 0): while
 * the station and the browser want the CPU the prints get about a tenth of a
 * core, and all of an idle one otherwise. Not 19: on a busy desk the prints
 * must still be ready by the time an enrolment reaches the fingers.
 */
export const PRINT_WORKER_NICE = 10;

interface Job {
  task: typeof TASK;
  prints: SynthesizeOptions[];
  nice: number;
}

interface Made {
  index: number;
  pixels: Uint8Array;
}

export interface PrintBatch {
  /** One per requested print, in order; rejects if the worker ends before making it. */
  prints: Promise<Uint8Array>[];
  /** Ends the worker (what is not made by then rejects). */
  stop(): Promise<void>;
}

/** This module's own address, when Node can run it as a worker (an ES module file, not TypeScript source). */
function entry(): URL | null {
  // Empty in Electron's CommonJS bundle (esbuild warns about it when building that bundle; harmless: null here).
  const url: unknown = import.meta.url;
  return typeof url === 'string' && /^file:.*\.m?js$/.test(url) ? new URL(url) : null;
}

export function canMakePrintsInWorker(): boolean {
  return entry() !== null;
}

/**
 * Starts a worker that makes the prints one after another at `nice`, and
 * hands each back as it is made (its buffer transferred, not copied). Null
 * where no worker can run this module (see above).
 */
export function makePrintsInWorker(prints: readonly SynthesizeOptions[], nice = PRINT_WORKER_NICE): PrintBatch | null {
  const url = entry();
  if (url === null) return null;
  const settle = prints.map(() => {
    let resolve!: (pixels: Uint8Array) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<Uint8Array>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A print nobody asks for before the worker fails must not surface as an unhandled rejection.
    promise.catch(() => undefined);
    return { promise, resolve, reject, done: false };
  });
  const job: Job = { task: TASK, prints: [...prints], nice };
  const worker = new Worker(url, { workerData: job });
  // The prints are a convenience: they must never keep the process alive.
  worker.unref();
  worker.on('message', ({ index, pixels }: Made) => {
    const slot = settle[index];
    if (slot === undefined || slot.done) return;
    slot.done = true;
    slot.resolve(pixels);
  });
  const fail = (why: string) => {
    for (const slot of settle) {
      if (slot.done) continue;
      slot.done = true;
      slot.reject(new Error(`SBI print worker: ${why}`));
    }
  };
  worker.on('error', (error) => fail(error.message));
  worker.on('exit', (code) => fail(`exited (code ${code}) before making every print`));
  return {
    prints: settle.map((slot) => slot.promise),
    async stop() {
      fail('stopped');
      await worker.terminate();
    },
  };
}

// ---- worker side ----------------------------------------------------------------------------

function isJob(data: unknown): data is Job {
  return typeof data === 'object' && data !== null && (data as { task?: unknown }).task === TASK;
}

if (!isMainThread && parentPort !== null && isJob(workerData)) {
  const port = parentPort;
  const job = workerData;
  try {
    // Linux keeps a nice value per thread: this lowers the worker only, not the station's thread.
    setPriority(job.nice);
  } catch {
    // Not allowed or not supported here: the prints are made at normal priority.
  }
  for (const [index, options] of job.prints.entries()) {
    const pixels = synthesizeFingerprint(options);
    // A fresh Uint8Array owns a plain ArrayBuffer, never a shared one.
    port.postMessage({ index, pixels } satisfies Made, [pixels.buffer as ArrayBuffer]);
  }
}
