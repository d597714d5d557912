import { describe, expect, it } from 'vitest';
import { DeviceError } from '../errors.js';
import { createMemoryLinkPair } from './memory-link.js';
import { FrameReader, type Decoder } from './frame-reader.js';
import { wireTimeMs } from './byte-link.js';

/** A toy protocol for the reader's own tests: 0xAA, length, payload, XOR of payload. */
const decode: Decoder<Buffer> = (buffer) => {
  if (buffer[0] !== 0xaa) return { kind: 'skip', size: 1, error: new DeviceError('protocol', 'not a frame start') };
  if (buffer.length < 2) return { kind: 'need' };
  const length = buffer[1] as number;
  if (buffer.length < length + 3) return { kind: 'need' };
  const payload = buffer.subarray(2, 2 + length);
  const check = payload.reduce((x, b) => x ^ b, 0);
  if (check !== buffer[2 + length]) return { kind: 'skip', size: length + 3, error: new DeviceError('checksum', 'bad check') };
  return { kind: 'frame', frame: Buffer.from(payload), size: length + 3 };
};
const frame = (payload: number[]) => Buffer.from([0xaa, payload.length, ...payload, payload.reduce((x, b) => x ^ b, 0)]);

describe('FrameReader', () => {
  it('reassembles frames split across chunks and keeps them in order', async () => {
    const { host, device } = createMemoryLinkPair({ chunkSize: 3 });
    const reader = new FrameReader(host, decode);
    await device.write(Buffer.concat([frame([1, 2, 3, 4, 5]), frame([9])]));
    expect([...(await reader.next(500, 'first'))]).toEqual([1, 2, 3, 4, 5]);
    expect([...(await reader.next(500, 'second'))]).toEqual([9]);
  });

  it('times out with a sentence naming the link and the command', async () => {
    const { host } = createMemoryLinkPair({ name: '/dev/ttyTEST', baudRate: 57600 });
    const reader = new FrameReader(host, decode);
    await expect(reader.next(50, 'VfyPwd')).rejects.toMatchObject({ code: 'timeout', message: 'No answer from /dev/ttyTEST at 57600 baud to VfyPwd within 50 ms.' });
  });

  it('reports garbage and a bad checksum as typed errors, then reads the next good frame', async () => {
    const { host, device } = createMemoryLinkPair();
    const reader = new FrameReader(host, decode);
    const bad = frame([7, 7]);
    bad.writeUInt8((bad.at(-1) ?? 0) ^ 0xff, bad.length - 1);
    await device.write(Buffer.concat([Buffer.from([0x00]), bad, frame([42])]));
    await expect(reader.next(500, 'x')).rejects.toMatchObject({ code: 'protocol' });
    await expect(reader.next(500, 'x')).rejects.toMatchObject({ code: 'checksum' });
    expect([...(await reader.next(500, 'x'))]).toEqual([42]);
  });

  it('fails the pending read with disconnected when the link goes away, and every read after', async () => {
    const { host, disconnect } = createMemoryLinkPair({ name: 'usb' });
    const reader = new FrameReader(host, decode);
    const pending = reader.next(5000, 'UpImage');
    disconnect();
    await expect(pending).rejects.toMatchObject({ code: 'disconnected' });
    await expect(reader.next(5000, 'again')).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('gives up on a buffer that never completes a frame', async () => {
    const { host, device } = createMemoryLinkPair();
    const reader = new FrameReader(host, () => ({ kind: 'need' }), 1000);
    await device.write(Buffer.alloc(1500, 1));
    await expect(reader.next(500, 'x')).rejects.toMatchObject({ code: 'protocol' });
  });

  it('discards what a previous command left behind', async () => {
    const { host, device } = createMemoryLinkPair();
    const reader = new FrameReader(host, decode);
    await device.write(frame([1]));
    reader.discard();
    await device.write(frame([2]));
    expect([...(await reader.next(500, 'x'))]).toEqual([2]);
  });
});

describe('memory link', () => {
  it('garbles bytes when the two ends run at different speeds, as a UART would', async () => {
    const { host, device } = createMemoryLinkPair({ baudRate: 57600 });
    const got: Buffer[] = [];
    host.onData((c) => got.push(c));
    await host.setBaudRate(115200);
    await device.write(Buffer.from('hello'));
    expect(Buffer.concat(got).toString()).not.toBe('hello');
    await device.setBaudRate(115200);
    got.length = 0;
    await device.write(Buffer.from('hello'));
    expect(Buffer.concat(got).toString()).toBe('hello');
  });

  it('paced, delivers no faster than the wire allows', async () => {
    const { host, device } = createMemoryLinkPair({ baudRate: 115200, paced: true });
    let received = 0;
    host.onData((c) => (received += c.length));
    const started = performance.now();
    await device.write(Buffer.alloc(11_520));
    const elapsed = performance.now() - started;
    expect(received).toBe(11_520);
    // 11,520 bytes × 10 bits / 115200 baud = 1000 ms on the wire.
    expect(elapsed).toBeGreaterThanOrEqual(wireTimeMs(11_520, 115200) - 20);
  });
});

describe('linkView', () => {
  it('forwards everything it does not replace, live', async () => {
    const { linkView } = await import('./byte-link.js');
    const { host, device } = createMemoryLinkPair({ baudRate: 9600, name: 'view test' });
    const written: number[] = [];
    const view = linkView(host, {
      write: async (data) => {
        written.push(data.length);
        await host.write(data);
      },
    });
    const got: Buffer[] = [];
    device.onData((c) => got.push(c));
    await view.write(Buffer.from('abc'));
    expect(written).toEqual([3]);
    expect(Buffer.concat(got).toString()).toBe('abc');
    await view.setBaudRate(19200);
    expect(host.baudRate).toBe(19200);
    expect(view.baudRate).toBe(19200);
    expect(view.description).toBe('view test at 19200 baud');
    await view.close();
    expect(view.isOpen).toBe(false);
  });
});
