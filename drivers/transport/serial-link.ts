import { SerialPort } from 'serialport';
import { DeviceError } from '../errors.js';
import type { ByteLink } from './byte-link.js';

/**
 * A ByteLink over a real serial port (or a pseudo-terminal made by socat) via
 * the serialport binding: 8N1, no flow control, as the EF01, GT-5xx and MRZ
 * reader datasheets specify.
 */
export async function openSerialLink(path: string, baudRate: number): Promise<ByteLink> {
  const port = new SerialPort({ path, baudRate, dataBits: 8, stopBits: 1, parity: 'none', autoOpen: false, lock: true });
  await new Promise<void>((resolve, reject) =>
    port.open((error) => {
      if (!error) return resolve();
      const text = error.message;
      if (/ENOENT|No such file|cannot open/i.test(text)) reject(new DeviceError('not_found', `There is no serial port ${path} (${text}).`));
      else if (/EBUSY|lock|Resource temporarily unavailable/i.test(text)) reject(new DeviceError('busy', `The serial port ${path} is in use by another program (${text}).`));
      else reject(new DeviceError('not_found', `The serial port ${path} could not be opened (${text}).`));
    }),
  );
  let baud = baudRate;
  return {
    get description() {
      return `${path} at ${baud} baud`;
    },
    get baudRate() {
      return baud;
    },
    get isOpen() {
      return port.isOpen;
    },
    write(data) {
      return new Promise((resolve, reject) => {
        port.write(Buffer.from(data), (error) => {
          if (error) return reject(new DeviceError('disconnected', `Writing to ${path} failed: ${error.message}`));
          port.drain((drainError) => (drainError ? reject(new DeviceError('disconnected', `Writing to ${path} failed: ${drainError.message}`)) : resolve()));
        });
      });
    },
    setBaudRate(next) {
      return new Promise((resolve, reject) =>
        port.update({ baudRate: next }, (error) => {
          if (error) return reject(new DeviceError('protocol', `${path} could not switch to ${next} baud: ${error.message}`));
          baud = next;
          resolve();
        }),
      );
    },
    onData(listener) {
      port.on('data', listener);
      return () => port.off('data', listener);
    },
    onClose(listener) {
      const handler = (error: Error | null) => listener(error ?? null);
      port.once('close', handler);
      return () => port.off('close', handler);
    },
    close() {
      return new Promise((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      });
    },
  };
}
