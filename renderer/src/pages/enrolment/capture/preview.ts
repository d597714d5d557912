import type { ProbeSample, RingBuffer } from '../../../components/bench-probe';

/**
 * Live fingerprint preview frames (capture.preview): decode off the event
 * handler, paint in an animation frame, and never fall behind. Only one
 * frame is decoded at a time; a frame arriving meanwhile replaces any frame
 * still waiting (the waiting one is stale and is dropped), and a frame older
 * than the one painted is ignored. So the screen always shows the newest
 * frame the browser could keep up with, and the reader's rate is the limit.
 */

export interface PreviewFrame {
  seq: number;
  png: string;
  width: number;
  height: number;
}

export interface PainterDeps<Image> {
  decode(frame: PreviewFrame): Promise<Image>;
  /** Draw the image (called inside the scheduled frame callback). */
  draw(image: Image, frame: PreviewFrame): void;
  release(image: Image): void;
  schedule(callback: () => void): void;
  now(): number;
  probe: RingBuffer<ProbeSample> | null;
}

export class PreviewPainter<Image> {
  private waiting: { frame: PreviewFrame; arrived: number } | null = null;
  private decoding = false;
  private lastPainted = -1;
  private lastOffered = -1;
  private stopped = false;
  /** Frames painted and frames dropped as stale since the last reset. */
  painted = 0;
  dropped = 0;

  constructor(private readonly deps: PainterDeps<Image>) {}

  offer(frame: PreviewFrame): void {
    if (this.stopped) return;
    const arrived = this.deps.now();
    if (frame.seq <= this.lastOffered) {
      this.dropped += 1;
      return;
    }
    this.lastOffered = frame.seq;
    if (this.waiting !== null) this.dropped += 1;
    this.waiting = { frame, arrived };
    if (!this.decoding) void this.pump();
  }

  /** A new capture: its frames number from 0 again. */
  reset(): void {
    this.waiting = null;
    this.lastPainted = -1;
    this.lastOffered = -1;
    this.painted = 0;
    this.dropped = 0;
  }

  stop(): void {
    this.stopped = true;
    this.waiting = null;
  }

  private async pump(): Promise<void> {
    this.decoding = true;
    try {
      while (this.waiting !== null && !this.stopped) {
        const { frame, arrived } = this.waiting;
        this.waiting = null;
        let image: Image;
        try {
          image = await this.deps.decode(frame);
        } catch {
          // A frame that does not decode is skipped; the next one will do.
          this.dropped += 1;
          continue;
        }
        await new Promise<void>((resolve) => {
          this.deps.schedule(() => {
            if (!this.stopped && frame.seq > this.lastPainted) {
              this.deps.draw(image, frame);
              this.lastPainted = frame.seq;
              this.painted += 1;
              this.deps.probe?.push({ seq: frame.seq, arrived, painted: this.deps.now(), size: frame.width * frame.height });
            } else {
              this.dropped += 1;
            }
            this.deps.release(image);
            resolve();
          });
        });
      }
    } finally {
      this.decoding = false;
    }
  }
}

/** base64 → bytes, for a Blob the browser can decode. */
export function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
