/**
 * Biometric devices that ship a MOSIP SBI 0.9.5 device service on 127.0.0.1
 * (devices.md §5): found by scanning ports 4501–4600 with MOSIPDISC, opened
 * with MOSIPDINFO (make, model and serial from the digital ID), captured with
 * RCAPTURE. The hash chain is checked by the client and a broken one refused;
 * device signatures are checked only against keys the station trusts (none
 * configured yet: signatureVerified stays false, and says so).
 *
 * A flow capture of one finger (CaptureRequest.finger) asks RCAPTURE for that
 * finger alone from the slap that holds it; a slap capture (CaptureRequest.slap)
 * asks for the whole slap (deviceSubId 1, 2 or 3) with the exceptions listed in
 * bio.exception, or for only some of its fingers (bio.bioSubType, a retry of
 * those that failed). With a preview listener it runs STREAM on the same slap
 * meanwhile and forwards every frame (JPEG → grey).
 */
import sharp from 'sharp';
import type { GreyImage, RawSlapCapture } from '../../../drivers/capture.js';
import { DeviceError } from '../../../drivers/errors.js';
import { SbiClient, discoverSbiServices, sbiCaptureToRaw } from '../../../drivers/sbi/driver.js';
import { sbiFingerPosition, sbiSlapFingers, type SbiFingerSubType } from '../../../drivers/sbi/protocol.js';
import type { CaptureRequest, FamilyAdapter, PreviewFrame } from '../adapter.js';
import { greyToPngBase64 } from '../png.js';

/** The device's own capture timeout sent in RCAPTURE: time for a person to place four fingers. */
const CAPTURE_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 5_000;
/** deviceSubId 1 = left slap (SBI 0.9.5 "bio.deviceSubId"). */
const LEFT_SLAP = 1;
/** How long the flow waits for the first STREAM frame before it asks for the capture anyway (a device may not stream). */
const FIRST_FRAME_WAIT_MS = 1500;
/** The preview JPEGs are the slap at half the capture resolution (ours: the simulator's; real devices vary). */
const PREVIEW_PPI = 250;

/** The slap (deviceSubId) and bioSubType that hold an ISO/IEC 19794-4 finger position. */
export function sbiFingerFor(position: number): { deviceSubId: 1 | 2 | 3; bioSubType: SbiFingerSubType } | null {
  const entry = (Object.entries(sbiFingerPosition) as [SbiFingerSubType, number][]).find(([, p]) => p === position);
  if (entry === undefined) return null;
  const bioSubType = entry[0];
  const deviceSubId = (([1, 2, 3] as const).find((id) => sbiSlapFingers[id].includes(bioSubType)) ?? LEFT_SLAP) as 1 | 2 | 3;
  return { deviceSubId, bioSubType };
}

/** SBI 0.9.5 bio.deviceSubId of each slap (devices.md §5: 1 left slap, 2 right slap, 3 thumbs). */
export const sbiSlapSubId = { left: 1, right: 2, thumbs: 3 } as const;

/** bioSubType for an ISO/IEC 19794-4 position, or null. */
function subTypeOf(position: number): SbiFingerSubType | null {
  return (Object.entries(sbiFingerPosition) as [SbiFingerSubType, number][]).find(([, p]) => p === position)?.[0] ?? null;
}

/**
 * What RCAPTURE is asked for a slap: the slap's deviceSubId, the exceptions
 * (as bioSubTypes of this slap), and the fingers wanted in the slap's order —
 * all but the exceptions, or the `positions` given. A position outside the
 * slap, or one both wanted and an exception, is refused before the device is
 * touched; so is a slap with nothing left to capture.
 */
