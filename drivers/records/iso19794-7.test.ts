import { describe, expect, it } from 'vitest';
import { createPrng } from '../../device-simulators/random.js';
import { generateSignature } from '../../device-simulators/wacom-stu/strokes.js';
import { DeviceError } from '../errors.js';
import type { PenSample } from '../capture.js';
import { channelBit, decodeScale, decodeSignatureTimeSeries, encodeScale, encodeSignatureTimeSeries, MAX_SCALE, penSamplesToTimeSeries, SIGNATURE_CHANNELS, type SignatureTimeSeries } from './iso19794-7.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+|\/\/[^\n]*/g, ''), 'hex');

/**
 * Worked out by hand from devices.md §3 and bsi-core's y2007 classes
 * (IsoHeader, ChannelDescription, IsoBody, IsoPoint): channels X, T, S;
 * two samples.
 */
const golden = hex(`
  53 44 49 00            // "SDI\\0"
  20 31 30 00            // " 10\\0"
  81 20                  // channels X (bit 15), T (bit 8), S (bit 5)
  E0 FC 35 80 00 95 18   // X: scale, min, max present; scale 50000 = (1 + 1077/2048)·2^15 → (31 << 11) | 0x435; min 0 + 32768; max 5400 + 32768
  80 CF A0               // T: scale 1000 = (1 + 1952/2048)·2^9 → (25 << 11) | 0x7A0
  00                     // S: no attributes
  00                     // reserved
  00                     // no extended data
  00 00 02               // two samples
  80 64 00 00 00 01      // X 100, T 0, S 1
  80 65 00 05 00 00      // X 101, T 5, S 0
`);

const goldenRecord: SignatureTimeSeries = {
  channels: { X: { scale: 50000, min: 0, max: 5400 }, T: { scale: 1000 }, S: {} },
  samples: [
    { X: 100, T: 0, S: 1 },
    { X: 101, T: 5, S: 0 },
  ],
};

function protocolError(fn: () => unknown): DeviceError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).code).toBe('protocol');
    return error as DeviceError;
  }
  throw new Error('expected a DeviceError');
}

