/**
 * One fingerprint capture for a case: the reader (named, or the first ready
 * and approved), one finger through the device manager with the preview
 * forwarded, the quality stage (app/quality/assess.ts, NFIQ 2-based unified
 * score against the station's threshold), and a PNG for the screen.
 *
 * Preview: the phases always (waiting → reading → assessing → done, or
 * failed); frames where the reader streams them (the SBI family's STREAM,
 * e.g. the simulated slap scanner: ~15 frames a second while the finger
 * settles). Serial modules (EF01, GT-5xx) send phases only: one image takes
 * seconds at serial speed. Each frame is sent as a small PNG; a frame that
 * arrives while the previous one is still being encoded replaces it (the
 * screen wants the newest, not every one).
 */
import { assess } from '../../quality/assess.js';
import type { GreyImage } from '../../../drivers/capture.js';
import type { PreviewFrame } from '../../devices/adapter.js';
import { greyPng } from './png.js';
import { captureDeviceOf, selectDevice } from './select.js';
import type { CaptureDeps, FingerCaptureOptions, FingerCaptureResult } from './types.js';

type Preview = Parameters<NonNullable<FingerCaptureOptions['onPreview']>>[0];

/** Preview PNGs are written fast rather than small: they live for a frame. */
const PREVIEW_PNG_COMPRESSION = 1;

export async function captureFinger(deps: CaptureDeps, options: FingerCaptureOptions): Promise<FingerCaptureResult> {
  if (!Number.isInteger(options.position) || options.position < 1 || options.position > 10) {
    throw new RangeError(`A finger position is 1–10 (ISO/IEC 19794-4), got ${String(options.position)}.`);
  }
  const view = await selectDevice(deps.devices, 'fingerprint', options.deviceId);
  const preview = previewSender(options.onPreview);
  let raw;
  try {
    raw = await deps.devices.captureFingerprint(view.id, options.signal, { finger: { position: options.position }, onPreview: (frame) => preview.push(frame) });
  } catch (error) {
    await preview.settle();
    preview.phase('failed');
    throw error;
  }
  await preview.settle();
  preview.phase('assessing');
  const quality = assess('finger', raw.image, { config: deps.quality });
  const png = await greyPng(raw.image);
  preview.done({ png, width: raw.image.width, height: raw.image.height });
  return { image: raw.image, png, quality, device: captureDeviceOf(deps.devices.get(view.id)), capturedAt: deps.now() };
}

/** Numbers the preview events, encodes frames in order and keeps only the newest one waiting (the slap capture uses it too). */
export function previewSender(onPreview: FingerCaptureOptions['onPreview']) {
  let seq = 0;
  let lastPhase: Preview['phase'] = 'waiting';
  let pending: { phase: Preview['phase']; image: GreyImage } | null = null;
  let encoding: Promise<void> | null = null;
  const send = (event: Omit<Preview, 'seq'>) => {
    if (!onPreview) return;
    try {
      onPreview({ seq: seq++, ...event });
    } catch {
      // A listener that fails must not fail the capture.
    }
  };
  const pump = async () => {
    while (pending !== null) {
      const next = pending;
      pending = null;
      try {
        const png = await greyPng(next.image, PREVIEW_PNG_COMPRESSION);
        send({ phase: next.phase, frame: { png, width: next.image.width, height: next.image.height } });
      } catch {
        // An undecodable frame is skipped; the next one may be fine.
      }
    }
    encoding = null;
  };
  return {
    push(frame: PreviewFrame) {
      if (!onPreview) return;
      lastPhase = frame.phase;
      if (frame.image === null) {
        // A phase change goes out after the frames before it.
        if (encoding === null) send({ phase: frame.phase, frame: null });
        else void encoding.then(() => send({ phase: frame.phase, frame: null }));
        return;
      }
      pending = { phase: frame.phase, image: frame.image };
      encoding ??= pump();
    },
    phase(phase: Preview['phase']) {
      if (phase !== lastPhase || phase === 'failed') send({ phase, frame: null });
      lastPhase = phase;
    },
    done(frame: NonNullable<Preview['frame']>) {
      lastPhase = 'done';
      send({ phase: 'done', frame });
    },
    async settle() {
      pending = null;
      while (encoding !== null) await encoding;
    },
  };
}
