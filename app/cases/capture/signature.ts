/**
 * The signature pad in the enrolment (consent confirmation and the
 * applicant's signature): the prompt on the pad, the ink on the screen as it
 * is written, accept / clear / cancel from the pad's buttons or the screen's,
 * and the result — pen samples, a black-on-white PNG, the quality verdict and
 * the device it came from.
 *
 * Ink: each pen sample becomes an InkPoint (x, y as shares 0…1 of the pad's
 * signing box — drivers/wacom-stu/layout.ts, the handwriting area the pad
 * inks — pressure 0…1, down, t in ms). Points go out in batches, at most one
 * per INK_BATCH_MS, a point at once when the last batch left at least that
 * long ago: a point waits at most INK_BATCH_MS here (bench/ink-latency.bench.ts).
 *
 * Failures settle `result`: a DeviceError from the pad (cancelled on cancel,
 * disconnected when it is unplugged…), ContractError 'case.no_device' when no
 * ready, approved pad is there, 'device.unknown' for an unknown id.
 */
import type { PenSample, TabletGeometry } from '../../../drivers/capture.js';
import { DeviceError } from '../../../drivers/errors.js';
import { boxInTablet, toBoxFraction } from '../../../drivers/wacom-stu/layout.js';
import { renderSignature } from '../../../drivers/wacom-stu/render.js';
import type { RawSignatureCapture } from '../../../drivers/capture.js';
import type { InkPoint } from '../../contract/cases.js';
import type { PadControl } from '../../devices/adapter.js';
import { assess } from '../../quality/assess.js';
import { greyPng } from './png.js';
import { captureDeviceOf, selectDevice } from './select.js';
import type { CaptureDeps, PadCapture, PadCaptureOptions, PadCaptureResult } from './types.js';

/**
 * The shortest gap between two ink batches. The screen paints at most once per
 * frame whatever the number of batches (InkCanvas queues them for the next
 * animation frame), so this window only bounds the event rate (≤ 250 a second)
 * and adds its wait to every report it holds back. 4 ms is under the STU pads'
 * 5 ms report period (200 reports a second, shared/reference/devices.md), so
 * while the pen writes each report leaves as it arrives; reports that come
 * bunched (after a stall of the event loop or of the USB stack) go in one batch.
 * It was 16 ms (one batch per 60 Hz frame): that held the first report of
 * nearly every batch back 11–16 ms, most of the p50 from pen to screen.
 */
export const INK_BATCH_MS = 4;
/** The packet's signature image: 300 ppi, cropped to the ink with a 3 mm margin (render.ts defaults). */
const SIGNATURE_PPI = 300;

type InkBatch = Parameters<PadCaptureOptions['onInk']>[0];

/** A PadControl whose listeners the on-screen buttons fire; an accept before anyone listens is kept for them. */
function screenControl(): PadControl & { fire(action: 'accept' | 'clear' | 'cancel'): void; close(): void } {
  const listeners = { accept: [] as (() => void)[], clear: [] as (() => void)[], cancel: [] as (() => void)[] };
  let acceptedEarly = false;
  let closed = false;
  return {
    onAccept(listener) {
      listeners.accept.push(listener);
      if (acceptedEarly) listener();
    },
    onClear(listener) {
      listeners.clear.push(listener);
    },
    onCancel(listener) {
      listeners.cancel.push(listener);
    },
    fire(action) {
      if (closed) return;
      if (action === 'accept' && listeners.accept.length === 0) acceptedEarly = true;
      for (const listener of [...listeners[action]]) listener();
    },
    close() {
      closed = true;
    },
  };
}

