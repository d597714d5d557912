/**
 * The module side of an EF01 fingerprint module (ZhianTec ZFM-20, Grow
 * R305/R307/R503, AS608), byte-exact per devices.md §1, over any ByteLink: an
 * in-process memory link or a pseudo-terminal. Images come from the synthetic
 * fingerprint generator, packed to 4 bits as the module sends them.
 */
import type { ByteLink } from '../../drivers/transport/byte-link.js';
import {
  BAUD_UNIT,
  Confirmation,
  DEFAULT_ADDRESS,
  DEFAULT_BAUD_N,
  DEFAULT_PACKET_SIZE_CODE,
  DEFAULT_PASSWORD,
  IMAGE_HEIGHT,
  IMAGE_WIDTH,
  Instruction,
  MAX_BAUD_N,
  PACKET_SIZES,
  POWER_ON_BYTE,
  Pid,
  SysParaRegister,
  decodeEf01,
  encodeAck,
  encodeDataPacket,
  encodeSystemParameters,
  packImage,
  unpackImage,
  type Ef01Frame,
} from '../../drivers/ef01/protocol.js';
import { synthesizeFingerprint, synthesizeFingerprintAsync, type FingerprintQuality } from '../fingerprint/synthetic.js';
import { createPrng } from '../random.js';
import { createPacedWriter } from '../paced-writer.js';

export type Ef01Fault =
  | 'timeout' // stops answering
  | 'garbage' // answers with random bytes that are not packets
  | 'checksum' // answers with a wrong checksum
  | 'truncated' // cuts an image data packet short, then goes on
  | 'disconnect_mid_image' // goes away halfway through the image
  | 'busy' // answers everything with 01 "error when receiving the packet"
  | 'finger_lifted'; // GenImg answers 03: the finger left the sensor during the scan

export const ef01Faults: readonly Ef01Fault[] = ['timeout', 'garbage', 'checksum', 'truncated', 'disconnect_mid_image', 'busy', 'finger_lifted'];

export interface Ef01SimulatorOptions {
  /** When to make the finger image: 'now' (default, before the first command is answered) or 'background' (in slices). */
  prepareImage?: 'now' | 'background';
  password?: number;
  address?: number;
  /** Data packet size code 0…3 → 32, 64, 128, 256 bytes (factory 2). */
  packetSizeCode?: number;
  /** The finger lands this long after start (or after placeFinger()); GenImg answers "no finger" before. */
  fingerDelayMs?: number;
  quality?: FingerprintQuality;
  seed?: number;
  fault?: Ef01Fault | null;
  /** Supports AuraLedConfig (R503); otherwise it answers 01 like modules without it. */
  auraLed?: boolean;
  /** Pace writes at the link's baud rate (for a pty, which does not); a paced memory link paces itself. */
  pace?: boolean;
  /** Send the lone 0x55 some R503 firmware sends at power-on. */
  powerOnByte?: boolean;
  /** What 'disconnect_mid_image' does; closes the link by default. */
  onDisconnect?: () => void;
  systemId?: number;
  librarySize?: number;
  securityLevel?: number;
}

export interface Ef01Simulator {
  setFault(fault: Ef01Fault | null): void;
  /** The finger lands after `delayMs`. */
  placeFinger(delayMs?: number): void;
  liftFinger(): void;
  /**
   * A different finger is put down (the capture flow asks for a position): its
   * print is made in slices, and GenImg answers "no finger" until it is ready,
   * as if the finger were still on its way to the glass.
   */
  setFinger(finger: { seed: number; quality: FingerprintQuality }): void;
  /** The 8-bit image the sensor "sees". */
  readonly image: Uint8Array;
  /** What a driver should end up with: the image quantised to 4 bits and expanded (n × 17). */
  readonly expectedPixels: Uint8Array;
  readonly baudMultiplier: number;
  readonly packetSize: number;
  /** Commands received, by name, in order. */
  readonly received: readonly number[];
  readonly led: { control: number; colour: number } | null;
  stop(): Promise<void>;
}


