/**
 * Driver for EF01-family fingerprint modules (ZhianTec ZFM-20, Grow
 * R305/R307/R503, AS608) over any ByteLink. Constants and packet layouts are
 * in ./protocol.ts with their datasheet sections (devices.md §1).
 */
import type { RawFingerprintCapture } from '../capture.js';
import { DeviceError, isDeviceError } from '../errors.js';
import type { ByteLink } from '../transport/byte-link.js';
import { FrameReader, type DecodeResult } from '../transport/frame-reader.js';
import {
  AuraColour,
  AuraControl,
  Confirmation,
  DEFAULT_ADDRESS,
  DEFAULT_PASSWORD,
  IMAGE_HEIGHT,
  IMAGE_PPI,
  IMAGE_WIDTH,
  MAX_BAUD_N,
  PACKED_IMAGE_BYTES,
  Pid,
  SysParaRegister,
  baudForMultiplier,
  commands,
  decodeEf01,
  instructionName,
  parseAck,
  parseSystemParameters,
  unpackImage,
  type Ack,
  type Ef01Frame,
  type SystemParameters,
} from './protocol.js';

export interface Ef01DriverOptions {
  /** Module password for VfyPwd (factory 0). */
  password?: number;
  /** Module address (factory FF FF FF FF). */
  address?: number;
  /** Longest wait for any one answer or data packet. */
  timeoutMs?: number;
  /** Pause between GenImg polls while the module says "no finger". */
  pollIntervalMs?: number;
  /** Longest wait for a finger in capture(). */
  captureTimeoutMs?: number;
  /** Baud multiplier N (1…12, baud 9600 × N) to raise to for the image upload; null keeps the current speed. */
  uploadBaudMultiplier?: number | null;
  /** Time to let both ends settle after a baud change. */
  baudSettleMs?: number;
  /** Drive the Aura LED (R503) during capture; modules without it answer with an error, which is ignored. */
  led?: boolean;
  /** How many times a "receive error" (01) answer is retried before the module is taken as busy. */
  receiveErrorRetries?: number;
  make?: string;
  model?: string;
}

/** What the last capture moved over the link, for benchmarks. */
export interface Ef01CaptureStats {
  bytesWritten: number;
  bytesRead: number;
  /** Data packets received in the last upload. */
  imagePackets: number;
  /** Bytes on the wire for the last upload (headers, payloads and checksums). */
  imageWireBytes: number;
  /** Baud rate during the last upload. */
  imageBaud: number;
  /** From UpImage sent to the last data packet received. */
  uploadMs: number;
  /** GenImg polls in the last capture. */
  polls: number;
  /** From capture() called to pixels ready. */
  captureMs: number;
}

