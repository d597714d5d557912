import { DeviceError } from '../errors.js';
import type { ByteLink } from './byte-link.js';

/**
 * What a protocol's pure decoder says about the bytes at the front of the buffer:
 *   frame — a whole, valid frame of `size` bytes;
 *   need  — a frame may be starting, wait for more bytes;
 *   skip  — the first `size` bytes are not (part of) a valid frame: drop them,
 *           and report `error` if given (a lone power-on byte is skipped silently).
 */
export type DecodeResult<F> =
  | { kind: 'frame'; frame: F; size: number }
  | { kind: 'need' }
  | { kind: 'skip'; size: number; error?: DeviceError };

export type Decoder<F> = (buffer: Buffer) => DecodeResult<F>;

type Item<F> = { frame: F } | { error: DeviceError };

/**
 * Turns a ByteLink's chunks into frames with a protocol's decoder. Every read
 * has a timeout; a link that goes away fails the pending read with
 * `disconnected`; bytes that are not frames fail it with the decoder's error,
 * and reading resumes at the next frame.
 */
export class FrameReader<F> {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly items: Item<F>[] = [];
  private waiter: ((item: Item<F>) => void) | null = null;
  private closedError: DeviceError | null = null;
  private readonly detach: (() => void)[];

  constructor(
    private readonly link: ByteLink,
    private readonly decode: Decoder<F>,
    /** Bytes held while waiting for a frame to complete; beyond this the buffer is garbage. */
    private readonly maxBuffered = 1 << 20,
  ) {
    this.detach = [
      link.onData((chunk) => this.push(chunk)),
      link.onClose((error) => {
        this.closedError = new DeviceError('disconnected', `The device on ${link.description} was disconnected${error ? ` (${error.message})` : ''}.`);
        this.offer({ error: this.closedError });
      }),
    ];
  }

  private offer(item: Item<F>): void {
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter(item);
    } else this.items.push(item);
  }

  private push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length === 0) return;
      const result = this.decode(this.buffer);
      if (result.kind === 'need') {
        if (this.buffer.length > this.maxBuffered) {
          this.buffer = Buffer.alloc(0);
          this.offer({ error: new DeviceError('protocol', `More than ${this.maxBuffered} bytes from ${this.link.description} without a complete frame.`) });
        }
        return;
      }
      // Guard against a decoder that would loop forever on a zero-length step.
      const size = Math.max(1, result.size);
      this.buffer = this.buffer.subarray(size);
      if (result.kind === 'frame') this.offer({ frame: result.frame });
      else if (result.error) this.offer({ error: result.error });
    }
  }

  /** Forgets anything received and not yet read: before a new command, so a late answer to an old one is not taken for the new one's. */
  discard(): void {
    this.buffer = Buffer.alloc(0);
    this.items.length = 0;
  }

  /** The next frame, or a typed error: timeout (naming `what` and the link), protocol, checksum, disconnected. */
  next(timeoutMs: number, what: string): Promise<F> {
    const queued = this.items.shift();
    if (queued !== undefined) return 'frame' in queued ? Promise.resolve(queued.frame) : Promise.reject(queued.error);
    if (this.closedError !== null) return Promise.reject(this.closedError);
    return new Promise<F>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new DeviceError('timeout', `No answer from ${this.link.description} to ${what} within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.waiter = (item) => {
        clearTimeout(timer);
        if ('frame' in item) resolve(item.frame);
        else reject(item.error);
      };
    });
  }

  close(): void {
    for (const off of this.detach) off();
  }
}
