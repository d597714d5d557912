/**
 * Passive MRZ readers on a serial line, one adapter per framing (devices.md
 * §4: DESKO CUTE, 3M RTE6701, plain CR-terminated OCR readers). They only
 * send when a document is laid on the glass and take no commands, so they
 * cannot report a serial number (or anything else): approvals match on
 * make + model + address, and "open" only opens the port.
 */
import type { RawMrzRead } from '../../../drivers/capture.js';
import { DeviceError } from '../../../drivers/errors.js';
import { MrzReaderDriver } from '../../../drivers/mrz-reader/driver.js';
import type { MrzFraming } from '../../../drivers/mrz-reader/framing.js';
import { abortable } from '../abortable.js';
import { linkLossNotifier, type FamilyAdapter } from '../adapter.js';

/** How long a read waits for a document to be laid on the glass. */
const READ_TIMEOUT_MS = 20_000;

const labels: Record<MrzFraming, { make: string; model: string }> = {
  desko: { make: 'DESKO', model: 'CUTE serial' },
  '3m': { make: '3M', model: 'RTE6701' },
  lines: { make: 'generic', model: 'OCR line reader' },
};

/** 9600 baud, 8N1 is what these readers ship with (devices.md §4 gives no other speed). */
const MRZ_BAUD = 9600;

export function mrzAdapter(framing: MrzFraming): FamilyAdapter<RawMrzRead> {
  const adapter: FamilyAdapter<RawMrzRead> = {
    family: framing,
    kind: 'mrz',
    aliases: framing === 'desko' ? ['mrz', 'mrz-desko'] : [`mrz-${framing}`],
    label: labels[framing],
    reportsSerial: false,
    defaultBaud: MRZ_BAUD,
    async open(address, options) {
      const link = await options.openLink(address, options.baud ?? MRZ_BAUD);
      const driver = new MrzReaderDriver(link, { framing });
      const loss = linkLossNotifier(link, (error) => new DeviceError('disconnected', `The MRZ reader on ${link.description} went away (${error.message}).`));
      const read = async (signal: AbortSignal) => {
        options.simulatePresentation?.();
        return abortable(driver.read(READ_TIMEOUT_MS), signal, `Reading a document on ${link.description}`);
      };
      return {
        identity: driver.identity,
        capture: async (signal) => (await read(signal)).read,
        async testCapture(signal) {
          const started = performance.now();
          const { read: raw, parsed } = await read(signal);
          const fields = Object.fromEntries(Object.entries(parsed.fields).map(([name, value]) => [name, value ?? null]));
          return { kind: 'mrz', lines: raw.lines, valid: parsed.valid, format: parsed.format ?? null, fields, ms: Math.round(performance.now() - started) };
        },
        onDisconnect: loss.onDisconnect,
        async close() {
          loss.closing();
          driver.close();
          await link.close();
        },
      };
    },
  };
  return adapter;
}

export const deskoAdapter = mrzAdapter('desko');
export const rte3mAdapter = mrzAdapter('3m');
export const linesAdapter = mrzAdapter('lines');
