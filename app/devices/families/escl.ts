/**
 * eSCL (AirScan) network scanners over HTTP (devices.md §4). Configured by
 * base URL (`devices.list[]` with driver 'escl'); mDNS discovery is not
 * implemented. The scanner reports its serial number in ScannerCapabilities.
 */
import sharp from 'sharp';
import type { RawPageScan } from '../../../drivers/capture.js';
import { DeviceError } from '../../../drivers/errors.js';
import { EsclClient } from '../../../drivers/escl/driver.js';
import type { EsclCapabilities, EsclScanSettings } from '../../../drivers/escl/protocol.js';
import type { FamilyAdapter } from '../adapter.js';

const SCAN_DPI = 300;
const TEST_DPI = 100;
const REQUEST_TIMEOUT_MS = 10_000;
/** How long NextDocument may keep answering 503 (the page is still being scanned). */
const PAGE_TIMEOUT_MS = 60_000;

function settings(caps: EsclCapabilities, dpi: number, color: boolean): EsclScanSettings {
  const input = caps.platen ?? caps.adfSimplex;
  if (input === null) throw new DeviceError('refused', `The eSCL scanner ${caps.makeAndModel} offers neither a platen nor a feeder.`);
  const resolution = input.resolutions.length > 0 ? input.resolutions.reduce((best, r) => (Math.abs(r - dpi) < Math.abs(best - dpi) ? r : best)) : dpi;
  const colorMode = color && input.colorModes.includes('RGB24') ? 'RGB24' : 'Grayscale8';
  const documentFormat = input.documentFormats.includes('image/png') ? 'image/png' : 'image/jpeg';
  return { inputSource: caps.platen ? 'Platen' : 'Feeder', colorMode, documentFormat, xResolution: resolution, yResolution: resolution };
}

export const esclAdapter: FamilyAdapter<RawPageScan> = {
  family: 'escl',
  kind: 'scanner',
  aliases: ['airscan'],
  label: { make: 'eSCL', model: 'network scanner' },
  reportsSerial: true,
  async present(address) {
    await new EsclClient(address, { timeoutMs: 2000 }).status();
    return true;
  },
  async open(address, options) {
    const base = options.simulator ? await options.simulator.url() : address;
    const caps = await new EsclClient(base, { timeoutMs: REQUEST_TIMEOUT_MS }).capabilities();
    const identity = { family: 'escl', make: caps.make, model: caps.model, serial: caps.serialNumber ?? caps.uuid, firmware: caps.version };
    const scanOne = async (dpi: number, color: boolean, signal: AbortSignal) => {
      const client = new EsclClient(base, { timeoutMs: REQUEST_TIMEOUT_MS, signal });
      const wanted = settings(caps, dpi, color);
      const [page] = await client.scanPages(wanted, { timeoutMs: PAGE_TIMEOUT_MS, maxPages: 1 });
      if (page === undefined) throw new DeviceError('refused', `The eSCL scanner at ${client.baseUrl} finished the job without a page.`);
      return { page, dpi: wanted.xResolution };
    };
    return {
      identity,
      async capture(signal, request) {
        // A simulated scanner gets the kind of document the flow scans (card, passport page, A4) on its glass.
        options.simulatePresentation?.(request?.paper ? { paper: request.paper } : {});
        const { page, dpi } = await scanOne(SCAN_DPI, true, signal);
        const meta = await sharp(page.bytes).metadata();
        return { kind: 'page', device: identity, bytes: page.bytes, mediaType: page.contentType, width: meta.width ?? 0, height: meta.height ?? 0, ppi: dpi, scannedAt: new Date().toISOString() };
      },
      async testCapture(signal) {
        const started = performance.now();
        const { page, dpi } = await scanOne(TEST_DPI, false, signal);
        // The UI shows PNG: a JPEG page is converted here, a PNG passed on as it came.
        const png = page.contentType.includes('png') ? page.bytes : await sharp(page.bytes).png().toBuffer();
        const meta = await sharp(png).metadata();
        return { kind: 'page', png: png.toString('base64'), width: meta.width ?? 1, height: meta.height ?? 1, ppi: dpi, ms: Math.round(performance.now() - started) };
      },
      // HTTP has no link to lose; the manager's polling of ScannerStatus notices a scanner gone.
      onDisconnect: () => () => undefined,
      close: () => Promise.resolve(),
    };
  },
};
