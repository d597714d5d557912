/**
 * Driver for Wacom STU signature pads (STU-430 / 530 / 540) over a HidLink.
 * Report layouts and their sources are in ./protocol.ts (devices.md §3 and the
 * STU SDK); the status polling follows the SDK's ProtocolHelper
 * (waitForStatusToSend before each command that needs a state, writeImage).
 */
import type { DeviceIdentity, PenSample, RawSignatureCapture, TabletGeometry } from '../capture.js';
import { DeviceError, isDeviceError } from '../errors.js';
import type { HidLink } from '../transport/hid-link.js';
import { buttonAt, type PadButton, type PadLayout } from './layout.js';
import { renderPrompt, type PadPrompt } from './prompt.js';
import {
  DEFAULT_UNITS_PER_INCH,
  EndImageDataFlag,
  ErrorCode,
  MAX_IMAGE_BLOCK,
  MAX_INK_THRESHOLD,
  PenDataOptionMode,
  ReportId,
  ReportSize,
  StatusCode,
  bestImageMode,
  commands,
  decodeCapability,
  decodeInformation,
  decodeInputReport,
  decodePenDataOptionMode,
  decodeStatus,
  decodeUid,
  decodeUid2,
  effectiveEncodingFlag,
  encodeScreenImage,
  encodingModeFor,
  errorCodeMeaning,
  firmwareVersion,
  imageBlocks,
  reportName,
  statusName,
  supportsImageMode,
  type StuCapability,
  type StuImageMode,
  type StuInformation,
  type StuRectangle,
  type StuScreenImage,
  type StuStatus,
} from './protocol.js';

/** One pen report as captured. */
export type { PenSample, RawSignatureCapture, TabletGeometry } from '../capture.js';
export type { PadButton, PadLayout } from './layout.js';
export type { PadPrompt } from './prompt.js';

export interface StuOpenResult {
  identity: DeviceIdentity;
  information: StuInformation;
  capability: StuCapability;
  uid: number;
}

export interface StuDriverOptions {
  /** Longest wait for any one feature-report exchange (the link has its own bound too). */
  timeoutMs?: number;
  /** Status polls before giving up on a state ([help] waitForStatusToSend `retries`). */
  statusRetries?: number;
  /** Pause between status polls ([help] `sleepBetweenRetries`). */
  statusIntervalMs?: number;
  /**
   * Status is polled before StartImageData, before the first block and after
   * EndImageData, as the SDK does; this adds a poll every N blocks to catch a
   * pad that refuses a block early (0 = never). Each poll is one more control
   * transfer (~1 ms on USB full speed), so the default is sparse.
   */
  statusPollEveryBlocks?: number;
  /** Bytes per ImageDataBlock (≤ 253 over HID). */
  imageBlockSize?: number;
}

export interface CaptureOptions {
  /** Longest time for the whole capture; beyond it the capture fails with 'timeout'. */
  timeoutMs?: number;
  /** Aborting fails the capture with 'cancelled'. */
  signal?: AbortSignal;
  /**
   * When the signature is done: a predicate checked after every sample, or a
   * promise (e.g. the operator pressed "accept"). The capture resolves then;
   * a promise that rejects cancels it ('cancelled').
   */
  until?: ((sample: PenSample, samples: readonly PenSample[]) => boolean) | PromiseLike<unknown>;
  /** Resolve once ink has been written and the pen has been off the surface this long. Default 2000 ms when `until` is not given; 0 = off. */
  idleMs?: number;
  /** Ask for report 0x34 (pad time count and sequence) via PenDataOptionMode; default true. */
  deviceTime?: boolean;
  /** Switch inking off on the pad's screen afterwards; default true. */
  inkingOffAfter?: boolean;
  /**
   * Every sample kept for the signature, as it arrives and in the order of
   * `samples` (one call per element; the pen on a pad button is not kept —
   * see `buttons`). Called on the input report's own turn: the ink's way to
   * the screen starts here. A listener that throws is ignored.
   */
  onSample?: (sample: PenSample, geometry: TabletGeometry) => void;
  /** Called once the capture listens and inking is on: the signer may write now. */
  onStarted?: () => void;
  /**
   * Buttons drawn on the pad's screen (showPrompt's layout): a pen that goes
   * down inside a button and lifts without leaving it is a press, reported
   * here; those samples are not part of the signature.
   */
  buttons?: { layout: PadLayout; onPress(button: PadButton): void };
  /** Called when clearInk() wipes the samples so far (at the moment they are dropped). */
  onCleared?: () => void;
}

