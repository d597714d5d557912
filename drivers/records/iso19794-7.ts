/**
 * ISO/IEC 19794-7:2007 signature/sign time series data record (format
 * "SDI\0", version " 10\0"): pure encode and decode, no I/O.
 *
 * Layout as summarised in shared/reference/devices.md §3 (end) and as the
 * BioSignIn library reads and writes it (github.com/biosignin/bsi-core,
 * eu/inn/biometric/signature/isoiec19794/y2007/: IsoHeader.java,
 * Channel.java, ChannelDescription.java, ChannelAttribute.java,
 * IsoBody.java, IsoPoint.java, IsoIec19794Signature.java). All integers are
 * big-endian.
 *
 *   header  "SDI\0" (4) · " 10\0" (4) · channel inclusion (2: bit 15 X … bit 0 R)
 *           · for each included channel, bit 15 → 0: a description
 *             (attribute inclusion byte, bit 7 scaling value … bit 0 reserved,
 *              then 2 bytes per attribute that carries a value, bit 7 → 0)
 *           · reserved (1, zero)
 *   body    extended data flag (1) · number of samples (3)
 *           · samples: 2 bytes per included channel, bit 15 → 0
 *           · [extended data length (2) · extended data] when the flag is set
 *
 * Channel values and the minimum/maximum/mean attributes are stored offset
 * by the channel's lower bound (Channel.java): X, Y, VX, VY, AX, AY, TX, TY
 * are signed (stored value = v + 32768); the others unsigned. The scaling
 * value is a 16-bit float: 5-bit exponent biased by 16, 11-bit fraction,
 * value = (1 + fraction / 2048) · 2^(exponent − 16) (ChannelDescription.java).
 * Scales are units per metre for X, Y, Z and units per second for T and DT,
 * as bsi-core's IsoSignatureData writes them (T scale 1000 = milliseconds).
 *
 * The decoder trusts no length: anything that does not add up is a
 * DeviceError 'protocol' naming what.
 */
import { DeviceError } from '../errors.js';
import type { PenSample, TabletGeometry } from '../capture.js';

/** "SDI\0" (IsoHeader.java FORMAT_IDENTIFIER). */
export const SDI_FORMAT_IDENTIFIER = Uint8Array.of(0x53, 0x44, 0x49, 0x00);
/** " 10\0" (IsoHeader.java VERSION_NUMBER). */
export const SDI_VERSION_2007 = Uint8Array.of(0x20, 0x31, 0x30, 0x00);

/** Channels in inclusion-field bit order, bit 15 first (devices.md §3; Channel.java fromInteger). */
export const SIGNATURE_CHANNELS = ['X', 'Y', 'Z', 'VX', 'VY', 'AX', 'AY', 'T', 'DT', 'F', 'S', 'TX', 'TY', 'Az', 'El', 'R'] as const;
export type SignatureChannel = (typeof SIGNATURE_CHANNELS)[number];

/** Channels whose stored value is offset by 32768 (lower bound Short.MIN_VALUE in Channel.java). */
const SIGNED_CHANNELS: ReadonlySet<SignatureChannel> = new Set<SignatureChannel>(['X', 'Y', 'VX', 'VY', 'AX', 'AY', 'TX', 'TY']);

/** Inclusion bit of a channel: X is bit 15, R bit 0. */
export function channelBit(channel: SignatureChannel): number {
  return 15 - SIGNATURE_CHANNELS.indexOf(channel);
}

/** Lowest and highest value a channel can hold (Channel.java). */
export function channelRange(channel: SignatureChannel): { min: number; max: number } {
  if (channel === 'S') return { min: 0, max: 1 };
  return SIGNED_CHANNELS.has(channel) ? { min: -32768, max: 32767 } : { min: 0, max: 65535 };
}

/**
 * The attributes a channel description may carry, bit 7 → 0 of its inclusion
 * byte (ChannelAttribute.java). 'constant' and 'linearComponentRemoved' are
 * flags without a value; the reserved bit 0 must be clear.
 */
