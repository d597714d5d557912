/**
 * SANE through its command-line front end, scanimage (sane-utils): the
 * argument lists we pass and the text it answers with. Pure: no process is
 * started here (./driver.ts does that over drivers/transport/process-link.ts).
 *
 * Sources: scanimage(1) for the options (-d, --mode, --resolution, --format,
 * --source, -l/-t/-x/-y in millimetres, --batch, -L, -f with %d %v %m %t %i
 * %n), sane.h (SANE standard 1.0 §4.2.x, SANE_Status) for the exit status,
 * which scanimage passes through (`exit (status)`), and sane_strstatus() for
 * the messages it prints ("Document feeder jammed", …), measured with
 * sane-backends 1.1.1 (Debian) and its `test` backend.
 */
import { DeviceError } from '../errors.js';

export type SaneMode = 'Color' | 'Gray' | 'Lineart';
export const saneFormats = ['png', 'tiff', 'pnm', 'jpeg'] as const;
export type SaneFormat = (typeof saneFormats)[number];

/** A scan area in millimetres from the top-left corner (SANE geometry options are in mm: scanimage(1) -l -t -x -y). */
export interface SaneRegionMm {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface SaneScanSettings {
  /** SANE device name, e.g. 'test:0', 'escl:http://…', 'hpaio:/usb/…'. */
  device: string;
  mode?: SaneMode;
  /** Dots per inch. */
  resolution?: number;
  format?: SaneFormat;
  /** The backend's own source name ('Flatbed', 'Automatic Document Feeder', 'ADF Front', …). */
  source?: string;
  region?: SaneRegionMm;
  /** Backend-specific options by their long name without dashes, e.g. { 'test-picture': 'Grid' }. */
  extra?: Record<string, string | number | boolean>;
}

/** Where scanimage puts the image: stdout (one page) or numbered files (--batch, for a feeder). */
export type SaneOutput = { kind: 'stdout' } | { kind: 'batch'; pattern: string; count?: number };

/** SANE_Status values (sane.h); scanimage exits with the status of the call that failed. */
export const SaneStatus = {
  GOOD: 0,
  UNSUPPORTED: 1,
  CANCELLED: 2,
  DEVICE_BUSY: 3,
  INVAL: 4,
  EOF: 5,
  JAMMED: 6,
  NO_DOCS: 7,
  COVER_OPEN: 8,
  IO_ERROR: 9,
  NO_MEM: 10,
  ACCESS_DENIED: 11,
} as const;

const OPTION_NAME = /^[a-z][a-z0-9-]*$/;
/** Options this module sets itself: passing them through `extra` would contradict the typed settings. */
const RESERVED = new Set(['device-name', 'mode', 'resolution', 'format', 'source', 'output-file', 'batch', 'batch-count', 'l', 't', 'x', 'y']);

/** Scanimage's options for one scan. Throws RangeError on settings no scanner could take (a caller's mistake, not a device's). */
export function buildScanArgs(settings: SaneScanSettings, output: SaneOutput = { kind: 'stdout' }): string[] {
  if (settings.device.length === 0 || settings.device.startsWith('-')) throw new RangeError(`"${settings.device}" is not a SANE device name.`);
  const args = ['--device-name', settings.device];
  if (settings.mode !== undefined) args.push('--mode', settings.mode);
  if (settings.resolution !== undefined) {
    if (!Number.isInteger(settings.resolution) || settings.resolution < 1 || settings.resolution > 19200) throw new RangeError(`Resolution must be a whole number of dpi (1…19200), got ${settings.resolution}.`);
    args.push('--resolution', String(settings.resolution));
  }
  args.push(`--format=${settings.format ?? 'png'}`);
  if (settings.source !== undefined) args.push('--source', settings.source);
  if (settings.region !== undefined) {
    const { left, top, width, height } = settings.region;
    for (const [name, v] of Object.entries({ left, top, width, height })) {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`Scan region ${name} must be a non-negative number of millimetres, got ${v}.`);
    }
    if (width === 0 || height === 0) throw new RangeError('A scan region needs a width and a height above 0 mm.');
    args.push('-l', mm(left), '-t', mm(top), '-x', mm(width), '-y', mm(height));
  }
  for (const [name, value] of Object.entries(settings.extra ?? {})) {
    if (!OPTION_NAME.test(name) || RESERVED.has(name)) throw new RangeError(`"${name}" is not a backend option that may be passed through.`);
    // --name=value keeps a value that starts with '-' from being read as another option.
    args.push(`--${name}=${typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)}`);
  }
  if (output.kind === 'batch') {
    args.push(`--batch=${output.pattern}`);
    if (output.count !== undefined) args.push(`--batch-count=${output.count}`);
  }
  return args;
}

