/**
 * Wacom STU-430/530/540 signature pads over USB HID (devices.md §3). The pad
 * reports its serial as the Uid report, so approvals match on make + model +
 * serial. Found by HID enumeration (vendor 0x056A and the pad's reports, not
 * a fixed product id: sources disagree on those).
 */
import type { RawSignatureCapture } from '../../../drivers/capture.js';
import type { PadButton } from '../../../drivers/wacom-stu/layout.js';
import { DeviceError } from '../../../drivers/errors.js';
import { listHidDevices, openHidLink } from '../../../drivers/transport/hid-link.js';
import { discoverStuPads } from '../../../drivers/wacom-stu/discovery.js';
import { StuDriver } from '../../../drivers/wacom-stu/driver.js';
import { renderSignature } from '../../../drivers/wacom-stu/render.js';
import { greyToPngBase64 } from '../png.js';
import type { CaptureRequest, FamilyAdapter } from '../adapter.js';

/** Longest wait for one feature-report answer: the pad answers in milliseconds, the desk PC may be slow to schedule us (as for the serial modules). */
const ANSWER_TIMEOUT_MS = 2000;
/** A signature takes a few seconds; a technician's check should not wait for ever if nobody signs. */
const CAPTURE_TIMEOUT_MS = 30_000;
/** The pen off the surface this long ends the test signature (the real flow ends on "accept"). */
const IDLE_END_MS = 1200;
/** The rendered test signature's resolution: enough to see the strokes on screen. */
const RENDER_PPI = 150;
/**
 * A prompted capture (consent, signature) ends on accept or cancel, not on a
 * pause of the pen; this bounds one whose applicant walked away. Long enough
 * to read a consent line and sign twice.
 */
const PAD_CAPTURE_TIMEOUT_MS = 5 * 60_000;

export const stuAdapter: FamilyAdapter<RawSignatureCapture> = {
  family: 'stu',
  kind: 'signature',
  aliases: ['wacom-stu', 'stu-430', 'stu-530', 'stu-540'],
  label: { make: 'Wacom', model: 'STU signature pad' },
  reportsSerial: true,
  discover: () => discoverStuPads(),
  async present(address) {
    return (await listHidDevices()).some((d) => d.path === address);
  },
  async open(address, options) {
    const link = options.simulator ? options.simulator.openHid() : await openHidLink(address, ANSWER_TIMEOUT_MS);
    const driver = new StuDriver(link, { timeoutMs: ANSWER_TIMEOUT_MS });
    let closing = false;
    const close = async () => {
      closing = true;
      driver.close();
      await link.close().catch(() => undefined);
    };
    let opened;
    try {
      opened = await driver.open();
      await driver.clearScreen();
    } catch (error) {
      await close();
      throw error;
    }
    const sign = async (signal: AbortSignal) => {
      options.simulatePresentation?.();
      return driver.captureSignature({ timeoutMs: CAPTURE_TIMEOUT_MS, idleMs: IDLE_END_MS, signal });
    };

    /**
     * The enrolment's capture: the prompt on the pad, every sample handed on
     * as it arrives, and accept / clear / cancel from the pad's own buttons
     * or the screen's (request.pad.control) with the same effect. Resolves on
     * accept; 'cancelled' on cancel or abort; the pad is left blank with ink
     * allowed everywhere again (no trace of this signer for the next).
     */
    const padCapture = async (signal: AbortSignal, pad: NonNullable<CaptureRequest['pad']>) => {
      let finished = false;
      let accept!: () => void;
      const accepted = new Promise<void>((resolve) => (accept = resolve));
      const cancel = new AbortController();
      const onAbort = () => cancel.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) cancel.abort();
      let capturing = false;
      const clear = () => {
        if (finished) return;
        // Before the capture listens there is no ink to wipe; the screen hears it anyway.
        if (!capturing) return pad.onCleared();
        driver.clearInk().catch(() => undefined);
      };
      const act: Record<PadButton, () => void> = {
        accept: () => {
          if (!finished) accept();
        },
        clear,
        cancel: () => {
          if (!finished) cancel.abort();
        },
      };
      pad.control.onAccept(act.accept);
      pad.control.onClear(act.clear);
      pad.control.onCancel(act.cancel);
      try {
        if (cancel.signal.aborted) throw new DeviceError('cancelled', `The signature capture on ${link.description} was cancelled before the prompt was drawn.`);
        // 1-bit: black text and buttons need no colour, and a 24-bit screen on an STU-540 is ~4 500
        // HID blocks (seconds per prompt and per clear) against ~190 in 1-bit (devices.md §3, image modes).
        const layout = await driver.showPrompt(pad.prompt, '1bit');
        capturing = true;
        return await driver.captureSignature({
          timeoutMs: PAD_CAPTURE_TIMEOUT_MS,
          until: accepted,
          idleMs: 0,
          signal: cancel.signal,
          onSample: (sample, geometry) => pad.onSample(sample, geometry),
          onCleared: () => pad.onCleared(),
          buttons: { layout, onPress: (button) => act[button]() },
          onStarted: () => options.simulatePresentation?.(),
        });
      } finally {
        finished = true;
        signal.removeEventListener('abort', onAbort);
        if (link.isOpen) await driver.hidePrompt().catch(() => undefined);
      }
    };
    return {
      identity: opened.identity,
      capture: (signal, request) => (request?.pad ? padCapture(signal, request.pad) : sign(signal)),
      async testCapture(signal) {
        const started = performance.now();
        const raw = await sign(signal);
        if (raw.samples.every((s) => s.sw === 0)) throw new DeviceError('refused', `No ink reached the station from the pad at ${link.description}: the pen never touched the screen.`);
        const { image } = renderSignature(raw.samples, raw.tablet, { ppi: RENDER_PPI, area: 'ink' });
        await driver.clearScreen().catch(() => undefined);
        return { kind: 'signature', png: await greyToPngBase64(image), width: image.width, height: image.height, ppi: image.ppi, ms: Math.round(performance.now() - started) };
      },
      onDisconnect(listener) {
        return link.onClose((error) => {
          if (!closing) listener(new DeviceError('disconnected', `The signature pad at ${link.description} went away (${(error ?? new Error('the link closed')).message}).`));
        });
      },
      close,
    };
  },
};