export interface ChannelDescription {
  scale?: number;
  min?: number;
  max?: number;
  mean?: number;
  standardDeviation?: number;
  constant?: boolean;
  linearComponentRemoved?: boolean;
}

const ATTR_SCALE = 0x80;
const ATTR_MIN = 0x40;
const ATTR_MAX = 0x20;
const ATTR_MEAN = 0x10;
const ATTR_SD = 0x08;
const ATTR_CONSTANT = 0x04;
const ATTR_LINEAR = 0x02;
const ATTR_RESERVED = 0x01;

export interface SignatureTimeSeries {
  /** Channel descriptions, keyed by channel; the record includes exactly these channels. */
  channels: Partial<Record<SignatureChannel, ChannelDescription>>;
  /** One object per sample with a value for every included channel. */
  samples: Partial<Record<SignatureChannel, number>>[];
  extendedData?: Uint8Array;
}

/** Largest value the 16-bit scaling float holds: (1 + 2047/2048) · 2^15. */
export const MAX_SCALE = (1 + 2047 / 2048) * 2 ** 15;

/** Encodes a scaling value (ChannelDescription.java toBytes): the nearest representable value, rounding the fraction. */
export function encodeScale(value: number): number {
  if (!(value >= 2 ** -16) || value > MAX_SCALE) throw new RangeError(`An ISO 19794-7 scaling value must be in [2^-16, ${MAX_SCALE}], got ${value}.`);
  let exponent = Math.floor(Math.log2(value));
  let fraction = Math.round((value / 2 ** exponent - 1) * 2048);
  if (fraction === 2048) {
    exponent += 1;
    fraction = 0;
  }
  if (exponent + 16 > 31) throw new RangeError(`The ISO 19794-7 scaling value ${value} rounds past the largest representable one.`);
  return ((exponent + 16) << 11) | fraction;
}

/** Decodes a 16-bit scaling value (ChannelDescription.java FromBytes). */
export function decodeScale(bits: number): number {
  return (1 + (bits & 0x7ff) / 2048) * 2 ** ((bits >> 11) - 16);
}

function checkValue(channel: SignatureChannel, value: number, what: string): number {
  const { min, max } = channelRange(channel);
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`ISO 19794-7 channel ${channel} ${what} must be an integer in [${min}, ${max}], got ${value}.`);
  return value - min;
}

function includedChannels(channels: SignatureTimeSeries['channels']): SignatureChannel[] {
  return SIGNATURE_CHANNELS.filter((c) => channels[c] !== undefined);
}

/** Builds the record; throws RangeError for a value that does not fit its field (a caller's mistake). */
export function encodeSignatureTimeSeries(record: SignatureTimeSeries): Buffer {
  const channels = includedChannels(record.channels);
  if (channels.length === 0) throw new RangeError('An ISO 19794-7 record needs at least one channel.');
  if (record.samples.length > 0xffffff) throw new RangeError(`An ISO 19794-7 record holds at most 16777215 samples, got ${record.samples.length}.`);
  const extended = record.extendedData ?? new Uint8Array(0);
  if (extended.length > 0xffff) throw new RangeError(`ISO 19794-7 extended data is at most 65535 bytes, got ${extended.length}.`);

  const header: number[] = [...SDI_FORMAT_IDENTIFIER, ...SDI_VERSION_2007];
  let inclusion = 0;
  for (const c of channels) inclusion |= 1 << channelBit(c);
  header.push(inclusion >> 8, inclusion & 0xff);
  for (const c of channels) {
    const d = record.channels[c] as ChannelDescription;
    const values: number[] = [];
    let flags = 0;
    if (d.scale !== undefined) {
      flags |= ATTR_SCALE;
      values.push(encodeScale(d.scale));
    }
    if (d.min !== undefined) {
      flags |= ATTR_MIN;
      values.push(checkValue(c, d.min, 'minimum'));
    }
    if (d.max !== undefined) {
      flags |= ATTR_MAX;
      values.push(checkValue(c, d.max, 'maximum'));
    }
    if (d.mean !== undefined) {
      flags |= ATTR_MEAN;
      values.push(checkValue(c, d.mean, 'mean'));
    }
    if (d.standardDeviation !== undefined) {
      flags |= ATTR_SD;
      if (!Number.isInteger(d.standardDeviation) || d.standardDeviation < 0 || d.standardDeviation > 0xffff) throw new RangeError(`ISO 19794-7 channel ${c} standard deviation must be an integer in [0, 65535].`);
      values.push(d.standardDeviation);
    }
    if (d.constant === true) flags |= ATTR_CONSTANT;
    if (d.linearComponentRemoved === true) flags |= ATTR_LINEAR;
    header.push(flags);
    for (const v of values) header.push(v >> 8, v & 0xff);
  }
  header.push(0); // reserved

  const sampleBytes = channels.length * 2;
  const bodyLength = 4 + record.samples.length * sampleBytes + (extended.length > 0 ? 2 + extended.length : 0);
  const out = Buffer.alloc(header.length + bodyLength);
  out.set(header, 0);
  let o = header.length;
  out[o++] = extended.length > 0 ? 1 : 0;
  out.writeUIntBE(record.samples.length, o, 3);
  o += 3;
  record.samples.forEach((sample, index) => {
    for (const c of channels) {
      const v = sample[c];
      if (v === undefined) throw new RangeError(`ISO 19794-7 sample ${index} has no value for included channel ${c}.`);
      o = out.writeUInt16BE(checkValue(c, v, `sample ${index}`), o);
    }
  });
  if (extended.length > 0) {
    o = out.writeUInt16BE(extended.length, o);
    out.set(extended, o);
  }
  return out;
}

