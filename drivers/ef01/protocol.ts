/**
 * EF01 packet protocol (ZhianTec ZFM-20, Grow R305/R307/R503, AS608): pure
 * encoding and decoding, no I/O. Section references ("ZFM-20 §…") are to the
 * ZFM-20 datasheet as summarised in shared/reference/devices.md §1.
 */
import { DeviceError } from '../errors.js';
import type { DecodeResult, Decoder } from '../transport/frame-reader.js';

/** Packet header EF 01 (devices.md §1 "Frame"; ZFM-20 §5.1 packet format). */
export const HEADER_0 = 0xef;
export const HEADER_1 = 0x01;
/** Default module address FF FF FF FF (devices.md §1 "Frame"). */
export const DEFAULT_ADDRESS = 0xffffffff;
/** Default password 00 00 00 00 (ZFM-20 §4.3 "module password", factory default 0). */
export const DEFAULT_PASSWORD = 0x00000000;
/** Header (2) + address (4) + PID (1) + LEN (2) (devices.md §1 "Frame"). */
export const HEADER_SIZE = 9;
/** The lone byte some R503 firmware sends at power-on (devices.md §1). */
export const POWER_ON_BYTE = 0x55;

/** Packet identifiers (devices.md §1 "PID"). */
export const Pid = {
  command: 0x01,
  data: 0x02,
  ack: 0x07,
  end: 0x08,
} as const;
export type PidValue = (typeof Pid)[keyof typeof Pid];

/** Instruction codes (devices.md §1 "Instruction codes"). */
export const Instruction = {
  GenImg: 0x01,
  Img2Tz: 0x02,
  Match: 0x03,
  Search: 0x04,
  RegModel: 0x05,
  Store: 0x06,
  LoadChar: 0x07,
  UpChar: 0x08,
  DownChar: 0x09,
  UpImage: 0x0a,
  DownImage: 0x0b,
  DeleteChar: 0x0c,
  Empty: 0x0d,
  SetSysPara: 0x0e,
  ReadSysPara: 0x0f,
  SetPwd: 0x12,
  VfyPwd: 0x13,
  GetRandomCode: 0x14,
  SetAddr: 0x15,
  Handshake: 0x17,
  HiSpeedSearch: 0x1b,
  TemplateNum: 0x1d,
  ReadIndexTable: 0x1f,
  Cancel: 0x30, // R503 only
  AuraLedConfig: 0x35,
  CheckSensor: 0x36, // R503 only
  ReadProdInfo: 0x3c, // R503 only
  SoftReset: 0x3d, // R503 only
  LedOn: 0x50, // some models
  LedOff: 0x51, // some models
} as const;
export type InstructionName = keyof typeof Instruction;

export function instructionName(code: number): string {
  for (const [name, value] of Object.entries(Instruction)) if (value === code) return name;
  return `instruction 0x${hex(code)}`;
}

/** Confirmation codes (devices.md §1 "Confirmation codes"). */
export const Confirmation = {
  ok: 0x00,
  receiveError: 0x01,
  noFinger: 0x02,
  imageFailed: 0x03,
  tooMessy: 0x06,
  tooFewFeatures: 0x07,
  noMatch: 0x08,
  notFound: 0x09,
  mergeFailed: 0x0a,
  badLocation: 0x0b,
  templateReadError: 0x0c,
  upCharFailed: 0x0d,
  cannotReceivePackets: 0x0e,
  upImageFailed: 0x0f,
  deleteFailed: 0x10,
  emptyFailed: 0x11,
  wrongPassword: 0x13,
  noValidImage: 0x15,
  flashError: 0x18,
  invalidRegister: 0x1a,
} as const;

const confirmationMeanings: Record<number, string> = {
  0x00: 'OK',
  0x01: 'error when receiving the packet',
  0x02: 'no finger on the sensor',
  0x03: 'failed to enrol the finger image',
  0x06: 'the finger image is too messy',
  0x07: 'too few feature points in the finger image',
  0x08: 'the fingers do not match',
  0x09: 'no matching finger found',
  0x0a: 'failed to merge the character files',
  0x0b: 'the address is beyond the finger library',
  0x0c: 'error reading the template from the library',
  0x0d: 'failed to upload the template',
  0x0e: 'the module cannot receive the following data packets',
  0x0f: 'failed to upload the image',
  0x10: 'failed to delete the template',
  0x11: 'failed to clear the finger library',
  0x13: 'wrong password',
  0x15: 'no valid image in the image buffer',
  0x18: 'error writing flash',
  0x1a: 'invalid register number',
};

