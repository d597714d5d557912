/**
 * ADH-Tech GT-5xx (GT-511C3, GT-521F32, GT-521F52) serial protocol, pure.
 *
 * Sources, cited per constant below:
 *   [REF] /work/shared/reference/devices.md §2
 *   [SDK] vendor SDK, the-AjK/GT-511C3 extra/GT-511C3_SDK_20130410/SDK_DEMO_FOR_USER_AVW_20130122/
 *         OEM.h (command and NACK codes, devinfo), OEM.cpp (oem_open, oem_get_image, oem_get_rawimage),
 *         sb_protocol_oem.cpp (packet layout and checksums).
 */
import { DeviceError } from '../errors.js';
import type { Decoder, DecodeResult } from '../transport/frame-reader.js';
import type { GreyImage } from '../capture.js';

/** Command/response packet start bytes 55 AA [REF; SDK STX1/STX2]. */
export const COMMAND_START = [0x55, 0xaa] as const;
/** Data packet start bytes 5A A5 [REF; SDK STX3/STX4]. */
export const DATA_START = [0x5a, 0xa5] as const;
/** Device id, little-endian 01 00 [REF; SDK gwDevID = 1]. */
export const DEVICE_ID = 0x0001;
/** 55 AA | id (2) | parameter (4) | command (2) | checksum (2) [REF]. */
export const COMMAND_PACKET_SIZE = 12;
/** 5A A5 | id (2) | data | checksum (2): 6 bytes around the data [REF; SDK oemp_ReceiveData]. */
export const DATA_OVERHEAD = 6;

/** Command codes [REF §2 "Commands"; SDK OEM.h enum CMD_*]. */
export const Command = {
  Open: 0x01,
  Close: 0x02,
  ChangeBaudRate: 0x04,
  CmosLed: 0x12,
  IsPressFinger: 0x26,
  CaptureFinger: 0x60,
  GetImage: 0x62,
  GetRawImage: 0x63,
} as const;

export const commandNames: Record<number, string> = {
  0x01: 'Open',
  0x02: 'Close',
  0x04: 'ChangeBaudRate',
  0x12: 'CmosLed',
  0x20: 'EnrollCount',
  0x21: 'CheckEnrolled',
  0x22: 'EnrollStart',
  0x23: 'Enroll1',
  0x24: 'Enroll2',
  0x25: 'Enroll3',
  0x26: 'IsPressFinger',
  0x40: 'DeleteID',
  0x41: 'DeleteAll',
  0x50: 'Verify',
  0x51: 'Identify',
  0x60: 'CaptureFinger',
  0x61: 'MakeTemplate',
  0x62: 'GetImage',
  0x63: 'GetRawImage',
  0x70: 'GetTemplate',
  0x71: 'SetTemplate',
};

/** Response codes: ACK 0x30, NACK 0x31 [REF; SDK OEM.h ACK_OK / NACK_INFO]. */
export const ACK = 0x30;
export const NACK = 0x31;

/**
 * NACK error codes, the parameter of a NACK [SDK OEM.h: enum starting NACK_NONE = 0x1000, each +1].
 * The SDK has no "busy" code; NACK_DEV_ERR (0x100F) is its device-error code. 0x1009 is NACK_DB_IS_FULL.
 */
export const NackCode = {
  Timeout: 0x1001,
  InvalidBaudRate: 0x1002,
  InvalidPos: 0x1003,
  IsNotUsed: 0x1004,
  IsAlreadyUsed: 0x1005,
  CommErr: 0x1006,
  VerifyFailed: 0x1007,
  IdentifyFailed: 0x1008,
  DbIsFull: 0x1009,
  DbIsEmpty: 0x100a,
  TurnErr: 0x100b,
  BadFinger: 0x100c,
  EnrollFailed: 0x100d,
  IsNotSupported: 0x100e,
  DevErr: 0x100f,
  CaptureCanceled: 0x1010,
  InvalidParam: 0x1011,
  FingerIsNotPressed: 0x1012,
} as const;

