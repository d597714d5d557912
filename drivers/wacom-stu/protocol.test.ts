import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrng } from '../../device-simulators/random.js';
import { DeviceError } from '../errors.js';
import {
  EncodingFlag,
  MAX_IMAGE_BLOCK,
  ReportId,
  bestImageMode,
  commands,
  decodeCapability,
  decodeFeatureReply,
  decodeHandwritingDisplayArea,
  decodeInformation,
  decodeInkThreshold,
  decodeInputReport,
  decodeScreenImage,
  decodeSetReport,
  decodeStatus,
  decodeUid,
  decodeUid2,
  effectiveEncodingFlag,
  encodeCapability,
  encodeInformation,
  encodePenData,
  encodePenDataTimeCountSequence,
  encodeScreenImage,
  encodeStatus,
  encodeUid2,
  featureDecoders,
  firmwareVersion,
  imageBlocks,
  imageByteLength,
} from './protocol.js';

const bytes = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

function protocolError(fn: () => unknown): DeviceError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).code).toBe('protocol');
    return error as DeviceError;
  }
  throw new Error('expected a protocol error');
}

// Every golden vector below is worked out by hand from the byte positions in the STU SDK's
// Protocol.cpp (std::array<uint8_t, N> cmd; cmd[0] = report id; the shifts that build each field)
// and, for pen data, Protocol.hpp decodeReport_unsafe. The comment on each says which function.
describe('feature reports, host → pad (golden vectors)', () => {
  it('one-byte commands: Reset, ClearScreen, InkingMode, StartImageData, EndImageData, PenDataOptionMode', () => {
    expect(commands.reset()).toEqual(bytes('04 00')); // setReset: { 0x04, flag }
    expect(commands.clearScreen()).toEqual(bytes('20 00')); // setClearScreen: array<2> { 0x20 }
    expect(commands.inkingMode(true)).toEqual(bytes('21 01')); // setInkingMode: { 0x21, InkingMode_On }
    expect(commands.inkingMode(false)).toEqual(bytes('21 00'));
    expect(commands.startImageData(0x04)).toEqual(bytes('25 04')); // setStartImageData(EncodingMode_24bit)
    expect(commands.endImageData()).toEqual(bytes('27 00')); // setEndImageData(EndImageDataFlag_Commit)
    expect(commands.endImageData(1)).toEqual(bytes('27 01')); // …Abandon
    expect(commands.penDataOptionMode(3)).toEqual(bytes('32 03')); // setPenDataOptionMode(TimeCountSequence)
  });

  it('InkThreshold: on and off little-endian (setInkThreshold: cmd[1] = on & 0xff, cmd[2] = on >> 8 …)', () => {
    expect(commands.inkThreshold({ on: 0x15, off: 0x10 })).toEqual(bytes('22 15 00 10 00'));
    expect(commands.inkThreshold({ on: 0x3ff, off: 0x120 })).toEqual(bytes('22 FF 03 20 01'));
    expect(decodeInkThreshold(bytes('22 FF 03 20 01'))).toEqual({ on: 0x3ff, off: 0x120 });
  });

  it('ImageDataBlock: 256 bytes, length little-endian at 1–2, data from 3 (setImageDataBlock, HID branch)', () => {
    const block = commands.imageDataBlock(bytes('AA BB CC'));
    expect(block.length).toBe(256);
    expect(block.subarray(0, 7)).toEqual(bytes('26 03 00 AA BB CC 00'));
    expect(block.subarray(6).every((b) => b === 0)).toBe(true);
    const full = commands.imageDataBlock(Buffer.alloc(MAX_IMAGE_BLOCK, 0x5a));
    expect(full.subarray(0, 4)).toEqual(bytes('26 FD 00 5A'));
    expect(() => commands.imageDataBlock(Buffer.alloc(254))).toThrow(RangeError);
  });

  it('HandwritingDisplayArea: four little-endian pixel coordinates; Backlight little-endian; Uid big-endian', () => {
    expect(commands.handwritingDisplayArea({ left: 0, top: 0, right: 799, bottom: 479 })).toEqual(bytes('2A 00 00 00 00 1F 03 DF 01'));
    expect(decodeHandwritingDisplayArea(bytes('2A 0A 00 14 00 1F 03 DF 01'))).toEqual({ left: 10, top: 20, right: 799, bottom: 479 });
    expect(commands.backlight(2)).toEqual(bytes('2B 02 00')); // setBacklightBrightness: cmd[1] = v & 0xff, cmd[2] = v >> 8
    expect(commands.uid(0x1a2b3c4d)).toEqual(bytes('0A 1A 2B 3C 4D')); // setUid: (value >> 24) first
  });

  it('the simulator-side parser reads every command back', () => {
    expect(decodeSetReport(bytes('21 01'))).toEqual({ type: 'InkingMode', on: true });
    expect(decodeSetReport(bytes('22 15 00 10 00'))).toEqual({ type: 'InkThreshold', threshold: { on: 0x15, off: 0x10 } });
    expect(decodeSetReport(commands.imageDataBlock(bytes('AA BB CC')))).toEqual({ type: 'ImageDataBlock', data: bytes('AA BB CC') });
    expect(decodeSetReport(bytes('0A 1A 2B 3C 4D'))).toEqual({ type: 'Uid', uid: 0x1a2b3c4d });
    expect(decodeSetReport(bytes('2B 03 00'))).toEqual({ type: 'BacklightBrightness', level: 3 });
    protocolError(() => decodeSetReport(bytes('21 01 00'))); // wrong length
    protocolError(() => decodeSetReport(bytes('09 00'))); // Capability is get-only
    const bad = commands.imageDataBlock(bytes('AA'));
    bad.writeUInt16LE(254, 1);
    expect(protocolError(() => decodeSetReport(bad)).message).toMatch(/at most 253/);
  });
});

