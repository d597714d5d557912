/**
 * Wacom STU signature pads (STU-430 / 530 / 540) over USB HID: pure encoding
 * and decoding of the reports, no I/O. Sources, as devices.md §3 says (Wacom
 * publishes no separate specification; the SDK wins where sources disagree):
 *   [hpp]  STU SDK header WacomGSS/STU/Protocol.hpp — report ids, structs,
 *          enums, PenData decoding (decodeReport_unsafe);
 *   [cpp]  STU SDK source Protocol.cpp — the byte layout and size of every
 *          feature report (each get/set builds a std::array<uint8_t, N> whose
 *          byte 0 is the report id);
 *   [help] STU SDK ProtocolHelper.cpp — status polling around image writes,
 *          simulateEncodingFlag; Win32 ProtocolHelper flatten* — pixel formats;
 *   [web]  pabloko/Wacom-STU-WebHID, netas-ch/Wacom-STU-WebHID — agree with
 *          [cpp] on report lengths and field order (they read rdy/sw from the
 *          wrong bits, which devices.md §3 notes; we follow [hpp]).
 * Byte order differs between reports, exactly as [cpp] has it: identity
 * reports (Information, Capability, Uid) and pen data are big-endian; the
 * settings reports (Status word, InkThreshold, ImageDataBlock length,
 * HandwritingDisplayArea, Backlight) are little-endian.
 */
import { DeviceError } from '../errors.js';

/** Report ids [hpp] `enum ReportId`; the ones this driver uses plus the input ids it recognises. */
export const ReportId = {
  PenData: 0x01,
  Status: 0x03,
  Reset: 0x04,
  Information: 0x08,
  Capability: 0x09,
  Uid: 0x0a,
  Uid2: 0x0b,
  PenDataEncrypted: 0x10,
  DevicePublicKey: 0x14,
  ClearScreen: 0x20,
  InkingMode: 0x21,
  InkThreshold: 0x22,
  StartImageData: 0x25,
  ImageDataBlock: 0x26,
  EndImageData: 0x27,
  HandwritingDisplayArea: 0x2a,
  BacklightBrightness: 0x2b,
  PenDataOption: 0x30,
  PenDataEncryptedOption: 0x31,
  PenDataOptionMode: 0x32,
  PenDataTimeCountSequenceEncrypted: 0x33,
  PenDataTimeCountSequence: 0x34,
  EncryptionStatus: 0x50,
  SetResult: 0x81,
  PinPadData: 0x90,
  PinPadDataEncrypted: 0x91,
  EventData: 0x99,
  EventDataEncrypted: 0x9a,
} as const;

/** Whole report sizes in bytes, report id included: the std::array sizes in [cpp]. */
export const ReportSize = {
  Status: 5,
  Reset: 2,
  Information: 17,
  Capability: 17,
  Uid: 5,
  Uid2: 11,
  ClearScreen: 2,
  InkingMode: 2,
  InkThreshold: 5,
  StartImageData: 2,
  /** 256 for HID; the 2560-byte form is for serial and the 540's bulk path only [cpp setImageDataBlock]. */
  ImageDataBlock: 256,
  EndImageData: 2,
  HandwritingDisplayArea: 9,
  BacklightBrightness: 3,
  PenDataOptionMode: 2,
  /** Input: id + 6 [hpp PenData::reportSize]. */
  PenData: 7,
  /** Input: id + 10 [hpp PenDataTimeCountSequence::reportSize]. */
  PenDataTimeCountSequence: 11,
} as const;

/** Largest image data block over HID: 256 − 3 [hpp ImageDataBlock::maxLengthHID]. */
export const MAX_IMAGE_BLOCK = 253;

/** Tablet units per inch where the Capability report gives none (devices.md §3; the 430/530/540 report 2540 themselves). */
export const DEFAULT_UNITS_PER_INCH = 2540;

/** Pen reports per second over USB HID ([hpp] setReportRate: "for USB HID mode, the report rate is fixed as 200 report/second"). */
export const HID_REPORT_RATE = 200;

/** [hpp] `enum StatusCode`. */
export const StatusCode = {
  Ready: 0x00,
  Image: 0x01,
  Capture: 0x02,
  Calculation: 0x03,
  ImageBoot: 0x04,
  RomBusy: 0x05,
  SystemReset: 0xff,
} as const;

export function statusName(code: number): string {
  for (const [name, value] of Object.entries(StatusCode)) if (value === code) return name;
  return `status ${hex(code)}`;
}