function bad(detail: string): DeviceError {
  return new DeviceError('protocol', `Not a valid ISO/IEC 19794-7:2007 signature time series record: ${detail}.`);
}

/** Parses and checks a record; every inconsistency is a DeviceError 'protocol'. */
export function decodeSignatureTimeSeries(input: Uint8Array): SignatureTimeSeries {
  const b = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (b.length < 11) throw bad(`${b.length} bytes is shorter than the smallest header`);
  if (!b.subarray(0, 4).equals(SDI_FORMAT_IDENTIFIER)) throw bad(`the format identifier is ${b.subarray(0, 4).toString('hex')}, not "SDI\\0"`);
  if (!b.subarray(4, 8).equals(SDI_VERSION_2007)) throw bad(`the version is ${b.subarray(4, 8).toString('hex')}, not " 10\\0"`);
  const inclusion = b.readUInt16BE(8);
  if (inclusion === 0) throw bad('it includes no channel');
  let o = 10;
  const need = (n: number, what: string) => {
    if (o + n > b.length) throw bad(`it ends inside ${what} (byte ${o} of ${b.length})`);
  };
  const channels: SignatureTimeSeries['channels'] = {};
  const included: SignatureChannel[] = [];
  for (const c of SIGNATURE_CHANNELS) {
    if ((inclusion & (1 << channelBit(c))) === 0) continue;
    included.push(c);
    need(1, `the description of channel ${c}`);
    const flags = b[o++] as number;
    if (flags & ATTR_RESERVED) throw bad(`channel ${c} sets the reserved attribute bit`);
    const { min } = channelRange(c);
    const d: ChannelDescription = {};
    const read = (what: string) => {
      need(2, `the ${what} of channel ${c}`);
      const v = b.readUInt16BE(o);
      o += 2;
      return v;
    };
    if (flags & ATTR_SCALE) d.scale = decodeScale(read('scaling value'));
    if (flags & ATTR_MIN) d.min = read('minimum') + min;
    if (flags & ATTR_MAX) d.max = read('maximum') + min;
    if (flags & ATTR_MEAN) d.mean = read('mean') + min;
    if (flags & ATTR_SD) d.standardDeviation = read('standard deviation');
    if (flags & ATTR_CONSTANT) d.constant = true;
    if (flags & ATTR_LINEAR) d.linearComponentRemoved = true;
    channels[c] = d;
  }
  need(1 + 1 + 3, 'the reserved byte and the body header');
  o += 1; // reserved
  const flag = b[o++] as number;
  if (flag !== 0 && flag !== 1) throw bad(`the extended data flag is ${flag}, not 0 or 1`);
  const count = b.readUIntBE(o, 3);
  o += 3;
  const sampleBytes = included.length * 2;
  need(count * sampleBytes, `${count} samples`);
  const samples: SignatureTimeSeries['samples'] = new Array(count);
  for (let i = 0; i < count; i++) {
    const s: Partial<Record<SignatureChannel, number>> = {};
    for (const c of included) {
      s[c] = b.readUInt16BE(o) + channelRange(c).min;
      o += 2;
    }
    if (s.S !== undefined && s.S > 1) throw bad(`sample ${i} has tip switch ${s.S} (0 or 1)`);
    samples[i] = s;
  }
  let extendedData: Uint8Array | undefined;
  if (flag === 1) {
    need(2, 'the extended data length');
    const length = b.readUInt16BE(o);
    o += 2;
    need(length, 'the extended data');
    extendedData = new Uint8Array(b.subarray(o, o + length));
    o += length;
  }
  if (o !== b.length) throw bad(`${b.length - o} bytes follow the end of the record`);
  return extendedData ? { channels, samples, extendedData } : { channels, samples };
}

