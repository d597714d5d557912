import { describe, expect, it } from 'vitest';
import { DeviceError } from '../errors.js';
import type { DecodeResult } from '../transport/frame-reader.js';
import {
  ACK,
  Command,
  IMAGE_BYTES,
  IMAGE_HEIGHT,
  IMAGE_WIDTH,
  NACK,
  NackCode,
  RAW_BYTES,
  createDecoder,
  encodeCommand,
  encodeDataPacket,
  encodeOpenInfo,
  encodePacket,
  imageFromSent,
  nackMeaning,
  parseOpenInfo,
  previewFromRaw,
  sentFromImage,
  type Gt5xxFrame,
} from './protocol.js';
import { createPrng as prng } from '../../device-simulators/random.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1 ').toUpperCase();


describe('GT-5xx packets', () => {
  it('encodes the golden frames from devices.md §2 byte for byte', () => {
    expect(hex(encodeCommand(Command.Open, 0))).toBe('55 AA 01 00 00 00 00 00 01 00 01 01');
    expect(hex(encodeCommand(Command.CmosLed, 1))).toBe('55 AA 01 00 01 00 00 00 12 00 13 01');
  });

  it('round-trips command/response packets', () => {
    const decode = createDecoder('response');
    for (const [code, parameter] of [
      [ACK, 0],
      [NACK, NackCode.FingerIsNotPressed],
      [Command.ChangeBaudRate, 115200],
      [Command.CaptureFinger, 1],
      [0xffff, 0xffffffff],
    ] as const) {
      const r = decode(encodePacket(code, parameter));
      expect(r).toEqual({ kind: 'frame', size: 12, frame: { kind: 'packet', code, parameter } });
    }
  });

  it('round-trips data packets of a known length and checks their checksum over header and data', () => {
    const data = new Uint8Array(300).map((_, i) => (i * 7) & 0xff);
    const packet = encodeDataPacket(data);
    expect(hex(packet.subarray(0, 4))).toBe('5A A5 01 00');
    expect(packet.length).toBe(306);
    const r = createDecoder({ data: 300 })(packet);
    expect(r.kind).toBe('frame');
    if (r.kind === 'frame' && r.frame.kind === 'data') expect(Buffer.from(r.frame.data).equals(Buffer.from(data))).toBe(true);
    expect(createDecoder({ data: 300 })(packet.subarray(0, 305))).toEqual({ kind: 'need' });
  });

  it('skips garbage before a packet and reports it; a lone stray byte is skipped silently', () => {
    const decode = createDecoder('response');
    const stream = Buffer.concat([Buffer.from([1, 2, 3, 0x55, 0x00]), encodePacket(ACK, 0)]);
    const first = decode(stream);
    expect(first).toMatchObject({ kind: 'skip', size: 3 });
    expect((first as { error?: DeviceError }).error?.code).toBe('protocol');
    const strayPair = decode(stream.subarray(3));
    expect(strayPair).toMatchObject({ kind: 'skip', size: 2 });
    expect(decode(stream.subarray(5)).kind).toBe('frame');
    expect(decode(Buffer.concat([Buffer.from([7]), encodePacket(ACK, 0)]))).toEqual({ kind: 'skip', size: 1 });
  });

  it('reports a bad checksum, and a truncated packet followed by a good one', () => {
    const decode = createDecoder('response');
    const bad = encodePacket(ACK, 0);
    bad[11] = (bad[11] ?? 0) ^ 1;
    const r = decode(bad);
    expect(r.kind === 'skip' && r.error?.code).toBe('checksum');
    const truncated = Buffer.concat([encodePacket(ACK, 0).subarray(0, 7), encodePacket(NACK, 0x1012)]);
    const t = decode(truncated);
    expect(t).toMatchObject({ kind: 'skip', size: 7 });
    expect(t.kind === 'skip' && t.error?.code).toBe('protocol');
    expect(decode(truncated.subarray(7))).toMatchObject({ kind: 'frame', frame: { code: NACK, parameter: 0x1012 } });
  });

  it('names NACK codes as the SDK does', () => {
    expect(nackMeaning(NackCode.FingerIsNotPressed)).toBe('finger not pressed');
    expect(nackMeaning(0x100f)).toBe('device error');
    expect(nackMeaning(0x1008)).toBe('identification failed');
    expect(nackMeaning(0x2000)).toBe('unknown error 0x2000');
  });

  it('parses Open info: firmware and serial as hex', () => {
    const serial = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    const info = parseOpenInfo(encodeOpenInfo({ firmware: 0x20120202, isoAreaMaxSize: 16384, serial }));
    expect(info).toEqual({ firmware: '20120202', isoAreaMaxSize: 16384, serial: '00112233445566778899AABBCCDDEEFF' });
    expect(() => parseOpenInfo(new Uint8Array(10))).toThrow(DeviceError);
    expect(encodeDataPacket(encodeOpenInfo({ firmware: 1, isoAreaMaxSize: 1, serial })).length).toBe(30);
  });

  it("applies the SDK's transposition: sent[j*202+i] is pixel (x=j, y=i) of a 258×202 image", () => {
    const sent = new Uint8Array(IMAGE_BYTES).map((_, k) => (k * 13 + (k >> 8)) & 0xff);
    const image = imageFromSent(sent);
    expect([image.width, image.height, image.ppi]).toEqual([IMAGE_WIDTH, IMAGE_HEIGHT, 500]);
    expect([258, 202]).toEqual([image.width, image.height]);
    for (const [i, j] of [
      [0, 0],
      [0, 257],
      [201, 0],
      [100, 129],
      [201, 257],
    ] as const)
      expect(image.pixels[i * 258 + j]).toBe(sent[j * 202 + i]);
    expect(Buffer.from(sentFromImage(image.pixels)).equals(Buffer.from(sent))).toBe(true);
    expect(() => imageFromSent(new Uint8Array(100))).toThrow(DeviceError);
    const preview = previewFromRaw(new Uint8Array(RAW_BYTES).fill(9));
    expect([preview.width, preview.height, preview.pixels.length]).toEqual([160, 120, 19200]);
  });
});