const mm = (v: number) => String(Math.round(v * 1000) / 1000);

export interface SaneDevice {
  name: string;
  vendor: string;
  model: string;
  /** 'flatbed scanner', 'virtual device', … */
  type: string;
}

/** Field separator for our formatted list: US (0x1F) appears in no device name, vendor or model. */
export const LIST_SEPARATOR = '\x1f';
/** The -f format whose output parseFormattedDeviceList reads (%d name, %v vendor, %m model, %t type, %n newline). */
export const LIST_FORMAT = `%d${LIST_SEPARATOR}%v${LIST_SEPARATOR}%m${LIST_SEPARATOR}%t%n`;

/** Lines printed by `scanimage -f LIST_FORMAT`; lines that do not have four fields are skipped. */
export function parseFormattedDeviceList(text: string): SaneDevice[] {
  const devices: SaneDevice[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(LIST_SEPARATOR);
    if (fields.length !== 4) continue;
    const [name, vendor, model, type] = fields.map((f) => f.trim()) as [string, string, string, string];
    if (name.length === 0) continue;
    devices.push({ name, vendor, model, type });
  }
  return devices;
}

/**
 * Lines printed by `scanimage -L`: "device `NAME' is a VENDOR MODEL TYPE".
 * Vendor, model and type are printed with single spaces between them and
 * each may hold spaces itself, so the split is a guess: vendor = first word,
 * type = the known trailing phrase where there is one. The formatted list
 * (-f) is exact; this is for text pasted from elsewhere and for `-L` output.
 */
