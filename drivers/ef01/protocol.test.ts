import { describe, expect, it } from 'vitest';
import { DeviceError } from '../errors.js';
import type { DecodeResult } from '../transport/frame-reader.js';
import {
  Confirmation,
  Instruction,
  Pid,
  commands,
  confirmationMeaning,
  decodeEf01,
  encodeAck,
  encodeCommand,
  encodeDataPacket,
  encodePacket,
  encodeSystemParameters,
  packImage,
  parseAck,
  parseSystemParameters,
  unpackImage,
  type Ef01Frame,
} from './protocol.js';
import { createPrng as prng } from '../../device-simulators/random.js';

const bytes = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** Golden frames from shared/reference/devices.md §1. */
const golden = {
  genImg: bytes('EF 01 FF FF FF FF 01 00 03 01 00 05'),
  img2Tz1: bytes('EF 01 FF FF FF FF 01 00 04 02 01 00 08'),
  upImage: bytes('EF 01 FF FF FF FF 01 00 03 0A 00 0E'),
  ackOk: bytes('EF 01 FF FF FF FF 07 00 03 00 00 0A'),
  ackNoFinger: bytes('EF 01 FF FF FF FF 07 00 03 02 00 0C'),
};

function frameOf(buffer: Buffer): Ef01Frame {
  const result = decodeEf01(buffer);
  if (result.kind !== 'frame') throw new Error(`expected a frame, got ${JSON.stringify(result)}`);
  expect(result.size).toBe(buffer.length);
  return result.frame;
}

describe('EF01 golden frames (devices.md §1)', () => {
  it('encodes the command packets byte for byte', () => {
    expect(commands.genImg()).toEqual(golden.genImg);
    expect(commands.img2Tz(1)).toEqual(golden.img2Tz1);
    expect(commands.upImage()).toEqual(golden.upImage);
    expect(encodeCommand(Instruction.GenImg)).toEqual(golden.genImg);
  });

  it('encodes the acknowledge packets byte for byte', () => {
    expect(encodeAck(Confirmation.ok)).toEqual(golden.ackOk);
    expect(encodeAck(Confirmation.noFinger)).toEqual(golden.ackNoFinger);
  });

  it('decodes every golden frame', () => {
    expect(frameOf(golden.genImg)).toEqual({ address: 0xffffffff, pid: Pid.command, payload: bytes('01') });
    expect(frameOf(golden.img2Tz1)).toEqual({ address: 0xffffffff, pid: Pid.command, payload: bytes('02 01') });
    expect(frameOf(golden.upImage)).toEqual({ address: 0xffffffff, pid: Pid.command, payload: bytes('0A') });
    const ok = parseAck(frameOf(golden.ackOk));
    expect(ok).toMatchObject({ code: 0, ok: true, meaning: 'OK' });
    const noFinger = parseAck(frameOf(golden.ackNoFinger));
    expect(noFinger).toMatchObject({ code: 2, ok: false, meaning: 'no finger on the sensor' });
  });

  it('VfyPwd, ReadSysPara and SetSysPara frames follow the format', () => {
    // LEN 7 = instruction + 4-byte password + checksum; SUM = 01 + 00 + 07 + 13 = 0x1B.
    expect(commands.vfyPwd(0)).toEqual(bytes('EF 01 FF FF FF FF 01 00 07 13 00 00 00 00 00 1B'));
    expect(commands.readSysPara()).toEqual(bytes('EF 01 FF FF FF FF 01 00 03 0F 00 13'));
    expect(commands.setSysPara(4, 12)).toEqual(bytes('EF 01 FF FF FF FF 01 00 05 0E 04 0C 00 24'));
  });

  it('names confirmation codes', () => {
    expect(confirmationMeaning(0x13)).toBe('wrong password');
    expect(confirmationMeaning(0x77)).toMatch(/unknown/);
  });
});

