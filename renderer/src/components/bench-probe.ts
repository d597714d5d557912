/**
 * Latency probes for the benchmarks (bench/): when the page was opened with
 * `?bench=1`, capture screens record, per ink batch or preview frame, when
 * the event arrived and when it was painted, into a bounded ring buffer on
 * `window` (`__balcaoInkTimings`, `__balcaoPreviewTimings`). Without the flag
 * nothing is created and recording is a single null check.
 */

export interface ProbeSample {
  /** The event's seq (capture.ink / capture.preview). */
  seq: number;
  /** performance.now() when the event reached the listener. */
  arrived: number;
  /** performance.now() in the animation-frame callback that drew it. */
  painted: number;
  /** Ink: points in the batch; preview: frame width × height. */
  size: number;
}

/** Fixed-capacity FIFO: the oldest sample is overwritten once full. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private next = 0;
  /** Samples ever pushed (including overwritten ones). */
  total = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    this.total += 1;
  }

  /** Oldest first. */
  entries(): T[] {
    const count = Math.min(this.total, this.capacity);
    const out: T[] = [];
    const start = this.total > this.capacity ? this.next : 0;
    for (let i = 0; i < count; i++) out.push(this.items[(start + i) % this.capacity] as T);
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.next = 0;
    this.total = 0;
  }
}

export type ProbeName = '__balcaoInkTimings' | '__balcaoPreviewTimings';

/** Room for a whole benchmark run: six pad captures at up to ~250 ink batches a second (4 ms batches) need ~4,000. */
export const probeCapacity = 16384;

export function benchRequested(search: string): boolean {
  return new URLSearchParams(search).get('bench') === '1';
}

// Read once when the bundle loads: in-app navigation may drop the query string later.
const benchAtLoad = typeof window !== 'undefined' && benchRequested(window.location.search);

/** The probe buffer, created on window on first use when benchmarking; null otherwise. */
export function probe(name: ProbeName): RingBuffer<ProbeSample> | null {
  if (typeof window === 'undefined') return null;
  if (!benchAtLoad && !benchRequested(window.location.search)) return null;
  const host = window as unknown as Record<ProbeName, RingBuffer<ProbeSample> | undefined>;
  host[name] ??= new RingBuffer<ProbeSample>(probeCapacity);
  return host[name];
}