function checkResult(r: DecodeResult<Gt5xxFrame>, buffer: Buffer): void {
  if (r.kind === 'need') return;
  if (r.kind === 'frame') {
    if (!(r.size >= 1 && r.size <= buffer.length)) throw new Error(`frame size ${r.size} of ${buffer.length}`);
    return;
  }
  if (r.kind !== 'skip' || !(r.size >= 1 && r.size <= buffer.length)) throw new Error(`bad result ${JSON.stringify(r)}`);
  if (r.error !== undefined && !(r.error instanceof DeviceError)) throw new Error('error is not a DeviceError');
}

/** Feeds a whole buffer through a decoder as FrameReader would; returns the frames and errors, and fails on a stall. */
function drain(decode: (b: Buffer) => DecodeResult<Gt5xxFrame>, input: Buffer): { frames: Gt5xxFrame[]; errors: DeviceError[] } {
  let buffer = input;
  const frames: Gt5xxFrame[] = [];
  const errors: DeviceError[] = [];
  for (let steps = 0; buffer.length > 0; steps++) {
    if (steps > input.length + 1) throw new Error('decoder loops');
    const r = decode(buffer);
    checkResult(r, buffer);
    if (r.kind === 'need') break;
    if (r.kind === 'frame') frames.push(r.frame);
    else if (r.error) errors.push(r.error);
    buffer = buffer.subarray(r.size);
  }
  return { frames, errors };
}