/** The prompt on the pad's screen, kept to redraw it when the ink is cleared. */
interface ShownPrompt {
  image: StuScreenImage;
  mode: StuImageMode;
  layout: PadLayout;
}

/** What clearInk() needs from the capture in progress. */
interface ActiveCapture {
  /** Drops the samples so far and ignores new ones until resume(). */
  pause(): void;
  resume(): void;
}

export interface ImageWriteStats {
  mode: StuImageMode;
  bytes: number;
  blocks: number;
  statusPolls: number;
  ms: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Maps tablet coordinates onto the pad's screen (tablet max X/Y ↔ screen width/height). */
export function tabletToScreen(point: { x: number; y: number }, capability: Pick<StuCapability, 'tabletMaxX' | 'tabletMaxY' | 'screenWidth' | 'screenHeight'>): { x: number; y: number } {
  return {
    x: (point.x / Math.max(1, capability.tabletMaxX)) * capability.screenWidth,
    y: (point.y / Math.max(1, capability.tabletMaxY)) * capability.screenHeight,
  };
}

/** Tablet units to millimetres from the top-left corner. */
export function tabletToMm(point: { x: number; y: number }, tablet: Pick<TabletGeometry, 'unitsPerInch'>): { x: number; y: number } {
  const perMm = (tablet.unitsPerInch || DEFAULT_UNITS_PER_INCH) / 25.4;
  return { x: point.x / perMm, y: point.y / perMm };
}

export class StuDriver {
  private readonly options: Required<StuDriverOptions>;
  private opened: StuOpenResult | null = null;
  private prompt: ShownPrompt | null = null;
  private active: ActiveCapture | null = null;
  private clearing: Promise<void> | null = null;

  constructor(
    readonly link: HidLink,
    options: StuDriverOptions = {},
  ) {
    this.options = {
      timeoutMs: options.timeoutMs ?? 1000,
      statusRetries: options.statusRetries ?? 50,
      statusIntervalMs: options.statusIntervalMs ?? 20,
      statusPollEveryBlocks: options.statusPollEveryBlocks ?? 64,
      imageBlockSize: options.imageBlockSize ?? MAX_IMAGE_BLOCK,
    };
    if (this.options.imageBlockSize < 1 || this.options.imageBlockSize > MAX_IMAGE_BLOCK) {
      throw new RangeError(`imageBlockSize must be 1…${MAX_IMAGE_BLOCK}, got ${this.options.imageBlockSize}.`);
    }
  }

  get identity(): DeviceIdentity | null {
    return this.opened?.identity ?? null;
  }

  get capability(): StuCapability | null {
    return this.opened?.capability ?? null;
  }

  get information(): StuInformation | null {
    return this.opened?.information ?? null;
  }

  /** Reads Information, Capability and Uid (Uid2 where Uid is blank): who the pad is and what it can do. */
  async open(): Promise<StuOpenResult> {
    const information = decodeInformation(await this.get(ReportId.Information, ReportSize.Information));
    const capability = decodeCapability(await this.get(ReportId.Capability, ReportSize.Capability));
    const uid = decodeUid(await this.get(ReportId.Uid, ReportSize.Uid));
    let serial: string | null = uid !== 0 ? uid.toString(16).toUpperCase().padStart(8, '0') : null;
    if (serial === null) {
      // Many pads leave Uid 0; the 430/530/540 carry a hardware id in Uid2 (0x0B) [hpp]. Older pads stall the request.
      try {
        serial = decodeUid2(await this.get(ReportId.Uid2, ReportSize.Uid2));
      } catch (error) {
        if (!isDeviceError(error, 'refused')) throw error;
      }
    }
    if (capability.tabletMaxX === 0 || capability.tabletMaxY === 0 || capability.screenWidth === 0 || capability.screenHeight === 0) {
      throw new DeviceError('protocol', `The pad at ${this.link.description} reported an empty tablet or screen in its Capability report (${capability.tabletMaxX}×${capability.tabletMaxY} units, ${capability.screenWidth}×${capability.screenHeight} px).`);
    }
    const identity: DeviceIdentity = {
      family: 'stu',
      make: 'Wacom',
      model: information.modelName || 'STU signature pad',
      serial,
      firmware: firmwareVersion(information),
    };
    this.opened = { identity, information, capability, uid };
    return this.opened;
  }

