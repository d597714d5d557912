/**
 * A byte pipe to a device: a serial port, a pseudo-terminal, or one end of an
 * in-process pair. Drivers speak their protocol over this and never see which
 * it is. Chunks arrive as the OS delivers them: framing is the protocol's job.
 */
export interface ByteLink {
  /** For messages: "/dev/ttyUSB0 at 57600 baud". */
  readonly description: string;
  readonly baudRate: number;
  readonly isOpen: boolean;
  write(data: Uint8Array): Promise<void>;
  /** Changes the host side's line speed (after the device was told to change its own). */
  setBaudRate(baud: number): Promise<void>;
  onData(listener: (chunk: Buffer) => void): () => void;
  /** Called once when the link goes away: closed by us (no error) or lost (error). */
  onClose(listener: (error: Error | null) => void): () => void;
  close(): Promise<void>;
}

/** Bytes × 10 bits (8N1: start + 8 data + stop) / baud: the shortest time a transfer can take on the wire. */
export function wireTimeMs(bytes: number, baud: number): number {
  return (bytes * 10 * 1000) / baud;
}

/**
 * A view of a link that forwards everything to it except what `overrides`
 * replaces: for code that must see or shape the bytes on their way (an MRZ
 * reader's inter-byte gap, a benchmark's meter) without re-implementing a link.
 */
export function linkView(link: ByteLink, overrides: Partial<Pick<ByteLink, 'write' | 'setBaudRate' | 'onData' | 'onClose' | 'close'>>): ByteLink {
  return {
    get description() {
      return link.description;
    },
    get baudRate() {
      return link.baudRate;
    },
    get isOpen() {
      return link.isOpen;
    },
    write: overrides.write ?? ((data) => link.write(data)),
    setBaudRate: overrides.setBaudRate ?? ((baud) => link.setBaudRate(baud)),
    onData: overrides.onData ?? ((listener) => link.onData(listener)),
    onClose: overrides.onClose ?? ((listener) => link.onClose(listener)),
    close: overrides.close ?? (() => link.close()),
  };
}
