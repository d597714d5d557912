/**
 * Driver for the ADH-Tech GT-5xx fingerprint modules (GT-511C3, GT-521F32,
 * GT-521F52) over any ByteLink. Protocol facts and their sources are in
 * protocol.ts; timing choices are ours and say so.
 */
import type { DeviceIdentity, GreyImage, RawFingerprintCapture } from '../capture.js';
import { DeviceError, isDeviceError } from '../errors.js';
import type { ByteLink } from '../transport/byte-link.js';
import { wireTimeMs } from '../transport/byte-link.js';
import { FrameReader, type Decoder } from '../transport/frame-reader.js';
import {
  ACK,
  BAUD_RATES,
  COMMAND_PACKET_SIZE,
  Command,
  DATA_OVERHEAD,
  IMAGE_BYTES,
  NACK,
  NackCode,
  OPEN_INFO_BYTES,
  RAW_BYTES,
  commandNames,
  createDecoder,
  encodeCommand,
  imageFromSent,
  nackMeaning,
  parseOpenInfo,
  previewFromRaw,
  type Expect,
  type Gt5xxFrame,
  type OpenInfo,
} from './protocol.js';

export interface Gt5xxDriverOptions {
  /** For DeviceIdentity: the module does not report its model. Default 'GT-5xx'. */
  model?: string;
  /** Silence after which an answer counts as missing (ours; the SDK waits up to 15 000 ms, sb_protocol_oem.cpp COMM_DEF_TIMEOUT). Default 1000. */
  responseTimeoutMs?: number;
  /** CaptureFinger with "best image" takes longer on the module; its own timeout. Default 5000. */
  captureCommandTimeoutMs?: number;
  /** Line speed for image transfers; ChangeBaudRate to it before GetImage/GetRawImage [devices.md §2]. Default 115200. */
  transferBaud?: number;
  /** How often IsPressFinger is asked while waiting for a finger. Default 100 ms. */
  pollIntervalMs?: number;
  /**
   * Pause after switching the host's speed before the next command: the module
   * changes its own speed only after sending its ACK (ours; no source gives a
   * figure). Default 20 ms.
   */
  baudSettleMs?: number;
  /** Overall time for a finger to be placed and captured. Default 15 000 ms. */
  captureTimeoutMs?: number;
  /** CaptureFinger parameter 1 = best image (slower), 0 = fast [devices.md §2; SDK oem_capture(bBest)]. Default true. */
  bestImage?: boolean;
}

