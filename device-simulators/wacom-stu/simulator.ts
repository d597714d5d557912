/**
 * The pad side of a Wacom STU-430 / 530 / 540, byte-exact per devices.md §3
 * and the STU SDK (report layouts in drivers/wacom-stu/protocol.ts), on the
 * device end of an in-process HID pair (there is no /dev/uhid on our
 * machines, so HID is simulated in-process only). It answers feature
 * reports, keeps the screen image written to it, and — when a signer "picks
 * up the pen" — sends pen input reports (0x01, or 0x34 once PenDataOptionMode
 * is 3) at 200 reports a second or as fast as it can, from generated strokes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { inflateSync } from 'node:zlib';
import { HidStall, type HidDeviceSide } from '../../drivers/transport/hid-link.js';
import {
  DEFAULT_INK_THRESHOLD,
  EncodingFlag,
  EncodingMode,
  EndImageDataFlag,
  ErrorCode,
  MAX_INK_THRESHOLD,
  PenDataOptionMode,
  ReportId,
  StatusCode,
  commands,
  decodeScreenImage,
  decodeSetReport,
  encodeCapability,
  encodeInformation,
  encodePenData,
  encodePenDataTimeCountSequence,
  encodeStatus,
  encodeUid,
  encodeUid2,
  imageByteLength,
  imageModeOf,
  supportsImageMode,
  type InkThreshold,
  type PenData,
  type StuCapability,
  type StuImageMode,
  type StuInformation,
  type StuRectangle,
  type StuSetReport,
} from '../../drivers/wacom-stu/protocol.js';
import { padLayout, rectToTablet, type PadButton } from '../../drivers/wacom-stu/layout.js';
import { createPrng } from '../random.js';
import { generateSignature, type GeneratedSignature } from './strokes.js';

export type StuModel = 'STU-430' | 'STU-530' | 'STU-540';

/**
 * What each model reports. Screen sizes and the 540's tablet and pressure
 * ranges from devices.md §3; the 430's tablet range (9600 × 6000), report
 * rate 200 and resolution 2540 from an SDK dump of an STU-430V; the 530
 * shares the 540's 800 × 480 screen and digitiser. Encoding flags: the
 * 530/540 colour set as the SDK's simulateEncodingFlag gives it, the 430
 * 1-bit (+ zlib).
 */
export const stuModels: Record<StuModel, { information: StuInformation; capability: StuCapability }> = {
  'STU-430': {
    information: { modelName: 'STU-430', firmwareMajor: 0x01, firmwareMinor: 0x04, secureIc: 0, secureIcVersion: [0xbb, 0, 0, 0] },
    capability: { tabletMaxX: 9600, tabletMaxY: 6000, tabletMaxPressure: 1023, screenWidth: 320, screenHeight: 200, maxReportRate: 200, resolution: 2540, encodingFlag: EncodingFlag.OneBit | EncodingFlag.Zlib },
  },
  'STU-530': {
    information: { modelName: 'STU-530', firmwareMajor: 0x01, firmwareMinor: 0x07, secureIc: 1, secureIcVersion: [0x02, 0x00, 0x00, 0x00] },
    capability: {
      tabletMaxX: 10800,
      tabletMaxY: 6480,
      tabletMaxPressure: 1023,
      screenWidth: 800,
      screenHeight: 480,
      maxReportRate: 200,
      resolution: 2540,
      encodingFlag: EncodingFlag.TwentyFourBit | EncodingFlag.SixteenBit | EncodingFlag.OneBit | EncodingFlag.Zlib,
    },
  },
  'STU-540': {
    information: { modelName: 'STU-540', firmwareMajor: 0x02, firmwareMinor: 0x15, secureIc: 0, secureIcVersion: [0x10, 0x00, 0x00, 0x00] },
    capability: {
      tabletMaxX: 10800,
      tabletMaxY: 6480,
      tabletMaxPressure: 1023,
      screenWidth: 800,
      screenHeight: 480,
      maxReportRate: 200,
      resolution: 2540,
      encodingFlag: EncodingFlag.TwentyFourBit | EncodingFlag.SixteenBit | EncodingFlag.OneBit | EncodingFlag.Zlib,
    },
  },
};

