import { EventEmitter } from 'node:events';
import type { ByteLink } from './byte-link.js';
import { wireTimeMs } from './byte-link.js';

export interface MemoryLinkOptions {
  baudRate?: number;
  /**
   * Deliver bytes no faster than the baud rate allows (8N1), as a real UART
   * would; otherwise as fast as possible. Pacing applies to both directions.
   */
  paced?: boolean;
  /** Largest chunk delivered at once, like a UART driver's buffer. */
  chunkSize?: number;
  name?: string;
}

interface Side {
  emitter: EventEmitter;
  open: boolean;
}

/**
 * Two connected ByteLinks in one process: a driver on one end, a simulator on
 * the other. The baud rate is shared, as on a wire: a driver that raises it
 * without telling the device is heard as garbage (see `mismatch`).
 */
export function createMemoryLinkPair(options: MemoryLinkOptions = {}): { host: ByteLink; device: ByteLink; disconnect: (error?: Error) => void } {
  const state = { hostBaud: options.baudRate ?? 57600, deviceBaud: options.baudRate ?? 57600 };
  const chunkSize = options.chunkSize ?? 64;
  const name = options.name ?? 'in-process link';
  const sides: Record<'host' | 'device', Side> = {
    host: { emitter: new EventEmitter(), open: true },
    device: { emitter: new EventEmitter(), open: true },
  };
  // Delivery is strictly in order per direction; pacing schedules each chunk after the previous one.
  const clocks = { host: 0, device: 0 };

  function deliver(to: 'host' | 'device', data: Uint8Array): Promise<void> {
    const from = to === 'host' ? 'device' : 'host';
    const sender = from === 'host' ? state.hostBaud : state.deviceBaud;
    const receiver = to === 'host' ? state.hostBaud : state.deviceBaud;
    // Both ends must run at one speed; a mismatch turns every byte into noise, as a real UART would.
    const bytes = sender === receiver ? Buffer.from(data) : Buffer.from(data.map((b) => (b * 31 + 7) & 0xff));
    return new Promise((resolve) => {
      let offset = 0;
      const step = () => {
        if (!sides[to].open || !sides[from].open) return resolve();
        const chunk = bytes.subarray(offset, offset + chunkSize);
        offset += chunk.length;
        sides[to].emitter.emit('data', Buffer.from(chunk));
        if (offset >= bytes.length) return resolve();
        schedule();
      };
      const schedule = () => {
        if (!options.paced) return setImmediate(step);
        const now = performance.now();
        const next = Math.max(now, clocks[to]) + wireTimeMs(Math.min(chunkSize, bytes.length - offset), sender);
        clocks[to] = next;
        setTimeout(step, Math.max(0, next - now));
      };
      schedule();
    });
  }

  function close(which: 'host' | 'device', error: Error | null) {
    for (const side of ['host', 'device'] as const) {
      if (!sides[side].open) continue;
      sides[side].open = false;
      sides[side].emitter.emit('close', side === which ? null : (error ?? new Error(`${name}: the other end closed`)));
    }
  }

  function make(which: 'host' | 'device'): ByteLink {
    const other = which === 'host' ? 'device' : 'host';
    return {
      get description() {
        return `${name} at ${which === 'host' ? state.hostBaud : state.deviceBaud} baud`;
      },
      get baudRate() {
        return which === 'host' ? state.hostBaud : state.deviceBaud;
      },
      get isOpen() {
        return sides[which].open;
      },
      async write(data) {
        if (!sides[which].open) throw new Error(`${name} is closed`);
        await deliver(other, data);
      },
      async setBaudRate(baud) {
        if (which === 'host') state.hostBaud = baud;
        else state.deviceBaud = baud;
      },
      onData(listener) {
        sides[which].emitter.on('data', listener);
        return () => sides[which].emitter.off('data', listener);
      },
      onClose(listener) {
        sides[which].emitter.once('close', listener);
        return () => sides[which].emitter.off('close', listener);
      },
      async close() {
        close(which, null);
      },
    };
  }

  return {
    host: make('host'),
    device: make('device'),
    // Unplugging: both ends see the link go away with an error.
    disconnect: (error = new Error(`${name} was disconnected`)) => close('device', error),
  };
}
