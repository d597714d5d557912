/**
 * ISO/IEC 19794-4:2011 finger image data record ("FIR", version "020"): pure
 * encode and decode, no I/O. Layout as summarised in
 * shared/reference/devices.md §6 and laid out byte by byte in the standard's
 * Table 2 (general header) and Table 4 (finger representation header); the
 * 4-byte image data length that precedes the image is part of the
 * representation body (ISO/IEC 19794-4:2011 §8.3.21, and what MOSIP's
 * bio-utils reads and writes). All integers are big-endian.
 *
 * The decoder reads images that come from third-party device services, so it
 * trusts no length: every length is checked against the bytes actually there,
 * and anything that does not add up is a DeviceError 'protocol'.
 */
import { DeviceError } from '../errors.js';

/** "FIR\0" (Table 2, format identifier). */
export const FIR_FORMAT_IDENTIFIER = Uint8Array.of(0x46, 0x49, 0x52, 0x00);
/** "020\0" (Table 2, version number of the 2011 edition). */
export const FIR_VERSION_2011 = Uint8Array.of(0x30, 0x32, 0x30, 0x00);
/** 4 format + 4 version + 4 record length + 2 representations + 1 certification flag + 1 finger count (Table 2). */
export const GENERAL_HEADER_LENGTH = 16;
/**
 * Representation header without its variable blocks: length 4, capture time 9,
 * technology 1, vendor 2, type 2, quality count 1, position 1, number 1, scale 1,
 * four sampling rates 8, bit depth 1, compression 1, impression 1, width 2, height 2 (Table 4).
 */
export const REPRESENTATION_FIXED_LENGTH = 4 + 9 + 1 + 2 + 2 + 1 + 1 + 1 + 1 + 8 + 1 + 1 + 1 + 2 + 2;
/** The image data length field before the image (§8.3.21). */
export const IMAGE_LENGTH_FIELD = 4;
/** Quality block: score 1, algorithm vendor 2, algorithm id 2 (§8.3.7). */
export const QUALITY_BLOCK_LENGTH = 5;
/** Certification block: authority id 2, scheme id 1 (§8.3.8). */
export const CERTIFICATION_BLOCK_LENGTH = 3;

/** Image compression algorithm codes (Table 10). */
export const FingerCompression = {
  uncompressed: 0, // no bit packing
  bitPacked: 1,
  wsq: 2,
  jpeg: 3,
  jpeg2000Lossy: 4,
  jpeg2000Lossless: 5,
  png: 6,
} as const;

/** Scale units (§8.3.12): 1 pixels per inch, 2 pixels per centimetre. */
export const FingerScaleUnits = { ppi: 1, ppcm: 2 } as const;

/** Finger position codes (Table 6) and the multiple-finger codes a slap scanner uses (Table 7). */
export const FingerPositionCode = {
  unknown: 0,
  rightThumb: 1,
  rightIndex: 2,
  rightMiddle: 3,
  rightRing: 4,
  rightLittle: 5,
  leftThumb: 6,
  leftIndex: 7,
  leftMiddle: 8,
  leftRing: 9,
  leftLittle: 10,
  plainRightFour: 13,
  plainLeftFour: 14,
  plainTwoThumbs: 15,
} as const;

/** Impression type 0: live-scan plain (Table 11) — what a slap scanner takes. */
export const IMPRESSION_LIVE_SCAN_PLAIN = 0;
/** Quality score 255: the quality algorithm failed (§8.3.7.1). */
export const QUALITY_FAILED = 255;

/** Capture date and time in UTC (§8.3.2); unreported fields are all ones (year 0xFFFF, others 0xFF). */
export interface FingerCaptureTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export interface FingerQualityBlock {
  /** 0–100, or 255 where the algorithm failed. */
  score: number;
  vendorId: number;
  algorithmId: number;
}

export interface FingerCertificationBlock {
  authorityId: number;
  schemeId: number;
}

