/**
 * Page scanners through SANE's `scanimage` (any backend). A SANE device has
 * no session to hold open: "opening" checks that the backend answers for the
 * device (`scanimage -d <dev> -A`), and each capture is one scanimage run.
 * In simulate mode the device is SANE's own `test` backend (test:0), turned
 * on by device-simulators/sane/config.ts. SANE reports no serial number, so
 * approvals match on make + model + address.
 */
import type { RawPageScan } from '../../../drivers/capture.js';
import { DeviceError } from '../../../drivers/errors.js';
import { discoverSaneDevices, listSaneDevices, resolveSaneSource, scanWithSane } from '../../../drivers/sane/driver.js';
import { saneSimulatorConfigPath } from '../../../device-simulators/sane/config.js';
import type { FamilyAdapter } from '../adapter.js';
import { isSimAddress } from '../simulation.js';

/** What a desk scan asks for: 300 dpi, the resolution quality checks expect of documents (docs/quality.md). */
const SCAN_DPI = 300;
/** The technician's check: enough to read the page on screen, quick to scan. */
const TEST_DPI = 100;
const OPEN_TIMEOUT_MS = 15_000;
const SCAN_TIMEOUT_MS = 120_000;

export const saneAdapter: FamilyAdapter<RawPageScan> = {
  family: 'sane',
  kind: 'scanner',
  label: { make: 'SANE', model: 'scanner' },
  reportsSerial: false,
  discover: (signal) => discoverSaneDevices({ signal, timeoutMs: 20_000 }),
  // Asking a real scanner every second whether it is there would open it every second; a scan that fails says so instead.
  present: () => Promise.resolve(true),
  async open(address) {
    const simulated = isSimAddress(address);
    const device = simulated ? 'test:0' : address;
    const run = simulated ? { saneConfigDir: saneSimulatorConfigPath() } : {};
    // -A opens the device and lists its options: the cheapest proof that the backend reaches it.
    const source = await resolveSaneSource(device, 'platen', { ...run, timeoutMs: OPEN_TIMEOUT_MS });
    let make = 'SANE';
    let model = device;
    if (simulated) {
      make = 'SANE';
      model = 'test backend (frontend-tester virtual device)';
    } else {
      const listed = (await listSaneDevices({ timeoutMs: OPEN_TIMEOUT_MS }).catch(() => [])).find((d) => d.name === device);
      if (listed) {
        make = listed.vendor;
        model = listed.model;
      }
    }
    const identity = { family: 'sane', make, model, serial: null, firmware: null };
    const scan = async (dpi: number, mode: 'Color' | 'Gray', signal: AbortSignal) => {
      const page = await scanWithSane({ ...run, device, mode, resolution: dpi, format: 'png', ...(source ? { source } : {}), timeoutMs: SCAN_TIMEOUT_MS, signal });
      return page;
    };
    return {
      identity,
      async capture(signal) {
        const page = await scan(SCAN_DPI, 'Color', signal);
        return { kind: 'page', device: identity, bytes: page.bytes, mediaType: 'image/png', width: page.width, height: page.height, ppi: page.ppi, scannedAt: new Date().toISOString() };
      },
      async testCapture(signal) {
        const started = performance.now();
        const page = await scan(TEST_DPI, 'Gray', signal);
        if (page.width < 1 || page.height < 1) throw new DeviceError('protocol', `scanimage returned an empty page from ${device}.`);
        return { kind: 'page', png: page.bytes.toString('base64'), width: page.width, height: page.height, ppi: page.ppi, ms: Math.round(performance.now() - started) };
      },
      // No link to lose: a vanished scanner shows as a failed scan.
      onDisconnect: () => () => undefined,
      close: () => Promise.resolve(),
    };
  },
};