const nackMeanings: Record<number, string> = {
  0x1001: 'capture timeout',
  0x1002: 'invalid baud rate',
  0x1003: 'invalid template position',
  0x1004: 'template position not used',
  0x1005: 'template position already used',
  0x1006: 'communication error',
  0x1007: 'verification failed',
  0x1008: 'identification failed',
  0x1009: 'template database full',
  0x100a: 'template database empty',
  0x100b: 'enrolment steps out of order',
  0x100c: 'bad finger',
  0x100d: 'enrolment failed',
  0x100e: 'command not supported',
  0x100f: 'device error',
  0x1010: 'capture cancelled',
  0x1011: 'invalid parameter',
  0x1012: 'finger not pressed',
};

export function nackMeaning(code: number): string {
  return nackMeanings[code] ?? `unknown error 0x${code.toString(16).padStart(4, '0')}`;
}

/** Baud rates ChangeBaudRate accepts: 9600 power-up, 19200…115200 [REF §2]; 230400 only on some units, so not offered. */
export const POWER_UP_BAUD = 9600;
export const BAUD_RATES = [9600, 19200, 38400, 57600, 115200] as const;

/** GetImage: 52 116 bytes, sent as 258 rows of 202 [REF; SDK OEM.cpp gbyImg256_tmp[258*202]]. */
export const IMAGE_SENT_ROWS = 258;
export const IMAGE_SENT_COLUMNS = 202;
export const IMAGE_BYTES = IMAGE_SENT_ROWS * IMAGE_SENT_COLUMNS; // 52116
/** After the SDK's transposition: 258 wide, 202 high [SDK OEM.cpp gbyImg256_2[i*258+j], i < 202]. */
export const IMAGE_WIDTH = 258;
export const IMAGE_HEIGHT = 202;
/** GetRawImage: 160 × 120, row-major, not transposed [REF; SDK OEM.cpp gbyImgRaw2[i*160+j], i < 120]. */
export const RAW_WIDTH = 160;
export const RAW_HEIGHT = 120;
export const RAW_BYTES = RAW_WIDTH * RAW_HEIGHT; // 19200
/** Open's info: firmware (4), ISO area max (4), serial (16) = 24 data bytes, 30 as a packet [REF; SDK OEM.h devinfo]. */
export const OPEN_INFO_BYTES = 24;
/** Fingerprint modules sample at 500 ppi (capture.ts GreyImage.ppi, per the datasheets). */
export const PPI = 500;

export interface Gt5xxPacket {
  kind: 'packet';
  /** Command code (host → device) or ACK/NACK (device → host). */
  code: number;
  parameter: number;
}
export interface Gt5xxData {
  kind: 'data';
  data: Uint8Array;
}
export type Gt5xxFrame = Gt5xxPacket | Gt5xxData;

/** 16-bit sum of bytes [SDK oemp_CalcChkSumOfCmdAckPkt / oemp_CalcChkSumOfDataPkt]. */
export function checksum16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + (bytes[i] ?? 0)) & 0xffff;
  return sum;
}

/** A command or response packet; the parameter is a 32-bit value (NACK codes, baud rates, 0/1 flags). */
export function encodePacket(code: number, parameter = 0): Buffer {
  const packet = Buffer.alloc(COMMAND_PACKET_SIZE);
  packet[0] = COMMAND_START[0];
  packet[1] = COMMAND_START[1];
  packet.writeUInt16LE(DEVICE_ID, 2);
  packet.writeUInt32LE(parameter >>> 0, 4);
  packet.writeUInt16LE(code & 0xffff, 8);
  packet.writeUInt16LE(checksum16(packet, 0, 10), 10);
  return packet;
}

export const encodeCommand = encodePacket;