export function sbiSlapRequest(slap: NonNullable<CaptureRequest['slap']>): { deviceSubId: 1 | 2 | 3; wanted: SbiFingerSubType[]; exception: SbiFingerSubType[]; subset: boolean } {
  const deviceSubId = sbiSlapSubId[slap.slap];
  const fingers = sbiSlapFingers[deviceSubId];
  const name = (positions: readonly number[], what: string) =>
    positions.map((p) => {
      const sub = subTypeOf(p);
      if (sub === null || !fingers.includes(sub)) throw new DeviceError('refused', `Finger position ${p} (${what}) is not in the ${slap.slap} slap (${fingers.join(', ')}).`);
      return sub;
    });
  const exception = name([...new Set(slap.exceptions ?? [])], 'an exception');
  const asked = slap.positions === undefined ? null : name([...new Set(slap.positions)], 'asked for');
  const both = asked?.filter((f) => exception.includes(f)) ?? [];
  if (both.length > 0) throw new DeviceError('refused', `${both.join(', ')} was asked for and is also an exception; a finger is one or the other.`);
  const wanted = fingers.filter((f) => !exception.includes(f) && (asked === null || asked.includes(f)));
  if (wanted.length === 0) throw new DeviceError('refused', `Every finger of the ${slap.slap} slap is an exception: there is nothing to capture.`);
  return { deviceSubId, wanted, exception, subset: asked !== null && wanted.length < fingers.length - exception.length };
}

async function jpegToGrey(jpeg: Buffer): Promise<GreyImage> {
  const { data, info } = await sharp(jpeg).greyscale().raw().toBuffer({ resolveWithObject: true });
  const pixels = info.channels === 1 ? new Uint8Array(data) : Uint8Array.from({ length: info.width * info.height }, (_, i) => data[i * info.channels] ?? 0);
  return { width: info.width, height: info.height, ppi: PREVIEW_PPI, pixels };
}

export const sbiAdapter: FamilyAdapter<RawSlapCapture> = {
  family: 'sbi',
  kind: 'fingerprint',
  aliases: ['mosip-sbi'],
  label: { make: 'SBI', model: 'biometric device service' },
  reportsSerial: true,
  slaps: true,
  discover: (signal) => discoverSbiServices({ signal, timeoutMs: 1000 }),
  async present(address) {
    return (await new SbiClient(address, { timeoutMs: 2000 }).discover()).length > 0;
  },
  async open(address, options) {
    const base = options.simulator ? await options.simulator.url() : address;
    const client = new SbiClient(base, { timeoutMs: REQUEST_TIMEOUT_MS });
    const finger = (await client.discover()).find((d) => d.deviceStatus !== 'Not Registered');
    if (finger === undefined) throw new DeviceError('not_found', `The SBI service at ${base} lists no registered finger device.`);
    const info = (await client.info()).find((i) => String(i.deviceInfo.deviceId) === String(finger.deviceId)) ?? (await client.info())[0];
    const digital = info?.digitalId ?? null;
    const identity = { family: 'sbi', make: digital?.make ?? 'unknown', model: digital?.model ?? 'unknown', serial: digital?.serialNo ?? null, firmware: info?.deviceInfo.firmware ?? null };
    const deviceId = String(finger.deviceId);

    const slapCapture = async (signal: AbortSignal, request: NonNullable<CaptureRequest['slap']>, onPreview?: CaptureRequest['onPreview']): Promise<RawSlapCapture> => {
      const { deviceSubId, wanted, exception, subset } = sbiSlapRequest(request);
      const positions = wanted.map((f) => sbiFingerPosition[f]);
      options.simulatePresentation?.({ position: positions[0] as number, positions });
      const preview = onPreview ? startPreview(client, deviceId, deviceSubId, onPreview, signal) : null;
      try {
        if (preview) await preview.firstFrame;
        preview?.capturing();
        // A retry of some fingers names them (bio.bioSubType); a whole slap names only the exceptions, as MOSIP's registration client does.
        const result = await client.rcapture({ deviceId, deviceSubId, timeoutMs: CAPTURE_TIMEOUT_MS, count: wanted.length, exception, ...(subset ? { bioSubType: wanted } : {}) }, signal);
        // Only the fingers asked for are handed on: a finger the device added (an exception, another slap's) is not evidence of this request.
        const fingers = result.captures
          .filter((c) => (wanted as string[]).includes(c.bioSubType))
          .map((c) => ({ ...sbiCaptureToRaw(c), position: c.bioSubType, deviceQuality: c.qualityScore }));
        if (fingers.length === 0) throw new DeviceError('refused', `The SBI device at ${base} answered RCAPTURE for the ${request.slap} slap with none of the fingers asked for (${wanted.join(', ')}).`);
        return { kind: 'slap', device: identity, fingers, capturedAt: new Date().toISOString() };
      } finally {
        await preview?.stop();
      }
    };

    const slap = async (signal: AbortSignal, request?: CaptureRequest): Promise<RawSlapCapture> => {
      if (request?.slap) return slapCapture(signal, request.slap, request.onPreview);
      const wanted = request?.finger ? sbiFingerFor(request.finger.position) : null;
      if (request?.finger && wanted === null) throw new DeviceError('refused', `Finger position ${request.finger.position} is not one an SBI slap device captures (1–10).`);
      options.simulatePresentation?.(request?.finger ? { position: request.finger.position } : {});
      const deviceSubId = wanted?.deviceSubId ?? LEFT_SLAP;
      const preview = request?.onPreview ? startPreview(client, deviceId, deviceSubId, request.onPreview, signal) : null;
      try {
        if (preview) await preview.firstFrame;
        preview?.capturing();
        const result = await client.rcapture(
          { deviceId, deviceSubId, timeoutMs: CAPTURE_TIMEOUT_MS, ...(wanted ? { bioSubType: [wanted.bioSubType], count: 1 } : {}) },
          signal,
        );
        const fingers = result.captures.map((c) => ({ ...sbiCaptureToRaw(c), position: c.bioSubType, deviceQuality: c.qualityScore }));
        if (fingers.length === 0) throw new DeviceError('refused', `The SBI device at ${base} answered RCAPTURE with no fingers.`);
        return { kind: 'slap', device: identity, fingers, capturedAt: new Date().toISOString() };
      } finally {
        await preview?.stop();
      }
    };
    return {
      identity,
      capture: slap,
      async testCapture(signal) {
        const started = performance.now();
        const first = (await slap(signal)).fingers[0]!;
        return { kind: 'fingerprint', png: await greyToPngBase64(first.image), width: first.image.width, height: first.image.height, ppi: first.image.ppi, ms: Math.round(performance.now() - started) };
      },
      onDisconnect: () => () => undefined,
      close: () => Promise.resolve(),
    };
  },
};