describe('feature reports, pad → host (golden vectors)', () => {
  it('Status: code, last result, word little-endian (getStatus: statusWord = cmd[3] | cmd[4] << 8)', () => {
    expect(decodeStatus(bytes('03 00 00 00 00'))).toEqual({ statusCode: 0, lastResultCode: 0, statusWord: 0 });
    expect(decodeStatus(bytes('03 01 10 34 12'))).toEqual({ statusCode: 1, lastResultCode: 0x10, statusWord: 0x1234 });
    expect(encodeStatus({ statusCode: 5, lastResultCode: 2, statusWord: 0xabcd })).toEqual(bytes('03 05 02 CD AB'));
  });

  it('Information: model name [9], firmware major, minor, secure IC, secure IC version [4] (getInformation)', () => {
    const report = bytes('08 53 54 55 2D 35 34 30 00 00 02 15 00 10 00 00 00'); // "STU-540", fw 2.15
    expect(decodeInformation(report)).toEqual({ modelName: 'STU-540', firmwareMajor: 2, firmwareMinor: 0x15, secureIc: 0, secureIcVersion: [0x10, 0, 0, 0] });
    expect(encodeInformation(decodeInformation(report))).toEqual(report);
    expect(firmwareVersion(decodeInformation(report))).toBe('2.15');
    // A nine-character name fills the field with no NUL.
    expect(decodeInformation(bytes('08 53 54 55 2D 34 33 30 56 20 01 04 00 BB 00 00 00')).modelName).toBe('STU-430V');
  });

  it('Capability: 16-bit fields big-endian, rate at 11, resolution at 12–13, flags at 14 (getCapability)', () => {
    // STU-540: 10800 × 6480 units, pressure 1023, 800 × 480 px, 200 reports/s, 2540 units/inch, flags 24|16|1-bit|zlib.
    const stu540 = bytes('09 2A 30 19 50 03 FF 03 20 01 E0 C8 09 EC 0F 00 00');
    const c = decodeCapability(stu540);
    expect(c).toEqual({ tabletMaxX: 10800, tabletMaxY: 6480, tabletMaxPressure: 1023, screenWidth: 800, screenHeight: 480, maxReportRate: 200, resolution: 2540, encodingFlag: 0x0f });
    expect(encodeCapability(c)).toEqual(stu540);
    // STU-430: 9600 × 6000, 320 × 200, 1-bit + zlib.
    expect(decodeCapability(bytes('09 25 80 17 70 03 FF 01 40 00 C8 C8 09 EC 03 00 00'))).toMatchObject({ tabletMaxX: 9600, tabletMaxY: 6000, screenWidth: 320, screenHeight: 200, encodingFlag: 3 });
  });

  it('Uid big-endian; Uid2 ten characters', () => {
    expect(decodeUid(bytes('0A 1A 2B 3C 4D'))).toBe(0x1a2b3c4d);
    expect(decodeUid2(bytes('0B 35 4A 5A 51 53 30 30 30 33 32'))).toBe('5JZQS00032');
    expect(encodeUid2('5JZQS00032')).toEqual(bytes('0B 35 4A 5A 51 53 30 30 30 33 32'));
    expect(decodeUid2(bytes('0B 00 00 00 00 00 00 00 00 00 00'))).toBeNull();
  });

  it('wrong id or wrong length → protocol error', () => {
    expect(protocolError(() => decodeCapability(bytes('08 2A 30 19 50 03 FF 03 20 01 E0 C8 09 EC 0F 00 00'))).message).toMatch(/Report 0x08 arrived where Capability \(0x09\)/);
    expect(protocolError(() => decodeCapability(bytes('09 2A 30 19 50'))).message).toMatch(/Capability \(0x09\) was 5 bytes long; it is 17/);
    protocolError(() => decodeStatus(Buffer.alloc(0)));
  });
});