/** What the pen time series was converted with, so that a reader can map back to the pad's units. */
export interface PenConversion {
  /** ISO X/Y units per tablet unit (a power of two ≤ 1, so that the scale fits the 16-bit float). */
  coordinateFactor: number;
  /** The X and Y scaling value written: ISO units per metre. */
  xyScale: number;
  /** The T scaling value written: ISO units per second (1000 = ms, halved until the longest time fits 16 bits). */
  timeScale: number;
}

/**
 * A pad's pen samples as a 19794-7 record with channels X, Y, T, F, S (the
 * set bsi-core's IsoSignatureData writes, plus the tip switch). Samples out
 * of proximity (rdy = false) carry no position and are left out; hovering
 * samples are kept with S = 0. X and Y are in tablet units scaled by a power
 * of two so the per-metre scale fits the scaling float (an STU's 2540 units
 * per inch is 100,000 per metre; halved it is 50,000, exactly representable).
 * T is milliseconds from the first kept sample.
 */
export function penSamplesToTimeSeries(samples: readonly PenSample[], tablet: TabletGeometry): { record: SignatureTimeSeries; conversion: PenConversion } {
  const unitsPerInch = tablet.unitsPerInch && tablet.unitsPerInch > 0 ? tablet.unitsPerInch : 2540;
  const unitsPerMetre = (unitsPerInch / 25.4) * 1000;
  let coordinateFactor = 1;
  while (unitsPerMetre * coordinateFactor > MAX_SCALE || Math.max(tablet.maxX, tablet.maxY) * coordinateFactor > 32767) coordinateFactor /= 2;
  const xyScale = decodeScale(encodeScale(unitsPerMetre * coordinateFactor));
  const kept = samples.filter((s) => s.rdy);
  const t0 = kept[0]?.t ?? 0;
  const lastT = kept.length > 0 ? (kept[kept.length - 1] as PenSample).t - t0 : 0;
  let timeScale = 1000;
  while (lastT * (timeScale / 1000) > 65535) timeScale /= 2;
  const maxX = Math.round(tablet.maxX * coordinateFactor);
  const maxY = Math.round(tablet.maxY * coordinateFactor);
  const clamp = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  const record: SignatureTimeSeries = {
    channels: {
      X: { scale: xyScale, min: 0, max: maxX },
      Y: { scale: xyScale, min: 0, max: maxY },
      T: { scale: timeScale },
      F: { scale: 1, min: 0, max: clamp(Math.round(tablet.maxPressure), 65535) },
      S: {},
    },
    samples: kept.map((s) => ({
      X: clamp(Math.round(s.x * coordinateFactor), maxX),
      Y: clamp(Math.round(s.y * coordinateFactor), maxY),
      T: clamp(Math.round((s.t - t0) * (timeScale / 1000)), 65535),
      F: clamp(Math.round(s.pressure), 65535),
      S: s.sw !== 0 ? 1 : 0,
    })),
  };
  return { record, conversion: { coordinateFactor, xyScale, timeScale } };
}