export function startEf01Simulator(link: ByteLink, options: Ef01SimulatorOptions = {}): Ef01Simulator {
  const password = options.password ?? DEFAULT_PASSWORD;
  const address = options.address ?? DEFAULT_ADDRESS;
  let packetSizeCode = options.packetSizeCode ?? DEFAULT_PACKET_SIZE_CODE;
  let baudMultiplier = Math.round(link.baudRate / BAUD_UNIT) || DEFAULT_BAUD_N;
  let securityLevel = options.securityLevel ?? 3;
  let fault: Ef01Fault | null = options.fault ?? null;
  let fingerAt = performance.now() + (options.fingerDelayMs ?? 0);
  let fingerDown = true;
  let imageReady = false;
  let led: { control: number; colour: number } | null = null;
  let stopped = false;
  let buffer: Buffer = Buffer.alloc(0);
  let queue: Promise<void> = Promise.resolve();
  const paced = createPacedWriter(link);
  const received: number[] = [];
  const random = createPrng((options.seed ?? 1) ^ 0x9e3779b9);
  const imageOptions = { width: IMAGE_WIDTH, height: IMAGE_HEIGHT, quality: options.quality ?? 'good', seed: options.seed ?? 1 } as const;
  let image: Uint8Array | null = null;
  /** Set while setFinger()'s print is being made. */
  let preparing: Promise<unknown> | null = null;
  // Made up front, like a sensor that has the image ready: generating takes a few hundred ms, longer than a driver
  // waits for a packet. 'background' makes it a slice at a time, so that a station starting around this simulator
  // stays responsive; an image still unfinished when it is needed is finished there and then.
  const getImage = () => (image ??= synthesizeFingerprint(imageOptions));
  if (options.prepareImage === 'background') void synthesizeFingerprintAsync(imageOptions).then((pixels) => (image ??= pixels));
  else getImage();

  async function send(data: Uint8Array): Promise<void> {
    if (stopped || !link.isOpen) return;
    try {
      if (!options.pace) return await link.write(data);
      // Over a pty the kernel does not pace: the writer holds each chunk for its wire time at the current baud.
      await paced.write(data, () => !stopped);
    } catch {
      // The link went away: nothing to answer to.
    }
  }

  function ack(code: number, data: Uint8Array | readonly number[] = []): Promise<void> {
    const packet = encodeAck(code, data, address);
    if (fault === 'checksum') packet[packet.length - 1] = (packet[packet.length - 1] ?? 0) ^ 0x5a;
    return send(packet);
  }

  async function sendImage(): Promise<void> {
    const packed = packImage(getImage());
    const size = PACKET_SIZES[packetSizeCode] ?? 128;
    const count = Math.ceil(packed.length / size);
    for (let i = 0; i < count; i++) {
      if (stopped || !link.isOpen) return;
      if (fault === 'disconnect_mid_image' && i === Math.floor(count / 2)) {
        if (options.onDisconnect) options.onDisconnect();
        else await link.close();
        return;
      }
      let packet = encodeDataPacket(packed.subarray(i * size, (i + 1) * size), i === count - 1, address);
      if (fault === 'truncated' && i === Math.floor(count / 2)) packet = packet.subarray(0, Math.floor(packet.length / 2));
      if (fault === 'checksum' && i === Math.floor(count / 2)) packet[packet.length - 1] = (packet[packet.length - 1] ?? 0) ^ 0x5a;
      await send(packet);
    }
  }

  async function handle(frame: Ef01Frame): Promise<void> {
    if (frame.pid !== Pid.command || frame.address !== address) return; // not for this module: a real one stays silent
    const instruction = frame.payload[0] ?? 0;
    const params = frame.payload.subarray(1);
    received.push(instruction);
    if (fault === 'timeout') return;
    if (fault === 'garbage') {
      // Random bytes that contain no header (EF) and no power-on byte (55).
      const noise = Buffer.from(Array.from({ length: 24 }, () => {
        const byte = Math.floor(random() * 256);
        return byte === 0xef || byte === POWER_ON_BYTE ? 0x42 : byte;
      }));
      return send(noise);
    }
    if (fault === 'busy') return ack(Confirmation.receiveError);
    switch (instruction) {
      case Instruction.VfyPwd: {
        if (params.length !== 4) return ack(Confirmation.receiveError);
        return ack(params.readUInt32BE(0) === password >>> 0 ? Confirmation.ok : Confirmation.wrongPassword);
      }
      case Instruction.ReadSysPara:
        return ack(
          Confirmation.ok,
          encodeSystemParameters({ status: 0, systemId: options.systemId ?? 0x0009, librarySize: options.librarySize ?? 200, securityLevel, address, packetSizeCode, baudMultiplier }),
        );
      case Instruction.SetSysPara: {
        const [register, value] = [params[0] ?? 0, params[1] ?? 0];
        if (register === SysParaRegister.baud) {
          if (value < 1 || value > MAX_BAUD_N) return ack(Confirmation.invalidRegister);
          await ack(Confirmation.ok); // answered at the old speed; the new one applies after
          baudMultiplier = value;
          paced.reset();
          if (link.isOpen && !stopped) await link.setBaudRate(BAUD_UNIT * value);
          return;
        }
        if (register === SysParaRegister.packetSize && value <= 3) {
          packetSizeCode = value;
          return ack(Confirmation.ok);
        }
        if (register === SysParaRegister.securityLevel && value >= 1 && value <= 5) {
          securityLevel = value;
          return ack(Confirmation.ok);
        }
        return ack(Confirmation.invalidRegister);
      }
      case Instruction.GenImg: {
        if (fault === 'finger_lifted') return ack(Confirmation.imageFailed);
        if (!fingerDown || preparing !== null || performance.now() < fingerAt) return ack(Confirmation.noFinger);
        imageReady = true;
        return ack(Confirmation.ok);
      }
      case Instruction.UpImage: {
        if (!imageReady) return ack(Confirmation.noValidImage);
        await ack(Confirmation.ok);
        return sendImage();
      }
      case Instruction.AuraLedConfig: {
        if (options.auraLed === false) return ack(Confirmation.receiveError);
        led = { control: params[0] ?? 0, colour: params[2] ?? 0 };
        return ack(Confirmation.ok);
      }
      case Instruction.LedOn:
      case Instruction.LedOff:
      case Instruction.Handshake:
        return ack(Confirmation.ok);
      case Instruction.TemplateNum:
        return ack(Confirmation.ok, [0, 0]);
      default:
        return ack(Confirmation.receiveError);
    }
  }

  const offData = link.onData((chunk) => {
    if (stopped) return;
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      if (buffer.length === 0) break;
      const result = decodeEf01(buffer);
      if (result.kind === 'need') {
        if (buffer.length > 4096) buffer = Buffer.alloc(0);
        break;
      }
      buffer = buffer.subarray(Math.max(1, result.size));
      if (result.kind === 'frame') {
        const frame = result.frame;
        queue = queue.then(() => handle(frame)).catch(() => undefined);
      }
      // Bad packets are dropped without an answer, as the module does.
    }
  });

  fingerAt = performance.now() + (options.fingerDelayMs ?? 0);
  if (options.powerOnByte) void send(Uint8Array.of(POWER_ON_BYTE));

  return {
    setFault(next) {
      fault = next;
    },
    placeFinger(delayMs = 0) {
      fingerDown = true;
      fingerAt = performance.now() + delayMs;
    },
    liftFinger() {
      fingerDown = false;
      imageReady = false;
    },
    setFinger(finger) {
      fingerDown = true;
      imageReady = false;
      const made = synthesizeFingerprintAsync({ width: IMAGE_WIDTH, height: IMAGE_HEIGHT, quality: finger.quality, seed: finger.seed }).then((pixels) => {
        if (preparing === made) {
          image = pixels;
          preparing = null;
        }
      });
      preparing = made;
    },
    get image() {
      return getImage();
    },
    get expectedPixels() {
      return unpackImage(packImage(getImage()));
    },
    get baudMultiplier() {
      return baudMultiplier;
    },
    get packetSize() {
      return PACKET_SIZES[packetSizeCode] ?? 128;
    },
    get received() {
      return received;
    },
    get led() {
      return led;
    },
    async stop() {
      stopped = true;
      offData();
      await queue;
    },
  };
}