describe('pen data input reports (golden vectors, Protocol.hpp decodeReport_unsafe)', () => {
  it('0x01: byte0 bit 7 rdy, bits 4–6 sw, low nibble + byte1 pressure, x and y big-endian', () => {
    // 0x93 = 1 001 0011: rdy 1, sw 1, pressure 0x3FF; x 0x1234, y 0x0567.
    expect(decodeInputReport(bytes('01 93 FF 12 34 05 67'))).toEqual({ kind: 'pen', reportId: 1, pen: { rdy: true, sw: 1, pressure: 1023, x: 0x1234, y: 0x0567 }, timeCount: null, sequence: null });
    // Hover: rdy 1, sw 0, pressure 0.
    expect(decodeInputReport(bytes('01 80 00 2A 30 19 50')).kind === 'pen' && decodeInputReport(bytes('01 80 00 2A 30 19 50'))).toMatchObject({ pen: { rdy: true, sw: 0, pressure: 0, x: 10800, y: 6480 } });
    // Bits 0/1 set (what some web demos read as rdy/sw) are pressure bits per the SDK: not in proximity, pressure 0x3xx.
    expect(decodeInputReport(bytes('01 03 20 00 00 00 00'))).toMatchObject({ pen: { rdy: false, sw: 0, pressure: 0x320 } });
    // All three sw bits.
    expect(decodeInputReport(bytes('01 F0 00 00 00 00 00'))).toMatchObject({ pen: { rdy: true, sw: 7, pressure: 0 } });
    expect(encodePenData({ rdy: true, sw: 1, pressure: 1023, x: 0x1234, y: 0x0567 })).toEqual(bytes('01 93 FF 12 34 05 67'));
  });

  it('0x34: pen bytes then time count and sequence, big-endian', () => {
    // 0x91 0xF4: rdy, sw 1, pressure 0x1F4 = 500; x 10800, y 6480; time 0xFFFE ms; sequence 7.
    const report = bytes('34 91 F4 2A 30 19 50 FF FE 00 07');
    expect(decodeInputReport(report)).toEqual({ kind: 'pen', reportId: 0x34, pen: { rdy: true, sw: 1, pressure: 500, x: 10800, y: 6480 }, timeCount: 0xfffe, sequence: 7 });
    expect(encodePenDataTimeCountSequence({ rdy: true, sw: 1, pressure: 500, x: 10800, y: 6480 }, 0xfffe, 7)).toEqual(report);
  });

  it('wrong length, unknown id → protocol; known inputs the driver does not use → other', () => {
    expect(protocolError(() => decodeInputReport(bytes('01 93 FF 12 34 05'))).message).toMatch(/PenData \(0x01\) was 6 bytes long; it is 7/);
    expect(protocolError(() => decodeInputReport(bytes('34 91 F4 2A 30 19 50'))).message).toMatch(/0x34/);
    expect(protocolError(() => decodeInputReport(bytes('62 00 00'))).message).toMatch(/Input report 0x62 is not one/);
    expect(decodeInputReport(bytes('99 04 01 00 00 00 00 00 00 00'))).toEqual({ kind: 'other', reportId: ReportId.EventData });
  });
});

