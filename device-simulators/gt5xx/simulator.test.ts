import { describe, expect, it } from 'vitest';
import { createMemoryLinkPair } from '../../drivers/transport/memory-link.js';
import { Command, IMAGE_BYTES, createDecoder, encodeCommand } from '../../drivers/gt5xx/protocol.js';
import { startGt5xxSimulator } from './simulator.js';

async function ask(code: number, parameter: number, waitMs = 30) {
  const pair = createMemoryLinkPair({ baudRate: 9600 });
  const sim = startGt5xxSimulator(pair.device, { fingerDelayMs: 0 });
  const got: Buffer[] = [];
  pair.host.onData((c) => got.push(c));
  return {
    sim,
    pair,
    got,
    async send(c = code, p = parameter) {
      got.length = 0;
      await pair.host.write(encodeCommand(c, p));
      await new Promise((r) => setTimeout(r, waitMs));
      return Buffer.concat(got);
    },
  };
}

describe('GT-5xx simulator, bytes on the wire', () => {
  it('answers LED on with the 12-byte ACK and Open(1) with ACK + a 30-byte data packet', async () => {
    const t = await ask(Command.CmosLed, 1);
    // ACK: 55 AA 01 00 | 00 00 00 00 | 30 00 | checksum 0x0130 little-endian.
    expect((await t.send()).toString('hex')).toBe('55aa0100000000003000' + '3001');
    const open = await t.send(Command.Open, 1);
    expect(open.length).toBe(12 + 30);
    expect(open.subarray(12, 16).toString('hex')).toBe('5aa50100');
    await t.sim.stop();
  });

  it('sends GetImage as 258 rows of 202: the transpose of the upright 258×202 image', async () => {
    const t = await ask(Command.CmosLed, 1, 100);
    await t.send();
    await t.send(Command.CaptureFinger, 1);
    const answer = await t.send(Command.GetImage, 0);
    expect(answer.length).toBe(12 + IMAGE_BYTES + 6);
    const r = createDecoder({ data: IMAGE_BYTES })(answer.subarray(12));
    expect(r.kind).toBe('frame');
    const sent = r.kind === 'frame' && r.frame.kind === 'data' ? r.frame.data : new Uint8Array();
    const upright = t.sim.lastImage ?? new Uint8Array();
    for (const [i, j] of [
      [0, 0],
      [10, 200],
      [101, 129],
      [201, 257],
    ] as const)
      expect(sent[j * 202 + i]).toBe(upright[i * 258 + j]);
    await t.sim.stop();
  });
});