export function encodeDataPacket(data: Uint8Array): Buffer {
  const packet = Buffer.alloc(data.length + DATA_OVERHEAD);
  packet[0] = DATA_START[0];
  packet[1] = DATA_START[1];
  packet.writeUInt16LE(DEVICE_ID, 2);
  packet.set(data, 4);
  packet.writeUInt16LE(checksum16(packet, 0, 4 + data.length), 4 + data.length);
  return packet;
}

export type Expect = 'response' | { data: number };

function describeExpect(expect: Expect): string {
  return expect === 'response' ? 'a GT-5xx response packet' : `a GT-5xx data packet of ${expect.data} bytes`;
}

/** Index of the next possible start (first byte of the start pair) at or after `from`, or -1. */
function findStart(buffer: Buffer, first: number, from: number): number {
  return buffer.indexOf(first, from);
}

/**
 * A decoder for what comes next: a 12-byte packet ('response'; also used by the
 * simulator for commands, same layout) or a data packet of a known length (data
 * packets carry no length [REF]). Bytes before a start pair are skipped (one lone
 * byte silently, more as a 'protocol' error); a bad checksum or device id is a
 * 'checksum' / 'protocol' error and the packet is skipped.
 */
export function createDecoder(expect: Expect): Decoder<Gt5xxFrame> {
  const start = expect === 'response' ? COMMAND_START : DATA_START;
  const size = expect === 'response' ? COMMAND_PACKET_SIZE : expect.data + DATA_OVERHEAD;
  const what = describeExpect(expect);
  return (buffer: Buffer): DecodeResult<Gt5xxFrame> => {
    if (buffer.length === 0) return { kind: 'need' };
    if (buffer[0] !== start[0] || (buffer.length > 1 && buffer[1] !== start[1])) {
      // Resynchronise at the next possible start byte.
      let next = findStart(buffer, start[0], 1);
      if (next === -1) next = buffer.length;
      if (next === 1) return { kind: 'skip', size: 1 };
      return { kind: 'skip', size: next, error: new DeviceError('protocol', `${next} bytes that are not ${what} were received.`) };
    }
    if (buffer.length < 4) return { kind: 'need' };
    if (buffer.readUInt16LE(2) !== DEVICE_ID) {
      return { kind: 'skip', size: 2, error: new DeviceError('protocol', `A packet for device id ${buffer.readUInt16LE(2)} instead of ${DEVICE_ID} was received.`) };
    }
    if (buffer.length < size) return { kind: 'need' };
    const expected = checksum16(buffer, 0, size - 2);
    const got = buffer.readUInt16LE(size - 2);
    if (expected !== got) {
      if (expect === 'response') {
        // A start pair inside a packet that fails its checksum: the first packet was cut short; resume at the second.
        for (let i = 2; i < size && i + 1 < buffer.length; i++) {
          if (buffer[i] === start[0] && buffer[i + 1] === start[1]) {
            return { kind: 'skip', size: i, error: new DeviceError('protocol', `A truncated GT-5xx packet (${i} of ${size} bytes) was received.`) };
          }
        }
      }
      return {
        kind: 'skip',
        size,
        error: new DeviceError('checksum', `${what[0]?.toUpperCase()}${what.slice(1)} arrived with checksum 0x${got.toString(16).padStart(4, '0')} instead of 0x${expected.toString(16).padStart(4, '0')}.`),
      };
    }
    if (expect === 'response') {
      return { kind: 'frame', size, frame: { kind: 'packet', parameter: buffer.readUInt32LE(4), code: buffer.readUInt16LE(8) } };
    }
    return { kind: 'frame', size, frame: { kind: 'data', data: new Uint8Array(buffer.subarray(4, size - 2)) } };
  };
}

export interface OpenInfo {
  /** Firmware version word as 8 hex digits (the SDK shows it as hex). */
  firmware: string;
  isoAreaMaxSize: number;
  /** The 16-byte serial number as 32 upper-case hex digits. */
  serial: string;
}