export function parseDeviceList(text: string): SaneDevice[] {
  const devices: SaneDevice[] = [];
  for (const line of text.split('\n')) {
    const m = /^device `(.+)' is an? (.*)$/.exec(line.trim());
    if (!m) continue;
    const name = m[1] as string;
    const rest = (m[2] as string).trim();
    const type = KNOWN_TYPES.find((t) => rest.endsWith(` ${t}`)) ?? '';
    const head = type ? rest.slice(0, rest.length - type.length - 1) : rest;
    const space = head.indexOf(' ');
    devices.push({ name, vendor: space < 0 ? head : head.slice(0, space), model: space < 0 ? '' : head.slice(space + 1), type });
  }
  return devices;
}

/** Device types from the SANE standard §4.2.2 (SANE_Device.type), plus ones backends commonly print. */
const KNOWN_TYPES = ['flatbed scanner', 'frame grabber', 'handheld scanner', 'multi-function peripheral', 'sheetfed scanner', 'still camera', 'video camera', 'virtual device', 'film scanner', 'ip camera', 'scanner', 'adf scanner', 'flatbed & sheetfed scanner'];

/** Explains why scanimage failed, as a DeviceError; `what` says what was tried ("scanning from test:0 at 300 dpi"). */
export function mapScanimageFailure(failure: { exitCode: number | null; stderr: string; command: string; device?: string; what?: string }): DeviceError {
  const { exitCode, stderr, command } = failure;
  const said = lastMessage(stderr);
  const what = failure.what ?? command;
  const device = failure.device ?? 'the scanner';
  const status = exitCode ?? -1;
  const quote = said ? ` (scanimage said: "${said}")` : '';
  if (/open of device .* failed/i.test(stderr) || /no SANE devices found/i.test(stderr)) {
    // sane_open answers SANE_STATUS_INVAL for a name no backend knows (dll.c), which scanimage prints as "Invalid argument".
    return new DeviceError('not_found', `SANE has no device ${device}: ${what} failed${quote}; list devices with scanimage -L.`, status);
  }
  if (/feeder jammed/i.test(stderr) || status === SaneStatus.JAMMED) return new DeviceError('refused', `The document feeder of ${device} is jammed: ${what} stopped${quote}.`, SaneStatus.JAMMED);
  if (/out of documents/i.test(stderr) || status === SaneStatus.NO_DOCS) return new DeviceError('refused', `The document feeder of ${device} has no documents (out of documents): ${what} stopped${quote}.`, SaneStatus.NO_DOCS);
  if (/cover is open/i.test(stderr) || status === SaneStatus.COVER_OPEN) return new DeviceError('refused', `The cover of ${device} is open: ${what} stopped${quote}.`, SaneStatus.COVER_OPEN);
  if (/device busy/i.test(stderr) || status === SaneStatus.DEVICE_BUSY) return new DeviceError('busy', `${device} is busy (in use by another program): ${what} failed${quote}.`, SaneStatus.DEVICE_BUSY);
  if (/access to resource has been denied|access denied/i.test(stderr) || status === SaneStatus.ACCESS_DENIED) return new DeviceError('refused', `Access to ${device} was denied (permissions or authentication): ${what} failed${quote}.`, SaneStatus.ACCESS_DENIED);
  if (/operation was cancell?ed/i.test(stderr) || status === SaneStatus.CANCELLED) return new DeviceError('cancelled', `${what} was cancelled at ${device}${quote}.`, SaneStatus.CANCELLED);
  if (/error during device i\/o/i.test(stderr) || status === SaneStatus.IO_ERROR) return new DeviceError('disconnected', `${device} stopped answering (I/O error): ${what} failed${quote}.`, SaneStatus.IO_ERROR);
  if (/unrecognized option|bad option value|setting of option .* failed|invalid argument|missing required argument|requires an argument/i.test(stderr) || status === SaneStatus.INVAL) {
    return new DeviceError('refused', `${device} does not accept these settings (invalid argument): ${what} failed${quote}; see scanimage -d ${device} -A for its options.`, SaneStatus.INVAL);
  }
  if (/out of memory/i.test(stderr) || status === SaneStatus.NO_MEM) return new DeviceError('refused', `${device} ran out of memory: ${what} failed${quote}.`, SaneStatus.NO_MEM);
  if (/operation not supported/i.test(stderr) || status === SaneStatus.UNSUPPORTED) return new DeviceError('refused', `${device} does not support this operation: ${what} failed${quote}.`, SaneStatus.UNSUPPORTED);
  return new DeviceError('protocol', `${what} ended with exit status ${exitCode === null ? 'none (killed by a signal)' : exitCode}${quote}.`, exitCode ?? undefined);
}

/** The last "scanimage: …" line of stderr, without the program name: the message that explains the failure. */
export function lastMessage(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const tagged = lines.filter((l) => l.startsWith('scanimage:'));
  const line = tagged.at(-1) ?? lines.at(-1) ?? '';
  return line.replace(/^scanimage:\s*/, '').slice(0, 300);
}

/** Pages that --batch announced as finished ("Scanned page N."), so a feeder failure can say how far it got. */
export function scannedPages(stderr: string): number {
  return (stderr.match(/^Scanned page \d+\./gm) ?? []).length;
}

/**
 * The values of a device's --source option from `scanimage -d DEV -A`
 * ("    --source Flatbed|Automatic Document Feeder [Flatbed]"): backends name
 * their sources freely ('Flatbed', 'ADF', 'ADF Front', 'Automatic Document
 * Feeder'…), so a caller asking for "the feeder" has to look them up.
 */
export function parseSourceOption(helpText: string): { values: string[]; current: string | null } | null {
  const m = /^\s*--source\s+(.+?)(?:\s+\[([^\]]*)\])?\s*$/m.exec(helpText);
  if (!m) return null;
  const values = (m[1] as string).split('|').map((v) => v.trim()).filter((v) => v.length > 0);
  return values.length ? { values, current: m[2] ?? null } : null;
}

/** The backend's name for the platen or the feeder among its --source values (null when it has none). */
export function pickSource(values: readonly string[], wanted: 'platen' | 'feeder'): string | null {
  if (wanted === 'platen') return values.find((v) => /flatbed|platen|glass|document table/i.test(v)) ?? null;
  const feeders = values.filter((v) => /adf|feeder|automatic/i.test(v));
  // Prefer simplex front-side feeding: 'ADF Front' over 'ADF Back' / 'ADF Duplex'.
  return feeders.find((v) => !/duplex|back/i.test(v)) ?? feeders[0] ?? null;
}
