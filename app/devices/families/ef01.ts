/**
 * EF01-family fingerprint modules (ZhianTec ZFM-20, Grow R305/R307/R503,
 * AS608) on a serial line. These modules cannot report a serial number: the
 * protocol's ReadSysPara answer has none, and the optional GetChipSN
 * instruction some firmware has is not in the driver (devices.md §1). So
 * they are approved by make + model + address.
 */
import type { RawFingerprintCapture } from '../../../drivers/capture.js';
import { Ef01Driver } from '../../../drivers/ef01/driver.js';
import { BAUD_UNIT, DEFAULT_BAUD_N } from '../../../drivers/ef01/protocol.js';
import { DeviceError } from '../../../drivers/errors.js';
import { linkLossNotifier, type FamilyAdapter } from '../adapter.js';
import { greyToPngBase64 } from '../png.js';

/** N = 12 → 115 200 baud for the image upload, as `balcao device capture` does (devices.md §1: 9600 × N). */
const UPLOAD_BAUD_N = 12;
/** How long a test capture waits for a finger: a technician is at the desk, but may need a moment. */
/**
 * Longest wait for one answer. Modules answer within milliseconds (the drivers'
 * own default is 1 s), but the station shares a desk PC that may be slow to
 * schedule it; a miss only costs a re-handshake, so the manager is patient.
 */
const ANSWER_TIMEOUT_MS = 2000;
const CAPTURE_TIMEOUT_MS = 15_000;

export const ef01Adapter: FamilyAdapter<RawFingerprintCapture> = {
  family: 'ef01',
  kind: 'fingerprint',
  aliases: ['r30x', 'r307', 'r503', 'as608', 'zfm20'],
  label: { make: 'ZhianTec', model: 'EF01-compatible fingerprint module' },
  reportsSerial: false,
  // Factory N = 6 → 57 600 baud (devices.md §1).
  defaultBaud: BAUD_UNIT * DEFAULT_BAUD_N,
  async open(address, options) {
    const link = await options.openLink(address, options.baud ?? BAUD_UNIT * DEFAULT_BAUD_N);
    const driver = new Ef01Driver(link, { uploadBaudMultiplier: UPLOAD_BAUD_N, captureTimeoutMs: CAPTURE_TIMEOUT_MS, timeoutMs: ANSWER_TIMEOUT_MS });
    const loss = linkLossNotifier(link, (error) => new DeviceError('disconnected', `The fingerprint module on ${link.description} went away (${error.message}).`));
    const close = async () => {
      loss.closing();
      driver.close();
      await link.close();
    };
    try {
      await driver.open();
    } catch (error) {
      await close();
      throw error;
    }
    const identity = { family: 'ef01', make: ef01Adapter.label.make, model: ef01Adapter.label.model, serial: null, firmware: null };
    return {
      identity,
      // The EF01 driver cannot be interrupted mid-exchange; a capture ends by itself within CAPTURE_TIMEOUT_MS.
      // No live image: the module sends its one image at serial speed (36 864 bytes, ~3 s at 115 200 baud), so the
      // preview gets phases only — waiting for the finger, then reading once GenImg has it.
      capture: (_signal, request) => {
        options.simulatePresentation?.(request?.finger ? { position: request.finger.position } : {});
        request?.onPreview?.({ phase: 'waiting', image: null });
        return driver.capture({ onFingerDetected: () => request?.onPreview?.({ phase: 'reading', image: null }) });
      },
      async testCapture() {
        options.simulatePresentation?.();
        const started = performance.now();
        const raw = await driver.capture();
        const png = await greyToPngBase64(raw.image);
        return { kind: 'fingerprint', png, width: raw.image.width, height: raw.image.height, ppi: raw.image.ppi, ms: Math.round(performance.now() - started) };
      },
      onDisconnect: loss.onDisconnect,
      close,
    };
  },
};
