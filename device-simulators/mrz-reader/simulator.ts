/**
 * The reader side of a passive serial MRZ reader: each `present()` is a
 * document laid on the glass, sent once in the configured framing (see
 * drivers/mrz-reader/framing.ts). Pacing is the link's: an in-process pair
 * made with `paced: true`, or a real/pseudo tty, delivers at the baud rate.
 *
 * Faults on demand:
 *   garbage    — line noise that is no frame (no SOH/STX/CR, so it never looks like a start);
 *   truncated  — the first half of the frame, then silence;
 *   checksum   — a 3M block whose BCC is wrong (3M only: the other framings have no checksum);
 *   disconnect — the first half of the frame, then the link goes away;
 *   timeout    — nothing at all.
 */
import type { ByteLink } from '../../drivers/transport/byte-link.js';
import { encode3m, encoderFor, type MrzFraming } from '../../drivers/mrz-reader/framing.js';

export const mrzReaderFaults = ['garbage', 'truncated', 'checksum', 'disconnect', 'timeout'] as const;
export type MrzReaderFault = (typeof mrzReaderFaults)[number];

export interface MrzReaderSimulatorOptions {
  framing: MrzFraming;
  /** How the link is pulled for the 'disconnect' fault; default: close this end. */
  disconnect?: () => void | Promise<void>;
  /** Seed for garbage bytes, so a failing run can be replayed. */
  seed?: number;
}

export interface MrzReaderSimulator {
  /** Sends one document (MRZ lines, no line ends), or a fault instead. Resolves when the bytes are written. */
  present(lines: readonly string[], fault?: MrzReaderFault): Promise<void>;
  /** Bytes sent so far, for tests. */
  readonly sent: number;
  stop(): Promise<void>;
}

/** xorshift32: small, seedable, good enough for noise. */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

export function startMrzReaderSimulator(link: ByteLink, options: MrzReaderSimulatorOptions): MrzReaderSimulator {
  const encode = encoderFor(options.framing);
  const random = xorshift32(options.seed ?? 0x5eed);
  let sent = 0;
  let stopped = false;

  async function send(bytes: Uint8Array): Promise<void> {
    if (stopped || !link.isOpen) return;
    sent += bytes.length;
    await link.write(bytes);
  }

  return {
    get sent() {
      return sent;
    },
    async present(lines, fault) {
      if (stopped) throw new Error('The MRZ reader simulator was stopped.');
      const frame = encode(lines);
      switch (fault) {
        case undefined:
          return send(frame);
        case 'timeout':
          return;
        case 'garbage': {
          // Lower-case letters and punctuation: never SOH, STX, CR, LF or an MRZ character.
          const noise = Buffer.from(Array.from({ length: 24 }, () => 0x61 + (random() % 26)));
          return send(noise);
        }
        case 'truncated':
          return send(frame.subarray(0, Math.floor(frame.length / 2)));
        case 'checksum': {
          if (options.framing !== '3m') throw new Error(`The ${options.framing} framing has no checksum to break; the checksum fault is for 3M.`);
          const block = Buffer.from(encode3m(lines));
          block[block.length - 1] = (block[block.length - 1] as number) ^ 0x5a;
          return send(block);
        }
        case 'disconnect':
          await send(frame.subarray(0, Math.floor(frame.length / 2)));
          if (options.disconnect) await options.disconnect();
          else await link.close();
          return;
      }
    },
    async stop() {
      stopped = true;
    },
  };
}