export type StuFault =
  | 'timeout' // stops answering feature reports and sends no pen data
  | 'garbage' // answers and pen reports are random bytes that are not STU reports
  | 'truncated' // answers and pen reports are cut short
  | 'disconnect_mid_signature' // goes away halfway through the signature
  | 'busy'; // Status keeps saying RomBusy

export const stuFaults: readonly StuFault[] = ['timeout', 'garbage', 'truncated', 'disconnect_mid_signature', 'busy'];

/**
 * What the simulated signer does when a capture shows a prompt with buttons
 * (the host drew one and narrowed the handwriting area to its signing box —
 * drivers/wacom-stu/layout.ts — and sign() was called):
 *   sign_accept  signs inside the box, then taps the pad's accept button;
 *   sign_wait    signs inside the box and waits (the operator accepts on screen);
 *   dot_accept   an accidental touch — a dot in the box — then taps accept
 *                (the quality check turns it away);
 *   sign_clear_sign_accept  signs, taps clear, waits for the prompt to be
 *                drawn again, signs again and taps accept;
 *   sign_cancel  signs, then taps cancel.
 * Without a prompt, sign() writes over the whole pad as before.
 */
export type StuSignerScript = 'sign_accept' | 'sign_wait' | 'dot_accept' | 'sign_clear_sign_accept' | 'sign_cancel';
export const stuSignerScripts: readonly StuSignerScript[] = ['sign_accept', 'sign_wait', 'dot_accept', 'sign_clear_sign_accept', 'sign_cancel'];

/**
 * The environment variable that picks the script of every simulated pad that
 * was not given one (e.g. `BALCAO_SIM_STU_SCRIPT=sign_wait` for an
 * end-to-end run that accepts on screen); read when a prompted capture starts.
 */
export const STU_SCRIPT_ENV = 'BALCAO_SIM_STU_SCRIPT';

export function parseStuScript(value: string | undefined): StuSignerScript | null {
  return stuSignerScripts.find((s) => s === value?.trim()) ?? null;
}

export interface StuSimulatorOptions {
  model?: StuModel;
  seed?: number;
  /** Uid (0x0A); many pads leave it 0. Default: made from the seed. */
  uid?: number;
  /** Uid2 (0x0B) hardware id; null = a pad without it (stalls the request). */
  uid2?: string | null;
  /** Replaces the model's Capability encoding flags (0 = an old firmware that reports none). */
  encodingFlag?: number;
  fault?: StuFault | null;
  /** Pen reports at 200 a second in real time (default), or as fast as possible (tests). */
  paced?: boolean;
  /** The signer starts writing this long after inking is switched on; null = only when sign() is called. */
  signOnInkingMs?: number | null;
  /** How long the pad stays in the Image state after EndImageData while it draws. */
  drawMs?: number;
  /** What 'disconnect_mid_signature' does; closes the device side by default. */
  onDisconnect?: () => void;
  /** Strokes in the generated signature. */
  strokes?: number;
  /** Device clock at start (ms) for the 0x34 time count, which wraps at 0xffff [hpp PenDataOption note]. */
  clockStart?: number;
  /** What the signer does when a prompt with buttons is on the screen (default 'sign_accept'). */
  script?: StuSignerScript;
}

export interface StuSimulatorState {
  statusCode: number;
  lastResultCode: number;
  inking: boolean;
  inkThreshold: InkThreshold;
  penDataOptionMode: number;
  backlight: number;
  handwritingDisplayArea: StuRectangle;
}