describe('screen images (Win32 ProtocolHelper flatten*)', () => {
  it('1-bit: rows padded to whole bytes, MSB first, ink (r|g|b <= 0x80) clears the bit', () => {
    // 10 × 2 grey: (0,0) black, (9,0) 0x80 (ink), (1,1) 0x81 (paper). Row stride 2 bytes; padding bits stay 1.
    const pixels = new Uint8Array(20).fill(255);
    pixels[0] = 0;
    pixels[9] = 0x80;
    pixels[11] = 0x81;
    expect(encodeScreenImage({ width: 10, height: 2, pixels }, '1bit')).toEqual(bytes('7F BF FF FF'));
    expect(imageByteLength('1bit', 320, 200)).toBe(8000);
  });

  it('16-bit RGB565 high byte first; 24-bit as B, G, R', () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 1, 2, 3]);
    expect(encodeScreenImage({ width: 3, height: 1, channels: 3, pixels: rgb }, '16bit')).toEqual(bytes('F8 00 07 E0 00 00'));
    expect(encodeScreenImage({ width: 3, height: 1, channels: 3, pixels: rgb }, '24bit')).toEqual(bytes('00 00 FF 00 FF 00 03 02 01'));
    expect(decodeScreenImage(bytes('00 00 FF 00 FF 00 03 02 01'), '24bit', 3, 1)).toEqual(rgb);
    expect(decodeScreenImage(bytes('F8 00 07 E0'), '16bit', 2, 1)).toEqual(Uint8Array.from([255, 0, 0, 0, 255, 0]));
    expect(imageByteLength('24bit', 800, 480)).toBe(1_152_000);
  });

  it('blocks of at most 253 bytes; modes from the encoding flags, guessed from the model when the flags are blank', () => {
    const blocks = imageBlocks(Buffer.alloc(8000));
    expect(blocks).toHaveLength(32);
    expect(blocks.slice(0, 31).every((b) => b.length === 253)).toBe(true);
    expect(blocks[31]?.length).toBe(8000 - 31 * 253);
    expect(bestImageMode(0x0f)).toBe('24bit');
    expect(bestImageMode(EncodingFlag.SixteenBit | EncodingFlag.OneBit)).toBe('16bit');
    expect(bestImageMode(0x03)).toBe('1bit');
    expect(effectiveEncodingFlag(0, 'STU-530')).toBe(0x0f);
    expect(effectiveEncodingFlag(0, 'STU-430')).toBe(EncodingFlag.OneBit);
    expect(effectiveEncodingFlag(0x03, 'STU-540')).toBe(0x03);
  });
});