export interface CaptureOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called once CaptureFinger has taken the image, before the transfer (for a live preview's "reading" phase). */
  onFingerDetected?(): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Gt5xxDriver {
  private readonly reader: FrameReader<Gt5xxFrame>;
  /** What the next frames are: set before each command; the reader decodes eagerly, so this decides how bytes are read. */
  private plan: Expect[] = [];
  private readonly decoders = new Map<string, Decoder<Gt5xxFrame>>();
  /** Bytes received since the last command was sent: tells a truncated answer from none, and a slow transfer from a stalled one. */
  private received = 0;
  private readonly detachCounter: () => void;
  private info: OpenInfo | null = null;
  private ledOn = false;
  private openBaud: number;
  private readonly options: Required<Gt5xxDriverOptions>;

  constructor(
    private readonly link: ByteLink,
    options: Gt5xxDriverOptions = {},
  ) {
    this.options = {
      model: options.model ?? 'GT-5xx',
      responseTimeoutMs: options.responseTimeoutMs ?? 1000,
      captureCommandTimeoutMs: options.captureCommandTimeoutMs ?? 5000,
      transferBaud: options.transferBaud ?? 115200,
      pollIntervalMs: options.pollIntervalMs ?? 100,
      baudSettleMs: options.baudSettleMs ?? 20,
      captureTimeoutMs: options.captureTimeoutMs ?? 15_000,
      bestImage: options.bestImage ?? true,
    };
    if (!(BAUD_RATES as readonly number[]).includes(this.options.transferBaud)) throw new RangeError(`GT-5xx transfer baud must be one of ${BAUD_RATES.join(', ')}`);
    this.openBaud = link.baudRate;
    this.reader = new FrameReader(link, (buffer) => this.decode(buffer));
    this.detachCounter = link.onData((chunk) => {
      this.received += chunk.length;
    });
  }

  private decode(buffer: Buffer) {
    const expect = this.plan[0] ?? 'response';
    const key = expect === 'response' ? 'response' : String(expect.data);
    let decoder = this.decoders.get(key);
    if (decoder === undefined) this.decoders.set(key, (decoder = createDecoder(expect)));
    const result = decoder(buffer);
    if (result.kind === 'frame') {
      // A NACK ends the exchange: no data packet follows it.
      if (result.frame.kind === 'packet' && result.frame.code === NACK) this.plan = [];
      else this.plan.shift();
    }
    return result;
  }

  get identity(): DeviceIdentity | null {
    if (this.info === null) return null;
    return { family: 'gt5xx', make: 'ADH-Tech', model: this.options.model, serial: this.info.serial, firmware: this.info.firmware };
  }

  /**
   * Reads the next frame, waiting while bytes keep arriving (a long transfer)
   * and failing after `silenceMs` without any, or after `maxMs` in all.
   */
  private async read(what: string, silenceMs: number, maxMs: number, expectedBytes: number): Promise<Gt5xxFrame> {
    const started = performance.now();
    for (;;) {
      const before = this.received;
      try {
        return await this.reader.next(silenceMs, what);
      } catch (error) {
        if (isDeviceError(error, 'protocol') || isDeviceError(error, 'checksum')) {
          // The pure decoder does not know the link or the command: say both, in one sentence.
          const detail = error.message.replace(/^(A|An) /, (m) => m.toLowerCase());
          throw new DeviceError(error.code, `In answer to ${what} on ${this.link.description}, ${detail}`, error.deviceCode);
        }
        if (!isDeviceError(error, 'timeout')) throw error;
        const progressed = this.received > before;
        if (progressed && performance.now() - started < maxMs) continue;
        if (this.received > 0 && this.received < expectedBytes) {
          throw new DeviceError('protocol', `Only ${this.received} of ${expectedBytes} bytes of the answer to ${what} arrived from ${this.link.description} within ${Math.round(performance.now() - started)} ms: the packet was truncated.`);
        }
        throw error;
      }
    }
  }

  /** One command: send, read the ACK (NACK → 'refused'), then the data packet if one follows. */
  private async exchange(code: number, parameter: number, dataLength?: number, timeoutMs = this.options.responseTimeoutMs): Promise<{ parameter: number; data?: Uint8Array }> {
    const name = commandNames[code] ?? `command 0x${code.toString(16)}`;
    this.reader.discard();
    this.plan = dataLength === undefined ? ['response'] : ['response', { data: dataLength }];
    this.received = 0;
    try {
      await this.link.write(encodeCommand(code, parameter));
    } catch (error) {
      if (isDeviceError(error)) throw error;
      throw new DeviceError('disconnected', `${name} could not be sent to ${this.link.description}: ${(error as Error).message}.`);
    }
    const answer = await this.read(name, timeoutMs, timeoutMs, COMMAND_PACKET_SIZE);
    if (answer.kind !== 'packet' || (answer.code !== ACK && answer.code !== NACK)) {
      throw new DeviceError('protocol', `The answer from ${this.link.description} to ${name} was neither ACK nor NACK.`);
    }
    if (answer.code === NACK) {
      const nack = answer.parameter;
      throw new DeviceError('refused', `The GT-5xx on ${this.link.description} refused ${name}: NACK 0x${nack.toString(16).padStart(4, '0')} (${nackMeaning(nack)}).`, nack);
    }
    if (dataLength === undefined) return { parameter: answer.parameter };
    const total = COMMAND_PACKET_SIZE + dataLength + DATA_OVERHEAD;
    // Twice the wire time of the packet, plus the response allowance: generous for a UART, and a stalled transfer still fails after one silence.
    const maxMs = 2 * wireTimeMs(dataLength + DATA_OVERHEAD, this.link.baudRate) + this.options.responseTimeoutMs;
    const packet = await this.read(`${name} (data)`, this.options.responseTimeoutMs, maxMs, total);
    if (packet.kind !== 'data') throw new DeviceError('protocol', `${name} on ${this.link.description} sent a packet where ${dataLength} bytes of data were expected.`);
    return { parameter: answer.parameter, data: packet.data };
  }

  /** Open with device info (parameter 1 → 24-byte info packet [devices.md §2; SDK oem_open]). */
  async open(): Promise<DeviceIdentity> {
    this.openBaud = this.link.baudRate;
    const { data } = await this.exchange(Command.Open, 1, OPEN_INFO_BYTES);
    this.info = parseOpenInfo(data ?? new Uint8Array());
    const identity = this.identity;
    if (identity === null) throw new DeviceError('protocol', `Open on ${this.link.description} gave no device info.`);
    return identity;
  }

  async setLed(on: boolean): Promise<void> {
    await this.exchange(Command.CmosLed, on ? 1 : 0);
    this.ledOn = on;
  }

  /** IsPressFinger: parameter 0 in the ACK means pressed [devices.md §2]. */
  async isFingerPressed(): Promise<boolean> {
    try {
      return (await this.exchange(Command.IsPressFinger, 0)).parameter === 0;
    } catch (error) {
      if (isDeviceError(error, 'refused') && error.deviceCode === NackCode.FingerIsNotPressed) return false;
      throw error;
    }
  }

  /** Tells the module the new speed, then (after its ACK, at the old speed) changes the host side [devices.md §2]. */
  async changeBaudRate(baud: number): Promise<void> {
    if (baud === this.link.baudRate) return;
    if (!(BAUD_RATES as readonly number[]).includes(baud)) throw new RangeError(`GT-5xx baud must be one of ${BAUD_RATES.join(', ')}`);
    await this.exchange(Command.ChangeBaudRate, baud);
    await this.link.setBaudRate(baud);
    await sleep(this.options.baudSettleMs);
  }

  private async toTransferBaud(): Promise<number> {
    const before = this.link.baudRate;
    if (before !== this.options.transferBaud) await this.changeBaudRate(this.options.transferBaud);
    return before;
  }

  /** Cleanup that must not hide the error that made it necessary. */
  private async quietly(step: () => Promise<void>): Promise<void> {
    try {
      if (this.link.isOpen) await step();
    } catch {
      // The original outcome is what the caller needs to see.
    }
  }

  private checkSignal(signal: AbortSignal | undefined, what: string): void {
    if (signal?.aborted) throw new DeviceError('cancelled', `${what} on ${this.link.description} was cancelled.`);
  }

  /** Polls IsPressFinger until a finger is on the sensor or the deadline passes. */
  async waitForFinger(deadline: number, signal?: AbortSignal, timeoutMs = this.options.captureTimeoutMs): Promise<void> {
    for (;;) {
      this.checkSignal(signal, 'Waiting for a finger');
      if (await this.isFingerPressed()) return;
      if (performance.now() >= deadline) {
        throw new DeviceError('timeout', `No finger was placed on the sensor of the GT-5xx on ${this.link.description} within ${timeoutMs} ms.`);
      }
      await sleep(Math.min(this.options.pollIntervalMs, Math.max(0, deadline - performance.now())));
    }
  }

  /**
   * LED on, wait for a finger, CaptureFinger (best image), raise the speed,
   * GetImage, restore the speed, LED off. A finger lifted before CaptureFinger
   * (NACK 0x1012) sends it back to waiting, within the same overall timeout.
   */
  async capture(options: CaptureOptions = {}): Promise<RawFingerprintCapture> {
    const device = this.identity;
    if (device === null) throw new DeviceError('protocol', `The GT-5xx on ${this.link.description} must be opened before a capture.`);
    const timeoutMs = options.timeoutMs ?? this.options.captureTimeoutMs;
    const deadline = performance.now() + timeoutMs;
    let sent: Uint8Array | undefined;
    let lifted = false;
    const liftedError = () =>
      new DeviceError('timeout', `The finger was lifted before the GT-5xx on ${this.link.description} could capture it, until the ${timeoutMs} ms capture time ran out.`, NackCode.FingerIsNotPressed);
    await this.setLed(true);
    try {
      for (;;) {
        try {
          await this.waitForFinger(deadline, options.signal, timeoutMs);
        } catch (error) {
          throw lifted && isDeviceError(error, 'timeout') ? liftedError() : error;
        }
        this.checkSignal(options.signal, 'A capture');
        try {
          await this.exchange(Command.CaptureFinger, this.options.bestImage ? 1 : 0, undefined, this.options.captureCommandTimeoutMs);
          break;
        } catch (error) {
          if (!(isDeviceError(error, 'refused') && error.deviceCode === NackCode.FingerIsNotPressed)) throw error;
          lifted = true;
          if (performance.now() >= deadline) throw liftedError();
        }
      }
      options.onFingerDetected?.();
      const before = await this.toTransferBaud();
      try {
        sent = (await this.exchange(Command.GetImage, 0, IMAGE_BYTES)).data;
      } finally {
        await this.quietly(() => this.changeBaudRate(before));
      }
    } finally {
      await this.quietly(() => this.setLed(false));
    }
    if (sent === undefined) throw new DeviceError('protocol', `GetImage on ${this.link.description} gave no data.`);
    return { kind: 'fingerprint', device, image: imageFromSent(sent), capturedAt: new Date().toISOString() };
  }

  /**
   * One live-view frame (GetRawImage, 160×120). Turns the LED on and raises the
   * speed on the first call and leaves both so for the next frames; endPreview()
   * restores them.
   */
  async preview(): Promise<GreyImage> {
    if (!this.ledOn) await this.setLed(true);
    await this.toTransferBaud();
    const { data } = await this.exchange(Command.GetRawImage, 0, RAW_BYTES);
    return previewFromRaw(data ?? new Uint8Array());
  }

  async endPreview(): Promise<void> {
    await this.changeBaudRate(this.openBaud);
    await this.setLed(false);
  }

  /** Sends Close (best effort), stops reading and closes the link. */
  async close(): Promise<void> {
    await this.quietly(async () => {
      if (this.link.baudRate !== this.openBaud) await this.changeBaudRate(this.openBaud);
      await this.exchange(Command.Close, 0);
    });
    this.reader.close();
    this.detachCounter();
    await this.link.close();
  }
}
