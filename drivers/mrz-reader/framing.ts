/**
 * Pure decoders (and encoders, for the simulator) for the three ways an MRZ
 * reader on a serial line frames a document (shared/reference/devices.md §4):
 *
 *   desko — DESKO CUTE interface: <STX> line1 <CR> line2 <CR> [line3 <CR>] <ETX>,
 *           lines of 7–44 characters.
 *   3m    — 3M RTE6701-OEM / Thales, "RTE Native" protocol:
 *           <SOH> [length word] "O" "U" <STX> [flag] [optical data] <ETX> [BCC]
 *           where [optical data] is always three CR-terminated lines, each padded
 *           with "_" to 30 (three-line documents) or 44 (two-line documents)
 *           characters; a missing top line is sent as an empty line.
 *           Source: 3M RTE6701-OEM Integration Manual VC27U V1.03, §9.1.1
 *           (pages 25–26; seen at easymanua.ls/3m/rte6701-oem/manual?p=25 and p=26):
 *           the length word is "a 14 significant bit word in [low byte][high byte]
 *           format with a value equal to the number of bytes (including check…" —
 *           the sentence is cut off in the copy we could find, and the BCC rule
 *           was not in it. Most defensible reading, used here and in the simulator:
 *             - length = every byte of the block, <SOH> through [BCC] inclusive;
 *             - BCC = XOR of every byte after <SOH> up to and including <ETX>
 *               (the ISO 1745 block-check convention that SOH/STX/ETX blocks follow).
 *           The [flag] byte's meaning is not given in what we found: it is passed on, unread.
 *   lines — plain OCR readers: lines ended by CR (or CR LF, or LF), one burst per
 *           document, no end marker. The decoder returns a document as soon as it
 *           holds a recognisable ICAO 9303 set (2 × 44 TD3, 2 × 36 TD2, 3 × 30 TD1);
 *           anything else is ended by the driver's inter-byte gap, which it reports
 *           by calling the decoder with `ended = true`.
 *
 * Every decoder takes `(buffer, ended)`: `ended` says no more bytes will come
 * for what is in the buffer (an inter-byte gap), so a partial frame is a
 * truncated one. The decoders are pure, never throw, and always consume at
 * least one byte unless they answer `need`.
 */
import { DeviceError } from '../errors.js';
import type { DecodeResult } from '../transport/frame-reader.js';

export const mrzFramings = ['desko', '3m', 'lines'] as const;
export type MrzFraming = (typeof mrzFramings)[number];

export interface MrzFrame {
  /** The MRZ lines, framing, padding and line ends removed (empty lines dropped). */
  lines: string[];
  /** The 3M [flag] byte, where the framing has one. */
  flag?: number;
}

export type MrzDecoder = (buffer: Buffer, ended?: boolean) => DecodeResult<MrzFrame>;

/**
 * Bytes that are not (part of) a frame at all, as opposed to a frame that is
 * malformed. The driver keeps waiting after garbage (the next document may
 * follow it) and reports it only if no document came.
 */
export class MrzGarbageError extends DeviceError {
  constructor(message: string) {
    super('protocol', message);
  }
}

export const SOH = 0x01;
export const STX = 0x02;
export const ETX = 0x03;
export const LF = 0x0a;
export const CR = 0x0d;

/** ICAO 9303 line lengths: TD1 30, TD2 36, TD3 44. DESKO: lines of 7–44 characters. */
export const MIN_LINE = 7;
export const MAX_LINE = 44;
/** Lines a document has, by line length (ICAO 9303 parts 4–6). */
const LINES_FOR_LENGTH: Readonly<Record<number, number>> = { 30: 3, 36: 2, 44: 2 };

/** 3M block: SOH + length(2) + "OU" + STX + flag + 3 CR + ETX + BCC = 12 bytes around the line text. */
const THREE_M_OVERHEAD = 12;
const THREE_M_MIN = THREE_M_OVERHEAD;
const THREE_M_MAX = THREE_M_OVERHEAD + 3 * MAX_LINE;

/** A, Z, 0, 9, '<': the MRZ character set (ICAO 9303 part 3, §4.3). */
export function isMrzByte(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39) || b === 0x3c;
}

/** Noise a line can pick up between documents that is not worth reporting: line ends, NUL, XON/XOFF. */
function isQuietByte(b: number): boolean {
  return b === CR || b === LF || b === 0x00 || b === 0x11 || b === 0x13 || b === 0xff;
}