const emptyStats = (): Ef01CaptureStats => ({ bytesWritten: 0, bytesRead: 0, imagePackets: 0, imageWireBytes: 0, imageBaud: 0, uploadMs: 0, polls: 0, captureMs: 0 });

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Ef01Driver {
  private readonly reader: FrameReader<Ef01Frame>;
  private readonly options: Required<Omit<Ef01DriverOptions, 'uploadBaudMultiplier'>> & { uploadBaudMultiplier: number | null };
  /** A frame started and not finished: lets a timeout say "cut short" rather than "no answer". */
  private partial: { have: number } | null = null;
  private readonly unsubscribe: () => void;
  private parameters: SystemParameters | null = null;
  private auraSupported = true;
  /** Totals since the driver was made. */
  readonly totals = emptyStats();
  /** The last capture's figures. */
  lastCapture: Ef01CaptureStats = emptyStats();

  constructor(
    readonly link: ByteLink,
    options: Ef01DriverOptions = {},
  ) {
    this.options = {
      password: options.password ?? DEFAULT_PASSWORD,
      address: options.address ?? DEFAULT_ADDRESS,
      timeoutMs: options.timeoutMs ?? 1000,
      pollIntervalMs: options.pollIntervalMs ?? 100,
      captureTimeoutMs: options.captureTimeoutMs ?? 15_000,
      uploadBaudMultiplier: options.uploadBaudMultiplier ?? null,
      baudSettleMs: options.baudSettleMs ?? 20,
      led: options.led ?? false,
      receiveErrorRetries: options.receiveErrorRetries ?? 2,
      make: options.make ?? 'ZhianTec',
      model: options.model ?? 'EF01-compatible fingerprint module',
    };
    const decode = (buffer: Buffer): DecodeResult<Ef01Frame> => {
      const result = decodeEf01(buffer);
      this.partial = result.kind === 'need' ? { have: buffer.length } : null;
      return result;
    };
    this.reader = new FrameReader(link, decode);
    this.unsubscribe = link.onData((chunk) => {
      this.totals.bytesRead += chunk.length;
    });
  }

  get systemParameters(): SystemParameters | null {
    return this.parameters;
  }

  /** VfyPwd then ReadSysPara: what a session starts with. */
  async open(): Promise<SystemParameters> {
    await this.verifyPassword();
    return this.readSystemParameters();
  }

  async verifyPassword(password = this.options.password): Promise<void> {
    await this.command('VfyPwd', commands.vfyPwd(password, this.options.address), { expectOk: true });
  }

  async readSystemParameters(): Promise<SystemParameters> {
    const ack = await this.command('ReadSysPara', commands.readSysPara(this.options.address), { expectOk: true });
    this.parameters = parseSystemParameters(ack.data);
    return this.parameters;
  }

  /** SetSysPara register 4 (baud = 9600 × N); the module answers at the old speed, then both ends switch. */
  async setBaudMultiplier(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 1 || n > MAX_BAUD_N) throw new RangeError(`EF01 baud multiplier must be 1…${MAX_BAUD_N}, got ${n}.`);
    await this.command('SetSysPara (baud)', commands.setSysPara(SysParaRegister.baud, n, this.options.address), { expectOk: true });
    await this.link.setBaudRate(baudForMultiplier(n));
    if (this.parameters) this.parameters = { ...this.parameters, baudMultiplier: n, baudRate: baudForMultiplier(n) };
    await sleep(this.options.baudSettleMs);
    this.reader.discard();
  }

  /**
   * Back to the speed the session started at after an upload at a raised one.
   * A lost answer must not leave the two ends apart: when SetSysPara gets no
   * answer, the module may have switched anyway, so it is asked at the old
   * speed (ReadSysPara); if it is not there, the host goes back to the raised
   * speed and the switch is tried once more. A restore that still fails is
   * left for the next command to report (the capture's own error says more).
   */
  private async restoreBaud(originalN: number, raisedN: number): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        // After a failed upload the module may still be sending image packets: let the line go quiet first.
        await this.quiet(50, this.options.timeoutMs * 4);
        await this.setBaudMultiplier(originalN);
        return;
      } catch {
        if (!this.link.isOpen) return;
      }
      try {
        await this.link.setBaudRate(baudForMultiplier(originalN));
        this.reader.discard();
        await this.readSystemParameters();
        return;
      } catch {
        if (!this.link.isOpen) return;
        await this.link.setBaudRate(baudForMultiplier(raisedN)).catch(() => undefined);
        this.reader.discard();
      }
    }
  }

  /** Aura LED (R503, instruction 35); modules without it refuse, which is ignored once and remembered. */
  async setLed(control: number, colour: number = AuraColour.blue, speed = 0x80, count = 0): Promise<boolean> {
    if (!this.auraSupported) return false;
    try {
      // Modules without Aura answer 01 or another error: not supported, not a failure.
      await this.command('AuraLedConfig', commands.auraLed(control, speed, colour, count, this.options.address), { expectOk: true, retries: 0 });
      return true;
    } catch (error) {
      if (isDeviceError(error, 'refused') || isDeviceError(error, 'busy')) {
        this.auraSupported = false;
        return false;
      }
      throw error;
    }
  }

  /**
   * Waits for a finger (GenImg while the answer is "no finger"), uploads the
   * image (UpImage, data packets PID 02 … PID 08) and returns it as 8-bit
   * 256 × 288 at 500 ppi. Raises the baud for the upload if asked, and
   * restores it afterwards, also on failure.
   */
  async capture(options: { onFingerDetected?(): void } = {}): Promise<RawFingerprintCapture> {
    const stats = emptyStats();
    const started = performance.now();
    const written0 = this.totals.bytesWritten;
    const read0 = this.totals.bytesRead;
    if (this.parameters === null) await this.open();
    const parameters = this.parameters as SystemParameters;
    if (this.options.led) await this.setLed(AuraControl.breathing, AuraColour.blue);

    // Wait for a finger.
    const deadline = started + this.options.captureTimeoutMs;
    for (;;) {
      stats.polls++;
      const ack = await this.command('GenImg', commands.genImg(this.options.address));
      if (ack.code === Confirmation.ok) break;
      if (ack.code !== Confirmation.noFinger) throw this.refused('GenImg', ack);
      if (performance.now() + this.options.pollIntervalMs > deadline) {
        throw new DeviceError('timeout', `No finger was placed on the sensor at ${this.link.description} within ${this.options.captureTimeoutMs} ms (GenImg kept answering "no finger").`, ack.code);
      }
      await sleep(this.options.pollIntervalMs);
    }

    // The image is in the module's buffer: what is left is the upload (the live preview shows "reading").
    options.onFingerDetected?.();
    const originalN = parameters.baudMultiplier;
    const raise = this.options.uploadBaudMultiplier !== null && this.options.uploadBaudMultiplier !== originalN;
    let packed: Uint8Array;
    try {
      if (raise) await this.setBaudMultiplier(this.options.uploadBaudMultiplier as number);
      packed = await this.upload(stats);
    } finally {
      if (raise && this.link.isOpen) await this.restoreBaud(originalN, this.options.uploadBaudMultiplier as number);
    }
    if (this.options.led) await this.setLed(AuraControl.off, AuraColour.blue).catch(() => false);

    stats.captureMs = performance.now() - started;
    stats.bytesWritten = this.totals.bytesWritten - written0;
    stats.bytesRead = this.totals.bytesRead - read0;
    this.lastCapture = stats;
    return {
      kind: 'fingerprint',
      device: { family: 'ef01', make: this.options.make, model: this.options.model, serial: null, firmware: null },
      image: { width: IMAGE_WIDTH, height: IMAGE_HEIGHT, ppi: IMAGE_PPI, pixels: unpackImage(packed) },
      capturedAt: new Date().toISOString(),
    };
  }

  private async upload(stats: Ef01CaptureStats): Promise<Uint8Array> {
    const uploadStarted = performance.now();
    const ack = await this.command('UpImage', commands.upImage(this.options.address));
    if (!ack.ok) throw this.refused('UpImage', ack);
    const packed = new Uint8Array(PACKED_IMAGE_BYTES);
    let offset = 0;
    for (;;) {
      const frame = await this.read(`UpImage (data packet ${stats.imagePackets + 1}, ${offset} of ${PACKED_IMAGE_BYTES} bytes received)`);
      if (frame.pid !== Pid.data && frame.pid !== Pid.end) {
        throw new DeviceError('protocol', `Expected an image data packet from ${this.link.description} after ${offset} of ${PACKED_IMAGE_BYTES} bytes of UpImage, got PID 0x${frame.pid.toString(16).padStart(2, '0')}.`);
      }
      if (offset + frame.payload.length > PACKED_IMAGE_BYTES) {
        throw new DeviceError('protocol', `The module at ${this.link.description} sent more than ${PACKED_IMAGE_BYTES} bytes of image in answer to UpImage.`);
      }
      packed.set(frame.payload, offset);
      offset += frame.payload.length;
      stats.imagePackets++;
      stats.imageWireBytes += frame.payload.length + 11;
      if (frame.pid === Pid.end) break;
    }
    if (offset !== PACKED_IMAGE_BYTES) {
      throw new DeviceError('protocol', `The module at ${this.link.description} ended the UpImage transfer after ${offset} of ${PACKED_IMAGE_BYTES} bytes.`);
    }
    stats.uploadMs = performance.now() - uploadStarted;
    stats.imageBaud = this.link.baudRate;
    return packed;
  }

  /** Sends a command and reads its acknowledgement; retries a "receive error" answer a few times. */
  private async command(name: string, packet: Buffer, { expectOk = false, retries = this.options.receiveErrorRetries } = {}): Promise<Ack> {
    for (let attempt = 0; ; attempt++) {
      if (!this.link.isOpen) throw new DeviceError('disconnected', `The device on ${this.link.description} is not connected (tried ${name}).`);
      this.reader.discard();
      this.partial = null;
      this.totals.bytesWritten += packet.length;
      try {
        await this.link.write(packet);
      } catch (error) {
        if (error instanceof DeviceError) throw error;
        throw new DeviceError('disconnected', `Sending ${name} to ${this.link.description} failed (${(error as Error).message}).`);
      }
      const ack = parseAck(await this.read(name), `${name} on ${this.link.description}`);
      if (ack.code === Confirmation.receiveError) {
        if (attempt < retries) {
          await sleep(this.options.pollIntervalMs);
          continue;
        }
        throw new DeviceError('busy', `The module at ${this.link.description} answered ${name} ${attempt + 1} times with "error when receiving the packet" (01): it is busy or the line is noisy.`, ack.code);
      }
      if (expectOk && !ack.ok) throw this.refused(name, ack);
      return ack;
    }
  }

  private refused(name: string, ack: Ack): DeviceError {
    return new DeviceError('refused', `The module at ${this.link.description} refused ${name}: ${ack.meaning} (confirmation 0x${ack.code.toString(16).padStart(2, '0')}).`, ack.code);
  }

  /** The next frame; a timeout with half a packet buffered is reported as a packet cut short. */
  private async read(what: string): Promise<Ef01Frame> {
    try {
      return await this.reader.next(this.options.timeoutMs, what);
    } catch (error) {
      if (isDeviceError(error, 'timeout') && this.partial !== null) {
        throw new DeviceError('protocol', `A packet from ${this.link.description} in answer to ${what} was cut short: ${this.partial.have} bytes arrived and no more within ${this.options.timeoutMs} ms.`);
      }
      if (isDeviceError(error)) {
        // Name the command in decoder errors, which do not know it.
        if (error.code === 'protocol' || error.code === 'checksum') throw new DeviceError(error.code, `${error.message.replace(/\.$/, '')} — from ${this.link.description} in answer to ${what}.`, error.deviceCode);
      }
      throw error;
    }
  }

  /** Waits until nothing has arrived for `quietMs` (at most `limitMs`). */
  private async quiet(quietMs: number, limitMs: number): Promise<void> {
    const started = performance.now();
    let last = performance.now();
    const off = this.link.onData(() => {
      last = performance.now();
    });
    try {
      while (performance.now() - last < quietMs && performance.now() - started < limitMs) await sleep(quietMs / 2);
    } finally {
      off();
    }
  }

  /** Stops listening; the link is the caller's to close. */
  close(): void {
    this.reader.close();
    this.unsubscribe();
  }
}

/** The figures of the driver's last capture, for `bench/`. */
export function ef01CaptureStats(driver: Ef01Driver): Ef01CaptureStats {
  return { ...driver.lastCapture };
}

export { instructionName };