  async status(): Promise<StuStatus> {
    return decodeStatus(await this.get(ReportId.Status, ReportSize.Status));
  }

  async clearScreen(): Promise<void> {
    await this.waitForStatus([StatusCode.Ready], 'ClearScreen');
    await this.set(commands.clearScreen(), 'ClearScreen');
  }

  async setInkingMode(on: boolean): Promise<void> {
    // InkingMode may be set in any state but SystemReset [help sendTable]: no wait.
    await this.set(commands.inkingMode(on), `InkingMode ${on ? 'on' : 'off'}`);
  }

  async setInkThreshold(on: number, off: number): Promise<void> {
    for (const [name, v] of [
      ['on', on],
      ['off', off],
    ] as const) {
      if (!Number.isInteger(v) || v < 0 || v > MAX_INK_THRESHOLD) throw new RangeError(`Ink ${name} threshold must be 0…${MAX_INK_THRESHOLD}, got ${v}.`);
    }
    await this.waitForStatus([StatusCode.Ready], 'InkThreshold');
    await this.set(commands.inkThreshold({ on, off }), 'InkThreshold');
  }

  async setHandwritingDisplayArea(area: StuRectangle): Promise<void> {
    await this.set(commands.handwritingDisplayArea(area), 'HandwritingDisplayArea');
  }

  /** 0 (dimmest) … 3. The pad keeps it in non-volatile memory: do not set it often [hpp]. */
  async setBacklight(level: number): Promise<void> {
    if (!Number.isInteger(level) || level < 0 || level > 3) throw new RangeError(`Backlight level must be 0…3, got ${level}.`);
    await this.set(commands.backlight(level), 'BacklightBrightness');
  }