function garbage(buffer: Buffer, size: number, what: string): DecodeResult<MrzFrame> {
  const skipped = buffer.subarray(0, size);
  if (skipped.every(isQuietByte)) return { kind: 'skip', size };
  return { kind: 'skip', size, error: new MrzGarbageError(`${size} byte(s) that are not ${what} (${preview(skipped)}).`) };
}

function malformed(size: number, message: string, code: 'protocol' | 'checksum' = 'protocol'): DecodeResult<MrzFrame> {
  return { kind: 'skip', size: Math.max(1, size), error: new DeviceError(code, message) };
}

/** Up to 16 bytes as hex, for messages. */
export function preview(bytes: Uint8Array): string {
  const head = Array.from(bytes.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > 16 ? `${head} …` : head;
}

function indexFrom(buffer: Buffer, byte: number, from: number): number {
  return from >= buffer.length ? -1 : buffer.indexOf(byte, from);
}

// ---------------------------------------------------------------- DESKO

export const decodeDesko: MrzDecoder = (buffer, ended = false) => {
  if (buffer.length === 0) return { kind: 'need' };
  if (buffer[0] !== STX) {
    const next = indexFrom(buffer, STX, 1);
    return garbage(buffer, next === -1 ? buffer.length : next, 'a DESKO frame');
  }
  const nextStx = indexFrom(buffer, STX, 1);
  const etx = buffer.indexOf(ETX, 1);
  if (nextStx !== -1 && (etx === -1 || nextStx < etx)) {
    return malformed(nextStx, `A DESKO frame was cut short: a new <STX> came after ${nextStx - 1} byte(s) and before its <ETX>.`);
  }
  const end = etx === -1 ? buffer.length : etx;
  // Check what has arrived so far, so a bad frame is reported without waiting for its end.
  let lineLength = 0;
  let lines = 0;
  for (let i = 1; i < end; i++) {
    const b = buffer[i] as number;
    if (b === CR) {
      if (lineLength < MIN_LINE) return malformed(etx === -1 ? i + 1 : etx + 1, `A DESKO frame has a line of ${lineLength} characters (${MIN_LINE}–${MAX_LINE} expected).`);
      lines++;
      lineLength = 0;
      if (buffer[i + 1] === LF && i + 1 < end) i++;
    } else if (isMrzByte(b)) {
      lineLength++;
      if (lineLength > MAX_LINE) return malformed(etx === -1 ? i + 1 : etx + 1, `A DESKO frame has a line longer than ${MAX_LINE} characters.`);
    } else {
      return malformed(etx === -1 ? i + 1 : etx + 1, `A DESKO frame holds byte 0x${b.toString(16).padStart(2, '0')}, which is not an MRZ character.`);
    }
    if (lines > 3) return malformed(etx === -1 ? i + 1 : etx + 1, 'A DESKO frame has more than three lines.');
  }
  if (etx === -1) {
    if (ended) return malformed(buffer.length, `A DESKO frame was cut short: ${buffer.length} byte(s) and no <ETX>.`);
    return { kind: 'need' };
  }
  if (lineLength !== 0) return malformed(etx + 1, 'A DESKO frame ends without a <CR> after its last line.');
  if (lines < 2) return malformed(etx + 1, `A DESKO frame has ${lines} line(s) (two or three expected).`);
  const text = buffer.subarray(1, etx).toString('latin1');
  return { kind: 'frame', frame: { lines: text.split(/\r\n?/).filter((l) => l.length > 0) }, size: etx + 1 };
};

export function encodeDesko(lines: readonly string[]): Buffer {
  return Buffer.concat([Buffer.from([STX]), Buffer.from(lines.map((l) => `${l}\r`).join(''), 'latin1'), Buffer.from([ETX])]);
}

// ---------------------------------------------------------------- 3M

/** XOR of every byte after <SOH> up to and including <ETX> (see the header: our reading of the manual). */
export function bcc3m(block: Uint8Array): number {
  let x = 0;
  for (let i = 1; i < block.length - 1; i++) x ^= block[i] as number;
  return x;
}

export const decode3m: MrzDecoder = (buffer, ended = false) => {
  if (buffer.length === 0) return { kind: 'need' };
  if (buffer[0] !== SOH) {
    const next = indexFrom(buffer, SOH, 1);
    return garbage(buffer, next === -1 ? buffer.length : next, 'a 3M frame');
  }
  const truncated = () => malformed(buffer.length, `A 3M frame was cut short after ${buffer.length} byte(s).`);
  if (buffer.length < 3) return ended ? truncated() : { kind: 'need' };
  const length = ((buffer[1] as number) | ((buffer[2] as number) << 8)) & 0x3fff;
  if (length < THREE_M_MIN || length > THREE_M_MAX) return malformed(1, `A 3M frame gives a length of ${length} bytes (${THREE_M_MIN}–${THREE_M_MAX} possible).`);
  // Header checks on what has arrived, so garbage that happens to start with SOH is dropped early.
  const header = [0x4f, 0x55, STX]; // "O", "U", <STX>
  for (let i = 0; i < header.length && 3 + i < buffer.length; i++) {
    if (buffer[3 + i] !== header[i]) return malformed(1, `A 3M frame's header is not "OU"<STX> (${preview(buffer.subarray(0, 6))}).`);
  }
  if (buffer.length < length) return ended ? truncated() : { kind: 'need' };
  if (buffer[length - 2] !== ETX) return malformed(1, `A 3M frame of ${length} bytes has no <ETX> before its BCC.`);
  const expected = bcc3m(buffer.subarray(0, length));
  const got = buffer[length - 1] as number;
  if (expected !== got) {
    return malformed(length, `A 3M frame's BCC is 0x${got.toString(16).padStart(2, '0')}, its bytes give 0x${expected.toString(16).padStart(2, '0')}.`, 'checksum');
  }
  const data = buffer.subarray(7, length - 2);
  if (data.length === 0 || data[data.length - 1] !== CR) return malformed(length, 'A 3M frame\'s data does not end with <CR>.');
  const raw = data.subarray(0, data.length - 1).toString('latin1').split('\r');
  if (raw.length !== 3) return malformed(length, `A 3M frame holds ${raw.length} line(s); the reader always sends three.`);
  const lines: string[] = [];
  for (const line of raw) {
    const text = line.replace(/_+$/, '');
    if (!/^[A-Z0-9<]*$/.test(text)) return malformed(length, 'A 3M frame holds a line with characters outside the MRZ set.');
    if (line.length > MAX_LINE) return malformed(length, `A 3M frame holds a line of ${line.length} characters (at most ${MAX_LINE}).`);
    if (text.length > 0) lines.push(text);
  }
  return { kind: 'frame', frame: { lines, flag: buffer[7 - 1] }, size: length };
};

/**
 * A 3M block for these lines: three lines (a two-line document gets an empty
 * first line), each padded with "_" to 30 or 44 characters, as the manual says.
 */
export function encode3m(lines: readonly string[], flag = 0x30): Buffer {
  const width = lines.length >= 3 ? 30 : 44;
  const three = lines.length >= 3 ? lines.slice(0, 3) : [...Array<string>(3 - lines.length).fill(''), ...lines];
  const data = three.map((l) => (l.length === 0 ? '' : l.padEnd(width, '_'))).map((l) => `${l}\r`).join('');
  const length = THREE_M_OVERHEAD - 3 + data.length;
  const block = Buffer.alloc(length);
  block[0] = SOH;
  block[1] = length & 0xff;
  block[2] = (length >> 8) & 0x3f;
  block[3] = 0x4f;
  block[4] = 0x55;
  block[5] = STX;
  block[6] = flag;
  block.write(data, 7, 'latin1');
  block[length - 2] = ETX;
  block[length - 1] = bcc3m(block);
  return block;
}

// ---------------------------------------------------------------- plain lines

function isEol(b: number | undefined): boolean {
  return b === CR || b === LF;
}

export const decodeLines: MrzDecoder = (buffer, ended = false) => {
  if (buffer.length === 0) return { kind: 'need' };
  // Line ends and line noise before a document are dropped silently.
  let start = 0;
  while (start < buffer.length && isQuietByte(buffer[start] as number)) start++;
  if (start > 0) return { kind: 'skip', size: start };

  const lines: string[] = [];
  let pos = 0;
  for (;;) {
    // One line from pos.
    let i = pos;
    while (i < buffer.length && isMrzByte(buffer[i] as number)) i++;
    const length = i - pos;
    if (length > MAX_LINE) {
      // Drop the first line (to its end if it has one) so reading resumes at the next line.
      const firstEnd = lines.length === 0 ? Math.min(i, buffer.length) : firstLineEnd(buffer);
      return malformed(firstEnd, `A line of more than ${MAX_LINE} MRZ characters (no ICAO 9303 line is longer).`);
    }
    if (i >= buffer.length) {
      // The line has not ended yet.
      if (!ended) return { kind: 'need' };
      if (length > 0) lines.push(buffer.subarray(pos, i).toString('latin1'));
      return endOfBurst(buffer, lines, buffer.length);
    }
    const b = buffer[i] as number;
    if (!isEol(b)) {
      // A byte outside the MRZ set: this line is not MRZ text. Drop it up to the last
      // non-MRZ byte before the next line end, so a document right behind the noise is kept.
      const size = lines.length === 0 ? garbageEnd(buffer, i) : firstLineEnd(buffer);
      return garbage(buffer, size, 'MRZ text');
    }
    lines.push(buffer.subarray(pos, i).toString('latin1'));
    let next = i + 1;
    if (b === CR && buffer[next] === LF) next++;
    pos = next;

    const first = lines[0] as string;
    const expected = LINES_FOR_LENGTH[first.length];
    const last = lines[lines.length - 1] as string;
    if (last.length === 0) {
      // A blank line ends a document early (some readers send one between documents).
      lines.pop();
      return endOfBurst(buffer, lines, pos);
    }
    if (expected !== undefined) {
      if (last.length !== first.length) {
        return malformed(firstLineEnd(buffer), `MRZ lines of ${first.length} and ${last.length} characters in one document.`);
      }
      if (lines.length === expected) return { kind: 'frame', frame: { lines }, size: pos };
    } else if (lines.length >= 3) {
      return endOfBurst(buffer, lines, pos);
    }
    if (pos >= buffer.length) {
      if (!ended) return { kind: 'need' };
      return endOfBurst(buffer, lines, pos);
    }
  }
};

function garbageEnd(buffer: Buffer, from: number): number {
  let eol = from;
  while (eol < buffer.length && !isEol(buffer[eol])) eol++;
  let last = eol - 1;
  while (last > from && isMrzByte(buffer[last] as number)) last--;
  return last + 1;
}

function firstLineEnd(buffer: Buffer): number {
  let i = 0;
  while (i < buffer.length && !isEol(buffer[i])) i++;
  if (i < buffer.length) i++;
  if (buffer[i - 1] === CR && buffer[i] === LF) i++;
  return Math.max(1, i);
}

/** The burst is over (gap, blank line or too many lines): a document if its lines could be one, else a protocol error. */
function endOfBurst(buffer: Buffer, lines: string[], size: number): DecodeResult<MrzFrame> {
  const consumed = Math.max(1, Math.min(size, buffer.length));
  if (lines.length === 0) return { kind: 'skip', size: consumed };
  const lengths = lines.map((l) => l.length);
  const expected = LINES_FOR_LENGTH[lengths[0] as number];
  if (expected !== undefined) {
    // It began as an ICAO document and did not finish as one: truncated.
    return malformed(consumed, `An MRZ of ${expected} × ${lengths[0]} characters was cut short: the burst ended after ${lines.length} line(s) of ${lengths.join(', ')} characters.`);
  }
  if (lines.length >= 2 && lines.length <= 3 && lengths.every((n) => n >= MIN_LINE && n <= MAX_LINE)) {
    return { kind: 'frame', frame: { lines }, size: consumed };
  }
  return malformed(consumed, `A burst of ${lines.length} line(s) of ${lengths.join(', ')} characters is not an MRZ (2 × 44, 2 × 36 or 3 × 30 expected).`);
}

/** Lines as a plain OCR reader sends them. */
export function encodeLines(lines: readonly string[], eol: '\r' | '\r\n' = '\r'): Buffer {
  return Buffer.from(lines.map((l) => `${l}${eol}`).join(''), 'latin1');
}

export function decoderFor(framing: MrzFraming): MrzDecoder {
  switch (framing) {
    case 'desko':
      return decodeDesko;
    case '3m':
      return decode3m;
    case 'lines':
      return decodeLines;
  }
}

export function encoderFor(framing: MrzFraming): (lines: readonly string[]) => Buffer {
  switch (framing) {
    case 'desko':
      return encodeDesko;
    case '3m':
      return (lines) => encode3m(lines);
    case 'lines':
      return (lines) => encodeLines(lines);
  }
}