export interface StuSimulator {
  readonly model: StuModel;
  readonly information: StuInformation;
  readonly capability: StuCapability;
  readonly uid: number;
  /** The signature the signer writes (tablet units). */
  readonly signature: GeneratedSignature;
  /** What the LCD shows: RGB, screenWidth × screenHeight. */
  readonly screen: Uint8Array;
  /** The last committed image as received (after zlib inflation) and its mode. */
  readonly lastImage: { mode: StuImageMode; data: Buffer } | null;
  readonly state: Readonly<StuSimulatorState>;
  /** SET_FEATURE report ids received, in order. */
  readonly received: readonly number[];
  /** Status (0x03) requests answered. */
  readonly statusPolls: number;
  /** Pen input reports sent. */
  readonly penReportsSent: number;
  /** Committed screen images so far (each prompt drawn, each redraw after a clear). */
  readonly imagesDrawn: number;
  /** The signer's script for prompted captures. */
  readonly script: StuSignerScript;
  setScript(script: StuSignerScript): void;
  setFault(fault: StuFault | null): void;
  /**
   * The signer writes `frames`; without them, the generated signature — and
   * when a prompt with buttons is shown (handwriting area narrower than the
   * screen), the script instead (signature placed inside the box, taps on the
   * buttons). Resolves after the last report.
   */
  sign(frames?: readonly PenData[]): Promise<void>;
  /** A pen tap (down and up) in the middle of a prompt button, with the hover to it and away. */
  tap(button: PadButton): Promise<void>;
  /** The generated signature fitted into the prompt's signing box (tablet units). */
  signatureInBox(): PenData[];
  stop(): Promise<void>;
}