/** Batches ink points for the screen: the first at once, then at most one batch per INK_BATCH_MS. */
export function inkBatcher(emit: (batch: InkBatch) => void, batchMs = INK_BATCH_MS) {
  let seq = 0;
  let lastAt = -Infinity;
  let timer: NodeJS.Timeout | null = null;
  const pending: InkPoint[] = [];
  const send = (batch: InkBatch) => {
    try {
      emit(batch);
    } catch {
      // The screen's trouble must not end the signature.
    }
  };
  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return;
    lastAt = performance.now();
    send({ seq: seq++, clear: false, points: pending.splice(0) });
  };
  // libuv times timers from the loop's cached clock, so one may fire a millisecond or two early by
  // performance.now(); with a window of a few ms that matters: wait out the rest of the window.
  const onTimer = () => {
    timer = null;
    const wait = lastAt + batchMs - performance.now();
    if (wait > 0.25) timer = setTimeout(onTimer, wait);
    else flush();
  };
  return {
    push(point: InkPoint) {
      pending.push(point);
      if (timer !== null) return;
      const wait = lastAt + batchMs - performance.now();
      if (wait <= 0) flush();
      else timer = setTimeout(onTimer, wait);
    },
    clear() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      pending.length = 0;
      lastAt = -Infinity;
      send({ seq: seq++, clear: true, points: [] });
    },
    flush,
    stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      pending.length = 0;
    },
  };
}

/** A pen sample as the screen draws it. */
export function toInkPoint(sample: PenSample, geometry: TabletGeometry): InkPoint {
  const { x, y } = toBoxFraction(sample, geometry);
  return { x, y, p: geometry.maxPressure > 0 ? Math.min(1, sample.pressure / geometry.maxPressure) : 0, down: sample.rdy && sample.sw !== 0, t: sample.t };
}

export function startPadCapture(deps: CaptureDeps, options: PadCaptureOptions): PadCapture {
  const control = screenControl();
  const cancelled = new AbortController();
  const onOuterAbort = () => cancelled.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) cancelled.abort();
  const ink = inkBatcher((batch) => options.onInk(batch));

  const run = async (): Promise<PadCaptureResult> => {
    const view = await selectDevice(deps.devices, 'signature', options.deviceId);
    if (view.kind !== 'signature') throw new DeviceError('not_found', `${view.make} ${view.model} (${view.id}) is a ${view.kind} device, not a signature pad.`);
    const raw = (await deps.devices.capture(view.id, cancelled.signal, {
      pad: {
        prompt: options.prompt,
        onSample: (sample, geometry) => ink.push(toInkPoint(sample, geometry)),
        control,
        onCleared: () => ink.clear(),
      },
    })) as RawSignatureCapture;
    if (raw.kind !== 'signature') throw new DeviceError('protocol', `${view.make} ${view.model} (${view.id}) answered a signature capture with a ${String(raw.kind)} capture.`);
    // Everything written reaches the screen before the result does.
    ink.flush();
    const { image } = renderSignature(raw.samples, raw.tablet, { ppi: SIGNATURE_PPI, area: 'ink' });
    // The signer had the signing box, not the whole pad: the quality's size checks are shares of the box.
    const box = boxInTablet(raw.tablet);
    const quality = assess('signature', { samples: raw.samples, pad: { maxX: box.right - box.left, maxY: box.bottom - box.top, maxPressure: raw.tablet.maxPressure } }, { config: deps.quality });
    return {
      samples: raw.samples,
      tablet: raw.tablet,
      png: await greyPng(image),
      width: image.width,
      height: image.height,
      quality,
      device: { ...captureDeviceOf(view), make: raw.device.make, model: raw.device.model, serial: raw.device.serial, firmware: raw.device.firmware },
      capturedAt: deps.now(),
    };
  };

  const result = run().finally(() => {
    ink.stop();
    control.close();
    options.signal?.removeEventListener('abort', onOuterAbort);
  });
  // The caller may look at `result` only later; an early failure must not be an unhandled rejection meanwhile.
  result.catch(() => undefined);
  return {
    accept: () => control.fire('accept'),
    clear: () => control.fire('clear'),
    cancel: () => {
      control.fire('cancel');
      cancelled.abort();
    },
    result,
  };
}