/** [hpp] `enum ErrorCode` (Status.lastResultCode). */
export const ErrorCode = {
  None: 0x00,
  WrongReportId: 0x01,
  WrongState: 0x02,
  Crc: 0x03,
  BadParameter: 0x04,
  GraphicsWrongEncodingType: 0x10,
  GraphicsImageTooLong: 0x11,
  GraphicsZlibError: 0x12,
  GraphicsWrongParameters: 0x15,
} as const;

const errorMeanings: Record<number, string> = {
  [ErrorCode.WrongReportId]: 'wrong report id',
  [ErrorCode.WrongState]: 'command received in the wrong state',
  [ErrorCode.Crc]: 'CRC error',
  [ErrorCode.BadParameter]: 'parameter not valid',
  [ErrorCode.GraphicsWrongEncodingType]: 'wrong image encoding type',
  [ErrorCode.GraphicsImageTooLong]: 'image too long (drawing outside video memory)',
  [ErrorCode.GraphicsZlibError]: 'zlib inflate error',
  [ErrorCode.GraphicsWrongParameters]: 'image or handwriting area not valid',
};

export function errorCodeMeaning(code: number): string {
  return errorMeanings[code] ?? `error ${hex(code)}`;
}

/** [hpp] `enum EncodingFlag` (Capability.encodingFlag). */
export const EncodingFlag = { Zlib: 0x01, OneBit: 0x02, SixteenBit: 0x04, TwentyFourBit: 0x08 } as const;

/** [hpp] `enum EncodingMode` (StartImageData). Bulk (| 0x10) needs an interface write(), which HID feature reports are not. */
export const EncodingMode = { OneBit: 0x00, OneBitZlib: 0x01, SixteenBit: 0x02, TwentyFourBit: 0x04 } as const;
export type EncodingModeValue = (typeof EncodingMode)[keyof typeof EncodingMode];

/** [hpp] `enum EndImageDataFlag`. */
export const EndImageDataFlag = { Commit: 0x00, Abandon: 0x01 } as const;

/** [hpp] `enum ResetFlag`. */
export const ResetFlag = { Software: 0x00, Hardware: 0x01 } as const;

/** [hpp] `enum PenDataOptionMode`: 3 makes the 430/530/540 send report 0x34 instead of 0x01. */
export const PenDataOptionMode = { None: 0x00, TimeCount: 0x01, SequenceNumber: 0x02, TimeCountSequence: 0x03 } as const;

/** Ink thresholds after reset: on 0x15, off 0x10 ([hpp] InkThreshold comment; devices.md §3). Valid 0x000–0x3ff. */
export const DEFAULT_INK_THRESHOLD = { on: 0x15, off: 0x10 } as const;
export const MAX_INK_THRESHOLD = 0x3ff;

export function reportName(id: number): string {
  for (const [name, value] of Object.entries(ReportId)) if (value === id) return name;
  return `report ${hex(id)}`;
}

function hex(n: number): string {
  return `0x${(n & 0xff).toString(16).padStart(2, '0')}`;
}

function protocolError(message: string): DeviceError {
  return new DeviceError('protocol', message);
}

/** Checks a report's id and exact size; the SDK's validating interface refuses a length mismatch the same way [help ValidatingInterfaceImpl::validate]. */
function expectReport(data: Uint8Array, id: number, size: number): Buffer {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buffer.length === 0) throw protocolError(`An empty report arrived where ${reportName(id)} (${hex(id)}) was expected.`);
  if (buffer[0] !== id) throw protocolError(`Report ${hex(buffer[0] ?? 0)} arrived where ${reportName(id)} (${hex(id)}) was expected.`);
  if (buffer.length !== size) throw protocolError(`${reportName(id)} (${hex(id)}) was ${buffer.length} bytes long; it is ${size} bytes.`);
  return buffer;
}

// ---------------------------------------------------------------------------
// Feature reports: types

export interface StuStatus {
  statusCode: number;
  /** [hpp] ErrorCode of the last command. */
  lastResultCode: number;
  statusWord: number;
}

export interface StuInformation {
  /** modelName[9], NULs and trailing spaces removed: "STU-540". */
  modelName: string;
  firmwareMajor: number;
  firmwareMinor: number;
  /** Non-zero if the security chip is present (STU-540: 0) [hpp Information]. */
  secureIc: number;
  secureIcVersion: [number, number, number, number];
}