export function confirmationMeaning(code: number): string {
  return confirmationMeanings[code] ?? `unknown confirmation code 0x${hex(code)}`;
}

/** SetSysPara register numbers (devices.md §1 "SetSysPara registers"). */
export const SysParaRegister = { baud: 4, securityLevel: 5, packetSize: 6 } as const;

/** Data packet size codes 0..3 → 32, 64, 128, 256 bytes (devices.md §1 "ReadSysPara"). */
export const PACKET_SIZES = [32, 64, 128, 256] as const;
/** Factory packet size 128 bytes, code 2 (devices.md §1). */
export const DEFAULT_PACKET_SIZE_CODE = 2;
/** Baud = 9600 × N, N = 1…12, default 6 (devices.md §1). */
export const BAUD_UNIT = 9600;
export const DEFAULT_BAUD_N = 6;
export const MAX_BAUD_N = 12;

/** Image 256 × 288 at ~500 dpi, 4 bits a pixel over UART, two pixels a byte, left pixel high nibble (devices.md §1 "Image"). */
export const IMAGE_WIDTH = 256;
export const IMAGE_HEIGHT = 288;
export const IMAGE_PPI = 500;
export const PACKED_IMAGE_BYTES = (IMAGE_WIDTH * IMAGE_HEIGHT) / 2; // 36 864

/**
 * LEN sanity limits: LEN counts payload + 2-byte checksum (devices.md §1); the
 * smallest real packet has one payload byte (an instruction or confirmation
 * code) and the largest a 256-byte data packet (packet size code 3).
 */
export const MIN_LEN = 3;
export const MAX_LEN = 256 + 2;

export interface Ef01Frame {
  address: number;
  pid: number;
  /** Payload without the checksum. */
  payload: Buffer;
}

function hex(value: number, digits = 2): string {
  return value.toString(16).toUpperCase().padStart(digits, '0');
}

/** 16-bit sum of PID, both LEN bytes and the payload; carries dropped (devices.md §1 "SUM"). */
export function checksum(pid: number, len: number, payload: Uint8Array): number {
  let sum = pid + ((len >> 8) & 0xff) + (len & 0xff);
  for (const byte of payload) sum += byte;
  return sum & 0xffff;
}

/** A whole packet: EF 01 | address | PID | LEN | payload | SUM, big-endian (devices.md §1). */
export function encodePacket(pid: number, payload: Uint8Array, address = DEFAULT_ADDRESS): Buffer {
  const len = payload.length + 2;
  if (len > MAX_LEN) throw new RangeError(`EF01 payload of ${payload.length} bytes is longer than the largest packet (${MAX_LEN - 2}).`);
  const out = Buffer.alloc(HEADER_SIZE + payload.length + 2);
  out[0] = HEADER_0;
  out[1] = HEADER_1;
  out.writeUInt32BE(address >>> 0, 2);
  out[6] = pid;
  out.writeUInt16BE(len, 7);
  out.set(payload, HEADER_SIZE);
  out.writeUInt16BE(checksum(pid, len, payload), HEADER_SIZE + payload.length);
  return out;
}

/** A command packet (PID 01): instruction code then parameters. */
export function encodeCommand(instruction: number, params: Uint8Array | readonly number[] = [], address = DEFAULT_ADDRESS): Buffer {
  return encodePacket(Pid.command, Uint8Array.from([instruction, ...params]), address);
}

/** A data packet: PID 02 when more follow, PID 08 for the last (devices.md §1). */
export function encodeDataPacket(data: Uint8Array, last: boolean, address = DEFAULT_ADDRESS): Buffer {
  return encodePacket(last ? Pid.end : Pid.data, data, address);
}

/** An acknowledge packet (PID 07): confirmation code then any data. */
export function encodeAck(code: number, data: Uint8Array | readonly number[] = [], address = DEFAULT_ADDRESS): Buffer {
  return encodePacket(Pid.ack, Uint8Array.from([code, ...data]), address);
}