describe('EF01 round trips', () => {
  it('commands, acks and data packets at other addresses', () => {
    const address = 0x12345678;
    const command = frameOf(encodeCommand(Instruction.VfyPwd, [1, 2, 3, 4], address));
    expect(command).toEqual({ address, pid: Pid.command, payload: bytes('13 01 02 03 04') });
    for (const size of [32, 64, 128, 256]) {
      const data = Uint8Array.from({ length: size }, (_, i) => (i * 37) & 0xff);
      expect(frameOf(encodeDataPacket(data, false))).toEqual({ address: 0xffffffff, pid: Pid.data, payload: Buffer.from(data) });
      expect(frameOf(encodeDataPacket(data, true)).pid).toBe(Pid.end);
    }
    expect(() => encodePacket(Pid.data, new Uint8Array(257))).toThrow(RangeError);
  });

  it('ReadSysPara layout', () => {
    const data = encodeSystemParameters({ status: 0, systemId: 9, librarySize: 200, securityLevel: 3, address: 0xffffffff, packetSizeCode: 2, baudMultiplier: 6 });
    const ack = parseAck(frameOf(encodeAck(0, data)));
    expect(parseSystemParameters(ack.data)).toEqual({
      status: 0, systemId: 9, librarySize: 200, securityLevel: 3, address: 0xffffffff, packetSizeCode: 2, packetSize: 128, baudMultiplier: 6, baudRate: 57600,
    });
    expect(() => parseSystemParameters(new Uint8Array(15))).toThrow(DeviceError);
    const bad = Buffer.from(data);
    bad.writeUInt16BE(7, 12);
    expect(() => parseSystemParameters(bad)).toThrow(/packet size code 7/);
  });

  it('parseAck refuses a data packet', () => {
    expect(() => parseAck(frameOf(encodeDataPacket(new Uint8Array(4), true)), 'VfyPwd')).toThrow(/acknowledge packet.*VfyPwd/);
  });

  it('image unpacking: high nibble first, n × 17', () => {
    expect(Array.from(unpackImage(Uint8Array.from([0x0f, 0xa5, 0xff, 0x00])))).toEqual([0, 255, 170, 85, 255, 255, 0, 0]);
    const pixels = Uint8Array.from({ length: 256 * 288 }, (_, i) => (i * 7) & 0xff);
    const packed = packImage(pixels);
    expect(packed.length).toBe(36864);
    const back = unpackImage(packed);
    expect(back.length).toBe(256 * 288);
    for (let i = 0; i < pixels.length; i += 97) expect(back[i]).toBe(((pixels[i] ?? 0) >> 4) * 17);
  });
});

describe('EF01 decoder', () => {
  it('waits for more bytes at every prefix of a frame', () => {
    for (let n = 1; n < golden.ackOk.length; n++) expect(decodeEf01(golden.ackOk.subarray(0, n)).kind).toBe('need');
  });

  it('skips the lone power-on 0x55 silently', () => {
    expect(decodeEf01(bytes('55'))).toEqual({ kind: 'skip', size: 1 });
    expect(decodeEf01(Buffer.concat([bytes('55'), golden.ackOk]))).toEqual({ kind: 'skip', size: 1 });
  });

  it('skips garbage up to the next EF with a protocol error', () => {
    const result = decodeEf01(Buffer.concat([bytes('12 34 56'), golden.ackOk]));
    expect(result).toMatchObject({ kind: 'skip', size: 3 });
    expect((result as { error?: DeviceError }).error?.code).toBe('protocol');
  });

  it('reports a bad checksum, an impossible LEN, an unknown PID, a truncated packet', () => {
    const bad = Buffer.from(golden.ackOk);
    bad[11] = (bad[11] ?? 0) ^ 1;
    expect(decodeEf01(bad)).toMatchObject({ kind: 'skip', size: 12, error: { code: 'checksum' } });
    expect(decodeEf01(bytes('EF 01 FF FF FF FF 07 01 03 00'))).toMatchObject({ kind: 'skip', size: 2, error: { code: 'protocol' } });
    expect(decodeEf01(bytes('EF 01 FF FF FF FF 07 00 02 00'))).toMatchObject({ kind: 'skip', size: 2, error: { code: 'protocol' } });
    expect(decodeEf01(bytes('EF 01 FF FF FF FF 05 00 03 00 00 08'))).toMatchObject({ kind: 'skip', size: 2, error: { code: 'protocol' } });
    // A data packet cut after 40 bytes, then a whole ack: reported as cut short, and reading resumes at the ack.
    const data = encodeDataPacket(new Uint8Array(128).fill(0x77), false);
    const stream = Buffer.concat([data.subarray(0, 40), golden.ackOk, Buffer.alloc(100, 0x11)]);
    const cut = decodeEf01(stream);
    expect(cut).toMatchObject({ kind: 'skip', size: 40, error: { code: 'protocol' } });
    expect(decodeEf01(stream.subarray(40)).kind).toBe('frame');
  });
});


