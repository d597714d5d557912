import { describe, expect, it } from 'vitest';
import { createPrng } from '../../device-simulators/random.js';
import { DeviceError } from '../errors.js';
import {
  FingerCompression,
  FingerPositionCode,
  captureTimeFromDate,
  decodeFingerImageRecord,
  encodeFingerImageRecord,
  imagePpi,
  type FingerImageRecordInput,
  type FingerRepresentationInput,
} from './iso19794-4.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+|\/\/[^\n]*/g, ''), 'hex');

/**
 * Worked out by hand from ISO/IEC 19794-4:2011 Table 2 and Table 4
 * (devices.md §6): one representation, one quality block, no certification,
 * a 2 × 2 uncompressed 8-bit image.
 */
const golden = hex(`
  46 49 52 00            // "FIR\\0"
  30 32 30 00            // "020\\0"
  00 00 00 42            // record length 66 = 16 + 50
  00 01                  // one representation
  00                     // certification flag 0
  01                     // one finger position
  00 00 00 32            // representation length 50
  07 E8 03 0F 0A 1E 2D 01 F4   // 2024-03-15 10:30:45.500 UTC
  00                     // device technology: unknown
  00 00                  // vendor
  00 00                  // type
  01 50 00 00 00 00      // one quality block: score 80, vendor 0, algorithm 0
  07                     // left index finger (Table 6)
  01                     // representation number
  01                     // scale units: ppi
  01 F4 01 F4            // capture sampling rate 500 × 500
  01 F4 01 F4            // image sampling rate 500 × 500
  08                     // bit depth 8
  00                     // compression: uncompressed, no bit packing
  00                     // impression: live-scan plain
  00 02 00 02            // 2 × 2
  00 00 00 04            // image data length 4
  10 20 30 40            // pixels
`);