  /**
   * Puts a prompt image on the pad's screen: StartImageData, ImageDataBlocks
   * of ≤ 253 bytes, EndImageData — waiting for Ready before the start and
   * for Image before the first block as the SDK's writeImage does
   * ([help] writeImage / writeImageCommon), then for Ready after the end to
   * read the pad's verdict (lastResultCode). `mode` 'auto' picks 24-bit where
   * the Capability flags allow it, else 16-bit, else 1-bit (STU-430).
   */
  async writeImage(image: StuScreenImage, mode: StuImageMode | 'auto' = 'auto'): Promise<ImageWriteStats> {
    const started = performance.now();
    const { capability, information } = this.opened ?? (await this.open());
    if (image.width !== capability.screenWidth || image.height !== capability.screenHeight) {
      throw new RangeError(`The ${information.modelName} screen is ${capability.screenWidth}×${capability.screenHeight}; the image is ${image.width}×${image.height}.`);
    }
    const flags = effectiveEncodingFlag(capability.encodingFlag, information.modelName);
    const chosen = mode === 'auto' ? bestImageMode(flags) : mode;
    if (!supportsImageMode(flags, chosen)) {
      throw new DeviceError('refused', `The ${information.modelName} at ${this.link.description} cannot show ${chosen} images (encoding flags 0x${flags.toString(16).padStart(2, '0')}).`);
    }
    const data = encodeScreenImage(image, chosen);
    const blocks = imageBlocks(data, this.options.imageBlockSize);
    let polls = 0;
    const wait = async (states: number[], before: string) => {
      polls++;
      return this.waitForStatus(states, before);
    };

    await wait([StatusCode.Ready], 'StartImageData');
    await this.set(commands.startImageData(encodingModeFor[chosen]), 'StartImageData');
    let finished = false;
    try {
      const afterStart = await wait([StatusCode.Image, StatusCode.Ready], 'the first ImageDataBlock');
      if (afterStart.statusCode !== StatusCode.Image) throw this.refusedBy('StartImageData', afterStart);
      for (let i = 0; i < blocks.length; i++) {
        await this.set(commands.imageDataBlock(blocks[i] as Uint8Array), `ImageDataBlock ${i + 1} of ${blocks.length}`);
        const every = this.options.statusPollEveryBlocks;
        if (every > 0 && (i + 1) % every === 0 && i + 1 < blocks.length) {
          polls++;
          const s = await this.status();
          if (s.lastResultCode !== ErrorCode.None) throw this.refusedBy(`ImageDataBlock ${i + 1} of ${blocks.length}`, s);
          if (s.statusCode !== StatusCode.Image) throw new DeviceError('refused', `The pad at ${this.link.description} left the Image state (now ${statusName(s.statusCode)}) after ImageDataBlock ${i + 1} of ${blocks.length}.`);
        }
      }
      await this.set(commands.endImageData(EndImageDataFlag.Commit), 'EndImageData');
      finished = true;
    } finally {
      if (!finished && this.link.isOpen) {
        // Leave the pad Ready, not stuck in Image: abandon the transfer ([hpp] EndImageDataFlag_Abandon).
        await this.set(commands.endImageData(EndImageDataFlag.Abandon), 'EndImageData (abandon)').catch(() => undefined);
      }
    }
    // The SDK notes "may require waitForStatus() here": the pad draws, then returns to Ready with its verdict.
    const done = await wait([StatusCode.Ready], 'the image to be drawn');
    if (done.lastResultCode !== ErrorCode.None) throw this.refusedBy('EndImageData', done);
    return { mode: chosen, bytes: data.length, blocks: blocks.length, statusPolls: polls, ms: performance.now() - started };
  }

  /**
   * Draws a prompt (title, lines, signing box, accept / clear / cancel
   * buttons; ./prompt.ts) and limits ink to the signing box with
   * HandwritingDisplayArea (0x2A) so the pen on a button leaves no ink. The
   * image goes in `mode` ('auto': the pad's richest, as writeImage picks).
   * Returns where the box and buttons are, for captureSignature's `buttons`.
   */
  async showPrompt(prompt: PadPrompt, mode: StuImageMode | 'auto' = 'auto'): Promise<PadLayout> {
    const { capability } = this.opened ?? (await this.open());
    const { image, layout } = await renderPrompt(prompt, { width: capability.screenWidth, height: capability.screenHeight });
    const stats = await this.writeImage(image, mode);
    await this.setHandwritingDisplayArea(layout.box);
    this.prompt = { image, mode: stats.mode, layout };
    return layout;
  }

  /** The prompt shown by showPrompt, or null. */
  get shownPrompt(): PadLayout | null {
    return this.prompt?.layout ?? null;
  }

  /** Takes the prompt down: ink allowed on the whole screen again, the screen blank (nothing of the last signer left on it). */
  async hidePrompt(): Promise<void> {
    const capability = this.opened?.capability;
    this.prompt = null;
    if (capability) await this.setHandwritingDisplayArea({ left: 0, top: 0, right: capability.screenWidth - 1, bottom: capability.screenHeight - 1 });
    await this.clearScreen();
  }

  /**
   * Wipes the ink: during a capture its samples so far are dropped at once
   * (and `onCleared` called), the screen is cleared (ClearScreen 0x20, quick
   * even where the redraw is slow) and the prompt, if any, drawn again;
   * pen reports that arrive meanwhile are not kept (the pad shows their ink
   * under an image about to replace it). Calls made while one runs share it.
   */
  clearInk(): Promise<void> {
    if (this.clearing !== null) return this.clearing;
    const active = this.active;
    active?.pause();
    const run = async () => {
      try {
        await this.clearScreen();
        if (this.prompt !== null) await this.writeImage(this.prompt.image, this.prompt.mode);
      } finally {
        active?.resume();
      }
    };
    this.clearing = run().finally(() => {
      this.clearing = null;
    });
    return this.clearing;
  }

