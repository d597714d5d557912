/**
 * ADH-Tech GT-5xx fingerprint modules (GT-511C3, GT-521F32, GT-521F52) on a
 * serial line. Open with parameter 1 returns the module's 16-byte serial
 * number (devices.md §2), so these are approved by make + model + serial.
 */
import type { RawFingerprintCapture } from '../../../drivers/capture.js';
import { DeviceError } from '../../../drivers/errors.js';
import { Gt5xxDriver } from '../../../drivers/gt5xx/driver.js';
import { POWER_UP_BAUD } from '../../../drivers/gt5xx/protocol.js';
import { linkLossNotifier, type FamilyAdapter } from '../adapter.js';
import { greyToPngBase64 } from '../png.js';

/**
 * Longest wait for one answer. Modules answer within milliseconds (the drivers'
 * own default is 1 s), but the station shares a desk PC that may be slow to
 * schedule it; a miss only costs a re-handshake, so the manager is patient.
 */
const ANSWER_TIMEOUT_MS = 2000;
const CAPTURE_TIMEOUT_MS = 15_000;

export const gt5xxAdapter: FamilyAdapter<RawFingerprintCapture> = {
  family: 'gt5xx',
  kind: 'fingerprint',
  aliases: ['gt511', 'gt521'],
  label: { make: 'ADH-Tech', model: 'GT-5xx' },
  reportsSerial: true,
  // Power-up baud 9600 (devices.md §2); the driver raises it for the image transfer.
  defaultBaud: POWER_UP_BAUD,
  async open(address, options) {
    const link = await options.openLink(address, options.baud ?? POWER_UP_BAUD);
    const driver = new Gt5xxDriver(link, { captureTimeoutMs: CAPTURE_TIMEOUT_MS, responseTimeoutMs: ANSWER_TIMEOUT_MS });
    const loss = linkLossNotifier(link, (error) => new DeviceError('disconnected', `The fingerprint module on ${link.description} went away (${error.message}).`));
    // The driver's close() sends Close and closes the link.
    const close = async () => {
      loss.closing();
      await driver.close().catch(() => undefined);
    };
    let identity;
    try {
      identity = await driver.open();
    } catch (error) {
      await close();
      throw error;
    }
    return {
      identity,
      // Phases only for the preview: GetRawImage (160 × 120, 19 200 bytes) takes ~1.7 s at 115 200 baud, far below
      // a live rate, and it would hold the line the capture needs.
      capture: (signal, request) => {
        options.simulatePresentation?.(request?.finger ? { position: request.finger.position } : {});
        request?.onPreview?.({ phase: 'waiting', image: null });
        return driver.capture({ signal, onFingerDetected: () => request?.onPreview?.({ phase: 'reading', image: null }) });
      },
      async testCapture(signal) {
        options.simulatePresentation?.();
        const started = performance.now();
        const raw = await driver.capture({ signal });
        const png = await greyToPngBase64(raw.image);
        return { kind: 'fingerprint', png, width: raw.image.width, height: raw.image.height, ppi: raw.image.ppi, ms: Math.round(performance.now() - started) };
      },
      onDisconnect: loss.onDisconnect,
      close,
    };
  },
};
