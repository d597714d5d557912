/**
 * The device side of an ADH-Tech GT-5xx fingerprint module, byte-exact, over
 * any ByteLink: answers the commands the driver uses with the packets the
 * module sends (drivers/gt5xx/protocol.ts has the layouts and their sources),
 * with faults on demand for tests.
 */
import type { ByteLink } from '../../drivers/transport/byte-link.js';
import {
  ACK,
  BAUD_RATES,
  Command,
  IMAGE_HEIGHT,
  IMAGE_WIDTH,
  NACK,
  NackCode,
  RAW_HEIGHT,
  RAW_WIDTH,
  createDecoder,
  encodeDataPacket,
  encodeOpenInfo,
  encodePacket,
  sentFromImage,
} from '../../drivers/gt5xx/protocol.js';
import { synthesizeFingerprint, type FingerprintQuality } from '../fingerprint/synthetic.js';
import { createPacedWriter } from '../paced-writer.js';

export type Gt5xxFault = 'timeout' | 'garbage' | 'checksum' | 'truncated' | 'disconnect_mid_image' | 'busy' | 'finger_lifted';

export const gt5xxFaults: readonly Gt5xxFault[] = ['timeout', 'garbage', 'checksum', 'truncated', 'disconnect_mid_image', 'busy', 'finger_lifted'];

export interface Gt5xxSimulatorOptions {
  /** A finger lands this long after the LED is switched on (IsPressFinger then reports it). Default 200 ms. */
  fingerDelayMs?: number;
  /** false: no finger is ever placed. Default true. */
  finger?: boolean;
  quality?: FingerprintQuality;
  seed?: number;
  /** Firmware version word and 16-byte serial for Open's info packet (made up: no real unit's). */
  firmware?: number;
  serial?: Uint8Array;
  fault?: Gt5xxFault | null;
  /** How to pull the plug for 'disconnect_mid_image' (memory pair: its disconnect()); default: close the device link. */
  disconnect?: () => void;
  /** Time CaptureFinger takes. Default 20 ms. */
  captureDelayMs?: number;
  /** Pace writes at the link's baud rate (for a pty, which does not); a paced memory link paces itself. */
  pace?: boolean;
}