describe('ISO/IEC 19794-7:2007 signature time series', () => {
  it('encodes the hand-worked golden record byte for byte and decodes it back', () => {
    expect(encodeSignatureTimeSeries(goldenRecord)).toEqual(golden);
    expect(decodeSignatureTimeSeries(golden)).toEqual(goldenRecord);
  });

  it('puts channels in inclusion-bit order X (15) … R (0), whatever order they are given in', () => {
    expect(SIGNATURE_CHANNELS.map(channelBit)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const shuffled = encodeSignatureTimeSeries({ channels: { S: {}, T: { scale: 1000 }, X: { scale: 50000, min: 0, max: 5400 } }, samples: goldenRecord.samples });
    expect(shuffled).toEqual(golden);
  });

  it('encodes the scaling float as bsi-core does, exactly for the values it writes', () => {
    for (const v of [1, 1000, 50000, 0.5, 2 ** -16, MAX_SCALE]) expect(decodeScale(encodeScale(v))).toBe(v);
    expect(encodeScale(1)).toBe(0x8000);
    const random = createPrng(7);
    for (let i = 0; i < 10000; i++) {
      const v = 2 ** (random() * 30 - 15);
      expect(Math.abs(decodeScale(encodeScale(v)) - v) / v).toBeLessThanOrEqual(1 / 4096 + 1e-12);
    }
    expect(() => encodeScale(70000)).toThrow(RangeError);
    expect(() => encodeScale(0)).toThrow(RangeError);
  });

  it('round-trips every attribute, signed channels, extended data', () => {
    const record: SignatureTimeSeries = {
      channels: {
        X: { scale: 50000, min: -100, max: 30000, mean: 500 },
        Y: { scale: 50000, min: 0, max: 3240, standardDeviation: 12 },
        VX: {},
        DT: { scale: 200, constant: true },
        F: { scale: 1, min: 0, max: 1023, linearComponentRemoved: true },
        R: { max: 65535 },
      },
      samples: [
        { X: -100, Y: 0, VX: -32768, DT: 1, F: 0, R: 0 },
        { X: 30000, Y: 3240, VX: 32767, DT: 1, F: 1023, R: 65535 },
      ],
      extendedData: Uint8Array.of(1, 2, 3),
    };
    expect(decodeSignatureTimeSeries(encodeSignatureTimeSeries(record))).toEqual(record);
  });

  it('refuses values that do not fit their channel', () => {
    expect(() => encodeSignatureTimeSeries({ channels: { X: {} }, samples: [{ X: 40000 }] })).toThrow(RangeError);
    expect(() => encodeSignatureTimeSeries({ channels: { F: {} }, samples: [{ F: -1 }] })).toThrow(RangeError);
    expect(() => encodeSignatureTimeSeries({ channels: { S: {} }, samples: [{ S: 2 }] })).toThrow(RangeError);
    expect(() => encodeSignatureTimeSeries({ channels: { X: {}, Y: {} }, samples: [{ X: 1 }] })).toThrow(/no value for included channel Y/);
    expect(() => encodeSignatureTimeSeries({ channels: {}, samples: [] })).toThrow(RangeError);
  });

  it('converts STU pen samples: out-of-proximity samples dropped, coordinates halved to 50,000 per metre, T in ms', () => {
    const g = generateSignature({ seed: 4, tabletMaxX: 10800, tabletMaxY: 6480, maxPressure: 1023, unitsPerInch: 2540 });
    const samples: PenSample[] = g.frames.map((f, i) => ({ t: 1000 + i * 5, sequence: i, rdy: f.rdy, sw: f.sw, pressure: f.pressure, x: f.x, y: f.y }));
    const { record, conversion } = penSamplesToTimeSeries(samples, { maxX: 10800, maxY: 6480, maxPressure: 1023, unitsPerInch: 2540 });
    expect(conversion).toEqual({ coordinateFactor: 0.5, xyScale: 50000, timeScale: 1000 });
    const kept = samples.filter((s) => s.rdy);
    expect(kept.length).toBeLessThan(samples.length);
    expect(record.samples.length).toBe(kept.length);
    expect(record.channels.X).toEqual({ scale: 50000, min: 0, max: 5400 });
    expect(record.samples.filter((s) => s.S === 1).length).toBe(kept.filter((s) => s.sw !== 0).length);
    const decoded = decodeSignatureTimeSeries(encodeSignatureTimeSeries(record));
    expect(decoded.samples[0]).toEqual({ X: Math.round(kept[0]!.x / 2), Y: Math.round(kept[0]!.y / 2), T: 0, F: kept[0]!.pressure, S: kept[0]!.sw ? 1 : 0 });
    // Physical position survives: tablet units → metres via the scale.
    const s = decoded.samples[10]!;
    expect(s.X! / 50000).toBeCloseTo(kept[10]!.x / (2540 / 0.0254), 4);
  });

  it('slows the time scale for signatures longer than 65.5 s rather than wrapping', () => {
    const samples: PenSample[] = [0, 70_000, 140_000].map((t) => ({ t, sequence: null, rdy: true, sw: 1, pressure: 10, x: 5, y: 5 }));
    const { record, conversion } = penSamplesToTimeSeries(samples, { maxX: 100, maxY: 100, maxPressure: 1023 });
    expect(conversion.timeScale).toBe(250);
    expect(record.samples.map((x) => x.T)).toEqual([0, 17500, 35000]);
  });

  it('refuses malformed records with a DeviceError naming what is wrong', () => {
    expect(protocolError(() => decodeSignatureTimeSeries(golden.subarray(0, 6))).message).toMatch(/shorter/);
    expect(protocolError(() => decodeSignatureTimeSeries(Buffer.concat([Buffer.from('FIR\0'), golden.subarray(4)]))).message).toMatch(/format identifier/);
    const v2 = Buffer.from(golden);
    v2[5] = 0x32;
    expect(protocolError(() => decodeSignatureTimeSeries(v2)).message).toMatch(/version/);
    expect(protocolError(() => decodeSignatureTimeSeries(golden.subarray(0, golden.length - 1))).message).toMatch(/ends inside/);
    expect(protocolError(() => decodeSignatureTimeSeries(Buffer.concat([golden, Buffer.of(0)]))).message).toMatch(/follow the end/);
  });

  it('fuzz: 100,000 random and mutated records decode or fail with a DeviceError', () => {
    const random = createPrng(0x19794007);
    const seeds = [golden, encodeSignatureTimeSeries({ channels: { X: { scale: 50000, min: 0, max: 100 }, Y: {}, T: { scale: 1000 }, F: { scale: 1, min: 0, max: 1023 }, S: {} }, samples: Array.from({ length: 20 }, (_, i) => ({ X: i, Y: i, T: i * 5, F: i, S: i % 2 })) })];
    let decoded = 0;
    for (let i = 0; i < 100_000; i++) {
      let input: Buffer;
      if (i % 4 === 0) {
        input = Buffer.alloc(Math.floor(random() * 64));
        for (let j = 0; j < input.length; j++) input[j] = Math.floor(random() * 256);
        if (input.length >= 8 && random() < 0.7) Buffer.concat([Buffer.from('SDI\0 10\0')]).copy(input, 0);
      } else {
        input = Buffer.from(seeds[i % 2] as Buffer);
        const flips = 1 + Math.floor(random() * 4);
        for (let f = 0; f < flips; f++) input[Math.floor(random() * input.length)] = Math.floor(random() * 256);
        if (random() < 0.2) input = input.subarray(0, Math.floor(random() * input.length));
      }
      try {
        decodeSignatureTimeSeries(input);
        decoded++;
      } catch (error) {
        if (!(error instanceof DeviceError)) throw error;
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});