export interface FingerRepresentation {
  captureTime: FingerCaptureTime;
  deviceTechnology: number;
  deviceVendor: number;
  deviceType: number;
  quality: FingerQualityBlock[];
  /** Present in the record only when the general header's certification flag is 1. */
  certifications: FingerCertificationBlock[];
  fingerPosition: number;
  representationNumber: number;
  scaleUnits: number;
  captureSamplingRate: { horizontal: number; vertical: number };
  imageSamplingRate: { horizontal: number; vertical: number };
  bitDepth: number;
  compression: number;
  impressionType: number;
  width: number;
  height: number;
  /** The image as stored: PNG, JPEG, WSQ, JPEG 2000 or raw pixels, per `compression`. */
  image: Uint8Array;
  /** Extended data blocks after the image (segmentation, annotation, comment), kept as bytes. */
  extendedData: Uint8Array;
}

export interface FingerImageRecord {
  certificationFlag: 0 | 1;
  /** Number of distinct finger/palm positions (Table 2). */
  fingerCount: number;
  representations: FingerRepresentation[];
}

export type FingerRepresentationInput = Omit<FingerRepresentation, 'certifications' | 'extendedData'> & {
  certifications?: FingerCertificationBlock[];
  extendedData?: Uint8Array;
};

export interface FingerImageRecordInput {
  /** Defaults to 1 when any representation has certification blocks, else 0. */
  certificationFlag?: 0 | 1;
  /** Defaults to the number of distinct finger positions. */
  fingerCount?: number;
  representations: FingerRepresentationInput[];
}

/** The capture time fields of `date`, in UTC as §8.3.2 asks. */
export function captureTimeFromDate(date: Date): FingerCaptureTime {
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
  };
}

function checkUint(value: number, bits: 8 | 16 | 32, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 2 ** bits - 1) throw new RangeError(`ISO 19794-4 ${what} must be an unsigned ${bits}-bit integer, got ${value}.`);
}

/** Builds the record; throws RangeError for a value that does not fit its field (a caller's mistake, not the device's). */
export function encodeFingerImageRecord(input: FingerImageRecordInput): Buffer {
  const representations = input.representations;
  if (representations.length === 0 || representations.length > 0xffff) throw new RangeError(`An ISO 19794-4 record holds 1–65535 representations, got ${representations.length}.`);
  const certificationFlag = input.certificationFlag ?? (representations.some((r) => (r.certifications?.length ?? 0) > 0) ? 1 : 0);
  const fingerCount = input.fingerCount ?? new Set(representations.map((r) => r.fingerPosition)).size;
  checkUint(fingerCount, 8, 'finger count');

  const parts: Buffer[] = [];
  for (const r of representations) {
    const certifications = r.certifications ?? [];
    const extended = r.extendedData ?? new Uint8Array(0);
    if (certificationFlag === 0 && certifications.length > 0) throw new RangeError('Certification blocks need the certification flag set to 1.');
    checkUint(r.quality.length, 8, 'quality block count');
    checkUint(certifications.length, 8, 'certification block count');
    const headerLength =
      REPRESENTATION_FIXED_LENGTH + r.quality.length * QUALITY_BLOCK_LENGTH + (certificationFlag === 1 ? 1 + certifications.length * CERTIFICATION_BLOCK_LENGTH : 0);
    const length = headerLength + IMAGE_LENGTH_FIELD + r.image.length + extended.length;
    checkUint(length, 32, 'representation length');
    const b = Buffer.alloc(length);
    let o = 0;
    const u8 = (v: number, what: string) => {
      checkUint(v, 8, what);
      o = b.writeUInt8(v, o);
    };
    const u16 = (v: number, what: string) => {
      checkUint(v, 16, what);
      o = b.writeUInt16BE(v, o);
    };
    o = b.writeUInt32BE(length, o);
    const t = r.captureTime;
    u16(t.year, 'capture year');
    u8(t.month, 'capture month');
    u8(t.day, 'capture day');
    u8(t.hour, 'capture hour');
    u8(t.minute, 'capture minute');
    u8(t.second, 'capture second');
    u16(t.millisecond, 'capture millisecond');
    u8(r.deviceTechnology, 'device technology');
    u16(r.deviceVendor, 'device vendor');
    u16(r.deviceType, 'device type');
    u8(r.quality.length, 'quality block count');
    for (const q of r.quality) {
      u8(q.score, 'quality score');
      u16(q.vendorId, 'quality vendor');
      u16(q.algorithmId, 'quality algorithm');
    }
    if (certificationFlag === 1) {
      u8(certifications.length, 'certification block count');
      for (const c of certifications) {
        u16(c.authorityId, 'certification authority');
        u8(c.schemeId, 'certification scheme');
      }
    }
    u8(r.fingerPosition, 'finger position');
    u8(r.representationNumber, 'representation number');
    u8(r.scaleUnits, 'scale units');
    u16(r.captureSamplingRate.horizontal, 'capture sampling rate');
    u16(r.captureSamplingRate.vertical, 'capture sampling rate');
    u16(r.imageSamplingRate.horizontal, 'image sampling rate');
    u16(r.imageSamplingRate.vertical, 'image sampling rate');
    u8(r.bitDepth, 'bit depth');
    u8(r.compression, 'compression');
    u8(r.impressionType, 'impression type');
    u16(r.width, 'width');
    u16(r.height, 'height');
    o = b.writeUInt32BE(r.image.length, o);
    b.set(r.image, o);
    o += r.image.length;
    b.set(extended, o);
    parts.push(b);
  }
  const total = GENERAL_HEADER_LENGTH + parts.reduce((sum, p) => sum + p.length, 0);
  checkUint(total, 32, 'record length');
  const header = Buffer.alloc(GENERAL_HEADER_LENGTH);
  header.set(FIR_FORMAT_IDENTIFIER, 0);
  header.set(FIR_VERSION_2011, 4);
  header.writeUInt32BE(total, 8);
  header.writeUInt16BE(representations.length, 12);
  header.writeUInt8(certificationFlag, 14);
  header.writeUInt8(fingerCount, 15);
  return Buffer.concat([header, ...parts], total);
}