/**
 * STREAM on the slap while the capture runs: each JPEG frame decoded to grey
 * and handed on in order (a frame still decoding when the next arrives makes
 * that one wait; none is dropped). A stream that fails ends the preview, not
 * the capture: the device may simply not stream.
 */
function startPreview(client: SbiClient, deviceId: string, deviceSubId: number, onPreview: (frame: PreviewFrame) => void, signal: AbortSignal) {
  const controller = new AbortController();
  const forward = () => controller.abort();
  signal.addEventListener('abort', forward, { once: true });
  let phase: PreviewFrame['phase'] = 'waiting';
  let chain = Promise.resolve();
  let gotFirst: () => void = () => undefined;
  const first = new Promise<void>((resolve) => {
    gotFirst = resolve;
  });
  const waitCap = setTimeout(gotFirst, FIRST_FRAME_WAIT_MS);
  onPreview({ phase: 'waiting', image: null });
  const running = client
    .stream({ deviceId, deviceSubId, timeoutMs: CAPTURE_TIMEOUT_MS + REQUEST_TIMEOUT_MS, signal: controller.signal }, (frame) => {
      chain = chain.then(async () => {
        if (controller.signal.aborted) return;
        const image = await jpegToGrey(frame.jpeg).catch(() => null);
        if (image !== null && !controller.signal.aborted) onPreview({ phase, image });
        gotFirst();
      });
    })
    .catch(() => undefined)
    .finally(() => gotFirst());
  return {
    firstFrame: first,
    capturing() {
      phase = 'reading';
      onPreview({ phase: 'reading', image: null });
    },
    async stop() {
      clearTimeout(waitCap);
      controller.abort();
      signal.removeEventListener('abort', forward);
      await running;
      await chain;
    },
  };
}
