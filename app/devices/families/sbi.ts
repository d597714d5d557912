/**
 * Biometric devices that ship a MOSIP SBI 0.9.5 device service on 127.0.0.1
 * (devices.md §5): found by scanning ports 4501–4600 with MOSIPDISC, opened
 * with MOSIPDINFO (make, model and serial from the digital ID), captured with
 * RCAPTURE. The hash chain is checked by the client and a broken one refused;
 * device signatures are checked only against keys the station trusts (none
 * configured yet: signatureVerified stays false, and says so).
 */
import type { RawSlapCapture } from '../../../drivers/capture.js';
import { DeviceError } from '../../../drivers/errors.js';
import { SbiClient, discoverSbiServices, sbiCaptureToRaw } from '../../../drivers/sbi/driver.js';
import type { FamilyAdapter } from '../adapter.js';
import { greyToPngBase64 } from '../png.js';

/** The device's own capture timeout sent in RCAPTURE: time for a person to place four fingers. */
const CAPTURE_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 5_000;
/** deviceSubId 1 = left slap (SBI 0.9.5 "bio.deviceSubId"). */
const LEFT_SLAP = 1;

export const sbiAdapter: FamilyAdapter<RawSlapCapture> = {
  family: 'sbi',
  kind: 'fingerprint',
  aliases: ['mosip-sbi'],
  label: { make: 'SBI', model: 'biometric device service' },
  reportsSerial: true,
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
    const slap = async (signal: AbortSignal): Promise<RawSlapCapture> => {
      const result = await client.rcapture({ deviceId: String(finger.deviceId), deviceSubId: LEFT_SLAP, timeoutMs: CAPTURE_TIMEOUT_MS }, signal);
      const fingers = result.captures.map((c) => ({ ...sbiCaptureToRaw(c), position: c.bioSubType, deviceQuality: c.qualityScore }));
      if (fingers.length === 0) throw new DeviceError('refused', `The SBI device at ${base} answered RCAPTURE with no fingers.`);
      return { kind: 'slap', device: identity, fingers, capturedAt: new Date().toISOString() };
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
