import { afterEach, describe, expect, it } from 'vitest';
import { createPtyPair, type PtyPair } from '../../device-simulators/pty.js';
import { openSerialLink } from '../../drivers/transport/serial-link.js';
import type { ByteLink } from '../../drivers/transport/byte-link.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function pair(): Promise<{ pty: PtyPair; host: ByteLink; device: ByteLink }> {
  const pty = await createPtyPair();
  cleanups.push(() => pty.close());
  const host = await openSerialLink(pty.hostPath, 57600);
  const device = await openSerialLink(pty.devicePath, 57600);
  cleanups.push(() => host.close(), () => device.close());
  return { pty, host, device };
}

describe('serial link over a socat pseudo-terminal pair', () => {
  it('carries every byte value unchanged in both directions (raw mode, no echo)', async () => {
    const { host, device } = await pair();
    const all = Buffer.from(Array.from({ length: 4096 }, (_, i) => i & 0xff));
    const received: Buffer[] = [];
    device.onData((c) => received.push(c));
    await host.write(all);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (Buffer.concat(received).length >= all.length) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    expect(Buffer.concat(received).equals(all)).toBe(true);
    const back: Buffer[] = [];
    host.onData((c) => back.push(c));
    await device.write(Buffer.from([0x0d, 0x0a, 0x03, 0x11, 0x13]));
    await new Promise((r) => setTimeout(r, 100));
    expect([...Buffer.concat(back)]).toEqual([0x0d, 0x0a, 0x03, 0x11, 0x13]);
  });

  it('names a port that does not exist', async () => {
    await expect(openSerialLink('/dev/ttyBALCAO-NONE', 9600)).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('/dev/ttyBALCAO-NONE') });
  });

  it('says the port is busy when another program holds it', async () => {
    const { pty } = await pair();
    await expect(openSerialLink(pty.hostPath, 57600)).rejects.toMatchObject({ code: 'busy' });
  });

  it('when the other end goes away, a pending read fails with disconnected or a timeout, naming the port', async () => {
    const { pty, host } = await pair();
    const { FrameReader } = await import('../../drivers/transport/frame-reader.js');
    const reader = new FrameReader(host, () => ({ kind: 'need' as const }));
    await pty.close();
    // Whether the binding hears of a vanished pty (and when) depends on its poller: either answer is typed and names the port.
    const error = await reader.next(300, 'VfyPwd').then(
      () => null,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(['timeout', 'disconnected']).toContain(error?.code);
    expect(error?.message).toContain(pty.hostPath);
    reader.close();
  });
});