export interface Gt5xxSimulator {
  setFault(fault: Gt5xxFault | null): void;
  /** Puts a finger on the sensor now / takes it off. */
  placeFinger(): void;
  liftFinger(): void;
  /** The next captures are of this finger (the capture flow asks for a position); until then each capture is a new seed. */
  setFinger(finger: { seed: number; quality: FingerprintQuality }): void;
  /** The upright 258×202 image the last CaptureFinger took (what the driver should return), or null. */
  readonly lastImage: Uint8Array | null;
  /** Commands received, in order. */
  readonly commands: readonly { code: number; parameter: number }[];
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function startGt5xxSimulator(link: ByteLink, options: Gt5xxSimulatorOptions = {}): Gt5xxSimulator {
  const decode = createDecoder('response'); // commands have the response layout [devices.md §2]
  const quality = options.quality ?? 'good';
  const seed = options.seed ?? 1;
  const fingerDelayMs = options.fingerDelayMs ?? 200;
  const serial = options.serial ?? Uint8Array.from({ length: 16 }, (_, i) => (0x10 + i * 0x0b) & 0xff);
  let fault: Gt5xxFault | null = options.fault ?? null;
  let buffer: Buffer = Buffer.alloc(0);
  let queue: Promise<void> = Promise.resolve();
  let stopped = false;
  let ledOn = false;
  /** When the finger is (or will be) on the sensor; null: not placed. */
  let fingerAt: number | null = null;
  let forced: 'on' | 'off' | null = null;
  let captured: Uint8Array | null = null;
  let captures = 0;
  let finger: { seed: number; quality: FingerprintQuality } | null = null;
  const commands: { code: number; parameter: number }[] = [];
  const paced = createPacedWriter(link);

  const pressed = () => forced === 'on' || (forced === null && ledOn && fingerAt !== null && performance.now() >= fingerAt);

  async function send(bytes: Uint8Array): Promise<void> {
    if (stopped || !link.isOpen) return;
    try {
      // Over a pty the kernel does not pace: the writer holds each chunk for its wire time at the current baud.
      if (options.pace) await paced.write(bytes, () => !stopped);
      else await link.write(bytes);
    } catch {
      // The host went away: nothing to answer.
    }
  }

  /** A response packet, bent by the current fault. */
  async function respond(code: number, parameter = 0): Promise<void> {
    if (fault === 'garbage') {
      // Bytes that are never a start byte (0x55 / 0x5A), so the host sees noise, not a packet.
      return send(Uint8Array.from({ length: 16 }, (_, i) => 0x60 + ((i * 37) & 0x1f)));
    }
    const packet = encodePacket(code, parameter);
    if (fault === 'checksum') packet[10] = (packet[10] ?? 0) ^ 0x01;
    if (fault === 'truncated') return send(packet.subarray(0, 6));
    return send(packet);
  }

  async function ack(parameter = 0) {
    return respond(ACK, parameter);
  }
  async function nack(code: number) {
    return respond(NACK, code);
  }

  async function sendData(data: Uint8Array, isImage: boolean): Promise<void> {
    const packet = encodeDataPacket(data);
    if (fault === 'disconnect_mid_image' && isImage) {
      await send(packet.subarray(0, packet.length >> 1));
      if (options.disconnect) options.disconnect();
      else await link.close();
      return;
    }
    if (fault === 'truncated') return send(packet.subarray(0, packet.length >> 1));
    if (fault === 'checksum') packet[packet.length - 1] = (packet[packet.length - 1] ?? 0) ^ 0x01;
    return send(packet);
  }

  function image(): Uint8Array {
    // Upright, 258 wide × 202 high: after the driver applies the SDK's transposition this is what it returns.
    if (finger !== null) return synthesizeFingerprint({ width: IMAGE_WIDTH, height: IMAGE_HEIGHT, quality: finger.quality, seed: finger.seed });
    return synthesizeFingerprint({ width: IMAGE_WIDTH, height: IMAGE_HEIGHT, quality, seed: seed + captures });
  }

  async function handle(code: number, parameter: number): Promise<void> {
    commands.push({ code, parameter });
    if (fault === 'timeout') return;
    // No "busy" NACK exists in the SDK's list (OEM.h); NACK_DEV_ERR 0x100F is its device-error code.
    if (fault === 'busy') return nack(NackCode.DevErr);
    switch (code) {
      case Command.Open:
        await ack();
        // Parameter 1: device info follows (firmware, ISO area max, serial) [devices.md §2; SDK oem_open].
        if (parameter === 1) await sendData(encodeOpenInfo({ firmware: options.firmware ?? 0x20120202, isoAreaMaxSize: 16 * 1024, serial }), false);
        return;
      case Command.Close:
        return ack();
      case Command.ChangeBaudRate:
        if (!(BAUD_RATES as readonly number[]).includes(parameter)) return nack(NackCode.InvalidBaudRate);
        // ACK at the old speed, then switch.
        await ack();
        paced.reset();
        await link.setBaudRate(parameter);
        return;
      case Command.CmosLed:
        ledOn = parameter !== 0;
        // A finger arrives fingerDelayMs after the light comes on and is gone when it goes off.
        if (!ledOn) fingerAt = null;
        else if (options.finger !== false && fingerAt === null) fingerAt = performance.now() + fingerDelayMs;
        return ack();
      case Command.IsPressFinger:
        // ACK parameter 0 = pressed, non-zero = not [devices.md §2].
        return ack(pressed() ? 0 : 1);
      case Command.CaptureFinger:
        if (!pressed()) return nack(NackCode.FingerIsNotPressed);
        if (fault === 'finger_lifted') {
          // The finger came off: NACK, and it comes back after the usual delay.
          fingerAt = performance.now() + fingerDelayMs;
          if (forced === 'on') forced = null;
          return nack(NackCode.FingerIsNotPressed);
        }
        await sleep(options.captureDelayMs ?? 20);
        captured = image();
        captures++;
        return ack();
      case Command.GetImage: {
        const upright = captured ?? image();
        await ack();
        return sendData(sentFromImage(upright), true);
      }
      case Command.GetRawImage: {
        // The 160×120 preview, row-major [SDK oem_get_rawimage]: the finger when one is on, else an empty (light) sensor.
        const raw = pressed() ? synthesizeFingerprint({ width: RAW_WIDTH, height: RAW_HEIGHT, quality, seed }) : new Uint8Array(RAW_WIDTH * RAW_HEIGHT).fill(235);
        await ack();
        return sendData(raw, false);
      }
      default:
        // Commands this simulator does not model: NACK_IS_NOT_SUPPORTED 0x100E [SDK OEM.h].
        return nack(NackCode.IsNotSupported);
    }
  }

  const offData = link.onData((chunk) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      if (buffer.length === 0) return;
      const result = decode(buffer);
      if (result.kind === 'need') return;
      buffer = buffer.subarray(Math.max(1, result.size));
      // Bytes that are not a valid command are ignored, as the module gives no answer to them.
      if (result.kind === 'frame' && result.frame.kind === 'packet') {
        const { code, parameter } = result.frame;
        queue = queue.then(() => (stopped ? undefined : handle(code, parameter))).catch(() => undefined);
      }
    }
  });

  return {
    setFault(next) {
      fault = next;
    },
    placeFinger() {
      forced = 'on';
    },
    liftFinger() {
      forced = 'off';
      fingerAt = null;
    },
    setFinger(next) {
      finger = { ...next };
    },
    get lastImage() {
      return captured;
    },
    commands,
    async stop() {
      stopped = true;
      offData();
      await queue;
      await link.close();
    },
  };
}