function checkResult(result: DecodeResult<Ef01Frame>, length: number): void {
  if (result.kind === 'need') return;
  if (result.kind === 'skip') {
    if (!(Number.isInteger(result.size) && result.size >= 1 && result.size <= length)) throw new Error(`bad skip size ${result.size} of ${length}`);
    if (result.error !== undefined && !(result.error instanceof DeviceError)) throw new Error('skip error is not a DeviceError');
    return;
  }
  if (result.kind === 'frame') {
    if (!(result.size >= 12 && result.size <= length)) throw new Error(`bad frame size ${result.size}`);
    return;
  }
  throw new Error(`unknown result ${JSON.stringify(result)}`);
}

/** Runs the decoder to exhaustion like FrameReader does; the step count bounds it (no loops). */
function drain(buffer: Buffer): { frames: number; errors: DeviceError[] } {
  let rest = buffer;
  let frames = 0;
  const errors: DeviceError[] = [];
  for (let steps = 0; rest.length > 0; steps++) {
    if (steps > buffer.length) throw new Error('decoder did not make progress');
    const result = decodeEf01(rest);
    checkResult(result, rest.length);
    if (result.kind === 'need') break;
    if (result.kind === 'frame') frames++;
    else if (result.error) errors.push(result.error);
    rest = rest.subarray(result.size);
  }
  return { frames, errors };
}

describe('EF01 decoder fuzz', () => {
  it('survives 100 000 random and mutated frames', () => {
    const seed = Number(process.env.EF01_FUZZ_SEED ?? Date.now() % 2 ** 31);
    // Printed so a failure can be replayed with EF01_FUZZ_SEED=<seed>.
    console.log(`EF01 decoder fuzz seed: ${seed}`);
    const random = prng(seed);
    const int = (n: number) => Math.floor(random() * n);
    let checksumReported = 0;
    try {
      for (let i = 0; i < 100_000; i++) {
        const mode = i % 4;
        const payload = Uint8Array.from({ length: 1 + int(mode === 3 ? 256 : 20) }, () => int(256));
        const pids = [Pid.command, Pid.data, Pid.ack, Pid.end];
        const frame = encodePacket(pids[int(4)] ?? 1, payload, random() < 0.8 ? 0xffffffff : int(2 ** 32));
        let buffer: Buffer;
        if (mode === 0) {
          // Pure noise, sometimes with header bytes sprinkled in.
          buffer = Buffer.from(Array.from({ length: 1 + int(300) }, () => (random() < 0.1 ? [0xef, 0x01, 0x55][int(3)] ?? 0 : int(256))));
        } else if (mode === 1) {
          // A valid frame with one to four bytes mutated, truncated, or extended.
          buffer = Buffer.from(frame);
          for (let k = 0, n = 1 + int(4); k < n; k++) buffer[int(buffer.length)] = int(256);
          if (random() < 0.3) buffer = buffer.subarray(0, int(buffer.length) + 1);
          if (random() < 0.3) buffer = Buffer.concat([buffer, frame]);
        } else {
          // A valid frame whose checksum is wrong: must be reported, never accepted.
          buffer = Buffer.from(frame);
          const at = buffer.length - 1 - int(2);
          buffer[at] = ((buffer[at] ?? 0) + 1 + int(255)) & 0xff;
          const result = decodeEf01(buffer);
          checkResult(result, buffer.length);
          if (result.kind !== 'skip' || result.error?.code !== 'checksum' || result.size !== buffer.length) {
            throw new Error(`a mutated checksum was not reported: ${buffer.toString('hex')} → ${JSON.stringify(result)}`);
          }
          checksumReported++;
          if (random() < 0.5) buffer = Buffer.concat([Buffer.from([0x55]), buffer, frame]);
        }
        drain(buffer);
      }
    } catch (error) {
      throw new Error(`fuzz failed with seed ${seed}: ${(error as Error).message}`);
    }
    expect(checksumReported).toBe(50_000);
  });
});