export interface StuCapability {
  tabletMaxX: number;
  tabletMaxY: number;
  tabletMaxPressure: number;
  screenWidth: number;
  screenHeight: number;
  maxReportRate: number;
  /** Tablet units per inch. */
  resolution: number;
  encodingFlag: number;
}

export interface StuRectangle {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface InkThreshold {
  on: number;
  off: number;
}

// ---------------------------------------------------------------------------
// Feature reports: the host's SET requests (and, where a report is get/set, the device's GET reply: same layout)

const u8 = (n: number, name: string) => {
  if (!Number.isInteger(n) || n < 0 || n > 0xff) throw new RangeError(`${name} must be 0…255, got ${n}.`);
  return n;
};
const u16 = (n: number, name: string) => {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new RangeError(`${name} must be 0…65535, got ${n}.`);
  return n;
};

export const commands = {
  reset(flag: number = ResetFlag.Software): Buffer {
    return Buffer.from([ReportId.Reset, u8(flag, 'reset flag')]);
  },
  clearScreen(): Buffer {
    return Buffer.from([ReportId.ClearScreen, 0]);
  },
  inkingMode(on: boolean): Buffer {
    return Buffer.from([ReportId.InkingMode, on ? 1 : 0]);
  },
  /** On and off pressure marks, little-endian [cpp setInkThreshold]. */
  inkThreshold({ on, off }: InkThreshold): Buffer {
    const b = Buffer.alloc(ReportSize.InkThreshold);
    b[0] = ReportId.InkThreshold;
    b.writeUInt16LE(u16(on, 'ink on threshold'), 1);
    b.writeUInt16LE(u16(off, 'ink off threshold'), 3);
    return b;
  },
  startImageData(mode: number): Buffer {
    return Buffer.from([ReportId.StartImageData, u8(mode, 'encoding mode')]);
  },
  /** Length little-endian, then up to 253 bytes, zero-padded to 256 [cpp setImageDataBlock]. */
  imageDataBlock(data: Uint8Array): Buffer {
    if (data.length > MAX_IMAGE_BLOCK) throw new RangeError(`An image data block holds at most ${MAX_IMAGE_BLOCK} bytes over HID, got ${data.length}.`);
    const b = Buffer.alloc(ReportSize.ImageDataBlock);
    b[0] = ReportId.ImageDataBlock;
    b.writeUInt16LE(data.length, 1);
    b.set(data, 3);
    return b;
  },
  endImageData(flag: number = EndImageDataFlag.Commit): Buffer {
    return Buffer.from([ReportId.EndImageData, u8(flag, 'end flag')]);
  },
  /** Four little-endian 16-bit pixel coordinates [cpp setHandwritingDisplayArea]. */
  handwritingDisplayArea(r: StuRectangle): Buffer {
    const b = Buffer.alloc(ReportSize.HandwritingDisplayArea);
    b[0] = ReportId.HandwritingDisplayArea;
    b.writeUInt16LE(u16(r.left, 'left'), 1);
    b.writeUInt16LE(u16(r.top, 'top'), 3);
    b.writeUInt16LE(u16(r.right, 'right'), 5);
    b.writeUInt16LE(u16(r.bottom, 'bottom'), 7);
    return b;
  },
  /** 0 (dimmest) … 3 (brightest), little-endian 16-bit [cpp setBacklightBrightness; hpp]. */
  backlight(level: number): Buffer {
    const b = Buffer.alloc(ReportSize.BacklightBrightness);
    b[0] = ReportId.BacklightBrightness;
    b.writeUInt16LE(u16(level, 'backlight level'), 1);
    return b;
  },
  penDataOptionMode(mode: number): Buffer {
    return Buffer.from([ReportId.PenDataOptionMode, u8(mode, 'pen data option mode')]);
  },
  /** Big-endian 32-bit [cpp setUid]. */
  uid(uid: number): Buffer {
    const b = Buffer.alloc(ReportSize.Uid);
    b[0] = ReportId.Uid;
    b.writeUInt32BE(uid >>> 0, 1);
    return b;
  },
};

/** What the device receives as a SET_FEATURE request, decoded (the simulator's parser). */
export type StuSetReport =
  | { type: 'Reset'; flag: number }
  | { type: 'ClearScreen' }
  | { type: 'InkingMode'; on: boolean }
  | { type: 'InkThreshold'; threshold: InkThreshold }
  | { type: 'StartImageData'; mode: number }
  | { type: 'ImageDataBlock'; data: Buffer }
  | { type: 'EndImageData'; flag: number }
  | { type: 'HandwritingDisplayArea'; area: StuRectangle }
  | { type: 'BacklightBrightness'; level: number }
  | { type: 'PenDataOptionMode'; mode: number }
  | { type: 'Uid'; uid: number };

/** Decodes a SET_FEATURE report; an id this pad does not take as a SET, or a wrong length, is a 'protocol' error. */
export function decodeSetReport(data: Uint8Array): StuSetReport {
  if (data.length === 0) throw protocolError('An empty SET_FEATURE report arrived.');
  const id = data[0] ?? 0;
  switch (id) {
    case ReportId.Reset:
      return { type: 'Reset', flag: expectReport(data, id, ReportSize.Reset)[1] ?? 0 };
    case ReportId.ClearScreen:
      expectReport(data, id, ReportSize.ClearScreen);
      return { type: 'ClearScreen' };
    case ReportId.InkingMode:
      return { type: 'InkingMode', on: (expectReport(data, id, ReportSize.InkingMode)[1] ?? 0) !== 0 };
    case ReportId.InkThreshold:
      return { type: 'InkThreshold', threshold: decodeInkThreshold(data) };
    case ReportId.StartImageData:
      return { type: 'StartImageData', mode: expectReport(data, id, ReportSize.StartImageData)[1] ?? 0 };
    case ReportId.ImageDataBlock: {
      const b = expectReport(data, id, ReportSize.ImageDataBlock);
      const length = b.readUInt16LE(1);
      if (length > MAX_IMAGE_BLOCK) throw protocolError(`ImageDataBlock (0x26) says ${length} bytes; a HID block holds at most ${MAX_IMAGE_BLOCK}.`);
      return { type: 'ImageDataBlock', data: Buffer.from(b.subarray(3, 3 + length)) };
    }
    case ReportId.EndImageData:
      return { type: 'EndImageData', flag: expectReport(data, id, ReportSize.EndImageData)[1] ?? 0 };
    case ReportId.HandwritingDisplayArea:
      return { type: 'HandwritingDisplayArea', area: decodeHandwritingDisplayArea(data) };
    case ReportId.BacklightBrightness:
      return { type: 'BacklightBrightness', level: decodeBacklight(data) };
    case ReportId.PenDataOptionMode:
      return { type: 'PenDataOptionMode', mode: decodePenDataOptionMode(data) };
    case ReportId.Uid:
      return { type: 'Uid', uid: decodeUid(data) };
    default:
      throw protocolError(`SET_FEATURE report ${hex(id)} is not one an STU pad takes.`);
  }
}

// ---------------------------------------------------------------------------
// Feature reports: GET replies (device → host). Encoders are for the simulator and for golden vectors.

export function decodeStatus(data: Uint8Array): StuStatus {
  const b = expectReport(data, ReportId.Status, ReportSize.Status);
  // statusWord = cmd[3] | cmd[4] << 8 [cpp getStatus]
  return { statusCode: b[1] ?? 0, lastResultCode: b[2] ?? 0, statusWord: b.readUInt16LE(3) };
}

export function encodeStatus(s: StuStatus): Buffer {
  const b = Buffer.alloc(ReportSize.Status);
  b[0] = ReportId.Status;
  b[1] = u8(s.statusCode, 'status code');
  b[2] = u8(s.lastResultCode, 'last result code');
  b.writeUInt16LE(u16(s.statusWord, 'status word'), 3);
  return b;
}

export function decodeInformation(data: Uint8Array): StuInformation {
  const b = expectReport(data, ReportId.Information, ReportSize.Information);
  // modelName = cmd[1..9], firmware major cmd[10], minor cmd[11], secureIc cmd[12], secureIcVersion cmd[13..16] [cpp getInformation]
  const raw = b.subarray(1, 10);
  const end = raw.indexOf(0);
  const modelName = raw
    .subarray(0, end === -1 ? raw.length : end)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  return {
    modelName,
    firmwareMajor: b[10] ?? 0,
    firmwareMinor: b[11] ?? 0,
    secureIc: b[12] ?? 0,
    secureIcVersion: [b[13] ?? 0, b[14] ?? 0, b[15] ?? 0, b[16] ?? 0],
  };
}

export function encodeInformation(i: StuInformation): Buffer {
  const b = Buffer.alloc(ReportSize.Information);
  b[0] = ReportId.Information;
  const name = Buffer.from(i.modelName, 'latin1');
  if (name.length > 9) throw new RangeError(`The model name holds 9 characters, got "${i.modelName}".`);
  b.set(name, 1);
  b[10] = u8(i.firmwareMajor, 'firmware major');
  b[11] = u8(i.firmwareMinor, 'firmware minor');
  b[12] = u8(i.secureIc, 'secure IC');
  i.secureIcVersion.forEach((v, k) => (b[13 + k] = u8(v, 'secure IC version')));
  return b;
}

/** "major.minor" as the SDK's own dump tool prints it (two hex digits for the minor). */
export function firmwareVersion(i: StuInformation): string {
  return `${i.firmwareMajor.toString(16)}.${i.firmwareMinor.toString(16).padStart(2, '0')}`;
}

export function decodeCapability(data: Uint8Array): StuCapability {
  const b = expectReport(data, ReportId.Capability, ReportSize.Capability);
  // All 16-bit fields big-endian; cmd[11] report rate; cmd[14] encoding flag; cmd[15..16] reserved [cpp getCapability]
  return {
    tabletMaxX: b.readUInt16BE(1),
    tabletMaxY: b.readUInt16BE(3),
    tabletMaxPressure: b.readUInt16BE(5),
    screenWidth: b.readUInt16BE(7),
    screenHeight: b.readUInt16BE(9),
    maxReportRate: b[11] ?? 0,
    resolution: b.readUInt16BE(12),
    encodingFlag: b[14] ?? 0,
  };
}

export function encodeCapability(c: StuCapability): Buffer {
  const b = Buffer.alloc(ReportSize.Capability);
  b[0] = ReportId.Capability;
  b.writeUInt16BE(u16(c.tabletMaxX, 'tablet max X'), 1);
  b.writeUInt16BE(u16(c.tabletMaxY, 'tablet max Y'), 3);
  b.writeUInt16BE(u16(c.tabletMaxPressure, 'tablet max pressure'), 5);
  b.writeUInt16BE(u16(c.screenWidth, 'screen width'), 7);
  b.writeUInt16BE(u16(c.screenHeight, 'screen height'), 9);
  b[11] = u8(c.maxReportRate, 'max report rate');
  b.writeUInt16BE(u16(c.resolution, 'resolution'), 12);
  b[14] = u8(c.encodingFlag, 'encoding flag');
  return b;
}

export function decodeUid(data: Uint8Array): number {
  // (cmd[1] << 24) | … | cmd[4] [cpp getUid]
  return expectReport(data, ReportId.Uid, ReportSize.Uid).readUInt32BE(1);
}

export function encodeUid(uid: number): Buffer {
  return commands.uid(uid);
}

/** Uid2: a 10-character hardware id on the 430/530/540 [cpp getUid2]; null when blank. */
export function decodeUid2(data: Uint8Array): string | null {
  const raw = expectReport(data, ReportId.Uid2, ReportSize.Uid2).subarray(1);
  const end = raw.indexOf(0);
  const text = raw
    .subarray(0, end === -1 ? raw.length : end)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
  return text.length > 0 ? text : null;
}

export function encodeUid2(uid2: string): Buffer {
  const b = Buffer.alloc(ReportSize.Uid2);
  b[0] = ReportId.Uid2;
  const text = Buffer.from(uid2, 'latin1');
  if (text.length > 10) throw new RangeError(`Uid2 holds 10 characters, got "${uid2}".`);
  b.set(text, 1);
  return b;
}

export function decodeInkingMode(data: Uint8Array): boolean {
  return (expectReport(data, ReportId.InkingMode, ReportSize.InkingMode)[1] ?? 0) !== 0;
}

export function decodeInkThreshold(data: Uint8Array): InkThreshold {
  const b = expectReport(data, ReportId.InkThreshold, ReportSize.InkThreshold);
  return { on: b.readUInt16LE(1), off: b.readUInt16LE(3) };
}

export function decodeHandwritingDisplayArea(data: Uint8Array): StuRectangle {
  const b = expectReport(data, ReportId.HandwritingDisplayArea, ReportSize.HandwritingDisplayArea);
  return { left: b.readUInt16LE(1), top: b.readUInt16LE(3), right: b.readUInt16LE(5), bottom: b.readUInt16LE(7) };
}

export function decodeBacklight(data: Uint8Array): number {
  return expectReport(data, ReportId.BacklightBrightness, ReportSize.BacklightBrightness).readUInt16LE(1);
}

export function decodePenDataOptionMode(data: Uint8Array): number {
  return expectReport(data, ReportId.PenDataOptionMode, ReportSize.PenDataOptionMode)[1] ?? 0;
}

/** The decoder for each GET_FEATURE report the driver reads, by id (used by the driver and the fuzz tests). */
export const featureDecoders: Record<number, (data: Uint8Array) => unknown> = {
  [ReportId.Status]: decodeStatus,
  [ReportId.Information]: decodeInformation,
  [ReportId.Capability]: decodeCapability,
  [ReportId.Uid]: decodeUid,
  [ReportId.Uid2]: decodeUid2,
  [ReportId.InkingMode]: decodeInkingMode,
  [ReportId.InkThreshold]: decodeInkThreshold,
  [ReportId.HandwritingDisplayArea]: decodeHandwritingDisplayArea,
  [ReportId.BacklightBrightness]: decodeBacklight,
  [ReportId.PenDataOptionMode]: decodePenDataOptionMode,
};

/** Any GET_FEATURE reply the driver reads, decoded by its report id (byte 0); an id it does not read is a 'protocol' error. */
export function decodeFeatureReply(data: Uint8Array): { reportId: number; value: unknown } {
  if (data.length === 0) throw protocolError('An empty GET_FEATURE reply arrived.');
  const id = data[0] ?? 0;
  const decode = featureDecoders[id];
  if (decode === undefined) throw protocolError(`GET_FEATURE reply ${hex(id)} is not a report this driver reads.`);
  return { reportId: id, value: decode(data) };
}

// ---------------------------------------------------------------------------
// Input reports: pen data

/** [hpp] `struct PenData`. */
export interface PenData {
  /** Pen in proximity. */
  rdy: boolean;
  /** Tip switch (0–7); non-zero = touching the surface. */
  sw: number;
  /** 12 bits as sent; the 430/530/540 use 0–1023. */
  pressure: number;
  x: number;
  y: number;
}

export type StuInputReport =
  | { kind: 'pen'; reportId: typeof ReportId.PenData; pen: PenData; timeCount: null; sequence: null }
  | { kind: 'pen'; reportId: typeof ReportId.PenDataTimeCountSequence; pen: PenData; timeCount: number; sequence: number }
  /** A report id the SDK lists as an input the driver does not use (encrypted pen data, event data…). */
  | { kind: 'other'; reportId: number };

const otherInputs = new Set<number>([
  ReportId.PenDataEncrypted,
  ReportId.DevicePublicKey,
  ReportId.PenDataOption,
  ReportId.PenDataEncryptedOption,
  ReportId.PenDataTimeCountSequenceEncrypted,
  ReportId.EncryptionStatus,
  ReportId.SetResult,
  ReportId.PinPadData,
  ReportId.PinPadDataEncrypted,
  ReportId.EventData,
  ReportId.EventDataEncrypted,
]);

/** The six pen bytes exactly as [hpp] decodeReport_unsafe(PenData) reads them. */
function decodePenBytes(b: Buffer, at: number): PenData {
  const b0 = b[at] ?? 0;
  return {
    rdy: ((b0 >> 7) & 0x01) !== 0,
    sw: (b0 >> 4) & 0x07,
    pressure: ((b0 & 0x0f) << 8) | (b[at + 1] ?? 0),
    x: b.readUInt16BE(at + 2),
    y: b.readUInt16BE(at + 4),
  };
}

/** Decodes an input report (byte 0 = report id); a pen report of the wrong length or an id the SDK does not list is a 'protocol' error. */
export function decodeInputReport(data: Uint8Array): StuInputReport {
  if (data.length === 0) throw protocolError('An empty input report arrived.');
  const id = data[0] ?? 0;
  if (id === ReportId.PenData) {
    const b = expectReport(data, id, ReportSize.PenData);
    return { kind: 'pen', reportId: ReportId.PenData, pen: decodePenBytes(b, 1), timeCount: null, sequence: null };
  }
  if (id === ReportId.PenDataTimeCountSequence) {
    const b = expectReport(data, id, ReportSize.PenDataTimeCountSequence);
    // timeCount = cmd6 << 8 | cmd7, sequence = cmd8 << 8 | cmd9 (big-endian, after the pen bytes) [hpp decodeReport_unsafe(PenDataTimeCountSequence)]
    return { kind: 'pen', reportId: ReportId.PenDataTimeCountSequence, pen: decodePenBytes(b, 1), timeCount: b.readUInt16BE(7), sequence: b.readUInt16BE(9) };
  }
  if (otherInputs.has(id)) return { kind: 'other', reportId: id };
  throw protocolError(`Input report ${hex(id)} is not one an STU pad sends.`);
}

function encodePenBytes(p: PenData, b: Buffer, at: number): void {
  if (!Number.isInteger(p.sw) || p.sw < 0 || p.sw > 7) throw new RangeError(`sw is 3 bits, got ${p.sw}.`);
  if (!Number.isInteger(p.pressure) || p.pressure < 0 || p.pressure > 0xfff) throw new RangeError(`pressure is 12 bits, got ${p.pressure}.`);
  b[at] = (p.rdy ? 0x80 : 0) | (p.sw << 4) | (p.pressure >> 8);
  b[at + 1] = p.pressure & 0xff;
  b.writeUInt16BE(u16(p.x, 'x'), at + 2);
  b.writeUInt16BE(u16(p.y, 'y'), at + 4);
}

export function encodePenData(p: PenData): Buffer {
  const b = Buffer.alloc(ReportSize.PenData);
  b[0] = ReportId.PenData;
  encodePenBytes(p, b, 1);
  return b;
}

export function encodePenDataTimeCountSequence(p: PenData, timeCount: number, sequence: number): Buffer {
  const b = Buffer.alloc(ReportSize.PenDataTimeCountSequence);
  b[0] = ReportId.PenDataTimeCountSequence;
  encodePenBytes(p, b, 1);
  b.writeUInt16BE(timeCount & 0xffff, 7);
  b.writeUInt16BE(sequence & 0xffff, 9);
  return b;
}

// ---------------------------------------------------------------------------
// Screen images

/** Pixels to put on the pad's screen: 8-bit grey (1 channel) or RGB (3 channels, interleaved), row-major. */
export interface StuScreenImage {
  width: number;
  height: number;
  channels?: 1 | 3;
  pixels: Uint8Array;
}

export type StuImageMode = '1bit' | '16bit' | '24bit';

export const encodingModeFor: Record<StuImageMode, EncodingModeValue> = {
  '1bit': EncodingMode.OneBit,
  '16bit': EncodingMode.SixteenBit,
  '24bit': EncodingMode.TwentyFourBit,
};

export function imageModeOf(encodingMode: number): StuImageMode | null {
  if (encodingMode === EncodingMode.OneBit) return '1bit';
  if (encodingMode === EncodingMode.SixteenBit) return '16bit';
  if (encodingMode === EncodingMode.TwentyFourBit) return '24bit';
  return null;
}

/** Bytes an uncompressed screen image takes: 1-bit rows are padded to whole bytes [help flattenMonochrome]. */
export function imageByteLength(mode: StuImageMode, width: number, height: number): number {
  if (mode === '1bit') return Math.ceil(width / 8) * height;
  return width * height * (mode === '16bit' ? 2 : 3);
}

/**
 * What the pad can show, from the Capability encoding flags; where a pad
 * reports none of the 1/16/24-bit flags, guesses from the model as the SDK's
 * simulateEncodingFlag does from the product id (530/540/541 colour, 520A
 * 16-bit, everything else 1-bit) [help simulateEncodingFlag].
 */
export function effectiveEncodingFlag(encodingFlag: number, modelName: string): number {
  if ((encodingFlag & (EncodingFlag.OneBit | EncodingFlag.SixteenBit | EncodingFlag.TwentyFourBit)) !== 0) return encodingFlag;
  if (/^STU-5(30|40|41)/.test(modelName)) return EncodingFlag.TwentyFourBit | EncodingFlag.SixteenBit | EncodingFlag.OneBit | EncodingFlag.Zlib;
  if (/^STU-520/.test(modelName)) return EncodingFlag.SixteenBit | EncodingFlag.OneBit;
  return EncodingFlag.OneBit;
}

/** The richest uncompressed mode the flags allow. */
export function bestImageMode(encodingFlag: number): StuImageMode {
  if (encodingFlag & EncodingFlag.TwentyFourBit) return '24bit';
  if (encodingFlag & EncodingFlag.SixteenBit) return '16bit';
  return '1bit';
}

export function supportsImageMode(encodingFlag: number, mode: StuImageMode): boolean {
  if (mode === '24bit') return (encodingFlag & EncodingFlag.TwentyFourBit) !== 0;
  if (mode === '16bit') return (encodingFlag & EncodingFlag.SixteenBit) !== 0;
  return true; // 1-bit: every STU [help simulateEncodingFlag default]
}

/**
 * Flattens an image into the pad's wire format [help Win32 flatten*]:
 *   1-bit: rows padded to 8 pixels, most significant bit first, 1 = white,
 *          0 = ink, where a pixel is ink if (r | g | b) <= 0x80;
 *   16-bit: RGB565, high byte first ("note change of byte order");
 *   24-bit: B, G, R per pixel (GDI+ PixelFormat24bppRGB memory order; the
 *          WebHID drivers also send BGR).
 */
export function encodeScreenImage(image: StuScreenImage, mode: StuImageMode): Buffer {
  const { width, height } = image;
  const channels = image.channels ?? 1;
  if (image.pixels.length !== width * height * channels) {
    throw new RangeError(`The image is ${width}×${height}×${channels} but has ${image.pixels.length} bytes.`);
  }
  const px = image.pixels;
  const rgb = (i: number): [number, number, number] => {
    if (channels === 1) {
      const v = px[i] ?? 0;
      return [v, v, v];
    }
    return [px[i * 3] ?? 0, px[i * 3 + 1] ?? 0, px[i * 3 + 2] ?? 0];
  };
  const out = Buffer.alloc(imageByteLength(mode, width, height), mode === '1bit' ? 0xff : 0);
  if (mode === '1bit') {
    const stride = Math.ceil(width / 8);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const [r, g, b] = rgb(y * width + x);
        if ((r | g | b) <= 0x80) {
          const at = y * stride + (x >> 3);
          out[at] = (out[at] ?? 0) & ~(0x80 >> (x & 7));
        }
      }
    }
  } else if (mode === '16bit') {
    for (let i = 0; i < width * height; i++) {
      const [r, g, b] = rgb(i);
      out.writeUInt16BE(((r & 0xf8) << 8) | ((g & 0xfc) << 3) | (b >> 3), i * 2);
    }
  } else {
    for (let i = 0; i < width * height; i++) {
      const [r, g, b] = rgb(i);
      out[i * 3] = b;
      out[i * 3 + 1] = g;
      out[i * 3 + 2] = r;
    }
  }
  return out;
}