  /**
   * Collects pen reports until the signature is done (`until`, or `idleMs`
   * after the last ink), the caller aborts ('cancelled'), `timeoutMs` passes
   * ('timeout'), the pad goes away ('disconnected') or sends something that is
   * not an STU report ('protocol'). Switches on PenDataOptionMode 3 so the pad
   * stamps each report with its own 1 ms time count, and inking so the signer
   * sees ink.
   */
  async captureSignature(options: CaptureOptions = {}): Promise<RawSignatureCapture> {
    const timeoutMs = options.timeoutMs ?? 120_000;
    const idleMs = options.idleMs ?? (options.until === undefined ? 2000 : 0);
    const opened = this.opened ?? (await this.open());
    const { capability } = opened;
    if (options.signal?.aborted) throw this.cancelled();
    await this.waitForStatus([StatusCode.Ready], 'a signature capture');

    let deviceTime = false;
    if (options.deviceTime !== false) {
      try {
        await this.set(commands.penDataOptionMode(PenDataOptionMode.TimeCountSequence), 'PenDataOptionMode');
        deviceTime = decodePenDataOptionMode(await this.get(ReportId.PenDataOptionMode, ReportSize.PenDataOptionMode)) === PenDataOptionMode.TimeCountSequence;
      } catch (error) {
        // Pads before the 430 do not have report 0x34 and stall the request: fall back to host time.
        if (!isDeviceError(error, 'refused')) throw error;
      }
    }

    const samples: PenSample[] = [];
    let timeSource: 'device' | 'host' = deviceTime ? 'device' : 'host';
    const hostStart = performance.now();
    let firstTime: number | null = null;
    const clock = { last: 0, offset: 0 };
    let seq = { last: 0, offset: 0, seen: false };
    let inked = false;
    let lastInkAt = 0;
    const geometry: TabletGeometry = { maxX: capability.tabletMaxX, maxY: capability.tabletMaxY, maxPressure: capability.tabletMaxPressure, unitsPerInch: capability.resolution || DEFAULT_UNITS_PER_INCH };
    /** The pen-down run in progress: on a button (a press if it lifts there), ink, or none. */
    let run: { button: PadButton; inside: boolean } | 'ink' | null = null;
    let paused = false;
    let hostStartAt = hostStart;
    const active: ActiveCapture = {
      pause: () => {
        paused = true;
        samples.length = 0;
        firstTime = null;
        inked = false;
        run = null;
        try {
          options.onCleared?.();
        } catch {
          // The listener's failure is not the pad's.
        }
      },
      resume: () => {
        paused = false;
        hostStartAt = performance.now();
      },
    };

    const unwrap = (state: { last: number; offset: number }, value: number) => {
      if (value < state.last && state.last - value > 0x8000) state.offset += 0x10000;
      state.last = value;
      return value + state.offset;
    };

    let settle!: (result: { ok: true } | { ok: false; error: DeviceError }) => void;
    const outcome = new Promise<{ ok: true } | { ok: false; error: DeviceError }>((resolve) => (settle = resolve));
    let done = false;
    const finish = (result: { ok: true } | { ok: false; error: DeviceError }) => {
      if (done) return;
      done = true;
      settle(result);
    };

    const offInput = this.link.onInputReport((report) => {
      if (done) return;
      let decoded;
      try {
        decoded = decodeInputReport(report);
      } catch (error) {
        const e = error as DeviceError;
        return finish({ ok: false, error: new DeviceError('protocol', `${e.message.replace(/\.$/, '')} — from ${this.link.description} during a signature capture (after ${samples.length} samples).`) });
      }
      if (decoded.kind !== 'pen' || paused) return;
      const pen = decoded.pen;
      if (options.buttons !== undefined) {
        const down = pen.rdy && pen.sw !== 0;
        const at = tabletToScreen(pen, capability);
        if (down) {
          if (run === null) {
            const button = buttonAt(options.buttons.layout, at);
            run = button !== null ? { button, inside: true } : 'ink';
          } else if (run !== 'ink' && buttonAt(options.buttons.layout, at) !== run.button) {
            run.inside = false;
          }
          if (run !== 'ink') return;
        } else if (run !== null) {
          const press = run;
          run = null;
          if (press !== 'ink') {
            // The lift ends a tap: not part of the signature either.
            if (press.inside && (!pen.rdy || buttonAt(options.buttons.layout, at) === press.button)) {
              try {
                options.buttons.onPress(press.button);
              } catch {
                // As for onSample.
              }
            }
            return;
          }
        }
      }
      // The first pen report decides the clock: the pad's 1 ms time count (0x34) where it sends one, else ours.
      if (samples.length === 0) timeSource = decoded.timeCount !== null ? 'device' : 'host';
      let t: number;
      if (timeSource === 'device' && decoded.timeCount !== null) {
        const unwrapped = unwrap(clock, decoded.timeCount);
        firstTime ??= unwrapped;
        t = unwrapped - firstTime;
      } else {
        t = performance.now() - hostStartAt;
      }
      let sequence: number | null = null;
      if (decoded.sequence !== null) {
        if (!seq.seen) seq = { last: decoded.sequence, offset: 0, seen: true };
        sequence = unwrap(seq, decoded.sequence);
      }
      const sample: PenSample = { t, sequence, rdy: decoded.pen.rdy, sw: decoded.pen.sw, pressure: decoded.pen.pressure, x: decoded.pen.x, y: decoded.pen.y };
      samples.push(sample);
      if (options.onSample) {
        try {
          options.onSample(sample, geometry);
        } catch {
          // A slow or broken listener must not lose the signature.
        }
      }
      if (sample.sw !== 0) {
        inked = true;
        lastInkAt = performance.now();
      }
      if (typeof options.until === 'function') {
        let stop = false;
        try {
          stop = options.until(sample, samples);
        } catch {
          stop = false;
        }
        if (stop) finish({ ok: true });
      }
    });
    const offClose = this.link.onClose((error) => {
      finish({ ok: false, error: new DeviceError('disconnected', `The pad at ${this.link.description} went away during a signature capture after ${samples.length} samples${error ? ` (${error.message})` : ''}.`) });
    });
    const onAbort = () => finish({ ok: false, error: this.cancelled(samples.length) });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // An abort during the set-up above fired before the listener existed.
    if (options.signal?.aborted) onAbort();
    if (options.until !== undefined && typeof options.until !== 'function') {
      Promise.resolve(options.until).then(
        () => finish({ ok: true }),
        () => finish({ ok: false, error: this.cancelled(samples.length) }),
      );
    }
    const overall = setTimeout(() => {
      finish({ ok: false, error: new DeviceError('timeout', `No finished signature from the pad at ${this.link.description} within ${timeoutMs} ms (${samples.length} pen reports arrived).`) });
    }, timeoutMs);
    const idleTimer =
      idleMs > 0
        ? setInterval(
            () => {
              const last = samples[samples.length - 1];
              if (inked && (last === undefined || last.sw === 0 || !last.rdy) && performance.now() - lastInkAt >= idleMs) finish({ ok: true });
            },
            Math.max(5, Math.min(100, idleMs / 4)),
          )
        : null;

    let inkingOn = false;
    let exchangeFailed = false;
    this.active = active;
    try {
      if (!done) {
        await this.set(commands.inkingMode(true), 'InkingMode on');
        inkingOn = true;
        try {
          if (!done) options.onStarted?.();
        } catch {
          // Only a hint to whoever waits to write.
        }
      }
    } catch (error) {
      exchangeFailed = true;
      finish({ ok: false, error: error as DeviceError });
    }

    const result = await outcome;
    if (this.active === active) this.active = null;
    // A clear still redrawing the prompt finishes before the pad is told anything else.
    await this.clearing?.catch(() => undefined);
    clearTimeout(overall);
    if (idleTimer) clearInterval(idleTimer);
    offInput();
    offClose();
    options.signal?.removeEventListener('abort', onAbort);

    // Switch inking off again unless the pad is gone or has stopped answering (that would only add another timeout).
    if (inkingOn && options.inkingOffAfter !== false && !exchangeFailed && this.link.isOpen && (result.ok || result.error.code !== 'disconnected')) {
      await this.set(commands.inkingMode(false), 'InkingMode off').catch(() => undefined);
    }
    if (!result.ok) throw result.error;
    return {
      kind: 'signature',
      device: opened.identity,
      samples,
      tablet: geometry,
      screen: { width: capability.screenWidth, height: capability.screenHeight },
      timeSource,
      capturedAt: new Date().toISOString(),
    };
  }