function bad(detail: string): DeviceError {
  return new DeviceError('protocol', `Not a valid ISO/IEC 19794-4:2011 finger image record: ${detail}.`);
}

/** Bytes per image for the uncompressed codes, where the standard fixes it (§8.3.15, Table 10). */
function rawImageLength(compression: number, width: number, height: number, bitDepth: number): number | null {
  if (compression === FingerCompression.uncompressed) return width * height * Math.ceil(bitDepth / 8);
  if (compression === FingerCompression.bitPacked) return Math.ceil((width * height * bitDepth) / 8);
  return null;
}

/** Parses and checks a record; every inconsistency is a DeviceError 'protocol' naming what did not add up. */
export function decodeFingerImageRecord(input: Uint8Array): FingerImageRecord {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < GENERAL_HEADER_LENGTH) throw bad(`${bytes.length} bytes is shorter than the ${GENERAL_HEADER_LENGTH}-byte general header`);
  if (!bytes.subarray(0, 4).equals(FIR_FORMAT_IDENTIFIER)) throw bad(`the format identifier is ${bytes.subarray(0, 4).toString('hex')}, not "FIR\\0"`);
  if (!bytes.subarray(4, 8).equals(FIR_VERSION_2011)) throw bad(`the version is ${bytes.subarray(4, 8).toString('hex')}, not "020\\0" (2011)`);
  const recordLength = bytes.readUInt32BE(8);
  if (recordLength !== bytes.length) throw bad(`the header says ${recordLength} bytes but ${bytes.length} arrived`);
  const count = bytes.readUInt16BE(12);
  const flag = bytes.readUInt8(14);
  const fingerCount = bytes.readUInt8(15);
  if (count === 0) throw bad('it holds no representation');
  if (flag !== 0 && flag !== 1) throw bad(`the certification flag is ${flag}, not 0 or 1`);

  const representations: FingerRepresentation[] = [];
  let offset = GENERAL_HEADER_LENGTH;
  for (let index = 0; index < count; index++) {
    const where = `representation ${index + 1} of ${count}`;
    if (offset + 4 > bytes.length) throw bad(`${where} starts at byte ${offset}, past the end`);
    const length = bytes.readUInt32BE(offset);
    const end = offset + length;
    if (length < REPRESENTATION_FIXED_LENGTH + IMAGE_LENGTH_FIELD || end > bytes.length) throw bad(`${where} claims ${length} bytes at byte ${offset} of ${bytes.length}`);
    const r = bytes.subarray(offset, end);
    let o = 4;
    const need = (n: number, what: string) => {
      if (o + n > r.length) throw bad(`${where} ends inside its ${what}`);
    };
    const captureTime: FingerCaptureTime = {
      year: r.readUInt16BE(4),
      month: r.readUInt8(6),
      day: r.readUInt8(7),
      hour: r.readUInt8(8),
      minute: r.readUInt8(9),
      second: r.readUInt8(10),
      millisecond: r.readUInt16BE(11),
    };
    o = 13;
    const deviceTechnology = r.readUInt8(o++);
    const deviceVendor = r.readUInt16BE(o);
    const deviceType = r.readUInt16BE(o + 2);
    o += 4;
    const qualityCount = r.readUInt8(o++);
    need(qualityCount * QUALITY_BLOCK_LENGTH, 'quality blocks');
    const quality: FingerQualityBlock[] = [];
    for (let q = 0; q < qualityCount; q++, o += QUALITY_BLOCK_LENGTH) {
      const score = r.readUInt8(o);
      if (score > 100 && score !== QUALITY_FAILED) throw bad(`${where} has quality score ${score} (0–100 or 255)`);
      quality.push({ score, vendorId: r.readUInt16BE(o + 1), algorithmId: r.readUInt16BE(o + 3) });
    }
    const certifications: FingerCertificationBlock[] = [];
    if (flag === 1) {
      need(1, 'certification block count');
      const certificationCount = r.readUInt8(o++);
      need(certificationCount * CERTIFICATION_BLOCK_LENGTH, 'certification blocks');
      for (let c = 0; c < certificationCount; c++, o += CERTIFICATION_BLOCK_LENGTH) certifications.push({ authorityId: r.readUInt16BE(o), schemeId: r.readUInt8(o + 2) });
    }
    // Position 1, number 1, scale 1, rates 8, depth 1, compression 1, impression 1, width 2, height 2, image length 4.
    need(22, 'fixed fields');
    const fingerPosition = r.readUInt8(o);
    const representationNumber = r.readUInt8(o + 1);
    const scaleUnits = r.readUInt8(o + 2);
    const captureSamplingRate = { horizontal: r.readUInt16BE(o + 3), vertical: r.readUInt16BE(o + 5) };
    const imageSamplingRate = { horizontal: r.readUInt16BE(o + 7), vertical: r.readUInt16BE(o + 9) };
    const bitDepth = r.readUInt8(o + 11);
    const compression = r.readUInt8(o + 12);
    const impressionType = r.readUInt8(o + 13);
    const width = r.readUInt16BE(o + 14);
    const height = r.readUInt16BE(o + 16);
    const imageLength = r.readUInt32BE(o + 18);
    o += 22;
    if (scaleUnits !== FingerScaleUnits.ppi && scaleUnits !== FingerScaleUnits.ppcm) throw bad(`${where} has scale units ${scaleUnits} (1 ppi or 2 ppcm)`);
    if (bitDepth < 1 || bitDepth > 16) throw bad(`${where} has bit depth ${bitDepth} (1–16)`);
    if (compression > FingerCompression.png) throw bad(`${where} has compression code ${compression} (0–6)`);
    if (width === 0 || height === 0) throw bad(`${where} is ${width} × ${height} pixels`);
    if (imageLength === 0 || o + imageLength > r.length) throw bad(`${where} says its image is ${imageLength} bytes but ${r.length - o} remain`);
    const expectedRaw = rawImageLength(compression, width, height, bitDepth);
    if (expectedRaw !== null && expectedRaw !== imageLength) throw bad(`${where} holds ${imageLength} bytes of uncompressed image where ${width} × ${height} at ${bitDepth} bits needs ${expectedRaw}`);
    representations.push({
      captureTime,
      deviceTechnology,
      deviceVendor,
      deviceType,
      quality,
      certifications,
      fingerPosition,
      representationNumber,
      scaleUnits,
      captureSamplingRate,
      imageSamplingRate,
      bitDepth,
      compression,
      impressionType,
      width,
      height,
      image: new Uint8Array(r.subarray(o, o + imageLength)),
      extendedData: new Uint8Array(r.subarray(o + imageLength)),
    });
    offset = end;
  }
  if (offset !== bytes.length) throw bad(`${bytes.length - offset} bytes follow the last representation`);
  return { certificationFlag: flag as 0 | 1, fingerCount, representations };
}

/** Pixels per inch of a representation's image, whatever its scale units (1 inch = 2.54 cm). */
export function imagePpi(representation: Pick<FingerRepresentation, 'scaleUnits' | 'imageSamplingRate'>): number {
  const rate = representation.imageSamplingRate.horizontal;
  return representation.scaleUnits === FingerScaleUnits.ppcm ? Math.round(rate * 2.54) : rate;
}