/** The inverse, to RGB (3 channels): what the pad's LCD would show. 16-bit expands 5/6 bits by bit replication. */
export function decodeScreenImage(data: Uint8Array, mode: StuImageMode, width: number, height: number): Uint8Array {
  const expected = imageByteLength(mode, width, height);
  if (data.length !== expected) throw protocolError(`A ${mode} ${width}×${height} screen image is ${expected} bytes, got ${data.length}.`);
  const out = new Uint8Array(width * height * 3);
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (mode === '1bit') {
    const stride = Math.ceil(width / 8);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const white = ((b[y * stride + (x >> 3)] ?? 0) & (0x80 >> (x & 7))) !== 0;
        out.fill(white ? 255 : 0, (y * width + x) * 3, (y * width + x) * 3 + 3);
      }
    }
  } else if (mode === '16bit') {
    for (let i = 0; i < width * height; i++) {
      const v = b.readUInt16BE(i * 2);
      const r5 = v >> 11;
      const g6 = (v >> 5) & 0x3f;
      const b5 = v & 0x1f;
      out[i * 3] = (r5 << 3) | (r5 >> 2);
      out[i * 3 + 1] = (g6 << 2) | (g6 >> 4);
      out[i * 3 + 2] = (b5 << 3) | (b5 >> 2);
    }
  } else {
    for (let i = 0; i < width * height; i++) {
      out[i * 3] = b[i * 3 + 2] ?? 0;
      out[i * 3 + 1] = b[i * 3 + 1] ?? 0;
      out[i * 3 + 2] = b[i * 3] ?? 0;
    }
  }
  return out;
}

/** Splits image bytes into ImageDataBlock payloads of at most 253 bytes [help writeImageCommon]. */
export function imageBlocks(data: Uint8Array, blockSize: number = MAX_IMAGE_BLOCK): Uint8Array[] {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_IMAGE_BLOCK) throw new RangeError(`Block size must be 1…${MAX_IMAGE_BLOCK}, got ${blockSize}.`);
  const blocks: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += blockSize) blocks.push(data.subarray(at, at + blockSize));
  return blocks;
}