const goldenRepresentation: FingerRepresentationInput = {
  captureTime: { year: 2024, month: 3, day: 15, hour: 10, minute: 30, second: 45, millisecond: 500 },
  deviceTechnology: 0,
  deviceVendor: 0,
  deviceType: 0,
  quality: [{ score: 80, vendorId: 0, algorithmId: 0 }],
  fingerPosition: FingerPositionCode.leftIndex,
  representationNumber: 1,
  scaleUnits: 1,
  captureSamplingRate: { horizontal: 500, vertical: 500 },
  imageSamplingRate: { horizontal: 500, vertical: 500 },
  bitDepth: 8,
  compression: FingerCompression.uncompressed,
  impressionType: 0,
  width: 2,
  height: 2,
  image: Uint8Array.of(0x10, 0x20, 0x30, 0x40),
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

describe('ISO/IEC 19794-4:2011 finger image record', () => {
  it('encodes the hand-worked golden record byte for byte', () => {
    expect(encodeFingerImageRecord({ representations: [goldenRepresentation] })).toEqual(golden);
  });

  it('decodes the golden record', () => {
    const record = decodeFingerImageRecord(golden);
    expect(record.certificationFlag).toBe(0);
    expect(record.fingerCount).toBe(1);
    expect(record.representations).toHaveLength(1);
    const r = record.representations[0];
    expect(r).toMatchObject({ ...goldenRepresentation, image: Uint8Array.of(0x10, 0x20, 0x30, 0x40), certifications: [], extendedData: new Uint8Array(0) });
    expect(imagePpi(r!)).toBe(500);
  });

  it('round-trips several representations with certification blocks, PNG bytes and extended data', () => {
    const input: FingerImageRecordInput = {
      representations: [
        { ...goldenRepresentation, certifications: [{ authorityId: 0x0102, schemeId: 3 }] },
        {
          ...goldenRepresentation,
          fingerPosition: FingerPositionCode.leftMiddle,
          representationNumber: 2,
          compression: FingerCompression.png,
          quality: [
            { score: 255, vendorId: 0x0f, algorithmId: 0x8001 },
            { score: 0, vendorId: 1, algorithmId: 2 },
          ],
          image: Uint8Array.from({ length: 300 }, (_, i) => i & 0xff),
          extendedData: Uint8Array.of(0, 1, 0, 6, 9, 9),
        },
      ],
    };
    const bytes = encodeFingerImageRecord(input);
    // Header 16 + (37 + 5 + 1 + 3 + 4 + 4) + (37 + 10 + 1 + 4 + 300 + 6).
    expect(bytes.length).toBe(16 + 54 + 358);
    const record = decodeFingerImageRecord(bytes);
    expect(record.certificationFlag).toBe(1);
    expect(record.fingerCount).toBe(2);
    expect(record.representations[0]?.certifications).toEqual([{ authorityId: 0x0102, schemeId: 3 }]);
    expect(record.representations[1]?.quality).toHaveLength(2);
    expect(record.representations[1]?.image).toEqual(input.representations[1]?.image);
    expect(record.representations[1]?.extendedData).toEqual(Uint8Array.of(0, 1, 0, 6, 9, 9));
    expect(encodeFingerImageRecord(record)).toEqual(bytes);
  });

  it('takes the capture time in UTC', () => {
    expect(captureTimeFromDate(new Date('2025-12-31T23:59:58.123Z'))).toEqual({ year: 2025, month: 12, day: 31, hour: 23, minute: 59, second: 58, millisecond: 123 });
  });

  it('refuses to encode values that do not fit their fields', () => {
    expect(() => encodeFingerImageRecord({ representations: [] })).toThrow(RangeError);
    expect(() => encodeFingerImageRecord({ representations: [{ ...goldenRepresentation, width: 70000 }] })).toThrow(RangeError);
    expect(() => encodeFingerImageRecord({ certificationFlag: 0, representations: [{ ...goldenRepresentation, certifications: [{ authorityId: 1, schemeId: 1 }] }] })).toThrow(RangeError);
  });

  it('rejects garbage with DeviceError protocol, naming what is wrong', () => {
    expect(protocolError(() => decodeFingerImageRecord(new Uint8Array(5))).message).toMatch(/shorter than the 16-byte general header/);
    const wrongFormat = Buffer.from(golden);
    wrongFormat[0] = 0x58;
    expect(protocolError(() => decodeFingerImageRecord(wrongFormat)).message).toMatch(/format identifier/);
    const oldVersion = Buffer.from(golden);
    oldVersion.write('010\0', 4, 'latin1');
    expect(protocolError(() => decodeFingerImageRecord(oldVersion)).message).toMatch(/not "020\\0"/);
    expect(protocolError(() => decodeFingerImageRecord(golden.subarray(0, golden.length - 1))).message).toMatch(/header says 66 bytes but 65 arrived/);
    expect(protocolError(() => decodeFingerImageRecord(Buffer.concat([golden, Buffer.of(0)]))).message).toMatch(/header says 66 bytes but 67/);
    const longImage = Buffer.from(golden);
    longImage.writeUInt32BE(5, 58);
    expect(protocolError(() => decodeFingerImageRecord(longImage)).message).toMatch(/image is 5 bytes but 4 remain/);
    const wrongRaw = Buffer.from(golden);
    wrongRaw.writeUInt16BE(3, 54); // width 3: 3 × 2 raw pixels need 6 bytes, 4 are there
    expect(protocolError(() => decodeFingerImageRecord(wrongRaw)).message).toMatch(/needs 6/);
    const repTooLong = Buffer.from(golden);
    repTooLong.writeUInt32BE(51, 16);
    expect(protocolError(() => decodeFingerImageRecord(repTooLong)).message).toMatch(/claims 51 bytes/);
    const badScale = Buffer.from(golden);
    badScale[42] = 7;
    expect(protocolError(() => decodeFingerImageRecord(badScale)).message).toMatch(/scale units 7/);
    const noRepresentations = Buffer.from(golden);
    noRepresentations.writeUInt16BE(0, 12);
    expect(protocolError(() => decodeFingerImageRecord(noRepresentations)).message).toMatch(/no representation/);
  });

  it('survives 100,000 random and mutated inputs: a record or DeviceError protocol, nothing else', () => {
    const seed = 0x19794;
    const random = createPrng(seed);
    const pngRecord = encodeFingerImageRecord({
      representations: [
        { ...goldenRepresentation, compression: FingerCompression.png, image: Uint8Array.from({ length: 40 }, (_, i) => i) },
        { ...goldenRepresentation, fingerPosition: 8, representationNumber: 2 },
      ],
    });
    const seeds = [golden, pngRecord];
    let decoded = 0;
    let rejected = 0;
    for (let i = 0; i < 100_000; i++) {
      let input: Buffer;
      const kind = random();
      if (kind < 0.2) {
        input = Buffer.from(Array.from({ length: Math.floor(random() * 120) }, () => Math.floor(random() * 256)));
        if (random() < 0.5 && input.length >= 8) input.set([0x46, 0x49, 0x52, 0, 0x30, 0x32, 0x30, 0], 0);
      } else {
        input = Buffer.from(seeds[Math.floor(random() * seeds.length)] as Buffer);
        const mutations = 1 + Math.floor(random() * 4);
        for (let m = 0; m < mutations; m++) {
          const what = random();
          if (what < 0.6 && input.length > 0) input[Math.floor(random() * input.length)] = Math.floor(random() * 256);
          else if (what < 0.8) input = input.subarray(0, Math.floor(random() * input.length));
          else input = Buffer.concat([input, Buffer.from(Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 256)))]);
        }
      }
      try {
        const record = decodeFingerImageRecord(input);
        // Whatever decodes must be self-consistent: re-encoding gives the same bytes.
        expect(encodeFingerImageRecord(record).equals(input)).toBe(true);
        decoded++;
      } catch (error) {
        if (!(error instanceof DeviceError) || error.code !== 'protocol') throw new Error(`seed ${seed}, input ${i} (${input.toString('hex')}): ${String(error)}`);
        rejected++;
      }
    }
    expect(decoded + rejected).toBe(100_000);
    expect(decoded).toBeGreaterThan(100); // mutations of image bytes and dates still decode
  });
});