  /** Nothing to release but listeners, which each call removes itself; the link is the caller's to close. */
  close(): void {
    this.opened = null;
    this.prompt = null;
  }

  // -------------------------------------------------------------------------

  private cancelled(samples?: number): DeviceError {
    return new DeviceError('cancelled', `The signature capture on ${this.link.description} was cancelled${samples !== undefined ? ` after ${samples} pen reports` : ''}.`);
  }

  private refusedBy(what: string, status: StuStatus): DeviceError {
    if (status.lastResultCode === ErrorCode.None) {
      return new DeviceError('refused', `The pad at ${this.link.description} did not take ${what} (it stayed ${statusName(status.statusCode)}).`);
    }
    return new DeviceError('refused', `The pad at ${this.link.description} refused ${what}: ${errorCodeMeaning(status.lastResultCode)} (result 0x${status.lastResultCode.toString(16).padStart(2, '0')}).`, status.lastResultCode);
  }

  /**
   * Polls Status until the pad is in one of `states` ([help] waitForStatusToSend).
   * A pad that stays elsewhere (image, calculating, ROM busy, resetting) is 'busy'.
   */
  private async waitForStatus(states: number[], before: string): Promise<StuStatus> {
    let status = await this.status();
    for (let attempt = 0; !states.includes(status.statusCode); attempt++) {
      if (attempt >= this.options.statusRetries) {
        throw new DeviceError('busy', `The pad at ${this.link.description} stayed busy (status ${statusName(status.statusCode)}) through ${attempt + 1} status polls before ${before}.`, status.statusCode);
      }
      await sleep(this.options.statusIntervalMs);
      status = await this.status();
    }
    return status;
  }

