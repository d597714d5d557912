import { setTimeout as sleep } from 'node:timers/promises';
import { wireTimeMs, type ByteLink } from '../drivers/transport/byte-link.js';

/**
 * Writes as a UART would: each chunk no sooner than the previous one's wire
 * time at the link's current speed (8N1: 10 bits a byte). A pseudo-terminal
 * delivers bytes at once whatever its "baud", so a simulator on a pty paces
 * itself with this; a paced in-process link paces on its own and needs none.
 */
export interface PacedWriter {
  write(data: Uint8Array, stillWanted?: () => boolean): Promise<void>;
  /** After a speed change: the next chunk's time is counted at the new speed from now. */
  reset(): void;
}

export function createPacedWriter(link: ByteLink, chunkSize = 64): PacedWriter {
  let clock = 0;
  return {
    async write(data, stillWanted = () => true) {
      for (let offset = 0; offset < data.length && stillWanted() && link.isOpen; offset += chunkSize) {
        const chunk = data.subarray(offset, offset + chunkSize);
        clock = Math.max(performance.now(), clock) + wireTimeMs(chunk.length, link.baudRate);
        await link.write(chunk);
        const wait = clock - performance.now();
        if (wait > 1) await sleep(wait);
      }
    },
    reset() {
      clock = 0;
    },
  };
}
