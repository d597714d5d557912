import { describe, expect, it } from 'vitest';
import { createMemoryLinkPair } from '../../drivers/transport/memory-link.js';
import { startEf01Simulator } from './simulator.js';

const bytes = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

async function exchange(command: Buffer, options: Parameters<typeof startEf01Simulator>[1], expectBytes: number): Promise<Buffer> {
  const pair = createMemoryLinkPair({ baudRate: 57600 });
  const simulator = startEf01Simulator(pair.device, options);
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve) =>
    pair.host.onData((chunk) => {
      chunks.push(chunk);
      if (Buffer.concat(chunks).length >= expectBytes) resolve();
    }),
  );
  await pair.host.write(command);
  await done;
  await simulator.stop();
  await pair.host.close();
  return Buffer.concat(chunks);
}

describe('EF01 simulator answers byte for byte (devices.md §1 golden frames)', () => {
  it('GenImg with no finger → ack "no finger"', async () => {
    const answer = await exchange(bytes('EF 01 FF FF FF FF 01 00 03 01 00 05'), { fingerDelayMs: 60_000 }, 12);
    expect(answer).toEqual(bytes('EF 01 FF FF FF FF 07 00 03 02 00 0C'));
  });

  it('GenImg with a finger → ack OK', async () => {
    const answer = await exchange(bytes('EF 01 FF FF FF FF 01 00 03 01 00 05'), {}, 12);
    expect(answer).toEqual(bytes('EF 01 FF FF FF FF 07 00 03 00 00 0A'));
  });

  it('ReadSysPara → 16 data bytes: packet size code 2, N = 6', async () => {
    const answer = await exchange(bytes('EF 01 FF FF FF FF 01 00 03 0F 00 13'), {}, 28);
    expect(answer.subarray(0, 10)).toEqual(bytes('EF 01 FF FF FF FF 07 00 13 00'));
    expect(answer.readUInt16BE(22)).toBe(2);
    expect(answer.readUInt16BE(24)).toBe(6);
  });

  it('UpImage before GenImg → 0x15 no valid image', async () => {
    const answer = await exchange(bytes('EF 01 FF FF FF FF 01 00 03 0A 00 0E'), {}, 12);
    expect(answer[9]).toBe(0x15);
  });
});