export function startStuSimulator(device: HidDeviceSide, options: StuSimulatorOptions = {}): StuSimulator {
  const model = options.model ?? 'STU-540';
  const profile = stuModels[model];
  const information = { ...profile.information };
  const capability = { ...profile.capability, encodingFlag: options.encodingFlag ?? profile.capability.encodingFlag };
  const seed = options.seed ?? 1;
  const random = createPrng(seed ^ 0x2545f491);
  const uid = options.uid ?? (Math.floor(random() * 0xfffffffe) + 1) >>> 0;
  const uid2 = options.uid2 === undefined ? `5JZ${model.slice(4)}${String(Math.floor(random() * 10000)).padStart(4, '0')}`.slice(0, 10) : options.uid2;
  const { screenWidth: width, screenHeight: height } = capability;
  const signature = generateSignature({
    seed,
    tabletMaxX: capability.tabletMaxX,
    tabletMaxY: capability.tabletMaxY,
    maxPressure: capability.tabletMaxPressure,
    unitsPerInch: capability.resolution,
    reportRate: capability.maxReportRate,
    ...(options.strokes !== undefined ? { strokes: options.strokes } : {}),
  });

  let fault: StuFault | null = options.fault ?? null;
  let stopped = false;
  const received: number[] = [];
  let statusPolls = 0;
  let penReportsSent = 0;
  let clock = options.clockStart ?? Math.floor(random() * 0x10000);
  let sequence = Math.floor(random() * 0x10000);
  const screen = new Uint8Array(width * height * 3).fill(255);
  let lastImage: { mode: StuImageMode; data: Buffer } | null = null;
  let transfer: { mode: number; chunks: Buffer[]; bytes: number; overflow: boolean } | null = null;
  let drawingUntil = 0;
  const timers = new Set<NodeJS.Timeout>();
  const defaults = (): StuSimulatorState => ({
    statusCode: StatusCode.Ready,
    lastResultCode: ErrorCode.None,
    inking: true, // [hpp] setReset: "Inking Mode is set ON"
    inkThreshold: { ...DEFAULT_INK_THRESHOLD },
    penDataOptionMode: PenDataOptionMode.None,
    backlight: 2,
    handwritingDisplayArea: { left: 0, top: 0, right: width - 1, bottom: height - 1 },
  });
  let state = defaults();
  let signing: Promise<void> | null = null;
  let script: StuSignerScript | null = options.script ?? null;
  const currentScript = (): StuSignerScript => script ?? parseStuScript(process.env[STU_SCRIPT_ENV]) ?? 'sign_accept';
  let imagesDrawn = 0;

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  /** Never settles: a pad that stopped answering. The host's timeout decides. */
  const silence = <T>() => new Promise<T>(() => undefined);

  function statusCode(): number {
    if (fault === 'busy') return StatusCode.RomBusy;
    if (state.statusCode === StatusCode.Ready && performance.now() < drawingUntil) return StatusCode.Image;
    return state.statusCode;
  }

  /** Random bytes that are not the report asked for (first byte never the requested id). */
  function garbage(reportId: number, length: number): Buffer {
    const bytes = Buffer.from(Array.from({ length: Math.max(1, length) }, () => Math.floor(random() * 256)));
    if (bytes[0] === reportId) bytes[0] = reportId ^ 0x40;
    return bytes;
  }

  function reply(reportId: number): Buffer {
    switch (reportId) {
      case ReportId.Status:
        statusPolls++;
        return encodeStatus({ statusCode: statusCode(), lastResultCode: state.lastResultCode, statusWord: 0 });
      case ReportId.Information:
        return encodeInformation(information);
      case ReportId.Capability:
        return encodeCapability(capability);
      case ReportId.Uid:
        return encodeUid(uid);
      case ReportId.Uid2:
        if (uid2 === null) throw new HidStall('Uid2 is not supported by this pad');
        return encodeUid2(uid2);
      case ReportId.InkingMode:
        return commands.inkingMode(state.inking);
      case ReportId.InkThreshold:
        return commands.inkThreshold(state.inkThreshold);
      case ReportId.HandwritingDisplayArea:
        return commands.handwritingDisplayArea(state.handwritingDisplayArea);
      case ReportId.BacklightBrightness:
        return commands.backlight(state.backlight);
      case ReportId.PenDataOptionMode:
        return commands.penDataOptionMode(state.penDataOptionMode);
      default:
        throw new HidStall(`report 0x${reportId.toString(16)} cannot be read`);
    }
  }

  /** Applies a SET request, with the state rules of [help sendTable]: most settings need Ready, image blocks need Image. */
  function apply(report: StuSetReport): void {
    const ready = statusCode() === StatusCode.Ready;
    const result = (code: number) => {
      state.lastResultCode = code;
    };
    switch (report.type) {
      case 'Reset':
        state = defaults();
        transfer = null;
        drawingUntil = 0;
        screen.fill(255);
        return;
      case 'ClearScreen':
        if (!ready) return result(ErrorCode.WrongState);
        screen.fill(255);
        return result(ErrorCode.None);
      case 'InkingMode':
        state.inking = report.on;
        if (report.on && options.signOnInkingMs !== null && signing === null) later(options.signOnInkingMs ?? 100, () => void simulator.sign());
        return result(ErrorCode.None);
      case 'InkThreshold':
        if (!ready) return result(ErrorCode.WrongState);
        if (report.threshold.on > MAX_INK_THRESHOLD || report.threshold.off > MAX_INK_THRESHOLD) return result(ErrorCode.BadParameter);
        state.inkThreshold = { ...report.threshold };
        return result(ErrorCode.None);
      case 'StartImageData': {
        if (!ready) return result(ErrorCode.WrongState);
        const mode = report.mode;
        const raw = imageModeOf(mode);
        // What the hardware takes, whatever flags its firmware reports (an old 530 firmware reports none and still shows colour [help simulateEncodingFlag]).
        const actual = profile.capability.encodingFlag;
        const ok = mode === EncodingMode.OneBitZlib ? (actual & EncodingFlag.Zlib) !== 0 : raw !== null && supportsImageMode(actual, raw);
        if (!ok) return result(ErrorCode.GraphicsWrongEncodingType);
        transfer = { mode, chunks: [], bytes: 0, overflow: false };
        state.statusCode = StatusCode.Image;
        return result(ErrorCode.None);
      }
      case 'ImageDataBlock': {
        if (state.statusCode !== StatusCode.Image || transfer === null) return result(ErrorCode.WrongState);
        const limit = imageByteLength(imageModeOf(transfer.mode) ?? '1bit', width, height);
        if (transfer.mode !== EncodingMode.OneBitZlib && transfer.bytes + report.data.length > limit) {
          transfer.overflow = true;
          return result(ErrorCode.GraphicsImageTooLong);
        }
        transfer.chunks.push(report.data);
        transfer.bytes += report.data.length;
        return result(ErrorCode.None);
      }
      case 'EndImageData': {
        if (state.statusCode !== StatusCode.Image || transfer === null) return result(ErrorCode.WrongState);
        const done = transfer;
        transfer = null;
        state.statusCode = StatusCode.Ready;
        if (report.flag === EndImageDataFlag.Abandon) return result(ErrorCode.None);
        if (done.overflow) return result(ErrorCode.GraphicsImageTooLong);
        let data = Buffer.concat(done.chunks);
        const mode: StuImageMode = imageModeOf(done.mode) ?? '1bit';
        if (done.mode === EncodingMode.OneBitZlib) {
          try {
            data = inflateSync(data);
          } catch {
            return result(ErrorCode.GraphicsZlibError);
          }
        }
        const expected = imageByteLength(mode, width, height);
        if (data.length > expected) return result(ErrorCode.GraphicsImageTooLong);
        // A short image leaves the rest of the screen white (0xff in every format).
        const full = Buffer.alloc(expected, 0xff);
        data.copy(full);
        screen.set(decodeScreenImage(full, mode, width, height));
        lastImage = { mode, data };
        imagesDrawn++;
        drawingUntil = performance.now() + (options.drawMs ?? 0);
        return result(ErrorCode.None);
      }
      case 'HandwritingDisplayArea': {
        const a = report.area;
        if (a.left > a.right || a.top > a.bottom || a.right >= width || a.bottom >= height) return result(ErrorCode.GraphicsWrongParameters);
        state.handwritingDisplayArea = { ...a };
        return result(ErrorCode.None);
      }
      case 'BacklightBrightness':
        if (report.level > 3) return result(ErrorCode.BadParameter);
        state.backlight = report.level;
        return result(ErrorCode.None);
      case 'PenDataOptionMode':
        // The 430/530/540 take None and TimeCountSequence; TimeCount and SequenceNumber are for the 500/520 [hpp PenDataOptionMode].
        if (report.mode !== PenDataOptionMode.None && report.mode !== PenDataOptionMode.TimeCountSequence) return result(ErrorCode.BadParameter);
        state.penDataOptionMode = report.mode;
        return result(ErrorCode.None);
      case 'Uid':
        return result(ErrorCode.None);
    }
  }

  /** Ink on the LCD where the pen presses past the ink-on threshold, inside the handwriting area. */
  function ink(frame: PenData): void {
    if (!state.inking || frame.sw === 0 || frame.pressure < state.inkThreshold.on) return;
    const x = Math.round((frame.x / capability.tabletMaxX) * (width - 1));
    const y = Math.round((frame.y / capability.tabletMaxY) * (height - 1));
    const a = state.handwritingDisplayArea;
    if (x < a.left || x > a.right || y < a.top || y > a.bottom) return;
    screen.fill(0, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }

  function penReport(frame: PenData): Buffer {
    clock = (clock + 1000 / capability.maxReportRate) & 0xffff;
    sequence = (sequence + 1) & 0xffff;
    const report = state.penDataOptionMode === PenDataOptionMode.TimeCountSequence ? encodePenDataTimeCountSequence(frame, Math.round(clock) & 0xffff, sequence) : encodePenData(frame);
    if (fault === 'truncated') return report.subarray(0, 4);
    if (fault === 'garbage') {
      // An id no STU sends (0x60–0x7f is unused in [hpp] ReportId), and a random length.
      const bytes = garbage(0, 1 + Math.floor(random() * 12));
      bytes[0] = 0x60 + Math.floor(random() * 0x20);
      return bytes;
    }
    return report;
  }

  const unserve = device.serve({
    set(data) {
      if (stopped) return silence<void>();
      received.push(data[0] ?? 0);
      if (fault === 'timeout') return silence<void>();
      let report: StuSetReport;
      try {
        report = decodeSetReport(data);
      } catch (error) {
        // A request the firmware does not take: the control pipe stalls.
        throw new HidStall((error as Error).message);
      }
      apply(report);
    },
    get(reportId, length) {
      if (stopped || fault === 'timeout') return silence<Buffer>();
      if (fault === 'garbage') return garbage(reportId, length);
      const answer = reply(reportId);
      if (fault === 'truncated') return answer.subarray(0, Math.max(1, Math.floor(answer.length / 2)));
      return answer;
    },
  });

  /** Sends pen reports at the pad's rate (or unpaced); `faults` lets 'disconnect_mid_signature' cut it halfway. */
  async function send(frames: readonly PenData[], faults: boolean): Promise<void> {
    const interval = 1000 / capability.maxReportRate;
    const started = performance.now();
    for (let i = 0; i < frames.length; i++) {
      if (stopped || !device.isOpen || fault === 'timeout') return;
      if (faults && fault === 'disconnect_mid_signature' && i === Math.floor(frames.length / 2)) {
        if (options.onDisconnect) options.onDisconnect();
        else await device.close();
        return;
      }
      const frame = frames[i] as PenData;
      device.sendInputReport(penReport(frame));
      penReportsSent++;
      ink(frame);
      if (options.paced === false) {
        // Let the host run now and then, as the USB stack would.
        if (i % 32 === 31) await new Promise<void>((resolve) => setImmediate(resolve));
      } else {
        const wait = started + (i + 1) * interval - performance.now();
        if (wait > 1) await sleep(wait);
      }
    }
  }

  /** A person sees a signing box with buttons under it: the host narrowed the handwriting area below the whole screen. */
  function prompted(): boolean {
    const a = state.handwritingDisplayArea;
    return a.left > 0 || a.top > 0 || a.right < width - 1 || a.bottom < height - 1;
  }

  const tablet = { maxX: capability.tabletMaxX, maxY: capability.tabletMaxY };
  const layout = padLayout({ width, height });
  const perMs = capability.maxReportRate / 1000;
  const clampX = (x: number) => Math.max(0, Math.min(capability.tabletMaxX, Math.round(x)));
  const clampY = (y: number) => Math.max(0, Math.min(capability.tabletMaxY, Math.round(y)));

  /** The generated signature scaled (same aspect) and centred into the box, with a margin of 8 %. */
  function signatureInBox(): PenData[] {
    const box = rectToTablet(layout.box, { width, height }, tablet);
    const down = signature.frames.filter((f) => f.sw !== 0);
    const xs = down.map((f) => f.x);
    const ys = down.map((f) => f.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const bw = (box.right - box.left) * 0.84;
    const bh = (box.bottom - box.top) * 0.84;
    const k = Math.min(bw / Math.max(1, x1 - x0), bh / Math.max(1, y1 - y0));
    const cx = (box.left + box.right) / 2 - ((x0 + x1) / 2) * k;
    const cy = (box.top + box.bottom) / 2 - ((y0 + y1) / 2) * k;
    // The last frame (rdy = 0) stays where the pen left, as in the generated one.
    return signature.frames.map((f) => ({ ...f, x: clampX(cx + f.x * k), y: clampY(cy + f.y * k) }));
  }

  /** An accidental touch: the pen rests 30 ms on one spot in the box. */
  function dotFrames(): PenData[] {
    const box = rectToTablet(layout.box, { width, height }, tablet);
    const x = clampX((box.left + box.right) / 2);
    const y = clampY((box.top + box.bottom) / 2);
    const n = Math.max(2, Math.round(30 * perMs));
    return [
      { rdy: true, sw: 0, pressure: 0, x, y },
      ...Array.from({ length: n }, (): PenData => ({ rdy: true, sw: 1, pressure: Math.round(capability.tabletMaxPressure * 0.35), x, y })),
      { rdy: true, sw: 0, pressure: 0, x, y },
      { rdy: false, sw: 0, pressure: 0, x, y },
    ];
  }

  /** Hover from `from` (or from just below the button) to the middle of the button, down ~40 ms, lift and leave. */
  function tapFrames(button: PadButton, from: { x: number; y: number } | null): PenData[] {
    const r = rectToTablet(layout.buttons[button], { width, height }, tablet);
    const x = (r.left + r.right) / 2;
    const y = (r.top + r.bottom) / 2;
    const start = from ?? { x, y: Math.min(capability.tabletMaxY, r.bottom + (r.bottom - r.top)) };
    const frames: PenData[] = [];
    const hoverN = Math.max(2, Math.round(250 * perMs));
    for (let i = 0; i < hoverN; i++) {
      const t = i / (hoverN - 1);
      frames.push({ rdy: true, sw: 0, pressure: 0, x: clampX(start.x + (x - start.x) * t), y: clampY(start.y + (y - start.y) * t) });
    }
    const downN = Math.max(2, Math.round(40 * perMs));
    for (let i = 0; i < downN; i++) {
      const jitter = (random() - 0.5) * 4;
      frames.push({ rdy: true, sw: 1, pressure: Math.round(capability.tabletMaxPressure * (0.3 + 0.2 * Math.sin((Math.PI * (i + 1)) / (downN + 1)))), x: clampX(x + jitter), y: clampY(y + jitter) });
    }
    frames.push({ rdy: true, sw: 0, pressure: 0, x: clampX(x), y: clampY(y) });
    frames.push({ rdy: false, sw: 0, pressure: 0, x: clampX(x), y: clampY(y) });
    return frames;
  }

  /** From the last frame of a signature, still in proximity, to the button. */
  function thenTap(frames: PenData[], button: PadButton): PenData[] {
    const written = frames.slice(0, -1); // drop the leaving frame: the hand goes on to the button
    const last = written[written.length - 1];
    return [...written, ...tapFrames(button, last ? { x: last.x, y: last.y } : null)];
  }

  async function waitForRedraw(after: number): Promise<void> {
    const until = performance.now() + 10_000;
    while (imagesDrawn <= after && !stopped && device.isOpen && performance.now() < until) await sleep(5);
  }

  async function runScript(): Promise<void> {
    switch (currentScript()) {
      case 'sign_accept':
        return send(thenTap(signatureInBox(), 'accept'), true);
      case 'sign_wait':
        return send(signatureInBox(), true);
      case 'dot_accept':
        return send(thenTap(dotFrames(), 'accept'), true);
      case 'sign_cancel':
        return send(thenTap(signatureInBox(), 'cancel'), true);
      case 'sign_clear_sign_accept': {
        const drawn = imagesDrawn;
        await send(thenTap(signatureInBox(), 'clear'), true);
        // A person waits to see the prompt back before signing again.
        await waitForRedraw(drawn);
        return send(thenTap(signatureInBox(), 'accept'), true);
      }
    }
  }

  const simulator: StuSimulator = {
    model,
    information,
    capability,
    uid,
    signature,
    screen,
    get lastImage() {
      return lastImage;
    },
    get state() {
      return { ...state, statusCode: statusCode() };
    },
    received,
    get statusPolls() {
      return statusPolls;
    },
    get penReportsSent() {
      return penReportsSent;
    },
    get imagesDrawn() {
      return imagesDrawn;
    },
    get script() {
      return currentScript();
    },
    setScript(next) {
      script = next;
    },
    setFault(next) {
      fault = next;
    },
    sign(frames) {
      if (signing !== null) return signing;
      const run = async () => {
        if (frames !== undefined || !prompted()) return send(frames ?? signature.frames, true);
        await runScript();
      };
      signing = run().finally(() => {
        signing = null;
      });
      return signing;
    },
    tap(button) {
      return send(tapFrames(button, null), false);
    },
    signatureInBox,
    async stop() {
      stopped = true;
      unserve();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await signing;
    },
  };
  return simulator;
}