/** Parses Open's 24-byte info [SDK OEM.h devinfo: DWORD FirmwareVersion, DWORD IsoAreaMaxSize, BYTE DeviceSerialNumber[16]]. */
export function parseOpenInfo(data: Uint8Array): OpenInfo {
  if (data.length !== OPEN_INFO_BYTES) throw new DeviceError('protocol', `Open's device info has ${data.length} bytes instead of ${OPEN_INFO_BYTES}.`);
  const view = Buffer.from(data);
  return {
    firmware: view.readUInt32LE(0).toString(16).toUpperCase().padStart(8, '0'),
    isoAreaMaxSize: view.readUInt32LE(4),
    serial: view.subarray(8, 24).toString('hex').toUpperCase(),
  };
}

export function encodeOpenInfo(info: { firmware: number; isoAreaMaxSize: number; serial: Uint8Array }): Uint8Array {
  const data = Buffer.alloc(OPEN_INFO_BYTES);
  data.writeUInt32LE(info.firmware >>> 0, 0);
  data.writeUInt32LE(info.isoAreaMaxSize >>> 0, 4);
  data.set(info.serial.subarray(0, 16), 8);
  return new Uint8Array(data);
}

/**
 * GetImage's bytes → an upright 8-bit image.
 *
 * What the SDK does (OEM.cpp oem_get_image): it receives the 52 116 bytes into
 * gbyImg256_tmp[258*202], reads it as 258 rows of 202 (tmp[j*202+i]) and
 * transposes: gbyImg256_2[i*258+j] = tmp[j*202+i] for i < 202, j < 258, giving
 * an image 258 wide and 202 high. For display it then copies 256 of those
 * columns (from column 1) into rows 27…228 of a 256×256 buffer padded with 161;
 * that crop/pad is presentation only and is not applied here: all 258×202
 * sensor pixels are kept.
 */
export function imageFromSent(sent: Uint8Array): GreyImage {
  if (sent.length !== IMAGE_BYTES) throw new DeviceError('protocol', `GetImage sent ${sent.length} bytes instead of ${IMAGE_BYTES}.`);
  const pixels = new Uint8Array(IMAGE_BYTES);
  for (let i = 0; i < IMAGE_HEIGHT; i++) {
    for (let j = 0; j < IMAGE_WIDTH; j++) pixels[i * IMAGE_WIDTH + j] = sent[j * IMAGE_SENT_COLUMNS + i] ?? 0;
  }
  return { width: IMAGE_WIDTH, height: IMAGE_HEIGHT, ppi: PPI, pixels };
}

/** The inverse of imageFromSent: what the module sends for an upright 258×202 image (simulator side). */
export function sentFromImage(image: Uint8Array): Uint8Array {
  if (image.length !== IMAGE_BYTES) throw new RangeError(`expected ${IMAGE_WIDTH}×${IMAGE_HEIGHT} pixels, got ${image.length}`);
  const sent = new Uint8Array(IMAGE_BYTES);
  for (let i = 0; i < IMAGE_HEIGHT; i++) {
    for (let j = 0; j < IMAGE_WIDTH; j++) sent[j * IMAGE_SENT_COLUMNS + i] = image[i * IMAGE_WIDTH + j] ?? 0;
  }
  return sent;
}

/**
 * GetRawImage's bytes → the 160×120 preview. The SDK (oem_get_rawimage) reads it
 * row-major, 120 rows of 160 (gbyImgRaw2[i*160+j]), and only doubles each pixel
 * for display (into 320×240): no transposition.
 * The preview's resolution is in no source: 250 ppi is a nominal figure (half the
 * 500 ppi image's), for display only.
 */
export function previewFromRaw(raw: Uint8Array): GreyImage {
  if (raw.length !== RAW_BYTES) throw new DeviceError('protocol', `GetRawImage sent ${raw.length} bytes instead of ${RAW_BYTES}.`);
  return { width: RAW_WIDTH, height: RAW_HEIGHT, ppi: PPI / 2, pixels: new Uint8Array(raw) };
}