  private async get(reportId: number, size: number): Promise<Buffer> {
    const what = `${reportName(reportId)} (GET_FEATURE 0x${reportId.toString(16).padStart(2, '0')})`;
    const reply = await this.bounded(what, () => this.link.getFeatureReport(reportId, size));
    // Decoders check the id and length; say where it came from.
    if (reply.length !== size || reply[0] !== reportId) {
      throw new DeviceError(
        'protocol',
        reply.length === 0 || reply[0] !== reportId
          ? `The pad at ${this.link.description} answered ${what} with report 0x${(reply[0] ?? 0).toString(16).padStart(2, '0')} (${reply.length} bytes), which is not the report asked for.`
          : `The pad at ${this.link.description} answered ${what} with ${reply.length} bytes; the report is ${size}.`,
      );
    }
    return reply;
  }

  private async set(data: Buffer, what: string): Promise<void> {
    await this.bounded(`${what} (SET_FEATURE 0x${(data[0] ?? 0).toString(16).padStart(2, '0')})`, () => this.link.sendFeatureReport(data));
  }

  /** Every exchange is bounded here as well as in the link, and every failure is a DeviceError naming the exchange. */
  private bounded<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (!this.link.isOpen) return Promise.reject(new DeviceError('disconnected', `The pad at ${this.link.description} is not connected (tried ${what}).`));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DeviceError('timeout', `No answer from ${this.link.description} to ${what} within ${this.options.timeoutMs} ms.`)), this.options.timeoutMs);
      run().then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (isDeviceError(error)) reject(new DeviceError(error.code, `${error.message.replace(/\.$/, '')} — ${what}.`, error.deviceCode));
          else reject(new DeviceError('disconnected', `${what} on ${this.link.description} failed: ${(error as Error)?.message ?? String(error)}.`));
        },
      );
    });
  }
}