describe('decoders under fuzzing (no throw but a protocol DeviceError, no hang)', () => {
  // Capturing a stack for each of ~100 000 rejected inputs is most of the run time; the errors' type and code are what is checked.
  let limit = Error.stackTraceLimit;
  beforeAll(() => {
    limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
  });
  afterAll(() => {
    Error.stackTraceLimit = limit;
  });

  /** Random reports and mutations (bit flips, truncation, extension, id swaps) of valid ones. */
  function* inputs(seed: number, count: number, valid: Buffer[], maxLength: number): Generator<Buffer> {
    const random = createPrng(seed);
    const int = (n: number) => Math.floor(random() * n);
    for (let i = 0; i < count; i++) {
      if (i % 2 === 0) {
        yield Buffer.from(Array.from({ length: int(maxLength + 1) }, () => int(256)));
        continue;
      }
      const base = Buffer.from(valid[int(valid.length)] as Buffer);
      let b: Buffer = base;
      switch (int(5)) {
        case 0:
          for (let k = 0, n = 1 + int(4); k < n; k++) {
            const at = int(b.length);
            b[at] = (b[at] ?? 0) ^ (1 << int(8));
          }
          break;
        case 1:
          b = b.subarray(0, int(b.length));
          break;
        case 2:
          b = Buffer.concat([b, Buffer.from(Array.from({ length: 1 + int(8) }, () => int(256)))]);
          break;
        case 3:
          b[0] = int(256);
          break;
        default:
          for (let k = 1; k < b.length; k++) if (random() < 0.3) b[k] = int(256);
      }
      yield b;
    }
  }

  const check = (fn: () => unknown, stats: { ok: number; rejected: number }) => {
    try {
      fn();
      stats.ok++;
    } catch (error) {
      if (!(error instanceof DeviceError) || error.code !== 'protocol') throw error;
      stats.rejected++;
    }
  };

  it('input reports: 100 000 random and mutated', () => {
    const valid = [bytes('01 93 FF 12 34 05 67'), bytes('34 91 F4 2A 30 19 50 FF FE 00 07'), bytes('99 04 01 00 00 00 00 00 00 00')];
    const stats = { ok: 0, rejected: 0 };
    for (const input of inputs(0x57a1, 100_000, valid, 16)) check(() => decodeInputReport(input), stats);
    expect(stats.ok + stats.rejected).toBe(100_000);
    expect(stats.ok).toBeGreaterThan(1000);
    expect(stats.rejected).toBeGreaterThan(1000);
  });

  it('SET_FEATURE reports (the simulator’s parser): 100 000 random and mutated', () => {
    const valid = [commands.inkingMode(true), commands.inkThreshold({ on: 21, off: 16 }), commands.imageDataBlock(Buffer.alloc(200, 7)), commands.handwritingDisplayArea({ left: 1, top: 2, right: 3, bottom: 4 }), commands.uid(5), commands.startImageData(4)];
    const stats = { ok: 0, rejected: 0 };
    for (const input of inputs(0x57a2, 100_000, valid, 260)) check(() => decodeSetReport(input), stats);
    expect(stats.ok + stats.rejected).toBe(100_000);
    expect(stats.ok).toBeGreaterThan(1000);
  });

  it('GET_FEATURE replies (every report the driver reads, by id): 100 000 random and mutated', () => {
    const valid = [
      bytes('03 00 00 00 00'),
      bytes('08 53 54 55 2D 35 34 30 00 00 02 15 00 10 00 00 00'),
      bytes('09 2A 30 19 50 03 FF 03 20 01 E0 C8 09 EC 0F 00 00'),
      bytes('0A 1A 2B 3C 4D'),
      bytes('0B 35 4A 5A 51 53 30 30 30 33 32'),
      bytes('21 01'),
      bytes('22 15 00 10 00'),
      bytes('2A 00 00 00 00 1F 03 DF 01'),
      bytes('2B 02 00'),
      bytes('32 03'),
    ];
    expect(valid.map((v) => decodeFeatureReply(v).reportId).sort((a, b) => a - b)).toEqual(Object.keys(featureDecoders).map(Number).sort((a, b) => a - b));
    const stats = { ok: 0, rejected: 0 };
    for (const input of inputs(0x57a3, 100_000, valid, 20)) check(() => decodeFeatureReply(input), stats);
    expect(stats.ok + stats.rejected).toBe(100_000);
    expect(stats.ok).toBeGreaterThan(1000);
    expect(stats.rejected).toBeGreaterThan(10_000);
  });
});