describe('GT-5xx decoders under fuzzing', () => {
  const seed = Number(process.env.GT5XX_FUZZ_SEED ?? Date.now() % 2 ** 31);
  const runs = 100_000;

  it(`response decoder: ${runs} random and mutated frames (seed ${seed})`, () => {
    console.log(`GT-5xx response decoder fuzz seed: ${seed} (repeat with GT5XX_FUZZ_SEED=${seed})`);
    const rand = prng(seed);
    const byte = () => Math.floor(rand() * 256);
    const decode = createDecoder('response');
    let mutatedChecksums = 0;
    for (let n = 0; n < runs; n++) {
      const mode = n % 4;
      if (mode === 0) {
        drain(decode, Buffer.from(Array.from({ length: Math.floor(rand() * 40) }, byte)));
      } else if (mode === 1) {
        // A valid packet with one byte changed: never accepted as a frame at that position.
        const packet = encodePacket(byte() | (byte() << 8), (byte() | (byte() << 24)) >>> 0);
        const at = Math.floor(rand() * 12);
        packet[at] = ((packet[at] ?? 0) + 1 + Math.floor(rand() * 255)) & 0xff;
        const r = decode(packet);
        checkResult(r, packet);
        if (r.kind === 'frame') throw new Error(`mutated packet accepted (seed ${seed}, run ${n}): ${hex(packet)}`);
        if (at >= 10) {
          mutatedChecksums++;
          if (r.kind !== 'skip' || r.error === undefined) throw new Error(`mutated checksum not reported (seed ${seed}, run ${n}): ${hex(packet)}`);
        }
      } else if (mode === 2) {
        // Garbage, packets, truncations: the good packets after the garbage still come out.
        const good = encodePacket(ACK, n);
        const parts = [Buffer.from(Array.from({ length: Math.floor(rand() * 8) }, () => byte() & 0x7f)), encodePacket(NACK, 0x1001).subarray(0, Math.floor(rand() * 12)), good];
        const { frames } = drain(decode, Buffer.concat(parts));
        if (!frames.some((f) => f.kind === 'packet' && f.parameter === n)) throw new Error(`lost a good packet (seed ${seed}, run ${n})`);
      } else {
        const packet = encodePacket(byte(), byte());
        packet[10] = (packet[10] ?? 0) ^ (1 + Math.floor(rand() * 255));
        mutatedChecksums++;
        const { frames, errors } = drain(decode, packet);
        if (frames.length !== 0 || errors.length === 0) throw new Error(`mutated checksum not reported (seed ${seed}, run ${n})`);
      }
    }
    expect(mutatedChecksums).toBeGreaterThan(runs / 5);
  });

  it(`data decoder: ${runs} random and mutated frames (seed ${seed})`, () => {
    console.log(`GT-5xx data decoder fuzz seed: ${seed} (repeat with GT5XX_FUZZ_SEED=${seed})`);
    const rand = prng(seed ^ 0x5a5a);
    const byte = () => Math.floor(rand() * 256);
    const decoders = new Map<number, ReturnType<typeof createDecoder>>();
    const decoderFor = (length: number) => {
      let d = decoders.get(length);
      if (!d) decoders.set(length, (d = createDecoder({ data: length })));
      return d;
    };
    for (let n = 0; n < runs; n++) {
      const length = Math.floor(rand() * 48);
      const decode = decoderFor(length);
      const data = Uint8Array.from({ length }, byte);
      const mode = n % 3;
      if (mode === 0) {
        drain(decode, Buffer.from(Array.from({ length: Math.floor(rand() * 80) }, byte)));
      } else if (mode === 1) {
        const packet = encodeDataPacket(data);
        const at = Math.floor(rand() * packet.length);
        packet[at] = ((packet[at] ?? 0) + 1 + Math.floor(rand() * 255)) & 0xff;
        const r = decode(packet);
        checkResult(r, packet);
        if (r.kind === 'frame') throw new Error(`mutated data packet accepted (seed ${seed}, run ${n})`);
        if (at >= packet.length - 2 && (r.kind !== 'skip' || r.error?.code !== 'checksum')) throw new Error(`mutated checksum not reported (seed ${seed}, run ${n})`);
      } else {
        const packet = encodeDataPacket(data);
        const { frames, errors } = drain(decode, Buffer.concat([Buffer.from([byte() & 0x0f]), packet]));
        if (errors.length !== 0 || frames.length !== 1) throw new Error(`good data packet not decoded (seed ${seed}, run ${n})`);
      }
    }
  });
});