export function u32(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

/** The command packets the driver sends. */
export const commands = {
  genImg: (address?: number) => encodeCommand(Instruction.GenImg, [], address),
  img2Tz: (buffer: 1 | 2, address?: number) => encodeCommand(Instruction.Img2Tz, [buffer], address),
  upImage: (address?: number) => encodeCommand(Instruction.UpImage, [], address),
  readSysPara: (address?: number) => encodeCommand(Instruction.ReadSysPara, [], address),
  setSysPara: (register: number, value: number, address?: number) => encodeCommand(Instruction.SetSysPara, [register, value], address),
  vfyPwd: (password: number, address?: number) => encodeCommand(Instruction.VfyPwd, u32(password), address),
  /** AuraLedConfig(ctrl, speed, colour, count) (devices.md §1 "LED"). */
  auraLed: (control: number, speed: number, colour: number, count: number, address?: number) => encodeCommand(Instruction.AuraLedConfig, [control, speed, colour, count], address),
  ledOn: (address?: number) => encodeCommand(Instruction.LedOn, [], address),
  ledOff: (address?: number) => encodeCommand(Instruction.LedOff, [], address),
};

/** Aura LED control codes (R503 datasheet, AuraLedConfig: 1 breathing, 2 flashing, 3 on, 4 off, 5 gradually on, 6 gradually off). */
export const AuraControl = { breathing: 1, flashing: 2, on: 3, off: 4, graduallyOn: 5, graduallyOff: 6 } as const;
/** Aura LED colours (R503 datasheet: 1 red, 2 blue, 3 purple). */
export const AuraColour = { red: 1, blue: 2, purple: 3 } as const;

const protocolError = (message: string) => new DeviceError('protocol', message);

/**
 * The FrameReader decoder. Syncs on EF 01; a lone power-on 0x55 is skipped
 * silently, any other bytes before a header are skipped with a 'protocol'
 * error; LEN outside [MIN_LEN, MAX_LEN] or an unknown PID is 'protocol'; a bad
 * checksum is 'checksum', unless a new header starts inside the packet, in
 * which case the packet was cut short ('protocol') and reading resumes there.
 */
export const decodeEf01: Decoder<Ef01Frame> = (buffer: Buffer): DecodeResult<Ef01Frame> => {
  if (buffer.length === 0) return { kind: 'need' };
  if (buffer[0] !== HEADER_0) {
    if (buffer[0] === POWER_ON_BYTE && (buffer.length === 1 || buffer[1] === HEADER_0)) return { kind: 'skip', size: 1 };
    const next = buffer.indexOf(HEADER_0, 1);
    const size = next === -1 ? buffer.length : next;
    return { kind: 'skip', size, error: protocolError(`${size} byte(s) that are not an EF01 packet (no EF 01 header).`) };
  }
  if (buffer.length < 2) return { kind: 'need' };
  if (buffer[1] !== HEADER_1) return { kind: 'skip', size: 1, error: protocolError(`A byte EF not followed by 01: not an EF01 packet header.`) };
  if (buffer.length < HEADER_SIZE) return { kind: 'need' };
  const pid = buffer[6] ?? 0;
  const len = buffer.readUInt16BE(7);
  if (pid !== Pid.command && pid !== Pid.data && pid !== Pid.ack && pid !== Pid.end) {
    return { kind: 'skip', size: 2, error: protocolError(`An EF01 packet with unknown packet identifier 0x${hex(pid)}.`) };
  }
  if (len < MIN_LEN || len > MAX_LEN) {
    return { kind: 'skip', size: 2, error: protocolError(`An EF01 packet with impossible length ${len} (expected ${MIN_LEN}…${MAX_LEN}).`) };
  }
  const size = HEADER_SIZE + len;
  if (buffer.length < size) return { kind: 'need' };
  const payload = buffer.subarray(HEADER_SIZE, size - 2);
  const expected = checksum(pid, len, payload);
  const received = buffer.readUInt16BE(size - 2);
  if (expected !== received) {
    // A header inside the packet means this one was cut short and the next began: resume there.
    const inner = findHeader(buffer, 1, size);
    if (inner !== -1) return { kind: 'skip', size: inner, error: protocolError(`An EF01 packet was cut short after ${inner} of ${size} bytes.`) };
    return { kind: 'skip', size, error: new DeviceError('checksum', `An EF01 packet with a wrong checksum (received ${hex(received, 4)}, computed ${hex(expected, 4)}).`) };
  }
  return { kind: 'frame', frame: { address: buffer.readUInt32BE(2), pid, payload: Buffer.from(payload) }, size };
};

/**
 * EF 01, the same address, a known PID and a plausible LEN: the start of
 * another packet. Nine specific bytes; image data matches them by chance
 * with odds of about 2^-60.
 */
function findHeader(buffer: Buffer, from: number, to: number): number {
  const address = buffer.readUInt32BE(2);
  for (let i = buffer.indexOf(HEADER_0, from); i !== -1 && i < to; i = buffer.indexOf(HEADER_0, i + 1)) {
    if (i + HEADER_SIZE > buffer.length) return -1;
    if (buffer[i + 1] !== HEADER_1 || buffer.readUInt32BE(i + 2) !== address) continue;
    const pid = buffer[i + 6];
    const len = buffer.readUInt16BE(i + 7);
    if ((pid === Pid.ack || pid === Pid.data || pid === Pid.end || pid === Pid.command) && len >= MIN_LEN && len <= MAX_LEN) return i;
  }
  return -1;
}

export interface Ack {
  code: number;
  meaning: string;
  ok: boolean;
  /** Bytes after the confirmation code. */
  data: Buffer;
}

/** The confirmation code and data of an acknowledge packet, or a 'protocol' error if it is not one. */
export function parseAck(frame: Ef01Frame, context = 'the command'): Ack {
  if (frame.pid !== Pid.ack || frame.payload.length < 1) {
    throw protocolError(`Expected an acknowledge packet (PID 07) in answer to ${context}, got PID 0x${hex(frame.pid)} with ${frame.payload.length} byte(s).`);
  }
  const code = frame.payload[0] ?? 0;
  return { code, meaning: confirmationMeaning(code), ok: code === Confirmation.ok, data: frame.payload.subarray(1) };
}

export interface SystemParameters {
  status: number;
  systemId: number;
  librarySize: number;
  securityLevel: number;
  address: number;
  packetSizeCode: number;
  /** Bytes per data packet: 32, 64, 128 or 256. */
  packetSize: number;
  baudMultiplier: number;
  /** 9600 × N. */
  baudRate: number;
}

/** ReadSysPara data (after the confirmation code): status, system id, library size, security level (2 each), address (4), packet size code (2), N (2) — devices.md §1. */
export function parseSystemParameters(data: Uint8Array): SystemParameters {
  if (data.length < 16) throw protocolError(`A ReadSysPara answer with ${data.length} data bytes (expected 16).`);
  const view = Buffer.from(data.buffer, data.byteOffset, data.length);
  const packetSizeCode = view.readUInt16BE(12);
  const baudMultiplier = view.readUInt16BE(14);
  const packetSize = PACKET_SIZES[packetSizeCode];
  if (packetSize === undefined) throw protocolError(`A ReadSysPara answer with packet size code ${packetSizeCode} (expected 0…3).`);
  return {
    status: view.readUInt16BE(0),
    systemId: view.readUInt16BE(2),
    librarySize: view.readUInt16BE(4),
    securityLevel: view.readUInt16BE(6),
    address: view.readUInt32BE(8),
    packetSizeCode,
    packetSize,
    baudMultiplier,
    baudRate: BAUD_UNIT * baudMultiplier,
  };
}

export function encodeSystemParameters(p: Omit<SystemParameters, 'packetSize' | 'baudRate'>): Buffer {
  const out = Buffer.alloc(16);
  out.writeUInt16BE(p.status, 0);
  out.writeUInt16BE(p.systemId, 2);
  out.writeUInt16BE(p.librarySize, 4);
  out.writeUInt16BE(p.securityLevel, 6);
  out.writeUInt32BE(p.address >>> 0, 8);
  out.writeUInt16BE(p.packetSizeCode, 12);
  out.writeUInt16BE(p.baudMultiplier, 14);
  return out;
}

/** 4-bit → 8-bit: each byte holds two pixels, left in the high nibble; n → n × 17 (devices.md §1 "Image"). */
export function unpackImage(packed: Uint8Array): Uint8Array {
  const out = new Uint8Array(packed.length * 2);
  for (let i = 0; i < packed.length; i++) {
    const byte = packed[i] ?? 0;
    out[2 * i] = (byte >> 4) * 17;
    out[2 * i + 1] = (byte & 0x0f) * 17;
  }
  return out;
}

/** 8-bit → 4-bit as the module sends it: the high nibble of each pixel, two a byte. */
export function packImage(pixels: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(pixels.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = ((pixels[2 * i] ?? 0) & 0xf0) | ((pixels[2 * i + 1] ?? 0) >> 4);
  return out;
}

export function baudForMultiplier(n: number): number {
  return BAUD_UNIT * n;
}
